/**
 * Argument checks shared by both stores, with the codes and wording the wire layer's Merkle functions
 * use (specs/merkle.md §2, §3, §4), in its order: each value on its own first, then relations between
 * values (specs/merkle.md §6).
 */
import { HemkitError } from '@hemkit/wire/errors';

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  if (typeof value === 'number') return String(value);
  return `a value of type ${value === null ? 'null' : typeof value}`;
}

/** Sizes and indices are safe integers, so that halving and remainders on them stay exact. */
export function requireCount(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new HemkitError('MERKLE_INVALID_TREE_SIZE', `"${name}" expected an integer from 0 to 2^53-1, got ${describe(value)}`);
  }
}

/** A tree size the log can answer for: any size it has had, up to the current one. */
export function requireSizeAtMost(name: string, value: unknown, current: number): asserts value is number {
  requireCount(name, value);
  if (value > current) {
    throw new HemkitError('MERKLE_INVALID_TREE_SIZE', `"${name}" ${value} is larger than the log's ${current} entries`);
  }
}

export function requireIndexBelow(index: unknown, size: number): asserts index is number {
  requireCount('index', index);
  if (index >= size) {
    throw new HemkitError('MERKLE_INDEX_OUT_OF_RANGE', `leaf index ${index} is not less than tree size ${size}`);
  }
}

/** A consistency proof runs from an earlier non-empty tree to a later one, as verifyConsistency expects. */
export function requireConsistencySizes(size1: unknown, size2: unknown, current: number): asserts size1 is number {
  requireCount('size1', size1);
  requireSizeAtMost('size2', size2, current);
  if (size1 > size2) {
    throw new HemkitError('MERKLE_SIZE_DECREASED', `first tree size ${size1} is larger than second tree size ${size2}`);
  }
  // Every tree extends the empty one, so a proof from size 0 would prove nothing (RFC 9162 §2.1.4.2
  // is defined for 0 < first; specs/merkle.md §4).
  if (size1 === 0) {
    throw new HemkitError('MERKLE_EMPTY_TREE_CONSISTENCY', 'a consistency proof from the empty tree proves nothing');
  }
}

/** The stored entry is the leaf data itself (specs/messages/log-entry.md §1), so it must be bytes. */
export function requireEntry(entry: unknown): asserts entry is Uint8Array {
  if (!(entry instanceof Uint8Array)) {
    throw new HemkitError('CRYPTO_INVALID_MESSAGE', `"entry" expected Uint8Array, got ${describe(entry)}`);
  }
}
