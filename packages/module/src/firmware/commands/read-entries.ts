/**
 * read-entries: log entries in order, with the frontier of the log before the first of them
 * (module-commands.md §3.1), unproven and unsigned. An operator that proves its disclosed entries by a
 * frontier (verifier.md §2, merkle.md §9) needs no per-entry receipt: the verifier judges the entries
 * and the frontier by the root the signed report carries, so this costs the chip no signature.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { frontierFromInclusionProof } from '@hemkit/wire/merkle';
import { READ_ENTRIES_MAX_BYTES, READ_ENTRIES_MAX_COUNT, type CMD } from '@hemkit/wire/messages';
import type { Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function readEntries(w: Work, request: CommandRequest<typeof CMD.readEntries>): CommandResponse<typeof CMD.readEntries> {
  const { start, end } = request.params;
  w.provisioned();
  // The order of §3.1: the range, its length, then the log.
  if (start >= end) throw new HemkitError('MODULE_INVALID_PARAMS', `read-entries needs start < end (got ${start}, ${end})`);
  if (end - start > READ_ENTRIES_MAX_COUNT) {
    throw new HemkitError('MODULE_INVALID_PARAMS', `read-entries returns at most ${READ_ENTRIES_MAX_COUNT} entries a call; ${start} to ${end} is ${end - start}`);
  }
  w.withinLog(end);
  const log = w.env.log;
  // F(start) is the left side of the audit path of leaf start in any larger tree (merkle.md §9); the
  // log checks that path against its root before it returns it.
  const frontier = start === 0 ? [] : frontierFromInclusionProof(start, log.size, log.inclusionProof(start, log.size));
  // The longest prefix within the byte budget, and at least one entry, so that every call advances.
  const entries: Uint8Array[] = [log.entry(start)];
  let bytes = entries[0]!.length;
  for (let index = start + 1; index < end; index++) {
    const entry = log.entry(index);
    if (bytes + entry.length > READ_ENTRIES_MAX_BYTES) break;
    bytes += entry.length;
    entries.push(entry);
  }
  return ok(request, { entries, frontier });
}
