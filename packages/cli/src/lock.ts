/**
 * One process at a time per chip directory: `<chip>/hemkit.lock` holds the pid of the process that
 * uses the chip. A lock whose process is gone (it crashed, or was killed) is stale and taken over;
 * a live one makes the command stop with one line and exit 2 before it touches anything.
 *
 * The lock appears whole or not at all: the pid is written to a file of this process's own, which
 * is then hard-linked to `hemkit.lock` (link fails if the name exists). A process that finds the
 * lock therefore always reads a pid, never the empty file an open-then-write would show for a
 * moment (which made a second process take a live lock for stale). A stale lock is taken over by
 * renaming it aside first, so two processes that both found it stale cannot remove each other's
 * fresh lock: only the rename that moved the stale pid's file deletes it.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

function readHolder(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined; // removed in between
  }
}

/** Creates the lock whole, or returns false when it exists. */
function tryCreate(path: string): boolean {
  const mine = `${path}.${process.pid}`;
  writeFileSync(mine, `${process.pid}\n`, { mode: 0o644 });
  try {
    linkSync(mine, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  } finally {
    rmSync(mine, { force: true });
  }
}

/** Moves a lock held by `stale` out of the way; leaves a lock that changed hands in between alone. */
function removeStale(path: string, stale: string): void {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // already gone
  }
  if (readHolder(aside) === stale) {
    rmSync(aside, { force: true });
    return;
  }
  // Another process took the lock between our read and our rename: give it back if we can.
  try {
    linkSync(aside, path);
  } catch {
    // a third process holds it now; the owner of the lock we moved will find it gone on release
  }
  rmSync(aside, { force: true });
}

export function lockChip(dir: string): ChipLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path)) {
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (readHolder(path) === String(process.pid)) rmSync(path, { force: true });
        },
      };
    }
    const text = readHolder(path);
    if (text === undefined) continue; // released in between: try again
    const holder = /^\d+$/.test(text) ? Number(text) : undefined;
    if (holder !== undefined && holder !== process.pid && alive(holder)) {
      throw new UsageError(`the chip ${dir} is in use by process ${holder} (${path}); wait for it to finish, or remove the lock file if that process is not hemkit`);
    }
    removeStale(path, text); // its process is gone (or the file is not a lock we wrote)
  }
  throw new UsageError(`could not take the lock ${path}`);
}
