/**
 * test-vectors/cose/sign1.json and cose/sign.json: COSE_Sign1 and COSE_Sign under the hemkit COSE
 * profile (specs/cose.md), for every algorithm of the table, and one invalid vector or more for every
 * COSE_* code and for the CRYPTO_* code that message bytes can provoke (a public key that is no
 * curve point). Signatures are deterministic (Ed25519; ECDSA per RFC 6979 with low S), so the files
 * regenerate byte for byte; a second implementation re-signing with the listed private keys must
 * produce the same signatures.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { sha384 } from '@noble/hashes/sha2.js';
import { CborTag, decode, encode, type CborMapKey, type CborValue } from '@hemkit/wire/cbor';
import {
  cosePublicKey,
  decodeCoseKey,
  decodeSign,
  decodeSign1,
  encodeCoseKey,
  verifySign1,
  verifySignature,
  type CoseAlgorithm,
  type CosePublicKey,
} from '@hemkit/wire/cose';
import { getBackend, type SignatureScheme } from '@hemkit/wire/crypto';
import { keyThumbprint } from '@hemkit/wire/messages';
import { confirm, fromHex, hex, outcomeOf, renderVectorFile, seedBytes, utf8, type VectorBase } from '../vector-file.js';

export const COSE_SIGN1_FORMAT = 'hemkit-cose-sign1/v1';
export const COSE_SIGN_FORMAT = 'hemkit-cose-sign/v1';

const noble = getBackend('noble');

// ----- keys -----

interface KeyJson {
  readonly description: string;
  /** The public key as a COSE_Key (RFC 9052 §7), deterministically encoded. */
  readonly coseKey: string;
  /** The private key in backend form (Ed25519 seed, ECDSA scalar), for keys that sign in these vectors. */
  readonly privateKey?: string;
  readonly scheme?: SignatureScheme;
}

interface Signer {
  readonly scheme: SignatureScheme;
  readonly privateKey: Uint8Array;
  readonly publicKey: CosePublicKey;
  readonly kid: Uint8Array;
}

function signer(scheme: SignatureScheme, label: string): Signer {
  const privateKey = scheme === 'p384-sha384' ? sha384(utf8(`hemkit vector key: ${label}`)) : seedBytes(label);
  const publicKey = cosePublicKey(scheme, noble.publicKey(scheme, privateKey));
  return { scheme, privateKey, publicKey, kid: keyThumbprint(publicKey) };
}

const SIGNERS = {
  ed25519: signer('ed25519', 'cose ed25519'),
  p256: signer('p256-sha256', 'cose p256'),
  p384: signer('p384-sha384', 'cose p384'),
  'ed25519-other': signer('ed25519', 'cose ed25519 other'),
} as const;
type SignerName = keyof typeof SIGNERS;

/** The algorithm table of specs/cose.md §3: id, the name as vector ids spell it, the name as RFC 9053 and RFC 9864 do. */
const ALGS: readonly { alg: CoseAlgorithm; name: string; title: string; key: SignerName }[] = [
  { alg: -8, name: 'eddsa', title: 'EdDSA', key: 'ed25519' },
  { alg: -19, name: 'ed25519', title: 'Ed25519', key: 'ed25519' },
  { alg: -7, name: 'es256', title: 'ES256', key: 'p256' },
  { alg: -9, name: 'esp256', title: 'ESP256', key: 'p256' },
  { alg: -35, name: 'es384', title: 'ES384', key: 'p384' },
  { alg: -51, name: 'esp384', title: 'ESP384', key: 'p384' },
];

const keyMap = (entries: readonly (readonly [CborMapKey, CborValue])[]) => new Map<CborMapKey, CborValue>(entries);
const flipLast = (b: Uint8Array) => {
  const out = b.slice();
  out[out.length - 1]! ^= 0x01;
  return out;
};
const coords = (k: CosePublicKey) => {
  const n = (k.publicKey.length - 1) / 2;
  return { x: k.publicKey.slice(1, 1 + n), y: k.publicKey.slice(1 + n) };
};

