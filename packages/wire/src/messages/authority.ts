/**
 * Statements of the licence authority (licences, revocations and issuer-set updates): a COSE_Sign that needs k valid
 * signatures by distinct issuers out of the n provisioned (specs/messages/licence.md §2, §6). The
 * one implementation of the rule, used by the chip before it unlocks and by the verifier after.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, toHex } from '../bytes.js';
import { encode } from '../cbor/index.js';
import { decodeSign, signSign, verifySignature, type CosePublicKey, type CoseSign } from '../cose/index.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { HemkitError } from '../errors.js';
import { keyThumbprint } from './common.js';
import { issuerSetUpdateClaims, type IssuerSetUpdateClaims } from './licence.js';
import type { SigningKey } from './signed.js';
import { expectTyp, typHeaders, type SignedType } from './typed.js';
import { decodeAs } from './schema.js';

/** Decodes a k-of-n statement; anything malformed is LICENCE_MALFORMED, naming the underlying code. */
export function decodeIssuerStatement<T>(bytes: Uint8Array, type: SignedType<T>): { message: CoseSign; claims: T } {
  try {
    const message = decodeSign(bytes);
    expectTyp(message, type.typ, type.name);
    if (message.payload === null) throw new HemkitError('COSE_PAYLOAD_MISSING', 'the payload is detached');
    return { message, claims: decodeAs(type, message.payload, type.name) };
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    throw new HemkitError('LICENCE_MALFORMED', `${type.name}: ${e.code}: ${e.message}`, { cause: e });
  }
}

/** Signs a statement of the authority with each of `signers` (the receiver decides whether that is k). */
export function signStatement<T>(type: SignedType<T>, claims: T, signers: readonly SigningKey[], backend?: CryptoBackend): Uint8Array {
  return signSign(
    encode(type.toCbor(claims)),
    signers.map((s) => ({ alg: s.alg, privateKey: s.privateKey, kid: s.kid })),
    { protectedHeaders: typHeaders(type.typ), ...(backend ? { backend } : {}) },
  );
}

/**
 * Every signature must be by a listed issuer (kid = key thumbprint), no issuer twice, every signature
 * valid, and at least k of them. Unknown and duplicate signers are refused outright rather than
 * ignored, so that a malformed authority statement is never half-accepted.
 */
export function checkIssuerSignatures(
  message: CoseSign,
  issuerKeys: readonly CosePublicKey[],
  threshold: number,
  backend?: CryptoBackend,
): void {
  const issuers = new Map(issuerKeys.map((key) => [toHex(keyThumbprint(key)), key]));
  const seen = new Set<string>();
  message.signatures.forEach((signature, index) => {
    const kid = signature.kid === undefined ? '' : toHex(signature.kid);
    const key = issuers.get(kid);
    if (key === undefined) {
      throw new HemkitError('LICENCE_UNKNOWN_SIGNER', `signature ${index} names kid ${kid || '(none)'}, which is not a listed issuer`);
    }
    if (seen.has(kid)) throw new HemkitError('LICENCE_DUPLICATE_SIGNER', `signature ${index} repeats issuer ${kid}`);
    seen.add(kid);
    try {
      verifySignature(message, index, key, backend ? { backend } : {});
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      throw new HemkitError('LICENCE_SIGNATURE_INVALID', `signature ${index} by issuer ${kid}: ${e.code}`, { cause: e });
    }
  });
  if (seen.size < threshold) {
    throw new HemkitError(
      'LICENCE_TOO_FEW_SIGNATURES',
      `${seen.size} valid signature(s) by distinct issuers; the threshold is ${threshold} of ${issuerKeys.length}`,
    );
  }
}

/** The issuer set a chip holds (licence.md §5a): keys, threshold, and the sequence number of the update that installed it (0: provisioning). */
export interface IssuerSet {
  readonly keys: readonly CosePublicKey[];
  readonly threshold: number;
  readonly sequence: number;
}

/** An issuer-set update that passed every check of licence.md §5a, with the hash the log records. */
export interface AcceptedIssuerSetUpdate {
  readonly claims: IssuerSetUpdateClaims;
  /** SHA-256 of the payload, as a licence hash is (licence.md §3): re-signing cannot make it new. */
  readonly hash: Uint8Array;
  /** The set the update puts in force. */
  readonly set: IssuerSet;
}

/**
 * Checks an issuer-set update against the set in force, in the order of licence.md §5a: decode;
 * signatures by k of the CURRENT issuers (§2's rule, unknown signers refused); this chip; a sequence
 * number above the current one; a new set of distinct keys whose threshold is between 1 and its size.
 * The one implementation, used by the chip before it replaces its issuers and by the verifier when it
 * follows the chain of updates from its trust anchor.
 */
export function checkIssuerSetUpdate(bytes: Uint8Array, current: IssuerSet, chip: Uint8Array, backend?: CryptoBackend): AcceptedIssuerSetUpdate {
  const { message, claims } = decodeIssuerStatement(bytes, issuerSetUpdateClaims);
  checkIssuerSignatures(message, current.keys, current.threshold, backend);
  if (!bytesEqual(claims.ueid, chip)) {
    throw new HemkitError('LICENCE_WRONG_CHIP', `the issuer-set update is for chip ${toHex(claims.ueid)}, not ${toHex(chip)}`);
  }
  if (claims.issuerSetSequence <= current.sequence) {
    throw new HemkitError(
      'ISSUERS_UPDATE_REPLAYED',
      `the issuer-set update has sequence number ${claims.issuerSetSequence}; the set in force has ${current.sequence}`,
    );
  }
  const ids = new Set(claims.issuerKeys.map((k) => toHex(keyThumbprint(k))));
  if (ids.size !== claims.issuerKeys.length) {
    throw new HemkitError('ISSUERS_SET_INVALID', `the new issuer set lists ${claims.issuerKeys.length} keys but only ${ids.size} distinct ones`);
  }
  if (claims.issuerThreshold < 1 || claims.issuerThreshold > claims.issuerKeys.length) {
    throw new HemkitError(
      'ISSUERS_SET_INVALID',
      `the new threshold ${claims.issuerThreshold} is not between 1 and the ${claims.issuerKeys.length} key(s) of the new set`,
    );
  }
  return {
    claims,
    hash: sha256(message.payload!), // decodeIssuerStatement refused a detached payload
    set: { keys: claims.issuerKeys, threshold: claims.issuerThreshold, sequence: claims.issuerSetSequence },
  };
}
