/**
 * RFC 9162 §2.1.1: the hashes that make a Merkle Tree Hash (MTH).
 *
 *   MTH({})       = HASH()
 *   MTH({d(0)})   = HASH(0x00 || d(0))
 *   MTH(D_n)      = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
 *
 * The distinct leaf and node prefixes keep a leaf from being passed off as an interior node (second
 * preimage resistance, RFC 9162 §2.1.1). hemkit's profile fixes HASH to SHA-256 (specs/merkle.md).
 */
import { MERKLE_HASH_SIZE, requireHash } from './inputs.js';

export { MERKLE_HASH_SIZE };

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
/** Leaves up to this size (prefix included) are hashed from a scratch buffer. */
const LEAF_SCRATCH_SIZE = 1024;

/**
 * The three hashes of RFC 9162 §2.1.1. Every output is a new array that the caller owns: no hasher
 * returns a view of its own scratch space or of its inputs.
 */
export interface MerkleHasher {
  /** HASH(0x00 || data): the hash of one log entry. */
  hashLeaf(data: Uint8Array): Uint8Array;
  /** HASH(0x01 || left || right): the hash of an interior node; both children must be 32 bytes. */
  hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array;
  /** HASH(): the root of the empty tree. */
  emptyRoot(): Uint8Array;
}

/**
 * A MerkleHasher over any SHA-256 implementation (for example a CryptoBackend's `sha256`).
 * `sha256` must return a digest without keeping a reference to its input: the node hash reuses one
 * 65-byte buffer for 0x01 || left || right instead of allocating one per node, and the leaf hash one
 * for 0x00 || data.
 */
export function createMerkleHasher(sha256: (data: Uint8Array) => Uint8Array): MerkleHasher {
  const empty = sha256(new Uint8Array(0));
  requireHash('sha256 output', empty);
  const node = new Uint8Array(1 + 2 * MERKLE_HASH_SIZE);
  node[0] = NODE_PREFIX;
  const leaf = new Uint8Array(LEAF_SCRATCH_SIZE);
  // The scratch buffer's view of each length met, made once: a view is an object of its own.
  const leafViews: Uint8Array[] = [];
  // A digest that shares a scratch buffer's memory would change under the caller on the next call.
  // Such a function (one that returns a view of its input, against the contract) is found by a probe
  // of each buffer here, and its digests are then copied. Not asked of every digest: reading .buffer
  // of a small array on V8's heap moves it out of the heap (some 0.4 us, and garbage outside it).
  const aliases = (scratch: Uint8Array): boolean => sha256(scratch).buffer === scratch.buffer;
  const copies = aliases(node) || aliases(leaf.subarray(0, 1 + MERKLE_HASH_SIZE));
  const owned = copies ? (digest: Uint8Array): Uint8Array => new Uint8Array(digest) : (digest: Uint8Array): Uint8Array => digest;
  return {
    hashLeaf(data) {
      // A log entry is a few hundred bytes: a fresh array that size costs about what its hash does,
      // so 0x00 || data goes into a scratch buffer, as nodes do, unless the entry is larger.
      const n = 1 + data.length;
      const prefixed = n <= leaf.length ? (leafViews[n] ??= leaf.subarray(0, n)) : new Uint8Array(n);
      prefixed[0] = LEAF_PREFIX;
      prefixed.set(data, 1);
      return owned(sha256(prefixed));
    },
    hashChildren(left, right) {
      // A short child would leave the previous node's bytes in the scratch buffer and hash those.
      requireHash('left', left);
      requireHash('right', right);
      node.set(left, 1);
      node.set(right, 1 + MERKLE_HASH_SIZE);
      return owned(sha256(node));
    },
    emptyRoot() {
      // new Uint8Array() copies; slice() would not on a Buffer, which a Node-based sha256 may return.
      return new Uint8Array(empty);
    },
  };
}