/** Keys by name; the invalid ones exist to provoke COSE_KEY_INVALID, CRYPTO_INVALID_PUBLIC_KEY or COSE_KEY_ALG_MISMATCH. */
function keysTable(): Record<string, KeyJson> {
  const table: Record<string, KeyJson> = {};
  const add = (name: string, description: string, key: CborValue, s?: Signer) => {
    table[name] = { description, coseKey: hex(encode(key)), ...(s ? { scheme: s.scheme, privateKey: hex(s.privateKey) } : {}) };
  };
  add('ed25519', 'Ed25519 (OKP, crv 6); verifies alg -8 and -19', encodeCoseKey(SIGNERS.ed25519.publicKey), SIGNERS.ed25519);
  add('p256', 'P-256 (EC2, crv 1); verifies alg -7 and -9', encodeCoseKey(SIGNERS.p256.publicKey), SIGNERS.p256);
  add('p384', 'P-384 (EC2, crv 2); verifies alg -35 and -51', encodeCoseKey(SIGNERS.p384.publicKey), SIGNERS.p384);
  add('ed25519-other', 'another Ed25519 key: a signature by "ed25519" does not verify under it', encodeCoseKey(SIGNERS['ed25519-other'].publicKey), SIGNERS['ed25519-other']);
  add('ed25519-alg-19', 'the "ed25519" key restricted to alg -19 by its alg parameter (RFC 9052 §7.1)', encodeCoseKey({ ...SIGNERS.ed25519.publicKey, alg: -19 }));
  add('ed25519-with-kid', 'the "ed25519" key carrying its thumbprint as kid', encodeCoseKey({ ...SIGNERS.ed25519.publicKey, kid: SIGNERS.ed25519.kid }));
  const ed = SIGNERS.ed25519.publicKey.publicKey;
  const p = coords(SIGNERS.p256.publicKey);
  const q = coords(SIGNERS.p384.publicKey);
  add('invalid-okp-with-d', 'an OKP key that carries the private key d (-4)', keyMap([[1, 1], [-1, 6], [-2, ed], [-4, SIGNERS.ed25519.privateKey]]));
  add('invalid-okp-with-y', 'an OKP key with a y coordinate', keyMap([[1, 1], [-1, 6], [-2, ed], [-3, ed]]));
  add('invalid-okp-x-31-bytes', 'an Ed25519 key of 31 bytes', keyMap([[1, 1], [-1, 6], [-2, ed.slice(0, 31)]]));
  add('invalid-ec2-compressed', 'a P-256 key whose y is a sign bit (point compression is not in the profile)', keyMap([[1, 2], [-1, 1], [-2, p.x], [-3, true]]));
  add('invalid-ec2-missing-y', 'a P-256 key without y', keyMap([[1, 2], [-1, 1], [-2, p.x]]));
  add('invalid-kty-rsa', 'kty 3 (RSA), outside the profile', keyMap([[1, 3], [-1, 6], [-2, ed]]));
  add('invalid-crv-of-other-kty', 'kty OKP with crv 1 (P-256, an EC2 curve)', keyMap([[1, 1], [-1, 1], [-2, p.x]]));
  add('invalid-crv-secp256k1', 'crv 8 (secp256k1), outside the profile', keyMap([[1, 2], [-1, 8], [-2, p.x], [-3, p.y]]));
  add('invalid-key-ops-sign-only', 'key_ops [1] (sign): the key may not verify', keyMap([[1, 1], [4, [1]], [-1, 6], [-2, ed]]));
  add('invalid-kid-text', 'a kid that is a text string', keyMap([[1, 1], [2, 'issuer-0'], [-1, 6], [-2, ed]]));
  add('invalid-not-a-map', 'a COSE_Key that is an array', [1, 6, ed]);
  add('invalid-kid-not-thumbprint', 'the "ed25519" key carrying the thumbprint of the "p256" key as kid (cose.md §7.1)', keyMap([[1, 1], [2, SIGNERS.p256.kid], [-1, 6], [-2, ed]]));
  add('invalid-alg-of-other-curve', 'an Ed25519 key whose own alg is -7 (ES256, a P-256 alg; cose.md §7)', keyMap([[1, 1], [3, -7], [-1, 6], [-2, ed]]));
  add('invalid-alg-text', 'an Ed25519 key whose own alg is the text "EdDSA" (cose.md §7)', keyMap([[1, 1], [3, 'EdDSA'], [-1, 6], [-2, ed]]));
  add('point-p256-off-curve', 'P-256 coordinates of the right length that are not a point on the curve (y altered)', keyMap([[1, 2], [-1, 1], [-2, p.x], [-3, flipLast(p.y)]]));
  add('point-p384-off-curve', 'P-384 coordinates that are not a point on the curve (y altered)', keyMap([[1, 2], [-1, 2], [-2, q.x], [-3, flipLast(q.y)]]));
  add('point-ed25519-small-order', 'the Ed25519 identity point (y = 1), of small order (RFC 8032 §5.1.3 decodes it; both backends refuse it)', keyMap([[1, 1], [-1, 6], [-2, Uint8Array.of(1, ...new Uint8Array(31))]]));
  add('point-ed25519-non-canonical', 'an Ed25519 encoding with y = 2^255 - 1, not below p (RFC 8032 §5.1.3)', keyMap([[1, 1], [-1, 6], [-2, Uint8Array.of(...new Uint8Array(31).fill(0xff), 0x7f)]]));
  return table;
}

// ----- raw construction: messages the high-level signer refuses to write -----

const PAYLOAD = utf8('hemkit COSE test vector payload');
const AAD = utf8('hemkit external AAD: chip 01 / licence 7');

type Headers = Map<CborMapKey, CborValue>;
const headers = (entries: readonly (readonly [CborMapKey, CborValue])[] = []): Headers => new Map(entries);

/** The protected bucket as sent: a map is encoded (empty map as h''), bytes are taken as given. */
function protectedBytes(p: Headers | Uint8Array): Uint8Array {
  if (p instanceof Uint8Array) return p;
  return p.size === 0 ? new Uint8Array(0) : encode(p);
}

/** What stands for a protected bucket in Sig_structure (RFC 9052 §4.4): h'' for an empty map however sent. */
function signedBucket(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) return bytes;
  try {
    const value = decode(bytes, { allowedTags: new Set() });
    if (value instanceof Map && value.size === 0) return new Uint8Array(0);
  } catch {
    // a malformed bucket is signed as sent
  }
  return bytes;
}

interface Sign1Parts {
  readonly protected: Headers | Uint8Array;
  readonly unprotected?: Headers;
  /** What the message carries: bytes, or null for a detached payload. */
  readonly payload?: Uint8Array | null;
  /** What is signed; defaults to the carried payload. */
  readonly signedPayload?: Uint8Array;
  readonly signer?: Signer;
  readonly aad?: Uint8Array;
  readonly tag?: number | null;
  readonly alterSignature?: (signature: Uint8Array) => Uint8Array;
}

function sign1(parts: Sign1Parts): Uint8Array {
  const p = protectedBytes(parts.protected);
  const payload = parts.payload === undefined ? PAYLOAD : parts.payload;
  const s = parts.signer ?? SIGNERS.ed25519;
  const tbs = encode(['Signature1', signedBucket(p), parts.aad ?? new Uint8Array(0), parts.signedPayload ?? payload ?? PAYLOAD]);
  let signature = noble.sign(s.scheme, s.privateKey, tbs);
  if (parts.alterSignature) signature = parts.alterSignature(signature);
  const array: CborValue = [p, parts.unprotected ?? headers(), payload, signature];
  return encode(parts.tag === null ? array : new CborTag(parts.tag ?? 18, array));
}

const algHeader = (alg: number, s: Signer = SIGNERS.ed25519) => headers([[1, alg], [4, s.kid]]);

