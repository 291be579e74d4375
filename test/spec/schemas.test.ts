/**
 * The JSON Schemas of specs/schemas/ (draft 2020-12) against what they describe: every generated
 * vector file validates against the schema of its format; the verifier's JSON inputs and the fleet
 * accounting inputs and reports validate where the vectors say they are valid, and fail where the
 * schema can see the fault; the JSON form of an attestation result the verifier writes validates;
 * and the schemas generated from the verifier's zod schemas are up to date. Each schema is also
 * shown to reject something, so that none passes by accepting everything.
 */
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { appraise, parsePolicy, parseReferenceValues, parseTrustAnchors, resultToJson } from '../../packages/verifier/src/index.js';
import { MemoryVerifierStore } from '../../packages/verifier/src/store/index.js';
import { getBackend } from '../../packages/wire/src/crypto/index.js';
import { createMerkleHasher } from '../../packages/wire/src/merkle/index.js';
import { generatedSchemas } from '../../scripts/spec-schemas.js';
import { checkCbor, parseCddl } from '../../packages/cddl/src/index.js';
import { signResult } from '../../packages/verifier/src/index.js';
import { decodeSign1 } from '../../packages/wire/src/cose/index.js';
import { signingKey } from '../../packages/wire/src/messages/index.js';
import { filesUnder, read, SPECS, VECTORS, vectorFiles } from './support.js';

const SCHEMAS = join(SPECS, 'schemas');
const BASE = 'https://hemkit.invalid/schemas/';

const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
for (const path of filesUnder(SCHEMAS, '.schema.json')) ajv.addSchema(JSON.parse(read(path)) as object);

function validator(name: string) {
  const v = ajv.getSchema(BASE + name);
  if (v === undefined) throw new Error(`no schema ${name}`);
  return v;
}
function valid(name: string, value: unknown): boolean {
  return validator(name)(value) as boolean;
}
function errors(name: string, value: unknown): string {
  const v = validator(name);
  v(value);
  return ajv.errorsText(v.errors);
}
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The schema of each vector-file format. */
const SCHEMA_OF_FORMAT: Record<string, string> = {
  'hemkit-cbor-decode/v1': 'vectors-cbor-decode.schema.json',
  'hemkit-cose-sign1/v1': 'vectors-cose.schema.json',
  'hemkit-cose-sign/v1': 'vectors-cose.schema.json',
  'hemkit-crypto-keys/v1': 'vectors-crypto-keys.schema.json',
  'hemkit-merkle-proofs/v1': 'vectors-merkle-proofs.schema.json',
  'hemkit-message/v1': 'vectors-message.schema.json',
  'hemkit-frames/v1': 'vectors-frames.schema.json',
  'hemkit-state-records/v1': 'vectors-state-records.schema.json',
  'hemkit-cddl/v1': 'vectors-cddl.schema.json',
  'hemkit-accounting/v2': 'vectors-accounting.schema.json',
  'hemkit-lineage/v1': 'vectors-lineage.schema.json',
  'hemkit-verifier-inputs/v1': 'vectors-verifier-inputs.schema.json',
  'hemkit-evidence/v1': 'vectors-evidence.schema.json',
  'hemkit-module-session/v1': 'vectors-module-session.schema.json',
  'hemkit-attestation-result/v1': 'vectors-attestation-result.schema.json',
};

const files = vectorFiles();
type Vector = Record<string, unknown>;
const vectorsOf = (format: string): Vector[] => files.filter((f) => f.json.format === format).flatMap((f) => f.json.vectors as Vector[]);

