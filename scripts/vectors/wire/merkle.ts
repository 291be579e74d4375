/**
 * test-vectors/merkle/proofs.json: RFC 9162 tree hashes, inclusion proofs (§2.1.3), consistency
 * proofs (§2.1.4) and subtree inclusion proofs (draft-ietf-plants-merkle-tree-certs §4.3) as
 * specs/merkle.md profiles them, valid and invalid, every MERKLE_* code included. Leaves are
 * "hemkit leaf <i>" in UTF-8, so anyone can rebuild the trees.
 */
import { getBackend } from '@hemkit/wire/crypto';
import {
  consistencyProof,
  createMerkleHasher,
  inclusionProof,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeInclusion,
  type MerkleHasher,
} from '@hemkit/wire/merkle';
import { confirm, fromHex, hex, renderVectorFile, utf8, type VectorBase } from '../vector-file.js';

export const MERKLE_FORMAT = 'hemkit-merkle-proofs/v1';

const hasher: MerkleHasher = createMerkleHasher(getBackend('noble').sha256);

/** Leaf i of every tree in this file. */
export const leafData = (i: number): Uint8Array => utf8(`hemkit leaf ${i}`);
const leafHashes = (n: number) => Array.from({ length: n }, (_, i) => hasher.hashLeaf(leafData(i)));
const LEAVES = leafHashes(16);
const root = (n: number) => merkleRoot(hasher, LEAVES.slice(0, n));

/** Sizes and indices are JSON numbers; the invalid ones are what a careless parser would let through. */
type MerkleVector = VectorBase &
  (
    | { readonly kind: 'tree-hash'; readonly leaves: readonly string[]; readonly root: string }
    | { readonly kind: 'inclusion'; readonly leafIndex: number; readonly treeSize: number; readonly leafHash: string; readonly proof: readonly string[]; readonly root: string }
    | { readonly kind: 'consistency'; readonly size1: number; readonly size2: number; readonly proof: readonly string[]; readonly root1: string; readonly root2: string }
    | { readonly kind: 'subtree-inclusion'; readonly leafIndex: number; readonly start: number; readonly end: number; readonly leafHash: string; readonly proof: readonly string[]; readonly subtreeHash: string }
  );

type Outcome = { result: 'valid' } | { result: 'invalid'; code: string };
const valid: Outcome = { result: 'valid' };
const invalid = (code: string): Outcome => ({ result: 'invalid', code });
const hexes = (hashes: readonly Uint8Array[]) => hashes.map(hex);
const flip = (b: Uint8Array, bit = 0) => {
  const out = b.slice();
  out[bit >> 3]! ^= 0x80 >> (bit & 7);
  return out;
};

function inclusion(id: string, description: string, leafIndex: number, treeSize: number, over: Partial<{ leafHash: Uint8Array; proof: Uint8Array[]; root: Uint8Array }>, outcome: Outcome): MerkleVector {
  const realIndex = Number.isSafeInteger(leafIndex) && leafIndex >= 0 && leafIndex < 16 ? leafIndex : 0;
  const realSize = Number.isSafeInteger(treeSize) && treeSize > realIndex && treeSize <= 16 ? treeSize : 16;
  return {
    id,
    description,
    kind: 'inclusion',
    leafIndex,
    treeSize,
    leafHash: hex(over.leafHash ?? LEAVES[realIndex]!),
    proof: hexes(over.proof ?? inclusionProof(hasher, LEAVES.slice(0, realSize), realIndex)),
    root: hex(over.root ?? root(realSize)),
    ...outcome,
  };
}

function consistency(id: string, description: string, size1: number, size2: number, over: Partial<{ proof: Uint8Array[]; root1: Uint8Array; root2: Uint8Array }>, outcome: Outcome): MerkleVector {
  const proof = over.proof ?? (size1 > 0 && size1 <= size2 && size2 <= 16 ? consistencyProof(hasher, LEAVES, size1, size2) : []);
  return {
    id,
    description,
    kind: 'consistency',
    size1,
    size2,
    proof: hexes(proof),
    root1: hex(over.root1 ?? root(Math.min(Math.max(size1, 0), 16))),
    root2: hex(over.root2 ?? root(Math.min(Math.max(size2, 0), 16))),
    ...outcome,
  };
}

