/**
 * One process at a time per chip directory: `<chip>/hemkit.lock` holds the pid of the process that
 * uses the chip. A lock whose process is gone (it crashed, or was killed) is stale and taken over;
 * a live one makes the command stop with one line and exit 2 before it touches anything.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './io.js';

export const LOCK_FILE = 'hemkit.lock';

export interface ChipLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export function lockChip(dir: string): ChipLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: number | undefined;
    try {
      const text = readFileSync(path, 'utf8').trim();
      holder = /^\d+$/.test(text) ? Number(text) : undefined;
    } catch {
      continue; // removed in between: try again
    }
    if (holder !== undefined && holder !== process.pid && alive(holder)) {
      throw new UsageError(`the chip ${dir} is in use by process ${holder} (${path}); wait for it to finish, or remove the lock file if that process is not hemkit`);
    }
    rmSync(path, { force: true }); // stale: its process is gone (or the file is not a lock we wrote)
  }
  throw new UsageError(`could not take the lock ${path}`);
}
