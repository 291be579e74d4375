/**
 * The licence register as a bound (specs/verifier.md §6.1, "Licence register"): a chip admits work
 * only under an installed licence and within its remaining quota (module-commands.md §4), and a
 * licence is never installed twice (licence.md §3, §6), so the quotas of every licence the issuers
 * granted a chip bound everything it can have run. The bound rests on the chip enforcing its licences; it is the bound for a chip whose own
 * evidence says nothing the accounting may use.
 */
import { HemkitError } from '@hemkit/wire/errors';
import type { ChipView } from './chips.js';
import type { CheckedLicence } from './input.js';

/** Per chip the register names (UEID hex): the sum of the operations quotas of its distinct licences. */
export function licenceBounds(licences: readonly CheckedLicence[], chips: ReadonlyMap<string, ChipView>): Map<string, bigint> {
  const seen = new Map<string, CheckedLicence>();
  const bounds = new Map<string, bigint>();
  for (const l of licences) {
    const id = `${l.key}/${l.licenceId}`;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      if (earlier.opsQuota !== l.opsQuota) {
        throw new HemkitError(
          'ACCOUNTING_CONFLICTING_LICENCE',
          `${l.path}: licence ${l.licenceId} of chip ${l.key} has operations quota ${l.opsQuota}, but ${earlier.opsQuota} at ${earlier.path}`,
        );
      }
      continue; // the same licence listed twice grants its quota once
    }
    seen.set(id, l);
    bounds.set(l.key, (bounds.get(l.key) ?? 0n) + l.opsQuota);
  }
  // An affirmed counter above every quota granted means the register misses a licence (or the chip
  // ran unlicensed work): either way no bound this register gives can be stood behind.
  for (const [key, bound] of bounds) {
    const chip = chips.get(key);
    if (chip?.affirmed === true && chip.totalOps > bound) {
      throw new HemkitError(
        'ACCOUNTING_LICENCE_EXCEEDED',
        `chip ${key}: its affirmed lifetime counter ${chip.totalOps} is greater than the ${bound} operations its listed licences grant`,
      );
    }
  }
  return bounds;
}