/** RFC 9053 §2.1 sets no low-S rule: s replaced by n - s still verifies. */
function highS(order: bigint, size: number) {
  return (signature: Uint8Array) => {
    const s = BigInt(`0x${hex(signature.subarray(size))}`);
    const out = signature.slice();
    out.set(fromHex((order - s).toString(16).padStart(size * 2, '0')), size);
    return out;
  };
}

/** RFC 8032 §5.1.7: S + L encodes the same scalar but is not below L, so the signature is refused. */
function ed25519SPlusL(signature: Uint8Array): Uint8Array {
  const le = (b: Uint8Array) => BigInt(`0x${hex(b.slice().reverse())}`);
  const s = le(signature.subarray(32)) + ed25519.Point.Fn.ORDER;
  const out = signature.slice();
  out.set(fromHex(s.toString(16).padStart(64, '0')).reverse(), 32);
  return out;
}

// ----- COSE_Sign1 -----

interface Sign1Vector extends VectorBase {
  readonly input: string;
  /** The name of the key in the file's `keys` to verify with. */
  readonly key: string;
  readonly externalAad?: string;
  readonly detachedPayload?: string;
  /** For valid vectors: the payload that verified. */
  readonly payload?: string;
  /** For inputs with faults at several steps of encoding.md §13 layer 2: the step whose fault is reported. */
  readonly faultStep?: FaultStep;
}

/**
 * The steps of encoding.md §13 layer 2 by name (specs/test-vectors.md §2.2): step 3 `protected`,
 * 4 `unprotected`, 5 `header-rules`, 6 `alg`, 7 `payload` then `signature`, 8 `kid`.
 */
type FaultStep = 'protected' | 'unprotected' | 'header-rules' | 'alg' | 'payload' | 'signature' | 'kid';

/** Where the implementation's message says the fault lies, for the steps that share a code. */
const FAULT_STEP_MESSAGE: Record<FaultStep, RegExp> = {
  protected: /^protected header bucket/,
  unprotected: /^unprotected header bucket/,
  'header-rules': /both buckets|crit/,
  alg: /alg/,
  payload: /^payload/,
  signature: /^signature/,
  kid: /^kid/,
};

interface Sign1Case {
  readonly id: string;
  readonly description: string;
  readonly message: Uint8Array;
  readonly key: string;
  readonly code?: string;
  readonly aad?: Uint8Array;
  readonly detached?: Uint8Array;
  readonly faultStep?: FaultStep;
}

