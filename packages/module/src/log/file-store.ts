/**
 * The LogStore of the device process: a directory of append-only files. Memory holds the tree's
 * frontier (tree.ts, one hash per level) and the write buffers, never the tree itself: a log of 10^7
 * entries needs 24 hashes more than an empty one, and a proof reads O(log n) hashes from disk.
 *
 *   entries    the entries back to back (the leaf data, specs/messages/log-entry.md §1)
 *   offsets    for entry i, 8 bytes big-endian: the end of entry i in `entries`. Fixed-size records
 *              give entry i's bytes with one read at 8·(i − 1), with no index in memory.
 *   level-00   the leaf hashes, 32 bytes each
 *   level-kk   the hashes of the complete subtrees of 2^k leaves, in order, each appended when its
 *              last leaf arrives: n leaves keep floor(n / 2^k) hashes at level k, fewer than 2n in all.
 *
 * Crash consistency. The offsets file is the commit record: the log has as many entries as the offsets
 * file holds whole records. flush() makes the entries and node hashes durable before it writes the
 * offsets that count them, so after any crash every other file is at least as long as the offsets file
 * needs. open() trims whatever lies beyond (a torn record, or bytes of an append whose offset never
 * reached the disk) and reports LOG_STORE_CORRUPT when a file is shorter than the count needs, which no
 * crash can cause.
 *
 * Damage is another matter: an offsets file emptied or cut short would make open() trim the entries
 * it no longer counts. An owner that knows the committed size and root from elsewhere, as the device
 * does, therefore reconciles the directory against them first (reconcile.ts, specs/security.md
 * §10.2), which rebuilds the derived files from the entries and never cuts an acknowledged entry.
 */
import * as path from 'node:path';
import { HemkitError } from '@hemkit/wire/errors';
import { MERKLE_HASH_SIZE, type MerkleHasher } from '@hemkit/wire/merkle';
import { exists, io, nodeSyncFs, syncPath, type SyncFs } from '../storage/fs-ops.js';
import { AppendFile, corrupt, decodeUint64 } from './append-file.js';
import { bitLength, nodeCount } from './arithmetic.js';
import { requireEntry, requireIndexBelow, requireSizeAtMost } from './checks.js';
import { readRun, type LogRun } from './run.js';
import type { LogStore } from './store.js';
import { LogTree, type NodeStorage } from './tree.js';

export const ENTRIES = 'entries';
export const OFFSETS = 'offsets';
export const OFFSET_SIZE = 8;
export const LEVEL_FILE = /^level-(\d{2})$/;
/** Trees of up to 2^53 − 1 leaves (specs/merkle.md §2) have levels 0 to 52. */
export const MAX_LEVEL = 52;

export function levelFileName(level: number): string {
  return `level-${String(level).padStart(2, '0')}`;
}

export interface FileLogStoreOptions {
  /**
   * Buffered bytes after which append() flushes on its own, bounding the memory of a store that is
   * never flushed; 1 MiB by default.
   */
  readonly bufferBytes?: number;
  /** The file system; node:fs by default. Tests inject one that fails (a full disk, a read-only medium). */
  readonly fs?: SyncFs;
}

/** The per-level hash files, created as the tree grows a level. */
class FileNodes implements NodeStorage {
  readonly #fs: SyncFs;
  readonly #dir: string;
  readonly levels: (AppendFile | undefined)[];
  /** Set when a level file was created and its name is not yet durable in the directory. */
  newFiles = false;

  constructor(fs: SyncFs, dir: string, levels: (AppendFile | undefined)[]) {
    this.#fs = fs;
    this.#dir = dir;
    this.levels = levels;
  }

  node(level: number, index: number): Uint8Array {
    return this.levels[level]!.read(index * MERKLE_HASH_SIZE, MERKLE_HASH_SIZE);
  }

