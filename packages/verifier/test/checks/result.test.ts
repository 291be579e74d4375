/**
 * The attestation result (specs/messages/attestation-result.md): the signed CBOR claims and the JSON
 * form carry the same content: each check's outcome, one policy id, the report's nonce, the expiry and
 * the audience. Terms that cannot be honoured are refused before anything is signed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { decode, type CborMapKey, type CborValue } from '@hemkit/wire/cbor';
import { decodeSign1 } from '@hemkit/wire/cose';
import { toBase64url } from '@hemkit/wire/bytes';
import { CLAIM, signingKey } from '@hemkit/wire/messages';
import { CHECK_STATUS_NUMBER, resultClaims, resultToJson, signResult, type ResultTerms } from '../../src/result.js';
import { parsePolicy } from '../../src/inputs.js';
import type { Appraisal } from '../../src/appraise.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { appraiseWith, licensedChip, reference, seed, T0, verifierInputs } from '../support/fixture.js';

const VERIFIER = { developer: 'hemkit', build: 'test' };
const IAT = T0 + 10;
type Claims = Map<CborMapKey, CborValue>;

const SCHEMAS = join(import.meta.dirname, '../../../../specs/schemas');
const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
for (const f of readdirSync(SCHEMAS).filter((n) => n.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8')) as object);
const resultSchema = ajv.getSchema('https://hemkit.invalid/schemas/attestation-result.schema.json')!;

const chip = licensedChip();
const { bundle, nonce } = chip.evidence();
const affirmed = appraiseWith(bundle, nonce, verifierInputs());
// An unknown model: firmware fails, and usage-rate, which needs it, is not run.
const refused = appraiseWith(chip.evidence().bundle, seed('another nonce').subarray(0, 16), verifierInputs({ reference: reference({ hwmodel: 'another-model' }) }));
const key = signingKey(-8, seed('verifier result key'));

const submod = (claims: Claims) => [...(claims.get(CLAIM.submods) as Claims).values()][0] as Claims;
const signedClaims = (appraisals: readonly Appraisal[], terms: string | ResultTerms) =>
  decode(decodeSign1(signResult(appraisals, IAT, VERIFIER, terms, key)).payload!) as Claims;
const json = (appraisals: readonly Appraisal[], terms: string | ResultTerms) =>
  resultToJson(appraisals, IAT, VERIFIER, terms) as { exp: number; aud?: string; submods: Record<string, Record<string, unknown>> };

describe('the attestation result', () => {
  it('carries each check\'s outcome in CBOR as 0..3, and the same outcome, code and message as the JSON form', () => {
    expect(refused.checks.map((c) => c.status)).toEqual(expect.arrayContaining(['pass', 'fail', 'not-run']));
    expect(affirmed.checks.map((c) => c.status)).toContain('not-applicable');
    for (const a of [affirmed, refused]) {
      const cbor = submod(signedClaims([a], 'p')).get(CLAIM.checks) as Claims[];
      const fromJson = Object.values(json([a], 'p').submods)[0]!['hemkit.checks'] as { id: string; status: keyof typeof CHECK_STATUS_NUMBER; code?: string; message: string }[];
      expect(cbor.map((c) => [c.get(1), c.get(2), c.get(3), c.get(4)])).toEqual(fromJson.map((c) => [c.id, CHECK_STATUS_NUMBER[c.status], c.code, c.message]));
      expect(cbor.map((c) => c.get(2))).toEqual(a.checks.map((c) => CHECK_STATUS_NUMBER[c.status]));
    }
    expect(CHECK_STATUS_NUMBER).toEqual({ pass: 0, fail: 1, 'not-applicable': 2, 'not-run': 3 });
  });

  it('carries the policy id as EAR -04\'s one-element list of policy ids, and the report\'s nonce, in both forms', () => {
    const cbor = submod(signedClaims([affirmed], 'hemkit/v1/strict'));
    expect(cbor.get(CLAIM.earAppraisalPolicyIds)).toEqual(['hemkit/v1/strict']);
    expect(cbor.get(CLAIM.eatNonce)).toEqual(nonce);
    const j = Object.values(json([affirmed], 'hemkit/v1/strict').submods)[0]!;
    expect(j.ear_appraisal_policy_ids).toEqual(['hemkit/v1/strict']);
    expect(j.eat_nonce).toBe(toBase64url(nonce));
    // Bytes that did not decode name no chip and answer no nonce.
    const unreadable = appraiseWith(new Uint8Array([0xa1, 0x01]), nonce, verifierInputs());
    expect(submod(signedClaims([unreadable], 'p')).has(CLAIM.eatNonce)).toBe(false);
  });

  it('expires at iat + the policy\'s maxAgeSeconds by default, or when told; names its audience only when given one', () => {
    const plain = signedClaims([affirmed], 'hemkit/v1/default');
    expect(plain.get(CLAIM.exp)).toBe(IAT + 600);
    expect(plain.has(CLAIM.aud)).toBe(false);
    expect(json([affirmed], 'hemkit/v1/default')).toMatchObject({ exp: IAT + 600 });
    expect('aud' in json([affirmed], 'hemkit/v1/default')).toBe(false);
    const policy = parsePolicy({ maxAgeSeconds: 120, policyId: 'short' });
    expect(signedClaims([affirmed], policy).get(CLAIM.exp)).toBe(IAT + 120);
    const terms: ResultTerms = { ...policy, expiresAt: IAT, audience: 'relying-party-1' };
    const told = signedClaims([affirmed], terms);
    expect([told.get(CLAIM.exp), told.get(CLAIM.aud)]).toEqual([IAT, 'relying-party-1']);
    expect(json([affirmed], terms)).toMatchObject({ exp: IAT, aud: 'relying-party-1' });
  });

  it('the JSON schema takes exp and aud as written, and refuses a result without exp or with an empty aud', () => {
    const terms: ResultTerms = { policyId: 'p', audience: 'relying-party-1' };
    const written = json([affirmed, appraiseWith(new Uint8Array([0xa1, 0x01]), nonce, verifierInputs())], terms);
    expect(resultSchema(written), ajv.errorsText(resultSchema.errors)).toBe(true);
    const { exp: _, ...withoutExp } = written;
    expect(resultSchema(withoutExp)).toBe(false);
    expect(resultSchema({ ...written, aud: '' })).toBe(false);
    expect(resultSchema({ ...written, exp: 'soon' })).toBe(false);
  });

  it('uses EAR -04\'s JSON claim names, and the AR4SI labels 0, 1, 2 and 4 in CBOR for the names in JSON', () => {
    const j = json([refused], 'p') as unknown as Record<string, unknown> & { submods: Record<string, Record<string, unknown>> };
    expect(Object.keys(j)).toEqual(['eat_profile', 'iat', 'exp', 'ear_verifier_id', 'submods']);
    const appraisal = Object.values(j.submods)[0]!;
    expect(Object.keys(appraisal)).toEqual(['ear_status', 'ear_trustworthiness_vector', 'ear_appraisal_policy_ids', 'eat_nonce', 'hemkit.checks']);
    const labels = { 'instance-identity': 0, configuration: 1, executables: 2, hardware: 4 } as Record<string, number>;
    const cborVector = submod(signedClaims([refused], 'p')).get(CLAIM.earTrustworthinessVector) as Map<number, number>;
    expect(Object.fromEntries([...cborVector].map(([k, v]) => [k, v]))).toEqual(Object.fromEntries(Object.entries(refused.trustworthinessVector).map(([k, v]) => [labels[k], v])));
    expect(refused.trustworthinessVector).toEqual({ 'instance-identity': 2, configuration: 2, hardware: 97 });
  });

  it('refuses two appraisals that would share one submodule name, in both forms (VERIFIER_INPUT_INVALID)', () => {
    expectCode(() => signResult([affirmed, refused], IAT, VERIFIER, 'p', key), 'VERIFIER_INPUT_INVALID');
    expectCode(() => resultToJson([affirmed, refused], IAT, VERIFIER, 'p'), 'VERIFIER_INPUT_INVALID');
  });

  it('refuses terms it cannot honour with VERIFIER_INPUT_INVALID, in both forms, before signing', () => {
    const bad: ResultTerms[] = [
      { policyId: 'p', expiresAt: IAT - 1 },
      { policyId: 'p', maxAgeSeconds: -1 },
      { policyId: 'p', maxAgeSeconds: 1.5 },
      { policyId: 'p', audience: '' },
    ];
    for (const terms of bad) {
      expectCode(() => signResult([affirmed], IAT, VERIFIER, terms, key), 'VERIFIER_INPUT_INVALID');
      expectCode(() => resultToJson([affirmed], IAT, VERIFIER, terms), 'VERIFIER_INPUT_INVALID');
      expectCode(() => resultClaims([affirmed], IAT, VERIFIER, terms), 'VERIFIER_INPUT_INVALID');
    }
  });
});