function sign1Cases(): Sign1Case[] {
  const cases: Sign1Case[] = [];
  const ok = (id: string, description: string, message: Uint8Array, key: string, extra: Partial<Sign1Case> = {}) =>
    cases.push({ id, description, message, key, ...extra });
  const bad = (id: string, code: string, description: string, message: Uint8Array, key = 'ed25519', extra: Partial<Sign1Case> = {}) =>
    cases.push({ id, description, message, key, code, ...extra });

  for (const { alg, name, title, key } of ALGS) {
    const s = SIGNERS[key];
    ok(`sign1-${name}`, `alg ${alg} (${title}), kid in the protected bucket, payload attached`, sign1({ protected: algHeader(alg, s), signer: s }), key);
    ok(`sign1-${name}-external-aad`, `alg ${alg} with external AAD (RFC 9052 §4.3)`, sign1({ protected: algHeader(alg, s), signer: s, aad: AAD }), key, { aad: AAD });
    ok(`sign1-${name}-detached`, `alg ${alg}, payload detached (nil) and supplied by the verifier`, sign1({ protected: algHeader(alg, s), signer: s, payload: null }), key, { detached: PAYLOAD });
  }
  const ed = SIGNERS.ed25519;
  ok('sign1-no-kid', 'alg alone in the protected bucket: kid is optional in COSE', sign1({ protected: headers([[1, -8]]) }), 'ed25519');
  ok('sign1-kid-unprotected', 'kid in the unprotected bucket', sign1({ protected: headers([[1, -8]]), unprotected: headers([[4, ed.kid]]) }), 'ed25519');
  ok('sign1-empty-payload', 'a zero-length payload', sign1({ protected: algHeader(-8), payload: new Uint8Array(0) }), 'ed25519');
  ok('sign1-content-type-and-crit', 'crit naming kid, a header this implementation understands, and a content type', sign1({ protected: headers([[1, -8], [2, [4]], [3, 'application/cbor'], [4, ed.kid]]) }), 'ed25519');
  ok('sign1-unknown-unprotected-header', 'an unknown label in the unprotected bucket is ignored (header maps are open)', sign1({ protected: algHeader(-8), unprotected: headers([[99, 'ignored'], ['x-note', 1]]) }), 'ed25519');
  ok('sign1-key-with-alg', 'a key restricted to alg -19 verifies an alg -19 message', sign1({ protected: algHeader(-19) }), 'ed25519-alg-19');
  ok('sign1-key-with-kid', 'a COSE_Key carrying a kid (the kid does not select anything here)', sign1({ protected: algHeader(-8) }), 'ed25519-with-kid');
  ok('sign1-es256-high-s', 'ES256 with s replaced by n - s: RFC 9053 sets no low-S rule, so it verifies', sign1({ protected: algHeader(-7, SIGNERS.p256), signer: SIGNERS.p256, alterSignature: highS(p256.Point.Fn.ORDER, 32) }), 'p256');
  ok('sign1-es384-high-s', 'ES384 with s replaced by n - s', sign1({ protected: algHeader(-35, SIGNERS.p384), signer: SIGNERS.p384, alterSignature: highS(p384.Point.Fn.ORDER, 48) }), 'p384');

  const good = sign1({ protected: algHeader(-8) });
  bad('cbor-trailing-bytes', 'CBOR_TRAILING_BYTES', 'a valid message followed by one byte: the decoder\'s code is not wrapped', Uint8Array.of(...good, 0));
  bad('cbor-truncated', 'CBOR_TRUNCATED', 'a valid message with its last byte cut', good.subarray(0, good.length - 1));
  bad('cbor-tag-1-inside', 'CBOR_TAG_NOT_ALLOWED', 'tag 1 on the payload: inside a COSE_Sign1 only tag 18 is allowed', encode(new CborTag(18, [encode(algHeader(-8)), headers(), new CborTag(1, 0), new Uint8Array(64)]), { allowedTags: new Set([1, 18]) }));
  bad('unexpected-tag-98', 'COSE_UNEXPECTED_TAG', 'a COSE_Sign1 array tagged 98 (COSE_Sign)', sign1({ protected: algHeader(-8), tag: 98 }));
  bad('unexpected-tag-61', 'COSE_UNEXPECTED_TAG', 'a COSE_Sign1 array tagged 61 (CWT)', sign1({ protected: algHeader(-8), tag: 61 }));
  bad('unexpected-untagged', 'COSE_UNEXPECTED_TAG', 'an untagged COSE_Sign1: the profile sends COSE messages tagged', sign1({ protected: algHeader(-8), tag: null }));
  bad('malformed-3-items', 'COSE_MALFORMED', 'an array of 3 items', encode(new CborTag(18, [encode(algHeader(-8)), headers(), PAYLOAD])));
  bad('malformed-5-items', 'COSE_MALFORMED', 'an array of 5 items', encode(new CborTag(18, [encode(algHeader(-8)), headers(), PAYLOAD, new Uint8Array(64), 0])));
  bad('malformed-not-an-array', 'COSE_MALFORMED', 'tag 18 around a map', encode(new CborTag(18, headers([[1, 0]]))));
  bad('malformed-protected-is-map', 'COSE_MALFORMED', 'the protected bucket as a map instead of a bstr', encode(new CborTag(18, [algHeader(-8), headers(), PAYLOAD, new Uint8Array(64)])));
  bad('malformed-protected-not-map', 'COSE_MALFORMED', 'a protected bucket holding an array', sign1({ protected: encode([1, -8]) }));
  bad('malformed-protected-unsorted', 'COSE_MALFORMED', 'a protected bucket whose keys are not in deterministic order (kid before alg)', sign1({ protected: fromHex(`a204${hex(encode(ed.kid))}0127`) }));
  bad('malformed-protected-trailing', 'COSE_MALFORMED', 'a protected bucket with a byte after its map', sign1({ protected: Uint8Array.of(...encode(algHeader(-8)), 0) }));
  bad('malformed-unprotected-not-map', 'COSE_MALFORMED', 'an unprotected bucket that is an array', encode(new CborTag(18, [encode(algHeader(-8)), [], PAYLOAD, new Uint8Array(64)])));
  bad('malformed-payload-int', 'COSE_MALFORMED', 'a payload that is an integer', encode(new CborTag(18, [encode(algHeader(-8)), headers(), 7, new Uint8Array(64)])));
  bad('malformed-signature-text', 'COSE_MALFORMED', 'a signature that is a text string', encode(new CborTag(18, [encode(algHeader(-8)), headers(), PAYLOAD, 'sig'])));
  bad('malformed-crit-unprotected', 'COSE_MALFORMED', 'crit in the unprotected bucket (RFC 9052 §3.1: it must be protected)', sign1({ protected: algHeader(-8), unprotected: headers([[2, [4]]]) }));
  bad('malformed-crit-empty', 'COSE_MALFORMED', 'crit as an empty array', sign1({ protected: headers([[1, -8], [2, []]]) }));
  bad('malformed-crit-absent-label', 'COSE_MALFORMED', 'crit naming label 3, which the protected bucket does not hold', sign1({ protected: headers([[1, -8], [2, [3]]]) }));
  bad('malformed-crit-bstr-label', 'COSE_MALFORMED', 'crit listing a byte string', sign1({ protected: headers([[1, -8], [2, [new Uint8Array(1)]]]) }));
  bad('malformed-kid-text', 'COSE_MALFORMED', 'a kid that is a text string (RFC 9052 §3.1 types it bstr)', sign1({ protected: headers([[1, -8], [4, 'issuer-0']]) }));
  bad('missing-alg', 'COSE_MISSING_ALG', 'no alg header at all', sign1({ protected: headers([[4, ed.kid]]) }));
  bad('missing-alg-empty-protected', 'COSE_MISSING_ALG', 'an empty protected bucket', sign1({ protected: headers() }));
  bad('missing-alg-unprotected', 'COSE_MISSING_ALG', 'alg in the unprotected bucket only: the profile requires it protected', sign1({ protected: headers([[4, ed.kid]]), unprotected: headers([[1, -8]]) }));
  bad('unsupported-alg-rs256', 'COSE_UNSUPPORTED_ALG', 'alg -257 (RS256)', sign1({ protected: algHeader(-257) }));
  bad('unsupported-alg-es256k', 'COSE_UNSUPPORTED_ALG', 'alg -47 (ES256K)', sign1({ protected: algHeader(-47) }));
  bad('unsupported-alg-es512', 'COSE_UNSUPPORTED_ALG', 'alg -36 (ES512)', sign1({ protected: algHeader(-36) }));
  bad('unsupported-alg-text', 'COSE_UNSUPPORTED_ALG', 'alg "EdDSA" as text', sign1({ protected: headers([[1, 'EdDSA']]) }));
  bad('malformed-alg-bstr', 'COSE_MALFORMED', 'alg as a byte string: neither an integer nor text (cose.md §4 rule 5, step 6)', sign1({ protected: headers([[1, Uint8Array.of(0x27)]]) }));
  bad('duplicate-header-kid', 'COSE_DUPLICATE_HEADER', 'kid in both buckets', sign1({ protected: algHeader(-8), unprotected: headers([[4, ed.kid]]) }));
  bad('duplicate-header-alg', 'COSE_DUPLICATE_HEADER', 'alg in both buckets, with the same value', sign1({ protected: algHeader(-8), unprotected: headers([[1, -8]]) }));
  bad('unknown-critical-header', 'COSE_UNKNOWN_CRITICAL_HEADER', 'crit naming label 99, present in the protected bucket but not understood', sign1({ protected: headers([[1, -8], [2, [99]], [99, 0]]) }));
  bad('unknown-critical-header-text', 'COSE_UNKNOWN_CRITICAL_HEADER', 'crit naming the text label "x-policy"', sign1({ protected: headers([[1, -8], [2, ['x-policy']], ['x-policy', 1]]) }));
  // Two faults at adjacent steps of encoding.md §13 layer 2: the earlier step's fault is reported.
  // Where both faults carry one code, `faultStep` names the step that reports it.
  const two = (id: string, code: string, faultStep: FaultStep, description: string, message: Uint8Array) => bad(id, code, description, message, 'ed25519', { faultStep });
  two('two-faults-protected-and-unprotected', 'COSE_MALFORMED', 'protected', 'a protected bucket holding an array (step 3) and an unprotected bucket that is an array (step 4)', encode(new CborTag(18, [encode([1, -8]), [], PAYLOAD, new Uint8Array(64)])));
  two('two-faults-unprotected-and-crit', 'COSE_MALFORMED', 'unprotected', 'an unprotected bucket that is an array (step 4) and crit naming label 99, which is not understood (step 5, COSE_UNKNOWN_CRITICAL_HEADER)', encode(new CborTag(18, [encode(headers([[1, -8], [2, [99]], [99, 0]])), [], PAYLOAD, new Uint8Array(64)])));
  two('two-faults-duplicate-header-and-missing-alg', 'COSE_DUPLICATE_HEADER', 'header-rules', 'kid in both buckets (step 5) and no alg (step 6, COSE_MISSING_ALG)', sign1({ protected: headers([[4, ed.kid]]), unprotected: headers([[4, ed.kid]]) }));
  two('two-faults-unsupported-alg-and-payload', 'COSE_UNSUPPORTED_ALG', 'alg', 'alg -257 (step 6) and a payload that is an integer (step 7, COSE_MALFORMED)', encode(new CborTag(18, [encode(algHeader(-257)), headers(), 7, new Uint8Array(64)])));
  two('two-faults-alg-type-and-payload', 'COSE_MALFORMED', 'alg', 'alg as a byte string (step 6) and a payload that is an integer (step 7); both COSE_MALFORMED', encode(new CborTag(18, [encode(headers([[1, Uint8Array.of(0x27)]])), headers(), 7, new Uint8Array(64)])));
  two('two-faults-signature-and-kid', 'COSE_MALFORMED', 'signature', 'a signature that is a text string (step 7) and a kid that is a text string (step 8)', encode(new CborTag(18, [encode(headers([[1, -8], [4, 'issuer-0']])), headers(), PAYLOAD, 'sig'])));
  bad('payload-missing-detached', 'COSE_PAYLOAD_MISSING', 'payload nil and no detached payload supplied', sign1({ protected: algHeader(-8), payload: null }));
  bad('payload-missing-both-given', 'COSE_PAYLOAD_MISSING', 'a detached payload supplied for a message that carries one', good, 'ed25519', { detached: PAYLOAD });
  bad('signature-flipped-bit', 'COSE_SIGNATURE_INVALID', 'the last bit of the signature flipped', sign1({ protected: algHeader(-8), alterSignature: flipLast }));
  bad('signature-es256-flipped-bit', 'COSE_SIGNATURE_INVALID', 'ES256 with the last bit of s flipped', sign1({ protected: algHeader(-7, SIGNERS.p256), signer: SIGNERS.p256, alterSignature: flipLast }), 'p256');
  bad('signature-es384-flipped-bit', 'COSE_SIGNATURE_INVALID', 'ES384 with the last bit of s flipped', sign1({ protected: algHeader(-35, SIGNERS.p384), signer: SIGNERS.p384, alterSignature: flipLast }), 'p384');
  bad('signature-other-key', 'COSE_SIGNATURE_INVALID', 'a valid signature, verified under another key of the same curve', good, 'ed25519-other');
  bad('signature-external-aad-missing', 'COSE_SIGNATURE_INVALID', 'signed with external AAD, verified without', sign1({ protected: algHeader(-8), aad: AAD }));
  bad('signature-external-aad-wrong', 'COSE_SIGNATURE_INVALID', 'signed without external AAD, verified with one', good, 'ed25519', { aad: AAD });
  bad('signature-detached-payload-wrong', 'COSE_SIGNATURE_INVALID', 'a detached payload other than the one signed', sign1({ protected: algHeader(-8), payload: null }), 'ed25519', { detached: utf8('another payload') });
  bad('signature-payload-altered', 'COSE_SIGNATURE_INVALID', 'the carried payload differs from the signed one', sign1({ protected: algHeader(-8), signedPayload: utf8('what was signed') }));
  bad('signature-protected-altered', 'COSE_SIGNATURE_INVALID', 'a content type added to the protected bucket after signing', swapProtected(good, encode(headers([[1, -8], [3, 0], [4, ed.kid]]))));
  bad('signature-short', 'COSE_SIGNATURE_INVALID', 'a 63-byte Ed25519 signature', sign1({ protected: algHeader(-8), alterSignature: (s) => s.subarray(0, 63) }));
  bad('signature-empty', 'COSE_SIGNATURE_INVALID', 'a zero-length signature', sign1({ protected: algHeader(-8), alterSignature: () => new Uint8Array(0) }));
  bad('signature-ed25519-s-not-reduced', 'COSE_SIGNATURE_INVALID', 'Ed25519 with S + L in place of S (RFC 8032 §5.1.7: S must be below L)', sign1({ protected: algHeader(-8), alterSignature: ed25519SPlusL }));
  bad('signature-es256-r-zero', 'COSE_SIGNATURE_INVALID', 'ES256 with r = 0 (SEC 1 §4.1.4: r in [1, n-1])', sign1({ protected: algHeader(-7, SIGNERS.p256), signer: SIGNERS.p256, alterSignature: (s) => Uint8Array.of(...new Uint8Array(32), ...s.subarray(32)) }), 'p256');
  bad('signature-es256-s-is-n', 'COSE_SIGNATURE_INVALID', 'ES256 with s = n', sign1({ protected: algHeader(-7, SIGNERS.p256), signer: SIGNERS.p256, alterSignature: (s) => Uint8Array.of(...s.subarray(0, 32), ...fromHex(p256.Point.Fn.ORDER.toString(16))) }), 'p256');
  bad('key-alg-mismatch-curve', 'COSE_KEY_ALG_MISMATCH', 'an EdDSA message and a P-256 key', good, 'p256');
  bad('key-alg-mismatch-es256-ed25519', 'COSE_KEY_ALG_MISMATCH', 'an ES256 message and an Ed25519 key', sign1({ protected: algHeader(-7, SIGNERS.p256), signer: SIGNERS.p256 }), 'ed25519');
  bad('key-alg-mismatch-es384-p256', 'COSE_KEY_ALG_MISMATCH', 'an ES384 message and a P-256 key', sign1({ protected: algHeader(-35, SIGNERS.p384), signer: SIGNERS.p384 }), 'p256');
  bad('key-alg-mismatch-key-alg', 'COSE_KEY_ALG_MISMATCH', 'an alg -8 message and a key restricted to alg -19', good, 'ed25519-alg-19');
  for (const name of Object.keys(keysTable()).filter((n) => n.startsWith('invalid-'))) {
    bad(`key-${name}`, 'COSE_KEY_INVALID', `verifying with the key "${name}"`, good, name);
  }
  bad('public-key-p256-off-curve', 'CRYPTO_INVALID_PUBLIC_KEY', 'an ES256 message and a P-256 key that is not a curve point', sign1({ protected: algHeader(-7, SIGNERS.p256), signer: SIGNERS.p256 }), 'point-p256-off-curve');
  bad('public-key-p384-off-curve', 'CRYPTO_INVALID_PUBLIC_KEY', 'an ES384 message and a P-384 key that is not a curve point', sign1({ protected: algHeader(-35, SIGNERS.p384), signer: SIGNERS.p384 }), 'point-p384-off-curve');
  bad('public-key-ed25519-small-order', 'CRYPTO_INVALID_PUBLIC_KEY', 'an EdDSA message and the small-order identity point as key', good, 'point-ed25519-small-order');
  bad('public-key-ed25519-non-canonical', 'CRYPTO_INVALID_PUBLIC_KEY', 'an EdDSA message and a key whose y is not below p', good, 'point-ed25519-non-canonical');
  return cases;
}

