/**
 * Shared by the Merkle tests: both hashers, error assertions, and an independent BigInt model of
 * proof shapes used to check the verifiers on trees far past 2^32 leaves.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'vitest';
import { HemkitError } from '../../src/errors.js';
import { thrownBy } from '../support/expect-code.js';
import { createMerkleHasher, rememberingHasher, type MerkleHasher } from '../../src/merkle/index.js';
import { createNodeMerkleHasher } from '../../src/crypto/node-entry.js';
export { fromHex, toHex as hex } from '../../src/bytes.js';

/** Every test that hashes runs with both: they must agree on every input. */
export const HASHERS: readonly (readonly [name: string, hasher: MerkleHasher])[] = [
  ['noble', createMerkleHasher(sha256)],
  ['node:crypto', createNodeMerkleHasher()],
  // One instance for every test: what it remembers from one tree must never change another's result.
  ['remembering (noble)', rememberingHasher(createMerkleHasher(sha256))],
];

/** The one assertion on typed errors, shared by every package's tests. */
export { expectCode, thrownBy } from '../support/expect-code.js';

/** Asserts that `fn` throws a HemkitError with one of the Merkle codes, when which one depends on the shape. */
export function expectMerkleError(fn: () => unknown): HemkitError {
  const thrown = thrownBy(fn);
  expect(thrown, `expected a HemkitError, but ${thrown === undefined ? 'nothing was thrown' : String(thrown)}`).toBeInstanceOf(HemkitError);
  expect((thrown as HemkitError).code).toMatch(/^MERKLE_/);
  return thrown as HemkitError;
}

/** Deterministic distinct 32-byte values, so that failures reproduce. */
export function fakeHashes(count: number, seed = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const h = new Uint8Array(32);
    new DataView(h.buffer).setUint32(0, seed);
    new DataView(h.buffer).setUint32(4, i);
    h[31] = 0xa5;
    return h;
  });
}

export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

// --- An independent model of proof shapes, in BigInt --------------------------------------------
// Not the RFC's step-by-step loop that the code under test follows, but the decomposition used by
// transparency-dev/merkle (proof/verify.go): an inclusion path splits where the paths to `index` and
// to `size - 1` diverge, into `inner` hashes (left or right siblings, chosen by the bits of `index`)
// and `border` hashes (left siblings only). BigInt keeps every bit of sizes up to 2^64.

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function onesCount(x: bigint): number {
  return [...x.toString(2)].filter((c) => c === '1').length;
}

function trailingZeros(x: bigint): number {
  let n = 0;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

function decompose(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  return { inner, border: onesCount(index >> BigInt(inner)) };
}

function chainInner(hasher: MerkleHasher, seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  return proof.reduce((h, p, i) => (((index >> BigInt(i)) & 1n) === 0n ? hasher.hashChildren(h, p) : hasher.hashChildren(p, h)), seed);
}

function chainInnerRight(hasher: MerkleHasher, seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  return proof.reduce((h, p, i) => (((index >> BigInt(i)) & 1n) === 1n ? hasher.hashChildren(p, h) : h), seed);
}

function chainBorderRight(hasher: MerkleHasher, seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  return proof.reduce((h, p) => hasher.hashChildren(p, h), seed);
}

export function modelInclusionProofLength(index: bigint, size: bigint): number {
  const { inner, border } = decompose(index, size);
  return inner + border;
}

export function modelRootFromInclusionProof(
  hasher: MerkleHasher,
  index: bigint,
  size: bigint,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  const { inner } = decompose(index, size);
  return chainBorderRight(hasher, chainInner(hasher, leafHash, proof.slice(0, inner), index), proof.slice(inner));
}

/** For 0 < size1 < size2. When size1 is a power of two its root is not in the proof. */
export function modelConsistencyProofLength(size1: bigint, size2: bigint): number {
  const { inner, border } = decompose(size1 - 1n, size2);
  const shift = trailingZeros(size1);
  const seedInProof = size1 === 1n << BigInt(shift) ? 0 : 1;
  return seedInProof + inner - shift + border;
}

/**
 * The two roots that a consistency proof of the right length commits to. `seedRoot` is the first
 * root when size1 is a power of two (the proof then starts from it); otherwise it is ignored and the
 * first root is rebuilt from the proof.
 */
export function modelRootsFromConsistencyProof(
  hasher: MerkleHasher,
  size1: bigint,
  size2: bigint,
  proof: readonly Uint8Array[],
  seedRoot: Uint8Array,
): { root1: Uint8Array; root2: Uint8Array } {
  const decomposition = decompose(size1 - 1n, size2);
  const shift = trailingZeros(size1);
  const inner = decomposition.inner - shift;
  const powerOfTwo = size1 === 1n << BigInt(shift);
  const seed = powerOfTwo ? seedRoot : proof[0]!;
  const rest = powerOfTwo ? proof : proof.slice(1);
  const mask = (size1 - 1n) >> BigInt(shift);
  const root1 = chainBorderRight(hasher, chainInnerRight(hasher, seed, rest.slice(0, inner), mask), rest.slice(inner));
  const root2 = chainBorderRight(hasher, chainInner(hasher, seed, rest.slice(0, inner), mask), rest.slice(inner));
  return { root1: powerOfTwo ? seedRoot : root1, root2 };
}
