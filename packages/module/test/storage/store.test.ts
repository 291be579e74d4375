import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  COUNTER_FILE_NAME,
  FileMonotonicCounter,
  FileStateStore,
  MemoryMonotonicCounter,
  MemoryStateStore,
  RECORD_HEADER_BYTES,
  STATE_FILE_NAME,
  TEMP_SUFFIX,
  type FsOps,
  type MonotonicCounter,
  type StateStore,
} from '../../src/storage/index.js';
import { createFsOps } from '../../src/storage/index.js';
import { faultyFs } from '../support/faulty-fs.js';
import { bytes, chipDirectories, crashingFs, expectCode, SimulatedCrash, type CrashPoint } from './support.js';

let dirs: ReturnType<typeof chipDirectories>;
beforeEach(() => {
  dirs = chipDirectories();
});
afterEach(() => dirs.cleanup());

/** One store under test, with its counter and direct access to its persisted record. */
interface Chip {
  /** A new store on the same medium, as after a process restart. */
  restart(options?: { maxStateBytes?: number }): StateStore;
  readonly counter: MonotonicCounter;
  record(): Uint8Array | undefined;
  setRecord(record: Uint8Array | undefined): void;
}

function fileChip(): Chip {
  const counter = new FileMonotonicCounter({ directory: dirs.nv });
  const path = join(dirs.data, STATE_FILE_NAME);
  return {
    restart: (options = {}) => new FileStateStore({ directory: dirs.data, counter, ...options }),
    counter,
    record: () => (existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined),
    setRecord: (record) => {
      if (record === undefined) return rmSync(path, { force: true });
      mkdirSync(dirs.data, { recursive: true });
      writeFileSync(path, record);
    },
  };
}

function memoryChip(): Chip {
  const counter = new MemoryMonotonicCounter();
  let current = new MemoryStateStore({ counter });
  return {
    restart(options = {}) {
      const next = new MemoryStateStore({ counter, ...options });
      next.record = current.record;
      current = next;
      return next;
    },
    counter,
    record: () => current.record?.slice(),
    setRecord: (record) => {
      current.record = record;
    },
  };
}

function flip(record: Uint8Array, at: number): Uint8Array {
  const copy = record.slice();
  copy[at]! ^= 0x01;
  return copy;
}

