import { sha384 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../src/errors.js';
import {
  consistencyProof,
  createMerkleHasher,
  inclusionProof,
  isValidSubtree,
  merkleRoot,
  rootFromConsistencyProof,
  rootFromInclusionProof,
  rootFromSubtreeInclusionProof,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeInclusion,
} from '../../src/merkle/index.js';
import { expectCode, fakeHashes, flipBit, HASHERS } from './support.js';

const [, hasher] = HASHERS[1]!;
const leaves = fakeHashes(11);
const root = merkleRoot(hasher, leaves);
const root6 = merkleRoot(hasher, leaves.slice(0, 6));
const proof3 = inclusionProof(hasher, leaves, 3);
const proof6to11 = consistencyProof(hasher, leaves, 6, 11);
const subtree = leaves.slice(8, 11); // [8, 11): 8 is a multiple of BIT_CEIL(3) = 4
const subtreeRoot = merkleRoot(hasher, subtree);
const subtreeProof = inclusionProof(hasher, subtree, 1);
const short = new Uint8Array(31);
const long = new Uint8Array(33);
const anything = (value: unknown): never => value as never;

type MerkleCode = Extract<ErrorCode, `MERKLE_${string}`>;

/** For each Merkle code, inputs that must produce exactly it. */
const CASES: Record<MerkleCode, readonly (readonly [string, () => unknown])[]> = {
  MERKLE_INVALID_HASH_LENGTH: [
    ['a 31-byte leaf hash', () => verifyInclusion(hasher, 3, 11, short, proof3, root)],
    ['a 33-byte root', () => verifyInclusion(hasher, 3, 11, leaves[3]!, proof3, long)],
    ['an empty proof hash', () => verifyInclusion(hasher, 3, 11, leaves[3]!, [...proof3.slice(1), new Uint8Array(0)], root)],
    ['a root that is not a Uint8Array', () => verifyInclusion(hasher, 3, 11, leaves[3]!, proof3, anything('00'.repeat(32)))],
    ['a 12-byte first root', () => verifyConsistency(hasher, 6, 11, proof6to11, new Uint8Array(12), root)],
    ['a 12-byte second root of an equal-size check', () => verifyConsistency(hasher, 6, 6, [], root6, new Uint8Array(12))],
    ['a short leaf hash in a reference tree', () => merkleRoot(hasher, [leaves[0]!, short])],
    ['a short child of a node', () => hasher.hashChildren(leaves[0]!, short)],
    ['a hash function that is not 32 bytes wide', () => createMerkleHasher(sha384)],
    ['a short subtree hash', () => verifySubtreeInclusion(hasher, 9, 8, 11, leaves[9]!, subtreeProof, short)],
  ],
  MERKLE_INDEX_OUT_OF_RANGE: [
    ['an index equal to the size', () => verifyInclusion(hasher, 11, 11, leaves[3]!, proof3, root)],
    ['an index past the size', () => rootFromInclusionProof(hasher, 12, 11, leaves[3]!, proof3)],
    ['any index in the empty tree', () => verifyInclusion(hasher, 0, 0, leaves[0]!, [], hasher.emptyRoot())],
    ['a proof asked for a leaf the array does not have', () => inclusionProof(hasher, leaves, 11)],
    ['an index before the subtree', () => verifySubtreeInclusion(hasher, 7, 8, 11, leaves[7]!, subtreeProof, subtreeRoot)],
    ['an index after the subtree', () => rootFromSubtreeInclusionProof(hasher, 11, 8, 11, leaves[9]!, subtreeProof)],
  ],
  MERKLE_INVALID_TREE_SIZE: [
    ['a negative size', () => verifyInclusion(hasher, 0, -1, leaves[0]!, [], root)],
    ['a fractional size', () => verifyInclusion(hasher, 0, 1.5, leaves[0]!, [], root)],
    ['NaN', () => verifyInclusion(hasher, 0, Number.NaN, leaves[0]!, [], root)],
    ['Infinity', () => verifyConsistency(hasher, 1, Number.POSITIVE_INFINITY, [], root, root)],
    ['2^53, past the safe integers', () => verifyInclusion(hasher, 0, 2 ** 53, leaves[0]!, [], root)],
    ['a bigint', () => verifyInclusion(hasher, 0, anything(11n), leaves[0]!, proof3, root)],
    ['a numeric string', () => verifyConsistency(hasher, anything('6'), 11, proof6to11, root6, root)],
    ['a negative index', () => verifyInclusion(hasher, -1, 11, leaves[0]!, proof3, root)],
    ['an index of 2^64 - 1, as Go writes 0 - 1', () => verifyInclusion(hasher, 18446744073709551615, 11, leaves[0]!, proof3, root)],
    ['a second size larger than the leaves given', () => consistencyProof(hasher, leaves, 6, 12)],
    ['a subtree bound that is not an integer', () => isValidSubtree(0.5, 4)],
  ],
  MERKLE_PROOF_WRONG_LENGTH: [
    ['an inclusion proof one hash too long', () => verifyInclusion(hasher, 3, 11, leaves[3]!, [...proof3, root], root)],
    ['an inclusion proof one hash too short', () => verifyInclusion(hasher, 3, 11, leaves[3]!, proof3.slice(0, -1), root)],
    ['a proof that is not an array', () => verifyInclusion(hasher, 3, 11, leaves[3]!, anything(null), root)],
    ['an empty consistency proof between different sizes', () => verifyConsistency(hasher, 6, 11, [], root6, root)],
    ['a non-empty proof between equal sizes', () => verifyConsistency(hasher, 11, 11, [root], root, root)],
    ['a consistency proof one hash too long', () => verifyConsistency(hasher, 6, 11, [...proof6to11, root], root6, root)],
    ['a consistency proof one hash too short', () => verifyConsistency(hasher, 6, 11, proof6to11.slice(0, -1), root6, root)],
  ],
  MERKLE_ROOT_MISMATCH: [
    ['an inclusion proof checked against another root', () => verifyInclusion(hasher, 3, 11, leaves[3]!, proof3, root6)],
    ['another leaf', () => verifyInclusion(hasher, 3, 11, leaves[4]!, proof3, root)],
    ['a consistency proof with a wrong first root', () => verifyConsistency(hasher, 6, 11, proof6to11, flipBit(root6, 0), root)],
    ['a consistency proof with a wrong second root', () => verifyConsistency(hasher, 6, 11, proof6to11, root6, flipBit(root, 255))],
    ['a second root asked from a wrong first root', () => rootFromConsistencyProof(hasher, 6, 11, proof6to11, flipBit(root6, 7))],
    ['two roots for one size', () => verifyConsistency(hasher, 6, 6, [], root6, root)],
    ['a wrong subtree hash', () => verifySubtreeInclusion(hasher, 9, 8, 11, leaves[9]!, subtreeProof, root)],
  ],
  MERKLE_SIZE_DECREASED: [
    ['a second tree smaller than the first', () => verifyConsistency(hasher, 11, 6, proof6to11, root, root6)],
    ['a proof asked from a larger to a smaller tree', () => consistencyProof(hasher, leaves, 7, 6)],
  ],
  MERKLE_EMPTY_TREE_CONSISTENCY: [
    ['a proof from the empty tree', () => verifyConsistency(hasher, 0, 11, [], hasher.emptyRoot(), root)],
    ['the empty tree with itself', () => verifyConsistency(hasher, 0, 0, [], hasher.emptyRoot(), hasher.emptyRoot())],
    ['a proof asked from the empty tree', () => consistencyProof(hasher, leaves, 0, 11)],
  ],
  MERKLE_INVALID_SUBTREE: [
    ['[3, 5): 3 is not a multiple of BIT_CEIL(2)', () => verifySubtreeInclusion(hasher, 3, 3, 5, leaves[3]!, [], root)],
    ['[4, 9): 4 is not a multiple of BIT_CEIL(5) = 8', () => verifySubtreeInclusion(hasher, 4, 4, 9, leaves[4]!, [], root)],
    ['an empty range', () => rootFromSubtreeInclusionProof(hasher, 1, 1, 1, leaves[1]!, [])],
    ['an end before the start', () => verifySubtreeInclusion(hasher, 1, 2, 1, leaves[1]!, [], root)],
  ],
};

describe('Merkle error codes', () => {
  it('has negative cases for every MERKLE_* code in the registry', () => {
    expect(Object.keys(CASES).sort()).toEqual(ERROR_CODES.filter((code) => code.startsWith('MERKLE_')).sort());
  });

  describe.each(Object.entries(CASES) as [MerkleCode, (typeof CASES)[MerkleCode]][])('%s', (code, cases) => {
    it.each(cases)('for %s', (_label, run) => {
      expectCode(run, code);
    });
  });

  // specs/merkle.md §6: each input on its own (sizes, then hash lengths), then relations between
  // inputs, then the proof's length, then the roots.
  it.each<[string, () => unknown, MerkleCode]>([
    ['a bad size before a bad root', () => verifyInclusion(hasher, 3, -1, leaves[3]!, proof3, long), 'MERKLE_INVALID_TREE_SIZE'],
    ['a bad index before a short leaf hash', () => rootFromInclusionProof(hasher, 0.5, 11, short, proof3), 'MERKLE_INVALID_TREE_SIZE'],
    ['a bad root before an index out of range', () => verifyInclusion(hasher, 12, 11, leaves[3]!, proof3, long), 'MERKLE_INVALID_HASH_LENGTH'],
    ['an index out of range before a wrong proof length', () => verifyInclusion(hasher, 11, 11, leaves[3]!, [], root), 'MERKLE_INDEX_OUT_OF_RANGE'],
    ['a wrong proof length before a wrong root', () => verifyInclusion(hasher, 3, 11, leaves[3]!, proof3.slice(1), root6), 'MERKLE_PROOF_WRONG_LENGTH'],
    ['a bad subtree bound before a short subtree hash', () => verifySubtreeInclusion(hasher, 9, -8, 11, leaves[9]!, subtreeProof, short), 'MERKLE_INVALID_TREE_SIZE'],
    ['a short subtree hash before a range that is not a subtree', () => verifySubtreeInclusion(hasher, 3, 3, 5, leaves[3]!, [], short), 'MERKLE_INVALID_HASH_LENGTH'],
    ['a range that is not a subtree before an index outside it', () => verifySubtreeInclusion(hasher, 9, 3, 5, leaves[9]!, [], root), 'MERKLE_INVALID_SUBTREE'],
    ['a bad second size before a short first root', () => verifyConsistency(hasher, 6, 2 ** 53, proof6to11, short, root), 'MERKLE_INVALID_TREE_SIZE'],
    ['a short second root before a decreasing size', () => verifyConsistency(hasher, 11, 6, [], root, short), 'MERKLE_INVALID_HASH_LENGTH'],
    ['a decreasing size before a wrong proof length', () => verifyConsistency(hasher, 11, 6, [root], root, root6), 'MERKLE_SIZE_DECREASED'],
    ['the empty first tree before a wrong proof length', () => verifyConsistency(hasher, 0, 6, [root], hasher.emptyRoot(), root6), 'MERKLE_EMPTY_TREE_CONSISTENCY'],
    ['a wrong proof length before different roots of one size', () => verifyConsistency(hasher, 6, 6, [root], root6, root), 'MERKLE_PROOF_WRONG_LENGTH'],
  ])('reports %s', (_label, run, code) => {
    expectCode(run, code);
  });

  it('names the parameter and what was expected', () => {
    expect(expectCode(() => verifyInclusion(hasher, 3, 11, leaves[3]!, proof3, long), 'MERKLE_INVALID_HASH_LENGTH').message).toBe(
      '"root" expected Uint8Array of length 32, got length 33',
    );
    expect(expectCode(() => verifyInclusion(hasher, 0, anything(11n), leaves[0]!, proof3, root), 'MERKLE_INVALID_TREE_SIZE').message).toBe(
      '"treeSize" expected an integer from 0 to 2^53-1, got the bigint 11n',
    );
  });
});
