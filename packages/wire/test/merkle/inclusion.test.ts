import { describe, expect, it } from 'vitest';
import { inclusionProof, merkleRoot, rootFromInclusionProof, verifyInclusion } from '../../src/merkle/index.js';
import {
  expectCode,
  fakeHashes,
  HASHERS,
  hex,
  modelInclusionProofLength,
  modelRootFromInclusionProof,
} from './support.js';

const TWO_32 = 2 ** 32;
const MAX = Number.MAX_SAFE_INTEGER; // 2^53 - 1

describe.each(HASHERS)('RFC 9162 §2.1.3.2 inclusion proofs with %s', (_name, hasher) => {
  it('verifies the generated proof of every leaf of every tree of 1 to 70 leaves', () => {
    for (let size = 1; size <= 70; size++) {
      const leaves = fakeHashes(size, size);
      const root = merkleRoot(hasher, leaves);
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(hasher, leaves, index);
        expect(hex(rootFromInclusionProof(hasher, index, size, leaves[index]!, proof))).toBe(hex(root));
        verifyInclusion(hasher, index, size, leaves[index]!, proof, root);
      }
    }
  });

  it('returns a copy, not the leaf hash itself, as the root of a one-leaf tree', () => {
    const [leaf] = fakeHashes(1);
    const root = rootFromInclusionProof(hasher, 0, 1, leaf!, []);
    expect(root).not.toBe(leaf);
    expect(hex(root)).toBe(hex(leaf!));
  });

  it('refuses a proof for one leaf presented for its neighbour', () => {
    const leaves = fakeHashes(13);
    const root = merkleRoot(hasher, leaves);
    const proof = inclusionProof(hasher, leaves, 6);
    expectCode(() => verifyInclusion(hasher, 6, 13, leaves[7]!, proof, root), 'MERKLE_ROOT_MISMATCH');
    expectCode(() => verifyInclusion(hasher, 7, 13, leaves[6]!, proof, root), 'MERKLE_ROOT_MISMATCH');
  });

  // Trees far too large to build: the proofs are made of arbitrary hashes of the length that an
  // independent BigInt model of the tree shape requires, and the expected root is computed from them
  // by that model. The verifier must agree with the model on the length and on the root.
  describe.each([
    [0, TWO_32 + 1],
    [TWO_32, TWO_32 + 1],
    [TWO_32 - 1, TWO_32 + 7],
    [TWO_32 + 5, TWO_32 + 6],
    [3 * TWO_32 + 12345, 5 * TWO_32],
    [2 ** 40 + 1, 2 ** 41 - 3],
    [0, MAX],
    [2 ** 52, MAX],
    [MAX - 1, MAX],
    [MAX - 2, MAX - 1],
    [123456789012345, 2 ** 53 - 2],
  ])('leaf %i of a tree of %i leaves', (index, size) => {
    const length = modelInclusionProofLength(BigInt(index), BigInt(size));
    const proof = fakeHashes(length, 7);
    const [leaf] = fakeHashes(1, 8);
    const root = modelRootFromInclusionProof(hasher, BigInt(index), BigInt(size), leaf!, proof);

    it('verifies a proof of the length and root the tree shape gives', () => {
      expect(hex(rootFromInclusionProof(hasher, index, size, leaf!, proof))).toBe(hex(root));
      verifyInclusion(hasher, index, size, leaf!, proof, root);
    });

    it('refuses the proof with one hash more or one fewer', () => {
      const [extra] = fakeHashes(1, 9);
      expectCode(() => verifyInclusion(hasher, index, size, leaf!, [...proof, extra!], root), 'MERKLE_PROOF_WRONG_LENGTH');
      expectCode(() => verifyInclusion(hasher, index, size, leaf!, proof.slice(1), root), 'MERKLE_PROOF_WRONG_LENGTH');
    });
  });

  it('does not confuse indices that agree in their low 32 bits', () => {
    // With 32-bit shifts, leaf 2^32 + 5 of 2^32 + 6 would look like leaf 5 of 6.
    const leaves = fakeHashes(6);
    const small = inclusionProof(hasher, leaves, 5);
    const smallRoot = merkleRoot(hasher, leaves);
    expect(modelInclusionProofLength(BigInt(TWO_32 + 5), BigInt(TWO_32 + 6))).not.toBe(small.length);
    expectCode(() => verifyInclusion(hasher, TWO_32 + 5, TWO_32 + 6, leaves[5]!, small, smallRoot), 'MERKLE_PROOF_WRONG_LENGTH');
  });
});
