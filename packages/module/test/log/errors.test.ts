/**
 * Every error a log store raises, with its exact code: the Merkle codes as the wire layer uses them
 * (specs/merkle.md §2 to §4), CRYPTO_INVALID_MESSAGE for an entry that is not bytes,
 * LOG_STORE_CORRUPT for files that cannot hold the log they describe and use after close, and
 * STORAGE_FULL or STORAGE_IO_FAILED for a medium that fails (security.md §10.4).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorCode } from '@hemkit/wire/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogStore, MemoryLogStore } from '../../src/log/index.js';
import { FileLogStore } from '../../src/log/file.js';
import { faultyFs } from '../support/faulty-fs.js';
import { appendBytes, cutFile, expectCode, hasher, removeDir, tempDir, testEntries } from './support.js';

const entries = testEntries(40);
const anything = (value: unknown): never => value as never;

/** The codes a log store raises; each has at least one case below. */
type LogStoreCode = Extract<
  ErrorCode,
  | 'MERKLE_INVALID_TREE_SIZE'
  | 'MERKLE_INDEX_OUT_OF_RANGE'
  | 'MERKLE_SIZE_DECREASED'
  | 'MERKLE_EMPTY_TREE_CONSISTENCY'
  | 'CRYPTO_INVALID_MESSAGE'
  | 'LOG_STORE_CORRUPT'
>;

const dirs: string[] = [];
const stores: LogStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) {
    try {
      store.close();
    } catch {
      // a test may have left it failed on purpose
    }
  }
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function newDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

function filledFileStore(count: number, dir = newDir()): FileLogStore {
  const store = FileLogStore.open(dir, hasher);
  stores.push(store);
  for (const entry of entries.slice(0, count)) store.append(entry);
  return store;
}

/** A closed log of `count` entries in a new directory, for tests that damage its files. */
function writtenDir(count: number): string {
  const dir = newDir();
  filledFileStore(count, dir).close();
  return dir;
}

const openIn = (dir: string) => () => stores.push(FileLogStore.open(dir, hasher));

const STORES: readonly (readonly [string, (count: number) => LogStore])[] = [
  [
    'MemoryLogStore',
    (count) => {
      const store = new MemoryLogStore(hasher);
      for (const entry of entries.slice(0, count)) store.append(entry);
      return store;
    },
  ],
  ['FileLogStore', (count) => filledFileStore(count)],
];

