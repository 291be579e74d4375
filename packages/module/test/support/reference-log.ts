/** A plain in-memory log over the wire layer's reference tree, for firmware tests. */
import { createMerkleHasher, consistencyProof, inclusionProof, merkleRoot } from '@hemkit/wire/merkle';
import { nobleBackend } from '@hemkit/wire/crypto';
import type { FirmwareLog } from '../../src/firmware/env.js';

export class ReferenceLog implements FirmwareLog {
  readonly hasher = createMerkleHasher(nobleBackend.sha256);
  readonly entries: Uint8Array[] = [];
  readonly leaves: Uint8Array[] = [];
  get size(): number {
    return this.entries.length;
  }
  append(entry: Uint8Array): number {
    this.entries.push(entry.slice());
    this.leaves.push(this.hasher.hashLeaf(entry));
    return this.entries.length - 1;
  }
  entry(index: number): Uint8Array {
    return this.entries[index]!.slice();
  }
  root(size = this.size): Uint8Array {
    return merkleRoot(this.hasher, this.leaves.slice(0, size));
  }
  inclusionProof(index: number, size = this.size): Uint8Array[] {
    return inclusionProof(this.hasher, this.leaves.slice(0, size), index);
  }
  consistencyProof(size1: number, size2 = this.size): Uint8Array[] {
    return consistencyProof(this.hasher, this.leaves, size1, size2);
  }
}
