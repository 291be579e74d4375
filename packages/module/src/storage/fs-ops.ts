/**
 * The file operations the stores need, behind an interface so that tests can stop a commit at any
 * step and look at what a crash at that point leaves on disk.
 *
 * Every operation is synchronous: the module is a one-request-at-a-time state machine, and a
 * commit must be durable before the response that depends on it leaves the device.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { HemkitError } from '@hemkit/wire/errors';

export interface FsOps {
  /** The size of a regular file in bytes, or undefined when there is no file at `path`. */
  fileSize(path: string): number | undefined;
  readFile(path: string): Uint8Array;
  /** Creates or truncates `path`, writes all of `data`, and fsyncs the file before returning. */
  writeAndSync(path: string, data: Uint8Array): void;
  rename(from: string, to: string): void;
  /** Makes a rename inside `dir` durable: POSIX leaves directory entries in the page cache until then. */
  syncDirectory(dir: string): void;
  /** Removes `path` if it exists. */
  remove(path: string): void;
  makeDirectory(dir: string): void;
}

/** Suffix of the file a replacement is written to before it is renamed over the real one. */
export const TEMP_SUFFIX = '.tmp';

function ioFailed(operation: string, path: string, cause: unknown): HemkitError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new HemkitError('STORAGE_IO_FAILED', `${operation} "${path}" failed: ${reason}`, { cause });
}

function isErrno(cause: unknown, code: string): boolean {
  return cause instanceof Error && (cause as NodeJS.ErrnoException).code === code;
}

/** FsOps over node:fs; every failure becomes STORAGE_IO_FAILED with the system error as its cause. */
export const nodeFsOps: FsOps = {
  fileSize(path) {
    try {
      const stats = statSync(path);
      if (!stats.isFile()) throw new Error('not a regular file');
      return stats.size;
    } catch (cause) {
      if (isErrno(cause, 'ENOENT')) return undefined;
      throw ioFailed('stat', path, cause);
    }
  },

  readFile(path) {
    try {
      const buffer = readFileSync(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (cause) {
      throw ioFailed('read', path, cause);
    }
  },

  writeAndSync(path, data) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'w', 0o600);
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      fsyncSync(fd);
    } catch (cause) {
      throw ioFailed('write', path, cause);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  },

  rename(from, to) {
    try {
      renameSync(from, to);
    } catch (cause) {
      throw ioFailed('rename', `${from}" to "${to}`, cause);
    }
  },

  syncDirectory(dir) {
    let fd: number | undefined;
    try {
      fd = openSync(dir, 'r');
      fsyncSync(fd);
    } catch (cause) {
      throw ioFailed('fsync directory', dir, cause);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  },

  remove(path) {
    try {
      rmSync(path, { force: true });
    } catch (cause) {
      throw ioFailed('remove', path, cause);
    }
  },

  makeDirectory(dir) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (cause) {
      throw ioFailed('create directory', dir, cause);
    }
  },
};

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
