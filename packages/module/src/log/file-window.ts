/**
 * Sequential reading of a log file with bounded memory: a window of the file kept in a buffer and
 * moved forward as the reader advances. Reconciliation (reconcile.ts) reads every file of a log
 * once from start to end, so it never holds a whole file.
 */
import { io, type SyncFs } from '../storage/fs-ops.js';
import { corrupt } from './append-file.js';

export class FileWindow {
  readonly path: string;
  /** The file's length when it was opened; 0 for a file that does not exist. */
  readonly length: number;
  readonly #fs: SyncFs;
  readonly #fd: number | undefined;
  #buffer: Uint8Array;
  #start = 0;
  #filled = 0;

  private constructor(fs: SyncFs, path: string, fd: number | undefined, length: number, chunkBytes: number) {
    this.#fs = fs;
    this.path = path;
    this.#fd = fd;
    this.length = length;
    // No larger than the file: a small log is read with small buffers.
    this.#buffer = new Uint8Array(Math.min(chunkBytes, length));
  }

  /** Opens `path` for reading; `exists` false stands for a missing file, read as empty. */
  static open(fs: SyncFs, path: string, exists: boolean, chunkBytes: number): FileWindow {
    if (!exists) return new FileWindow(fs, path, undefined, 0, 0);
    const fd = io(`cannot open ${path}`, () => fs.openSync(path, 'r'));
    try {
      return new FileWindow(fs, path, fd, io(`cannot stat ${path}`, () => fs.fstatSync(fd).size), chunkBytes);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /**
   * The bytes [position, position + length), which must lie inside the file. The view is valid until
   * the next call; callers that keep bytes copy them.
   */
  view(position: number, length: number): Uint8Array {
    if (position < this.#start || position + length > this.#start + this.#filled) this.#fill(position, length);
    return this.#buffer.subarray(position - this.#start, position - this.#start + length);
  }

  close(): void {
    if (this.#fd !== undefined) io(`cannot close ${this.path}`, () => this.#fs.closeSync(this.#fd!));
  }

  #fill(position: number, length: number): void {
    if (position + length > this.length) {
      throw corrupt(`${this.path}: bytes [${position}, ${position + length}) asked of a file of ${this.length}`);
    }
    if (length > this.#buffer.length) this.#buffer = new Uint8Array(length);
    const wanted = Math.min(this.#buffer.length, this.length - position);
    let done = 0;
    while (done < wanted) {
      const got = io(`cannot read ${this.path}`, () => this.#fs.readSync(this.#fd!, this.#buffer, done, wanted - done, position + done));
      if (got === 0) break;
      done += got;
    }
    this.#start = position;
    this.#filled = done;
    if (done < length) throw corrupt(`${this.path} ended at byte ${position + done} while it was being read`);
  }
}