  push(level: number, hash: Uint8Array): void {
    let file = this.levels[level];
    if (file === undefined) {
      file = AppendFile.open(this.#fs, path.join(this.#dir, levelFileName(level)), true);
      this.levels[level] = file;
      this.newFiles = true;
    }
    file.append(hash);
  }

  get buffered(): number {
    let bytes = 0;
    for (const file of this.levels) bytes += file?.buffered ?? 0;
    return bytes;
  }
}

/** The files of a directory as open() finds them, before any check. */
interface Found {
  readonly entries: AppendFile | undefined;
  readonly offsets: AppendFile | undefined;
  readonly levels: (AppendFile | undefined)[];
}

function findFiles(fs: SyncFs, dir: string): Found {
  const names = io(`cannot list ${dir}`, () => fs.readdirSync(dir));
  const opened: AppendFile[] = [];
  const open = (name: string): AppendFile => {
    const file = AppendFile.open(fs, path.join(dir, name), false);
    opened.push(file);
    return file;
  };
  try {
    const levels: (AppendFile | undefined)[] = [];
    for (const name of names) {
      const match = LEVEL_FILE.exec(name);
      if (match !== null && Number(match[1]) <= MAX_LEVEL) levels[Number(match[1])] = open(name);
    }
    const named = (name: string): AppendFile | undefined => (names.includes(name) ? open(name) : undefined);
    return { entries: named(ENTRIES), offsets: named(OFFSETS), levels };
  } catch (e) {
    for (const file of opened) file.close();
    throw e;
  }
}

/**
 * The leaf count the files commit to, after checking that each file is long enough for it; then every
 * file is cut to exactly what that count needs.
 */
function recover(fs: SyncFs, dir: string, found: Found, offsets: AppendFile): { entries: AppendFile; size: number } {
  // A trailing partial record is an append that died mid-write: it was never counted.
  const size = Math.floor(offsets.length / OFFSET_SIZE);
  const entriesEnd = size === 0 ? 0 : offsets.readUint64((size - 1) * OFFSET_SIZE);
  const entriesLength = found.entries?.length ?? 0;
  if (entriesEnd > entriesLength) {
    throw corrupt(
      `${offsets.path} puts the end of entry ${size - 1} at byte ${entriesEnd}, past the ${entriesLength} bytes of ${path.join(dir, ENTRIES)}`,
    );
  }
  for (let level = 0; level < bitLength(size); level++) {
    const file = found.levels[level];
    const needed = nodeCount(size, level);
    const held = file === undefined ? 0 : Math.floor(file.length / MERKLE_HASH_SIZE);
    if (held < needed) {
      throw corrupt(
        `${path.join(dir, levelFileName(level))} holds ${held} hashes, but a log of ${size} entries has ${needed} complete subtrees of 2^${level} leaves`,
      );
    }
  }
  const entries = found.entries ?? AppendFile.open(fs, path.join(dir, ENTRIES), true);
  offsets.truncate(size * OFFSET_SIZE);
  entries.truncate(entriesEnd);
  found.levels.forEach((file, level) => file?.truncate(nodeCount(size, level) * MERKLE_HASH_SIZE));
  for (const file of [offsets, entries, ...found.levels]) file?.sync();
  return { entries, size };
}

type State = 'open' | 'failed' | 'closed';

export class FileLogStore implements LogStore {
  readonly #fs: SyncFs;
  readonly #dir: string;
  readonly #hasher: MerkleHasher;
  readonly #entries: AppendFile;
  readonly #offsets: AppendFile;
  readonly #nodes: FileNodes;
  readonly #bufferBytes: number;
  #tree: LogTree;
  #state: State = 'open';
  /** The failure that put the store in state 'failed'. */
  #failure: HemkitError | undefined;

  private constructor(
    fs: SyncFs,
    dir: string,
    hasher: MerkleHasher,
    entries: AppendFile,
    offsets: AppendFile,
    nodes: FileNodes,
    size: number,
    bufferBytes: number,
  ) {
    this.#fs = fs;
    this.#dir = dir;
    this.#hasher = hasher;
    this.#entries = entries;
    this.#offsets = offsets;
    this.#nodes = nodes;
    this.#bufferBytes = bufferBytes;
    this.#tree = new LogTree(hasher, nodes, size);
  }

  /**
   * Opens the log in `dir`, creating the directory and an empty log when it holds no log files.
   * Recovers the size from the offsets file and discards torn or uncommitted tails; throws HemkitError
   * LOG_STORE_CORRUPT when the files cannot hold the log they describe, and STORAGE_FULL or
   * STORAGE_IO_FAILED when the medium fails. A directory that needs no trimming is not written to.
   *
   * The offsets file is this store's commit record; a device has a better one, its committed state,
   * and reconciles the directory against it (reconcile.ts) before it opens the store.
   */
  static open(dir: string, hasher: MerkleHasher, options: FileLogStoreOptions = {}): FileLogStore {
    const fs = options.fs ?? nodeSyncFs;
    const bufferBytes = options.bufferBytes ?? 2 ** 20;
    if (!exists(fs, dir)) io(`cannot create ${dir}`, () => fs.mkdirSync(dir, { recursive: true }));
    const found = findFiles(fs, dir);
    const created: AppendFile[] = [];
    try {
      if (found.offsets === undefined) {
        if (found.entries !== undefined || found.levels.some((file) => file !== undefined)) {
          throw corrupt(`${dir} holds log files but no ${OFFSETS} file, so it cannot tell how many entries were committed`);
        }
        created.push(AppendFile.open(fs, path.join(dir, ENTRIES), true));
        created.push(AppendFile.open(fs, path.join(dir, OFFSETS), true));
        syncPath(fs, dir);
        return new FileLogStore(fs, dir, hasher, created[0]!, created[1]!, new FileNodes(fs, dir, []), 0, bufferBytes);
      }
      const { entries, size } = recover(fs, dir, found, found.offsets);
      if (entries !== found.entries) created.push(entries);
      return new FileLogStore(fs, dir, hasher, entries, found.offsets, new FileNodes(fs, dir, found.levels), size, bufferBytes);
    } catch (e) {
      for (const file of [found.entries, found.offsets, ...found.levels, ...created]) file?.close();
      throw e;
    }
  }

