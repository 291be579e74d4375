/**
 * The attestation result, modelled on EAR (draft-ietf-rats-ear; specs/messages/attestation-result.md):
 * as JSON for people and scripts, and as a COSE_Sign1 signed by the verifier's key for a relying
 * party to keep. One appraisal per chip, as a submodule keyed by the chip's UEID in hex.
 */
import { encode, type CborMapKey, type CborValue } from '@hemkit/wire/cbor';
import { signSign1 } from '@hemkit/wire/cose';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { CLAIM, TYP, typHeaders, type SigningKey } from '@hemkit/wire/messages';
import type { Appraisal } from './appraise.js';
import { toBase64url, toHex } from '@hemkit/wire/bytes';

export const EAR_PROFILE = 'tag:ietf.org,2026:rats/ear#04';
const TIER_NUMBER = { affirming: 2, warning: 32, contraindicated: 96 } as const;
const VECTOR_KEYS = { 'instance-identity': 0, configuration: 1, executables: 2, 'file-system': 3, hardware: 4, 'runtime-opaque': 5, 'storage-opaque': 6, 'sourced-data': 7 } as const;

export interface VerifierIdentity {
  readonly developer: string;
  readonly build: string;
}

const submodName = (a: Appraisal) => (a.ueid ? toHex(a.ueid) : 'unidentified');

/** EAR's JSON serialisation, with hemkit's per-check results under "hemkit.checks". */
export function resultToJson(appraisals: readonly Appraisal[], issuedAt: number, verifier: VerifierIdentity, policyId: string): object {
  return {
    eat_profile: EAR_PROFILE,
    iat: issuedAt,
    'ear.verifier-id': verifier,
    submods: Object.fromEntries(
      appraisals.map((a) => [
        submodName(a),
        {
          'ear.status': a.status,
          'ear.trustworthiness-vector': a.trustworthinessVector,
          'ear.appraisal-policy-id': policyId,
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
  policyId: string,
  key: SigningKey,
  backend?: CryptoBackend,
): Uint8Array {
  const submods = new Map<CborMapKey, CborValue>(
    appraisals.map((a) => [
      submodName(a),
      new Map<CborMapKey, CborValue>([
        [CLAIM.earStatus, TIER_NUMBER[a.status]],
        [CLAIM.earTrustworthinessVector, new Map(Object.entries(a.trustworthinessVector).map(([k, v]) => [VECTOR_KEYS[k as keyof typeof VECTOR_KEYS], v]))],
        [CLAIM.earAppraisalPolicyIds, [policyId]],
        [
          CLAIM.checks,
          a.checks.map(
            (c) =>
              new Map<CborMapKey, CborValue>([
                [1, c.id],
                [2, c.status === 'pass' || c.status === 'not-applicable'],
                ...(c.code ? ([[3, c.code]] as [CborMapKey, CborValue][]) : []),
                [4, c.status === 'pass' ? 'ok' : `${c.status}: ${c.message}`],
              ]),
          ),
        ],
      ]),
    ]),
  );
  const claims = new Map<CborMapKey, CborValue>([
    [CLAIM.eatProfile, EAR_PROFILE],
    [CLAIM.iat, issuedAt],
    [CLAIM.earVerifierId, new Map<CborMapKey, CborValue>([[0, verifier.developer], [1, verifier.build]])],
    [CLAIM.submods, submods],
  ]);
  return signSign1(
    encode(claims),
    { alg: key.alg, privateKey: key.privateKey, kid: key.kid },
    { protectedHeaders: typHeaders(TYP.appraisalResult), ...(backend ? { backend } : {}) },
  );
}
