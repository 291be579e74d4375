/**
 * The public API surface: packages/<name>/api.md lists every entry point's exports and their kinds
 * (scripts/api-report.mjs, from the built declaration files). This fails when a fresh report differs
 * from the checked-in one, so that exports change only on purpose: regenerate with `npm run api`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, PACKAGES, ROOT } from './build.js';

let fresh: Record<string, string>;

beforeAll(async () => {
  await ensureBuilt();
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts/api-report.mjs'), '--json'], { cwd: ROOT, encoding: 'utf8' });
  fresh = JSON.parse(out) as Record<string, string>;
}, 120_000);

describe('public API reports (packages/*/api.md)', () => {
  it.each(PACKAGES)('%s: api.md is what the build exports (npm run api regenerates it)', (pkg) => {
    const checkedIn = readFileSync(join(ROOT, 'packages', pkg, 'api.md'), 'utf8');
    expect(fresh[pkg], `packages/${pkg}/api.md is stale: run npm run build && npm run api`).toBe(checkedIn);
  });

  it('the report names every entry point of every package', () => {
    for (const pkg of PACKAGES) {
      const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
      for (const [entry, target] of Object.entries(manifest.exports)) {
        if (typeof target === 'string') continue;
        const specifier = entry === '.' ? manifest.name : `${manifest.name}/${entry.slice(2)}`;
        expect(fresh[pkg]).toContain(`\n## ${specifier}\n`);
      }
    }
  });
});
