/**
 * Licence-gated unlocking (specs/messages/licence.md §6): the checks a chip makes before it
 * installs a licence or applies a revocation, in a fixed order, each with its own code.
 */
import { nobleBackend, type CryptoBackend } from '@hemkit/wire/crypto';
import { decodeSign } from '@hemkit/wire/cose';
import { HemkitError } from '@hemkit/wire/errors';
import {
  checkIssuerSignatures,
  decodeIssuerStatement,
  type IssuerSet,
  licenceClaims,
  revocationClaims,
  type LicenceClaims,
  type RevocationClaims,
} from '@hemkit/wire/messages';
import type { ModuleEnv } from './env.js';
import { policyOf } from './work.js';
import type { ChipState, Provisioning } from './state.js';
import { bytesEqual, toHex } from '@hemkit/wire/bytes';

export interface AcceptedLicence {
  readonly claims: LicenceClaims;
  readonly hash: Uint8Array;
}

/**
 * The licence hash logged and remembered (specs/messages/licence.md §3): SHA-256 over what the issuers
 * signed, the payload, never over the COSE_Sign around it. Reordering, dropping or re-encoding the
 * issuers' signatures gives new bytes for the same licence; a hash over the bytes would let a used-up
 * licence be installed again. A statement whose structure does not decode has no payload to hash, so
 * its refusal is logged with the hash of the bytes received.
 */
export function licenceHash(bytes: Uint8Array, backend: CryptoBackend = nobleBackend): Uint8Array {
  let payload: Uint8Array | null;
  try {
    payload = decodeSign(bytes).payload;
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    payload = null;
  }
  return backend.sha256(payload ?? bytes);
}

/**
 * Checks a licence in the order of licence.md §6: decode; COSE structure; issuer signatures and
 * threshold; UEID; the time window; revocation; the replay defences. The time window and the replay
 * defences are the firmware policy's (policy/; the default is §6 as written).
 */
export function checkLicence(state: ChipState, provisioning: Provisioning, bytes: Uint8Array, env: ModuleEnv): AcceptedLicence {
  const { message, claims } = decodeIssuerStatement(bytes, licenceClaims);
  checkIssuerSignatures(message, provisioning.issuerKeys, provisioning.issuerThreshold, env.backend);
  if (!bytesEqual(claims.ueid, state.ueid)) {
    throw new HemkitError('LICENCE_WRONG_CHIP', `the licence is for chip ${toHex(claims.ueid)}, not ${toHex(state.ueid)}`);
  }
  // A licence may require a minimum firmware security version (licence.md §6 step 6a).
  if (claims.minimumSvn !== undefined && state.svn < claims.minimumSvn) {
    throw new HemkitError('LICENCE_SVN_TOO_LOW', `the licence requires firmware SVN ${claims.minimumSvn}; the chip runs SVN ${state.svn}`);
  }
  const policy = policyOf(env);
  policy.checkLicenceWindow(claims, state.lastTime);
  if (state.revokedLicences.some((id) => bytesEqual(id, claims.licenceId))) {
    throw new HemkitError('LICENCE_REVOKED', `licence ${toHex(claims.licenceId)} was revoked`);
  }
  // Through the backend, so that the cost meter counts it (scenarios.md §5.1).
  const hash = (env.backend ?? nobleBackend).sha256(message.payload!); // decodeIssuerStatement refused a detached payload
  policy.checkReplay(state, new Set(provisioning.replayDefence), claims, hash);
  return { claims, hash };
}

/**
 * The issuer set in force (licence.md §5a): the provisioned keys and threshold, as the last accepted
 * issuer-set update replaced them, and that update's sequence number (0 before any).
 */
export function currentIssuers(state: ChipState, provisioning: Provisioning): IssuerSet {
  return { keys: provisioning.issuerKeys, threshold: provisioning.issuerThreshold, sequence: state.issuerSetSequence ?? 0 };
}

/** Checks a revocation: same k of n issuers, this chip, not applied before. */
export function checkRevocation(state: ChipState, policy: Provisioning, bytes: Uint8Array, env: ModuleEnv): RevocationClaims {
  const { message, claims } = decodeIssuerStatement(bytes, revocationClaims);
  checkIssuerSignatures(message, policy.issuerKeys, policy.issuerThreshold, env.backend);
  if (!bytesEqual(claims.ueid, state.ueid)) {
    throw new HemkitError('LICENCE_WRONG_CHIP', `the revocation is for chip ${toHex(claims.ueid)}, not ${toHex(state.ueid)}`);
  }
  if (state.appliedRevocations.some((id) => bytesEqual(id, claims.revocationId))) {
    throw new HemkitError('REVOCATION_REPLAYED', `revocation ${toHex(claims.revocationId)} was applied before`);
  }
  return claims;
}
