/**
 * Frontiers (specs/merkle.md §9) against the recursive definitions of RFC 9162: for every start s and
 * size n up to 70, the frontier read from the inclusion proof of leaf s, extended by leaves s..n−1,
 * gives MTH(D[0:n]); and each wrong input is refused with its code or leads to another root.
 */
import { describe, expect, it } from 'vitest';
import { foldFrontier, frontierFromInclusionProof, frontierLength, frontierSubtreeSizes, inclusionProof, merkleRoot, rootFromFrontier } from '../../src/merkle/index.js';
import { expectCode, fakeHashes, HASHERS } from './support.js';

const MAX = 70;

describe.each(HASHERS)('frontiers with the %s hasher', (_, hasher) => {
  const leaves = fakeHashes(MAX);
  const roots = Array.from({ length: MAX + 1 }, (__, n) => merkleRoot(hasher, leaves.slice(0, n)));

  it('extend the frontier of every prefix to the root of every larger tree', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let s = 0; s < n; s++) {
        const frontier = frontierFromInclusionProof(s, n, inclusionProof(hasher, leaves.slice(0, n), s));
        expect(frontier.length).toBe(frontierLength(s));
        expect(foldFrontier(hasher, frontier)).toEqual(roots[s]);
        expect(rootFromFrontier(hasher, s, frontier, leaves.slice(s, n))).toEqual(roots[n]);
      }
    }
  });

  it('gives the empty root for nothing, and the frontier own root for no leaves', () => {
    expect(rootFromFrontier(hasher, 0, [], [])).toEqual(hasher.emptyRoot());
    const frontier = frontierFromInclusionProof(13, 20, inclusionProof(hasher, leaves.slice(0, 20), 13));
    expect(rootFromFrontier(hasher, 13, frontier, [])).toEqual(roots[13]);
  });

  it('refuses a frontier of the wrong length', () => {
    const frontier = frontierFromInclusionProof(13, 20, inclusionProof(hasher, leaves.slice(0, 20), 13));
    expect(frontier.length).toBe(3);
    expectCode(() => rootFromFrontier(hasher, 13, frontier.slice(1), leaves.slice(13, 20)), 'MERKLE_PROOF_WRONG_LENGTH');
    expectCode(() => rootFromFrontier(hasher, 12, frontier, leaves.slice(12, 20)), 'MERKLE_PROOF_WRONG_LENGTH');
    expectCode(() => rootFromFrontier(hasher, 0, [leaves[0]!], leaves.slice(0, 1)), 'MERKLE_PROOF_WRONG_LENGTH');
  });

  it('refuses bad sizes and hash lengths before counting', () => {
    expectCode(() => rootFromFrontier(hasher, -1, [], []), 'MERKLE_INVALID_TREE_SIZE');
    expectCode(() => rootFromFrontier(hasher, 2 ** 53 - 1, [], leaves.slice(0, 1)), 'MERKLE_INVALID_TREE_SIZE');
    expectCode(() => rootFromFrontier(hasher, 1, [new Uint8Array(31)], []), 'MERKLE_INVALID_HASH_LENGTH');
    expectCode(() => rootFromFrontier(hasher, 1, [leaves[0]!], [new Uint8Array(33)]), 'MERKLE_INVALID_HASH_LENGTH');
  });

  it('leads to another root when any hash or the order changes', () => {
    const n = 37;
    const s = 21;
    const frontier = frontierFromInclusionProof(s, n, inclusionProof(hasher, leaves.slice(0, n), s));
    const flipped = (h: Uint8Array) => Uint8Array.from(h, (b, i) => (i === 0 ? b ^ 1 : b));
    for (let k = 0; k < frontier.length; k++) {
      const bad = frontier.map((h, j) => (j === k ? flipped(h) : h));
      expect(rootFromFrontier(hasher, s, bad, leaves.slice(s, n))).not.toEqual(roots[n]);
    }
    const swapped = leaves.slice(s, n);
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    expect(rootFromFrontier(hasher, s, frontier, swapped)).not.toEqual(roots[n]);
    expect(rootFromFrontier(hasher, s, frontier, leaves.slice(s, n - 1))).not.toEqual(roots[n]);
  });

  it('reads no frontier from a proof of the wrong length', () => {
    const proof = inclusionProof(hasher, leaves.slice(0, 20), 13);
    expectCode(() => frontierFromInclusionProof(13, 20, [...proof, leaves[0]!]), 'MERKLE_PROOF_WRONG_LENGTH');
    expectCode(() => frontierFromInclusionProof(13, 20, proof.slice(1)), 'MERKLE_PROOF_WRONG_LENGTH');
    expectCode(() => frontierFromInclusionProof(20, 20, proof), 'MERKLE_INDEX_OUT_OF_RANGE');
  });
});

it('counts set bits exactly above 2^32', () => {
  expect(frontierLength(0)).toBe(0);
  expect(frontierLength(2 ** 52 + 2 ** 40 + 3)).toBe(4);
  expect(frontierLength(2 ** 53 - 1)).toBe(53);
});

it('names the subtrees a frontier stands for, largest first, exactly above 2^32', () => {
  expect(frontierSubtreeSizes(0)).toEqual([]);
  expect(frontierSubtreeSizes(13)).toEqual([8, 4, 1]);
  expect(frontierSubtreeSizes(2 ** 52 + 2 ** 40 + 3)).toEqual([2 ** 52, 2 ** 40, 2, 1]);
  for (let s = 0; s <= 70; s++) {
    const sizes = frontierSubtreeSizes(s);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(s);
    expect(sizes.every((x, i) => i === 0 || x < sizes[i - 1]!)).toBe(true);
  }
});
