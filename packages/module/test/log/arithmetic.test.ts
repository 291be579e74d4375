/**
 * The index arithmetic past 2^32, where JavaScript's 32-bit bit operators would wrap (specs/merkle.md
 * §2). No store can hold such trees in a test, so the helpers are checked against BigInt models, and
 * the tree algorithms run over a virtual tree whose 2^40-odd leaves all have the same hash, so that
 * every node of level k is the same known hash and the wire verifiers can check the proofs.
 */
import { verifyConsistency, verifyInclusion } from '@hemkit/wire/merkle';
import { describe, expect, it } from 'vitest';
import { bitLength, completedLevels, type NodePosition, nodeCount, splitPoint, subtreeNodes } from '../../src/log/arithmetic.js';
import { LogTree, type NodeStorage } from '../../src/log/tree.js';
import { hasher, hex } from './support.js';

const LARGE_SIZES = [2 ** 32, 2 ** 32 + 1, 2 ** 40 + 2 ** 33 + 5, 3 * 2 ** 41 - 1, 2 ** 52 + 12345, Number.MAX_SAFE_INTEGER];

function bigBitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** RFC 9162's subtree ranges split by the binary digits of their length, in BigInt. */
function bigSubtreeNodes(start: bigint, end: bigint): string[] {
  const out: string[] = [];
  let offset = start;
  for (let level = bigBitLength(end - start) - 1; level >= 0; level--) {
    if (((end - start) >> BigInt(level)) & 1n) {
      out.push(`${level}:${offset >> BigInt(level)}`);
      offset += 1n << BigInt(level);
    }
  }
  return out;
}

const show = (nodes: readonly NodePosition[]): string[] => nodes.map(({ level, index }) => `${level}:${index}`);

describe('index arithmetic past 2^32', () => {
  it('counts complete subtrees per level as floor(size / 2^level)', () => {
    for (const size of LARGE_SIZES) {
      for (const level of [0, 1, 31, 32, 33, 40, 52]) {
        expect(nodeCount(size, level), `${size} at level ${level}`).toBe(Number(BigInt(size) >> BigInt(level)));
      }
    }
  });

  it('gives bit lengths and split points', () => {
    for (const size of LARGE_SIZES) {
      expect(bitLength(size)).toBe(bigBitLength(BigInt(size)));
      // k: the largest power of two smaller than n (RFC 9162 §2.1.1).
      const k = 1n << BigInt(bigBitLength(BigInt(size) - 1n) - 1);
      expect(splitPoint(size)).toBe(Number(k));
    }
    expect(splitPoint(2 ** 33)).toBe(2 ** 32);
    expect(splitPoint(2 ** 33 + 1)).toBe(2 ** 33);
  });

  it('counts the subtrees a leaf completes as the trailing 1 bits of its index', () => {
    expect(completedLevels(2 ** 35 - 1)).toBe(35);
    expect(completedLevels(2 ** 40 + 2 ** 33 - 1)).toBe(33);
    expect(completedLevels(2 ** 40)).toBe(0);
    expect(completedLevels(Number.MAX_SAFE_INTEGER)).toBe(53);
  });

  it('splits a subtree range into one stored node per 1 bit of its length', () => {
    for (const size of LARGE_SIZES) {
      expect(show(subtreeNodes(0, size))).toEqual(bigSubtreeNodes(0n, BigInt(size)));
    }
    const start = 2 ** 41;
    const end = start + 2 ** 40 + 2 ** 33 + 7;
    expect(show(subtreeNodes(start, end))).toEqual(bigSubtreeNodes(BigInt(start), BigInt(end)));
  });
});

/** RFC 9162 PATH and SUBPROOF (§2.1.3.1, §2.1.4.1) in BigInt: the ranges whose MTH each proof holds. */
function bigPath(m: bigint, lo: bigint, hi: bigint, out: [bigint, bigint][]): void {
  const n = hi - lo;
  if (n === 1n) return;
  const k = 1n << BigInt(bigBitLength(n - 1n) - 1);
  if (m < k) {
    bigPath(m, lo, lo + k, out);
    out.push([lo + k, hi]);
  } else {
    bigPath(m - k, lo + k, hi, out);
    out.push([lo, lo + k]);
  }
}

function bigSubproof(m: bigint, lo: bigint, hi: bigint, b: boolean, out: [bigint, bigint][]): void {
  const n = hi - lo;
  if (m === n) {
    if (!b) out.push([lo, hi]);
    return;
  }
  const k = 1n << BigInt(bigBitLength(n - 1n) - 1);
  if (m <= k) {
    bigSubproof(m, lo, lo + k, b, out);
    out.push([lo + k, hi]);
  } else {
    bigSubproof(m - k, lo + k, hi, false, out);
    out.push([lo, lo + k]);
  }
}

