import { describe, expect, it } from 'vitest';
import { inclusionProof, isValidSubtree, merkleRoot, rootFromSubtreeInclusionProof, verifySubtreeInclusion } from '../../src/merkle/index.js';
import { expectCode, fakeHashes, HASHERS, hex } from './support.js';

describe('subtrees (draft-ietf-plants-merkle-tree-certs)', () => {
  it.each([
    [0, 1],
    [0, 13],
    [1, 2],
    [2, 4],
    [4, 7],
    [8, 13],
    [8, 16],
    [2 ** 52, 2 ** 53 - 1],
  ])('[%i, %i) is a subtree', (start, end) => {
    expect(isValidSubtree(start, end)).toBe(true);
  });

  it.each([
    [0, 0],
    [3, 3],
    [2, 1],
    [1, 3],
    [2, 5],
    [4, 9],
    [2 ** 52 + 1, 2 ** 53 - 1],
  ])('[%i, %i) is not', (start, end) => {
    expect(isValidSubtree(start, end)).toBe(false);
  });

  it('is, for a power-of-two width, exactly a node of the tree', () => {
    const hasher = HASHERS[1]![1];
    const leaves = fakeHashes(16);
    // The node over leaves 8..11 of a 16-leaf tree is the left child of the root's right child.
    const right = merkleRoot(hasher, leaves.slice(8, 16));
    expect(hex(hasher.hashChildren(merkleRoot(hasher, leaves.slice(8, 12)), merkleRoot(hasher, leaves.slice(12, 16))))).toBe(hex(right));
  });
});

describe.each(HASHERS)('subtree inclusion proofs with %s', (_name, hasher) => {
  it('verifies every leaf of every subtree of a 40-leaf tree against the subtree hash', () => {
    const leaves = fakeHashes(40);
    let checked = 0;
    for (let end = 1; end <= 40; end++) {
      for (let start = 0; start < end; start++) {
        if (!isValidSubtree(start, end)) continue;
        const range = leaves.slice(start, end);
        const subtreeHash = merkleRoot(hasher, range);
        for (let index = start; index < end; index++) {
          const proof = inclusionProof(hasher, range, index - start);
          expect(hex(rootFromSubtreeInclusionProof(hasher, index, start, end, leaves[index]!, proof))).toBe(hex(subtreeHash));
          verifySubtreeInclusion(hasher, index, start, end, leaves[index]!, proof, subtreeHash);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(400);
  });

  it('refuses a proof against the hash of another subtree of the same width', () => {
    const leaves = fakeHashes(16);
    const proof = inclusionProof(hasher, leaves.slice(8, 12), 1);
    expectCode(() => verifySubtreeInclusion(hasher, 9, 8, 12, leaves[9]!, proof, merkleRoot(hasher, leaves.slice(4, 8))), 'MERKLE_ROOT_MISMATCH');
  });
});
