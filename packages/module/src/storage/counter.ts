/**
 * A simulated hardware monotonic counter (a TPM NV counter, an eMMC RPMB write counter): a number
 * that can only rise. The state store binds each committed state to a value of it, which is what
 * lets the module notice a restored older copy of its state (security.md §4, state rollback).
 *
 * It must live apart from the state: a restore of the data directory must not restore the counter
 * with it. FileMonotonicCounter therefore takes its own directory.
 */
import { join } from 'node:path';
import { HemkitError } from '@hemkit/wire/errors';
import { nodeFsOps, replaceFile, type FsOps } from './fs-ops.js';
import { decodeRecord, encodeRecord, recordBytes, UINT64_MAX, type RecordFormat } from './record.js';

export interface MonotonicCounter {
  /** The current value; 0 on a fresh chip. */
  read(): bigint;
  /** Moves the counter to `to`, which must be above the current value and at most 2^64 − 1. */
  increment(to: bigint): void;
}

export const COUNTER_FILE_NAME = 'counter.bin';

const COUNTER_FORMAT: RecordFormat = {
  magic: 'HKCT',
  code: 'COUNTER_CORRUPT',
  name: 'counter record',
  maxBodyBytes: 0,
};

function checkIncrement(current: bigint, to: bigint): void {
  if (to > UINT64_MAX) {
    throw new HemkitError('COUNTER_NOT_MONOTONIC', `counter cannot move to ${to}: it stops at 2^64 - 1 and never wraps`);
  }
  if (to <= current) {
    throw new HemkitError('COUNTER_NOT_MONOTONIC', `counter cannot move to ${to}: it is at ${current} and only rises`);
  }
}

export class MemoryMonotonicCounter implements MonotonicCounter {
  #value: bigint;

  constructor(initial = 0n) {
    if (initial < 0n || initial > UINT64_MAX) throw new RangeError(`"initial" expected a uint64, got ${initial}`);
    this.#value = initial;
  }

  read(): bigint {
    return this.#value;
  }

  increment(to: bigint): void {
    checkIncrement(this.#value, to);
    this.#value = to;
  }
}

export interface FileMonotonicCounterOptions {
  /** A directory of its own, never the state directory (see the module comment). */
  readonly directory: string;
  readonly fs?: FsOps;
}

/**
 * The counter kept in `directory/counter.bin`, replaced crash-safely on every increment. The file
 * is read on every `read()`, so the value is whatever the medium holds, as with a hardware counter.
 * A missing file reads as 0, a fresh chip.
 */
export class FileMonotonicCounter implements MonotonicCounter {
  readonly directory: string;
  readonly #fs: FsOps;

  constructor(options: FileMonotonicCounterOptions) {
    this.directory = options.directory;
    this.#fs = options.fs ?? nodeFsOps;
  }

  read(): bigint {
    const path = join(this.directory, COUNTER_FILE_NAME);
    const size = this.#fs.fileSize(path);
    if (size === undefined) return 0n;
    if (size > recordBytes(0)) {
      throw new HemkitError('COUNTER_CORRUPT', `counter record: ${size} bytes, a counter record is ${recordBytes(0)}`);
    }
    return decodeRecord(COUNTER_FORMAT, this.#fs.readFile(path)).number;
  }

  increment(to: bigint): void {
    checkIncrement(this.read(), to);
    replaceFile(this.#fs, this.directory, COUNTER_FILE_NAME, encodeRecord(COUNTER_FORMAT, to, new Uint8Array(0)));
  }
}
