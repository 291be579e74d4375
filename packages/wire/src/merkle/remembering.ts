/**
 * A MerkleHasher that remembers the interior nodes it has hashed, for a verifier that recomputes many
 * inclusion proofs of one tree: the disclosed entries of an evidence bundle are all proven against one
 * log head, and their audit paths share most of their nodes (a thousand entries of a thousand-leaf tree
 * walk ten thousand steps through about a thousand distinct interior nodes).
 *
 * RFC 9162 §2.1.1's node hash HASH(0x01 || left || right) is a function of its two children, so a
 * remembered result is exactly what hashing again would give: every proof is still recomputed step by
 * step (RFC 9162 §2.1.3.2, specs/merkle.md §3), each step's two children compared in full with those
 * remembered, and a proof that differs from another in any bit of any hash is hashed, and judged, on its
 * own (specs/messages/receipts.md §4).
 */
import type { MerkleHasher } from './hash.js';
import { MERKLE_HASH_SIZE, requireHash } from './inputs.js';

/**
 * Nodes kept by default: more than the receipts of any one bundle need (a bundle is at most 1 MiB,
 * under 2,000 disclosed entries), at about 250 bytes a node at most 4 MiB.
 */
const DEFAULT_CAPACITY = 1 << 14;

const H = MERKLE_HASH_SIZE;

/**
 * Nodes kept under one key at most. Proof hashes are the sender's to choose, so children whose first
 * bytes agree are cheap to make: a bounded chain keeps a lookup a few comparisons, where an unbounded
 * one would let a bundle of crafted receipts cost a comparison per remembered node at every step.
 */
const MAX_CHAIN = 4;

/** left ‖ right ‖ HASH(0x01 ‖ left ‖ right), in one array; `next` chains nodes whose keys collide. */
interface Remembered {
  readonly bytes: Uint8Array;
  readonly next: Remembered | undefined;
  readonly chain: number;
}

/** The first four bytes of a hash as an unsigned integer. */
function word(h: Uint8Array): number {
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

function sameChildren(bytes: Uint8Array, left: Uint8Array, right: Uint8Array): boolean {
  for (let i = 0; i < H; i++) if (bytes[i] !== left[i] || bytes[H + i] !== right[i]) return false;
  return true;
}

/**
 * Wraps `hasher` so that `hashChildren` hashes each distinct pair of children once; `hashLeaf` and
 * `emptyRoot` pass through. Outputs are new arrays that the caller owns, as from any MerkleHasher.
 * Scope one to the proofs of one verification (an appraisal): it keeps up to `capacity` nodes, copied,
 * and beyond that hashes without remembering.
 */
export function rememberingHasher(hasher: MerkleHasher, capacity: number = DEFAULT_CAPACITY): MerkleHasher {
  const nodes = new Map<number, Remembered>();
  let size = 0;
  return {
    hashLeaf: (data) => hasher.hashLeaf(data),
    emptyRoot: () => hasher.emptyRoot(),
    hashChildren(left, right) {
      // The same checks, with the same wording, as every hasher's (hash.ts): before any lookup.
      requireHash('left', left);
      requireHash('right', right);
      // A small integer key (a V8 "Smi"); the children, not the key, decide a match.
      const key = (word(left) ^ Math.imul(word(right), 0x9e3779b1)) & 0x3fffffff;
      const first = nodes.get(key);
      for (let n = first; n !== undefined; n = n.next) {
        if (sameChildren(n.bytes, left, right)) return n.bytes.slice(2 * H);
      }
      const parent = hasher.hashChildren(left, right);
      if (size < capacity && (first === undefined || first.chain < MAX_CHAIN)) {
        const bytes = new Uint8Array(3 * H);
        bytes.set(left, 0);
        bytes.set(right, H);
        bytes.set(parent, 2 * H);
        nodes.set(key, { bytes, next: first, chain: (first?.chain ?? 0) + 1 });
        size++;
      }
      return parent;
    },
  };
}