describe.each([
  ['FileStateStore', fileChip],
  ['MemoryStateStore', memoryChip],
])('%s', (_, makeChip) => {
  it('loads nothing on a fresh chip (no state, counter 0)', () => {
    expect(makeChip().restart().load()).toBeUndefined();
  });

  it('loads what it committed, under generation = counter', () => {
    const chip = makeChip();
    const store = chip.restart();
    expect(store.commit(bytes('first'))).toBe(1n);
    expect(store.commit(bytes('second'))).toBe(2n);
    expect(chip.counter.read()).toBe(2n);
    expect(chip.restart().load()).toEqual({ rollback: false, state: bytes('second'), generation: 2n, recovered: false });
  });

  it('round-trips an empty state', () => {
    const chip = makeChip();
    chip.restart().commit(new Uint8Array(0));
    expect(chip.restart().load()).toMatchObject({ rollback: false, state: new Uint8Array(0), generation: 1n });
  });

  it('detects a restored older copy of the state (rollback, state-older-than-counter)', () => {
    const chip = makeChip();
    const store = chip.restart();
    store.commit(bytes('quota 100'));
    const older = chip.record();
    store.commit(bytes('quota 40'));
    chip.setRecord(older);
    expect(chip.restart().load()).toEqual({
      rollback: true,
      reason: 'state-older-than-counter',
      state: bytes('quota 100'),
      generation: 1n,
      counter: 2n,
    });
  });

  it('only detects a rollback: it changes neither the state nor the counter', () => {
    const chip = makeChip();
    const store = chip.restart();
    store.commit(bytes('a'));
    const older = chip.record();
    store.commit(bytes('b'));
    chip.setRecord(older);
    chip.restart().load();
    expect(chip.record()).toEqual(older);
    expect(chip.counter.read()).toBe(2n);
  });

  it('detects a state deleted after a commit (rollback, state-missing)', () => {
    const chip = makeChip();
    chip.restart().commit(bytes('a'));
    chip.setRecord(undefined);
    expect(chip.restart().load()).toEqual({ rollback: true, reason: 'state-missing', counter: 1n });
  });

  it('refuses a state with a byte flipped in the state bytes (STATE_CORRUPT)', () => {
    const chip = makeChip();
    chip.restart().commit(bytes('some state'));
    chip.setRecord(flip(chip.record()!, RECORD_HEADER_BYTES + 2));
    expect(expectCode(() => chip.restart().load(), 'STATE_CORRUPT').message).toMatch(/checksum mismatch/);
  });

  it('refuses a state with a byte flipped in the generation (STATE_CORRUPT)', () => {
    const chip = makeChip();
    chip.restart().commit(bytes('some state'));
    chip.setRecord(flip(chip.record()!, 13));
    expectCode(() => chip.restart().load(), 'STATE_CORRUPT');
  });

  it('refuses a state with a byte flipped in the checksum (STATE_CORRUPT)', () => {
    const chip = makeChip();
    chip.restart().commit(bytes('some state'));
    const record = chip.record()!;
    chip.setRecord(flip(record, record.length - 1));
    expectCode(() => chip.restart().load(), 'STATE_CORRUPT');
  });

  it.each([0, 3, RECORD_HEADER_BYTES - 1, RECORD_HEADER_BYTES + 4, -1])(
    'refuses a state truncated to %i bytes (negative: from the end) (STATE_CORRUPT)',
    (length) => {
      const chip = makeChip();
      chip.restart().commit(bytes('some state'));
      chip.setRecord(chip.record()!.slice(0, length));
      expect(expectCode(() => chip.restart().load(), 'STATE_CORRUPT').message).toMatch(/truncated/);
    },
  );

  it('refuses bytes after the checksum (STATE_CORRUPT)', () => {
    const chip = makeChip();
    chip.restart().commit(bytes('some state'));
    const record = chip.record()!;
    chip.setRecord(Uint8Array.from([...record, 0]));
    expect(expectCode(() => chip.restart().load(), 'STATE_CORRUPT').message).toMatch(/after the checksum/);
  });

  it('refuses a wrong magic, such as a counter file copied over the state (STATE_CORRUPT)', () => {
    const chip = makeChip();
    chip.restart().commit(bytes('some state'));
    const record = chip.record()!;
    record.set(bytes('HKCT'), 0);
    chip.setRecord(record);
    expect(expectCode(() => chip.restart().load(), 'STATE_CORRUPT').message).toMatch(/bad magic 484b4354/);
  });

  it('refuses an unknown format version (STATE_CORRUPT)', () => {
    const chip = makeChip();
    chip.restart().commit(bytes('some state'));
    const record = chip.record()!;
    record[5] = 2;
    chip.setRecord(record);
    expect(expectCode(() => chip.restart().load(), 'STATE_CORRUPT').message).toMatch(/format version 2/);
  });

  it('refuses a record that declares more state than the bound, before reading it (STATE_CORRUPT)', () => {
    const chip = makeChip();
    chip.restart().commit(new Uint8Array(100));
    expectCode(() => chip.restart({ maxStateBytes: 99 }).load(), 'STATE_CORRUPT');
  });

  it('refuses a well-formed record of generation 0, which no commit writes (STATE_CORRUPT)', () => {
    const chip = makeChip();
    chip.restart().commit(bytes('x'));
    const record = chip.record()!;
    record.fill(0, 6, 14);
    chip.setRecord(resealed(record));
    expect(expectCode(() => chip.restart().load(), 'STATE_CORRUPT').message).toMatch(/generation 0/);
  });

  it('refuses to commit a state above the bound, and writes nothing (STATE_TOO_LARGE)', () => {
    const chip = makeChip();
    const store = chip.restart({ maxStateBytes: 16 });
    expectCode(() => store.commit(new Uint8Array(17)), 'STATE_TOO_LARGE');
    expect(chip.record()).toBeUndefined();
    expect(chip.counter.read()).toBe(0n);
    expect(store.commit(new Uint8Array(16))).toBe(1n);
  });

  it('reports a corrupt counter rather than guessing (COUNTER_CORRUPT)', () => {
    const chip = makeChip();
    chip.restart().commit(bytes('a'));
    if (chip.counter instanceof FileMonotonicCounter) {
      writeFileSync(join(dirs.nv, COUNTER_FILE_NAME), 'garbage');
      expectCode(() => chip.restart().load(), 'COUNTER_CORRUPT');
    }
  });
});

/** `record` with its checksum recomputed, as anyone who can write the file can do. */
function resealed(record: Uint8Array): Uint8Array {
  const body = record.subarray(0, record.length - 32);
  return Uint8Array.from([...body, ...createHash('sha256').update(body).digest()]);
}

