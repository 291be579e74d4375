/**
 * The monotonic counter's contract and its in-memory form, with no file system: what the state
 * store, the firmware's tests and the scenario runner's simulated part need (counter.ts has the file
 * form and says what the counter is for).
 */
import { HemkitError } from '@hemkit/wire/errors';
import { UINT64_MAX } from './record.js';

export interface MonotonicCounter {
  /** The current value; 0 on a fresh chip. */
  read(): bigint;
  /** Moves the counter to `to`, which must be above the current value and at most 2^64 − 1. */
  increment(to: bigint): void;
}

export function checkIncrement(current: bigint, to: bigint): void {
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
