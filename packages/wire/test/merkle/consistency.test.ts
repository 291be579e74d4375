import { describe, expect, it } from 'vitest';
import { consistencyProof, merkleRoot, rootFromConsistencyProof, verifyConsistency } from '../../src/merkle/index.js';
import { expectCode, expectMerkleError, fakeHashes, HASHERS, hex, modelConsistencyProofLength, modelRootsFromConsistencyProof } from './support.js';

const TWO_32 = 2 ** 32;
const MAX = Number.MAX_SAFE_INTEGER; // 2^53 - 1

describe.each(HASHERS)('RFC 9162 §2.1.4.2 consistency proofs with %s', (_name, hasher) => {
  it('verifies the generated proof between every pair of sizes 1 <= m <= n <= 40', () => {
    const leaves = fakeHashes(40);
    const roots = [hasher.emptyRoot(), ...leaves.map((_, i) => merkleRoot(hasher, leaves.slice(0, i + 1)))];
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(hasher, leaves, m, n);
        verifyConsistency(hasher, m, n, proof, roots[m]!, roots[n]!);
        expect(hex(rootFromConsistencyProof(hasher, m, n, proof, roots[m]!))).toBe(hex(roots[n]!));
      }
    }
  });

  it('refuses a proof presented for other sizes', () => {
    const leaves = fakeHashes(11);
    const root = (n: number) => merkleRoot(hasher, leaves.slice(0, n));
    const proof = consistencyProof(hasher, leaves, 6, 11);
    expectMerkleError(() => verifyConsistency(hasher, 6, 10, proof, root(6), root(10)));
    expectMerkleError(() => verifyConsistency(hasher, 5, 11, proof, root(5), root(11)));
    expectMerkleError(() => verifyConsistency(hasher, 7, 11, proof, root(7), root(11)));
  });

  it('refuses a first root that the second tree does not extend', () => {
    const leaves = fakeHashes(9);
    const other = fakeHashes(9, 1);
    const proof = consistencyProof(hasher, leaves, 5, 9);
    expectCode(
      () => verifyConsistency(hasher, 5, 9, proof, merkleRoot(hasher, other.slice(0, 5)), merkleRoot(hasher, leaves)),
      'MERKLE_ROOT_MISMATCH',
    );
  });

  // Trees far too large to build: proofs of arbitrary hashes of the length that an independent
  // BigInt model requires, with both roots computed from them by that model.
  describe.each([
    [1, TWO_32 + 1],
    [TWO_32, TWO_32 + 1],
    [TWO_32 - 1, TWO_32 + 3],
    [TWO_32 + 1, 2 * TWO_32 + 7],
    [3 * TWO_32 + 12345, 5 * TWO_32],
    [2 ** 40 + 12345, 2 ** 41 + 999],
    [3, MAX],
    [2 ** 52, MAX],
    [2 ** 52 + 1, MAX],
    [MAX - 1, MAX],
    [MAX - 2, MAX - 1],
  ])('from %i to %i leaves', (size1, size2) => {
    const length = modelConsistencyProofLength(BigInt(size1), BigInt(size2));
    const proof = fakeHashes(length, 7);
    const [seed] = fakeHashes(1, 8);
    const { root1, root2 } = modelRootsFromConsistencyProof(hasher, BigInt(size1), BigInt(size2), proof, seed!);

    it('verifies a proof of the length and roots the tree shapes give', () => {
      verifyConsistency(hasher, size1, size2, proof, root1, root2);
      expect(hex(rootFromConsistencyProof(hasher, size1, size2, proof, root1))).toBe(hex(root2));
    });

    it('refuses the proof with one hash more or one fewer', () => {
      const [extra] = fakeHashes(1, 9);
      expectCode(() => verifyConsistency(hasher, size1, size2, [...proof, extra!], root1, root2), 'MERKLE_PROOF_WRONG_LENGTH');
      if (proof.length > 1) {
        expectCode(() => verifyConsistency(hasher, size1, size2, proof.slice(0, -1), root1, root2), 'MERKLE_PROOF_WRONG_LENGTH');
      }
    });

    it('refuses swapped roots', () => {
      expectCode(() => verifyConsistency(hasher, size1, size2, proof, root2, root1), 'MERKLE_ROOT_MISMATCH');
    });
  });

  it('accepts two equal trees with an empty proof and refuses two different roots for one size', () => {
    const leaves = fakeHashes(5);
    const root = merkleRoot(hasher, leaves);
    verifyConsistency(hasher, 5, 5, [], root, root);
    expect(consistencyProof(hasher, leaves, 5, 5)).toEqual([]);
    const same = rootFromConsistencyProof(hasher, 5, 5, [], root);
    expect(same).not.toBe(root);
    expect(hex(same)).toBe(hex(root));
    expectCode(() => verifyConsistency(hasher, 5, 5, [], root, merkleRoot(hasher, fakeHashes(5, 1))), 'MERKLE_ROOT_MISMATCH');
  });
});
