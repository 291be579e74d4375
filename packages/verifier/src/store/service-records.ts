/**
 * What a verification service keeps beside the chips' memory (specs/verifier.md §4.1): the challenges
 * it issued, and a listing of the chips it remembers for fleet accounting. The memory and SQLite
 * stores implement it synchronously; `asAsyncStore` lifts both to the asynchronous contract.
 */
import { HemkitError } from '@hemkit/wire/errors';
import type { ChallengeRequest, RememberedChip, StoredChallenge } from './async-types.js';

export interface ServiceRecords {
  listChips(options?: { readonly after?: Uint8Array; readonly limit?: number }): RememberedChip[];
  issueChallenge(challenge: ChallengeRequest): StoredChallenge;
  getChallenge(nonce: Uint8Array, now: number): StoredChallenge | undefined;
}

const SAFE = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Refuses a challenge the stores could not keep exactly. */
export function checkChallenge(c: ChallengeRequest): void {
  const bad = (what: string): never => {
    throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', `challenge: ${what}`);
  };
  if (!(c.nonce instanceof Uint8Array) || c.nonce.length < 8 || c.nonce.length > 64) bad('"nonce" must be 8 to 64 bytes');
  if (c.ueid !== undefined && (!(c.ueid instanceof Uint8Array) || c.ueid.length === 0)) bad('"ueid" must be non-empty bytes');
  if (!SAFE(c.issuedAt) || !SAFE(c.expiresAt)) bad('"issuedAt" and "expiresAt" must be non-negative safe integers');
  if (c.expiresAt < c.issuedAt) bad('"expiresAt" is before "issuedAt"');
}

/** Refuses a plan's challenge lookup the stores could not answer exactly. */
export function checkPlannedChallenge(c: { readonly nonce: Uint8Array; readonly now: number }): void {
  if (!(c.nonce instanceof Uint8Array) || c.nonce.length < 8 || c.nonce.length > 64) throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', 'the plan\'s challenge: "nonce" must be 8 to 64 bytes');
  if (!SAFE(c.now)) throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', 'the plan\'s challenge: "now" must be a non-negative safe integer');
}

export function copyChallenge(c: StoredChallenge): StoredChallenge {
  return { nonce: c.nonce.slice(), ueid: c.ueid?.slice(), knownTreeSize: c.knownTreeSize, issuedAt: c.issuedAt, expiresAt: c.expiresAt };
}

/** Bytewise order, as SQLite and PostgreSQL order BLOB and bytea keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
