/**
 * VerifiedLog (specs/security.md §10.3): over a sound store it returns exactly what the store does;
 * once a stored entry, leaf hash or node changes under it, the read that would return or prove it
 * fails with LOG_INTEGRITY_FAILED instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HemkitError } from '@hemkit/wire/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { VerifiedLog } from '../../src/log/index.js';
import { FileLogStore } from '../../src/log/file.js';
import { expectCode, hasher, hex, proofHex, Reference, removeDir, tempDir, testEntries } from './support.js';

const entries = testEntries(45);
const reference = new Reference(entries);

const dirs: string[] = [];
const stores: FileLogStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function opened(): { dir: string; log: VerifiedLog; failures: HemkitError[] } {
  const dir = tempDir();
  dirs.push(dir);
  const store = FileLogStore.open(dir, hasher);
  stores.push(store);
  for (const entry of entries) store.append(entry);
  store.flush();
  const failures: HemkitError[] = [];
  return { dir, log: new VerifiedLog(store, hasher, (e) => failures.push(e)), failures };
}

/** Changes one byte of a file in place, under the open store's file descriptors. */
function flipInPlace(dir: string, name: string, at: number): void {
  const fd = fs.openSync(path.join(dir, name), 'r+');
  try {
    const byte = new Uint8Array(1);
    fs.readSync(fd, byte, 0, 1, at);
    byte[0]! ^= 0x40;
    fs.writeSync(fd, byte, 0, 1, at);
  } finally {
    fs.closeSync(fd);
  }
}

describe('VerifiedLog over a sound store', () => {
  it('returns the entries, roots and proofs of the reference tree for every index and size', () => {
    const { log, failures } = opened();
    for (let size = 1; size <= entries.length; size++) {
      expect(hex(log.root(size))).toBe(reference.root(size));
      expect(hex(log.entry(size - 1))).toBe(hex(entries[size - 1]!));
      expect(proofHex(log.inclusionProof(size - 1, size))).toBe(reference.inclusion(size - 1, size));
      expect(proofHex(log.consistencyProof(size))).toBe(reference.consistency(size, entries.length));
    }
    expect(hex(log.root(0))).toBe(hex(hasher.emptyRoot()));
    expect(failures).toEqual([]);
  });

  it('passes refusals of its arguments through with their own codes', () => {
    const { log, failures } = opened();
    expectCode(() => log.entry(45), 'MERKLE_INDEX_OUT_OF_RANGE');
    expectCode(() => log.root(46), 'MERKLE_INVALID_TREE_SIZE');
    expectCode(() => log.consistencyProof(0, 3), 'MERKLE_EMPTY_TREE_CONSISTENCY');
    expect(failures).toEqual([]);
  });
});

describe('VerifiedLog over a store whose files changed (LOG_INTEGRITY_FAILED)', () => {
  it('an entry whose bytes changed is not returned', () => {
    const { dir, log, failures } = opened();
    const at = entries.slice(0, 30).reduce((sum, e) => sum + e.length, 0); // the first byte of entry 30
    expect(entries[30]!.length).toBeGreaterThan(0);
    flipInPlace(dir, 'entries', at);
    expect(expectCode(() => log.entry(30), 'LOG_INTEGRITY_FAILED').message).toMatch(/entry 30 does not verify/);
    expect(hex(log.entry(29))).toBe(hex(entries[29]!));
    expect(failures.map((e) => e.code)).toEqual(['LOG_INTEGRITY_FAILED']);
  });

  it('an entry whose offsets changed is not returned', () => {
    const { dir, log } = opened();
    flipInPlace(dir, 'offsets', 8 * 9 + 7);
    expectCode(() => log.entry(10), 'LOG_INTEGRITY_FAILED');
  });

  it('a changed leaf hash fails its inclusion proof', () => {
    const { dir, log } = opened();
    flipInPlace(dir, 'level-00', 32 * 7);
    expectCode(() => log.inclusionProof(7, 20), 'LOG_INTEGRITY_FAILED');
  });

  it('a changed interior node fails the earlier root and the proofs that use it', () => {
    const { dir, log } = opened();
    flipInPlace(dir, 'level-02', 5); // MTH(D[0:4])
    expectCode(() => log.root(6), 'LOG_INTEGRITY_FAILED'); // HASH(0x01 ‖ MTH(D[0:4]) ‖ MTH(D[4:6]))
    expectCode(() => log.consistencyProof(6, 40), 'LOG_INTEGRITY_FAILED');
    expectCode(() => log.inclusionProof(5, 40), 'LOG_INTEGRITY_FAILED');
    expect(hex(log.root(8))).toBe(reference.root(8)); // a stored node of its own, untouched
    // The current root comes from the frontier in memory, checked when the store was opened.
    expect(hex(log.root())).toBe(reference.root(45));
  });
});
