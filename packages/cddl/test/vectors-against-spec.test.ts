/**
 * The spec, the code and the vectors agree: every request, response and log entry of every module
 * session vector validates against the normative CDDL (specs/cddl/hemkit.cddl), including the
 * messages nested inside them through .cbor (reports, certificates, licences, receipts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCbor, parseCddl } from '../src/index.js';

const ROOT = join(import.meta.dirname, '../../..');
const schema = parseCddl(readFileSync(join(ROOT, 'specs/cddl/hemkit.cddl'), 'utf8'));
const dir = join(ROOT, 'test-vectors/module');
const sessions = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

interface Session {
  vector: { steps: ({ comment: string; request: string; response: string } | { comment: string; event: string })[]; logEntries: string[] };
}

describe('module session vectors against the normative CDDL', () => {
  it.each(sessions)('%s: every request, response and log entry validates', (file) => {
    const { vector } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Session;
    const failures: string[] = [];
    const check = (hex: string, rule: string, what: string) => {
      const result = checkCbor(schema, Buffer.from(hex, 'hex'), rule);
      if (!result.ok) failures.push(`${what}: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    };
    for (const step of vector.steps) {
      if (!('request' in step)) continue; // events happen outside the command stream
      // The malformed-request steps send bytes that are meant not to match; their responses must.
      if (!/malformed|7 bytes/.test(step.comment)) check(step.request, 'module-request', `request "${step.comment}"`);
      check(step.response, 'module-response', `response "${step.comment}"`);
    }
    vector.logEntries.forEach((entry, i) => check(entry, 'log-entry', `log entry ${i}`));
    expect(failures).toEqual([]);
  });
});

describe('evidence vectors against the normative CDDL', () => {
  const evidenceDir = join(ROOT, 'test-vectors/evidence');
  const evidenceFiles = readdirSync(evidenceDir).filter((f) => f.endsWith('.json')).sort();
  it.each(evidenceFiles)('%s: every bundle is an evidence-bundle, nested messages included', (file) => {
    const { vectors } = JSON.parse(readFileSync(join(evidenceDir, file), 'utf8')) as {
      vectors: { id: string; bundle: string; expected: { checks: Record<string, string> } }[];
    };
    // Vectors built to fail decoding are meant not to match; all others must. Issuer-set updates are
    // decoded by check licence, not by check encoding (encoding.md §13 layer 6), so a malformed one
    // shows as LICENCE_MALFORMED there while the CDDL's .cbor control refuses the bundle.
    const decodes = (v: (typeof vectors)[number]) => v.expected.checks.encoding === 'pass' && v.expected.checks.licence !== 'LICENCE_MALFORMED';
    const failures = vectors.filter(decodes).flatMap((v) => {
      const result = checkCbor(schema, Buffer.from(v.bundle, 'hex'), 'evidence-bundle');
      return result.ok ? [] : [`${v.id}: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`];
    });
    expect(failures).toEqual([]);
  });
});

describe('attestation result vectors against the normative CDDL', () => {
  it('every valid vector\'s claims are ear-claims and its signed result an attestation-result', () => {
    const { vectors } = JSON.parse(readFileSync(join(ROOT, 'test-vectors/verifier/attestation-results.json'), 'utf8')) as {
      vectors: { id: string; result: string; claims?: string; signed?: string }[];
    };
    const valid = vectors.filter((v) => v.result === 'valid');
    expect(valid.length).toBeGreaterThan(0);
    const failures = valid.flatMap((v) =>
      ([['claims', 'ear-claims'], ['signed', 'attestation-result']] as const).flatMap(([member, rule]) => {
        const result = checkCbor(schema, Buffer.from(v[member]!, 'hex'), rule);
        return result.ok ? [] : [`${v.id} ${member}: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`];
      }),
    );
    expect(failures).toEqual([]);
  });
});
