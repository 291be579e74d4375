/**
 * The log as the firmware reads it on a device: every entry, root and proof taken from storage is
 * checked against the current root before it is returned, so that nothing the firmware signs or
 * hands out rests on bytes that changed on disk (specs/security.md §10.3).
 *
 * The current root is the anchor. A FileLogStore computes it from the tree's frontier, held in
 * memory: read from disk only when the store was opened, after reconciliation had checked the
 * directory against the root the committed state records (reconcile.ts), and extended in memory by
 * every append since. Everything else is read from disk on demand and proven against it:
 *
 *   entry(i)               HASH(0x00 ‖ entry) with PATH(i, D[0:n]) leads to the current root (RFC 9162 §2.1.3.2)
 *   root(m), m < n         PROOF(m, D[0:n]) leads from it to the current root (RFC 9162 §2.1.4.2)
 *   inclusionProof(i, m)   leads from the stored leaf hash to the checked root(m)
 *   consistencyProof(m, k) leads from the checked root(m) to the checked root(k)
 *   readRun(s, e, b)       F(s) extended by the run's leaf hashes gives the checked root(s + n)
 *                          (merkle.md §9): one check for the run, not a proof per entry
 *
 * So a changed entry, leaf hash or node is found, with LOG_INTEGRITY_FAILED, at the cost of a few
 * O(log n) proofs per read, and without rehashing the log.
 */
import { HemkitError, isHemkitError } from '@hemkit/wire/errors';
import { bytesEqual } from '@hemkit/wire/bytes';
import { rootFromFrontier, verifyConsistency, verifyInclusion, type MerkleHasher } from '@hemkit/wire/merkle';
import type { FirmwareLog, LogRun } from '../firmware/env.js';
import type { LogStore } from './store.js';

export class VerifiedLog implements FirmwareLog {
  readonly store: LogStore;
  readonly #hasher: MerkleHasher;
  readonly #onFailure: ((error: HemkitError) => void) | undefined;

  /** `onFailure` hears of every failed check, for an owner that repairs or refuses afterwards. */
  constructor(store: LogStore, hasher: MerkleHasher, onFailure?: (error: HemkitError) => void) {
    this.store = store;
    this.#hasher = hasher;
    this.#onFailure = onFailure;
  }

  get size(): number {
    return this.store.size;
  }

  append(entry: Uint8Array): number {
    return this.store.append(entry);
  }

  entry(index: number): Uint8Array {
    const size = this.store.size;
    return this.#check(`entry ${index}`, () => {
      const entry = this.store.entry(index);
      verifyInclusion(this.#hasher, index, size, this.#hasher.hashLeaf(entry), this.store.inclusionProof(index, size), this.store.root());
      return entry;
    });
  }

  root(size: number = this.store.size): Uint8Array {
    const current = this.store.size;
    if (size === current) return this.store.root();
    return this.#check(`the root of the first ${size} entries`, () => {
      const root = this.store.root(size);
      if (size > 0) verifyConsistency(this.#hasher, size, current, this.store.consistencyProof(size, current), root, this.store.root());
      return root;
    });
  }

  inclusionProof(index: number, size: number = this.store.size): Uint8Array[] {
    const root = this.root(size);
    return this.#check(`the inclusion proof of entry ${index} in ${size}`, () => {
      const proof = this.store.inclusionProof(index, size);
      verifyInclusion(this.#hasher, index, size, this.store.leafHash(index), proof, root);
      return proof;
    });
  }

  consistencyProof(size1: number, size2: number = this.store.size): Uint8Array[] {
    const root1 = this.root(size1);
    const root2 = this.root(size2);
    return this.#check(`the consistency proof from ${size1} to ${size2}`, () => {
      const proof = this.store.consistencyProof(size1, size2);
      verifyConsistency(this.#hasher, size1, size2, proof, root1, root2);
      return proof;
    });
  }

  readRun(start: number, end: number, maxBytes: number): LogRun {
    const run = this.store.readRun(start, end, maxBytes);
    const root = this.root(start + run.entries.length);
    return this.#check(`entries ${start} to ${start + run.entries.length - 1} and the frontier before them`, () => {
      const reached = rootFromFrontier(this.#hasher, start, run.frontier, run.entries.map((e) => this.#hasher.hashLeaf(e)));
      if (!bytesEqual(reached, root)) throw new HemkitError('MERKLE_ROOT_MISMATCH', `they lead to another root than the log's at ${start + run.entries.length}`);
      return run;
    });
  }

  /**
   * Runs one read and its check. A proof that leads elsewhere (MERKLE_ROOT_MISMATCH) or stored files
   * that cannot be read as a log (LOG_STORE_CORRUPT) become LOG_INTEGRITY_FAILED; refusals of the
   * arguments (MERKLE_INVALID_TREE_SIZE, MERKLE_INDEX_OUT_OF_RANGE, ...) and storage failures pass.
   */
  #check<T>(what: string, read: () => T): T {
    try {
      return read();
    } catch (cause) {
      if (!isHemkitError(cause, 'MERKLE_ROOT_MISMATCH') && !isHemkitError(cause, 'LOG_STORE_CORRUPT')) throw cause;
      const error = new HemkitError('LOG_INTEGRITY_FAILED', `${what} does not verify against the log's current root: the stored log changed (${cause.message})`, { cause });
      this.#onFailure?.(error);
      throw error;
    }
  }
}
