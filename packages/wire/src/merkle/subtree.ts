/**
 * Subtree inclusion proofs, from draft-ietf-plants-merkle-tree-certs §4.1 (subtrees) and §4.3 (subtree
 * inclusion proofs): a proof that a leaf is in the subtree [start, end) of an RFC 9162 tree, checked
 * against the subtree's hash instead of the tree's root.
 *
 * A subtree is a node of the tree of `end` leaves, so its hash is MTH(D[start:end]) and the proof for
 * leaf `index` is the RFC 9162 inclusion proof PATH(index - start, D[start:end]). Verifying one is
 * RFC 9162 §2.1.3.2 once the range is checked to be a subtree.
 */
import { HemkitError } from '../errors.js';
import type { MerkleHasher } from './hash.js';
import { rootFromInclusionProof, verifyInclusion } from './inclusion.js';
import { requireHash, requireHashes, requireTreeSize } from './inputs.js';

/** BIT_CEIL(n): the smallest power of two not less than n. */
function bitCeil(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Whether [start, end) is a subtree: start < end and start is a multiple of BIT_CEIL(end - start),
 * which is what makes MTH(D[start:end]) the hash of a node in the tree of `end` leaves.
 * Both bounds must be safe integers (HemkitError MERKLE_INVALID_TREE_SIZE otherwise).
 */
export function isValidSubtree(start: number, end: number): boolean {
  requireTreeSize('start', start);
  requireTreeSize('end', end);
  return start < end && start % bitCeil(end - start) === 0;
}

/** Every check that needs no hashing, in the order of specs/merkle.md §6. */
function checkInputs(
  leafIndex: number,
  start: number,
  end: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  subtreeHash: Uint8Array | undefined,
): void {
  requireTreeSize('leafIndex', leafIndex);
  requireTreeSize('start', start);
  requireTreeSize('end', end);
  requireHash('leafHash', leafHash);
  if (subtreeHash !== undefined) requireHash('subtreeHash', subtreeHash);
  requireHashes('proof', proof);
  if (!isValidSubtree(start, end)) {
    throw new HemkitError('MERKLE_INVALID_SUBTREE', `[${start}, ${end}) is not a subtree`);
  }
  if (leafIndex < start || leafIndex >= end) {
    throw new HemkitError('MERKLE_INDEX_OUT_OF_RANGE', `leaf index ${leafIndex} is outside the subtree [${start}, ${end})`);
  }
}

/** Computes the hash of the subtree [start, end) from a leaf's hash and its subtree inclusion proof. */
export function rootFromSubtreeInclusionProof(
  hasher: MerkleHasher,
  leafIndex: number,
  start: number,
  end: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkInputs(leafIndex, start, end, leafHash, proof, undefined);
  return rootFromInclusionProof(hasher, leafIndex - start, end - start, leafHash, proof);
}

/**
 * Verifies that `leafHash` is the leaf at `leafIndex` of the subtree [start, end) whose hash is
 * `subtreeHash`. Throws HemkitError: MERKLE_INVALID_SUBTREE, MERKLE_INDEX_OUT_OF_RANGE, or any code
 * of verifyInclusion.
 */
export function verifySubtreeInclusion(
  hasher: MerkleHasher,
  leafIndex: number,
  start: number,
  end: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  subtreeHash: Uint8Array,
): void {
  checkInputs(leafIndex, start, end, leafHash, proof, subtreeHash);
  verifyInclusion(hasher, leafIndex - start, end - start, leafHash, proof, subtreeHash);
}
