/**
 * The packaging tests run on the built JavaScript: each first brings dist/ up to date with
 * `tsc --build` (a no-op in about 0.3 s when nothing changed), and the inspector's page with Vite
 * when its sources changed. Test files run in parallel, so a build holds a lock directory: two
 * concurrent builds would write the same files at once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const PACKAGES = ['wire', 'module', 'verifier', 'service', 'cddl', 'inspector', 'sim', 'cli'] as const;
const LOCK = join(ROOT, 'node_modules', '.cache', 'hemkit-build.lock');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs `build` holding the lock directory; a lock older than two minutes was left by a killed run. */
async function underLock(build: () => void): Promise<void> {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
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
    build();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Every package's dist/, and the inspector's page (its tarball carries it). */
export const ensureBuilt = (): Promise<void> =>
  underLock(() => {
    execFileSync(process.execPath, [TSC, '--build', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    buildPageIfStale();
  });

/** The inspector's page alone, for the tests that drive it (the page is bundled from sources). */
export const ensurePage = (): Promise<void> => underLock(buildPageIfStale);

const INSPECTOR = join(ROOT, 'packages', 'inspector');
export const PAGE_PATH = join(INSPECTOR, 'dist', 'page', 'index.html');
const PAGE_SOURCES = [join(INSPECTOR, 'web'), join(INSPECTOR, 'src'), join(INSPECTOR, 'scripts'), join(INSPECTOR, 'vite.config.ts'), join(ROOT, 'test-vectors', 'evidence'), join(ROOT, 'test-vectors', 'messages')];

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** `npm install` builds the page; a test run rebuilds it when it is missing or older than its sources. */
function buildPageIfStale(): void {
  if (existsSync(PAGE_PATH) && statSync(PAGE_PATH).mtimeMs >= Math.max(...PAGE_SOURCES.map(newest))) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(INSPECTOR, 'vite.config.ts')], { cwd: INSPECTOR, stdio: 'pipe' });
}