/** A message with its protected bucket replaced and nothing re-signed. */
function swapProtected(message: Uint8Array, bucket: Uint8Array): Uint8Array {
  const tag = decode(message) as CborTag;
  const [, u, payload, signature] = tag.value as CborValue[];
  return encode(new CborTag(tag.tag, [bucket, u!, payload!, signature!]));
}

function verifyKey(table: Record<string, KeyJson>, name: string): CosePublicKey {
  const key = table[name];
  if (key === undefined) throw new Error(`no key named ${name}`);
  return decodeCoseKey(decode(fromHex(key.coseKey)));
}

export function sign1Vectors(table: Record<string, KeyJson>): Sign1Vector[] {
  return sign1Cases().map((c) => {
    const v: Sign1Vector = {
      id: c.id,
      description: c.description,
      input: hex(c.message),
      key: c.key,
      ...(c.aad ? { externalAad: hex(c.aad) } : {}),
      ...(c.detached ? { detachedPayload: hex(c.detached) } : {}),
      result: c.code === undefined ? 'valid' : 'invalid',
      ...(c.code !== undefined ? { code: c.code } : {}),
      ...(c.faultStep !== undefined ? { faultStep: c.faultStep } : {}),
    };
    if (c.faultStep !== undefined) {
      try {
        decodeSign1(c.message);
        throw new Error(`cose sign1 vector ${c.id}: decodes, but says its fault is at step ${c.faultStep}`);
      } catch (e) {
        if (!(e instanceof Error) || !FAULT_STEP_MESSAGE[c.faultStep].test(e.message)) {
          throw new Error(`cose sign1 vector ${c.id}: says step ${c.faultStep}, the implementation says "${(e as Error).message}"`);
        }
      }
    }
    let payload: Uint8Array | undefined;
    confirm(`cose sign1 vector ${c.id}`, v, () => {
      const key = verifyKey(table, c.key);
      payload = verifySign1(c.message, key, { ...(c.aad ? { externalAad: c.aad } : {}), ...(c.detached ? { detachedPayload: c.detached } : {}) }).payload;
    });
    return payload === undefined ? v : { ...v, payload: hex(payload) };
  });
}

