/**
 * The common shape of the hemkit vector files (test-vectors/README.md §1, specs/test-vectors.md):
 *
 *   { format, generator, description, numberOfVectors, ...file-level inputs, vectors: [
 *       { id, description, ...inputs, result: 'valid' | 'invalid', code?, ...expected outputs } ] }
 *
 * Every generator builds its vectors as plain objects and hands them to `renderVectorFile`, which
 * checks what a reader relies on (ids unique and stable-looking, `code` exactly when invalid) and
 * writes the exact text that is checked in.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ERROR_CODES } from '@hemkit/wire/errors';
export { fromHex, toHex as hex } from '../../packages/wire/src/bytes.js';

export interface VectorBase {
  readonly id: string;
  readonly description: string;
  readonly result: 'valid' | 'invalid';
  readonly code?: string;
}

const ID = /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/;
const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** The JSON text of one vector file, two-space indented and ending in a newline, as checked in. */
export function renderVectorFile(
  file: { readonly format: string; readonly generator: string; readonly description: string; readonly [extra: string]: unknown },
  vectors: readonly VectorBase[],
): string {
  const ids = new Set<string>();
  for (const v of vectors) {
    if (!ID.test(v.id)) throw new Error(`${file.format}: vector id "${v.id}" is not lowercase words joined by '-'`);
    if (ids.has(v.id)) throw new Error(`${file.format}: vector id "${v.id}" is used twice`);
    ids.add(v.id);
    if ((v.result === 'invalid') !== (v.code !== undefined)) {
      throw new Error(`${file.format}: vector ${v.id} must carry a code exactly when it is invalid`);
    }
    if (v.code !== undefined && !KNOWN_CODES.has(v.code)) throw new Error(`${file.format}: vector ${v.id}: ${v.code} is not a registry code`);
  }
  const { format, generator, description, ...extra } = file;
  return `${JSON.stringify({ format, generator, description, numberOfVectors: vectors.length, ...extra, vectors }, null, 2)}\n`;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A fixed 32-byte secret for test keys and seeds: SHA-256 of a label, so that every run is the same. */
export const seedBytes = (label: string): Uint8Array => sha256(utf8(`hemkit vector key: ${label}`));

/**
 * Runs `fn` and returns the code of the HemkitError it throws, 'ok' when it returns, so that a
 * generator can confirm each vector's stated outcome against the implementation while it writes it.
 */
export function outcomeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && KNOWN_CODES.has(code)) return code;
    throw e;
  }
}

/** Throws unless running `fn` ends as the vector says: returns for valid, throws its code for invalid. */
export function confirm(what: string, vector: { readonly result: 'valid' | 'invalid'; readonly code?: string }, fn: () => unknown): void {
  const got = outcomeOf(fn);
  const want = vector.result === 'valid' ? 'ok' : vector.code!;
  if (got !== want) throw new Error(`${what}: the vector says ${want}, the implementation gives ${got}`);
}
