/**
 * Reconciling a log directory with what its owner committed (specs/security.md §10.2), before the
 * directory is opened as a FileLogStore.
 *
 * The owner (the device) records in its committed state the log's size N and its root R, the MTH of
 * the first N entries (RFC 9162 §2.1.1). Of the files of a log (file-store.ts), only `entries` holds
 * data; `offsets` and the `level-kk` files are derived from it. So:
 *
 * 1. The first N entries are found, by the offsets file when it is sound, else (when the owner can
 *    delimit an entry, as the device can a CBOR log entry) by reading the entries one after another.
 *    They must hash to R. If no reading of the entries gives R, an acknowledged entry was changed
 *    (LOG_INTEGRITY_FAILED) or removed (LOG_ENTRIES_MISSING), and nothing is written: every file is
 *    left as it was found, for someone to restore or examine.
 * 2. Beyond N the entries were never acknowledged, and are dropped; unless `keepBeyond` is set (a
 *    restored older state, whose newer entries were acknowledged by states since lost), in which
 *    case every further entry that can be delimited is kept, and bytes beyond the last one are
 *    copied aside into `unreconciled/` before the entries file is cut.
 * 3. The offsets and level files are compared with what the entries give, and rebuilt (written to a
 *    temporary file and renamed over the old one) or cut where they differ or run long.
 *
 * A directory that needs nothing is not written to, so a read-only medium is no obstacle to opening
 * a sound log. Every step is repeatable: a crash during repairs leaves the first N entries as they
 * were, and the next reconciliation starts again from them.
 */
import * as path from 'node:path';
import { HemkitError } from '@hemkit/wire/errors';
import { MERKLE_HASH_SIZE, type MerkleHasher } from '@hemkit/wire/merkle';
import { createFsOps, exists, io, nodeSyncFs, statFile, syncPath, TEMP_SUFFIX, type SyncFs } from '../storage/fs-ops.js';
import { AppendFile, decodeUint64 } from './append-file.js';
import { nodeCount } from './arithmetic.js';
import { ENTRIES, LEVEL_FILE, levelFileName, MAX_LEVEL, OFFSET_SIZE, OFFSETS } from './file-store.js';
import { FileWindow } from './file-window.js';
import { LogTree, type NodeStorage } from './tree.js';
import { bytesEqual } from '@hemkit/wire/bytes';

/** What the owner committed: the log holds at least `size` entries, and the first `size` have `root`. */
export interface CommittedLog {
  readonly size: number;
  readonly root: Uint8Array;
}

/**
 * The length of the entry numbered `index` that starts at the first byte of `window`, or undefined
 * when no such entry starts there. `window` holds up to maxEntryBytes of the entries file.
 */
export type EntryDelimiter = (window: Uint8Array, index: number) => number | undefined;

export interface ReconcileOptions {
  /** Keep the entries beyond the committed size (see the module comment); false drops them. */
  readonly keepBeyond?: boolean;
  /** How to find entries without the offsets file; without it, a damaged offsets file cannot be rebuilt. */
  readonly delimit?: EntryDelimiter;
  /** The longest entry the delimiter is shown at once; 1 MiB (the CBOR input bound) by default. */
  readonly maxEntryBytes?: number;
  readonly fs?: SyncFs;
}

export interface Reconciliation {
  /** The entries the log holds now: the committed size, plus any kept beyond it. */
  readonly size: number;
  /** One line for each file rebuilt, cut, or copied aside; empty when nothing was written. */
  readonly repairs: readonly string[];
}

/** Where bytes that cannot be reconciled are kept (copied, never deleted), inside the log directory. */
export const UNRECONCILED_DIR = 'unreconciled';

const READ_CHUNK = 2 ** 21;
const DERIVED_CHUNK = 2 ** 16;
const WRITE_OUT_BYTES = 2 ** 20;

/** The files of a log directory, open for reading. */
class Found {
  readonly entries: FileWindow;
  readonly offsets: FileWindow;
  readonly offsetsExists: boolean;
  /** By level; a window of length 0 for a level without a file. */
  readonly levels: FileWindow[] = [];
  readonly anyFile: boolean;

