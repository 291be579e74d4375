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
import { decodeRecord, encodeRecord, recordBytes, type RecordFormat } from './record.js';
import { checkIncrement, type MonotonicCounter } from './monotonic.js';

export { MemoryMonotonicCounter, type MonotonicCounter } from './monotonic.js';

export const COUNTER_FILE_NAME = 'counter.bin';

const COUNTER_FORMAT: RecordFormat = {
  magic: 'HKCT',
  code: 'COUNTER_CORRUPT',
  name: 'counter record',
  maxBodyBytes: 0,
};

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
