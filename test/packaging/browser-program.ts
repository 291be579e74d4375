/**
 * The program both browser tests run against the bundled @hemkit/wire (browser.test.ts in a bare V8
 * context, chromium.test.ts in a real headless browser), its input and what it must answer.
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from './build.js';

export const PROGRAM = `
import { decode, encode, fromHex, toHex, decodeCoseKey, verifySign1, getBackend, isBackendAvailable, createMerkleHasher, verifyInclusion, HemkitError } from '@hemkit/wire';
import { logEntry } from '@hemkit/wire/messages';
export function run(input) {
  const { sign1, proofs } = JSON.parse(input);
  const out = {};
  out.cbor = toHex(encode(decode(encode(new Map([[1, 'hemkit'], [2, [1n, fromHex('dead')]]])))));
  const v = sign1.vectors.find((x) => x.result === 'valid' && x.externalAad === undefined && x.detachedPayload === undefined);
  const key = decodeCoseKey(decode(fromHex(sign1.keys[v.key].coseKey)));
  out.cose = toHex(verifySign1(fromHex(v.input), key, { backend: getBackend('noble') }).payload) === v.payload;
  const p = proofs.vectors.find((x) => x.kind === 'inclusion' && x.result === 'valid' && x.proof.length > 1);
  verifyInclusion(createMerkleHasher(getBackend('noble').sha256), p.leafIndex, p.treeSize, fromHex(p.leafHash), p.proof.map(fromHex), fromHex(p.root));
  out.merkle = true;
  out.nodeAvailable = isBackendAvailable('node');
  try { getBackend('node'); out.nodeBackend = 'returned'; } catch (e) { out.nodeBackend = e instanceof HemkitError ? e.code : String(e); }
  out.messages = typeof logEntry.parse;
  return JSON.stringify(out);
}`;

/** The COSE and Merkle vectors the program checks, as one JSON string. */
export function programInput(): string {
  const vectors = (path: string) => JSON.parse(readFileSync(join(ROOT, 'test-vectors', path), 'utf8')) as unknown;
  return JSON.stringify({ sign1: vectors('cose/sign1.json'), proofs: vectors('merkle/proofs.json') });
}

export const EXPECTED = {
  cbor: 'a2016668656d6b697402820142dead',
  cose: true,
  merkle: true,
  nodeAvailable: false,
  nodeBackend: 'CRYPTO_BACKEND_UNAVAILABLE',
  messages: 'function',
};

/** PROGRAM bundled from the built @hemkit/wire for a browser, as a script defining `hemkitBundle`. */
export async function bundleProgram(): Promise<string> {
  const result = await build({
    stdin: { contents: PROGRAM, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'hemkitBundle',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
