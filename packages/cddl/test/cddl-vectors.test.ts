/**
 * test-vectors/cddl/schemas.json through the checker: each schema parses or fails with its code,
 * and each item matches its rule or fails with CDDL_VALIDATION_FAILED (or CDDL_UNDEFINED_RULE for a
 * rule the schema does not define as a type).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from '@hemkit/wire/cbor';
import { assertValid, parseCddl } from '../src/index.js';
import { outcome } from '../../wire/test/support/expect-code.js';
import { REPO } from './support.js';

interface CddlVector {
  readonly id: string;
  readonly description: string;
  readonly schema: string;
  readonly rule?: string;
  readonly input?: string;
  readonly result: 'valid' | 'invalid';
  readonly code?: string;
}

const file = JSON.parse(readFileSync(join(REPO, 'test-vectors/cddl/schemas.json'), 'utf8')) as { format: string; numberOfVectors: number; vectors: CddlVector[] };

function outcomeOf(v: CddlVector): string {
  return outcome(() => {
    const schema = parseCddl(v.schema);
    if (v.input !== undefined) assertValid(schema, v.rule ?? schema.root, decode(Buffer.from(v.input, 'hex')));
  });
}

describe('cddl/schemas.json', () => {
  it('is a hemkit-cddl/v1 file', () => {
    expect(file.format).toBe('hemkit-cddl/v1');
    expect(file.vectors).toHaveLength(file.numberOfVectors);
  });

  it.each(file.vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    expect(outcomeOf(v)).toBe(v.result === 'valid' ? 'valid' : v.code);
  });
});
