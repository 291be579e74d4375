/**
 * The challenge file `hemkit challenge` writes and `module evidence --challenge` and `verify
 * --challenge` read: the verifier's nonce, and what the chip should prove against (the tree size
 * the verifier's store last remembered for it, 0 for a chip it has never affirmed).
 *
 *   { "format": "hemkit-challenge/v1", "nonce": "<hex>", "issuedAt": 1800000000,
 *     "ueid": "<hex>", "knownTreeSize": 12 }          (ueid and knownTreeSize when a chip is named)
 */
import { UsageError } from './io.js';
import { fromHex } from '@hemkit/wire/bytes';

export const CHALLENGE_FORMAT = 'hemkit-challenge/v1';

export interface Challenge {
  readonly nonce: Uint8Array;
  readonly issuedAt: number;
  readonly ueid?: Uint8Array;
  readonly knownTreeSize: number;
}

const isHex = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && /^([0-9a-f]{2})+$/.test(v) && v.length / 2 >= min && v.length / 2 <= max;

export function parseChallenge(value: unknown, file: string): Challenge {
  const bad = (what: string) => new UsageError(`${file} is not a hemkit challenge: ${what}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('not a JSON object');
  const v = value as Record<string, unknown>;
  if (v.format !== CHALLENGE_FORMAT) throw bad(`format must be "${CHALLENGE_FORMAT}"`);
  if (!isHex(v.nonce, 8, 64)) throw bad('nonce must be 8 to 64 bytes of lowercase hex');
  if (!Number.isSafeInteger(v.issuedAt) || (v.issuedAt as number) < 0) throw bad('issuedAt must be seconds since the epoch');
  if (v.ueid !== undefined && !isHex(v.ueid, 7, 33)) throw bad('ueid must be hex');
  const known = v.knownTreeSize ?? 0;
  if (!Number.isSafeInteger(known) || (known as number) < 0) throw bad('knownTreeSize must be a whole number');
  return {
    nonce: fromHex(v.nonce),
    issuedAt: v.issuedAt as number,
    ...(v.ueid !== undefined ? { ueid: fromHex(v.ueid as string) } : {}),
    knownTreeSize: known as number,
  };
}
