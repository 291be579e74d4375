/**
 * test-vectors/state/records.json through the module's stores: the file-backed store and counter
 * (over an in-memory file system, so the bytes are exactly the vector's) and the in-memory ones give
 * every vector's outcome, code and reported state.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COUNTER_FILE_NAME,
  FileMonotonicCounter,
  FileStateStore,
  MemoryMonotonicCounter,
  MemoryStateStore,
  STATE_FILE_NAME,
  type FsOps,
  type LoadedState,
  type MonotonicCounter,
  type StateStore,
} from '../../src/storage/index.js';
import { outcome } from '../../../wire/test/support/expect-code.js';
import { toHex as hex } from '@hemkit/wire/bytes';

type StateVector = {
  readonly id: string;
  readonly description: string;
  readonly result: 'valid' | 'invalid';
  readonly code?: string;
  readonly operation: 'load-state' | 'read-counter' | 'commit' | 'increment';
  readonly input?: string;
  readonly counter?: string;
  readonly maxStateBytes?: number;
  readonly loaded?: unknown;
  readonly counterAfter?: string;
  readonly counterValue?: string;
  readonly record?: string;
  readonly generation?: string;
  readonly to?: string;
};

const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../test-vectors/state/records.json'), 'utf8')) as {
  format: string;
  numberOfVectors: number;
  vectors: StateVector[];
};
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** A file system in a Map: enough for the stores, and exactly the bytes a vector gives. */
function memoryFs(files = new Map<string, Uint8Array>()): FsOps & { files: Map<string, Uint8Array> } {
  return {
    files,
    fileSize: (path) => files.get(path)?.length,
    readFile: (path) => files.get(path)!.slice(),
    writeAndSync: (path, data) => void files.set(path, data.slice()),
    rename: (from, to) => {
      files.set(to, files.get(from)!);
      files.delete(from);
    },
    syncDirectory: () => undefined,
    remove: (path) => void files.delete(path),
    makeDirectory: () => undefined,
  };
}

function loadedJson(loaded: LoadedState | undefined): unknown {
  if (loaded === undefined) return null;
  if (!loaded.rollback) return { rollback: false, state: hex(loaded.state), generation: String(loaded.generation), recovered: loaded.recovered };
  if (loaded.reason === 'state-missing') return { rollback: true, reason: loaded.reason, counter: String(loaded.counter) };
  return { rollback: true, reason: loaded.reason, state: hex(loaded.state), generation: String(loaded.generation), counter: String(loaded.counter) };
}

interface Chip {
  readonly store: StateStore;
  readonly counter: MonotonicCounter;
  /** The state file's bytes after the operation. */
  stateFile(): Uint8Array | undefined;
}

/** The two store implementations, set up with the vector's state file and counter value. */
const SETUPS: readonly (readonly [string, (v: StateVector) => Chip])[] = [
  [
    'file store',
    (v) => {
      const fs = memoryFs();
      const counter = new FileMonotonicCounter({ directory: '/nv', fs });
      if (v.counter !== undefined && v.counter !== '0') counter.increment(BigInt(v.counter));
      if (v.operation === 'load-state' && v.input !== undefined) fs.files.set(join('/data', STATE_FILE_NAME), bytes(v.input));
      const store = new FileStateStore({ directory: '/data', counter, fs, ...(v.maxStateBytes !== undefined ? { maxStateBytes: v.maxStateBytes } : {}) });
      return { store, counter, stateFile: () => fs.files.get(join('/data', STATE_FILE_NAME)) };
    },
  ],
  [
    'memory store',
    (v) => {
      const counter = new MemoryMonotonicCounter(BigInt(v.counter ?? '0'));
      const store = new MemoryStateStore({ counter, ...(v.maxStateBytes !== undefined ? { maxStateBytes: v.maxStateBytes } : {}) });
      if (v.operation === 'load-state' && v.input !== undefined) store.record = bytes(v.input);
      return { store, counter, stateFile: () => store.record };
    },
  ],
];


describe('state/records.json', () => {
  it('is a hemkit-state-records/v1 file', () => {
    expect(file.format).toBe('hemkit-state-records/v1');
    expect(file.vectors).toHaveLength(file.numberOfVectors);
  });

  describe.each(SETUPS)('with the %s', (_name, setUp) => {
    it.each(file.vectors.filter((v) => v.operation === 'load-state' || v.operation === 'commit').map((v) => [v.id, v] as const))('%s', (_id, v) => {
      const chip = setUp(v);
      const want = v.result === 'valid' ? 'valid' : v.code;
      if (v.operation === 'load-state') {
        let loaded: LoadedState | undefined;
        expect(outcome(() => (loaded = chip.store.load()))).toBe(want);
        if (v.result === 'valid') {
          expect(loadedJson(loaded)).toEqual(v.loaded);
          expect(String(chip.counter.read())).toBe(v.counterAfter);
        }
      } else {
        let generation: bigint | undefined;
        expect(outcome(() => (generation = chip.store.commit(bytes(v.input!))))).toBe(want);
        if (v.result === 'valid') {
          expect(String(generation)).toBe(v.generation);
          expect(hex(chip.stateFile()!)).toBe(v.record);
          expect(String(chip.counter.read())).toBe(v.generation);
        }
      }
    });
  });

  it.each(file.vectors.filter((v) => v.operation === 'read-counter').map((v) => [v.id, v] as const))('counter file %s', (_id, v) => {
    const fs = memoryFs();
    if (v.input !== undefined) fs.files.set(join('/nv', COUNTER_FILE_NAME), bytes(v.input));
    let value: bigint | undefined;
    expect(outcome(() => (value = new FileMonotonicCounter({ directory: '/nv', fs }).read()))).toBe(v.result === 'valid' ? 'valid' : v.code);
    if (v.result === 'valid') expect(String(value)).toBe(v.counterValue);
  });

  it.each(file.vectors.filter((v) => v.operation === 'increment').map((v) => [v.id, v] as const))('increment %s', (_id, v) => {
    const want = v.result === 'valid' ? 'valid' : v.code;
    const memory = new MemoryMonotonicCounter(BigInt(v.counter!));
    expect(outcome(() => memory.increment(BigInt(v.to!)))).toBe(want);
    const fs = memoryFs();
    const onFile = new FileMonotonicCounter({ directory: '/nv', fs });
    if (v.counter !== '0') onFile.increment(BigInt(v.counter!));
    expect(outcome(() => onFile.increment(BigInt(v.to!)))).toBe(want);
    if (v.result === 'valid') {
      expect(memory.read()).toBe(BigInt(v.to!));
      expect(onFile.read()).toBe(BigInt(v.to!));
    }
  });
});
