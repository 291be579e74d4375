/**
 * A relying party reading a signed result (specs/messages/attestation-result.md §1.2): what the
 * verifier signs reads back; unknown claims, at the top level, in an appraisal and in the vector,
 * are ignored; a known claim with a wrong value, another profile, an expired result and another
 * audience are refused with their codes; so are a forged signature and another family's typ.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode, type CborMapKey, type CborValue } from '@hemkit/wire/cbor';
import { decodeSign1, signSign1 } from '@hemkit/wire/cose';
import { CLAIM, signingKey, TYP, typHeaders } from '@hemkit/wire/messages';
import { readResult } from '../../src/read-result.js';
import { resultClaims, signResult } from '../../src/result.js';
import { expectCode, thrownBy } from '../../../wire/test/support/expect-code.js';
import { HemkitError } from '@hemkit/wire/errors';
import { appraiseWith, licensedChip, seed, T0, verifierInputs } from '../support/fixture.js';

const VERIFIER = { developer: 'hemkit', build: 'test' };
const IAT = T0 + 10;
const key = signingKey(-8, seed('relying party test: verifier key'));
const chip = licensedChip('read-result-chip');
const { bundle, nonce } = chip.evidence();
const affirmed = appraiseWith(bundle, nonce, verifierInputs());
const terms = { policyId: 'hemkit/v1/default', audience: 'rp-1' };
type Claims = Map<CborMapKey, CborValue>;

/** The claims the verifier would sign, edited, and signed as a result by the same key. */
function signedWith(edit: (claims: Claims, appraisal: Claims) => void, typ: string = TYP.appraisalResult): Uint8Array {
  const claims = resultClaims([affirmed], IAT, VERIFIER, terms);
  const appraisal = [...(claims.get(CLAIM.submods) as Claims).values()][0] as Claims;
  edit(claims, appraisal);
  return signSign1(encode(claims), { alg: key.alg, privateKey: key.privateKey, kid: key.kid }, { protectedHeaders: typHeaders(typ as never) });
}
const read = (bytes: Uint8Array, over: { now?: number; audience?: string } = {}) => readResult(bytes, { verifierKey: key.publicKey, now: IAT, audience: 'rp-1', ...over });

