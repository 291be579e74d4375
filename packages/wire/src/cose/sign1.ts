/** COSE_Sign1 (RFC 9052 §4.2): one signer, tag 18. */
import { CborTag, encode, TAG_COSE_SIGN1 } from '../cbor/index.js';
import type { AlgorithmInfo } from './algorithms.js';
import {
  asHeaderMap,
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

export interface Sign1Options extends CryptoOptions {
  /** Protected headers besides alg and kid. */
  readonly protectedHeaders?: HeaderMap;
  readonly unprotectedHeaders?: HeaderMap;
}

export interface CoseSign1 {
  /** The protected bucket exactly as carried. */
  readonly protectedBytes: Uint8Array;
  readonly protectedHeaders: HeaderMap;
  readonly unprotectedHeaders: HeaderMap;
  /** null when detached. */
  readonly payload: Uint8Array | null;
  readonly signature: Uint8Array;
  readonly alg: AlgorithmInfo;
  readonly kid: Uint8Array | undefined;
}

export interface Sign1VerifyOptions extends CryptoOptions, DecodeRules {
  /** The payload, when the message carries nil (detached content). */
  readonly detachedPayload?: Uint8Array;
}

/** Signs `payload` and returns the tagged COSE_Sign1 bytes. */
export function signSign1(payload: Uint8Array, signer: CoseSigner, options: Sign1Options = {}): Uint8Array {
  const protectedBytes = encodeProtected(signerProtectedHeaders(signer, options.protectedHeaders));
  const unprotected = new Map(options.unprotectedHeaders ?? []);
  const signature = signStructure(backendOf(options), signer, 'Signature1', [protectedBytes, options.externalAad ?? EMPTY, payload]);
  const message = encode(new CborTag(TAG_COSE_SIGN1, [protectedBytes, unprotected, payload, signature]));
  // Decoding what we wrote applies the same header rules a receiver will (e.g. no label in both buckets).
  decodeSign1(message);
  return message;
}

/** Decodes and checks the structure and headers, without verifying the signature. */
export function decodeSign1(bytes: Uint8Array, rules: DecodeRules = {}): CoseSign1 {
  const [p, u, payload, signature] = decodeTaggedArray(bytes, TAG_COSE_SIGN1, 4, 'COSE_Sign1', rules);
  const protectedBytes = expectBytes(p!, 'protected header bucket');
  const protectedHeaders = decodeProtected(protectedBytes);
  const unprotectedHeaders = asHeaderMap(u!, 'unprotected header bucket');
  const alg = checkHeaders(protectedHeaders, unprotectedHeaders, rules);
  return {
    protectedBytes,
    protectedHeaders,
    unprotectedHeaders,
    payload: expectPayload(payload!),
    signature: expectBytes(signature!, 'signature'),
    alg,
    kid: readKid(protectedHeaders, unprotectedHeaders),
  };
}

/** Verifies a COSE_Sign1 under `key`; returns the decoded message with its payload, or throws. */
export function verifySign1(
  message: Uint8Array | CoseSign1,
  key: CosePublicKey,
  options: Sign1VerifyOptions = {},
): CoseSign1 & { readonly payload: Uint8Array } {
  const decoded = message instanceof Uint8Array ? decodeSign1(message, options) : message;
  const payload = payloadToVerify(decoded.payload, options.detachedPayload);
  verifyStructure(
    backendOf(options),
    key,
    decoded.alg,
    'Signature1',
    [protectedForSigning(decoded.protectedBytes, decoded.protectedHeaders), options.externalAad ?? EMPTY, payload],
    decoded.signature,
  );
  return { ...decoded, payload };
}
