/**
 * Shared by the log store tests: the hasher, entries, the wire layer's reference proofs, temporary
 * directories and error assertions.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { consistencyProof, inclusionProof, merkleRoot, type MerkleHasher } from '@hemkit/wire/merkle';
import { createNodeMerkleHasher } from '@hemkit/wire/crypto/node';
import { toHex as hex } from '@hemkit/wire/bytes';
export { hex };

export const hasher: MerkleHasher = createNodeMerkleHasher();

/** Entry i: a few bytes that differ from every other entry's, some of them empty. */
export function testEntry(i: number, salt = 0): Uint8Array {
  const length = (i * 7 + salt) % 23;
  return Uint8Array.from({ length }, (_, j) => (i * 31 + j * 17 + salt) % 256);
}

export function testEntries(count: number, salt = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => testEntry(i, salt));
}

/** A proof as one string, so that a mismatch shows which hash differs and comparing stays cheap. */
export function proofHex(proof: readonly Uint8Array[]): string {
  return proof.map(hex).join(' ');
}

/** The wire layer's reference tree (RFC 9162's recursive definitions), memoised: tests ask it thousands of times. */
export class Reference {
  readonly hasher: MerkleHasher;
  readonly leafHashes: Uint8Array[];
  readonly #cache = new Map<string, string>();

  constructor(entries: readonly Uint8Array[], merkleHasher: MerkleHasher = hasher) {
    this.hasher = merkleHasher;
    this.leafHashes = entries.map((e) => merkleHasher.hashLeaf(e));
  }

  root(size: number): string {
    return this.#memo(`r${size}`, () => hex(merkleRoot(this.hasher, this.leafHashes.slice(0, size))));
  }

  inclusion(index: number, size: number): string {
    return this.#memo(`i${index},${size}`, () => proofHex(inclusionProof(this.hasher, this.leafHashes.slice(0, size), index)));
  }

  consistency(size1: number, size2: number): string {
    return this.#memo(`c${size1},${size2}`, () => proofHex(consistencyProof(this.hasher, this.leafHashes, size1, size2)));
  }

  #memo(key: string, compute: () => string): string {
    let value = this.#cache.get(key);
    if (value === undefined) {
      value = compute();
      this.#cache.set(key, value);
    }
    return value;
  }
}

/** A new empty directory under the system's temporary directory. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hemkit-log-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function fileLength(dir: string, name: string): number {
  return fs.statSync(path.join(dir, name)).size;
}

export function appendBytes(dir: string, name: string, bytes: Uint8Array): void {
  fs.appendFileSync(path.join(dir, name), bytes);
}

export function cutFile(dir: string, name: string, length: number): void {
  fs.truncateSync(path.join(dir, name), length);
}

/** The one assertion on typed errors, shared by every package's tests. */
export { expectCode, thrownBy } from '../../../wire/test/support/expect-code.js';
