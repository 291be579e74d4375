/**
 * test-vectors/merkle/proofs.json through the RFC 9162 verifiers, with the SHA-256 of each crypto
 * backend and with the node:crypto Merkle hasher: every vector ends as stated.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { createMerkleHasher, merkleRoot, verifyConsistency, verifyInclusion, verifySubtreeInclusion, type MerkleHasher } from '../../src/merkle/index.js';
import { createNodeMerkleHasher, getBackend } from '../../src/crypto/node-entry.js';
import { byId, expected, fromHex, hex, loadVectors, outcome, type Vector } from './support.js';

type MerkleVector = Vector &
  (
    | { readonly kind: 'tree-hash'; readonly leaves: readonly string[]; readonly root: string }
    | { readonly kind: 'inclusion'; readonly leafIndex: number; readonly treeSize: number; readonly leafHash: string; readonly proof: readonly string[]; readonly root: string }
    | { readonly kind: 'consistency'; readonly size1: number; readonly size2: number; readonly proof: readonly string[]; readonly root1: string; readonly root2: string }
    | { readonly kind: 'subtree-inclusion'; readonly leafIndex: number; readonly start: number; readonly end: number; readonly leafHash: string; readonly proof: readonly string[]; readonly subtreeHash: string }
  );

const file = loadVectors<MerkleVector>('merkle/proofs.json', 'hemkit-merkle-proofs/v1');

function run(h: MerkleHasher, v: MerkleVector): void {
  switch (v.kind) {
    case 'tree-hash':
      expect(hex(merkleRoot(h, v.leaves.map((leaf) => h.hashLeaf(fromHex(leaf)))))).toBe(v.root);
      return;
    case 'inclusion':
      return verifyInclusion(h, v.leafIndex, v.treeSize, fromHex(v.leafHash), v.proof.map(fromHex), fromHex(v.root));
    case 'consistency':
      return verifyConsistency(h, v.size1, v.size2, v.proof.map(fromHex), fromHex(v.root1), fromHex(v.root2));
    case 'subtree-inclusion':
      return verifySubtreeInclusion(h, v.leafIndex, v.start, v.end, fromHex(v.leafHash), v.proof.map(fromHex), fromHex(v.subtreeHash));
  }
}

const HASHERS: readonly (readonly [string, MerkleHasher])[] = [
  ['noble SHA-256', createMerkleHasher(getBackend('noble').sha256)],
  ['node backend SHA-256', createMerkleHasher((d) => getBackend('node').sha256(d))],
  ['node:crypto Merkle hasher', createNodeMerkleHasher()],
];

describe.each(HASHERS)('merkle/proofs.json with the %s', (_name, hasher) => {
  it.each(byId(file.vectors))('%s', (_id, v) => {
    expect(outcome(() => run(hasher, v))).toBe(expected(v));
  });
});

describe('coverage of merkle/proofs.json', () => {
  it('has valid vectors of every kind and an invalid one for every MERKLE_* code', () => {
    expect(new Set(file.vectors.filter((v) => v.result === 'valid').map((v) => v.kind))).toEqual(new Set(['tree-hash', 'inclusion', 'consistency', 'subtree-inclusion']));
    const codes = new Set(file.vectors.map((v) => v.code));
    for (const code of ERROR_CODES.filter((c) => c.startsWith('MERKLE_'))) expect(codes).toContain(code);
  });
});