describe('a relying party reading a result', () => {
  it('reads back what the verifier signed: terms, status, AR4SI claims, policy ids, nonce, every check', () => {
    const r = read(signResult([affirmed], IAT, VERIFIER, terms, key));
    expect([r.issuedAt, r.expiresAt, r.audience, r.verifier, r.status]).toEqual([IAT, IAT + 600, 'rp-1', VERIFIER, undefined]);
    const a = r.appraisals.get(Buffer.from(chip.ueid).toString('hex'))!;
    expect(a.status).toBe('affirming');
    expect(Object.fromEntries(a.trustworthinessVector!)).toEqual({ 0: 2, 1: 2, 2: 3, 4: 2 });
    expect([a.policyIds, a.nonce]).toEqual([['hemkit/v1/default'], nonce]);
    expect(a.checks!.map((c) => [c.id, c.status])).toEqual(affirmed.checks.map((c) => [c.id, c.status]));
  });

  it('ignores claims it does not know, at the top level, in an appraisal and in the vector', () => {
    const bytes = signedWith((claims, appraisal) => {
      claims.set(-80000, 'a future extension');
      claims.set('ext.name', new Map([[1, 2]]));
      appraisal.set(1005, new Map([['oemid', new Uint8Array(3)]])); // ear_attester_claims, unknown to hemkit v1
      (appraisal.get(CLAIM.earTrustworthinessVector) as Claims).set(9, 96); // a label AR4SI may add
    });
    const a = [...read(bytes).appraisals.values()][0]!;
    expect(a.status).toBe('affirming');
    expect([...a.trustworthinessVector!.keys()]).toEqual([0, 1, 2, 4]);
  });

  it('refuses a known claim with a value its CDDL does not allow (RESULT_MALFORMED), and a missing required one', () => {
    const cases: [string, (c: Claims, a: Claims) => void][] = [
      ['a status outside the tiers', (_, a) => a.set(CLAIM.earStatus, 3)],
      ['a vector claim outside -128..127', (_, a) => (a.get(CLAIM.earTrustworthinessVector) as Claims).set(0, 200)],
      ['a single policy id instead of a list (EAR before -04)', (_, a) => a.set(CLAIM.earAppraisalPolicyIds, 'hemkit/v1/default')],
      ['raw evidence as a bare byte string, not a CMW record', (c) => c.set(CLAIM.earRawEvidence, new Uint8Array(4))],
      ['a check with an unknown key', (_, a) => ((a.get(CLAIM.checks) as Claims[])[0]!.set(5, 'x'))],
      ['a failed check without its code', (_, a) => ((a.get(CLAIM.checks) as Claims[])[0]!.set(2, 1))],
      ['an unknown check id', (_, a) => ((a.get(CLAIM.checks) as Claims[])[0]!.set(1, 'cert-chain'))],
      ['exp before iat', (c) => c.set(CLAIM.exp, IAT - 1)],
      ['no iat', (c) => c.delete(CLAIM.iat)],
      ['a verifier id with a third member', (c) => (c.get(CLAIM.earVerifierId) as Claims).set(2, 'x')],
      ['no submodules', (c) => c.set(CLAIM.submods, new Map())],
    ];
    for (const [what, edit] of cases) {
      const thrown = thrownBy(() => read(signedWith(edit)));
      expect(thrown instanceof HemkitError ? thrown.code : thrown, what).toBe('RESULT_MALFORMED');
    }
  });

  it('refuses another EAR profile (RESULT_PROFILE_UNSUPPORTED)', () => {
    expectCode(() => read(signedWith((c) => c.set(CLAIM.eatProfile, 'tag:ietf.org,2026:rats/ear#05'))), 'RESULT_PROFILE_UNSUPPORTED');
  });

  it('refuses a result without eat_profile as RESULT_PROFILE_UNSUPPORTED, before a malformed claim (attestation-result.md §1.2 step 2)', () => {
    expectCode(() => read(signedWith((c) => c.delete(CLAIM.eatProfile))), 'RESULT_PROFILE_UNSUPPORTED');
    expectCode(() => read(signedWith((c) => (c.delete(CLAIM.eatProfile), c.set(CLAIM.iat, 'now')))), 'RESULT_PROFILE_UNSUPPORTED');
  });

  it('refuses a result after its exp (RESULT_EXPIRED), and reads it at exp', () => {
    const bytes = signResult([affirmed], IAT, VERIFIER, terms, key);
    expect(read(bytes, { now: IAT + 600 }).expiresAt).toBe(IAT + 600);
    expectCode(() => read(bytes, { now: IAT + 601 }), 'RESULT_EXPIRED');
  });

  it('refuses a result for another relying party, or named for one when the reader gives no name (RESULT_WRONG_AUDIENCE)', () => {
    const bytes = signResult([affirmed], IAT, VERIFIER, terms, key);
    expectCode(() => read(bytes, { audience: 'rp-2' }), 'RESULT_WRONG_AUDIENCE');
    expectCode(() => readResult(bytes, { verifierKey: key.publicKey, now: IAT }), 'RESULT_WRONG_AUDIENCE');
    expect(readResult(signResult([affirmed], IAT, VERIFIER, 'p', key), { verifierKey: key.publicKey, now: IAT }).audience).toBeUndefined();
  });

  it('checks the family and the signature before any claim: another typ, another key, a changed payload', () => {
    expectCode(() => read(signedWith(() => {}, TYP.attestationReport)), 'COSE_TYPE_MISMATCH');
    const other = signingKey(-8, seed('another verifier'));
    expectCode(() => readResult(signResult([affirmed], IAT, VERIFIER, terms, other), { verifierKey: key.publicKey, now: IAT, audience: 'rp-1' }), 'COSE_SIGNATURE_INVALID');
    // A payload with a wrong known claim but a bad signature is a signature failure, not a malformed result.
    const m = decodeSign1(signedWith((c) => c.set(CLAIM.iat, 'soon')));
    expect(decode(m.payload!)).toBeInstanceOf(Map);
    expectCode(() => readResult(signedWith((c) => c.set(CLAIM.iat, 'soon')), { verifierKey: other.publicKey, now: IAT, audience: 'rp-1' }), 'COSE_SIGNATURE_INVALID');
  });
});
