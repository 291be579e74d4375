import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { createMerkleHasher, inclusionProof, merkleRoot, rememberingHasher, rootFromInclusionProof, type MerkleHasher } from '../../src/merkle/index.js';
import { expectCode, fakeHashes, flipBit, hex } from './support.js';

/** A noble hasher that counts its node hashes. */
function counted(): { hasher: MerkleHasher; nodes: () => number } {
  const inner = createMerkleHasher(sha256);
  let nodes = 0;
  return {
    hasher: { ...inner, hashChildren: (l, r) => (nodes++, inner.hashChildren(l, r)) },
    nodes: () => nodes,
  };
}

describe('rememberingHasher (every proof of a tree, as a verifier of a bundle walks them)', () => {
  const plain = createMerkleHasher(sha256);
  const SIZE = 1000;
  // Leaf hashes, as SHA-256 makes them: their first bytes differ.
  const leaves = fakeHashes(SIZE, 7).map((d) => plain.hashLeaf(d));
  const root = merkleRoot(plain, leaves);
  const proofs = leaves.map((_, i) => inclusionProof(plain, leaves, i));

  it('leads every proof to the same root as hashing each step', () => {
    const { hasher } = counted();
    const remembering = rememberingHasher(hasher);
    proofs.forEach((proof, i) => expect(hex(rootFromInclusionProof(remembering, i, SIZE, leaves[i]!, proof))).toBe(hex(root)));
  });

  it('hashes each distinct interior node once: n - 1 for all the leaves of a tree of n', () => {
    const { hasher, nodes } = counted();
    const remembering = rememberingHasher(hasher);
    proofs.forEach((proof, i) => rootFromInclusionProof(remembering, i, SIZE, leaves[i]!, proof));
    expect(nodes()).toBe(SIZE - 1);
    // Without it: every step of every proof.
    const again = counted();
    proofs.forEach((proof, i) => rootFromInclusionProof(again.hasher, i, SIZE, leaves[i]!, proof));
    expect(again.nodes()).toBe(proofs.reduce((n, p) => n + p.length, 0));
  });

  it('hashes a proof that differs in one bit of one hash anew, and leads it elsewhere', () => {
    const remembering = rememberingHasher(plain);
    proofs.forEach((proof, i) => rootFromInclusionProof(remembering, i, SIZE, leaves[i]!, proof));
    const i = 613;
    for (let step = 0; step < proofs[i]!.length; step++) {
      const forged = proofs[i]!.map((h, j) => (j === step ? flipBit(h, 77) : h));
      const expected = rootFromInclusionProof(plain, i, SIZE, leaves[i]!, forged);
      expect(hex(rootFromInclusionProof(remembering, i, SIZE, leaves[i]!, forged))).toBe(hex(expected));
      expect(hex(expected)).not.toBe(hex(root));
    }
    // A leaf changed in one bit, under its genuine path.
    expect(hex(rootFromInclusionProof(remembering, i, SIZE, flipBit(leaves[i]!, 3), proofs[i]!))).not.toBe(hex(root));
  });

  it('tells apart children whose first bytes agree (one key, several nodes)', () => {
    const remembering = rememberingHasher(plain);
    const [a, b] = fakeHashes(2, 99);
    const a2 = flipBit(a!, 255); // the last bit: the first four bytes, and so the lookup key, are the same
    const b2 = flipBit(b!, 200);
    for (const [l, r] of [[a!, b!], [a2, b!], [a!, b2], [a2, b2]] as const) {
      expect(hex(remembering.hashChildren(l, r))).toBe(hex(plain.hashChildren(l, r)));
      expect(hex(remembering.hashChildren(l, r))).toBe(hex(plain.hashChildren(l, r)));
    }
  });

  it('remembers at most a few nodes under one key, and still gives every result', () => {
    // Children crafted to share their first bytes: every pair falls under one key.
    const { hasher, nodes } = counted();
    const remembering = rememberingHasher(hasher);
    const crafted = fakeHashes(40, 3);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i + 1 < crafted.length; i += 2) {
        expect(hex(remembering.hashChildren(crafted[i]!, crafted[i + 1]!))).toBe(hex(plain.hashChildren(crafted[i]!, crafted[i + 1]!)));
      }
    }
    // 20 pairs twice: the first 4 are remembered, the other 16 are hashed both times.
    expect(nodes()).toBe(20 + 16);
  });

  it('hands out arrays the caller owns: changing one changes nothing remembered', () => {
    const remembering = rememberingHasher(plain);
    const [a, b] = fakeHashes(2, 5);
    const first = remembering.hashChildren(a!, b!);
    const expected = hex(first);
    first.fill(0);
    expect(hex(remembering.hashChildren(a!, b!))).toBe(expected);
  });

  it("keeps its own copy of the children: rewriting the caller's arrays does not make a stale match", () => {
    const remembering = rememberingHasher(plain);
    const [a, b, c] = fakeHashes(3, 11);
    remembering.hashChildren(a!, b!);
    a!.set(c!);
    expect(hex(remembering.hashChildren(a!, b!))).toBe(hex(plain.hashChildren(c!, b!)));
  });

  it('stops remembering at its capacity and still gives every result', () => {
    const { hasher, nodes } = counted();
    const remembering = rememberingHasher(hasher, 10);
    proofs.forEach((proof, i) => expect(hex(rootFromInclusionProof(remembering, i, SIZE, leaves[i]!, proof))).toBe(hex(root)));
    expect(nodes()).toBeGreaterThan(SIZE);
  });

  it("refuses children that are not 32 bytes, with the hashers' code", () => {
    const remembering = rememberingHasher(plain);
    const [a] = fakeHashes(1);
    expectCode(() => remembering.hashChildren(a!, new Uint8Array(31)), 'MERKLE_INVALID_HASH_LENGTH');
    expectCode(() => remembering.hashChildren(new Uint8Array(33), a!), 'MERKLE_INVALID_HASH_LENGTH');
  });
});
