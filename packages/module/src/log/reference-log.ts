/**
 * A log over the wire layer's reference tree (@hemkit/wire/merkle merkleRoot, inclusionProof,
 * consistencyProof): every root and proof recomputed from all leaves, O(n) each. Too slow for a
 * device, it is the independent oracle for the firmware's tests and the log the session vectors
 * run over, so that neither depends on the optimised stores they check.
 */
import { createMerkleHasher, consistencyProof, frontierSubtreeSizes, inclusionProof, merkleRoot, type MerkleHasher } from '@hemkit/wire/merkle';
import { nobleBackend } from '@hemkit/wire/crypto';
import type { FirmwareLog, LogRun } from '../firmware/env.js';
import { readRun } from './run.js';

export class ReferenceLog implements FirmwareLog {
  readonly entries: Uint8Array[] = [];
  private readonly leaves: Uint8Array[] = [];

  constructor(private readonly hasher: MerkleHasher = createMerkleHasher(nobleBackend.sha256)) {}

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

  /** F(size) by its definition (merkle.md §9): MTH of each perfect subtree of [0, size), largest first. */
  frontier(size: number): Uint8Array[] {
    let offset = 0;
    return frontierSubtreeSizes(size).map((width) => merkleRoot(this.hasher, this.leaves.slice(offset, (offset += width))));
  }

  readRun(start: number, end: number, maxBytes: number): LogRun {
    return readRun(this, start, end, maxBytes);
  }
}