// ----- COSE_Sign -----

interface SignVector extends VectorBase {
  readonly input: string;
  /** One key name per COSE_Signature, in order. */
  readonly keys: readonly string[];
  readonly externalAad?: string;
  readonly detachedPayload?: string;
  /** When the message decodes: each signature's own outcome, 'valid' or its code. */
  readonly signatureResults?: readonly string[];
}

interface SignatureParts {
  readonly protected: Headers | Uint8Array;
  readonly unprotected?: Headers;
  readonly signer?: Signer;
  readonly alterSignature?: (signature: Uint8Array) => Uint8Array;
}

interface SignParts {
  readonly protected?: Headers | Uint8Array;
  readonly unprotected?: Headers;
  readonly payload?: Uint8Array | null;
  readonly signatures: readonly SignatureParts[];
  readonly aad?: Uint8Array;
  readonly tag?: number | null;
  /** Replaces the signatures array as written. */
  readonly signaturesValue?: CborValue;
}

function signMessage(parts: SignParts): Uint8Array {
  const body = protectedBytes(parts.protected ?? headers());
  const payload = parts.payload === undefined ? PAYLOAD : parts.payload;
  const signatures: CborValue[] = parts.signatures.map((sp) => {
    const p = protectedBytes(sp.protected);
    const s = sp.signer ?? SIGNERS.ed25519;
    const tbs = encode(['Signature', signedBucket(body), signedBucket(p), parts.aad ?? new Uint8Array(0), payload ?? PAYLOAD]);
    let signature = noble.sign(s.scheme, s.privateKey, tbs);
    if (sp.alterSignature) signature = sp.alterSignature(signature);
    return [p, sp.unprotected ?? headers(), signature];
  });
  const array: CborValue = [body, parts.unprotected ?? headers(), payload, parts.signaturesValue ?? signatures];
  return encode(parts.tag === null ? array : new CborTag(parts.tag ?? 98, array));
}

