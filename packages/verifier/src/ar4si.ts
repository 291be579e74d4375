/**
 * The AR4SI trustworthiness vector of an appraisal (draft-ietf-rats-ar4si §2.3;
 * specs/messages/attestation-result.md §3): a pure function of the checks' outcomes. Only the four
 * claims whose AR4SI meaning a hemkit check establishes are set; hemkit's own checks (freshness, the
 * log, the licence) have no AR4SI claim and are carried in `hemkit.checks` and the status alone.
 */
import type { ErrorCode } from '@hemkit/wire/errors';
import type { CheckId, CheckResult } from './appraise.js';

/** The AR4SI claims hemkit sets, with their CBOR labels (AR4SI §3.1). */
export const VECTOR_CLAIMS = { 'instance-identity': 0, configuration: 1, executables: 2, hardware: 4 } as const;
export type VectorClaim = keyof typeof VECTOR_CLAIMS;

/** AR4SI trustworthiness claims, each an AR4SI value (-128..127); absent means no claim. */
export type TrustworthinessVector = Partial<Record<VectorClaim, number>>;

/** AR4SI's "Evidence contains unknown elements which inhibit Verifier evaluation" (every claim). */
export const UNKNOWN_ELEMENTS = 1;
/** AR4SI's "Verifier malfunction" (every claim). */
export const VERIFIER_MALFUNCTION = -1;

type ClaimValue = readonly [VectorClaim, number];

/** What a check that passed affirms (attestation-result.md §3.1). Checks not listed set no claim. */
export const AFFIRMS: Partial<Record<CheckId, ClaimValue>> = {
  'certificate-chain': ['hardware', 2], // genuine: the manufacturer certified this chip
  'report-signature': ['instance-identity', 2], // recognised, signed by this chip's attestation key
  revocation: ['instance-identity', 2], // ... and not known to be compromised
  firmware: ['executables', 3], // only approved firmware loaded at boot (the measurement is a boot measurement)
  debug: ['configuration', 2], // a known and approved configuration
  'lock-state': ['hardware', 2], // the chip reports no rollback or tamper
};

/** What a check's failure code contradicts (attestation-result.md §3.2). */
export const CONTRADICTS: Partial<Record<CheckId, Partial<Record<ErrorCode, ClaimValue>>>> = {
  'certificate-chain': {
    CHAIN_UNTRUSTED_ROOT: ['hardware', 97], // not recognised, though a manufacturer's chip should be
    CHAIN_SIGNATURE_INVALID: ['hardware', 99], // cryptographic validation failed
    CHAIN_MISMATCH: ['hardware', 99], // the certificates do not bind to each other
  },
  'report-signature': {
    REPORT_SIGNATURE_INVALID: ['instance-identity', 99],
    CHAIN_MISMATCH: ['instance-identity', 99], // the signed claims are not the certified chip's
  },
  revocation: {
    DEVICE_REVOKED: ['instance-identity', 96], // recognised, but its key says it is not trustworthy
    KEY_REVOKED: ['instance-identity', 96],
  },
  firmware: {
    MODEL_UNKNOWN: ['hardware', 97],
    FIRMWARE_UNKNOWN: ['executables', 33], // not recognised
    FIRMWARE_SVN_TOO_LOW: ['executables', 96], // recognised and contraindicated by the reference values
  },
  debug: { DEBUG_ENABLED: ['configuration', 32] }, // exposes known vulnerabilities
  'lock-state': { CHIP_REPORTS_COMPROMISE: ['hardware', 96] }, // recognised, trustworthiness contraindicated
};

/** Codes that are the verifier's own fault, not the evidence's (registries.md §a). */
export const isVerifierFault = (code: ErrorCode | undefined): boolean => code !== undefined && code.startsWith('VERIFIER_STORE_');

/** AR4SI's tier of a value (AR4SI §2.3.2): 3 contraindicated, 2 warning, 1 affirming, 0 none (0, 1, -1). */
export function tierOf(value: number): 0 | 1 | 2 | 3 {
  if (value >= 96 || value <= -97) return 3;
  if (value >= 32 || value <= -33) return 2;
  if (value >= 2 || value <= -2) return 1;
  return 0;
}

/**
 * The vector of a list of check outcomes. Each claim takes, of the values its checks give, the first
 * (in check order) of the worst tier, as AR4SI §2.3.3 assigns; a failed `encoding` check sets every
 * claim to 1, and a verifier fault replaces every value that is not a warning or contraindication
 * with -1. Throws nothing: a failure code the table does not list sets no claim.
 */
export function trustworthinessVector(checks: readonly CheckResult[]): TrustworthinessVector {
  const claims = Object.keys(VECTOR_CLAIMS) as VectorClaim[];
  if (checks.some((c) => c.id === 'encoding' && c.status === 'fail')) return Object.fromEntries(claims.map((k) => [k, UNKNOWN_ELEMENTS]));
  const chosen = new Map<VectorClaim, number>();
  for (const c of checks) {
    const given = c.status === 'pass' ? AFFIRMS[c.id] : c.status === 'fail' ? CONTRADICTS[c.id]?.[c.code!] : undefined;
    if (given === undefined) continue;
    const [claim, value] = given;
    const held = chosen.get(claim);
    if (held === undefined || tierOf(value) > tierOf(held)) chosen.set(claim, value);
  }
  const fault = checks.some((c) => c.status === 'fail' && isVerifierFault(c.code));
  // The fixed order of AR4SI's labels, so that the JSON form is the same for every appraisal.
  return Object.fromEntries(claims.flatMap((k) => {
    const v = chosen.get(k);
    if (v === undefined) return [];
    return [[k, fault && tierOf(v) < 2 ? VERIFIER_MALFUNCTION : v]];
  }));
}
