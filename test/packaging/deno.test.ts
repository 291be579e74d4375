/**
 * The wire layer in another runtime: Deno (the `deno` npm package, a root devDependency) imports
 * @hemkit/wire by its package name, as a Deno user with a node_modules directory would, from the
 * built JavaScript, and runs the browser test's program with no permission at all (no file system,
 * no environment, no network), so nothing in the wire layer reaches for the host.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED, PROGRAM, programInput } from './browser-program.js';
import { ensureBuilt, ROOT } from './build.js';

const DENO = join(ROOT, 'node_modules', '.bin', 'deno');

beforeAll(ensureBuilt, 120_000);

/**
 * Runs `source` as a module inside the repository, where Deno resolves bare specifiers through the
 * root package.json and node_modules as it does for any npm project, with no permission.
 */
function deno(source: string): string {
  const dir = mkdtempSync(join(ROOT, '.hemkit-deno-'));
  try {
    const file = join(dir, 'program.mjs');
    writeFileSync(file, source);
    return execFileSync(DENO, ['run', '--no-prompt', file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('@hemkit/wire in Deno, with no permissions', () => {
  it('decodes and encodes CBOR, verifies COSE and Merkle vectors on noble', () => {
    const out = JSON.parse(deno(`${PROGRAM}\nconsole.log(run(${JSON.stringify(programInput())}));\n`)) as Record<string, unknown>;
    // Deno provides node:crypto, so whether the node backend is available is Deno's business; the
    // rest must be exactly what the browser gets.
    const { nodeAvailable: _available, nodeBackend: _backend, ...rest } = out;
    const { nodeAvailable: _a, nodeBackend: _b, ...expected } = EXPECTED;
    expect(rest).toEqual(expected);
  }, 120_000);

  it('refuses what it must refuse there too: a changed signature byte is COSE_SIGNATURE_INVALID', () => {
    const program = `
import { decode, fromHex, decodeCoseKey, verifySign1, getBackend, HemkitError } from '@hemkit/wire';
const sign1 = ${JSON.stringify(JSON.parse(programInput()).sign1)};
const v = sign1.vectors.find((x) => x.result === 'valid' && x.externalAad === undefined && x.detachedPayload === undefined);
const key = decodeCoseKey(decode(fromHex(sign1.keys[v.key].coseKey)));
const bytes = fromHex(v.input);
bytes[bytes.length - 1] ^= 1;
try { verifySign1(bytes, key, { backend: getBackend('noble') }); console.log('accepted'); } catch (e) { console.log(e instanceof HemkitError ? e.code : String(e)); }
`;
    expect(deno(program).trim()).toBe('COSE_SIGNATURE_INVALID');
  }, 120_000);
});
