/**
 * Both stores against @hemkit/wire's reference tree, which follows RFC 9162's recursive definitions
 * (MTH §2.1.1, PATH §2.1.3.1, PROOF §2.1.4.1) literally: byte-identical roots and proofs for every
 * index and every pair of sizes up to 130 leaves (every shape of the top seven levels and then some),
 * each also accepted by the wire layer's verifiers.
 */
import { nobleBackend } from '@hemkit/wire/crypto';
import { createMerkleHasher, foldFrontier, frontierFromInclusionProof, verifyConsistency, verifyInclusion } from '@hemkit/wire/merkle';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogStore, MemoryLogStore } from '../../src/log/index.js';
import { FileLogStore } from '../../src/log/file.js';
import { hasher, hex, proofHex, Reference, removeDir, tempDir, testEntries } from './support.js';

const MAX_SIZE = 130;
const entries = testEntries(MAX_SIZE);
const reference = new Reference(entries);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function fileStore(bufferBytes?: number): LogStore {
  const dir = tempDir();
  const store = FileLogStore.open(dir, hasher, bufferBytes === undefined ? {} : { bufferBytes });
  cleanups.push(() => {
    store.close();
    removeDir(dir);
  });
  return store;
}

/** Each store, and when it flushes: reads then come from the files, the write buffers, or both. */
const STORES: readonly (readonly [name: string, make: () => LogStore, flushEvery: number])[] = [
  ['MemoryLogStore', () => new MemoryLogStore(hasher), 0],
  ['FileLogStore, never flushed', () => fileStore(), 0],
  ['FileLogStore, flushed after every fifth append', () => fileStore(), 5],
  ['FileLogStore, flushing on its own every few entries (100-byte buffers)', () => fileStore(100), 0],
];

