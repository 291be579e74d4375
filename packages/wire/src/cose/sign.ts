/**
 * COSE_Sign (RFC 9052 §4.1): several signers over one payload, tag 98. hemkit uses it for
 * k-of-n licences: this file verifies each signature on its own and reports each result; counting
 * distinct, trusted issuers against a threshold is licence policy, not COSE.
 */
import { CborTag, encode, TAG_COSE_SIGN, type CborValue } from '../cbor/index.js';
import { HemkitError } from '../errors.js';
import type { AlgorithmInfo } from './algorithms.js';
import {
  asHeaderMap,
  checkBuckets,
  checkHeaders,
  decodeProtected,
  encodeProtected,
  protectedForSigning,
  readKid,
  type HeaderMap,
} from './headers.js';
import type { CosePublicKey } from './key.js';
import {
  backendOf,
  decodeTaggedArray,
  EMPTY,
  expectBytes,
  expectPayload,
  payloadToVerify,
  signerProtectedHeaders,
  signStructure,
  verifyStructure,
  type CoseSigner,
  type CryptoOptions,
  type DecodeRules,
} from './structure.js';

export interface SignOptions extends CryptoOptions {
  /** Body-level protected headers (the content's own; alg lives with each signer). */
  readonly protectedHeaders?: HeaderMap;
  readonly unprotectedHeaders?: HeaderMap;
}

export interface CoseSignature {
  readonly protectedBytes: Uint8Array;
  readonly protectedHeaders: HeaderMap;
  readonly unprotectedHeaders: HeaderMap;
  readonly signature: Uint8Array;
  readonly alg: AlgorithmInfo;
  readonly kid: Uint8Array | undefined;
}

export interface CoseSign {
  readonly protectedBytes: Uint8Array;
  readonly protectedHeaders: HeaderMap;
  readonly unprotectedHeaders: HeaderMap;
  readonly payload: Uint8Array | null;
  readonly signatures: readonly CoseSignature[];
}

export interface SignVerifyOptions extends CryptoOptions, DecodeRules {
  readonly detachedPayload?: Uint8Array;
}

/** Signs `payload` once per signer and returns the tagged COSE_Sign bytes. */
export function signSign(payload: Uint8Array, signers: readonly CoseSigner[], options: SignOptions = {}): Uint8Array {
  if (signers.length === 0) throw new HemkitError('COSE_NO_SIGNERS', 'COSE_Sign needs at least one signer');
  const bodyProtected = encodeProtected(options.protectedHeaders ?? new Map());
  const aad = options.externalAad ?? EMPTY;
  const backend = backendOf(options);
  const signatures: CborValue[] = signers.map((signer) => {
    const signProtected = encodeProtected(signerProtectedHeaders(signer, undefined));
    const signature = signStructure(backend, signer, 'Signature', [bodyProtected, signProtected, aad, payload]);
    return [signProtected, new Map(), signature];
  });
  const message = encode(
    new CborTag(TAG_COSE_SIGN, [bodyProtected, new Map(options.unprotectedHeaders ?? []), payload, signatures]),
  );
  decodeSign(message);
  return message;
}

/** Decodes and checks structure and headers of the body and of every signer, verifying nothing. */
export function decodeSign(bytes: Uint8Array, rules: DecodeRules = {}): CoseSign {
  const [p, u, payload, signatures] = decodeTaggedArray(bytes, TAG_COSE_SIGN, 4, 'COSE_Sign', rules);
  const protectedBytes = expectBytes(p!, 'protected header bucket');
  const protectedHeaders = decodeProtected(protectedBytes);
  const unprotectedHeaders = asHeaderMap(u!, 'unprotected header bucket');
  checkBuckets(protectedHeaders, unprotectedHeaders);
  if (!Array.isArray(signatures)) throw new HemkitError('COSE_MALFORMED', 'COSE_Sign signatures must be an array');
  if (signatures.length === 0) throw new HemkitError('COSE_NO_SIGNERS', 'COSE_Sign carries no signatures (RFC 9052 §4.1: [+ COSE_Signature])');
  return {
    protectedBytes,
    protectedHeaders,
    unprotectedHeaders,
    payload: expectPayload(payload!),
    signatures: (signatures as readonly CborValue[]).map((s, i) => decodeSignature(s, i, rules)),
  };
}

function decodeSignature(value: CborValue, index: number, rules: DecodeRules): CoseSignature {
  if (!Array.isArray(value) || value.length !== 3) {
    throw new HemkitError('COSE_MALFORMED', `COSE_Signature ${index} must be an array of 3 items (RFC 9052 §4.1)`);
  }
  const [p, u, signature] = value as readonly CborValue[];
  const protectedBytes = expectBytes(p!, `COSE_Signature ${index} protected bucket`);
  const protectedHeaders = decodeProtected(protectedBytes);
  const unprotectedHeaders = asHeaderMap(u!, `COSE_Signature ${index} unprotected bucket`);
  return {
    protectedBytes,
    protectedHeaders,
    unprotectedHeaders,
    signature: expectBytes(signature!, `COSE_Signature ${index} signature`),
    alg: checkHeaders(protectedHeaders, unprotectedHeaders, rules),
    kid: readKid(protectedHeaders, unprotectedHeaders),
  };
}

/** Verifies signature `index` of a decoded COSE_Sign under `key`; throws on failure. */
export function verifySignature(message: CoseSign, index: number, key: CosePublicKey, options: SignVerifyOptions = {}): void {
  const signer = message.signatures[index];
  if (signer === undefined) throw new HemkitError('COSE_MALFORMED', `no COSE_Signature at index ${index}`);
  const payload = payloadToVerify(message.payload, options.detachedPayload);
  verifyStructure(
    backendOf(options),
    key,
    signer.alg,
    'Signature',
    [
      protectedForSigning(message.protectedBytes, message.protectedHeaders),
      protectedForSigning(signer.protectedBytes, signer.protectedHeaders),
      options.externalAad ?? EMPTY,
      payload,
    ],
    signer.signature,
  );
}

export interface SignerResult {
  readonly index: number;
  readonly kid: Uint8Array | undefined;
  /** The key the resolver chose, if any. */
  readonly key: CosePublicKey | undefined;
  readonly verified: boolean;
  /** Why it did not verify: no key for it, or the typed error verification raised. */
  readonly error: HemkitError | undefined;
}

/**
 * Verifies every signature of a COSE_Sign with the key `resolveKey` picks for it (by kid, say),
 * and reports each one. Nothing is accepted by default: a signer without a key is not verified.
 */
export function verifyAllSignatures(
  message: Uint8Array | CoseSign,
  resolveKey: (signature: CoseSignature, index: number) => CosePublicKey | undefined,
  options: SignVerifyOptions = {},
): { readonly message: CoseSign; readonly results: readonly SignerResult[] } {
  const decoded = message instanceof Uint8Array ? decodeSign(message, options) : message;
  const results = decoded.signatures.map((signature, index): SignerResult => {
    const key = resolveKey(signature, index);
    if (key === undefined) {
      return {
        index,
        kid: signature.kid,
        key,
        verified: false,
        error: new HemkitError('COSE_SIGNATURE_INVALID', `no trusted key for COSE_Signature ${index}`),
      };
    }
    try {
      verifySignature(decoded, index, key, options);
      return { index, kid: signature.kid, key, verified: true, error: undefined };
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      return { index, kid: signature.kid, key, verified: false, error: e };
    }
  });
  return { message: decoded, results };
}
