/**
 * The secure module's workload log storage: the entries (the leaves, specs/messages/log-entry.md §1)
 * and the RFC 9162 tree over them, append-only, with roots and proofs for every size the log has had.
 */
import type { LogRun } from './run.js';

export interface LogStore {
  /** The number of entries. */
  readonly size: number;
  /**
   * Stores `entry` as the next leaf, hashes it as HASH(0x00 ‖ entry) (RFC 9162 §2.1.1) and returns its
   * index. Not durable until flush(). Throws HemkitError CRYPTO_INVALID_MESSAGE for a non-Uint8Array.
   */
  append(entry: Uint8Array): number;
  /** A copy of the entry at `index`. */
  entry(index: number): Uint8Array;
  /** The leaf hash of the entry at `index`. */
  leafHash(index: number): Uint8Array;
  /** MTH of the first `size` entries (RFC 9162 §2.1.1), for any size up to the current one. */
  root(size?: number): Uint8Array;
  /** PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), the proof @hemkit/wire's verifyInclusion checks. */
  inclusionProof(index: number, size?: number): Uint8Array[];
  /** PROOF(size1, D[0:size2]) (RFC 9162 §2.1.4.1), the proof verifyConsistency checks; 0 < size1 ≤ size2. */
  consistencyProof(size1: number, size2?: number): Uint8Array[];
  /** F(size) (specs/merkle.md §9): the stored hashes of the perfect subtrees of the first `size` entries, largest first. */
  frontier(size: number): Uint8Array[];
  /** The entries from `start` on, before `end`, within `maxBytes` but at least one, with F(start) (run.ts). */
  readRun(start: number, end: number, maxBytes: number): LogRun;
  /** Makes every appended entry durable. */
  flush(): void;
  /**
   * Drops the entries from `size` on, durably: at boot, the entries appended after the last state
   * commit were never acknowledged and must not survive the process that appended them.
   */
  truncate(size: number): void;
  /** Flushes and releases the store; any later call throws HemkitError LOG_STORE_CORRUPT. */
  close(): void;
}