function subtree(id: string, description: string, leafIndex: number, start: number, end: number, over: Partial<{ proof: Uint8Array[]; subtreeHash: Uint8Array; leafHash: Uint8Array }>, outcome: Outcome): MerkleVector {
  const inRange = start < end && leafIndex >= start && leafIndex < end;
  const leaves = LEAVES.slice(start, end);
  return {
    id,
    description,
    kind: 'subtree-inclusion',
    leafIndex,
    start,
    end,
    leafHash: hex(over.leafHash ?? LEAVES[leafIndex]!),
    proof: hexes(over.proof ?? (inRange ? inclusionProof(hasher, leaves, leafIndex - start) : [])),
    subtreeHash: hex(over.subtreeHash ?? (leaves.length > 0 ? merkleRoot(hasher, leaves) : root(16))),
    ...outcome,
  };
}

function cases(): MerkleVector[] {
  const out: MerkleVector[] = [];
  for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 16]) {
    out.push({
      id: `tree-hash-${n}`,
      description: n === 0 ? 'the empty tree: SHA-256 of nothing (RFC 9162 §2.1.1)' : `MTH of the first ${n} leaves`,
      kind: 'tree-hash',
      leaves: Array.from({ length: n }, (_, i) => hex(leafData(i))),
      root: hex(merkleRoot(hasher, leafHashes(n))),
      result: 'valid',
    });
  }
  for (const [index, size] of [[0, 1], [0, 2], [1, 2], [2, 3], [0, 4], [3, 4], [4, 5], [5, 7], [6, 7], [0, 8], [7, 8], [3, 11], [10, 11], [8, 11], [0, 16], [15, 16]] as const) {
    out.push(inclusion(`inclusion-${index}-of-${size}`, `leaf ${index} of a tree of ${size}${size === 1 ? ': the empty proof, the root is the leaf hash' : ''}`, index, size, {}, valid));
  }
  for (const [a, b] of [[1, 1], [1, 2], [1, 8], [2, 5], [3, 7], [4, 8], [4, 11], [6, 11], [7, 8], [8, 11], [11, 11], [15, 16], [1, 16]] as const) {
    out.push(consistency(`consistency-${a}-to-${b}`, a === b ? `a tree of ${a} is consistent with itself by the empty proof` : `from ${a} to ${b} leaves${[1, 2, 4, 8].includes(a) ? ` (a first tree of 2^k leaves: its root is left out of the proof, RFC 9162 §2.1.4.2 step 2)` : ''}`, a, b, {}, valid));
  }
  out.push(subtree('subtree-9-of-8-11', 'leaf 9 of the subtree [8, 11): 8 is a multiple of BIT_CEIL(3) = 4', 9, 8, 11, {}, valid));
  out.push(subtree('subtree-2-of-0-4', 'leaf 2 of the subtree [0, 4)', 2, 0, 4, {}, valid));
  out.push(subtree('subtree-5-of-4-6', 'leaf 5 of the subtree [4, 6)', 5, 4, 6, {}, valid));
  out.push(subtree('subtree-12-of-12-13', 'the one leaf of the subtree [12, 13): the empty proof', 12, 12, 13, {}, valid));

  const proof3 = inclusionProof(hasher, LEAVES.slice(0, 11), 3);
  const proof6to11 = consistencyProof(hasher, LEAVES, 6, 11);
  const subtreeProof = inclusionProof(hasher, LEAVES.slice(8, 11), 1);
  const short = new Uint8Array(31);
  const long = new Uint8Array(33);

  // MERKLE_INVALID_TREE_SIZE: sizes and indices must be integers from 0 to 2^53-1 (specs/merkle.md §2).
  out.push(inclusion('invalid-tree-size-negative', 'a tree size of -1', 0, -1, { proof: [] }, invalid('MERKLE_INVALID_TREE_SIZE')));
  out.push(inclusion('invalid-tree-size-fractional', 'a tree size of 1.5', 0, 1.5, { proof: [] }, invalid('MERKLE_INVALID_TREE_SIZE')));
  out.push(inclusion('invalid-tree-size-2pow53', 'a tree size of 2^53, beyond the safe integers', 0, 2 ** 53, { proof: [] }, invalid('MERKLE_INVALID_TREE_SIZE')));
  out.push(inclusion('invalid-leaf-index-negative', 'a leaf index of -1', -1, 11, { proof: proof3 }, invalid('MERKLE_INVALID_TREE_SIZE')));
  out.push(consistency('invalid-size2-2pow53', 'a second size of 2^53', 6, 2 ** 53, { proof: proof6to11, root2: root(11) }, invalid('MERKLE_INVALID_TREE_SIZE')));
  out.push(subtree('invalid-subtree-bound-fractional', 'a subtree start of 0.5', 1, 0.5, 4, { proof: [] }, invalid('MERKLE_INVALID_TREE_SIZE')));
  // MERKLE_INVALID_HASH_LENGTH: every hash is 32 bytes.
  out.push(inclusion('invalid-hash-length-leaf', 'a 31-byte leaf hash', 3, 11, { leafHash: short }, invalid('MERKLE_INVALID_HASH_LENGTH')));
  out.push(inclusion('invalid-hash-length-root', 'a 33-byte root', 3, 11, { root: long }, invalid('MERKLE_INVALID_HASH_LENGTH')));
  out.push(inclusion('invalid-hash-length-proof-element', 'an empty hash in the proof', 3, 11, { proof: [...proof3.slice(1), new Uint8Array(0)] }, invalid('MERKLE_INVALID_HASH_LENGTH')));
  out.push(consistency('invalid-hash-length-root1', 'a 12-byte first root', 6, 11, { root1: new Uint8Array(12) }, invalid('MERKLE_INVALID_HASH_LENGTH')));
  out.push(consistency('invalid-hash-length-root2-equal-sizes', 'a 12-byte second root between equal sizes', 6, 6, { root2: new Uint8Array(12) }, invalid('MERKLE_INVALID_HASH_LENGTH')));
  out.push(subtree('invalid-hash-length-subtree', 'a 31-byte subtree hash', 9, 8, 11, { subtreeHash: short }, invalid('MERKLE_INVALID_HASH_LENGTH')));
  // MERKLE_INDEX_OUT_OF_RANGE
  out.push(inclusion('index-equal-to-size', 'leaf index 11 of a tree of 11', 11, 11, { leafHash: LEAVES[3]!, proof: proof3, root: root(11) }, invalid('MERKLE_INDEX_OUT_OF_RANGE')));
  out.push(inclusion('index-past-size', 'leaf index 12 of a tree of 11', 12, 11, { leafHash: LEAVES[3]!, proof: proof3, root: root(11) }, invalid('MERKLE_INDEX_OUT_OF_RANGE')));
  out.push(inclusion('index-in-empty-tree', 'any leaf of the empty tree', 0, 0, { proof: [], root: root(0) }, invalid('MERKLE_INDEX_OUT_OF_RANGE')));
  out.push(subtree('index-before-subtree', 'leaf 7 for the subtree [8, 11)', 7, 8, 11, { proof: subtreeProof, subtreeHash: merkleRoot(hasher, LEAVES.slice(8, 11)) }, invalid('MERKLE_INDEX_OUT_OF_RANGE')));
  out.push(subtree('index-after-subtree', 'leaf 11 for the subtree [8, 11)', 11, 8, 11, { leafHash: LEAVES[9]!, proof: subtreeProof, subtreeHash: merkleRoot(hasher, LEAVES.slice(8, 11)) }, invalid('MERKLE_INDEX_OUT_OF_RANGE')));
  // MERKLE_PROOF_WRONG_LENGTH
  out.push(inclusion('inclusion-proof-too-long', 'an inclusion proof with one hash too many', 3, 11, { proof: [...proof3, root(11)] }, invalid('MERKLE_PROOF_WRONG_LENGTH')));
  out.push(inclusion('inclusion-proof-too-short', 'an inclusion proof with one hash too few', 3, 11, { proof: proof3.slice(0, -1) }, invalid('MERKLE_PROOF_WRONG_LENGTH')));
  out.push(inclusion('inclusion-proof-for-one-leaf-not-empty', 'a tree of one leaf with a non-empty proof', 0, 1, { proof: [LEAVES[1]!] }, invalid('MERKLE_PROOF_WRONG_LENGTH')));
  out.push(consistency('consistency-proof-empty', 'an empty consistency proof between sizes 6 and 11', 6, 11, { proof: [] }, invalid('MERKLE_PROOF_WRONG_LENGTH')));
  out.push(consistency('consistency-proof-equal-sizes-not-empty', 'a non-empty proof between equal sizes', 11, 11, { proof: [root(11)] }, invalid('MERKLE_PROOF_WRONG_LENGTH')));
  out.push(consistency('consistency-proof-too-long', 'a consistency proof with one hash too many', 6, 11, { proof: [...proof6to11, root(11)] }, invalid('MERKLE_PROOF_WRONG_LENGTH')));
  out.push(consistency('consistency-proof-too-short', 'a consistency proof with one hash too few', 6, 11, { proof: proof6to11.slice(0, -1) }, invalid('MERKLE_PROOF_WRONG_LENGTH')));
  // MERKLE_ROOT_MISMATCH
  out.push(inclusion('inclusion-wrong-root', 'a valid proof checked against the root of another size', 3, 11, { proof: proof3, root: root(6) }, invalid('MERKLE_ROOT_MISMATCH')));
  out.push(inclusion('inclusion-wrong-leaf', 'the proof of leaf 3 given leaf 4', 3, 11, { leafHash: LEAVES[4]!, proof: proof3 }, invalid('MERKLE_ROOT_MISMATCH')));
  out.push(inclusion('inclusion-leaf-data-as-hash', 'leaf 3\'s data hashed without the 0x00 prefix (RFC 9162 §2.1.1 domain separation)', 3, 11, { leafHash: getBackend('noble').sha256(leafData(3)), proof: proof3 }, invalid('MERKLE_ROOT_MISMATCH')));
  out.push(inclusion('inclusion-proof-element-altered', 'one bit of the first proof hash flipped', 3, 11, { proof: [flip(proof3[0]!), ...proof3.slice(1)] }, invalid('MERKLE_ROOT_MISMATCH')));
  out.push(consistency('consistency-wrong-root1', 'a wrong first root (a forked history)', 6, 11, { root1: flip(root(6)) }, invalid('MERKLE_ROOT_MISMATCH')));
  out.push(consistency('consistency-wrong-root2', 'a wrong second root', 6, 11, { root2: flip(root(11), 255) }, invalid('MERKLE_ROOT_MISMATCH')));
  out.push(consistency('consistency-equal-sizes-two-roots', 'two different roots for one size', 6, 6, { root2: root(11) }, invalid('MERKLE_ROOT_MISMATCH')));
  out.push(consistency('consistency-power-of-two-wrong-root1', 'a first tree of 4 leaves whose root, left out of the proof, is wrong', 4, 8, { root1: flip(root(4)) }, invalid('MERKLE_ROOT_MISMATCH')));
  out.push(subtree('subtree-wrong-hash', 'a subtree proof checked against the whole tree\'s root', 9, 8, 11, { subtreeHash: root(11) }, invalid('MERKLE_ROOT_MISMATCH')));
  // MERKLE_SIZE_DECREASED
  out.push(consistency('size-decreased', 'a second tree smaller than the first', 11, 6, { proof: proof6to11 }, invalid('MERKLE_SIZE_DECREASED')));
  out.push(consistency('size-decreased-by-one', 'from 8 leaves to 7', 8, 7, { proof: [] }, invalid('MERKLE_SIZE_DECREASED')));
  // MERKLE_EMPTY_TREE_CONSISTENCY
  out.push(consistency('from-empty-tree', 'a consistency proof from the empty tree, which would accept any second root', 0, 11, { proof: [] }, invalid('MERKLE_EMPTY_TREE_CONSISTENCY')));
  out.push(consistency('empty-tree-with-itself', 'the empty tree with itself', 0, 0, { proof: [] }, invalid('MERKLE_EMPTY_TREE_CONSISTENCY')));
  // MERKLE_INVALID_SUBTREE
  out.push(subtree('not-a-subtree-3-5', '[3, 5): 3 is not a multiple of BIT_CEIL(2) = 2', 3, 3, 5, { proof: [] }, invalid('MERKLE_INVALID_SUBTREE')));
  out.push(subtree('not-a-subtree-4-9', '[4, 9): 4 is not a multiple of BIT_CEIL(5) = 8', 4, 4, 9, { proof: [] }, invalid('MERKLE_INVALID_SUBTREE')));
  out.push(subtree('not-a-subtree-empty', 'the empty range [1, 1)', 1, 1, 1, { proof: [] }, invalid('MERKLE_INVALID_SUBTREE')));
  out.push(subtree('not-a-subtree-reversed', 'an end before the start, [2, 1)', 1, 2, 1, { proof: [] }, invalid('MERKLE_INVALID_SUBTREE')));
  // specs/merkle.md §6: inputs one by one first, then relations, then the proof's length, then roots.
  out.push(inclusion('order-size-before-root-length', 'a bad size and a bad root: the size is reported', 3, -1, { proof: proof3, root: long }, invalid('MERKLE_INVALID_TREE_SIZE')));
  out.push(inclusion('order-root-length-before-index', 'a bad root and an index out of range: the root is reported', 12, 11, { leafHash: LEAVES[3]!, proof: proof3, root: long }, invalid('MERKLE_INVALID_HASH_LENGTH')));
  out.push(consistency('order-decrease-before-empty', 'sizes 6 then 0: the decrease is reported', 6, 0, { proof: [] }, invalid('MERKLE_SIZE_DECREASED')));
  return out;
}

