import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CborValue } from '@hemkit/wire/cbor';
import { parseCddl, validate, type ValidationResult } from '../src/index.js';

export const REPO = join(import.meta.dirname, '../../..');

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO, path), 'utf8');
}

/** Validates `value` against the first rule of `cddl` (or `rule`). */
export function check(cddl: string, value: CborValue, rule?: string): ValidationResult {
  const schema = parseCddl(cddl);
  return validate(schema, rule ?? schema.root, value);
}

export function expectFailure(result: ValidationResult, path: string, message?: string | RegExp): void {
  expect(result.ok, 'expected the value not to match').toBe(false);
  if (result.ok) return;
  expect(result.errors[0]!.path).toBe(path);
  if (message !== undefined) expect(result.errors[0]!.message).toMatch(message);
}

/** One assertion for typed errors, shared by every package's tests. */
export { expectCode } from '../../wire/test/support/expect-code.js';

export { fromHex } from '@hemkit/wire/bytes';