describe('vector files against the schema of their format', () => {
  it('every format has a schema', () => {
    for (const f of files) expect(SCHEMA_OF_FORMAT[f.json.format as string], f.rel).toBeDefined();
  });

  it.each(files.map((f) => [f.rel, f] as const))('%s validates', (_, f) => {
    const name = SCHEMA_OF_FORMAT[f.json.format as string]!;
    expect(valid(name, f.json), errors(name, f.json)).toBe(true);
  });

  it.each(Object.entries(SCHEMA_OF_FORMAT).filter(([fmt]) => files.some((f) => f.json.format === fmt)))('the schema of %s rejects a broken file', (format, name) => {
    const f = files.find((x) => x.json.format === format)!;
    const unknownMember = { ...clone(f.json), surprise: 1 };
    expect(valid(name, unknownMember)).toBe(false);
    const wrongFormat = { ...clone(f.json), format: 'hemkit-other/v9' };
    expect(valid(name, wrongFormat)).toBe(false);
    if (Array.isArray(f.json.vectors)) {
      const json = clone(f.json) as { vectors: Vector[] };
      const invalid = json.vectors.find((v) => v.result === 'invalid');
      if (invalid) {
        delete invalid.code; // an invalid vector without its code
        expect(valid(name, json)).toBe(false);
      } else {
        json.vectors[0]!.id = 'Not An Id';
        expect(valid(name, json)).toBe(false);
      }
    }
  });

  it('an evidence file that is not independent may not override inputs per vector', () => {
    const f = files.find((x) => x.json.format === 'hemkit-evidence/v1' && x.json.independent !== true)!;
    const json = clone(f.json) as { vectors: Vector[]; trust: unknown };
    json.vectors[0]!.trust = json.trust;
    expect(valid('vectors-evidence.schema.json', json)).toBe(false);
  });

  it('an evidence vector must state all fifteen checks', () => {
    const f = files.find((x) => x.json.format === 'hemkit-evidence/v1')!;
    const json = clone(f.json) as { vectors: { expected: { checks: Record<string, string> } }[] };
    delete json.vectors[0]!.expected.checks['usage-rate'];
    expect(valid('vectors-evidence.schema.json', json)).toBe(false);
  });
});

describe('the verifier\'s JSON inputs (specs/verifier.md §3)', () => {
  const SCHEMA_OF_KIND: Record<string, string> = { 'trust-anchors': 'trust-anchors.schema.json', 'reference-values': 'reference-values.schema.json', policy: 'policy.schema.json' };
  const vectors = vectorsOf('hemkit-verifier-inputs/v1') as { id: string; kind: string; input: unknown; result: string; effective?: unknown }[];

  it('every valid input, and every effective policy, validates', () => {
    for (const v of vectors.filter((x) => x.result === 'valid')) {
      expect(valid(SCHEMA_OF_KIND[v.kind]!, v.input), `${v.id}: ${errors(SCHEMA_OF_KIND[v.kind]!, v.input)}`).toBe(true);
      if (v.effective !== undefined) expect(valid('policy.schema.json', v.effective), v.id).toBe(true);
    }
  });

  it('every invalid input fails its schema, except those only the prose rules of verifier.md §3 refuse', () => {
    const passing = vectors.filter((v) => v.result === 'invalid' && valid(SCHEMA_OF_KIND[v.kind]!, v.input)).map((v) => v.id);
    // A key that is hex but no COSE_Key; a threshold above the number of issuers: refinements.
    expect(passing.sort()).toEqual(['trust-anchors-key-not-cose', 'trust-anchors-threshold-above-issuers']);
  });

  it('the file-level inputs of every evidence file validate', () => {
    for (const f of files.filter((x) => x.json.format === 'hemkit-evidence/v1')) {
      expect(valid('trust-anchors.schema.json', f.json.trust), f.rel).toBe(true);
      expect(valid('reference-values.schema.json', f.json.reference), f.rel).toBe(true);
      expect(valid('policy.schema.json', f.json.policy), f.rel).toBe(true);
    }
  });

  it('the schemas generated from the verifier\'s zod schemas are checked in and up to date', () => {
    for (const [name, text] of generatedSchemas()) expect(read(join(SCHEMAS, name)), `${name}: run npx tsx scripts/spec-schemas.ts`).toBe(text);
  });
});