  constructor(fs: SyncFs, readonly dir: string) {
    const names = exists(fs, dir) ? io(`cannot list ${dir}`, () => fs.readdirSync(dir)) : [];
    const opened: FileWindow[] = [];
    const open = (name: string, chunk: number) => {
      const window = FileWindow.open(fs, path.join(dir, name), names.includes(name), chunk);
      opened.push(window);
      return window;
    };
    try {
      this.entries = open(ENTRIES, READ_CHUNK);
      this.offsets = open(OFFSETS, DERIVED_CHUNK);
      for (let level = 0; level <= MAX_LEVEL; level++) {
        if (names.includes(levelFileName(level))) this.levels[level] = open(levelFileName(level), DERIVED_CHUNK);
      }
    } catch (e) {
      for (const window of opened) window.close();
      throw e;
    }
    this.offsetsExists = names.includes(OFFSETS);
    this.anyFile = names.some((name) => name === ENTRIES || name === OFFSETS || LEVEL_FILE.test(name));
  }

  level(level: number): FileWindow | undefined {
    return this.levels[level];
  }

  /** The stored end offset of entry `index`, undefined when there is none or it cannot be an offset. */
  storedOffset(index: number): number | undefined {
    const at = index * OFFSET_SIZE;
    if (at + OFFSET_SIZE > this.offsets.length) return undefined;
    try {
      return decodeUint64(this.offsets.view(at, OFFSET_SIZE), 0, this.offsets.path);
    } catch {
      return undefined; // 2^53 or more: no entries file reaches it
    }
  }

  close(): void {
    for (const file of [this.entries, this.offsets, ...this.levels]) file?.close();
  }
}

/** Finds where entry `index`, starting at byte `start`, ends; undefined when it cannot. */
type Boundary = (index: number, start: number) => number | undefined;

function byOffsets(found: Found): Boundary {
  return (index, start) => {
    const end = found.storedOffset(index);
    return end !== undefined && end >= start && end <= found.entries.length ? end : undefined;
  };
}

function byDelimiter(found: Found, delimit: EntryDelimiter, maxEntryBytes: number): Boundary {
  return (index, start) => {
    if (start >= found.entries.length) return undefined;
    const window = found.entries.view(start, Math.min(maxEntryBytes, found.entries.length - start));
    const length = delimit(window, index);
    return length !== undefined && Number.isSafeInteger(length) && length > 0 && length <= window.length ? start + length : undefined;
  };
}

/** Temporary files that rebuilt derived files are written to, renamed over the originals at the end. */
class Rebuild {
  readonly offsets: AppendFile | undefined;
  readonly levels = new Map<number, AppendFile>();

  constructor(
    private readonly fs: SyncFs,
    private readonly dir: string,
    offsets: boolean,
    levels: readonly number[],
  ) {
    this.offsets = offsets ? this.#create(OFFSETS) : undefined;
    for (const level of levels) this.levels.set(level, this.#create(levelFileName(level)));
  }

  /** Makes every temporary file durable and renames it over its original; returns the names. */
  commit(): string[] {
    const renamed: string[] = [];
    for (const [name, file] of this.#files()) {
      file.writeOut();
      file.sync();
      file.close();
      io(`cannot rename ${file.path}`, () => this.fs.renameSync(file.path, path.join(this.dir, name)));
      renamed.push(name);
    }
    syncPath(this.fs, this.dir);
    return renamed;
  }

  /** Hands buffered bytes to the kernel now and then, so that a rebuild holds at most ~1 MiB per file. */
  spill(): void {
    for (const [, file] of this.#files()) if (file.buffered > WRITE_OUT_BYTES) file.writeOut();
  }

  #files(): [string, AppendFile][] {
    const files: [string, AppendFile][] = this.offsets ? [[OFFSETS, this.offsets]] : [];
    for (const [level, file] of this.levels) files.push([levelFileName(level), file]);
    return files;
  }

  #create(name: string): AppendFile {
    return AppendFile.open(this.fs, path.join(this.dir, name + TEMP_SUFFIX), true);
  }
}

