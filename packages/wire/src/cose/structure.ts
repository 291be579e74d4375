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

/** One set per message tag, shared by every decode: a receipt-heavy bundle decodes thousands. */
const TAG_SETS = new Map<number, ReadonlySet<number>>();
function tagSet(tag: number): ReadonlySet<number> {
  let set = TAG_SETS.get(tag);
  if (set === undefined) TAG_SETS.set(tag, (set = new Set([tag])));
  return set;
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
    value = decode(bytes, { allowedTags: tagSet(tag) });
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

/** The contexts of RFC 9052 §4.4 that hemkit signs and verifies. */
export type SigContext = 'Signature1' | 'Signature';

/** Each context as CBOR text (RFC 8949 §3.1 major type 3), head included. */
const CONTEXT_BYTES: Readonly<Record<SigContext, Uint8Array>> = {
  Signature1: encode('Signature1'),
  Signature: encode('Signature'),
};

/** The length of a byte string's head: the shortest form (RFC 8949 §4.2.1). */
function bstrHeadLength(length: number): number {
  return length < 24 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : length < 2 ** 32 ? 5 : 9;
}

function writeBstrHead(out: Uint8Array, at: number, length: number): number {
  const size = bstrHeadLength(length);
  if (size === 1) {
    out[at] = 0x40 | length;
    return at + 1;
  }
  out[at] = 0x40 | (size === 2 ? 24 : size === 3 ? 25 : size === 5 ? 26 : 27);
  // Big-endian argument; division, not `>>`, since a safe integer may exceed 32 bits.
  let rest = length;
  for (let i = size - 1; i >= 1; i--) {
    out[at + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return at + size;
}

/**
 * Sig_structure (RFC 9052 §4.4), the bytes that are signed: [context, byte strings...] in the
 * profile's deterministic encoding, the same bytes as encode() of that array (cose-structure.test.ts),
 * written in one pass into one array of the exact size. It is built for every signature checked, and
 * the general encoder's growable buffer costs a few allocations and copies per call.
 */
export function sigStructure(context: SigContext, fields: readonly Uint8Array[]): Uint8Array {
  let length = 1 + CONTEXT_BYTES[context].length;
  for (const f of fields) {
    // Anything but bytes goes the general way, which encodes it or refuses it with its own code.
    if (!(f instanceof Uint8Array)) return encode([context, ...(fields as readonly CborValue[])]);
    length += bstrHeadLength(f.length) + f.length;
  }
  const out = new Uint8Array(length);
  out[0] = 0x80 | (1 + fields.length); // an array of at most 5 items: the count fits the initial byte
  out.set(CONTEXT_BYTES[context], 1);
  let at = 1 + CONTEXT_BYTES[context].length;
  for (const f of fields) {
    at = writeBstrHead(out, at, f.length);
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** Signs or checks one Sig_structure under one key, turning "false" into a typed error. */
export function verifyStructure(
  backend: CryptoBackend,
  key: CosePublicKey,
  alg: AlgorithmInfo,
  context: SigContext,
  fields: readonly Uint8Array[],
  signature: Uint8Array,
): void {
  checkKeyForAlg(key, alg);
  if (!backend.verify(alg.scheme, key.publicKey, sigStructure(context, fields), signature)) {
    throw new HemkitError('COSE_SIGNATURE_INVALID', `the ${alg.name} signature does not verify under the given key`);
  }
}

export function signStructure(backend: CryptoBackend, signer: CoseSigner, context: SigContext, fields: readonly Uint8Array[]): Uint8Array {
  return backend.sign(algorithmInfo(signer.alg).scheme, signer.privateKey, sigStructure(context, fields));
}

export const EMPTY = new Uint8Array(0);
