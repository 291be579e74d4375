import { toHex } from '@hemkit/wire/bytes';
import { invalid } from './input-errors.js';

/** RFC 9711 §4.2.1: a UEID is 7 to 33 bytes (the wire's `ueid` type, specs/cddl/hemkit.cddl §1). */
const UEID_MIN = 7;
const UEID_MAX = 33;

/** The UEID itself, or ACCOUNTING_INVALID_INPUT naming `path` when it is not a Uint8Array of 7 to 33 bytes. */
export function checkUeid(value: unknown, path: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length < UEID_MIN || value.length > UEID_MAX) {
    throw invalid(path, `a UEID (Uint8Array of ${UEID_MIN} to ${UEID_MAX} bytes)`, value);
  }
  return value;
}

/** Lower-case hex of a UEID: the key chips are matched by, and how reports name them. */
export function ueidHex(ueid: Uint8Array): string {
  return toHex(checkUeid(ueid, 'ueid'));
}
