/**
 * A firmware policy in a few lines, for `hemkit scenario run --policy` and `hemkit module cost
 * --policy` (specs/scenarios.md §7): hemkit v1's default policy with one rule changed. A licence keeps
 * admitting work for a day past its expiry, a design that tolerates a chip clock running fast.
 *
 * A policy module is an ES module exporting a FirmwarePolicy (packages/module/src/firmware/policy/
 * types.ts) as its default export: a name, and every hook. Spreading DEFAULT_POLICY keeps the
 * default's hooks; replace the ones the design changes.
 */
import { DEFAULT_POLICY } from '@hemkit/module';

const GRACE_SECONDS = 86_400;

export default {
  ...DEFAULT_POLICY,
  name: 'grace-period-1d',
  hasExpired: (licence, now) => now >= licence.expiry + GRACE_SECONDS,
};
