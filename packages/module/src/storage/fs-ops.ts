/**
 * The file operations the stores need, behind two seams so that tests can stop a commit at any step
 * (a crash), or make the medium fail (a full disk, a read-only mount), and look at what is left:
 *
 * - SyncFs: the few calls of node:fs the state store, the counter and the log store make. The
 *   device takes one SyncFs for all of its files, so one injected fault reaches every store.
 * - FsOps: the whole-file operations of the state store and the counter, built over a SyncFs.
 *
 * Every operation is synchronous: the module is a one-request-at-a-time state machine, and a
 * commit must be durable before the response that depends on it leaves the device.
 *
 * A failure of the medium becomes STORAGE_FULL when the medium has no space left (ENOSPC, or
 * EDQUOT: the quota is a full disk for this chip) and STORAGE_IO_FAILED otherwise, with the system
 * error as its cause (security.md §10.4): no raw exception leaves the storage layer.
 */
import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import { HemkitError } from '@hemkit/wire/errors';

/** The calls of node:fs the stores make, with node's meanings; `nodeSyncFs` is node:fs itself. */
export interface SyncFs {
  statSync(path: string): { isFile(): boolean; readonly size: number };
  readFileSync(path: string): Uint8Array;
  readdirSync(path: string): string[];
  mkdirSync(path: string, options: { recursive: true; mode?: number }): unknown;
  rmSync(path: string, options: { force: true; recursive?: boolean }): void;
  renameSync(from: string, to: string): void;
  openSync(path: string, flags: string, mode?: number): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): { readonly size: number };
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position?: number): number;
  fsyncSync(fd: number): void;
  fdatasyncSync(fd: number): void;
  ftruncateSync(fd: number, length: number): void;
}

export const nodeSyncFs: SyncFs = nodeFs;

export interface FsOps {
  /** The size of a regular file in bytes, or undefined when there is no file at `path`. */
  fileSize(path: string): number | undefined;
  readFile(path: string): Uint8Array;
  /** Creates or truncates `path`, writes all of `data`, and fsyncs the file before returning. */
  writeAndSync(path: string, data: Uint8Array): void;
  rename(from: string, to: string): void;
  /** Makes a rename inside `dir` durable: POSIX leaves directory entries in the page cache until then. */
  syncDirectory(dir: string): void;
  /** Removes `path` if it exists; writes nothing when it does not. */
  remove(path: string): void;
  /** Creates `dir` and its parents; writes nothing when it exists. */
  makeDirectory(dir: string): void;
}

/** Suffix of the file a replacement is written to before it is renamed over the real one. */
export const TEMP_SUFFIX = '.tmp';

/** errno codes that mean the medium has no room for the write, rather than that it failed. */
const NO_SPACE: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT']);

export function errnoOf(cause: unknown): string | undefined {
  return cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
}

/** The typed error for a failed file-system call: STORAGE_FULL or STORAGE_IO_FAILED, the system error as cause. */
export function storageError(what: string, cause: unknown): HemkitError {
  if (cause instanceof HemkitError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const code = NO_SPACE.has(errnoOf(cause) ?? '') ? 'STORAGE_FULL' : 'STORAGE_IO_FAILED';
  return new HemkitError(code, `${what}: ${reason}`, { cause });
}

/** Runs one file-system call, turning its exception into STORAGE_FULL or STORAGE_IO_FAILED. */
export function io<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (cause) {
    throw storageError(what, cause);
  }
}

/** The size of the regular file at `path`, undefined when nothing is there. */
export function statFile(fs: SyncFs, path: string): number | undefined {
  try {
    const stats = fs.statSync(path);
    if (!stats.isFile()) throw new Error('not a regular file');
    return stats.size;
  } catch (cause) {
    if (errnoOf(cause) === 'ENOENT') return undefined;
    throw storageError(`stat "${path}" failed`, cause);
  }
}

/** Whether anything (file or directory) is at `path`. */
export function exists(fs: SyncFs, path: string): boolean {
  try {
    fs.statSync(path);
    return true;
  } catch (cause) {
    if (errnoOf(cause) === 'ENOENT') return false;
    throw storageError(`stat "${path}" failed`, cause);
  }
}

/** Opens, fsyncs and closes `path`: for a directory, makes the names created or renamed in it durable. */
export function syncPath(fs: SyncFs, path: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, 'r');
    fs.fsyncSync(fd);
  } catch (cause) {
    throw storageError(`fsync "${path}" failed`, cause);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** FsOps over a SyncFs (node:fs by default); every failure becomes STORAGE_FULL or STORAGE_IO_FAILED. */
export function createFsOps(fs: SyncFs = nodeSyncFs): FsOps {
  return {
    fileSize: (path) => statFile(fs, path),

    readFile(path) {
      const data = io(`read "${path}" failed`, () => fs.readFileSync(path));
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    },

    writeAndSync(path, data) {
      let fd: number | undefined;
      try {
        fd = fs.openSync(path, 'w', 0o600);
        let written = 0;
        while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written);
        fs.fsyncSync(fd);
      } catch (cause) {
        throw storageError(`write "${path}" failed`, cause);
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    },

    rename(from, to) {
      io(`rename "${from}" to "${to}" failed`, () => fs.renameSync(from, to));
    },

    syncDirectory: (dir) => syncPath(fs, dir),

    remove(path) {
      // Checked first, so that a read-only medium is never asked to remove what is not there.
      if (exists(fs, path)) io(`remove "${path}" failed`, () => fs.rmSync(path, { force: true }));
    },

    makeDirectory(dir) {
      if (!exists(fs, dir)) io(`create directory "${dir}" failed`, () => fs.mkdirSync(dir, { recursive: true, mode: 0o700 }));
    },
  };
}

/** FsOps over node:fs. */
export const nodeFsOps: FsOps = createFsOps();

/**
 * Replaces `dir/name` with `data` so that after a crash at any point the file holds either its old
 * or its new contents in full: write a temporary file, fsync it, rename it over the target (atomic
 * on POSIX), then fsync the directory so the rename itself survives power loss.
 */
export function replaceFile(fs: FsOps, dir: string, name: string, data: Uint8Array): void {
  const target = join(dir, name);
  const temp = target + TEMP_SUFFIX;
  fs.makeDirectory(dir);
  fs.writeAndSync(temp, data);
  fs.rename(temp, target);
  fs.syncDirectory(dir);
}