describe.each(STORES)('%s refuses', (_, filled) => {
  const CASES: Record<LogStoreCode, readonly (readonly [string, (store: LogStore) => unknown])[]> = {
    MERKLE_INVALID_TREE_SIZE: [
      ['a root of more entries than the log has', (s) => s.root(11)],
      ['a negative size', (s) => s.root(-1)],
      ['a fractional size', (s) => s.root(1.5)],
      ['NaN as an index', (s) => s.entry(Number.NaN)],
      ['a string as an index', (s) => s.leafHash(anything('1'))],
      ['a bigint as an index', (s) => s.inclusionProof(anything(1n))],
      ['2^53 as a size', (s) => s.root(2 ** 53)],
      ['an inclusion proof in a tree larger than the log', (s) => s.inclusionProof(0, 11)],
      ['a consistency proof to a tree larger than the log', (s) => s.consistencyProof(1, 11)],
      ['a fractional first size', (s) => s.consistencyProof(0.5)],
      ['truncating to more entries than the log has', (s) => s.truncate(11)],
      ['truncating to a negative size', (s) => s.truncate(-1)],
      ['the frontier of more entries than the log has', (s) => s.frontier(11)],
      ['a run that ends past the log', (s) => s.readRun(0, 11, 1000)],
      ['a run within a negative byte budget', (s) => s.readRun(0, 5, -1)],
    ],
    MERKLE_INDEX_OUT_OF_RANGE: [
      ['the entry one past the last', (s) => s.entry(10)],
      ['the leaf hash one past the last', (s) => s.leafHash(10)],
      ['an inclusion proof for a leaf the log does not have', (s) => s.inclusionProof(10)],
      ['an inclusion proof for a leaf after an earlier tree size', (s) => s.inclusionProof(5, 5)],
      ['a run that starts at the end of the log', (s) => s.readRun(10, 10, 1000)],
    ],
    MERKLE_SIZE_DECREASED: [['a consistency proof from a larger tree to a smaller one', (s) => s.consistencyProof(6, 5)]],
    MERKLE_EMPTY_TREE_CONSISTENCY: [
      ['a consistency proof from the empty tree', (s) => s.consistencyProof(0)],
      ['a consistency proof between empty trees', (s) => s.consistencyProof(0, 0)],
    ],
    CRYPTO_INVALID_MESSAGE: [
      ['a string entry', (s) => s.append(anything('entry'))],
      ['an array of numbers as an entry', (s) => s.append(anything([1, 2, 3]))],
      ['null as an entry', (s) => s.append(anything(null))],
    ],
    LOG_STORE_CORRUPT: [
      [
        'any call after close',
        (s) => {
          s.close();
          return s.root();
        },
      ],
      [
        'a run after close',
        (s) => {
          s.close();
          return s.readRun(0, 1, 1000);
        },
      ],
      [
        'an append after close',
        (s) => {
          s.close();
          return s.append(entries[0]!);
        },
      ],
    ],
  };
  const cases = Object.entries(CASES).flatMap(([code, list]) => list.map(([name, call]) => [code as ErrorCode, name, call] as const));

  it.each(cases)('%s: %s', (code, _name, call) => {
    const store = filled(10);
    expectCode(() => call(store), code);
  });

  it('leaves the log as it was after a refused call', () => {
    const store = filled(10);
    const root = store.root();
    for (const [code, , call] of cases) if (code !== 'LOG_STORE_CORRUPT') expectCode(() => call(store), code);
    expect(store.size).toBe(10);
    expect(store.root()).toEqual(root);
  });
});

describe('FileLogStore.open refuses files that cannot hold the log they describe (LOG_STORE_CORRUPT)', () => {
  it('a level file with fewer hashes than the leaf count needs', () => {
    const dir = writtenDir(20);
    cutFile(dir, 'level-01', 9 * 32);
    expect(expectCode(openIn(dir), 'LOG_STORE_CORRUPT').message).toMatch(/level-01 holds 9 hashes, but a log of 20 entries has 10/);
  });

  it('a level file that is missing', () => {
    const dir = writtenDir(20);
    fs.rmSync(path.join(dir, 'level-02'));
    expect(expectCode(openIn(dir), 'LOG_STORE_CORRUPT').message).toMatch(/level-02 holds 0 hashes/);
  });

  it('an offsets file that points past the end of the entries file', () => {
    const dir = writtenDir(20);
    cutFile(dir, 'entries', fs.statSync(path.join(dir, 'entries')).size - 1);
    expect(expectCode(openIn(dir), 'LOG_STORE_CORRUPT').message).toMatch(/past the \d+ bytes of .*entries/);
  });

  it('an offset of 2^53 or more', () => {
    const dir = writtenDir(20);
    cutFile(dir, 'offsets', 19 * 8);
    appendBytes(dir, 'offsets', new Uint8Array(8).fill(0xff));
    expect(expectCode(openIn(dir), 'LOG_STORE_CORRUPT').message).toMatch(/2\^53/);
  });

  it('log files without an offsets file', () => {
    const dir = writtenDir(20);
    fs.rmSync(path.join(dir, 'offsets'));
    expect(expectCode(openIn(dir), 'LOG_STORE_CORRUPT').message).toMatch(/no offsets file/);
  });

});

