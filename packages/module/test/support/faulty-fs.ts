/**
 * A SyncFs over node:fs whose medium can be made to fail, for the tests of what a full disk or a
 * read-only mount does to the stores and the device: from the moment `fail(...)` arms it (or from
 * the `failAt`-th write on), every call that would change the medium throws the errno a real one
 * would, until `heal()`. Reads always work.
 */
import * as fs from 'node:fs';
import { nodeSyncFs, type SyncFs } from '../../src/storage/index.js';

export type MediumFault = 'ENOSPC' | 'EROFS' | 'EIO';

export interface FaultyFs extends SyncFs {
  /** Fails every later write with `fault`. */
  fail(fault: MediumFault): void;
  /** Fails the `n`-th write from now (1 = the next) and every write after it with `fault`. */
  failAt(n: number, fault: MediumFault): void;
  heal(): void;
  /** Writes attempted since creation (failed ones included): the steps a sweep can stop at. */
  readonly writes: number;
}

function errnoError(code: MediumFault, syscall: string, path?: string): Error {
  return Object.assign(new Error(`${code}: simulated ${code === 'ENOSPC' ? 'full disk' : code === 'EROFS' ? 'read-only medium' : 'I/O error'}, ${syscall}${path ? ` '${path}'` : ''}`), {
    code,
    syscall,
    ...(path ? { path } : {}),
  });
}

export function faultyFs(base: SyncFs = nodeSyncFs): FaultyFs {
  let fault: MediumFault | undefined;
  let armedAt: number | undefined;
  let armedFault: MediumFault = 'ENOSPC';
  let writes = 0;
  /** The fault the next write meets, if any. */
  const failing = (): MediumFault | undefined => (armedAt !== undefined && writes + 1 >= armedAt ? armedFault : fault);
  /**
   * Counts one write and throws if the medium is failing, unless with the fault `spared` that does
   * not affect this call: a read-only medium still syncs (there is nothing to write back), and a full
   * one still shrinks a file.
   */
  const write = (syscall: string, path?: string, spared?: MediumFault): void => {
    const now = failing();
    writes++;
    if (now !== undefined) fault = now;
    if (now !== undefined && now !== spared) throw errnoError(now, syscall, path);
  };
  return {
    fail(f) {
      fault = f;
    },
    failAt(n, f) {
      armedAt = writes + n;
      armedFault = f;
    },
    heal() {
      fault = undefined;
      armedAt = undefined;
    },
    get writes() {
      return writes;
    },
    statSync: (path) => base.statSync(path),
    readFileSync: (path) => base.readFileSync(path),
    readdirSync: (path) => base.readdirSync(path),
    mkdirSync(path, options) {
      write('mkdir', path);
      return base.mkdirSync(path, options);
    },
    rmSync(path, options) {
      write('rm', path);
      base.rmSync(path, options);
    },
    renameSync(from, to) {
      write('rename', from);
      base.renameSync(from, to);
    },
    openSync(path, flags, mode) {
      // Opening for writing is a write when it creates the file, or when the medium is read-only.
      if (flags !== 'r' && (!fs.existsSync(path) || failing() === 'EROFS')) write('open', path);
      return base.openSync(path, flags, mode);
    },
    closeSync: (fd) => base.closeSync(fd),
    fstatSync: (fd) => base.fstatSync(fd),
    readSync: (fd, buffer, offset, length, position) => base.readSync(fd, buffer, offset, length, position),
    writeSync(fd, buffer, offset, length, position) {
      write('write');
      return base.writeSync(fd, buffer, offset, length, position);
    },
    fsyncSync(fd) {
      write('fsync', undefined, 'EROFS');
      base.fsyncSync(fd);
    },
    fdatasyncSync(fd) {
      write('fdatasync', undefined, 'EROFS');
      base.fdatasyncSync(fd);
    },
    ftruncateSync(fd, length) {
      write('ftruncate', undefined, 'ENOSPC');
      base.ftruncateSync(fd, length);
    },
  };
}
