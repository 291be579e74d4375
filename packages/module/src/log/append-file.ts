/**
 * One append-only file of a FileLogStore with a write buffer in front of it: appends land in memory,
 * writeOut() hands them to the kernel, sync() makes them durable. Reads see the file and the buffer
 * as one sequence of bytes, so a store can answer for entries it has not flushed yet.
 *
 * A failure of the medium becomes STORAGE_FULL or STORAGE_IO_FAILED naming the file, with the system
 * error as its cause (storage/fs-ops.ts); a file that is shorter than the store needs is
 * LOG_STORE_CORRUPT. No raw exception leaves the log store.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { errnoOf, io, storageError, type SyncFs } from '../storage/fs-ops.js';

const UINT32 = 2 ** 32;
/** The largest high half of a 64-bit offset that keeps the offset a safe integer (2^53 − 1). */
const MAX_SAFE_HIGH = 2 ** 21 - 1;
/** errno codes of a medium that can be read but not written: such a file is opened read-only. */
const READ_ONLY: ReadonlySet<string> = new Set(['EROFS', 'EACCES', 'EPERM']);

export function corrupt(message: string, cause?: unknown): HemkitError {
  return new HemkitError('LOG_STORE_CORRUPT', message, { cause });
}

export class AppendFile {
  readonly path: string;
  readonly #fs: SyncFs;
  readonly #fd: number;
  /** False when the medium would not open the file for writing: reads work, the first write fails. */
  readonly #writable: boolean;
  /** Bytes in the file; the buffer holds the bytes that follow them. */
  #written: number;
  #buffer = new Uint8Array(4096);
  #buffered = 0;
  #unsynced = false;

  private constructor(fs: SyncFs, path: string, fd: number, writable: boolean, written: number) {
    this.#fs = fs;
    this.path = path;
    this.#fd = fd;
    this.#writable = writable;
    this.#written = written;
  }

  /**
   * Opens an existing file, or creates an empty one when `create` is set. An existing file on a
   * medium that refuses writes is opened for reading only, so that a read-only chip still answers
   * the commands that only read (module-commands.md §4); its first write fails.
   */
  static open(fs: SyncFs, path: string, create: boolean): AppendFile {
    let fd: number;
    let writable = true;
    try {
      fd = fs.openSync(path, create ? 'w+' : 'r+', 0o600);
    } catch (cause) {
      if (create || !READ_ONLY.has(errnoOf(cause) ?? '')) throw storageError(`cannot open ${path}`, cause);
      fd = io(`cannot open ${path}`, () => fs.openSync(path, 'r'));
      writable = false;
    }
    try {
      return new AppendFile(fs, path, fd, writable, fs.fstatSync(fd).size);
    } catch (cause) {
      fs.closeSync(fd);
      throw storageError(`cannot stat ${path}`, cause);
    }
  }

  /** The file's length once the buffer is written out. */
  get length(): number {
    return this.#written + this.#buffered;
  }

  get buffered(): number {
    return this.#buffered;
  }

  append(bytes: Uint8Array): void {
    this.#reserve(bytes.length).set(bytes, this.#buffered - bytes.length);
  }

  /** Appends `value` as 8 bytes, big-endian; values are safe integers, so no BigInt is needed. */
  appendUint64(value: number): void {
    const view = new DataView(this.#reserve(8).buffer, this.#buffered - 8, 8);
    const high = Math.floor(value / UINT32);
    view.setUint32(0, high);
    view.setUint32(4, value - high * UINT32);
  }

  /** `length` bytes from `position`, as a new array; LOG_STORE_CORRUPT if the file is shorter. */
  read(position: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    const fromFile = Math.max(0, Math.min(length, this.#written - position));
    let done = 0;
    while (done < fromFile) {
      const got = io(`cannot read ${this.path}`, () => this.#fs.readSync(this.#fd, out, done, fromFile - done, position + done));
      if (got === 0) {
        throw corrupt(`${this.path} ends before byte ${position + fromFile}: it was shortened while the store had it open`);
      }
      done += got;
    }
    if (fromFile < length) {
      const start = position + fromFile - this.#written;
      if (start + length - fromFile > this.#buffered) {
        throw corrupt(`${this.path} has ${this.length} bytes, fewer than the ${position + length} asked for`);
      }
      out.set(this.#buffer.subarray(start, start + length - fromFile), fromFile);
    }
    return out;
  }

  /** The 8-byte big-endian value at `position` (see appendUint64). */
  readUint64(position: number): number {
    return decodeUint64(this.read(position, 8), 0, this.path);
  }

  /** Hands the buffered bytes to the kernel: they survive the process, not yet a power cut. */
  writeOut(): void {
    if (this.#buffered > 0) this.#requireWritable();
    let done = 0;
    while (done < this.#buffered) {
      done += io(`cannot write ${this.path}`, () =>
        this.#fs.writeSync(this.#fd, this.#buffer, done, this.#buffered - done, this.#written + done),
      );
    }
    this.#written += this.#buffered;
    this.#buffered = 0;
    if (done > 0) this.#unsynced = true;
  }

  /**
   * fdatasync: the data and the file's length, without the timestamps an fsync would also write
   * (POSIX fdatasync; the length is metadata needed to read the data back, so it is included).
   */
  sync(): void {
    if (!this.#unsynced) return;
    io(`cannot sync ${this.path}`, () => this.#fs.fdatasyncSync(this.#fd));
    this.#unsynced = false;
  }

  /** Cuts the file (and its buffer) to `length` bytes; durable after sync(). */
  truncate(length: number): void {
    if (length >= this.#written) {
      this.#buffered = Math.min(this.#buffered, length - this.#written);
      return;
    }
    this.#requireWritable();
    io(`cannot truncate ${this.path}`, () => this.#fs.ftruncateSync(this.#fd, length));
    this.#written = length;
    this.#buffered = 0;
    this.#unsynced = true;
  }

  close(): void {
    io(`cannot close ${this.path}`, () => this.#fs.closeSync(this.#fd));
  }

  #requireWritable(): void {
    if (!this.#writable) {
      throw new HemkitError('STORAGE_IO_FAILED', `cannot write ${this.path}: the medium opened it read-only`);
    }
  }

  /** Grows the buffer for `extra` more bytes, counts them as buffered, and returns the buffer. */
  #reserve(extra: number): Uint8Array {
    const needed = this.#buffered + extra;
    if (needed > this.#buffer.length) {
      let capacity = this.#buffer.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.#buffer.subarray(0, this.#buffered));
      this.#buffer = grown;
    }
    this.#buffered = needed;
    return this.#buffer;
  }
}

/** Reads an offset written by appendUint64; one past 2^53 − 1 cannot be a real offset. */
export function decodeUint64(bytes: Uint8Array, at: number, path: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, 8);
  const high = view.getUint32(0);
  if (high > MAX_SAFE_HIGH) {
    throw corrupt(`${path} holds an offset of 2^53 or more, which no entries file can reach`);
  }
  return high * UINT32 + view.getUint32(4);
}
