/**
 * How the device finds its log entries in the entries file without the offsets file: each entry is
 * one CBOR data item (specs/messages/log-entry.md §1) whose `index` field is its position, so the
 * strict decoder can tell where it ends, and the index tells a real entry from bytes that merely
 * decode (log/reconcile.ts, specs/security.md §10.2).
 */
import { decode } from '@hemkit/wire/cbor';
import { isHemkitError } from '@hemkit/wire/errors';
import { logEntry } from '@hemkit/wire/messages';
import type { EntryDelimiter } from '../log/file.js';

export const delimitLogEntry: EntryDelimiter = (window, index) => {
  let length = window.length;
  try {
    decode(window);
  } catch (e) {
    // The decoder reads one whole item before it looks past it: trailing bytes begin where it ends.
    if (!isHemkitError(e, 'CBOR_TRAILING_BYTES') || e.offset === undefined) return undefined;
    length = e.offset;
  }
  try {
    return logEntry.parse(decode(window.subarray(0, length)), 'log-entry').index === index ? length : undefined;
  } catch (e) {
    if (!isHemkitError(e)) throw e;
    return undefined;
  }
};
