/**
 * The packages as a user gets them: `npm pack` every workspace, install the tarballs into a fresh
 * project outside the monorepo (third-party dependencies from the npm cache, or the registry), and
 * use every public entry point from plain Node: no tsx, no @hemkit/source condition, no sources.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, PACKAGES, ROOT } from './build.js';

interface PackResult {
  name: string;
  version: string;
  filename: string;
  files: { path: string }[];
}

/** The environment of a user's shell: none of the npm_* settings `npm test` passes to its children. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD') env[k] = v;
  return env;
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir: string;
let packed: PackResult[];
let consumer: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'hemkit-pack-'));
  const json = execFileSync(NPM, ['pack', '--workspaces', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', env: userEnv() });
  packed = JSON.parse(json) as PackResult[];
  consumer = join(dir, 'consumer');
  mkdirSync(consumer);
  const tarballs = Object.fromEntries(packed.map((p) => [p.name, `file:../${p.filename}`]));
  // overrides: the packages' dependencies on each other resolve to the tarballs, never the registry.
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'outside', private: true, type: 'module', dependencies: tarballs, overrides: tarballs }, null, 2));
  copyFileSync(join(ROOT, 'test/packaging/consumer/use.mjs'), join(consumer, 'use.mjs'));
  // --ignore-scripts: no package of ours needs one, and better-sqlite3's native build is not under test.
  execFileSync(NPM, ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: consumer, stdio: 'pipe', env: userEnv() });
}, 240_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('packs every package', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(['@hemkit/cddl', '@hemkit/inspector', '@hemkit/module', '@hemkit/service', '@hemkit/sim', '@hemkit/verifier', '@hemkit/wire', 'hemkit']);
  });

  it('ships the built JavaScript, declarations and maps, and no sources, tests or benchmarks', () => {
    for (const p of packed) {
      const paths = p.files.map((f) => f.path);
      // The command line also ships the JSON Schemas `hemkit spec check --json-schema` reads, and the
      // inspector its built page, which `hemkit inspect --web` serves.
      const allowed =
        p.name === 'hemkit'
          ? /^(dist\/.*\.(js|d\.ts|js\.map|d\.ts\.map)|bin\/hemkit\.js|schemas\/[a-z0-9-]+\.schema\.json|package\.json|README\.md|LICENSE)$/
          : p.name === '@hemkit/inspector'
            ? /^(dist\/.*\.(js|d\.ts|js\.map|d\.ts\.map)|dist\/page\/index\.html|package\.json|README\.md|LICENSE)$/
            : /^(dist\/.*\.(js|d\.ts|js\.map|d\.ts\.map)|bin\/hemkit\.js|package\.json|README\.md|LICENSE)$/;
      if (p.name === '@hemkit/inspector') expect(paths, p.name).toContain('dist/page/index.html');
      for (const path of paths) expect(path, `${p.name}: ${path}`).toMatch(allowed);
      expect(paths, p.name).toContain('dist/index.js');
      expect(paths, p.name).toContain('dist/index.d.ts');
    }
  });

  it('every exports target is in the tarball', () => {
    for (const pkg of PACKAGES) {
      const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string | Record<string, string>> };
      const paths = new Set(packed.find((p) => p.name === manifest.name)!.files.map((f) => f.path));
      for (const target of Object.values(manifest.exports)) {
        if (typeof target === 'string') continue;
        expect(paths, `${manifest.name} ${target.types}`).toContain(target.types!.slice(2));
        expect(paths, `${manifest.name} ${target.default}`).toContain(target.default!.slice(2));
      }
    }
  });
});

describe('declared dependencies', () => {
  /** The packages a module's built JavaScript imports (static, re-export, dynamic or require), node: aside. */
  function importedPackages(dir: string): Set<string> {
    const found = new Set<string>();
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.js')) continue;
      const code = readFileSync(join(dir, file), 'utf8');
      const specifiers = [
        ...code.matchAll(/^\s*(?:import|export)\s[^;'"]*?\sfrom\s+['"]([^'"]+)['"]/gm),
        ...code.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
        ...code.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g),
        ...code.matchAll(/\bcreateRequire\([^)]*\)\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((m) => m[1]!);
      for (const spec of specifiers) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    return found;
  }

  it.each(PACKAGES)('%s: dist imports exactly the runtime dependencies package.json declares', (pkg) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const declared = Object.keys(manifest.dependencies ?? {}).sort();
    expect([...importedPackages(join(ROOT, 'packages', pkg, 'dist'))].sort()).toEqual(declared);
  });
});

describe('a project outside the monorepo, on plain Node', () => {
  it('uses the wire layer, the verifier, the module and the CDDL checker through every entry point', () => {
    const run = spawnSync(process.execPath, ['use.mjs', join(ROOT, 'test-vectors'), join(ROOT, 'packages')], { cwd: consumer, encoding: 'utf8', env: userEnv() });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const seen = JSON.parse(run.stdout) as Record<string, unknown>;
    const entries = seen['entries'] as Record<string, unknown>;
    expect(Object.keys(entries).length).toBeGreaterThanOrEqual(18);
    for (const [specifier, outcome] of Object.entries(entries)) expect(outcome, specifier).toBe('ok');
    expect({ ...seen, entries: undefined }).toEqual({
      memoryStoreLoadsSqlite: false,
      cborRoundTrip: true,
      cborHex: '82016161',
      cose: { noble: true, node: true },
      merkle: { noble: true, node: true },
      appraisals: expect.arrayContaining([true]) as unknown,
      accounting: true,
      module: [true, true, true],
      cddl: [true, false],
      entries: undefined,
      sqliteNotLoadedUntilOpened: true,
    });
    expect((seen['appraisals'] as boolean[]).every(Boolean)).toBe(true);
  });

  it('runs the installed hemkit command from built JavaScript', () => {
    const bin = join(consumer, 'node_modules', '.bin', 'hemkit');
    const version = spawnSync(bin, ['--version'], { cwd: consumer, encoding: 'utf8', env: userEnv() });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toContain(packed.find((p) => p.name === 'hemkit')!.version);
    const started = performance.now();
    const help = spawnSync(bin, ['help'], { cwd: consumer, encoding: 'utf8', env: userEnv() });
    const seconds = (performance.now() - started) / 1000;
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('hemkit');
    // Under 0.5 s on an idle machine (README); the bound here leaves room for a loaded CI runner.
    expect(seconds).toBeLessThan(3);
  });

  it('checks JSON against the JSON Schemas it ships, from the installed package', () => {
    const bin = join(consumer, 'node_modules', '.bin', 'hemkit');
    const shipped = packed.find((p) => p.name === 'hemkit')!.files.map((f) => f.path).filter((f) => f.startsWith('schemas/')).sort();
    expect(shipped).toEqual(readdirSync(join(ROOT, 'specs/schemas')).filter((n) => n.endsWith('.schema.json')).map((n) => `schemas/${n}`).sort());
    const vector = join(ROOT, 'test-vectors/evidence/evidence-honest.json');
    const ok = spawnSync(bin, ['spec', 'check', '--json-schema', 'vectors-evidence', vector], { cwd: consumer, encoding: 'utf8', env: userEnv() });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    writeFileSync(join(consumer, 'policy.json'), JSON.stringify({ maxAgeSeconds: -1 }));
    const bad = spawnSync(bin, ['spec', 'check', '--json-schema', 'policy', 'policy.json'], { cwd: consumer, encoding: 'utf8', env: userEnv() });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL policy\.json#\/maxAgeSeconds: /m);
  });
});