  get size(): number {
    return this.#tree.size;
  }

  append(entry: Uint8Array): number {
    this.#requireOpen();
    requireEntry(entry);
    const leafHash = this.#hasher.hashLeaf(entry);
    const index = this.#failOnError(() => {
      this.#entries.append(entry);
      this.#offsets.appendUint64(this.#entries.length);
      return this.#tree.appendLeaf(leafHash);
    });
    if (this.#entries.buffered + this.#offsets.buffered + this.#nodes.buffered > this.#bufferBytes) this.flush();
    return index;
  }

  entry(index: number): Uint8Array {
    this.#requireOpen();
    requireIndexBelow(index, this.size);
    // Entry i spans from the end of entry i − 1 to its own end: one read of both offsets.
    let start = 0;
    let end: number;
    if (index === 0) {
      end = this.#endOffset(0);
    } else {
      const both = this.#offsets.read((index - 1) * OFFSET_SIZE, 2 * OFFSET_SIZE);
      start = decodeUint64(both, 0, this.#offsets.path);
      end = decodeUint64(both, OFFSET_SIZE, this.#offsets.path);
    }
    if (start > end || end > this.#entries.length) {
      throw corrupt(
        `${this.#offsets.path} gives entry ${index} the bytes [${start}, ${end}), outside the ${this.#entries.length} bytes of ${this.#entries.path}`,
      );
    }
    return this.#entries.read(start, end - start);
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
    this.#failOnError(() => {
      const data = [this.#entries, ...this.#nodes.levels];
      for (const file of data) file?.writeOut();
      for (const file of data) file?.sync();
      if (this.#nodes.newFiles) {
        syncPath(this.#fs, this.#dir);
        this.#nodes.newFiles = false;
      }
      // Last, the commit record: its offsets count only entries whose bytes and nodes are on disk.
      this.#offsets.writeOut();
      this.#offsets.sync();
    });
  }

  truncate(size: number): void {
    this.#requireOpen();
    requireSizeAtMost('size', size, this.size);
    if (size === this.size) return;
    const entriesEnd = size === 0 ? 0 : this.#endOffset(size - 1);
    this.flush();
    this.#failOnError(() => {
      // The commit record first: if the process dies before the other files are cut, open() finds
      // them longer than the offsets need and trims them, which is what this call was doing.
      this.#offsets.truncate(size * OFFSET_SIZE);
      this.#offsets.sync();
      this.#entries.truncate(entriesEnd);
      this.#nodes.levels.forEach((file, level) => file?.truncate(nodeCount(size, level) * MERKLE_HASH_SIZE));
      for (const file of [this.#entries, ...this.#nodes.levels]) file?.sync();
      this.#tree = new LogTree(this.#hasher, this.#nodes, size);
    });
  }

  close(): void {
    if (this.#state === 'closed') return;
    try {
      if (this.#state === 'open') this.flush();
    } finally {
      this.#state = 'closed';
      for (const file of [this.#entries, this.#offsets, ...this.#nodes.levels]) file?.close();
    }
  }

  #endOffset(index: number): number {
    return this.#offsets.readUint64(index * OFFSET_SIZE);
  }

  #requireOpen(): void {
    if (this.#state === 'closed') throw new HemkitError('LOG_STORE_CORRUPT', 'the log store is closed');
    if (this.#state === 'failed') {
      const failure = this.#failure!;
      throw new HemkitError(
        failure.code,
        `an earlier write to the log store failed (${failure.message}); reopen the directory to recover its last flushed state`,
        { cause: failure },
      );
    }
  }

  /**
   * After a failed write or sync the buffers and the files no longer agree, and a retried fsync may
   * report success for data the kernel has dropped (PostgreSQL's "fsyncgate", 2018). So the store
   * refuses further use; reopening recovers what the offsets file committed.
   */
  #failOnError<T>(action: () => T): T {
    try {
      return action();
    } catch (e) {
      this.#state = 'failed';
      this.#failure = e instanceof HemkitError ? e : new HemkitError('STORAGE_IO_FAILED', String(e), { cause: e });
      throw e;
    }
  }
}
