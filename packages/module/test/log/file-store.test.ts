/**
 * FileLogStore on disk: the layout, reopening, recovery from a crash at any point of an append, and
 * truncation at boot. A crash is simulated by what it leaves behind: bytes of an append cut short at
 * the end of a file, or files written out without the offsets that would have committed them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogStore, MemoryLogStore } from '../../src/log/index.js';
import { FileLogStore } from '../../src/log/file.js';
import { appendBytes, cutFile, fileLength, hasher, hex, proofHex, Reference, removeDir, tempDir, testEntries } from './support.js';

const entries = testEntries(200);
const other = testEntries(200, 5);

const dirs: string[] = [];
const stores: LogStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) {
    try {
      store.close();
    } catch {
      // a test may have left it failed or closed on purpose
    }
  }
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function newDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

function open(dir: string, bufferBytes?: number): FileLogStore {
  const store = FileLogStore.open(dir, hasher, bufferBytes === undefined ? {} : { bufferBytes });
  stores.push(store);
  return store;
}

function logOf(list: readonly Uint8Array[]): MemoryLogStore {
  const store = new MemoryLogStore(hasher);
  for (const entry of list) store.append(entry);
  return store;
}

/** Every root from 1 to the store's size, as one string per size. */
function roots(store: LogStore): string[] {
  return Array.from({ length: store.size }, (_, i) => hex(store.root(i + 1)));
}

function written(dir: string, list: readonly Uint8Array[]): void {
  const store = FileLogStore.open(dir, hasher);
  for (const entry of list) store.append(entry);
  store.close();
}

describe('FileLogStore layout', () => {
  it('keeps entries, 8-byte end offsets, and floor(n / 2^k) hashes at level k: fewer than 2n hashes', () => {
    const dir = newDir();
    written(dir, entries.slice(0, 100));
    const entryBytes = entries.slice(0, 100).reduce((sum, e) => sum + e.length, 0);
    expect(fileLength(dir, 'entries')).toBe(entryBytes);
    expect(fileLength(dir, 'offsets')).toBe(100 * 8);
    const levels = fs.readdirSync(dir).filter((name) => name.startsWith('level-')).sort();
    expect(levels).toEqual(['level-00', 'level-01', 'level-02', 'level-03', 'level-04', 'level-05', 'level-06']);
    const hashes = levels.map((name, level) => {
      expect(fileLength(dir, name), name).toBe(Math.floor(100 / 2 ** level) * 32);
      return fileLength(dir, name) / 32;
    });
    expect(hashes.reduce((a, b) => a + b)).toBeLessThan(2 * 100);
    expect(hex(fs.readFileSync(path.join(dir, 'level-00')).subarray(32 * 99))).toBe(hex(hasher.hashLeaf(entries[99]!)));
  });
});

describe('FileLogStore reopened', () => {
  it('after close gives the same size, entries, roots and proofs', () => {
    const dir = newDir();
    written(dir, entries.slice(0, 77));
    const reference = new Reference(entries.slice(0, 77));
    const store = open(dir);
    expect(store.size).toBe(77);
    for (let size = 1; size <= 77; size++) {
      expect(hex(store.root(size))).toBe(reference.root(size));
      expect(hex(store.entry(size - 1))).toBe(hex(entries[size - 1]!));
      expect(proofHex(store.inclusionProof(size - 1))).toBe(reference.inclusion(size - 1, 77));
      expect(proofHex(store.consistencyProof(size))).toBe(reference.consistency(size, 77));
    }
  });

  it('continues the same tree: appending after a reopen gives the roots of one uninterrupted log', () => {
    const dir = newDir();
    written(dir, entries.slice(0, 45));
    const store = open(dir);
    for (const entry of entries.slice(45, 130)) store.append(entry);
    expect(roots(store)).toEqual(roots(logOf(entries.slice(0, 130))));
  });

  it('an empty log reopens empty', () => {
    const dir = newDir();
    written(dir, []);
    const store = open(dir);
    expect(store.size).toBe(0);
    expect(hex(store.root())).toBe(hex(hasher.emptyRoot()));
  });
});

