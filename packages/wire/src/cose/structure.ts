/**
 * What COSE_Sign1 and COSE_Sign share: signers, decoding the tagged outer array, the payload,
 * and Sig_structure (RFC 9052 §4.4).
 */
import { CborTag, decode, encode, type CborValue } from '../cbor/index.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { nobleBackend } from '../crypto/noble.js';
import { HemkitError } from '../errors.js';
import { algorithmInfo, type AlgorithmInfo, type CoseAlgorithm } from './algorithms.js';
import { HEADER_ALG, HEADER_KID, type HeaderMap, type HeaderRules } from './headers.js';
import { checkKeyForAlg, type CosePublicKey } from './key.js';

export interface CoseSigner {
  readonly alg: CoseAlgorithm;
  /** Backend form: the Ed25519 seed or the ECDSA scalar. */
  readonly privateKey: Uint8Array;
  /** Put in the protected bucket, so that it is covered by the signature. */
  readonly kid?: Uint8Array;
}

export interface CryptoOptions {
  /** Defaults to the noble backend, which runs anywhere. */
  readonly backend?: CryptoBackend;
  /** External AAD (RFC 9052 §4.3); empty when absent. */
  readonly externalAad?: Uint8Array;
}

export function backendOf(options: CryptoOptions): CryptoBackend {
  return options.backend ?? nobleBackend;
}

/** The protected headers a signer writes: alg, then kid, then the caller's own. */
export function signerProtectedHeaders(signer: CoseSigner, extra: HeaderMap | undefined): Map<string | number | bigint, CborValue> {
  algorithmInfo(signer.alg);
  const headers = new Map<string | number | bigint, CborValue>([[HEADER_ALG, signer.alg]]);
  if (signer.kid !== undefined) headers.set(HEADER_KID, signer.kid);
  for (const [label, value] of extra ?? []) {
    if (headers.has(label)) {
      throw new HemkitError('COSE_DUPLICATE_HEADER', `header ${String(label)} is set by the signer; do not pass it again`);
    }
    headers.set(label, value);
  }
  return headers;
}

export interface DecodeRules extends HeaderRules {
  /** The profile sends COSE messages tagged; relax only to test others' examples (RFC 9052 §2 allows untagged). */
  readonly requireTag?: boolean;
}

/** Decodes a tagged COSE message and returns its array, checking tag and length. */
export function decodeTaggedArray(
  bytes: Uint8Array,
  tag: number,
  length: number,
  name: string,
  rules: DecodeRules,
): readonly CborValue[] {
  let value: CborValue;
  try {
    value = decode(bytes, { allowedTags: new Set([tag]) });
  } catch (e) {
    if (e instanceof HemkitError && e.code === 'CBOR_TAG_NOT_ALLOWED' && e.offset === 0) {
      throw new HemkitError('COSE_UNEXPECTED_TAG', `expected tag ${tag} (${name}): ${e.message}`, { cause: e });
    }
    throw e;
  }
  let items: CborValue;
  if (value instanceof CborTag) {
    items = value.value;
  } else if (rules.requireTag === false) {
    items = value;
  } else {
    throw new HemkitError('COSE_UNEXPECTED_TAG', `expected a ${name} tagged ${tag}; the profile sends COSE messages tagged`);
  }
  if (!Array.isArray(items) || items.length !== length) {
    throw new HemkitError('COSE_MALFORMED', `${name} must be an array of ${length} items (RFC 9052 §4)`);
  }
  return items as readonly CborValue[];
}

export function expectBytes(value: CborValue, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new HemkitError('COSE_MALFORMED', `${what} must be a byte string`);
  return value;
}

/** A payload is a bstr, or nil when detached (RFC 9052 §2). */
export function expectPayload(value: CborValue): Uint8Array | null {
  if (value === null) return null;
  return expectBytes(value, 'payload');
}

/** The payload that is signed: the one carried, or the detached one supplied — never both, never neither. */
export function payloadToVerify(carried: Uint8Array | null, detached: Uint8Array | undefined): Uint8Array {
  if (carried !== null && detached !== undefined) {
    throw new HemkitError('COSE_PAYLOAD_MISSING', 'a detached payload was supplied, but the message carries its own');
  }
  if (carried !== null) return carried;
  if (detached === undefined) {
    throw new HemkitError('COSE_PAYLOAD_MISSING', 'the payload is detached (nil) and none was supplied');
  }
  return detached;
}

/** Signs or checks one Sig_structure under one key, turning "false" into a typed error. */
export function verifyStructure(
  backend: CryptoBackend,
  key: CosePublicKey,
  alg: AlgorithmInfo,
  toBeSigned: CborValue[],
  signature: Uint8Array,
): void {
  checkKeyForAlg(key, alg);
  const message = encode(toBeSigned);
  if (!backend.verify(alg.scheme, key.publicKey, message, signature)) {
    throw new HemkitError('COSE_SIGNATURE_INVALID', `the ${alg.name} signature does not verify under the given key`);
  }
}

export function signStructure(backend: CryptoBackend, signer: CoseSigner, toBeSigned: CborValue[]): Uint8Array {
  return backend.sign(algorithmInfo(signer.alg).scheme, signer.privateKey, encode(toBeSigned));
}

export const EMPTY = new Uint8Array(0);
