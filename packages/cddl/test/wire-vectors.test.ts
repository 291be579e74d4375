/**
 * The message vectors (test-vectors/messages/*.json) against the normative CDDL
 * (specs/cddl/hemkit.cddl): each vector names a rule and says whether its input matches it. Every
 * valid vector matches its rule; every MESSAGE_MISSING_FIELD and MESSAGE_UNKNOWN_FIELD vector does
 * not, since hemkit maps are closed; each MESSAGE_INVALID_FIELD vector matches or not as it says
 * (true only where the rule broken is one the CDDL cannot state, such as ascending precision classes).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCbor, parseCddl } from '../src/index.js';
import { REPO } from './support.js';

interface MessageVector {
  readonly id: string;
  readonly input: string;
  readonly rule: string;
  readonly matchesRule: boolean;
  readonly result: 'valid' | 'invalid';
  readonly code?: string;
  /** For inputs with several faults (specs/test-vectors.md §2.5); `embedded` ones are inside a `bstr .cbor`. */
  readonly faults?: readonly { readonly fault: string }[];
}

/** A valid vector whose only faults are in embedded messages: `.cbor` makes the CDDL judge them too. */
const embeddedFaultOnly = (v: MessageVector) => v.faults !== undefined && v.faults.every((f) => f.fault === 'embedded');

const schema = parseCddl(readFileSync(join(REPO, 'specs/cddl/hemkit.cddl'), 'utf8'));
const dir = join(REPO, 'test-vectors/messages');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const load = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { format: string; vectors: MessageVector[] };

describe.each(files)('messages/%s against the normative CDDL', (name) => {
  const { format, vectors } = load(name);

  it('names only rules the CDDL defines', () => {
    expect(format).toBe('hemkit-message/v1');
    for (const v of vectors) expect(schema.rules.has(v.rule), `${v.id}: rule ${v.rule}`).toBe(true);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const result = checkCbor(schema, Buffer.from(v.input, 'hex'), v.rule);
    const why = result.ok ? '' : result.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    if (v.result === 'valid') expect(result.ok, `${v.id} must ${embeddedFaultOnly(v) ? 'not ' : ''}match ${v.rule}: ${why}`).toBe(!embeddedFaultOnly(v));
    if (v.code === 'MESSAGE_MISSING_FIELD' || v.code === 'MESSAGE_UNKNOWN_FIELD') {
      expect(result.ok, `${v.id} (${v.code}) must not match ${v.rule}: maps are closed and complete`).toBe(false);
    }
    expect(result.ok, `${v.id}: matchesRule ${v.matchesRule} for ${v.rule}; ${why}`).toBe(v.matchesRule);
  });
});
