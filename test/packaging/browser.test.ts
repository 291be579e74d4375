/**
 * The wire layer in a browser: @hemkit/wire's built entry points bundle with esbuild for
 * platform=browser with no Node built-in to resolve or shim, and the bundle runs in a bare V8
 * context that has only what a browser has (TextEncoder, TextDecoder, crypto.getRandomValues): no
 * require, no process, no Buffer. There the noble backend verifies COSE and Merkle vectors and the
 * node backend reports itself unavailable.
 */
import { webcrypto } from 'node:crypto';
import { createContext, runInContext } from 'node:vm';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleProgram, EXPECTED, programInput } from './browser-program.js';
import { ensureBuilt, ROOT } from './build.js';

const ENTRIES = ['@hemkit/wire', '@hemkit/wire/bytes', '@hemkit/wire/cbor', '@hemkit/wire/cose', '@hemkit/wire/crypto', '@hemkit/wire/merkle', '@hemkit/wire/messages', '@hemkit/wire/errors'];



beforeAll(ensureBuilt, 120_000);

function nodeImports(metafile: Metafile): string[] {
  return Object.values(metafile.inputs).flatMap((input) => input.imports.filter((i) => i.path.startsWith('node:') || i.external === true).map((i) => i.path));
}

/** Bundles everything `entry` exports for a browser, as a user's bundler would (tree-shaken, ESM). */
function bundleEntry(entry: string) {
  return build({
    stdin: { contents: `export * from '${entry}';`, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    treeShaking: true,
    logLevel: 'silent',
  });
}

async function bundledInputs(entry: string): Promise<string[]> {
  return Object.keys((await bundleEntry(entry)).metafile.inputs);
}

describe('@hemkit/module/scenario in a browser bundle', () => {
  it('bundles with no Node built-in: the scenario core is pure, the caller reads and writes the files', async () => {
    const result = await bundleEntry('@hemkit/module/scenario');
    expect(result.errors).toEqual([]);
    expect(nodeImports(result.metafile)).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((p) => p.includes('packages/module/dist/scenario/'))).toBe(true);
  });
});

describe('@hemkit/wire in a browser bundle', () => {
  it.each(ENTRIES)('%s bundles for the browser with no Node built-in', async (entry) => {
    const result = await bundleEntry(entry);
    expect(result.errors).toEqual([]);
    expect(nodeImports(result.metafile)).toEqual([]);
    // From the built JavaScript, as a user's bundler sees the package, never from the sources.
    expect(Object.keys(result.metafile.inputs).some((p) => p.includes('packages/wire/dist/'))).toBe(true);
    expect(Object.keys(result.metafile.inputs).some((p) => p.endsWith('.ts'))).toBe(false);
  });

  it.each(ENTRIES)('%s carries none of the node backend\'s code (that is @hemkit/wire/crypto/node)', async (entry) => {
    const inputs = await bundledInputs(entry);
    expect(inputs.filter((p) => /\/crypto\/node(-types|-entry)?\.js$|\/merkle\/node-hash\.js$/.test(p))).toEqual([]);
  });

  it('@hemkit/wire/crypto/node, by contrast, carries the node backend and the node Merkle hasher', async () => {
    const inputs = await bundledInputs('@hemkit/wire/crypto/node');
    expect(inputs.some((p) => p.endsWith('packages/wire/dist/crypto/node.js'))).toBe(true);
    expect(inputs.some((p) => p.endsWith('packages/wire/dist/merkle/node-hash.js'))).toBe(true);
  });

  it('runs in a context with only browser globals: CBOR, COSE and Merkle on noble; no node backend', async () => {
    const code = await bundleProgram();
    const context = createContext({ TextEncoder, TextDecoder, crypto: { getRandomValues: (a: Uint8Array) => webcrypto.getRandomValues(a) } });
    const input = programInput();
    expect(runInContext('[typeof require, typeof process, typeof Buffer, typeof module].join()', context)).toBe('undefined,undefined,undefined,undefined');
    runInContext(code, context);
    const out = JSON.parse(runInContext(`hemkitBundle.run(${JSON.stringify(input)})`, context) as string) as Record<string, unknown>;
    expect(out).toEqual(EXPECTED);
  });
});
