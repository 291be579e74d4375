/**
 * The built page and the browser the tests drive. The page is built by `npm install` (the root
 * `prepare`); a test run rebuilds it first when it is missing or older than its sources, so a test
 * never drives a stale page. Test files run in parallel: the build holds a lock directory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_PATH } from '../src/serve.js';

const PACKAGE = join(import.meta.dirname, '..');
const ROOT = join(PACKAGE, '../..');
const LOCK = join(ROOT, 'node_modules', '.cache', 'hemkit-inspector-page.lock');
const SOURCES = [join(PACKAGE, 'web'), join(PACKAGE, 'src'), join(PACKAGE, 'scripts'), join(PACKAGE, 'vite.config.ts'), join(ROOT, 'test-vectors', 'evidence'), join(ROOT, 'test-vectors', 'messages')];

export { PAGE_PATH };

/** Debian's chromium, or the one HEMKIT_CHROMIUM names (as test/packaging/chromium.test.ts). */
export const CHROMIUM = process.env.HEMKIT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** Set by .ci/run: a missing browser fails the browser tests instead of skipping them. */
export const BROWSER_REQUIRED = process.env.HEMKIT_REQUIRE_BROWSER === '1';

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

export async function ensurePage(): Promise<void> {
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
    if (!existsSync(PAGE_PATH) || statSync(PAGE_PATH).mtimeMs < Math.max(...SOURCES.map(newest))) {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(PACKAGE, 'vite.config.ts')], { cwd: PACKAGE, stdio: 'pipe' });
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