/**
 * The tree's nodes as a pass produces them: each is compared with the stored level file (the first
 * disagreement, or a file too short, marks the level for rebuilding) and, when rebuilding, written.
 */
class PassNodes implements NodeStorage {
  readonly produced: number[] = [];
  readonly differs: boolean[] = [];

  constructor(
    private readonly found: Found,
    private readonly rebuild: Rebuild | undefined,
  ) {}

  node(): Uint8Array {
    throw new Error('a reconciliation pass reads no stored node'); // LogTree asks only from size > 0
  }

  push(level: number, hash: Uint8Array): void {
    const index = this.produced[level] ?? 0;
    this.produced[level] = index + 1;
    if (!this.differs[level]) {
      const stored = this.found.level(level);
      const at = index * MERKLE_HASH_SIZE;
      if (stored === undefined || at + MERKLE_HASH_SIZE > stored.length || !bytesEqual(stored.view(at, MERKLE_HASH_SIZE), hash)) {
        this.differs[level] = true;
      }
    }
    this.rebuild?.levels.get(level)?.append(hash);
  }
}

interface Pass {
  /** Entries found. */
  readonly size: number;
  /** The byte of the entries file after the last entry found. */
  readonly end: number;
  /** MTH of the first `committed.size` entries, when that many were found. */
  readonly committedRoot: Uint8Array | undefined;
  /** Whether the stored offsets file begins with the offsets of the entries found. */
  readonly offsetsAgree: boolean;
  readonly nodes: PassNodes;
}

/** Reads the entries in order: the first `committedSize` by `first`, any further ones by `beyond`. */
function runPass(
  found: Found,
  hasher: MerkleHasher,
  committedSize: number,
  first: Boundary,
  beyond: Boundary | undefined,
  rebuild?: Rebuild,
): Pass {
  const nodes = new PassNodes(found, rebuild);
  const tree = new LogTree(hasher, nodes, 0);
  let committedRoot = committedSize === 0 ? hasher.emptyRoot() : undefined;
  let offsetsAgree = true;
  let start = 0;
  let size = 0;
  for (;;) {
    const boundary = size < committedSize ? first : beyond;
    const end = boundary?.(size, start);
    if (end === undefined) break;
    tree.appendLeaf(hasher.hashLeaf(found.entries.view(start, end - start)));
    if (offsetsAgree && found.storedOffset(size) !== end) offsetsAgree = false;
    rebuild?.offsets?.appendUint64(end);
    rebuild?.spill();
    start = end;
    size++;
    if (size === committedSize) committedRoot = tree.root(size);
  }
  return { size, end: start, committedRoot, offsetsAgree, nodes };
}

/**
 * Checks the log in `dir` against `committed`, repairs its derived files and cuts what lies beyond
 * (see the module comment). Throws LOG_INTEGRITY_FAILED or LOG_ENTRIES_MISSING, having written
 * nothing, when the committed entries are not all there; STORAGE_FULL or STORAGE_IO_FAILED when the
 * medium fails.
 */
