/**
 * The cost meter (specs/scenarios.md §5): what a command costs is measured where the firmware meets
 * its environment, not written in a table. Three instruments, each a thin wrapper that counts and
 * passes through:
 *
 * - the crypto backend the firmware is given: signatures made and checked, hashes computed (the
 *   log's Merkle hasher is built over the same backend, so every tree hash is counted);
 * - the monotonic counter under the state store: increments;
 * - the state store and the log: persistent writes and the bytes they put on the medium.
 *
 * The meter reports running totals; the runner takes differences around each step.
 */
import type { CryptoBackend } from '@hemkit/wire/crypto';
import type { MonotonicCounter } from '../storage/monotonic.js';

export interface Cost {
  /** Signatures the chip made (backend.sign calls). */
  readonly signatures: number;
  /** Signatures the chip checked (backend.verify calls). */
  readonly verifications: number;
  /** SHA-256 and SHA-384 computations through the injected backend, Merkle-tree hashes included. */
  readonly hashes: number;
  /** State records committed to the persistent medium. */
  readonly stateWrites: number;
  /** Bytes of those records (header, state, checksum). */
  readonly stateBytesWritten: number;
  /** Log entries appended (each one persistent write of the log). */
  readonly logWrites: number;
  /** Bytes of those entries. */
  readonly logBytesWritten: number;
  /** Increments of the hardware monotonic counter. */
  readonly counterIncrements: number;
}

export const ZERO_COST: Cost = {
  signatures: 0,
  verifications: 0,
  hashes: 0,
  stateWrites: 0,
  stateBytesWritten: 0,
  logWrites: 0,
  logBytesWritten: 0,
  counterIncrements: 0,
};

export const COST_FIELDS = Object.keys(ZERO_COST) as (keyof Cost)[];

export function costDifference(after: Cost, before: Cost): Cost {
  return Object.fromEntries(COST_FIELDS.map((k) => [k, after[k] - before[k]])) as unknown as Cost;
}

export function costSum(a: Cost, b: Cost): Cost {
  return Object.fromEntries(COST_FIELDS.map((k) => [k, a[k] + b[k]])) as unknown as Cost;
}

export class Meter {
  #counts: { -readonly [K in keyof Cost]: number } = { ...ZERO_COST };

  get totals(): Cost {
    return { ...this.#counts };
  }

  /** `backend`, counting every hash, signature and verification made through it. */
  backend(backend: CryptoBackend): CryptoBackend {
    const counts = this.#counts;
    return {
      name: backend.name,
      sha256: (data) => (counts.hashes++, backend.sha256(data)),
      sha384: (data) => (counts.hashes++, backend.sha384(data)),
      verify: (scheme, publicKey, message, signature) => (counts.verifications++, backend.verify(scheme, publicKey, message, signature)),
      sign: (scheme, privateKey, message) => (counts.signatures++, backend.sign(scheme, privateKey, message)),
      publicKey: (scheme, privateKey) => backend.publicKey(scheme, privateKey),
    };
  }

  /** `counter`, counting its increments. */
  counter(counter: MonotonicCounter): MonotonicCounter {
    const counts = this.#counts;
    return {
      read: () => counter.read(),
      increment: (to) => {
        counter.increment(to);
        counts.counterIncrements++;
      },
    };
  }

  stateWritten(bytes: number): void {
    this.#counts.stateWrites++;
    this.#counts.stateBytesWritten += bytes;
  }

  logWritten(bytes: number): void {
    this.#counts.logWrites++;
    this.#counts.logBytesWritten += bytes;
  }
}
