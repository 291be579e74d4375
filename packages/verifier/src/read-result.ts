/**
 * A relying party's reading of a signed attestation result (specs/messages/attestation-result.md
 * §1.2): verify the signature under a trusted verifier key and the typ, check the profile, refuse a
 * known claim with a value its CDDL does not allow, refuse a result past its expiry or for another
 * audience, and ignore every claim it does not know, as EAR requires. Pure: the clock is injected.
 */
import { decode, type CborMapKey, type CborValue } from '@hemkit/wire/cbor';
import { decodeSign1, verifySign1, type CosePublicKey } from '@hemkit/wire/cose';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { HemkitError } from '@hemkit/wire/errors';
import { CLAIM, expectTyp, TYP } from '@hemkit/wire/messages';
import { CHECKS, type CheckId, type CheckStatus } from './appraise.js';
import { CHECK_STATUS_NUMBER, EAR_PROFILE, type VerifierIdentity } from './result.js';

export type ReceivedTier = 'none' | 'affirming' | 'warning' | 'contraindicated';

export interface ReceivedCheck {
  readonly id: CheckId;
  readonly status: CheckStatus;
  readonly code?: string;
  readonly message?: string;
}

export interface ReceivedAppraisal {
  readonly status: ReceivedTier;
  /** AR4SI claims by CBOR label (0–7); labels the receiver does not know are left out. */
  readonly trustworthinessVector?: ReadonlyMap<number, number>;
  readonly policyIds?: readonly string[];
  readonly nonce?: Uint8Array;
  readonly checks?: readonly ReceivedCheck[];
}

export interface ReceivedResult {
  readonly issuedAt: number;
  readonly expiresAt: number | undefined;
  readonly audience: string | undefined;
  readonly verifier: VerifierIdentity;
  readonly status: ReceivedTier | undefined;
  readonly appraisals: ReadonlyMap<string, ReceivedAppraisal>;
}

export interface ReadResultOptions {
  /** The verifier key the relying party trusts. */
  readonly verifierKey: CosePublicKey;
  /** The relying party's clock, seconds since the epoch. */
  readonly now: number;
  /** The relying party's own name, to compare with `aud`. */
  readonly audience?: string;
  readonly backend?: CryptoBackend;
}

const TIER_NAME = new Map<unknown, ReceivedTier>([[0, 'none'], [2, 'affirming'], [32, 'warning'], [96, 'contraindicated']]);
const STATUS_NAME = new Map<unknown, CheckStatus>(Object.entries(CHECK_STATUS_NUMBER).map(([name, n]) => [n, name as CheckStatus]));
const CHECK_IDS = new Set<unknown>(CHECKS.map((c) => c.id));
const AR4SI_LABELS = new Set([0, 1, 2, 3, 4, 5, 6, 7]);

const malformed = (what: string): never => {
  throw new HemkitError('RESULT_MALFORMED', what);
};
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const asMap = (v: CborValue | undefined, what: string): ReadonlyMap<CborMapKey, CborValue> => (v instanceof Map ? v : malformed(`${what} is not a map`));
const asText = (v: CborValue | undefined, what: string): string => (typeof v === 'string' ? v : malformed(`${what} is not a text string`));
const asTime = (v: CborValue | undefined, what: string): number => (isInt(v) && v >= 0 ? v : malformed(`${what} is not a non-negative integer time`));
const asNonce = (v: CborValue | undefined, what: string): Uint8Array => (v instanceof Uint8Array && v.length >= 8 && v.length <= 64 ? v : malformed(`${what} is not a nonce of 8 to 64 bytes`));
const asTier = (v: CborValue | undefined, what: string): ReceivedTier => TIER_NAME.get(v) ?? malformed(`${what} is not a trust tier (0, 2, 32, 96)`);

/** Reads and checks a signed result; throws COSE_*, CBOR_* or RESULT_* (attestation-result.md §1.2). */
export function readResult(bytes: Uint8Array, options: ReadResultOptions): ReceivedResult {
  // Step 1: the family, then the signature, before any claim is read.
  const message = decodeSign1(bytes);
  expectTyp(message, TYP.appraisalResult, 'attestation result');
  const { payload } = verifySign1(message, options.verifierKey, options.backend ? { backend: options.backend } : {});
  const claims = asMap(decode(payload), 'the claims set');
  // Step 2: the profile names the format.
  const profile = claims.get(CLAIM.eatProfile);
  if (profile !== EAR_PROFILE) throw new HemkitError('RESULT_PROFILE_UNSUPPORTED', `eat_profile ${JSON.stringify(profile ?? null)} is not ${EAR_PROFILE}`);
  // Step 3: every known claim, with a value its CDDL allows (unknown ones are never looked at: step 5).
  const issuedAt = asTime(claims.get(CLAIM.iat), 'iat');
  const expiresAt = claims.has(CLAIM.exp) ? asTime(claims.get(CLAIM.exp), 'exp') : undefined;
  if (expiresAt !== undefined && expiresAt < issuedAt) malformed(`exp ${expiresAt} is before iat ${issuedAt}`);
  const audience = claims.has(CLAIM.aud) ? asText(claims.get(CLAIM.aud), 'aud') : undefined;
  const verifier = verifierId(claims.get(CLAIM.earVerifierId));
  const status = claims.has(CLAIM.earStatus) ? asTier(claims.get(CLAIM.earStatus), 'ear_status') : undefined;
  if (claims.has(CLAIM.eatNonce)) asNonce(claims.get(CLAIM.eatNonce), 'eat_nonce');
  if (claims.has(CLAIM.earRawEvidence)) cmwRecord(claims.get(CLAIM.earRawEvidence));
  const submods = asMap(claims.get(CLAIM.submods), 'submods');
  if (submods.size === 0) malformed('submods is empty');
  const appraisals = new Map<string, ReceivedAppraisal>();
  for (const [name, value] of submods) appraisals.set(asText(name as CborValue, 'a submodule name'), appraisal(asMap(value, `submodule ${String(name)}`), String(name)));
  // Step 4: a result past its expiry, or for someone else, is not acted on.
  if (expiresAt !== undefined && options.now > expiresAt) throw new HemkitError('RESULT_EXPIRED', `the result expired at ${expiresAt}; it is ${options.now}`);
  if (audience !== undefined && audience !== options.audience) {
    throw new HemkitError('RESULT_WRONG_AUDIENCE', `the result is for ${JSON.stringify(audience)}${options.audience === undefined ? '' : `, not ${JSON.stringify(options.audience)}`}`);
  }
  return { issuedAt, expiresAt, audience, verifier, status, appraisals };
}