export function reconcileLog(dir: string, hasher: MerkleHasher, committed: CommittedLog, options: ReconcileOptions = {}): Reconciliation {
  const fs = options.fs ?? nodeSyncFs;
  const found = new Found(fs, dir);
  try {
    const offsets = byOffsets(found);
    const delimiter = options.delimit && byDelimiter(found, options.delimit, options.maxEntryBytes ?? 2 ** 20);
    const beyond = options.keepBeyond ? (delimiter ?? offsets) : undefined;
    const verified = (pass: Pass) => pass.committedRoot !== undefined && bytesEqual(pass.committedRoot, committed.root);

    // 1. The committed entries, by the offsets file, else by delimiting the entries themselves.
    const tries: [Boundary, Pass][] = [[offsets, runPass(found, hasher, committed.size, offsets, beyond)]];
    if (!verified(tries[0]![1]) && delimiter !== undefined) tries.push([delimiter, runPass(found, hasher, committed.size, delimiter, beyond)]);
    const chosen = tries.find(([, pass]) => verified(pass));
    if (chosen === undefined) throw unreconcilable(found, committed, tries.map(([, pass]) => pass));
    const [boundary, pass] = chosen;

    // 2 and 3. What to change; nothing at all for a sound log.
    const rebuildOffsets = !pass.offsetsAgree || (!found.offsetsExists && found.anyFile);
    const rebuildLevels = pass.nodes.differs.flatMap((differs, level) => (differs ? [level] : []));
    const cuts = plannedCuts(found, pass, rebuildOffsets, rebuildLevels);
    if (!rebuildOffsets && rebuildLevels.length === 0 && cuts.length === 0) return { size: pass.size, repairs: [] };

    const repairs: string[] = [];
    if (options.keepBeyond && found.entries.length > pass.end) {
      repairs.push(moveAside(fs, found, pass.end));
    }
    if (rebuildOffsets || rebuildLevels.length > 0) {
      const rebuild = new Rebuild(fs, dir, rebuildOffsets, rebuildLevels);
      runPass(found, hasher, committed.size, boundary, beyond, rebuild);
      for (const name of rebuild.commit()) repairs.push(`rebuilt ${path.join(dir, name)} from the entries`);
    }
    for (const cut of cuts) {
      const file = AppendFile.open(fs, cut.path, false);
      try {
        file.truncate(cut.length);
        file.sync();
      } finally {
        file.close();
      }
      repairs.push(`cut ${cut.path} from ${cut.from} to ${cut.length} bytes (${cut.why})`);
    }
    return { size: pass.size, repairs };
  } finally {
    found.close();
  }
}

interface Cut {
  readonly path: string;
  readonly from: number;
  readonly length: number;
  readonly why: string;
}

/** The files longer than the reconciled log needs, other than those being rebuilt. */
function plannedCuts(found: Found, pass: Pass, rebuildOffsets: boolean, rebuildLevels: readonly number[]): Cut[] {
  const cuts: Cut[] = [];
  const cut = (file: FileWindow, length: number, why: string) => {
    if (file.length > length) cuts.push({ path: file.path, from: file.length, length, why });
  };
  cut(found.entries, pass.end, 'bytes beyond the last entry');
  if (!rebuildOffsets) cut(found.offsets, pass.size * OFFSET_SIZE, 'offsets beyond the last entry');
  found.levels.forEach((file, level) => {
    if (file !== undefined && !rebuildLevels.includes(level)) cut(file, nodeCount(pass.size, level) * MERKLE_HASH_SIZE, 'hashes beyond the last entry');
  });
  return cuts;
}

/** Copies the entries file's bytes from `from` on into unreconciled/, durably, before they are cut. */
function moveAside(fs: SyncFs, found: Found, from: number): string {
  const ops = createFsOps(fs);
  const dir = path.join(found.dir, UNRECONCILED_DIR);
  ops.makeDirectory(dir);
  let name = `${ENTRIES}-from-byte-${from}`;
  for (let n = 2; statFile(fs, path.join(dir, name)) !== undefined; n++) name = `${ENTRIES}-from-byte-${from}.${n}`;
  ops.writeAndSync(path.join(dir, name), found.entries.view(from, found.entries.length - from).slice());
  ops.syncDirectory(dir);
  return `kept ${found.entries.length - from} bytes after the last entry of ${found.entries.path} in ${path.join(dir, name)}`;
}

function unreconcilable(found: Found, committed: CommittedLog, passes: readonly Pass[]): HemkitError {
  const reached = passes.find((pass) => pass.committedRoot !== undefined);
  if (reached !== undefined) {
    return new HemkitError(
      'LOG_INTEGRITY_FAILED',
      `the first ${committed.size} entries in ${found.entries.path} do not hash to the root the committed state records: an acknowledged entry was changed`,
    );
  }
  const most = Math.max(...passes.map((pass) => pass.size));
  return new HemkitError(
    'LOG_ENTRIES_MISSING',
    `${found.entries.path} (${found.entries.length} bytes) holds ${most} readable entries; the committed state counts ${committed.size}`,
  );
}
