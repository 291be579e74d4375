/**
 * COSE header buckets (RFC 9052 §3): the protected bucket travels as a bstr holding a CBOR map,
 * the unprotected bucket as a map. The profile's rules (specs/cose.md §Headers): alg in the
 * protected bucket, no label in both buckets, crit only naming labels this code understands.
 */
import { decode, encode, type CborMapKey, type CborValue } from '../cbor/index.js';
import { HemkitError } from '../errors.js';
import { algorithmInfo, type AlgorithmInfo } from './algorithms.js';

/** Common header parameters (RFC 9052 §3.1). */
export const HEADER_ALG = 1;
export const HEADER_CRIT = 2;
export const HEADER_CONTENT_TYPE = 3;
export const HEADER_KID = 4;
/** The type of the whole COSE object (RFC 9596 §2): explicit typing, the same syntax as content type. */
export const HEADER_TYP = 16;

export type HeaderMap = ReadonlyMap<CborMapKey, CborValue>;

/** Labels whose meaning this implementation knows; crit may only name these (RFC 9052 §3.1). */
const UNDERSTOOD_LABELS: ReadonlySet<CborMapKey> = new Set([HEADER_ALG, HEADER_CRIT, HEADER_CONTENT_TYPE, HEADER_KID, HEADER_TYP]);

/** Protected headers go on the wire as a bstr; an empty map as a zero-length bstr (RFC 9052 §3). */
export function encodeProtected(headers: HeaderMap): Uint8Array {
  return headers.size === 0 ? new Uint8Array(0) : encode(headers);
}

const NO_TAGS: ReadonlySet<number> = new Set();

/** Decodes the protected bucket strictly: it is signed, so it must be a deterministic map. */
export function decodeProtected(bytes: Uint8Array): HeaderMap {
  if (bytes.length === 0) return new Map();
  let value: CborValue;
  try {
    value = decode(bytes, { allowedTags: NO_TAGS });
  } catch (cause) {
    if (cause instanceof HemkitError) {
      throw new HemkitError('COSE_MALFORMED', `protected header bucket: ${cause.message}`, { cause });
    }
    throw cause;
  }
  if (!(value instanceof Map)) throw new HemkitError('COSE_MALFORMED', 'protected header bucket is not a CBOR map');
  return value;
}

/**
 * The bytes that stand for the protected bucket inside Sig_structure (RFC 9052 §4.4): as received,
 * except that an empty map, however sent (h'' or h'a0'), counts as a zero-length bstr. The COSE WG
 * example sign-pass-01 checks exactly this.
 */
export function protectedForSigning(bytes: Uint8Array, headers: HeaderMap): Uint8Array {
  return headers.size === 0 ? new Uint8Array(0) : bytes;
}

export interface HeaderRules {
  /** The profile requires alg in the protected bucket; relax only to test others' examples. */
  readonly requireProtectedAlg?: boolean;
}

/** Applies the profile's header rules to one layer and returns the alg it names. */
export function checkHeaders(protectedHeaders: HeaderMap, unprotectedHeaders: HeaderMap, rules: HeaderRules = {}): AlgorithmInfo {
  checkBuckets(protectedHeaders, unprotectedHeaders);
  return readAlg(protectedHeaders, unprotectedHeaders, rules);
}

