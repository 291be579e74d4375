/**
 * Frontiers (specs/merkle.md §9): the left frontier of a tree of s leaves is the compact range of
 * [0, s) in transparency-dev/merkle's sense, the Merkle Tree Hashes of the perfect subtrees that
 * RFC 9162 §2.1.1 builds over the first s leaves, one per set bit of s, largest (leftmost) first.
 * Given it, the leaves s, s + 1, …, n − 1 are enough to compute the root of the tree of n leaves:
 * each leaf costs its leaf hash and, amortised, one node hash, with no per-leaf proof. An evidence
 * bundle proves the entries it must disclose (every one from the verifier's base to the head) this way.
 */
import { HemkitError } from '../errors.js';
import type { MerkleHasher } from './hash.js';
import { half, isOdd, requireHashes, requireTreeSize } from './inputs.js';

/**
 * The sizes of the perfect subtrees a frontier of `size` leaves stands for, largest (leftmost) first:
 * one power of two per set bit of `size`, exact over every safe integer (merkle.md §2: no 32-bit
 * operators). Their number is the frontier's length.
 */
export function frontierSubtreeSizes(size: number): number[] {
  const sizes: number[] = [];
  for (let x = size, bit = 1; x > 0; x = half(x), bit *= 2) if (isOdd(x)) sizes.push(bit);
  return sizes.reverse();
}

/** popcount(s): the number of hashes in the frontier of a tree of s leaves. */
export function frontierLength(size: number): number {
  return frontierSubtreeSizes(size).length;
}

/**
 * The root of the tree of `start + leafHashes.length` leaves whose first `start` leaves the frontier
 * stands for and whose next leaves have the hashes given (specs/merkle.md §9). Every subtree is
 * hashed as RFC 9162 §2.1.1 hashes it, so the result is MTH(D[0:n]).
 */
export function rootFromFrontier(hasher: MerkleHasher, start: number, frontier: readonly Uint8Array[], leafHashes: readonly Uint8Array[]): Uint8Array {
  // merkle.md §6: each input on its own, then the lengths.
  requireTreeSize('start', start);
  requireTreeSize('treeSize', start + leafHashes.length);
  requireHashes('frontier', frontier);
  requireHashes('leafHashes', leafHashes);
  if (frontier.length !== frontierLength(start)) {
    throw new HemkitError('MERKLE_PROOF_WRONG_LENGTH', `the frontier of a tree of ${start} leaves has ${frontierLength(start)} hashes, not ${frontier.length}`);
  }
  // The stack holds the perfect subtrees of [0, i), largest first: one per set bit of i.
  const stack: Uint8Array[] = [...frontier];
  let i = start;
  for (const leaf of leafHashes) {
    stack.push(leaf);
    i++;
    // Appending leaf i − 1 completes one subtree per trailing zero bit of i: merge equal neighbours.
    for (let x = i; !isOdd(x); x = half(x)) {
      const right = stack.pop()!;
      const left = stack.pop()!;
      stack.push(hasher.hashChildren(left, right));
    }
  }
  return foldFrontier(hasher, stack);
}

/**
 * MTH of the tree a frontier stands for: the empty root for no subtrees, else the subtrees folded from
 * the right, HASH(0x01 ‖ F[0] ‖ HASH(0x01 ‖ F[1] ‖ … F[k−1])), which is RFC 9162 §2.1.1's split at
 * the largest power of two smaller than the size, applied to each remainder in turn.
 */
export function foldFrontier(hasher: MerkleHasher, frontier: readonly Uint8Array[]): Uint8Array {
  if (frontier.length === 0) return hasher.emptyRoot();
  let root = frontier[frontier.length - 1]!;
  for (let k = frontier.length - 2; k >= 0; k--) root = hasher.hashChildren(frontier[k]!, root);
  return frontier.length === 1 ? new Uint8Array(root) : root;
}

/**
 * The frontier of the first `leafIndex` leaves, read from an inclusion proof of leaf `leafIndex` in a
 * larger tree (RFC 9162 §2.1.3): the path's left siblings are exactly the perfect subtrees tiling
 * [0, leafIndex), met smallest first. The proof is not verified here: a frontier is judged by the root
 * it leads to (rootFromFrontier), and an operator reads it from a receipt its own chip signed.
 */
export function frontierFromInclusionProof(leafIndex: number, treeSize: number, proof: readonly Uint8Array[]): Uint8Array[] {
  requireTreeSize('treeSize', treeSize);
  requireTreeSize('leafIndex', leafIndex);
  requireHashes('proof', proof);
  if (leafIndex >= treeSize) {
    throw new HemkitError('MERKLE_INDEX_OUT_OF_RANGE', `leaf index ${leafIndex} is not less than tree size ${treeSize}`);
  }
  const left: Uint8Array[] = [];
  let fn = leafIndex;
  let sn = treeSize - 1;
  // The walk of RFC 9162 §2.1.3.2 (merkle.md §3, step 5), keeping the hashes that enter on the left.
  for (const p of proof) {
    if (sn === 0) throw new HemkitError('MERKLE_PROOF_WRONG_LENGTH', `an inclusion proof of ${proof.length} hashes is too long for leaf ${leafIndex} of ${treeSize}`);
    if (isOdd(fn) || fn === sn) {
      // p enters on the left: fn is a right child, or the last node of its level climbing to one.
      left.push(p);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new HemkitError('MERKLE_PROOF_WRONG_LENGTH', `an inclusion proof of ${proof.length} hashes is too short for leaf ${leafIndex} of ${treeSize}`);
  return left.reverse();
}