interface SignCase {
  readonly id: string;
  readonly description: string;
  readonly message: Uint8Array;
  readonly keys: readonly string[];
  readonly code?: string;
  readonly aad?: Uint8Array;
  readonly detached?: Uint8Array;
}

const by = (name: SignerName, alg: number): SignatureParts => ({ protected: algHeader(alg, SIGNERS[name]), signer: SIGNERS[name] });

function signCases(): SignCase[] {
  const cases: SignCase[] = [];
  const ok = (id: string, description: string, message: Uint8Array, keys: readonly string[], extra: Partial<SignCase> = {}) =>
    cases.push({ id, description, message, keys, ...extra });
  const bad = (id: string, code: string, description: string, message: Uint8Array, keys: readonly string[], extra: Partial<SignCase> = {}) =>
    cases.push({ id, description, message, keys, code, ...extra });

  for (const { alg, name, title, key } of ALGS) {
    ok(`sign-${name}`, `one signer, alg ${alg} (${title})`, signMessage({ signatures: [by(key, alg)] }), [key]);
  }
  const three = [by('ed25519', -8), by('p256', -7), by('p384', -35)];
  ok('sign-three-algs', 'three signers with three algorithms over one payload, as a k-of-n licence carries them', signMessage({ signatures: three }), ['ed25519', 'p256', 'p384']);
  ok('sign-external-aad', 'two signers with external AAD', signMessage({ signatures: [by('ed25519', -19), by('p256', -9)], aad: AAD }), ['ed25519', 'p256'], { aad: AAD });
  ok('sign-detached', 'a detached payload, supplied by the verifier', signMessage({ signatures: [by('ed25519', -8)], payload: null }), ['ed25519'], { detached: PAYLOAD });
  ok('sign-body-protected-content-type', 'a body protected bucket with a content type, covered by every signature', signMessage({ protected: headers([[3, 'application/cbor']]), signatures: [by('ed25519', -8), by('p384', -51)] }), ['ed25519', 'p384']);
  ok('sign-body-protected-a0', "an empty body protected bucket sent as h'a0': Sig_structure takes it as h'' (RFC 9052 §4.4; COSE WG sign-pass-01)", signMessage({ protected: Uint8Array.of(0xa0), signatures: [by('ed25519', -8)] }), ['ed25519']);
  ok('sign-same-key-twice', 'one key signing twice: COSE_Sign allows it; counting distinct issuers is licence policy (specs/messages/licence.md)', signMessage({ signatures: [by('ed25519', -8), by('ed25519', -19)] }), ['ed25519', 'ed25519']);

  const good = signMessage({ signatures: [by('ed25519', -8), by('p256', -7)] });
  bad('no-signers', 'COSE_NO_SIGNERS', 'an empty signatures array (RFC 9052 §4.1: [+ COSE_Signature])', signMessage({ signatures: [] }), []);
  bad('cbor-trailing-bytes', 'CBOR_TRAILING_BYTES', 'a valid message followed by one byte', Uint8Array.of(...good, 0), ['ed25519', 'p256']);
  bad('unexpected-tag-18', 'COSE_UNEXPECTED_TAG', 'a COSE_Sign array tagged 18 (COSE_Sign1)', signMessage({ signatures: [by('ed25519', -8)], tag: 18 }), ['ed25519']);
  bad('unexpected-untagged', 'COSE_UNEXPECTED_TAG', 'an untagged COSE_Sign', signMessage({ signatures: [by('ed25519', -8)], tag: null }), ['ed25519']);
  bad('malformed-signatures-not-array', 'COSE_MALFORMED', 'signatures as a map', signMessage({ signatures: [], signaturesValue: headers() }), []);
  bad('malformed-signature-2-items', 'COSE_MALFORMED', 'a COSE_Signature of 2 items', signMessage({ signatures: [], signaturesValue: [[encode(algHeader(-8)), new Uint8Array(64)]] }), ['ed25519']);
  bad('malformed-signature-bucket-map', 'COSE_MALFORMED', 'a COSE_Signature whose protected bucket is a map', signMessage({ signatures: [], signaturesValue: [[algHeader(-8), headers(), new Uint8Array(64)]] }), ['ed25519']);
  bad('malformed-body-3-items', 'COSE_MALFORMED', 'a COSE_Sign of 3 items', encode(new CborTag(98, [new Uint8Array(0), headers(), PAYLOAD])), []);
  bad('malformed-body-crit-unprotected', 'COSE_MALFORMED', 'crit in the body unprotected bucket', signMessage({ unprotected: headers([[2, [3]]]), signatures: [by('ed25519', -8)] }), ['ed25519']);
  bad('missing-alg-in-signer', 'COSE_MISSING_ALG', 'alg in the body protected bucket, not in the signer\'s: each signer names its own', signMessage({ protected: headers([[1, -8]]), signatures: [{ protected: headers([[4, SIGNERS.ed25519.kid]]) }] }), ['ed25519']);
  bad('unsupported-alg-in-signer', 'COSE_UNSUPPORTED_ALG', 'a second signer with alg -257 (RS256)', signMessage({ signatures: [by('ed25519', -8), { protected: algHeader(-257) }] }), ['ed25519', 'ed25519']);
  bad('duplicate-header-body', 'COSE_DUPLICATE_HEADER', 'content type in both body buckets', signMessage({ protected: headers([[3, 0]]), unprotected: headers([[3, 0]]), signatures: [by('ed25519', -8)] }), ['ed25519']);
  bad('duplicate-header-signer', 'COSE_DUPLICATE_HEADER', 'kid in both buckets of a signer', signMessage({ signatures: [{ ...by('ed25519', -8), unprotected: headers([[4, SIGNERS.ed25519.kid]]) }] }), ['ed25519']);
  bad('unknown-critical-header-body', 'COSE_UNKNOWN_CRITICAL_HEADER', 'body crit naming label 99', signMessage({ protected: headers([[2, [99]], [99, 0]]), signatures: [by('ed25519', -8)] }), ['ed25519']);
  bad('unknown-critical-header-signer', 'COSE_UNKNOWN_CRITICAL_HEADER', 'a signer\'s crit naming label 99', signMessage({ signatures: [{ protected: headers([[1, -8], [2, [99]], [99, 0]]) }] }), ['ed25519']);
  bad('payload-missing', 'COSE_PAYLOAD_MISSING', 'payload nil and none supplied', signMessage({ signatures: [by('ed25519', -8)], payload: null }), ['ed25519']);
  bad('signature-second-altered', 'COSE_SIGNATURE_INVALID', 'the second of two signatures altered; the first still verifies', signMessage({ signatures: [by('ed25519', -8), { ...by('p256', -7), alterSignature: flipLast }] }), ['ed25519', 'p256']);
  bad('signature-keys-swapped', 'COSE_SIGNATURE_INVALID', 'two Ed25519 signatures verified under each other\'s key', signMessage({ signatures: [by('ed25519', -8), by('ed25519-other', -8)] }), ['ed25519-other', 'ed25519']);
  bad('signature-external-aad-missing', 'COSE_SIGNATURE_INVALID', 'signed with external AAD, verified without', signMessage({ signatures: [by('ed25519', -8)], aad: AAD }), ['ed25519']);
  bad('signature-body-protected-altered', 'COSE_SIGNATURE_INVALID', 'the body protected bucket changed after signing: it is covered by every signature', swapBodyProtected(good, encode(headers([[3, 0]]))), ['ed25519', 'p256']);
  bad('key-alg-mismatch', 'COSE_KEY_ALG_MISMATCH', 'an ES256 signer verified under an Ed25519 key', good, ['ed25519', 'ed25519']);
  bad('key-invalid', 'COSE_KEY_INVALID', 'the second key carries the private key d', good, ['ed25519', 'invalid-okp-with-d']);
  bad('public-key-off-curve', 'CRYPTO_INVALID_PUBLIC_KEY', 'the P-256 signer verified under a key that is not a curve point', good, ['ed25519', 'point-p256-off-curve']);
  return cases;
}

