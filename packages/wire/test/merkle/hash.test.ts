import { createHash } from 'node:crypto';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { createMerkleHasher, MERKLE_HASH_SIZE } from '../../src/merkle/index.js';
import { expectCode, fakeHashes, fromHex, HASHERS, hex } from './support.js';

// RFC 9162 §2.1.1. The leaf and root values below are those of the eight-leaf tree used by
// transparency-dev/merkle (proof/verify_test.go) and, before it, by the RFC 6962 reference code.
const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const LEAF_OF_EMPTY_STRING = '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d';
const LEAF_OF_00 = '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7';
const NODE_OF_THOSE_TWO = 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125';

describe.each(HASHERS)('RFC 9162 §2.1.1 hashing with %s', (_name, hasher) => {
  it('gives SHA-256 of the empty string as the root of the empty tree', () => {
    expect(hex(hasher.emptyRoot())).toBe(EMPTY_ROOT);
  });

  it('hashes a leaf as HASH(0x00 || data)', () => {
    expect(hex(hasher.hashLeaf(new Uint8Array(0)))).toBe(LEAF_OF_EMPTY_STRING);
    expect(hex(hasher.hashLeaf(fromHex('00')))).toBe(LEAF_OF_00);
    const data = new TextEncoder().encode('a log entry of some length, longer than one node');
    expect(hex(hasher.hashLeaf(data))).toBe(hex(sha256(Uint8Array.of(0x00, ...data))));
  });

  it('hashes leaves of any length one after another, each as HASH(0x00 || data)', () => {
    // Around the scratch buffer's size (1,024 bytes with the prefix), and back to short.
    const lengths = [5000, 3, 1023, 1024, 64, 0];
    const hashes = lengths.map((n) => hasher.hashLeaf(new Uint8Array(n).fill(n % 251)));
    lengths.forEach((n, i) => expect(hex(hashes[i]!)).toBe(hex(sha256(Uint8Array.of(0x00, ...new Uint8Array(n).fill(n % 251))))));
  });

  it('hashes an interior node as HASH(0x01 || left || right)', () => {
    const node = hasher.hashChildren(fromHex(LEAF_OF_EMPTY_STRING), fromHex(LEAF_OF_00));
    expect(hex(node)).toBe(NODE_OF_THOSE_TWO);
    expect(node).toHaveLength(MERKLE_HASH_SIZE);
  });

  it('keeps the order of the children', () => {
    const [a, b] = fakeHashes(2);
    expect(hex(hasher.hashChildren(a!, b!))).not.toBe(hex(hasher.hashChildren(b!, a!)));
  });

  it('returns node hashes that later calls do not overwrite', () => {
    const [a, b, c, d] = fakeHashes(4);
    const first = hasher.hashChildren(a!, b!);
    const kept = hex(first);
    const second = hasher.hashChildren(c!, d!);
    expect(hex(first)).toBe(kept);
    expect(first.buffer).not.toBe(second.buffer);
  });

  it('returns a new empty root each time, so a caller cannot change the next one', () => {
    const root = hasher.emptyRoot();
    root.fill(0);
    expect(hex(hasher.emptyRoot())).toBe(EMPTY_ROOT);
  });

  it('returns plain Uint8Arrays', () => {
    expect(Object.getPrototypeOf(hasher.hashLeaf(new Uint8Array(1)))).toBe(Uint8Array.prototype);
  });

  it('refuses children that are not 32 bytes instead of hashing stale bytes', () => {
    const [a] = fakeHashes(1);
    expectCode(() => hasher.hashChildren(a!, new Uint8Array(31)), 'MERKLE_INVALID_HASH_LENGTH');
    expectCode(() => hasher.hashChildren(new Uint8Array(33), a!), 'MERKLE_INVALID_HASH_LENGTH');
  });
});

describe('createMerkleHasher', () => {
  it('refuses a hash function whose digests are not 32 bytes', () => {
    expectCode(() => createMerkleHasher(sha384), 'MERKLE_INVALID_HASH_LENGTH');
  });

  it('copies the digests of a hash function that returns a view of its input, so later calls do not change them', () => {
    const hasher = createMerkleHasher((data) => (data.length > MERKLE_HASH_SIZE ? data.subarray(1, 1 + MERKLE_HASH_SIZE) : createHash('sha256').update(data).digest()));
    const [a, b, c, d] = fakeHashes(4);
    const first = hasher.hashChildren(a!, b!);
    const leaf = hasher.hashLeaf(new Uint8Array(40).fill(9));
    hasher.hashChildren(c!, d!);
    hasher.hashLeaf(new Uint8Array(40).fill(1));
    expect(hex(first)).toBe(hex(a!));
    expect(hex(leaf)).toBe(hex(new Uint8Array(32).fill(9)));
  });

  it('hands out copies of the empty root even when the hash function returns Buffers', () => {
    const hasher = createMerkleHasher((data) => createHash('sha256').update(data).digest());
    hasher.emptyRoot().fill(0);
    expect(hex(hasher.emptyRoot())).toBe(EMPTY_ROOT);
  });

  it('copies a leaf digest that shares memory with its scratch buffer', () => {
    // The same pathological "hash", now over the leaf scratch buffer.
    const hasher = createMerkleHasher((data) => (data.length === 0 ? sha256(data) : data.subarray(1, 33)));
    const first = hasher.hashLeaf(new Uint8Array(32).fill(1));
    hasher.hashLeaf(new Uint8Array(32).fill(2));
    expect(hex(first)).toBe(hex(new Uint8Array(32).fill(1)));
  });

  it('copies a digest that shares memory with its scratch buffer', () => {
    // A pathological "hash" that returns a view of its input: the node scratch buffer.
    const hasher = createMerkleHasher((data) => (data.length === 0 ? sha256(data) : data.subarray(1, 33)));
    const [a, b, c, d] = fakeHashes(4);
    const first = hasher.hashChildren(a!, b!);
    hasher.hashChildren(c!, d!);
    expect(hex(first)).toBe(hex(a!));
  });
});
