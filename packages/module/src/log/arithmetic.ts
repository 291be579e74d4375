/**
 * Index arithmetic of the stored tree.
 *
 * The store keeps, for each level k, the hashes of the complete subtrees of 2^k leaves in order:
 * node j of level k is MTH(D[j·2^k : (j+1)·2^k]) (RFC 9162 §2.1.1 applied to an aligned range), and
 * level 0 holds the leaf hashes. Every function here is exact for every safe integer: specs/merkle.md
 * §2 forbids the 32-bit operators (`>>`, `&`, …), which would silently wrap past 2^31 leaves.
 */

/** Where one stored hash is: node `index` of `level`. */
export interface NodePosition {
  readonly level: number;
  readonly index: number;
}

/** How many complete subtrees of 2^level leaves a tree of `size` leaves has: floor(size / 2^level). */
export function nodeCount(size: number, level: number): number {
  return Math.floor(size / 2 ** level);
}

/** bitlen(n): the number of binary digits of n, 0 for n = 0. It is also how many levels n leaves fill. */
export function bitLength(n: number): number {
  let bits = 0;
  for (let rest = n; rest >= 1; rest = Math.floor(rest / 2)) bits++;
  return bits;
}

/** k: the largest power of two smaller than n, for n > 1 (RFC 9162 §2.1.1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * How many interior nodes the leaf at `index` completes: the number of trailing 1 bits of `index`.
 * A subtree of 2^k leaves is complete when its last leaf arrives, and that leaf's index ends in k ones.
 */
export function completedLevels(index: number): number {
  let levels = 0;
  for (let rest = index; rest % 2 === 1; rest = (rest - 1) / 2) levels++;
  return levels;
}

/**
 * The stored nodes whose hashes make MTH(D[start:end]), largest first, for a range that is a subtree in
 * the sense of RFC 9162's recursion: `start` a multiple of the smallest power of two not less than
 * end − start. Every range that MTH, PATH and SUBPROOF (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1) recurse
 * into is of that kind. Such a range splits at its first power of two, then again inside the rest, so
 * it is one complete subtree for each 1 bit of its length, and MTH folds them from the right:
 * MTH = HASH(0x01 ‖ node₀ ‖ HASH(0x01 ‖ node₁ ‖ …)).
 *
 * For start = 0 these are the right edge of the tree of `end` leaves: its frontier.
 */
export function subtreeNodes(start: number, end: number): NodePosition[] {
  const nodes: NodePosition[] = [];
  let offset = start;
  let rest = end - start;
  for (let level = bitLength(rest) - 1; level >= 0; level--) {
    const width = 2 ** level;
    if (rest >= width) {
      nodes.push({ level, index: offset / width });
      offset += width;
      rest -= width;
    }
  }
  return nodes;
}
