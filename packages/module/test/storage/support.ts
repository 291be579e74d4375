/** Temporary directories, and the crash simulation for the storage tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFsOps, type FsOps } from '../../src/storage/index.js';

/** One assertion for typed errors, shared by every package's tests. */
export { expectCode } from '../../../wire/test/support/expect-code.js';

/** A fresh directory under the system temp directory, with `data` and `nv` (counter) subdirectories. */
export function chipDirectories(): { root: string; data: string; nv: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'hemkit-storage-'));
  return { root, data: join(root, 'data'), nv: join(root, 'nv'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Thrown by CrashingFs to stand for the process dying at that point. */
export class SimulatedCrash extends Error {
  constructor(readonly step: CrashPoint) {
    super(`simulated crash at ${step}`);
  }
}

/**
 * Where a commit can die: halfway through writing the temporary file, after writing it, after the
 * rename, after the directory fsync. (After the last step, the only thing left is the counter.)
 */
export type CrashPoint = 'torn-write' | 'after-write' | 'after-rename' | 'after-sync-directory';

/** node:fs that performs the operations of one commit up to `point` and then throws SimulatedCrash. */
export function crashingFs(point: CrashPoint): FsOps {
  return {
    ...nodeFsOps,
    writeAndSync(path, data) {
      if (point === 'torn-write') {
        nodeFsOps.writeAndSync(path, data.subarray(0, Math.floor(data.length / 2)));
        throw new SimulatedCrash(point);
      }
      nodeFsOps.writeAndSync(path, data);
      if (point === 'after-write') throw new SimulatedCrash(point);
    },
    rename(from, to) {
      nodeFsOps.rename(from, to);
      if (point === 'after-rename') throw new SimulatedCrash(point);
    },
    syncDirectory(dir) {
      nodeFsOps.syncDirectory(dir);
      if (point === 'after-sync-directory') throw new SimulatedCrash(point);
    },
  };
}

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
