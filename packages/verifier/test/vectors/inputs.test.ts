/**
 * test-vectors/verifier/inputs.json through the verifier's input parsers: each configuration parses
 * (a policy to the stated effective policy) or fails with VERIFIER_INPUT_INVALID.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy, parseReferenceValues, parseTrustAnchors } from '../../src/index.js';
import { outcome } from '../../../wire/test/support/expect-code.js';

interface InputVector {
  readonly id: string;
  readonly description: string;
  readonly kind: 'trust-anchors' | 'reference-values' | 'policy';
  readonly input: unknown;
  readonly result: 'valid' | 'invalid';
  readonly code?: string;
  readonly effective?: unknown;
}

const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../test-vectors/verifier/inputs.json'), 'utf8')) as {
  format: string;
  numberOfVectors: number;
  vectors: InputVector[];
};
const PARSERS = { 'trust-anchors': parseTrustAnchors, 'reference-values': parseReferenceValues, policy: parsePolicy } as const;

describe('verifier/inputs.json', () => {
  it('is a hemkit-verifier-inputs/v1 file', () => {
    expect(file.format).toBe('hemkit-verifier-inputs/v1');
    expect(file.vectors).toHaveLength(file.numberOfVectors);
  });

  it.each(file.vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    let parsed: unknown;
    const got = outcome(() => (parsed = PARSERS[v.kind](v.input)));
    expect(got).toBe(v.result === 'valid' ? 'valid' : v.code);
    if (v.effective !== undefined) expect(parsed).toEqual(v.effective);
  });
});
