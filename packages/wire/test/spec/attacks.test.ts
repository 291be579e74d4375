/**
 * The attack catalogue (specs/attacks.md) names, for each attack, a vector and the code that catches
 * it. This test keeps the catalogue honest: every vector it names exists, and fails with one of the
 * codes the same row names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../../..');
const catalogue = readFileSync(join(ROOT, 'specs/attacks.md'), 'utf8');

interface Row {
  readonly codes: string[];
  readonly vectors: { file: string; id: string }[];
}

const rows: Row[] = catalogue
  .split('\n')
  .filter((line) => line.startsWith('| ') && line.includes('`'))
  .map((line) => ({
    codes: [...line.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!),
    vectors: [...line.matchAll(/`((?:module|evidence)\/[a-z0-9-]+)#([^`]+)`/g)].map((m) => ({ file: m[1]!, id: m[2]! })),
  }))
  .filter((r) => r.vectors.length > 0);

function outcomes(file: string, id: string): string[] {
  const data = JSON.parse(readFileSync(join(ROOT, 'test-vectors', `${file}.json`), 'utf8'));
  if (file.startsWith('module/')) {
    const step = data.vector.steps.find((s: { comment: string }) => s.comment === id);
    return step === undefined ? [] : [step.expect];
  }
  const vector = data.vectors.find((v: { id: string }) => v.id === id);
  return vector === undefined ? [] : Object.values(vector.expected.checks as Record<string, string>);
}

describe('the attack catalogue', () => {
  it('names vectors for most of its attacks', () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });

  it.each(rows.flatMap((r) => r.vectors.map((v) => [`${v.file}#${v.id}`, v, r.codes] as const)))('%s exists and fails with a code its row names', (_name, v, codes) => {
    const seen = outcomes(v.file, v.id);
    expect(seen.length, `no vector ${v.file}#${v.id}`).toBeGreaterThan(0);
    expect(seen.some((code) => codes.includes(code)), `${v.file}#${v.id} gave ${seen.join(', ')}; the row names ${codes.join(', ')}`).toBe(true);
  });
});
