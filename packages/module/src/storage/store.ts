/**
 * The state store on files: `directory/state.bin`, replaced crash-safely on every commit. The
 * semantics (generations, the counter, what load() reports) are state-store.ts's, shared with the
 * memory store.
 */
import { join } from 'node:path';
import type { MonotonicCounter } from './monotonic.js';
import { nodeFsOps, replaceFile, TEMP_SUFFIX, type FsOps } from './fs-ops.js';
import { encodeRecord, recordBytes, type RecordFormat } from './record.js';
import { DEFAULT_MAX_STATE_BYTES, nextGeneration, reconcile, stateFormat, type LoadedState, type StateStore, type StateStoreOptions } from './state-store.js';
import { HemkitError } from '@hemkit/wire/errors';

export {
  DEFAULT_MAX_STATE_BYTES,
  MAX_STATE_BYTES_LIMIT,
  MemoryStateStore,
  type CurrentState,
  type LoadedState,
  type MissingState,
  type RollbackReason,
  type RolledBackState,
  type StateStore,
  type StateStoreOptions,
} from './state-store.js';

export const STATE_FILE_NAME = 'state.bin';

export interface FileStateStoreOptions extends StateStoreOptions {
  /** Holds state.bin (and, after a crash mid-write, state.bin.tmp). */
  readonly directory: string;
  /** Required here: a counter in the data directory would be restored along with the state. */
  readonly counter: MonotonicCounter;
  readonly fs?: FsOps;
}

/**
 * The state in `directory/state.bin`. One process owns the directory: two stores on one directory
 * would overwrite each other's temporary file.
 */
export class FileStateStore implements StateStore {
  readonly directory: string;
  readonly #counter: MonotonicCounter;
  readonly #format: RecordFormat;
  readonly #fs: FsOps;

  constructor(options: FileStateStoreOptions) {
    this.directory = options.directory;
    this.#counter = options.counter;
    this.#format = stateFormat(options.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES);
    this.#fs = options.fs ?? nodeFsOps;
  }

  load(): LoadedState | undefined {
    const path = join(this.directory, STATE_FILE_NAME);
    // A temporary file is a commit that died before its rename: the state file still holds the
    // previous generation in full, and the half-written one must never be read.
    this.#fs.remove(path + TEMP_SUFFIX);
    const size = this.#fs.fileSize(path);
    if (size !== undefined && size > recordBytes(this.#format.maxBodyBytes)) {
      throw new HemkitError(
        'STATE_CORRUPT',
        `state record: ${size} bytes, above the largest record for the bound of ${this.#format.maxBodyBytes} state bytes`,
      );
    }
    return reconcile(this.#format, this.#counter, size === undefined ? undefined : this.#fs.readFile(path));
  }

  commit(state: Uint8Array): bigint {
    const generation = nextGeneration(this.#format, this.#counter, state);
    replaceFile(this.#fs, this.directory, STATE_FILE_NAME, encodeRecord(this.#format, generation, state));
    this.#counter.increment(generation);
    return generation;
  }
}

