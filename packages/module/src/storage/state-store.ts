/**
 * Crash-safe, rollback-resistant persistence of the module's state, which it treats as opaque bytes.
 *
 * A commit writes the state under the next generation (counter + 1), durably (replaceFile), and only
 * then raises the monotonic counter to that generation. A crash can therefore leave the file one
 * generation ahead of the counter, never behind it; anything else on load means that the file or
 * the counter was replaced by an older copy. load() reports that as `rollback: true` and changes
 * nothing: what to do (log state-rollback-detected and refuse, registries.md §d) is the firmware's
 * decision, not the store's.
 *
 *   file generation vs counter   meaning                                      load() returns
 *   no file, counter 0           fresh chip                                   undefined
 *   no file, counter > 0         state deleted                                rollback, 'state-missing'
 *   == counter                   last commit complete                         state
 *   == counter + 1               crash between rename and counter increment   state, counter raised, recovered
 *   < counter                    an older copy of the file restored           rollback, 'state-older-than-counter'
 *   > counter + 1                an older copy of the counter restored        rollback, 'counter-behind-state'
 *   unreadable                   torn, damaged or foreign file                throws STATE_CORRUPT
 */
import { HemkitError } from '@hemkit/wire/errors';
import { MemoryMonotonicCounter, type MonotonicCounter } from './monotonic.js';
import { decodeRecord, encodeRecord, recordBytes, type RecordFormat } from './record.js';

export interface CurrentState {
  readonly rollback: false;
  readonly state: Uint8Array;
  readonly generation: bigint;
  /** True when the last commit was interrupted after its rename and load() raised the counter. */
  readonly recovered: boolean;
}

export interface RolledBackState {
  readonly rollback: true;
  readonly reason: 'state-older-than-counter' | 'counter-behind-state';
  readonly state: Uint8Array;
  readonly generation: bigint;
  readonly counter: bigint;
}

/** The counter says a state was committed, but there is none: deleting it would reset the chip. */
export interface MissingState {
  readonly rollback: true;
  readonly reason: 'state-missing';
  readonly counter: bigint;
}

export type LoadedState = CurrentState | RolledBackState | MissingState;
export type RollbackReason = (RolledBackState | MissingState)['reason'];

export interface StateStore {
  /** undefined on a fresh chip; throws STATE_CORRUPT, COUNTER_CORRUPT or STORAGE_IO_FAILED. */
  load(): LoadedState | undefined;
  /** Persists `state` durably and returns its generation; throws STATE_TOO_LARGE above the bound. */
  commit(state: Uint8Array): bigint;
}

export const DEFAULT_MAX_STATE_BYTES = 64 * 1024 * 1024;
/** Node cannot read a file of 2 GiB or more in one call; the record's uint32 length allows more. */
export const MAX_STATE_BYTES_LIMIT = 2 ** 31 - 1 - recordBytes(0);

export interface StateStoreOptions {
  readonly counter?: MonotonicCounter;
  /** The largest state commit accepts and load reads; default 64 MiB. */
  readonly maxStateBytes?: number;
}

export function stateFormat(maxStateBytes: number): RecordFormat {
  if (!Number.isSafeInteger(maxStateBytes) || maxStateBytes < 0 || maxStateBytes > MAX_STATE_BYTES_LIMIT) {
    throw new RangeError(`"maxStateBytes" expected an integer from 0 to ${MAX_STATE_BYTES_LIMIT}, got ${maxStateBytes}`);
  }
  return { magic: 'HKST', code: 'STATE_CORRUPT', name: 'state record', maxBodyBytes: maxStateBytes };
}

/** The generation a commit of `state` will get, after checking that it fits. */
export function nextGeneration(format: RecordFormat, counter: MonotonicCounter, state: Uint8Array): bigint {
  if (state.length > format.maxBodyBytes) {
    throw new HemkitError('STATE_TOO_LARGE', `state of ${state.length} bytes is above the bound of ${format.maxBodyBytes}`);
  }
  return counter.read() + 1n;
}

/** load() for both stores: `record` is the state file's bytes, undefined when there is none. */
export function reconcile(format: RecordFormat, counter: MonotonicCounter, record: Uint8Array | undefined): LoadedState | undefined {
  const current = counter.read();
  if (record === undefined) {
    return current === 0n ? undefined : { rollback: true, reason: 'state-missing', counter: current };
  }
  const { number: generation, body: state } = decodeRecord(format, record);
  if (generation === 0n) {
    throw new HemkitError('STATE_CORRUPT', 'state record: generation 0, which no commit writes', { offset: 6 });
  }
  if (generation === current) return { rollback: false, state, generation, recovered: false };
  if (generation === current + 1n) {
    counter.increment(generation);
    return { rollback: false, state, generation, recovered: true };
  }
  const reason = generation < current ? 'state-older-than-counter' : 'counter-behind-state';
  return { rollback: true, reason, state, generation, counter: current };
}

/**
 * The same semantics in memory, for tests of the firmware. `record` is the "file": set it to an
 * earlier value to simulate a restore, to undefined to simulate a deletion, or damage it.
 */
export class MemoryStateStore implements StateStore {
  record: Uint8Array | undefined;
  readonly counter: MonotonicCounter;
  readonly #format: RecordFormat;

  constructor(options: StateStoreOptions = {}) {
    this.counter = options.counter ?? new MemoryMonotonicCounter();
    this.#format = stateFormat(options.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES);
  }

  load(): LoadedState | undefined {
    return reconcile(this.#format, this.counter, this.record);
  }

  commit(state: Uint8Array): bigint {
    const generation = nextGeneration(this.#format, this.counter, state);
    this.record = encodeRecord(this.#format, generation, state);
    this.counter.increment(generation);
    return generation;
  }
}
