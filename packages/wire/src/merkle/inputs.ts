/**
 * Checks on the inputs of the Merkle functions, shared so that every function reports the same
 * failure with the same code and wording.
 */
import { HemkitError } from '../errors.js';

/** The length of every hash in a hemkit Merkle tree: the profile fixes HASH to SHA-256. */
export const MERKLE_HASH_SIZE = 32;

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  if (typeof value === 'number') return String(value);
  return `a value of type ${value === null ? 'null' : typeof value}`;
}

/**
 * Tree sizes and leaf indices are numbers restricted to safe integers, so that the arithmetic on
 * them (division by 2, remainder by 2) is exact. JavaScript's bit operators would truncate to 32 bits.
 */
export function requireTreeSize(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new HemkitError(
      'MERKLE_INVALID_TREE_SIZE',
      `"${name}" expected an integer from 0 to 2^53-1, got ${describe(value)}`,
    );
  }
}

export function requireHash(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== MERKLE_HASH_SIZE) {
    const got = value instanceof Uint8Array ? `length ${value.length}` : describe(value);
    throw new HemkitError('MERKLE_INVALID_HASH_LENGTH', `"${name}" expected Uint8Array of length ${MERKLE_HASH_SIZE}, got ${got}`);
  }
}

export function requireHashes(name: string, value: unknown): asserts value is readonly Uint8Array[] {
  if (!Array.isArray(value)) {
    throw new HemkitError('MERKLE_PROOF_WRONG_LENGTH', `"${name}" expected an array of hashes, got ${describe(value)}`);
  }
  for (let i = 0; i < value.length; i++) {
    // The element's name is built only on failure: this runs on every hash of every proof.
    const h: unknown = value[i];
    if (!(h instanceof Uint8Array) || h.length !== MERKLE_HASH_SIZE) requireHash(`${name}[${i}]`, h);
  }
}

/** Roots are public values, so a comparison that stops at the first difference leaks nothing. */
export function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Right-shift by one, exact for every safe integer (`>>` works on 32 bits and would wrap). */
export function half(x: number): number {
  return Math.floor(x / 2);
}

export function isOdd(x: number): boolean {
  return x % 2 === 1;
}

export function isPowerOfTwo(x: number): boolean {
  if (x < 1) return false;
  while (x % 2 === 0) x /= 2;
  return x === 1;
}