describe('FileLogStore refuses, with LOG_STORE_CORRUPT', () => {
  it('an entry whose offsets run backwards', () => {
    const dir = writtenDir(20);
    // Entry 5's end offset moved past entry 6's end: the file still opens (open() checks the last
    // offset only), the read of entry 6 finds it.
    const offsets = fs.readFileSync(path.join(dir, 'offsets'));
    offsets.writeUInt32BE(offsets.readUInt32BE(6 * 8 + 4) + 1, 5 * 8 + 4);
    fs.writeFileSync(path.join(dir, 'offsets'), offsets);
    const store = FileLogStore.open(dir, hasher);
    stores.push(store);
    expect(expectCode(() => store.entry(6), 'LOG_STORE_CORRUPT').message).toMatch(/entry 6 the bytes/);
  });
});

describe('FileLogStore reports a failing medium (STORAGE_IO_FAILED, STORAGE_FULL)', () => {
  it('a path that is a file, not a directory: STORAGE_IO_FAILED', () => {
    const dir = newDir();
    const file = path.join(dir, 'not-a-directory');
    fs.writeFileSync(file, 'x');
    expect(expectCode(openIn(file), 'STORAGE_IO_FAILED').message).toMatch(/ENOTDIR/);
  });

  it('every call after a failed write, with the failure\'s code, until the directory is reopened', () => {
    const dir = newDir();
    const store = filledFileStore(7, dir);
    store.flush();
    // The eighth leaf completes a subtree of 8 leaves, whose file cannot be created over a directory.
    fs.mkdirSync(path.join(dir, 'level-03'));
    expect(expectCode(() => store.append(entries[7]!), 'STORAGE_IO_FAILED').message).toMatch(/level-03/);
    expect(expectCode(() => store.root(), 'STORAGE_IO_FAILED').message).toMatch(/earlier write .* failed/);
    expectCode(() => store.flush(), 'STORAGE_IO_FAILED');
    fs.rmdirSync(path.join(dir, 'level-03'));
    const reopened = FileLogStore.open(dir, hasher);
    stores.push(reopened);
    expect(reopened.size).toBe(7);
    reopened.append(entries[7]!);
    const expected = new MemoryLogStore(hasher);
    for (const entry of entries.slice(0, 8)) expected.append(entry);
    expect(reopened.root()).toEqual(expected.root());
  });

  it('a full disk: STORAGE_FULL on the flush, on every later call, and the flushed log intact after a reopen', () => {
    const dir = newDir();
    const medium = faultyFs();
    const store = FileLogStore.open(dir, hasher, { fs: medium });
    stores.push(store);
    for (const entry of entries.slice(0, 5)) store.append(entry);
    store.flush();
    const root = store.root();
    medium.fail('ENOSPC');
    store.append(entries[5]!); // buffered: nothing is written yet
    expect(expectCode(() => store.flush(), 'STORAGE_FULL').message).toMatch(/ENOSPC/);
    expectCode(() => store.root(), 'STORAGE_FULL');
    medium.heal();
    const reopened = FileLogStore.open(dir, hasher);
    stores.push(reopened);
    expect(reopened.size).toBe(5);
    expect(reopened.root()).toEqual(root);
  });

  it('a read-only medium: opens and reads without writing, and refuses the first write with STORAGE_IO_FAILED', () => {
    const dir = writtenDir(9);
    const before = fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name))] as const);
    const medium = faultyFs();
    medium.fail('EROFS');
    const store = FileLogStore.open(dir, hasher, { fs: medium });
    stores.push(store);
    expect(store.size).toBe(9);
    expect(store.entry(8)).toEqual(entries[8]);
    expect(store.inclusionProof(3).length).toBeGreaterThan(0);
    store.append(entries[9]!);
    expect(expectCode(() => store.flush(), 'STORAGE_IO_FAILED').message).toMatch(/read-only/);
    for (const [name, bytes] of before) expect(fs.readFileSync(path.join(dir, name)), name).toEqual(bytes);
  });
});
