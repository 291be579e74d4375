/**
 * Licence-gated unlocking (specs/messages/licence.md §6): the checks a chip makes before it
 * installs a licence or applies a revocation, in a fixed order, each with its own code.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeSign } from '@hemkit/wire/cose';
import { HemkitError } from '@hemkit/wire/errors';
import {
  checkIssuerSignatures,
  decodeIssuerStatement,
  licenceClaims,
  REPLAY,
  revocationClaims,
  type LicenceClaims,
  type RevocationClaims,
} from '@hemkit/wire/messages';
import type { ModuleEnv } from './env.js';
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
export function licenceHash(bytes: Uint8Array): Uint8Array {
  let payload: Uint8Array | null;
  try {
    payload = decodeSign(bytes).payload;
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    payload = null;
  }
  return sha256(payload ?? bytes);
}

/**
 * Checks a licence in the order of licence.md §6: decode; COSE structure; issuer signatures and
 * threshold; UEID; not-before ≤ now < expiry; revocation; the replay defences the policy enables.
 */
export function checkLicence(state: ChipState, policy: Provisioning, bytes: Uint8Array, env: ModuleEnv): AcceptedLicence {
  const { message, claims } = decodeIssuerStatement(bytes, licenceClaims);
  checkIssuerSignatures(message, policy.issuerKeys, policy.issuerThreshold, env.backend);
  if (!bytesEqual(claims.ueid, state.ueid)) {
    throw new HemkitError('LICENCE_WRONG_CHIP', `the licence is for chip ${toHex(claims.ueid)}, not ${toHex(state.ueid)}`);
  }
  const now = state.lastTime;
  if (now < claims.notBefore) {
    throw new HemkitError('LICENCE_NOT_YET_VALID', `the chip's time ${now} is before not-before ${claims.notBefore}`);
  }
  if (now >= claims.expiry) {
    throw new HemkitError('LICENCE_EXPIRED', `the chip's time ${now} is at or after expiry ${claims.expiry}`);
  }
  if (state.revokedLicences.some((id) => bytesEqual(id, claims.licenceId))) {
    throw new HemkitError('LICENCE_REVOKED', `licence ${toHex(claims.licenceId)} was revoked`);
  }
  const hash = sha256(message.payload!); // decodeIssuerStatement refused a detached payload
  const modes = new Set(policy.replayDefence);
  if (modes.has(REPLAY.sequence) && state.highestSequence !== undefined && claims.sequenceNumber <= state.highestSequence) {
    throw new HemkitError(
      'LICENCE_REPLAYED',
      `sequence number ${claims.sequenceNumber} is not greater than ${state.highestSequence}, the highest accepted`,
    );
  }
  if (modes.has(REPLAY.hashLog) && state.appliedLicenceHashes.some((h) => bytesEqual(h, hash))) {
    throw new HemkitError('LICENCE_ALREADY_APPLIED', 'this licence was applied before (its hash is in the applied-licence log)');
  }
  if (modes.has(REPLAY.challenge)) {
    if (state.pendingChallenge === undefined) {
      throw new HemkitError('LICENCE_CHALLENGE_MISMATCH', 'the chip has no pending challenge: request a licence first');
    }
    if (claims.chipChallenge === undefined || !bytesEqual(claims.chipChallenge, state.pendingChallenge)) {
      throw new HemkitError('LICENCE_CHALLENGE_MISMATCH', 'the licence does not answer the chip\'s pending challenge');
    }
  }
  return { claims, hash };
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
