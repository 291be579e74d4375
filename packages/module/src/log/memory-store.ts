/**
 * A LogStore in memory, for tests and the pure core. It keeps every entry and every complete-subtree
 * hash (fewer than 2n hashes for n entries), so its memory grows with the log: the device process uses
 * FileLogStore, which keeps the same nodes on disk.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { MERKLE_HASH_SIZE, type MerkleHasher } from '@hemkit/wire/merkle';
import { nodeCount } from './arithmetic.js';
import { requireEntry, requireIndexBelow, requireSizeAtMost } from './checks.js';
import { readRun, type LogRun } from './run.js';
import type { LogStore } from './store.js';
import { LogTree, type NodeStorage } from './tree.js';

/**
 * One level's hashes back to back in one growing buffer: a million 32-byte arrays would cost several
 * times their bytes in object headers and garbage-collector work.
 */
class HashColumn {
  #bytes = new Uint8Array(64 * MERKLE_HASH_SIZE);
  #count = 0;

  push(hash: Uint8Array): void {
    const end = (this.#count + 1) * MERKLE_HASH_SIZE;
    if (end > this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    this.#bytes.set(hash, end - MERKLE_HASH_SIZE);
    this.#count++;
  }

  get(index: number): Uint8Array {
    return this.#bytes.slice(index * MERKLE_HASH_SIZE, (index + 1) * MERKLE_HASH_SIZE);
  }

  truncate(count: number): void {
    this.#count = Math.min(this.#count, count);
  }
}

/**
 * The entries back to back with their end offsets, the layout FileLogStore keeps on disk: one object
 * per entry would leave the garbage collector a million live objects to trace for a million entries.
 */
class EntryColumn {
  #bytes = new Uint8Array(4096);
  #length = 0;
  #ends = new Float64Array(256);
  #count = 0;

  push(entry: Uint8Array): void {
    const end = this.#length + entry.length;
    if (end > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.#bytes.length * 2));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    if (this.#count === this.#ends.length) {
      const grown = new Float64Array(this.#ends.length * 2);
      grown.set(this.#ends);
      this.#ends = grown;
    }
    this.#bytes.set(entry, this.#length);
    this.#length = end;
    this.#ends[this.#count++] = end;
  }

  get(index: number): Uint8Array {
    return this.#bytes.slice(index === 0 ? 0 : this.#ends[index - 1]!, this.#ends[index]!);
  }

  truncate(count: number): void {
    this.#count = Math.min(this.#count, count);
    this.#length = this.#count === 0 ? 0 : this.#ends[this.#count - 1]!;
  }
}

class MemoryNodes implements NodeStorage {
  readonly levels: HashColumn[] = [];

  node(level: number, index: number): Uint8Array {
    return this.levels[level]!.get(index);
  }

  push(level: number, hash: Uint8Array): void {
    (this.levels[level] ??= new HashColumn()).push(hash);
  }
}

export class MemoryLogStore implements LogStore {
  readonly #hasher: MerkleHasher;
  readonly #nodes = new MemoryNodes();
  #entries = new EntryColumn();
  #tree: LogTree;
  #closed = false;

  constructor(hasher: MerkleHasher) {
    this.#hasher = hasher;
    this.#tree = new LogTree(hasher, this.#nodes, 0);
  }

  get size(): number {
    return this.#tree.size;
  }

  append(entry: Uint8Array): number {
    this.#requireOpen();
    requireEntry(entry);
    const leafHash = this.#hasher.hashLeaf(entry);
    // Copied into the store's own buffer: a caller that reuses its array cannot rewrite a logged entry.
    this.#entries.push(entry);
    return this.#tree.appendLeaf(leafHash);
  }

  entry(index: number): Uint8Array {
    this.#requireOpen();
    requireIndexBelow(index, this.size);
    return this.#entries.get(index);
  }

  leafHash(index: number): Uint8Array {
    this.#requireOpen();
    requireIndexBelow(index, this.size);
    return this.#nodes.node(0, index);
  }

  root(size: number = this.size): Uint8Array {
    this.#requireOpen();
    return this.#tree.root(size);
  }

  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.#requireOpen();
    return this.#tree.inclusionProof(index, size);
  }

  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    this.#requireOpen();
    return this.#tree.consistencyProof(size1, size2);
  }

  frontier(size: number): Uint8Array[] {
    this.#requireOpen();
    return this.#tree.frontier(size);
  }

  readRun(start: number, end: number, maxBytes: number): LogRun {
    return readRun(this, start, end, maxBytes);
  }

  flush(): void {
    this.#requireOpen();
  }

  truncate(size: number): void {
    this.#requireOpen();
    requireSizeAtMost('size', size, this.size);
    this.#entries.truncate(size);
    this.#nodes.levels.forEach((column, level) => column.truncate(nodeCount(size, level)));
    this.#tree = new LogTree(this.#hasher, this.#nodes, size);
  }

  close(): void {
    this.#closed = true;
    this.#entries = new EntryColumn();
    this.#nodes.levels.length = 0;
  }

  #requireOpen(): void {
    if (this.#closed) throw new HemkitError('LOG_STORE_CORRUPT', 'the log store is closed');
  }
}