/**
 * A tree of `size` identical leaves: node k of every index is h_k, with h_0 the leaf hash and
 * h_(k+1) = HASH(0x01 ‖ h_k ‖ h_k). It records which nodes are read and refuses any node that is not a
 * complete subtree of the tree, and checks every node appended against h_k.
 */
class UniformTree implements NodeStorage {
  readonly levelHashes: Uint8Array[] = [hasher.hashLeaf(new TextEncoder().encode('the same entry'))];
  readonly reads: string[] = [];
  size: number;

  constructor(size: number) {
    this.size = size;
    for (let level = 1; level <= 53; level++) {
      const below = this.levelHashes[level - 1]!;
      this.levelHashes.push(hasher.hashChildren(below, below));
    }
  }

  node(level: number, index: number): Uint8Array {
    if (!(index < nodeCount(this.size, level))) throw new Error(`node ${level}:${index} is not a complete subtree of ${this.size} leaves`);
    this.reads.push(`${level}:${index}`);
    return new Uint8Array(this.levelHashes[level]!);
  }

  push(level: number, hash: Uint8Array): void {
    expect(hex(hash), `node appended at level ${level}`).toBe(hex(this.levelHashes[level]!));
    if (level === 0) this.size++;
  }
}

describe('LogTree on trees past 2^32 leaves', () => {
  const CASES: readonly (readonly [index: number, size: number])[] = [
    [0, 2 ** 32 + 1],
    [2 ** 32, 2 ** 32 + 1],
    [2 ** 31 + 12345, 2 ** 40 + 2 ** 33 + 5],
    [2 ** 40 + 2 ** 33 + 4, 2 ** 40 + 2 ** 33 + 5],
    [3 * 2 ** 40 + 77, 3 * 2 ** 41 - 1],
    [2 ** 52 + 12344, 2 ** 52 + 12345],
  ];

  it.each(CASES)('proves leaf %d of %d with the nodes RFC 9162 PATH names, and the proof verifies', (index, size) => {
    const nodes = new UniformTree(size);
    const tree = new LogTree(hasher, nodes, size);
    const root = tree.root(size);
    nodes.reads.length = 0;
    const proof = tree.inclusionProof(index, size);
    const ranges: [bigint, bigint][] = [];
    bigPath(BigInt(index), 0n, BigInt(size), ranges);
    expect([...nodes.reads].sort()).toEqual(ranges.flatMap(([lo, hi]) => bigSubtreeNodes(lo, hi)).sort());
    verifyInclusion(hasher, index, size, nodes.levelHashes[0]!, proof, root);
  });

  it.each(CASES)('proves consistency from %d to %d with the nodes RFC 9162 SUBPROOF names, and the proof verifies', (size1, size2) => {
    // A consistency proof runs from a non-empty tree.
    const first = Math.max(1, size1);
    const nodes = new UniformTree(size2);
    const tree = new LogTree(hasher, nodes, size2);
    const root1 = tree.root(first);
    const root2 = tree.root(size2);
    nodes.reads.length = 0;
    const proof = tree.consistencyProof(first, size2);
    const ranges: [bigint, bigint][] = [];
    bigSubproof(BigInt(first), 0n, BigInt(size2), true, ranges);
    expect([...nodes.reads].sort()).toEqual(ranges.flatMap(([lo, hi]) => bigSubtreeNodes(lo, hi)).sort());
    verifyConsistency(hasher, first, size2, proof, root1, root2);
  });

  it('appends the leaf that completes 40 levels at once, and the root becomes the level-40 node', () => {
    const size = 2 ** 40 - 1;
    const nodes = new UniformTree(size);
    const tree = new LogTree(hasher, nodes, size);
    expect(tree.appendLeaf(nodes.levelHashes[0]!)).toBe(size);
    expect(tree.size).toBe(2 ** 40);
    expect(hex(tree.root(2 ** 40))).toBe(hex(nodes.levelHashes[40]!));
  });

  it('reads only the frontier to restore a tree: one node per 1 bit of the size', () => {
    const size = 2 ** 52 + 12345;
    const nodes = new UniformTree(size);
    const tree = new LogTree(hasher, nodes, size);
    expect(nodes.reads).toEqual(bigSubtreeNodes(0n, BigInt(size)));
    nodes.reads.length = 0;
    tree.root(size);
    expect(nodes.reads).toEqual([]);
  });
});
