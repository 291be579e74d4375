/**
 * One source of truth: the error codes in packages/wire/src/errors.ts and the error-code registry
 * in specs/registries.md must list exactly the same codes, so neither can drift from the other.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

const registries = readFileSync(join(import.meta.dirname, '../../../../specs/registries.md'), 'utf8');

/** Codes in the first column of Markdown table rows: "| `CODE` | …". */
function codesInSpec(): string[] {
  return [...registries.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]!);
}

describe('the error-code registry in specs/registries.md', () => {
  it('lists every code the code can raise, and no other', () => {
    const spec = codesInSpec().filter((c) => /^(CBOR|COSE|CRYPTO|MERKLE)_/.test(c));
    expect([...spec].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('lists each code once', () => {
    const spec = codesInSpec();
    expect(spec.length).toBe(new Set(spec).size);
  });
});
