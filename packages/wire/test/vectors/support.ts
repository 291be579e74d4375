/**
 * Reading the vector files of test-vectors/ (format: test-vectors/README.md). The tests here take
 * nothing from the generators: they read the checked-in JSON and run it through the wire layer, as a
 * second implementation would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
export { fromHex, toHex as hex } from '../../src/bytes.js';

export const VECTORS = join(import.meta.dirname, '../../../../test-vectors');

export interface VectorFile<V> {
  readonly format: string;
  readonly generator: string;
  readonly description: string;
  readonly numberOfVectors: number;
  readonly vectors: readonly V[];
}

export interface Vector {
  readonly id: string;
  readonly description: string;
  readonly result: 'valid' | 'invalid';
  readonly code?: string;
}

/** Reads test-vectors/<path> and checks the envelope every file shares. */
export function loadVectors<V extends Vector, F extends VectorFile<V> = VectorFile<V>>(path: string, format: string): F {
  const file = JSON.parse(readFileSync(join(VECTORS, path), 'utf8')) as F;
  expect(file.format, path).toBe(format);
  expect(file.vectors.length, `${path}: numberOfVectors`).toBe(file.numberOfVectors);
  expect(new Set(file.vectors.map((v) => v.id)).size, `${path}: ids are unique`).toBe(file.vectors.length);
  for (const v of file.vectors) expect(v.result === 'invalid', `${path} ${v.id}: a code exactly when invalid`).toBe(v.code !== undefined);
  return file;
}

/** The JSON files of one directory of test-vectors/, sorted. */
export function vectorFilesIn(directory: string): string[] {
  return readdirSync(join(VECTORS, directory))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => `${directory}/${f}`);
}

/** 'valid' when `fn` returns, the code when it throws a HemkitError; shared by every package's tests. */
export { outcome } from '../support/expect-code.js';

/** What a vector says `outcome` must give. */
export const expected = (v: Vector): string => (v.result === 'valid' ? 'valid' : v.code!);


/** [id, vector] pairs for it.each, so each vector is a test named by its id. */
export const byId = <V extends Vector>(vectors: readonly V[]): [string, V][] => vectors.map((v) => [v.id, v]);
