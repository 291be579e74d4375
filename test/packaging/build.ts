/**
 * The packaging tests run on the built JavaScript: each first brings dist/ up to date with
 * `tsc --build` (a no-op in about 0.3 s when nothing changed). Test files run in parallel, so the
 * build holds a lock directory: two concurrent builds would write the same files at once.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const PACKAGES = ['wire', 'module', 'verifier', 'service', 'cddl', 'inspector', 'sim', 'cli'] as const;
const LOCK = join(ROOT, 'node_modules', '.cache', 'hemkit-build.lock');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

export async function ensureBuilt(): Promise<void> {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than two minutes was left by a killed run.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone in between
      }
      if (Date.now() > deadline) throw new Error(`waited two minutes for ${LOCK}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    execFileSync(process.execPath, [TSC, '--build', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
