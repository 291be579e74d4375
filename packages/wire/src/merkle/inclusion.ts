/**
 * RFC 9162 §2.1.3.2: verifying an inclusion proof (an audit path) for one leaf of a tree.
 * specs/merkle.md §3 fixes the error codes and §6 the order in which inputs are checked.
 *
 * The steps are numbered as in the RFC. fn is the index of the node on the leaf's path at the current
 * level and sn the index of the last node of that level; "right-shift" is exact division by 2.
 */
import { HemkitError } from '../errors.js';
import type { MerkleHasher } from './hash.js';
import { equalHashes, half, isOdd, requireHash, requireHashes, requireTreeSize } from './inputs.js';

/** Every check that needs no hashing, in the order of specs/merkle.md §6. */
function checkInputs(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array | undefined,
): void {
  requireTreeSize('treeSize', treeSize);
  requireTreeSize('leafIndex', leafIndex);
  requireHash('leafHash', leafHash);
  if (root !== undefined) requireHash('root', root);
  requireHashes('proof', proof);
  // 1. A leaf index at or beyond the tree size fails.
  if (leafIndex >= treeSize) {
    throw new HemkitError('MERKLE_INDEX_OUT_OF_RANGE', `leaf index ${leafIndex} is not less than tree size ${treeSize}`);
  }
}

/** Steps 2 to 5 of RFC 9162 §2.1.3.2 on checked inputs: the root the proof leads to. */
function chain(hasher: MerkleHasher, leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  // 2.
  let fn = leafIndex;
  let sn = treeSize - 1;
  // 3.
  let r = leafHash;
  // 4.
  for (const p of proof) {
    // 4a. The path has reached the root while hashes remain: the proof is too long.
    if (sn === 0) {
      throw new HemkitError(
        'MERKLE_PROOF_WRONG_LENGTH',
        `inclusion proof of ${proof.length} hashes is longer than the path from leaf ${leafIndex} to the root of a tree of ${treeSize}`,
      );
    }
    // 4b. p is a left sibling when fn is a right child, or when fn is the last node of its level
    // (its right sibling does not exist yet, so the path climbs to the first level where it does).
    if (isOdd(fn) || fn === sn) {
      r = hasher.hashChildren(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hasher.hashChildren(r, p);
    }
    // 4c.
    fn = half(fn);
    sn = half(sn);
  }
  // 5. sn must have reached 0: otherwise the path stopped short of the root.
  if (sn !== 0) {
    throw new HemkitError(
      'MERKLE_PROOF_WRONG_LENGTH',
      `inclusion proof of ${proof.length} hashes is shorter than the path from leaf ${leafIndex} to the root of a tree of ${treeSize}`,
    );
  }
  return r;
}

/**
 * Computes the root of the tree of `treeSize` leaves from `leafHash` at `leafIndex` and its inclusion
 * proof, for a caller that checks the root another way (a signature over it, as in a receipt).
 * Throws HemkitError MERKLE_INVALID_TREE_SIZE, MERKLE_INVALID_HASH_LENGTH, MERKLE_INDEX_OUT_OF_RANGE
 * or MERKLE_PROOF_WRONG_LENGTH.
 */
export function rootFromInclusionProof(
  hasher: MerkleHasher,
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkInputs(leafIndex, treeSize, leafHash, proof, undefined);
  const r = chain(hasher, leafIndex, treeSize, leafHash, proof);
  // In a tree of one leaf the root is the leaf hash itself; hand back a copy, not the caller's array.
  return r === leafHash ? new Uint8Array(leafHash) : r;
}

/**
 * Verifies that `leafHash` is the leaf at `leafIndex` of the tree of `treeSize` leaves whose root is
 * `root`. Returns nothing and throws HemkitError on failure: MERKLE_ROOT_MISMATCH when the proof is
 * well formed but does not lead to `root`, or any code of rootFromInclusionProof.
 */
export function verifyInclusion(
  hasher: MerkleHasher,
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkInputs(leafIndex, treeSize, leafHash, proof, root);
  // 5. (continued) r must equal the root hash.
  if (!equalHashes(chain(hasher, leafIndex, treeSize, leafHash, proof), root)) {
    throw new HemkitError('MERKLE_ROOT_MISMATCH', `inclusion proof for leaf ${leafIndex} of ${treeSize} does not lead to the given root`);
  }
}
