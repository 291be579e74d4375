/**
 * The append-only Merkle tree of the workload log over stored complete-subtree hashes: appending
 * (RFC 9162 §2.1.1), roots of the current and every earlier size, inclusion proofs (PATH, §2.1.3.1) and
 * consistency proofs (PROOF / SUBPROOF, §2.1.4.1).
 *
 * It follows the recursive definitions as @hemkit/wire's reference tree does, but never rehashes
 * leaves: every range those definitions ask MTH of is a subtree range (arithmetic.ts, subtreeNodes),
 * whose hash is a fold of at most log2(n) stored nodes. A proof therefore costs O(log n) node reads and
 * hashes, and memory holds only the right edge of the tree.
 */
import type { MerkleHasher } from '@hemkit/wire/merkle';
import { subtreeNodes, splitPoint } from './arithmetic.js';
import { requireConsistencySizes, requireCount, requireIndexBelow, requireSizeAtMost } from './checks.js';

/** Where a store keeps the complete-subtree hashes, level by level (arithmetic.ts). */
export interface NodeStorage {
  /**
   * Node `index` of `level`, as an array the caller owns. Only nodes of complete subtrees of the
   * current tree are asked for: index < floor(size / 2^level).
   */
  node(level: number, index: number): Uint8Array;
  /** Stores the next node of `level`; level 0 takes the leaf hashes. */
  push(level: number, hash: Uint8Array): void;
}

export class LogTree {
  readonly #hasher: MerkleHasher;
  readonly #nodes: NodeStorage;
  #size: number;
  /**
   * The frontier: right[k] is the hash of the last complete subtree of 2^k leaves while bit k of the
   * size is 1, the one that still waits for a right sibling; otherwise undefined. These are exactly the
   * subtrees whose fold is the current root, so appending and the current root need no reads.
   */
  readonly #right: (Uint8Array | undefined)[] = [];

  /** A tree of `size` leaves whose nodes are already in `nodes`; reads its O(log n) frontier nodes. */
  constructor(hasher: MerkleHasher, nodes: NodeStorage, size: number) {
    this.#hasher = hasher;
    this.#nodes = nodes;
    this.#size = size;
    for (const { level, index } of subtreeNodes(0, size)) this.#right[level] = nodes.node(level, index);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds the next leaf and every subtree it completes, lowest level first; returns the leaf's index. */
  appendLeaf(leafHash: Uint8Array): number {
    const index = this.#size;
    this.#nodes.push(0, leafHash);
    let node = leafHash;
    let level = 0;
    // The leaf completes one subtree per trailing 1 bit of its index (arithmetic.ts, completedLevels):
    // each is HASH(0x01 ‖ left ‖ right) with the waiting left sibling from the frontier.
    for (let rest = index; rest % 2 === 1; rest = (rest - 1) / 2) {
      node = this.#hasher.hashChildren(this.#right[level]!, node);
      this.#right[level] = undefined;
      level++;
      this.#nodes.push(level, node);
    }
    this.#right[level] = node;
    this.#size = index + 1;
    return index;
  }

  /** MTH(D[0:size]) (RFC 9162 §2.1.1) for any size up to the current one. */
  root(size: number): Uint8Array {
    requireSizeAtMost('size', size, this.#size);
    if (size === 0) return this.#hasher.emptyRoot();
    if (size < this.#size) return this.#subtreeHash(0, size);
    let root: Uint8Array | undefined;
    for (const node of this.#right) {
      if (node !== undefined) root = root === undefined ? new Uint8Array(node) : this.#hasher.hashChildren(node, root);
    }
    return root!;
  }

  /** F(size) (specs/merkle.md §9): the stored nodes of the perfect subtrees of [0, size), largest first. */
  frontier(size: number): Uint8Array[] {
    requireSizeAtMost('size', size, this.#size);
    return subtreeNodes(0, size).map(({ level, index }) => this.#nodes.node(level, index));
  }

  /** PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), from the leaf's level up, as the reference gives it. */
  inclusionProof(index: number, size: number): Uint8Array[] {
    requireCount('size', size);
    requireIndexBelow(index, size);
    requireSizeAtMost('size', size, this.#size);
    // PATH(m, D[lo:hi]) recurses into the half that holds leaf m and appends the other half's MTH
    // after the recursion's output, so walking down collects the proof from the root down.
    const path: Uint8Array[] = [];
    let lo = 0;
    let hi = size;
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (index < lo + k) {
        path.push(this.#subtreeHash(lo + k, hi));
        hi = lo + k;
      } else {
        path.push(this.#subtreeHash(lo, lo + k));
        lo += k;
      }
    }
    return path.reverse();
  }

  /** PROOF(size1, D[0:size2]) = SUBPROOF(size1, D[0:size2], true) (RFC 9162 §2.1.4.1). */
  consistencyProof(size1: number, size2: number): Uint8Array[] {
    requireConsistencySizes(size1, size2, this.#size);
    // SUBPROOF(m, D[lo:hi], b), with m counted from 0 (size1 − lo) and the sibling hashes collected on
    // the way down, then emitted after the terminal case's hash, as the recursion emits them.
    const siblings: Uint8Array[] = [];
    let lo = 0;
    let hi = size2;
    // b: whether D[lo:hi] still is the whole first tree's path from the root, whose root the verifier has.
    let b = true;
    while (size1 !== hi) {
      const k = splitPoint(hi - lo);
      if (size1 - lo <= k) {
        siblings.push(this.#subtreeHash(lo + k, hi));
        hi = lo + k;
      } else {
        siblings.push(this.#subtreeHash(lo, lo + k));
        lo += k;
        b = false;
      }
    }
    // m = n: SUBPROOF(m, D[m], true) = {} and SUBPROOF(m, D[m], false) = {MTH(D[m])}.
    const proof = b ? [] : [this.#subtreeHash(lo, hi)];
    for (let i = siblings.length - 1; i >= 0; i--) proof.push(siblings[i]!);
    return proof;
  }

  /** MTH(D[start:end]) for a subtree range, folded from the right over its stored nodes. */
  #subtreeHash(start: number, end: number): Uint8Array {
    const nodes = subtreeNodes(start, end);
    const rightmost = nodes[nodes.length - 1]!;
    let hash = this.#nodes.node(rightmost.level, rightmost.index);
    for (let i = nodes.length - 2; i >= 0; i--) {
      const { level, index } = nodes[i]!;
      hash = this.#hasher.hashChildren(this.#nodes.node(level, index), hash);
    }
    return hash;
  }
}
