/**
 * The attestation result, modelled on EAR (draft-ietf-rats-ear; specs/messages/attestation-result.md):
 * as JSON for people and scripts, and as a COSE_Sign1 signed by the verifier's key for a relying
 * party to keep. One appraisal per chip, as a submodule keyed by the chip's UEID in hex.
 */
import { encode, type CborMapKey, type CborValue } from '@hemkit/wire/cbor';
import { signSign1 } from '@hemkit/wire/cose';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { CLAIM, TYP, typHeaders, type SigningKey } from '@hemkit/wire/messages';
import { HemkitError } from '@hemkit/wire/errors';
import type { Appraisal } from './appraise.js';
import { DEFAULT_POLICY } from './inputs.js';
import { toBase64url, toHex } from '@hemkit/wire/bytes';
import { VECTOR_CLAIMS } from './ar4si.js';

export const EAR_PROFILE = 'tag:ietf.org,2026:rats/ear#04';
const TIER_NUMBER = { affirming: 2, warning: 32, contraindicated: 96 } as const;
/** A check's outcome in the CBOR form (hemkit.cddl check-status); the JSON form carries the name. */
export const CHECK_STATUS_NUMBER = { pass: 0, fail: 1, 'not-applicable': 2, 'not-run': 3 } as const;

export interface VerifierIdentity {
  readonly developer: string;
  readonly build: string;
}

const submodName = (a: Appraisal) => (a.ueid ? toHex(a.ueid) : 'unidentified');

/** The submodule names of a result, refused when two appraisals would share one (attestation-result.md §1). */
function submodNames(appraisals: readonly Appraisal[]): string[] {
  const names = appraisals.map(submodName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new HemkitError('VERIFIER_INPUT_INVALID', `two appraisals in one result name the same submodule ${twice}`);
  return names;
}

/**
 * What the verifier decides about a result beyond the appraisals (attestation-result.md §1): the
 * policy applied, how long the result stays valid, and whom it is for. A parsed Policy is one (its
 * policyId and maxAgeSeconds); a bare policy id string means the default policy's validity.
 */
export interface ResultTerms {
  /** Reported as `ear.appraisal-policy-id`. */
  readonly policyId: string;
  /** The result expires this long after it was issued, unless `expiresAt` is given (default: the default policy's maxAgeSeconds, 600). */
  readonly maxAgeSeconds?: number;
  /** The result's expiry (`exp`, seconds since the epoch); not earlier than issuedAt. */
  readonly expiresAt?: number;
  /** The relying party the result is for (`aud`, RFC 8392 claim 3); absent when the result is for anyone. */
  readonly audience?: string;
}

interface Terms {
  readonly policyId: string;
  readonly expiresAt: number;
  readonly audience: string | undefined;
}

/** The result's terms with the defaults applied: exp = iat + maxAgeSeconds. Throws VERIFIER_INPUT_INVALID. */
export function resultTerms(issuedAt: number, policy: string | ResultTerms): Terms {
  const t: ResultTerms = typeof policy === 'string' ? { policyId: policy } : policy;
  const maxAge = t.maxAgeSeconds ?? DEFAULT_POLICY.maxAgeSeconds;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) throw new HemkitError('VERIFIER_INPUT_INVALID', `maxAgeSeconds ${maxAge} is not a non-negative integer`);
  const expiresAt = t.expiresAt ?? issuedAt + maxAge;
  if (!Number.isSafeInteger(expiresAt) || expiresAt < issuedAt) {
    throw new HemkitError('VERIFIER_INPUT_INVALID', `the result would expire at ${expiresAt}, before it is issued at ${issuedAt}`);
  }
  if (t.audience !== undefined && t.audience.length === 0) throw new HemkitError('VERIFIER_INPUT_INVALID', 'the audience is an empty string');
  return { policyId: t.policyId, expiresAt, audience: t.audience };
}

/** EAR's JSON serialisation (draft-ietf-rats-ear-04 names), with hemkit's per-check results under "hemkit.checks". */
export function resultToJson(appraisals: readonly Appraisal[], issuedAt: number, verifier: VerifierIdentity, policy: string | ResultTerms): object {
  const terms = resultTerms(issuedAt, policy);
  const names = submodNames(appraisals);
  return {
    eat_profile: EAR_PROFILE,
    iat: issuedAt,
    exp: terms.expiresAt,
    ...(terms.audience !== undefined ? { aud: terms.audience } : {}),
    ear_verifier_id: verifier,
    submods: Object.fromEntries(
      appraisals.map((a, i) => [
        names[i]!,
        {
          ear_status: a.status,
          ear_trustworthiness_vector: a.trustworthinessVector,
          ear_appraisal_policy_ids: [terms.policyId],
          ...(a.nonce ? { eat_nonce: toBase64url(a.nonce) } : {}),
          'hemkit.checks': a.checks.map((c) => ({ id: c.id, status: c.status, ...(c.code ? { code: c.code } : {}), message: c.message })),
        },
      ]),
    ),
  };
}

/** The same result as CBOR claims (hemkit.cddl ear-claims), signed with the verifier's key. */
export function signResult(
  appraisals: readonly Appraisal[],
  issuedAt: number,
  verifier: VerifierIdentity,
  policy: string | ResultTerms,
  key: SigningKey,
  backend?: CryptoBackend,
): Uint8Array {
  return signSign1(
    encode(resultClaims(appraisals, issuedAt, verifier, policy)),
    { alg: key.alg, privateKey: key.privateKey, kid: key.kid },
    { protectedHeaders: typHeaders(TYP.appraisalResult), ...(backend ? { backend } : {}) },
  );
}

/** The claims signResult signs (hemkit.cddl ear-claims). */
export function resultClaims(appraisals: readonly Appraisal[], issuedAt: number, verifier: VerifierIdentity, policy: string | ResultTerms): Map<CborMapKey, CborValue> {
  const terms = resultTerms(issuedAt, policy);
  const names = submodNames(appraisals);
  const submods = new Map<CborMapKey, CborValue>(
    appraisals.map((a, i) => [
      names[i]!,
      new Map<CborMapKey, CborValue>([
        [CLAIM.earStatus, TIER_NUMBER[a.status]],
        [CLAIM.earTrustworthinessVector, new Map(Object.entries(a.trustworthinessVector).map(([k, v]) => [VECTOR_CLAIMS[k as keyof typeof VECTOR_CLAIMS], v]))],
        [CLAIM.earAppraisalPolicyIds, [terms.policyId]],
        ...(a.nonce ? ([[CLAIM.eatNonce, a.nonce]] as [CborMapKey, CborValue][]) : []),
        [
          CLAIM.checks,
          a.checks.map(
            (c) =>
              new Map<CborMapKey, CborValue>([
                [1, c.id],
                [2, CHECK_STATUS_NUMBER[c.status]],
                ...(c.code ? ([[3, c.code]] as [CborMapKey, CborValue][]) : []),
                [4, c.message],
              ]),
          ),
        ],
      ]),
    ]),
  );
  return new Map<CborMapKey, CborValue>([
    [CLAIM.eatProfile, EAR_PROFILE],
    [CLAIM.iat, issuedAt],
    [CLAIM.exp, terms.expiresAt],
    ...(terms.audience !== undefined ? ([[CLAIM.aud, terms.audience]] as [CborMapKey, CborValue][]) : []),
    [CLAIM.earVerifierId, new Map<CborMapKey, CborValue>([[0, verifier.developer], [1, verifier.build]])],
    [CLAIM.submods, submods],
  ]);
}