function verifierId(value: CborValue | undefined): VerifierIdentity {
  const m = asMap(value, 'ear_verifier_id');
  if (m.size !== 2) malformed('ear_verifier_id has members other than developer (0) and build (1)');
  return { developer: asText(m.get(0), 'ear_verifier_id developer'), build: asText(m.get(1), 'ear_verifier_id build') };
}

/** RFC 9999 §3.1: [type, value, ? ind]; type a media type or a two-byte Content-Format. */
function cmwRecord(value: CborValue | undefined): void {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) malformed('ear_raw_evidence is not a CMW record [type, value, ? ind]');
  const [type, bytes, ind] = value as CborValue[];
  if (!(typeof type === 'string' || (isInt(type) && type >= 0 && type <= 0xffff))) malformed('ear_raw_evidence: the CMW type is neither a media type nor a Content-Format');
  if (!(bytes instanceof Uint8Array)) malformed('ear_raw_evidence: the CMW value is not a byte string');
  if (ind !== undefined && !(isInt(ind) && ind >= 0)) malformed('ear_raw_evidence: the CMW indicator is not an unsigned integer');
}

function appraisal(m: ReadonlyMap<CborMapKey, CborValue>, name: string): ReceivedAppraisal {
  const what = (claim: string) => `${claim} of submodule ${name}`;
  const status = asTier(m.get(CLAIM.earStatus), what('ear_status'));
  let vector: Map<number, number> | undefined;
  if (m.has(CLAIM.earTrustworthinessVector)) {
    const tv = asMap(m.get(CLAIM.earTrustworthinessVector), what('ear_trustworthiness_vector'));
    if (tv.size === 0) malformed(`${what('ear_trustworthiness_vector')} is empty`);
    vector = new Map();
    for (const [label, v] of tv) {
      if (!isInt(v) || v < -128 || v > 127) malformed(`${what('ear_trustworthiness_vector')}: claim ${String(label)} is not an integer in -128..127`);
      if (AR4SI_LABELS.has(label as number)) vector.set(label as number, v as number);
    }
  }
  let policyIds: string[] | undefined;
  if (m.has(CLAIM.earAppraisalPolicyIds)) {
    const ids = m.get(CLAIM.earAppraisalPolicyIds);
    if (!Array.isArray(ids) || ids.length === 0) malformed(`${what('ear_appraisal_policy_ids')} is not a non-empty array`);
    policyIds = (ids as CborValue[]).map((id) => asText(id, what('a policy id')));
  }
  const nonce = m.has(CLAIM.eatNonce) ? asNonce(m.get(CLAIM.eatNonce), what('eat_nonce')) : undefined;
  const checks = m.has(CLAIM.checks) ? checkResults(m.get(CLAIM.checks), what('hemkit.checks')) : undefined;
  return { status, ...(vector ? { trustworthinessVector: vector } : {}), ...(policyIds ? { policyIds } : {}), ...(nonce ? { nonce } : {}), ...(checks ? { checks } : {}) };
}

/** hemkit.checks is hemkit's own, closed structure (attestation-result.md §1.2, §4). */
function checkResults(value: CborValue | undefined, what: string): ReceivedCheck[] {
  if (!Array.isArray(value) || value.length === 0) malformed(`${what} is not a non-empty array`);
  return (value as CborValue[]).map((entry, i) => {
    const c = asMap(entry, `${what}[${i}]`);
    for (const key of c.keys()) if (key !== 1 && key !== 2 && key !== 3 && key !== 4) malformed(`${what}[${i}] has an unknown key ${String(key)}`);
    const id = c.get(1);
    if (!CHECK_IDS.has(id)) malformed(`${what}[${i}]: ${JSON.stringify(id ?? null)} is not a check id`);
    const status = STATUS_NAME.get(c.get(2)) ?? malformed(`${what}[${i}]: the outcome is not 0..3`);
    if ((status === 'fail') !== c.has(3)) malformed(`${what}[${i}]: a code is present exactly when the check failed`);
    const code = c.has(3) ? asText(c.get(3), `${what}[${i}] code`) : undefined;
    const message = c.has(4) ? asText(c.get(4), `${what}[${i}] message`) : undefined;
    return { id: id as CheckId, status, ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
  });
}
