import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  COUNTER_FILE_NAME,
  FileMonotonicCounter,
  MemoryMonotonicCounter,
  TEMP_SUFFIX,
  type MonotonicCounter,
} from '../../src/storage/index.js';
import { chipDirectories, crashingFs, expectCode, SimulatedCrash } from './support.js';

const UINT64_MAX = (1n << 64n) - 1n;
let dirs: ReturnType<typeof chipDirectories>;
beforeEach(() => {
  dirs = chipDirectories();
});
afterEach(() => dirs.cleanup());

const counters: [string, () => MonotonicCounter][] = [
  ['MemoryMonotonicCounter', () => new MemoryMonotonicCounter()],
  ['FileMonotonicCounter', () => new FileMonotonicCounter({ directory: dirs.nv })],
];

describe.each(counters)('%s', (_, make) => {
  it('reads 0 on a fresh chip', () => {
    expect(make().read()).toBe(0n);
  });

  it('moves to any greater value, including past 2^53', () => {
    const counter = make();
    counter.increment(1n);
    counter.increment(2n ** 60n);
    expect(counter.read()).toBe(2n ** 60n);
  });

  it('refuses to stay where it is (COUNTER_NOT_MONOTONIC)', () => {
    const counter = make();
    counter.increment(5n);
    expectCode(() => counter.increment(5n), 'COUNTER_NOT_MONOTONIC');
    expect(counter.read()).toBe(5n);
  });

  it('refuses to go down (COUNTER_NOT_MONOTONIC)', () => {
    const counter = make();
    counter.increment(5n);
    expectCode(() => counter.increment(4n), 'COUNTER_NOT_MONOTONIC');
    expectCode(() => counter.increment(-1n), 'COUNTER_NOT_MONOTONIC');
    expect(counter.read()).toBe(5n);
  });

  it('stops at 2^64 - 1 and never wraps (COUNTER_NOT_MONOTONIC)', () => {
    const counter = make();
    counter.increment(UINT64_MAX);
    expect(counter.read()).toBe(UINT64_MAX);
    expectCode(() => counter.increment(UINT64_MAX + 1n), 'COUNTER_NOT_MONOTONIC');
  });
});

describe('FileMonotonicCounter', () => {
  const path = (): string => join(dirs.nv, COUNTER_FILE_NAME);

  it('keeps its value across restarts, in its own directory', () => {
    new FileMonotonicCounter({ directory: dirs.nv }).increment(7n);
    expect(new FileMonotonicCounter({ directory: dirs.nv }).read()).toBe(7n);
    expect(existsSync(path())).toBe(true);
    expect(existsSync(path() + TEMP_SUFFIX)).toBe(false);
  });

  it('reads the medium on every read, as a hardware counter would', () => {
    const a = new FileMonotonicCounter({ directory: dirs.nv });
    const b = new FileMonotonicCounter({ directory: dirs.nv });
    a.increment(3n);
    expect(b.read()).toBe(3n);
  });

  it.each(['torn-write', 'after-write'] as const)('keeps the old value when an increment dies at %s', (point) => {
    new FileMonotonicCounter({ directory: dirs.nv }).increment(1n);
    const crashing = new FileMonotonicCounter({ directory: dirs.nv, fs: crashingFs(point) });
    expect(() => crashing.increment(2n)).toThrow(SimulatedCrash);
    expect(new FileMonotonicCounter({ directory: dirs.nv }).read()).toBe(1n);
  });

  it('has the new value once the rename is done', () => {
    new FileMonotonicCounter({ directory: dirs.nv }).increment(1n);
    const crashing = new FileMonotonicCounter({ directory: dirs.nv, fs: crashingFs('after-rename') });
    expect(() => crashing.increment(2n)).toThrow(SimulatedCrash);
    expect(new FileMonotonicCounter({ directory: dirs.nv }).read()).toBe(2n);
  });

  it('refuses a file with a byte flipped (COUNTER_CORRUPT)', () => {
    const counter = new FileMonotonicCounter({ directory: dirs.nv });
    counter.increment(9n);
    const file = readFileSync(path());
    file[13]! ^= 0x01;
    writeFileSync(path(), file);
    expect(expectCode(() => counter.read(), 'COUNTER_CORRUPT').message).toMatch(/checksum mismatch/);
  });

  it('refuses a truncated file (COUNTER_CORRUPT)', () => {
    const counter = new FileMonotonicCounter({ directory: dirs.nv });
    counter.increment(9n);
    writeFileSync(path(), readFileSync(path()).subarray(0, 10));
    expect(expectCode(() => counter.read(), 'COUNTER_CORRUPT').message).toMatch(/truncated/);
  });

  it('refuses a file longer than a counter record (COUNTER_CORRUPT)', () => {
    const counter = new FileMonotonicCounter({ directory: dirs.nv });
    counter.increment(9n);
    writeFileSync(path(), Buffer.concat([readFileSync(path()), Buffer.from([0])]));
    expectCode(() => counter.read(), 'COUNTER_CORRUPT');
  });

  it('refuses a state file copied over it, by its magic (COUNTER_CORRUPT)', () => {
    const counter = new FileMonotonicCounter({ directory: dirs.nv });
    counter.increment(9n);
    const file = readFileSync(path());
    file.set(Buffer.from('HKST'), 0);
    writeFileSync(path(), file);
    expect(expectCode(() => counter.read(), 'COUNTER_CORRUPT').message).toMatch(/bad magic/);
  });

  it('refuses to increment over a corrupt file (COUNTER_CORRUPT)', () => {
    mkdirSync(dirs.nv);
    writeFileSync(path(), 'not a counter');
    expectCode(() => new FileMonotonicCounter({ directory: dirs.nv }).increment(1n), 'COUNTER_CORRUPT');
  });

  it('ignores a leftover temporary file', () => {
    const counter = new FileMonotonicCounter({ directory: dirs.nv });
    counter.increment(4n);
    copyFileSync(path(), path() + TEMP_SUFFIX);
    counter.increment(5n);
    writeFileSync(path() + TEMP_SUFFIX, 'junk');
    expect(counter.read()).toBe(5n);
  });

  it('reports a directory it cannot use (STORAGE_IO_FAILED)', () => {
    writeFileSync(join(dirs.root, 'blocker'), '');
    const counter = new FileMonotonicCounter({ directory: join(dirs.root, 'blocker', 'nv') });
    expectCode(() => counter.read(), 'STORAGE_IO_FAILED');
    const error = expectCode(() => counter.increment(1n), 'STORAGE_IO_FAILED');
    expect(error.cause).toBeInstanceOf(Error);
  });
});