describe('fleet accounting (specs/verifier.md §6.1)', () => {
  const vectors = vectorsOf('hemkit-accounting/v2') as { id: string; result: string; code?: string; report?: unknown; chips: unknown; issuedLicences?: unknown; thresholds?: unknown }[];
  const inputOf = (v: (typeof vectors)[number]) => ({ chips: v.chips, ...(v.issuedLicences ? { issuedLicences: v.issuedLicences } : {}), ...(v.thresholds ? { thresholds: v.thresholds } : {}) });

  it('every valid input and every report validates', () => {
    for (const v of vectors.filter((x) => x.result === 'valid')) {
      expect(valid('accounting-input.schema.json', inputOf(v)), `${v.id}: ${errors('accounting-input.schema.json', inputOf(v))}`).toBe(true);
      expect(valid('accounting-report.schema.json', v.report), `${v.id}: ${errors('accounting-report.schema.json', v.report)}`).toBe(true);
    }
  });

  it('every ACCOUNTING_INVALID_INPUT vector fails the input schema, but a repeated threshold id', () => {
    const passing = vectors.filter((v) => v.code === 'ACCOUNTING_INVALID_INPUT' && valid('accounting-input.schema.json', inputOf(v))).map((v) => v.id);
    expect(passing).toEqual(['threshold-id-twice']);
  });

  it('the report schema rejects an itemised run below every threshold, and a bound that is not a count', () => {
    const v = vectors.find((x) => x.result === 'valid' && (x.report as { flagged: unknown[] }).flagged.length > 0)!;
    const below = clone(v.report) as { flagged: { thresholdsPassed: string[] }[] };
    below.flagged[0]!.thresholdsPassed = [];
    expect(valid('accounting-report.schema.json', below)).toBe(false);
    const bound = clone(v.report) as { flagged: { opsUpperBound: string }[] };
    bound.flagged[0]!.opsUpperBound = 'infinite';
    expect(valid('accounting-report.schema.json', bound)).toBe(false);
  });
});

describe('lineage accounting (specs/verifier.md §6.2)', () => {
  const vectors = vectorsOf('hemkit-lineage/v1') as { id: string; result: string; report?: { models: { flags: string[]; thresholdsPassed: string[]; modification?: unknown }[] } }[];

  it('every report validates, and the vectors itemise models with every flag', () => {
    const reports = vectors.filter((v) => v.result === 'valid').map((v) => v.report!);
    for (const r of reports) expect(valid('lineage-report.schema.json', r), errors('lineage-report.schema.json', r)).toBe(true);
    const flags = new Set(reports.flatMap((r) => r.models.flatMap((m) => m.flags)));
    expect([...flags].sort()).toEqual(['crossed', 'modification', 'projected', 'undetermined']);
  });

  it('the report schema rejects a model flagged crossed that passes no threshold, and a modification flag without its base', () => {
    const v = vectors.find((x) => x.id === 'modification-just-over-a-third')!;
    const crossed = clone(v.report) as { models: { thresholdsPassed: string[] }[] };
    crossed.models[0]!.thresholdsPassed = [];
    expect(valid('lineage-report.schema.json', crossed)).toBe(false);
    const bare = clone(v.report) as { models: { modification?: unknown }[] };
    delete bare.models[0]!.modification;
    expect(valid('lineage-report.schema.json', bare)).toBe(false);
  });
});

/** The first honest evidence vector, appraised by the verifier with a fresh memory: what results are made of. */
const honest = files.find((x) => x.rel === join('evidence', 'evidence-honest.json'))!.json as { trust: unknown; reference: unknown; policy: unknown; vectors: { now: number; nonce: string; bundle: string }[] };
function appraiseHonest(bundle: string, now: number, nonce: string) {
  const backend = getBackend('noble');
  return appraise(Buffer.from(bundle, 'hex'), {
    trust: parseTrustAnchors(honest.trust),
    reference: parseReferenceValues(honest.reference),
    policy: parsePolicy(honest.policy),
    backend,
    hasher: createMerkleHasher((d: Uint8Array) => backend.sha256(d)),
    store: new MemoryVerifierStore(),
    now,
    expectedNonce: Buffer.from(nonce, 'hex'),
  });
}

