/**
 * One source of truth: the error codes in packages/wire/src/errors.ts and the error-code registry
 * in specs/registries.md must list exactly the same codes, so neither can drift from the other.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

const registries = readFileSync(join(import.meta.dirname, '../../../../specs/registries.md'), 'utf8');

/** Codes in the first column of the error table, between the spec's registry markers. */
function codesInSpec(): string[] {
  const begin = registries.indexOf('<!-- error-registry:begin -->');
  const end = registries.indexOf('<!-- error-registry:end -->');
  expect(begin, 'specs/registries.md has the error-registry markers').toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(begin);
  const table = registries.slice(begin, end);
  return [...table.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]!);
}

describe('the error-code registry in specs/registries.md', () => {
  it('lists every code the code can raise, and no other', () => {
    expect([...codesInSpec()].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('lists each code once', () => {
    const spec = codesInSpec();
    expect(spec.length).toBe(new Set(spec).size);
  });
});