function swapBodyProtected(message: Uint8Array, bucket: Uint8Array): Uint8Array {
  const tag = decode(message) as CborTag;
  const [, u, payload, signatures] = tag.value as CborValue[];
  return encode(new CborTag(tag.tag, [bucket, u!, payload!, signatures!]));
}

export function signVectors(table: Record<string, KeyJson>): SignVector[] {
  return signCases().map((c) => {
    const options = { ...(c.aad ? { externalAad: c.aad } : {}), ...(c.detached ? { detachedPayload: c.detached } : {}) };
    const v: SignVector = {
      id: c.id,
      description: c.description,
      input: hex(c.message),
      keys: c.keys,
      ...(c.aad ? { externalAad: hex(c.aad) } : {}),
      ...(c.detached ? { detachedPayload: hex(c.detached) } : {}),
      result: c.code === undefined ? 'valid' : 'invalid',
      ...(c.code !== undefined ? { code: c.code } : {}),
    };
    // The procedure of the file: keys, then the message, then each signature in order (the first failure is the code).
    confirm(`cose sign vector ${c.id}`, v, () => {
      const keys = c.keys.map((k) => verifyKey(table, k));
      const message = decodeSign(c.message);
      message.signatures.forEach((_, i) => verifySignature(message, i, keys[i]!, options));
    });
    let signatureResults: string[] | undefined;
    if (outcomeOf(() => decodeSign(c.message)) === 'ok' && outcomeOf(() => c.keys.map((k) => verifyKey(table, k))) === 'ok') {
      const message = decodeSign(c.message);
      const keys = c.keys.map((k) => verifyKey(table, k));
      signatureResults = message.signatures.map((_, i) => {
        const got = outcomeOf(() => verifySignature(message, i, keys[i]!, options));
        return got === 'ok' ? 'valid' : got;
      });
    }
    return signatureResults === undefined ? v : { ...v, signatureResults };
  });
}

export function generateCoseVectors(): Map<string, string> {
  const keys = keysTable();
  const generator = 'npm run vectors (scripts/vectors/wire/cose.ts)';
  return new Map([
    [
      'cose/sign1.json',
      renderVectorFile(
        {
          format: COSE_SIGN1_FORMAT,
          generator,
          description: 'COSE_Sign1 (RFC 9052 §4.2) under the hemkit COSE profile (specs/cose.md): every algorithm, every header rule, every verification failure',
          keys,
        },
        sign1Vectors(keys),
      ),
    ],
    [
      'cose/sign.json',
      renderVectorFile(
        {
          format: COSE_SIGN_FORMAT,
          generator,
          description: 'COSE_Sign (RFC 9052 §4.1) under the hemkit COSE profile: one to three signers, each signature verified under its own key',
          keys,
        },
        signVectors(keys),
      ),
    ],
  ]);
}