describe('the JSON form of an attestation result (specs/messages/attestation-result.md §5)', () => {
  const v = honest.vectors[0]!;
  const appraisal = appraiseHonest(v.bundle, v.now, v.nonce);
  const json = resultToJson([appraisal], v.now, { developer: 'hemkit', build: 'test' }, 'hemkit/v1/default');

  it('what the verifier writes validates', () => {
    expect(appraisal.status).toBe('affirming');
    expect(valid('attestation-result.schema.json', json), errors('attestation-result.schema.json', json)).toBe(true);
  });

  it('the schema rejects a check id outside the vocabulary, and a failed check without its code', () => {
    const renamed = clone(json) as { submods: Record<string, { 'hemkit.checks': { id: string; status: string }[] }> };
    Object.values(renamed.submods)[0]!['hemkit.checks'][0]!.id = 'cert-chain';
    expect(valid('attestation-result.schema.json', renamed)).toBe(false);
    const failed = clone(json) as typeof renamed;
    Object.values(failed.submods)[0]!['hemkit.checks'][0]!.status = 'fail';
    expect(valid('attestation-result.schema.json', failed)).toBe(false);
  });
});

describe('the signed attestation result against hemkit.cddl (the CDDL says what result.ts emits)', () => {
  const cddl = parseCddl(read(join(SPECS, 'cddl/hemkit.cddl')));
  const key = signingKey(-8, new Uint8Array(32).fill(7));
  const v = honest.vectors[0]!;
  const affirmed = appraiseHonest(v.bundle, v.now, v.nonce);
  const refused = appraiseHonest(v.bundle, v.now, '00'.repeat(16)); // another nonce: contraindicated, checks not run

  it.each([['affirming', affirmed], ['contraindicated', refused]] as const)('a %s result matches ear-claims', (_, appraisal) => {
    const signed = signResult([appraisal], v.now, { developer: 'hemkit', build: 'test' }, 'hemkit/v1/default', key);
    expect(checkCbor(cddl, signed, 'attestation-result').ok).toBe(true);
    const result = checkCbor(cddl, decodeSign1(signed).payload!, 'ear-claims');
    expect(result.ok, JSON.stringify(result.ok ? '' : result.errors[0])).toBe(true);
  });

  it('the CDDL agrees with the receiver (attestation-result.md §1.2): every result it reads matches, every one it finds malformed does not', () => {
    const file = JSON.parse(read(join(VECTORS, 'verifier/attestation-results.json'))) as { received: { id: string; signed: string; result: string; code?: string }[] };
    const payloadOf = (hex: string) => decodeSign1(new Uint8Array(Buffer.from(hex, 'hex'))).payload!;
    const read_ = file.received.filter((r) => r.result === 'valid');
    const malformed = file.received.filter((r) => r.code === 'RESULT_MALFORMED');
    expect(read_.map((r) => r.id)).toContain('unknown-claims');
    expect(malformed.length).toBeGreaterThan(2);
    for (const r of read_) expect(checkCbor(cddl, payloadOf(r.signed), 'ear-claims').ok, r.id).toBe(true);
    for (const r of malformed) expect(checkCbor(cddl, payloadOf(r.signed), 'ear-claims').ok, r.id).toBe(false);
  });

  it('the CDDL check can fail: a result with a check id outside check-id does not match', () => {
    const signed = signResult([{ ...affirmed, checks: affirmed.checks.map((c, i) => (i === 0 ? { ...c, id: 'cert-chain' as never } : c)) }], v.now, { developer: 'hemkit', build: 'test' }, 'hemkit/v1/default', key);
    expect(checkCbor(cddl, decodeSign1(signed).payload!, 'ear-claims').ok).toBe(false);
  });
});

