/**
 * The wire layer in a real browser: the same program as browser.test.ts, bundled from the built
 * @hemkit/wire for platform=browser, runs in headless Chromium from a file:// page with no network
 * and no Node at all. CI installs Debian's chromium (.ci/run); set HEMKIT_CHROMIUM to use another
 * binary. The page writes the program's answer into its body, which --dump-dom prints. Without a
 * chromium it skips (test/browser-env.ts prints the one line), unless HEMKIT_REQUIRE_BROWSER=1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleProgram, EXPECTED, programInput } from './browser-program.js';
import { ensureBuilt } from './build.js';

import { BROWSER_REQUIRED, CHROMIUM, CHROMIUM_FLAGS, CHROMIUM_PRESENT, MISSING_CHROMIUM } from '../browser-env.js';

const FLAGS = [...CHROMIUM_FLAGS, '--disable-extensions', '--no-first-run'];

it.runIf(BROWSER_REQUIRED)('has a Chromium to run (HEMKIT_REQUIRE_BROWSER=1: a missing browser fails)', () => {
  expect(CHROMIUM_PRESENT, MISSING_CHROMIUM).toBe(true);
});

/** Loads `html` in headless Chromium and returns the text of its body once its scripts have run. */
function bodyText(html: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hemkit-chromium-'));
  try {
    const page = join(dir, 'page.html');
    writeFileSync(page, html);
    const dom = execFileSync(CHROMIUM, [...FLAGS, `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${page}`], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const body = /<body>([\s\S]*)<\/body>/.exec(dom);
    if (body === null) throw new Error(`no body in the dumped DOM: ${dom.slice(0, 200)}`);
    return body[1]!.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const escapeScript = (code: string) => code.replace(/<\/script/gi, '<\\/script');

describe.runIf(CHROMIUM_PRESENT)('@hemkit/wire in headless Chromium', () => {
  beforeAll(ensureBuilt, 120_000);

  it('runs the bundle: CBOR, COSE and Merkle on noble; no Node globals; no node backend', async () => {
    const code = await bundleProgram();
    const html = `<!doctype html><html><body><script>${escapeScript(code)}</script><script>
      let text;
      try {
        const globals = [typeof require, typeof process, typeof Buffer].join();
        text = JSON.stringify({ globals, out: JSON.parse(hemkitBundle.run(${escapeScript(JSON.stringify(programInput()))})) });
      } catch (e) { text = JSON.stringify({ error: String(e && e.stack || e) }); }
      document.body.textContent = text;
    </script></body></html>`;
    const answer = JSON.parse(bodyText(html).replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')) as Record<string, unknown>;
    expect(answer).toEqual({ globals: 'undefined,undefined,undefined', out: EXPECTED });
  }, 120_000);

  it('reports a failure inside the page rather than passing (the harness can fail)', () => {
    const html = `<!doctype html><html><body><script>document.body.textContent = JSON.stringify({ out: 'wrong' });</script></body></html>`;
    expect(JSON.parse(bodyText(html).replace(/&quot;/g, '"'))).not.toEqual({ globals: 'undefined,undefined,undefined', out: EXPECTED });
  }, 60_000);
});
