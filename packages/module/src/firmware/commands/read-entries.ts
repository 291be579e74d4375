/**
 * read-entries: log entries in order, with the frontier of the log before the first of them
 * (module-commands.md §3.1), unproven and unsigned. An operator that proves its disclosed entries by a
 * frontier (verifier.md §2, merkle.md §9) needs no per-entry receipt: the verifier judges the entries
 * and the frontier by the root the signed report carries, so this costs the chip no signature.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { READ_ENTRIES_MAX_BYTES, READ_ENTRIES_MAX_COUNT, type CMD } from '@hemkit/wire/messages';
import type { Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function readEntries(w: Work, request: CommandRequest<typeof CMD.readEntries>): CommandResponse<typeof CMD.readEntries> {
  const { start, end } = request.params;
  w.provisioned();
  // The order of §3.1: the range, its length, then the log.
  if (start >= end) throw new HemkitError('MODULE_INVALID_PARAMS', `read-entries: start ${start} is not below end ${end}`);
  if (end - start > READ_ENTRIES_MAX_COUNT) {
    throw new HemkitError('MODULE_INVALID_PARAMS', `read-entries: at most ${READ_ENTRIES_MAX_COUNT} entries a call, not ${end - start} (${start} to ${end})`);
  }
  if (end > w.env.log.size) throw new HemkitError('MODULE_INVALID_PARAMS', `read-entries: end ${end} is beyond the log's ${w.env.log.size} entries`);
  // The longest run within the byte budget, and at least one entry, so that every call advances; with
  // F(start) (merkle.md §9). The log checks the run and the frontier together against its root.
  const { entries, frontier } = w.env.log.readRun(start, end, READ_ENTRIES_MAX_BYTES);
  return ok(request, { entries, frontier });
}