describe('FileStateStore on disk', () => {
  const statePath = (): string => join(dirs.data, STATE_FILE_NAME);
  const counterPath = (): string => join(dirs.nv, COUNTER_FILE_NAME);
  /** A store as a newly started process makes it, optionally on crashing file operations. */
  const fresh = (fs?: FsOps): FileStateStore =>
    new FileStateStore({ directory: dirs.data, counter: new FileMonotonicCounter({ directory: dirs.nv }), ...(fs && { fs }) });

  it('writes the record layout: magic, version, generation, length, state, SHA-256', () => {
    fresh().commit(bytes('hi'));
    const record = new Uint8Array(readFileSync(statePath()));
    expect(Buffer.from(record.subarray(0, RECORD_HEADER_BYTES + 2)).toString('hex')).toBe(
      '484b5354' + '0001' + '0000000000000001' + '00000002' + '6869',
    );
    const digest = createHash('sha256').update(record.subarray(0, RECORD_HEADER_BYTES + 2)).digest();
    expect(record.subarray(RECORD_HEADER_BYTES + 2)).toEqual(new Uint8Array(digest));
  });

  it('keeps the counter outside the data directory', () => {
    fresh().commit(bytes('a'));
    expect(existsSync(join(dirs.data, COUNTER_FILE_NAME))).toBe(false);
    expect(existsSync(counterPath())).toBe(true);
  });

  /*
   * The crash-point table: what load() finds after a commit of generation 2 dies at each step.
   * Until the rename the old file is intact; after it, the file is one generation ahead of the
   * counter, which load() accepts and repairs.
   */
  it.each<[CrashPoint, string, bigint, boolean]>([
    ['torn-write', 'one', 1n, false],
    ['after-write', 'one', 1n, false],
    ['after-rename', 'two', 2n, true],
    ['after-sync-directory', 'two', 2n, true],
  ])('a commit that dies at %s loads as state "%s", generation %i, recovered %s', (point, state, generation, recovered) => {
    fresh().commit(bytes('one'));
    expect(() => fresh(crashingFs(point)).commit(bytes('two'))).toThrow(SimulatedCrash);
    const loaded = fresh().load();
    expect(loaded).toEqual({ rollback: false, state: bytes(state), generation, recovered });
    expect(new FileMonotonicCounter({ directory: dirs.nv }).read()).toBe(generation);
    expect(existsSync(statePath() + TEMP_SUFFIX)).toBe(false);
  });

  it('a commit that completes loads as is, with nothing to recover', () => {
    fresh().commit(bytes('one'));
    fresh().commit(bytes('two'));
    expect(fresh().load()).toEqual({ rollback: false, state: bytes('two'), generation: 2n, recovered: false });
  });

  it('recovers the very first commit when it dies before the counter moves off 0', () => {
    expect(() => fresh(crashingFs('after-sync-directory')).commit(bytes('one'))).toThrow(SimulatedCrash);
    expect(new FileMonotonicCounter({ directory: dirs.nv }).read()).toBe(0n);
    expect(fresh().load()).toEqual({ rollback: false, state: bytes('one'), generation: 1n, recovered: true });
  });

  it('loads a fresh chip when the first commit dies before its rename, and removes the temporary file', () => {
    expect(() => fresh(crashingFs('after-write')).commit(bytes('one'))).toThrow(SimulatedCrash);
    expect(existsSync(statePath() + TEMP_SUFFIX)).toBe(true);
    expect(fresh().load()).toBeUndefined();
    expect(existsSync(statePath() + TEMP_SUFFIX)).toBe(false);
  });

  it('commits the next generation after a recovery', () => {
    fresh().commit(bytes('one'));
    expect(() => fresh(crashingFs('after-rename')).commit(bytes('two'))).toThrow(SimulatedCrash);
    const restarted = fresh();
    restarted.load();
    expect(restarted.commit(bytes('three'))).toBe(3n);
    expect(fresh().load()).toMatchObject({ rollback: false, generation: 3n });
  });

  it('recovers when the counter increment itself dies before its rename', () => {
    fresh().commit(bytes('one'));
    const counter = new FileMonotonicCounter({ directory: dirs.nv, fs: crashingFs('after-write') });
    const crashing = new FileStateStore({ directory: dirs.data, counter });
    expect(() => crashing.commit(bytes('two'))).toThrow(SimulatedCrash);
    expect(fresh().load()).toEqual({ rollback: false, state: bytes('two'), generation: 2n, recovered: true });
  });

  it('detects a counter file restored from an older copy (rollback, counter-behind-state)', () => {
    fresh().commit(bytes('one'));
    copyFileSync(counterPath(), join(dirs.root, 'counter.saved'));
    fresh().commit(bytes('two'));
    fresh().commit(bytes('three'));
    copyFileSync(join(dirs.root, 'counter.saved'), counterPath());
    expect(fresh().load()).toEqual({
      rollback: true,
      reason: 'counter-behind-state',
      state: bytes('three'),
      generation: 3n,
      counter: 1n,
    });
  });

  it('detects a deleted counter file once the state is past generation 1 (rollback, counter-behind-state)', () => {
    fresh().commit(bytes('one'));
    fresh().commit(bytes('two'));
    rmSync(counterPath());
    expect(fresh().load()).toMatchObject({ rollback: true, reason: 'counter-behind-state', generation: 2n, counter: 0n });
  });

  it('cannot tell a counter exactly one behind from the crash window, and accepts it', () => {
    fresh().commit(bytes('one'));
    copyFileSync(counterPath(), join(dirs.root, 'counter.saved'));
    fresh().commit(bytes('two'));
    copyFileSync(join(dirs.root, 'counter.saved'), counterPath());
    expect(fresh().load()).toMatchObject({ rollback: false, generation: 2n, recovered: true });
  });

  it('detects a restored older state file copied back by hand (rollback, state-older-than-counter)', () => {
    fresh().commit(bytes('one'));
    copyFileSync(statePath(), join(dirs.root, 'state.saved'));
    fresh().commit(bytes('two'));
    copyFileSync(join(dirs.root, 'state.saved'), statePath());
    expect(fresh().load()).toMatchObject({ rollback: true, reason: 'state-older-than-counter', generation: 1n, counter: 2n });
  });

  it('refuses a state file larger than any record within the bound, without reading it (STATE_CORRUPT)', () => {
    mkdirSync(dirs.data);
    writeFileSync(statePath(), new Uint8Array(RECORD_HEADER_BYTES + 32 + 11));
    const bounded = new FileStateStore({ directory: dirs.data, counter: new MemoryMonotonicCounter(), maxStateBytes: 10 });
    expect(expectCode(() => bounded.load(), 'STATE_CORRUPT').message).toMatch(/above the largest record/);
  });

  it('reports a state path that is not a file (STORAGE_IO_FAILED)', () => {
    mkdirSync(statePath(), { recursive: true });
    expectCode(() => fresh().load(), 'STORAGE_IO_FAILED');
  });

  it('reports a data directory it cannot create, and leaves the counter alone (STORAGE_IO_FAILED)', () => {
    writeFileSync(join(dirs.root, 'blocker'), '');
    const counter = new FileMonotonicCounter({ directory: dirs.nv });
    const store = new FileStateStore({ directory: join(dirs.root, 'blocker', 'data'), counter });
    expectCode(() => store.commit(bytes('a')), 'STORAGE_IO_FAILED');
    expect(counter.read()).toBe(0n);
  });

  it('reports a full disk at every step of a commit (STORAGE_FULL), and loads the previous or the new state after it', () => {
    fresh().commit(bytes('one'));
    for (let step = 1; ; step++) {
      const medium = faultyFs();
      const fs = createFsOps(medium);
      const counter = new FileMonotonicCounter({ directory: dirs.nv, fs });
      const store = new FileStateStore({ directory: dirs.data, counter, fs });
      const before = fresh().load();
      medium.failAt(step, 'ENOSPC');
      let committed = true;
      try {
        store.commit(bytes(`step ${step}`));
      } catch (e) {
        committed = false;
        expect(expectCode(() => { throw e; }, 'STORAGE_FULL').message).toMatch(/ENOSPC/);
      }
      const after = fresh().load();
      expect(after?.rollback).toBe(false);
      if (committed) {
        expect(after).toMatchObject({ state: bytes(`step ${step}`) });
        expect(step).toBeGreaterThan(3); // a state write and a counter write, each of several steps
        return;
      }
      // Not acknowledged: either the previous state, or (a rename that landed) the new one.
      const states = [before!.rollback ? undefined : before!.state, bytes(`step ${step}`)];
      expect(states).toContainEqual(after!.rollback ? undefined : after!.state);
    }
  });
});
