/**
 * What the firmware core is given from outside: a clock, entropy, a crypto backend, the log store and
 * the firmware policy.
 * Injected, so that every run of a scenario is reproducible and can become a test vector.
 */
import type { CryptoBackend } from '@hemkit/wire/crypto';
import type { FirmwarePolicy } from './policy/types.js';

/** A run of consecutive log entries with the frontier before it (read-entries, module-commands.md §3.1). */
export interface LogRun {
  /** The entries start, start + 1, … in order: at least one. */
  readonly entries: Uint8Array[];
  /** F(start): the Merkle Tree Hashes of the perfect subtrees of the first `start` entries, largest first (merkle.md §9). */
  readonly frontier: Uint8Array[];
}

/** The append-only workload log as the firmware sees it (implemented by packages/module/src/log). */
export interface FirmwareLog {
  readonly size: number;
  append(entry: Uint8Array): number;
  entry(index: number): Uint8Array;
  root(size?: number): Uint8Array;
  inclusionProof(index: number, size?: number): Uint8Array[];
  consistencyProof(size1: number, size2?: number): Uint8Array[];
  /**
   * The entries from `start` on, before `end`: the first, then as many as keep the run within
   * `maxBytes`; with F(start), the frontier before them (specs/merkle.md §9). For read-entries.
   */
  readRun(start: number, end: number, maxBytes: number): LogRun;
}

export interface ModuleEnv {
  /** Seconds since the epoch, from the simulated secure clock. */
  readonly now: () => number;
  /** Fresh random bytes (a seeded generator in tests and vectors). */
  readonly random: (length: number) => Uint8Array;
  readonly backend?: CryptoBackend;
  readonly log: FirmwareLog;
  /** The rules the firmware applies (policy/); absent: the default, hemkit v1 as specified. */
  readonly policy?: FirmwarePolicy;
}