/** Runs one vector through the wire layer's verifiers, throwing the code it ends with. */
export function runMerkleVector(h: MerkleHasher, v: MerkleVector): void {
  const b = fromHex;
  switch (v.kind) {
    case 'tree-hash': {
      const got = merkleRoot(h, v.leaves.map((l) => h.hashLeaf(b(l))));
      if (hex(got) !== v.root) throw new Error(`${v.id}: root ${hex(got)}, expected ${v.root}`);
      return;
    }
    case 'inclusion':
      return verifyInclusion(h, v.leafIndex, v.treeSize, b(v.leafHash), v.proof.map(b), b(v.root));
    case 'consistency':
      return verifyConsistency(h, v.size1, v.size2, v.proof.map(b), b(v.root1), b(v.root2));
    case 'subtree-inclusion':
      return verifySubtreeInclusion(h, v.leafIndex, v.start, v.end, b(v.leafHash), v.proof.map(b), b(v.subtreeHash));
  }
}

export function generateMerkleVectors(): Map<string, string> {
  const vectors = cases();
  for (const v of vectors) confirm(`merkle vector ${v.id}`, v, () => runMerkleVector(hasher, v));
  const text = renderVectorFile(
    {
      format: MERKLE_FORMAT,
      generator: 'npm run vectors (scripts/vectors/wire/merkle.ts)',
      description: 'RFC 9162 tree hashes, inclusion and consistency proofs, and subtree inclusion proofs, as specs/merkle.md profiles them (SHA-256)',
      leaves: 'leaf i is the UTF-8 text "hemkit leaf <i>"; a leaf hash is SHA-256(0x00 || leaf)',
    },
    vectors,
  );
  return new Map([['merkle/proofs.json', text]]);
}
