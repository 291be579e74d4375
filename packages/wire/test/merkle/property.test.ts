import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  merkleRoot,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle/index.js';
import {
  expectCode,
  fakeHashes,
  flipBit,
  HASHERS,
  hex,
  modelConsistencyProofLength,
  modelInclusionProofLength,
  modelRootFromInclusionProof,
  modelRootsFromConsistencyProof,
} from './support.js';

const RUNS = { numRuns: 150 };
const BIT = fc.nat(32 * 8 - 1);

/** A tree of 1..maxSize random leaves. */
const tree = (maxSize: number) =>
  fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: maxSize });

describe.each(HASHERS)('properties with %s', (_name, hasher) => {
  it('verifies the generated inclusion proof of any leaf of a random tree, and refuses any single-bit change', () => {
    fc.assert(
      fc.property(tree(100), fc.nat(), fc.nat(), BIT, (data, pick, target, bit) => {
        const leaves = data.map((d) => hasher.hashLeaf(d));
        const index = pick % leaves.length;
        const root = merkleRoot(hasher, leaves);
        const proof = inclusionProof(hasher, leaves, index);
        verifyInclusion(hasher, index, leaves.length, leaves[index]!, proof, root);

        // Change one bit of one proof hash, of the root, or of the leaf hash.
        const which = target % (proof.length + 2);
        const changedProof = proof.map((h, i) => (i === which ? flipBit(h, bit) : h));
        const changedRoot = which === proof.length ? flipBit(root, bit) : root;
        const changedLeaf = which === proof.length + 1 ? flipBit(leaves[index]!, bit) : leaves[index]!;
        expectCode(() => verifyInclusion(hasher, index, leaves.length, changedLeaf, changedProof, changedRoot), 'MERKLE_ROOT_MISMATCH');
      }),
      RUNS,
    );
  });

  it('verifies the generated consistency proof between any two sizes of a random tree, and refuses any single-bit change', () => {
    fc.assert(
      fc.property(tree(100), fc.nat(), fc.nat(), fc.nat(), BIT, (data, a, b, target, bit) => {
        const leaves = data.map((d) => hasher.hashLeaf(d));
        const size2 = 1 + (a % leaves.length);
        const size1 = 1 + (b % size2);
        const root1 = merkleRoot(hasher, leaves.slice(0, size1));
        const root2 = merkleRoot(hasher, leaves.slice(0, size2));
        const proof = consistencyProof(hasher, leaves, size1, size2);
        verifyConsistency(hasher, size1, size2, proof, root1, root2);

        const which = target % (proof.length + 2);
        const changedProof = proof.map((h, i) => (i === which ? flipBit(h, bit) : h));
        const changedRoot1 = which === proof.length ? flipBit(root1, bit) : root1;
        const changedRoot2 = which === proof.length + 1 ? flipBit(root2, bit) : root2;
        expectCode(() => verifyConsistency(hasher, size1, size2, changedProof, changedRoot1, changedRoot2), 'MERKLE_ROOT_MISMATCH');
      }),
      RUNS,
    );
  });

  it('agrees with the BigInt model of proof shapes on any leaf of any tree up to 2^53 - 1 leaves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (size, at) => {
        const index = Math.floor(at * size);
        const length = modelInclusionProofLength(BigInt(index), BigInt(size));
        const proof = fakeHashes(length, index % 1000);
        const [leaf] = fakeHashes(1, 1);
        const expected = modelRootFromInclusionProof(hasher, BigInt(index), BigInt(size), leaf!, proof);
        expect(hex(rootFromInclusionProof(hasher, index, size, leaf!, proof))).toBe(hex(expected));
        expectCode(() => rootFromInclusionProof(hasher, index, size, leaf!, [...proof, leaf!]), 'MERKLE_PROOF_WRONG_LENGTH');
      }),
      RUNS,
    );
  });

  it('agrees with the BigInt model on consistency between any two sizes up to 2^53 - 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (size2, at) => {
        const size1 = 1 + Math.floor(at * (size2 - 1));
        const proof = fakeHashes(modelConsistencyProofLength(BigInt(size1), BigInt(size2)), size1 % 1000);
        const [seed] = fakeHashes(1, 1);
        const { root1, root2 } = modelRootsFromConsistencyProof(hasher, BigInt(size1), BigInt(size2), proof, seed!);
        verifyConsistency(hasher, size1, size2, proof, root1, root2);
      }),
      RUNS,
    );
  });
});

describe('the BigInt model itself', () => {
  const [, hasher] = HASHERS[1]!;

  it('matches the reference tree on every inclusion and consistency proof up to 64 leaves', () => {
    const leaves = fakeHashes(64);
    const roots = leaves.map((_, i) => merkleRoot(hasher, leaves.slice(0, i + 1)));
    for (let n = 1; n <= 64; n++) {
      for (let m = 0; m < n; m++) {
        const path = inclusionProof(hasher, leaves.slice(0, n), m);
        expect(modelInclusionProofLength(BigInt(m), BigInt(n))).toBe(path.length);
        expect(hex(modelRootFromInclusionProof(hasher, BigInt(m), BigInt(n), leaves[m]!, path))).toBe(hex(roots[n - 1]!));
        if (m === 0) continue;
        const proof = consistencyProof(hasher, leaves, m, n);
        expect(modelConsistencyProofLength(BigInt(m), BigInt(n))).toBe(proof.length);
        const modelled = modelRootsFromConsistencyProof(hasher, BigInt(m), BigInt(n), proof, roots[m - 1]!);
        expect([hex(modelled.root1), hex(modelled.root2)]).toEqual([hex(roots[m - 1]!), hex(roots[n - 1]!)]);
      }
    }
  });
});

describe('the two hashers', () => {
  const [[, noble], [, node]] = HASHERS as [(typeof HASHERS)[0], (typeof HASHERS)[0]];

  it('agree on every leaf and node hash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (data, left, right) => {
        expect(hex(node.hashLeaf(data))).toBe(hex(noble.hashLeaf(data)));
        expect(hex(node.hashChildren(left, right))).toBe(hex(noble.hashChildren(left, right)));
      }),
      { numRuns: 300 },
    );
  });
});