describe('FileLogStore after a crash', () => {
  it('loses the appends that were never flushed, and keeps the flushed ones', () => {
    const dir = newDir();
    const dying = open(dir);
    for (const entry of entries.slice(0, 20)) dying.append(entry);
    dying.flush();
    for (const entry of entries.slice(20, 27)) dying.append(entry);
    // The process "dies" here: its buffers never reach the files. A new process opens the directory.
    const store = open(dir);
    expect(store.size).toBe(20);
    expect(roots(store)).toEqual(roots(logOf(entries.slice(0, 20))));
  });

  it('discards half-written records at the end of every file and recovers the last complete entry', () => {
    const dir = newDir();
    written(dir, entries.slice(0, 37));
    appendBytes(dir, 'offsets', Uint8Array.of(0, 0, 0, 0, 0));
    appendBytes(dir, 'entries', new Uint8Array(13).fill(0xee));
    appendBytes(dir, 'level-00', new Uint8Array(17).fill(0xee));
    appendBytes(dir, 'level-01', new Uint8Array(31).fill(0xee));
    appendBytes(dir, 'level-05', new Uint8Array(1).fill(0xee));
    appendBytes(dir, 'level-06', new Uint8Array(20).fill(0xee));
    const store = open(dir);
    expect(store.size).toBe(37);
    expect(roots(store)).toEqual(roots(logOf(entries.slice(0, 37))));
    expect(fileLength(dir, 'offsets')).toBe(37 * 8);
    expect(fileLength(dir, 'level-01')).toBe(18 * 32);
    expect(fileLength(dir, 'level-06')).toBe(0);
    for (const entry of entries.slice(37, 70)) store.append(entry);
    expect(roots(store)).toEqual(roots(logOf(entries.slice(0, 70))));
  });

  it('discards whole records that were written out but not committed by the offsets file', () => {
    const dir = newDir();
    written(dir, entries.slice(0, 42));
    // As if the process died inside flush(): entries and hashes on disk, the offsets of the last five
    // entries torn after three bytes.
    cutFile(dir, 'offsets', 37 * 8 + 3);
    const store = open(dir);
    expect(store.size).toBe(37);
    expect(fileLength(dir, 'entries')).toBe(entries.slice(0, 37).reduce((sum, e) => sum + e.length, 0));
    expect(fileLength(dir, 'level-00')).toBe(37 * 32);
    expect(fileLength(dir, 'level-02')).toBe(9 * 32);
    for (const entry of other.slice(0, 30)) store.append(entry);
    expect(roots(store)).toEqual(roots(logOf([...entries.slice(0, 37), ...other.slice(0, 30)])));
  });
});

describe('FileLogStore truncated', () => {
  it('then appended to gives the roots of a store that never had the dropped entries', () => {
    const dir = newDir();
    const store = open(dir);
    for (const entry of entries.slice(0, 100)) store.append(entry);
    store.flush();
    store.truncate(61);
    expect(store.size).toBe(61);
    expect(roots(store)).toEqual(roots(logOf(entries.slice(0, 61))));
    for (const entry of other.slice(0, 50)) store.append(entry);
    expect(roots(store)).toEqual(roots(logOf([...entries.slice(0, 61), ...other.slice(0, 50)])));
    expect(hex(store.entry(61))).toBe(hex(other[0]!));
  });

  it('cuts every file to exactly what the smaller log needs, durably: a reopen finds the same log', () => {
    const dir = newDir();
    const store = open(dir);
    for (const entry of entries.slice(0, 100)) store.append(entry);
    store.truncate(33);
    expect(fileLength(dir, 'offsets')).toBe(33 * 8);
    expect(fileLength(dir, 'entries')).toBe(entries.slice(0, 33).reduce((sum, e) => sum + e.length, 0));
    for (let level = 0; level <= 6; level++) {
      expect(fileLength(dir, `level-0${level}`), `level ${level}`).toBe(Math.floor(33 / 2 ** level) * 32);
    }
    store.close();
    const reopened = open(dir);
    expect(reopened.size).toBe(33);
    expect(roots(reopened)).toEqual(roots(logOf(entries.slice(0, 33))));
  });

  it('drops entries that were still in the write buffers', () => {
    const dir = newDir();
    const store = open(dir);
    for (const entry of entries.slice(0, 30)) store.append(entry);
    store.flush();
    for (const entry of entries.slice(30, 40)) store.append(entry);
    store.truncate(35);
    for (const entry of other.slice(0, 10)) store.append(entry);
    const expected = [...entries.slice(0, 35), ...other.slice(0, 10)];
    expect(roots(store)).toEqual(roots(logOf(expected)));
    store.close();
    expect(roots(open(dir))).toEqual(roots(logOf(expected)));
  });

  it('to zero leaves an empty log that grows again', () => {
    const dir = newDir();
    const store = open(dir);
    for (const entry of entries.slice(0, 10)) store.append(entry);
    store.truncate(0);
    expect(store.size).toBe(0);
    expect(hex(store.root())).toBe(hex(hasher.emptyRoot()));
    for (const entry of other.slice(0, 9)) store.append(entry);
    expect(roots(store)).toEqual(roots(logOf(other.slice(0, 9))));
  });
});

describe('MemoryLogStore truncated', () => {
  it('then appended to gives the roots of a store that never had the dropped entries', () => {
    const store = logOf(entries.slice(0, 100));
    store.truncate(61);
    for (const entry of other.slice(0, 50)) store.append(entry);
    const expected = [...entries.slice(0, 61), ...other.slice(0, 50)];
    expect(roots(store)).toEqual(roots(logOf(expected)));
    expect(proofHex(store.inclusionProof(7))).toBe(new Reference(expected).inclusion(7, 111));
  });
});
