/**
 * A MerkleHasher on node:crypto's one-shot `hash()` (Node 20.16+, through getBuiltinModule), the fast path for verifiers that
 * run on Node: proof verification is nothing but node hashes, so their cost is the cost of a proof.
 */
import { loadNodeCrypto, nodeDigest } from '../crypto/node-types.js';
import { HemkitError } from '../errors.js';
import type { MerkleHasher } from './hash.js';
import { MERKLE_HASH_SIZE, requireHash } from './inputs.js';

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
/** Leaves up to this size (prefix included) are hashed from a scratch buffer. */
const LEAF_SCRATCH_SIZE = 1024;

export function createNodeMerkleHasher(): MerkleHasher {
  // node:crypto through process.getBuiltinModule, never a static import (crypto/node-types.ts), so
  // that a runtime without it, or an older Node, gets a typed error here rather than a load failure.
  const nc = loadNodeCrypto();
  if (typeof nc?.hash !== 'function') {
    throw new HemkitError('CRYPTO_BACKEND_UNAVAILABLE', 'node:crypto hash() needs Node 20.16 or later');
  }
  // A new array each call, never the scratch buffers below (crypto/node-types.ts: nodeDigest).
  const digest = nodeDigest(nc);
  const sha256 = (data: Uint8Array): Uint8Array => digest('sha256', data);
  const empty = sha256(new Uint8Array(0));
  // One scratch buffer for 0x01 || left || right: the digest is a copy, so reusing it is safe.
  const node = new Uint8Array(1 + 2 * MERKLE_HASH_SIZE);
  node[0] = NODE_PREFIX;
  const leaf = new Uint8Array(LEAF_SCRATCH_SIZE);
  // The scratch buffer's view of each length met, made once: a view is an object of its own.
  const leafViews: Uint8Array[] = [];
  return {
    hashLeaf(data) {
      // A log entry is a few hundred bytes: a fresh array that size costs about what its hash does,
      // so 0x00 || data goes into a scratch buffer, as nodes do, unless the entry is larger.
      const n = 1 + data.length;
      const prefixed = n <= leaf.length ? (leafViews[n] ??= leaf.subarray(0, n)) : new Uint8Array(n);
      prefixed[0] = LEAF_PREFIX;
      prefixed.set(data, 1);
      return sha256(prefixed);
    },
    hashChildren(left, right) {
      // A short child would leave the previous node's bytes in the scratch buffer and hash those.
      requireHash('left', left);
      requireHash('right', right);
      node.set(left, 1);
      node.set(right, 1 + MERKLE_HASH_SIZE);
      return sha256(node);
    },
    emptyRoot() {
      return new Uint8Array(empty);
    },
  };
}