/** The rules for any layer, whether or not it carries an alg: disjoint buckets, crit understood. */
export function checkBuckets(protectedHeaders: HeaderMap, unprotectedHeaders: HeaderMap): void {
  for (const label of unprotectedHeaders.keys()) {
    if (protectedHeaders.has(label)) {
      throw new HemkitError('COSE_DUPLICATE_HEADER', `header ${String(label)} appears in both buckets (RFC 9052 §3)`);
    }
  }
  if (unprotectedHeaders.has(HEADER_CRIT)) {
    throw new HemkitError('COSE_MALFORMED', 'crit must be in the protected bucket (RFC 9052 §3.1)');
  }
  const crit = protectedHeaders.get(HEADER_CRIT);
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0) {
      throw new HemkitError('COSE_MALFORMED', 'crit must be a non-empty array of labels (RFC 9052 §3.1)');
    }
    for (const label of crit as readonly CborValue[]) {
      if (typeof label !== 'number' && typeof label !== 'string') {
        throw new HemkitError('COSE_MALFORMED', 'crit may list only integer or text labels');
      }
      if (!protectedHeaders.has(label)) {
        throw new HemkitError('COSE_MALFORMED', `crit names header ${String(label)}, which is not in the protected bucket`);
      }
      if (!UNDERSTOOD_LABELS.has(label)) {
        throw new HemkitError('COSE_UNKNOWN_CRITICAL_HEADER', `crit names header ${String(label)}, which this implementation does not process`);
      }
    }
  }
}

function readAlg(protectedHeaders: HeaderMap, unprotectedHeaders: HeaderMap, rules: HeaderRules): AlgorithmInfo {
  if (protectedHeaders.has(HEADER_ALG)) return algorithmInfo(typedAlg(protectedHeaders.get(HEADER_ALG)));
  if (rules.requireProtectedAlg === false && unprotectedHeaders.has(HEADER_ALG)) {
    return algorithmInfo(typedAlg(unprotectedHeaders.get(HEADER_ALG)));
  }
  throw new HemkitError(
    'COSE_MISSING_ALG',
    unprotectedHeaders.has(HEADER_ALG)
      ? 'alg is in the unprotected bucket; the profile requires it in the protected bucket'
      : 'no alg header',
  );
}

/**
 * alg is an integer or a text string (RFC 9052 §3.1); any other type is a malformed header, found
 * in step 6 of encoding.md §13 layer 2 between "present" and "in the table" (specs/cose.md §4 rule 5).
 */
function typedAlg(alg: CborValue | undefined): CborValue | undefined {
  if (typeof alg === 'number' || typeof alg === 'bigint' || typeof alg === 'string') return alg;
  throw new HemkitError('COSE_MALFORMED', 'alg must be an integer or a text string (RFC 9052 §3.1)');
}

/** Reads an optional kid, which RFC 9052 §3.1 types as bstr. */
export function readKid(protectedHeaders: HeaderMap, unprotectedHeaders: HeaderMap): Uint8Array | undefined {
  const kid = protectedHeaders.get(HEADER_KID) ?? unprotectedHeaders.get(HEADER_KID);
  if (kid === undefined) return undefined;
  if (!(kid instanceof Uint8Array)) throw new HemkitError('COSE_MALFORMED', 'kid must be a byte string (RFC 9052 §3.1)');
  return kid;
}

export function asHeaderMap(value: CborValue, what: string): HeaderMap {
  if (!(value instanceof Map)) throw new HemkitError('COSE_MALFORMED', `${what} is not a map`);
  return value as HeaderMap;
}

/**
 * Reads the typ header (RFC 9596 §2: a text media type or a CoAP Content-Format number). The profile
 * requires it in the protected bucket, where the signature covers it (specs/cose.md §7.2): a typ a
 * forwarder can change types nothing.
 */
export function readTyp(protectedHeaders: HeaderMap, unprotectedHeaders: HeaderMap): string | number | undefined {
  if (unprotectedHeaders.has(HEADER_TYP)) {
    throw new HemkitError('COSE_MALFORMED', 'typ must be in the protected bucket (specs/cose.md §7.2)');
  }
  const typ = protectedHeaders.get(HEADER_TYP);
  if (typ === undefined) return undefined;
  if (typeof typ === 'string' && typ.length > 0) return typ;
  if (typeof typ === 'number' && Number.isSafeInteger(typ) && typ >= 0 && typ <= 65535) return typ;
  throw new HemkitError('COSE_MALFORMED', 'typ must be a media type string or a Content-Format number (RFC 9596 §2)');
}
