/**
 * Proof generation by the recursive definitions of RFC 9162: MTH (§2.1.1), PATH (§2.1.3.1) and
 * PROOF / SUBPROOF (§2.1.4.1).
 *
 * A reference implementation over an array of leaf hashes, written to be checked line by line against
 * the RFC, not to be fast: each call rehashes the subtrees it needs, O(n) hashes per proof. Tests use
 * it to make proofs for the verifiers; the secure module's append-only log will keep the interior
 * nodes instead and must give the same answers.
 *
 * D[lo:hi] is the list of leaf hashes from index lo (inclusive) to hi (exclusive), as in the RFC.
 */
import { HemkitError } from '../errors.js';
import type { MerkleHasher } from './hash.js';
import { requireHashes, requireTreeSize } from './inputs.js';

/** k: the largest power of two smaller than n, for n > 1 (RFC 9162 §2.1.1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[lo:hi]). */
function mth(hasher: MerkleHasher, leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (n === 0) return hasher.emptyRoot();
  // The leaves are already HASH(0x00 || d(i)).
  if (n === 1) return new Uint8Array(leaves[lo]!);
  const k = splitPoint(n);
  return hasher.hashChildren(mth(hasher, leaves, lo, lo + k), mth(hasher, leaves, lo + k, hi));
}

/** PATH(m, D[lo:hi]), appended to `out` from the leaf's level up. */
function path(hasher: MerkleHasher, leaves: readonly Uint8Array[], m: number, lo: number, hi: number, out: Uint8Array[]): void {
  const n = hi - lo;
  if (n === 1) return;
  const k = splitPoint(n);
  if (m < k) {
    path(hasher, leaves, m, lo, lo + k, out);
    out.push(mth(hasher, leaves, lo + k, hi));
  } else {
    path(hasher, leaves, m - k, lo + k, hi, out);
    out.push(mth(hasher, leaves, lo, lo + k));
  }
}

/** SUBPROOF(m, D[lo:hi], b), appended to `out`. */
function subproof(
  hasher: MerkleHasher,
  leaves: readonly Uint8Array[],
  m: number,
  lo: number,
  hi: number,
  b: boolean,
  out: Uint8Array[],
): void {
  const n = hi - lo;
  if (m === n) {
    // b is true only while D[lo:hi] is the whole first tree, whose root the verifier already has.
    if (!b) out.push(mth(hasher, leaves, lo, hi));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(hasher, leaves, m, lo, lo + k, b, out);
    out.push(mth(hasher, leaves, lo + k, hi));
  } else {
    subproof(hasher, leaves, m - k, lo + k, hi, false, out);
    out.push(mth(hasher, leaves, lo, lo + k));
  }
}

/** The Merkle Tree Hash of the tree whose leaf hashes are `leafHashes` (RFC 9162 §2.1.1). */
export function merkleRoot(hasher: MerkleHasher, leafHashes: readonly Uint8Array[]): Uint8Array {
  requireHashes('leafHashes', leafHashes);
  return mth(hasher, leafHashes, 0, leafHashes.length);
}

/** The inclusion proof PATH(index, D_n) for the leaf at `index`, n = leafHashes.length (RFC 9162 §2.1.3.1). */
export function inclusionProof(hasher: MerkleHasher, leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  requireTreeSize('index', index);
  requireHashes('leafHashes', leafHashes);
  if (index >= leafHashes.length) {
    throw new HemkitError('MERKLE_INDEX_OUT_OF_RANGE', `leaf index ${index} is not less than tree size ${leafHashes.length}`);
  }
  const out: Uint8Array[] = [];
  path(hasher, leafHashes, index, 0, leafHashes.length, out);
  return out;
}

/**
 * The consistency proof PROOF(size1, D[0:size2]) between the trees made of the first `size1` and the
 * first `size2` leaf hashes (RFC 9162 §2.1.4.1). Equal sizes give the empty proof, as verifyConsistency
 * expects; size1 = 0 is refused as verifyConsistency refuses it.
 */
export function consistencyProof(
  hasher: MerkleHasher,
  leafHashes: readonly Uint8Array[],
  size1: number,
  size2: number,
): Uint8Array[] {
  requireTreeSize('size1', size1);
  requireTreeSize('size2', size2);
  requireHashes('leafHashes', leafHashes);
  if (size2 > leafHashes.length) {
    throw new HemkitError('MERKLE_INVALID_TREE_SIZE', `tree size ${size2} is larger than the ${leafHashes.length} leaves given`);
  }
  if (size1 > size2) {
    throw new HemkitError('MERKLE_SIZE_DECREASED', `first tree size ${size1} is larger than second tree size ${size2}`);
  }
  if (size1 === 0) {
    throw new HemkitError('MERKLE_EMPTY_TREE_CONSISTENCY', 'a consistency proof from the empty tree proves nothing');
  }
  const out: Uint8Array[] = [];
  // PROOF(m, D_n) = SUBPROOF(m, D_n, true); for m = n that is the empty proof.
  subproof(hasher, leafHashes, size1, 0, size2, true, out);
  return out;
}