describe.each(STORES)('%s', (_, make, flushEvery) => {
  function filled(size: number, onAppend?: (store: LogStore, size: number) => void): LogStore {
    const store = make();
    for (let i = 0; i < size; i++) {
      expect(store.append(entries[i]!)).toBe(i);
      if (flushEvery > 0 && (i + 1) % flushEvery === 0) store.flush();
      onAppend?.(store, i + 1);
    }
    return store;
  }

  it(`gives the reference root and every inclusion and consistency proof after each append, sizes 1 to ${MAX_SIZE}`, () => {
    filled(MAX_SIZE, (store, size) => {
      expect(store.size).toBe(size);
      const root = store.root();
      expect(hex(root)).toBe(reference.root(size));
      for (let index = 0; index < size; index++) {
        const proof = store.inclusionProof(index);
        expect(proofHex(proof), `inclusion of ${index} in ${size}`).toBe(reference.inclusion(index, size));
        verifyInclusion(hasher, index, size, store.leafHash(index), proof, root);
      }
      for (let size1 = 1; size1 <= size; size1++) {
        const proof = store.consistencyProof(size1);
        expect(proofHex(proof), `consistency from ${size1} to ${size}`).toBe(reference.consistency(size1, size));
        verifyConsistency(hasher, size1, size, proof, store.root(size1), root);
      }
    });
  });

  it('answers for every earlier size from its stored subtrees: roots, inclusion and consistency proofs', () => {
    const store = filled(MAX_SIZE);
    expect(hex(store.root(0))).toBe(hex(hasher.emptyRoot()));
    for (let size2 = 1; size2 <= MAX_SIZE; size2++) {
      expect(hex(store.root(size2))).toBe(reference.root(size2));
      for (let index = 0; index < size2; index++) {
        expect(proofHex(store.inclusionProof(index, size2)), `inclusion of ${index} in ${size2}`).toBe(reference.inclusion(index, size2));
      }
      for (let size1 = 1; size1 <= size2; size1++) {
        expect(proofHex(store.consistencyProof(size1, size2)), `consistency from ${size1} to ${size2}`).toBe(
          reference.consistency(size1, size2),
        );
      }
    }
  });

  it('gives F(size) for every size: the frontier an inclusion proof of the next leaf carries, folding to the root (merkle.md §9)', () => {
    const store = filled(MAX_SIZE);
    expect(store.frontier(0)).toEqual([]);
    for (let size = 0; size <= MAX_SIZE; size++) {
      const frontier = store.frontier(size).map(hex);
      expect(hex(foldFrontier(hasher, store.frontier(size))), `fold of F(${size})`).toBe(reference.root(size));
      if (size < MAX_SIZE) expect(frontier, `F(${size})`).toEqual(frontierFromInclusionProof(size, MAX_SIZE, store.inclusionProof(size)).map(hex));
    }
  });

  it('reads a run of entries with the frontier before it, as long as the byte budget allows but at least one', () => {
    const store = filled(MAX_SIZE);
    for (const [start, end] of [[0, 1], [0, MAX_SIZE], [37, 64], [MAX_SIZE - 1, MAX_SIZE]] as const) {
      const run = store.readRun(start, end, Number.MAX_SAFE_INTEGER);
      expect(run.entries.map(hex)).toEqual(entries.slice(start, end).map(hex));
      expect(run.frontier.map(hex)).toEqual(store.frontier(start).map(hex));
    }
    const bytes = (from: number, to: number) => entries.slice(from, to).reduce((n, e) => n + e.length, 0);
    expect(store.readRun(10, 50, bytes(10, 20)).entries).toHaveLength(10);
    expect(store.readRun(10, 50, bytes(10, 20) - 1).entries).toHaveLength(9);
    expect(store.readRun(10, 50, 0).entries).toHaveLength(1);
  });

  it('keeps each entry and its leaf hash', () => {
    const store = filled(MAX_SIZE);
    for (let i = 0; i < MAX_SIZE; i++) {
      expect(hex(store.entry(i))).toBe(hex(entries[i]!));
      expect(hex(store.leafHash(i))).toBe(hex(reference.leafHashes[i]!));
    }
  });

  it('hands out copies, and keeps its own copy of what it is given', () => {
    const store = make();
    const entry = Uint8Array.of(1, 2, 3);
    store.append(entry);
    entry[0] = 9;
    store.entry(0)[1] = 9;
    store.leafHash(0)[0] ^= 1;
    store.root()[0] ^= 1;
    store.append(Uint8Array.of(4));
    store.inclusionProof(0)[0]![0] ^= 1;
    expect([...store.entry(0)]).toEqual([1, 2, 3]);
    expect(hex(store.leafHash(0))).toBe(hex(hasher.hashLeaf(Uint8Array.of(1, 2, 3))));
    expect(hex(store.root(1))).toBe(hex(hasher.hashLeaf(Uint8Array.of(1, 2, 3))));
    expect(hex(store.inclusionProof(0)[0]!)).toBe(hex(hasher.hashLeaf(Uint8Array.of(4))));
  });
});

describe('MemoryLogStore with the noble hasher', () => {
  it('gives the same roots and proofs as the reference over the same hasher', () => {
    const noble = createMerkleHasher(nobleBackend.sha256);
    const nobleReference = new Reference(entries.slice(0, 40), noble);
    const store = new MemoryLogStore(noble);
    for (const entry of entries.slice(0, 40)) store.append(entry);
    for (let size2 = 1; size2 <= 40; size2++) {
      expect(hex(store.root(size2))).toBe(nobleReference.root(size2));
      expect(proofHex(store.inclusionProof(size2 - 1, size2))).toBe(nobleReference.inclusion(size2 - 1, size2));
      expect(proofHex(store.consistencyProof(1 + (size2 % 7), Math.max(size2, 1 + (size2 % 7))))).toBe(
        nobleReference.consistency(1 + (size2 % 7), Math.max(size2, 1 + (size2 % 7))),
      );
    }
  });
});
