/**
 * RFC 9162 §2.1.4.2: verifying a consistency proof between two versions of an append-only tree.
 * specs/merkle.md §4 fixes the edge cases the RFC leaves open and the error codes, §6 the order in
 * which inputs are checked.
 *
 * The steps are numbered as in the RFC. fn and sn are the indices, on the current level, of the nodes
 * on the paths to the last leaf of the first tree and of the second tree; fr and sr are the roots of
 * the first and second tree as they are rebuilt from the proof.
 */
import { HemkitError } from '../errors.js';
import type { MerkleHasher } from './hash.js';
import { equalHashes, half, isOdd, isPowerOfTwo, requireHash, requireHashes, requireTreeSize } from './inputs.js';

/** Every check that needs no hashing, in the order of specs/merkle.md §6. */
function checkInputs(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array | undefined,
): void {
  requireTreeSize('size1', size1);
  requireTreeSize('size2', size2);
  requireHash('root1', root1);
  if (root2 !== undefined) requireHash('root2', root2);
  requireHashes('proof', proof);
  if (size1 > size2) {
    throw new HemkitError('MERKLE_SIZE_DECREASED', `first tree size ${size1} is larger than second tree size ${size2}`);
  }
  // The algorithm is defined for 0 < first. Every tree extends the empty tree, so "verifying" from
  // size 0 would accept any second root: a caller that took size1 from an untrusted message would skip
  // the check altogether. Refused, so that the empty case is handled on purpose.
  if (size1 === 0) {
    throw new HemkitError('MERKLE_EMPTY_TREE_CONSISTENCY', 'a consistency proof from the empty tree proves nothing');
  }
}

/**
 * RFC 9162 §2.1.4.2 on checked inputs: checks that the proof leads to root1 and returns the second
 * root it leads to.
 */
function chain(hasher: MerkleHasher, size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array): Uint8Array {
  // Outside the RFC's algorithm (first < second): a tree is consistent with itself, and the empty
  // proof is the only proof of that.
  if (size1 === size2) {
    if (proof.length !== 0) {
      throw new HemkitError('MERKLE_PROOF_WRONG_LENGTH', `consistency proof between equal sizes must be empty, got ${proof.length} hashes`);
    }
    return new Uint8Array(root1);
  }
  // 1.
  if (proof.length === 0) {
    throw new HemkitError('MERKLE_PROOF_WRONG_LENGTH', `consistency proof from ${size1} to ${size2} is empty`);
  }
  // 2. A first tree of 2^k leaves is a complete subtree of the second, so its root is on the path and
  // the proof leaves it out.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 4. Climb to the root of the largest complete subtree that ends with the first tree's last leaf:
  // the proof starts from that node.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    // 6a. The second tree's root has been reached while hashes remain: the proof is too long.
    if (sn === 0) {
      throw new HemkitError('MERKLE_PROOF_WRONG_LENGTH', `consistency proof from ${size1} to ${size2} has too many hashes (${proof.length})`);
    }
    // 6b. Where fn is a right child (or the last node of its level), c is its left sibling and lies
    // inside the first tree, so it is part of both roots...
    if (isOdd(fn) || fn === sn) {
      fr = hasher.hashChildren(c, fr);
      sr = hasher.hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      // ...otherwise c is a right sibling that holds leaves only the second tree has.
      sr = hasher.hashChildren(sr, c);
    }
    // 6c.
    fn = half(fn);
    sn = half(sn);
  }
  // 7.
  if (sn !== 0) {
    throw new HemkitError('MERKLE_PROOF_WRONG_LENGTH', `consistency proof from ${size1} to ${size2} has too few hashes (${proof.length})`);
  }
  if (!equalHashes(fr, root1)) {
    throw new HemkitError('MERKLE_ROOT_MISMATCH', `consistency proof does not lead to the first root (size ${size1})`);
  }
  return sr;
}

/**
 * Computes the root of the tree of `size2` leaves that the proof shows to extend the tree of `size1`
 * leaves with root `root1`, for a caller that checks that root another way (a signature over it, as
 * in a receipt). Throws HemkitError MERKLE_INVALID_TREE_SIZE, MERKLE_INVALID_HASH_LENGTH,
 * MERKLE_SIZE_DECREASED, MERKLE_EMPTY_TREE_CONSISTENCY, MERKLE_PROOF_WRONG_LENGTH, or
 * MERKLE_ROOT_MISMATCH when the proof does not lead to `root1`.
 */
export function rootFromConsistencyProof(
  hasher: MerkleHasher,
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
): Uint8Array {
  checkInputs(size1, size2, proof, root1, undefined);
  return chain(hasher, size1, size2, proof, root1);
}

/**
 * Verifies that the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves with
 * root `root1`. Returns nothing and throws HemkitError on failure: MERKLE_ROOT_MISMATCH when the
 * proof is well formed but leads to another first or second root, or any code of
 * rootFromConsistencyProof.
 */
export function verifyConsistency(
  hasher: MerkleHasher,
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkInputs(size1, size2, proof, root1, root2);
  // 7. (continued) sr must equal the second root.
  if (!equalHashes(chain(hasher, size1, size2, proof, root1), root2)) {
    throw new HemkitError(
      'MERKLE_ROOT_MISMATCH',
      size1 === size2 ? `two trees of size ${size1} with different roots` : `consistency proof does not lead to the second root (size ${size2})`,
    );
  }
}
