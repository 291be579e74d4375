/**
 * COSE_Key (RFC 9052 §7, RFC 9053 §7) for the public keys hemkit verifies with: OKP Ed25519 and
 * EC2 P-256 / P-384 with both coordinates (the profile has no point compression).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { encode, type CborMapKey, type CborValue } from '../cbor/index.js';
import type { SignatureScheme } from '../crypto/backend.js';
import { HemkitError } from '../errors.js';
import type { AlgorithmInfo, KeyType } from './algorithms.js';

/** COSE_Key labels (RFC 9052 §7.1) and key-type parameters (RFC 9053 §7.1.1, §7.2). */
const KTY = 1;
const KID = 2;
const ALG = 3;
const KEY_OPS = 4;
const CRV = -1;
const X = -2;
const Y = -3;
const D = -4;
const KTY_OKP = 1;
const KTY_EC2 = 2;
const KEY_OP_VERIFY = 2;

interface CurveInfo {
  readonly keyType: KeyType;
  readonly scheme: SignatureScheme;
  readonly coordinateLength: number;
}

const CURVES: ReadonlyMap<number, CurveInfo> = new Map([
  [1, { keyType: 'EC2', scheme: 'p256-sha256', coordinateLength: 32 }],
  [2, { keyType: 'EC2', scheme: 'p384-sha384', coordinateLength: 48 }],
  [6, { keyType: 'OKP', scheme: 'ed25519', coordinateLength: 32 }],
]);

/** The algs each scheme's keys may name in their own alg parameter (specs/cddl/hemkit.cddl, hemkit-public-key). */
const ALGS_OF_SCHEME: Readonly<Record<SignatureScheme, readonly number[]>> = { ed25519: [-8, -19], 'p256-sha256': [-7, -9], 'p384-sha384': [-35, -51] };

const CURVE_OF_SCHEME: Readonly<Record<SignatureScheme, number>> = { ed25519: 6, 'p256-sha256': 1, 'p384-sha384': 2 };

export interface CosePublicKey {
  readonly keyType: KeyType;
  /** COSE curve id: 1 P-256, 2 P-384, 6 Ed25519. */
  readonly curve: number;
  readonly scheme: SignatureScheme;
  /** Backend form: Ed25519 raw 32 bytes; EC2 SEC1 uncompressed 0x04 || x || y. */
  readonly publicKey: Uint8Array;
  readonly kid?: Uint8Array;
  /** If set, the only alg this key may verify (RFC 9052 §7.1). */
  readonly alg?: number;
}

export interface KeyMetadata {
  readonly kid?: Uint8Array;
  readonly alg?: number;
}

/** Wraps backend-form public key bytes as a COSE public key, checking their length. */
export function cosePublicKey(scheme: SignatureScheme, publicKey: Uint8Array, meta: KeyMetadata = {}): CosePublicKey {
  const curve = CURVE_OF_SCHEME[scheme];
  const info = CURVES.get(curve)!;
  const expected = info.keyType === 'OKP' ? info.coordinateLength : 1 + 2 * info.coordinateLength;
  if (publicKey.length !== expected || (info.keyType === 'EC2' && publicKey[0] !== 0x04)) {
    throw new HemkitError(
      'COSE_KEY_INVALID',
      `a ${scheme} public key must be ${expected} bytes${info.keyType === 'EC2' ? ' starting 0x04 (uncompressed)' : ''}; found ${publicKey.length}`,
    );
  }
  return { keyType: info.keyType, curve, scheme, publicKey: new Uint8Array(publicKey), ...meta };
}

export function encodeCoseKey(key: CosePublicKey): Map<CborMapKey, CborValue> {
  const map = new Map<CborMapKey, CborValue>([[KTY, key.keyType === 'OKP' ? KTY_OKP : KTY_EC2]]);
  if (key.kid !== undefined) map.set(KID, key.kid);
  if (key.alg !== undefined) map.set(ALG, key.alg);
  map.set(CRV, key.curve);
  if (key.keyType === 'OKP') {
    map.set(X, key.publicKey);
  } else {
    const n = (key.publicKey.length - 1) / 2;
    map.set(X, key.publicKey.slice(1, 1 + n));
    map.set(Y, key.publicKey.slice(1 + n));
  }
  return map;
}

export function decodeCoseKey(value: CborValue): CosePublicKey {
  if (!(value instanceof Map)) throw invalid('a COSE_Key must be a map');
  const map = value as ReadonlyMap<CborMapKey, CborValue>;
  const kty = map.get(KTY);
  if (kty !== KTY_OKP && kty !== KTY_EC2) throw invalid(`kty ${String(kty)} is not OKP (1) or EC2 (2)`);
  const crv = map.get(CRV);
  const curve = typeof crv === 'number' ? CURVES.get(crv) : undefined;
  if (curve === undefined) throw invalid(`crv ${String(crv)} is not P-256 (1), P-384 (2) or Ed25519 (6)`);
  if ((kty === KTY_OKP) !== (curve.keyType === 'OKP')) throw invalid(`crv ${String(crv)} does not belong to kty ${kty}`);
  if (map.has(D)) throw invalid('a public COSE_Key must not carry the private key d');
  const kid = map.get(KID);
  if (kid !== undefined && !(kid instanceof Uint8Array)) throw invalid('kid must be a byte string');
  const alg = map.get(ALG);
  // A key's own alg must be one its curve can verify (cose.md §7 "alg in a key"): a key that names
  // another alg, or one outside the profile, is structurally invalid however it is later used.
  if (alg !== undefined && !(typeof alg === 'number' && ALGS_OF_SCHEME[curve.scheme].includes(alg))) {
    throw invalid(`alg ${typeof alg === 'string' ? JSON.stringify(alg) : String(alg)} is not an alg of crv ${String(crv)} (${ALGS_OF_SCHEME[curve.scheme].join(', ')})`);
  }
  const ops = map.get(KEY_OPS);
  if (ops !== undefined && !(Array.isArray(ops) && (ops as readonly CborValue[]).includes(KEY_OP_VERIFY))) {
    throw invalid('key_ops does not allow verify (2)');
  }
  const x = coordinate(map.get(X), 'x', curve.coordinateLength);
  let publicKey: Uint8Array;
  if (curve.keyType === 'OKP') {
    if (map.has(Y)) throw invalid('an OKP key has no y');
    publicKey = x;
  } else {
    const yValue = map.get(Y);
    if (typeof yValue === 'boolean') throw invalid('compressed EC2 points (y as a sign bit) are not in the profile');
    const y = coordinate(yValue, 'y', curve.coordinateLength);
    publicKey = new Uint8Array(1 + 2 * curve.coordinateLength);
    publicKey[0] = 0x04;
    publicKey.set(x, 1);
    publicKey.set(y, 1 + curve.coordinateLength);
  }
  // A carried kid is the key's RFC 9679 thumbprint (cose.md §7.1); any other value is refused when
  // the key is decoded, so a kid can never name another key than the one it travels with.
  if (kid !== undefined && !equalBytes(kid, sha256(encode(thumbprintInput(kty, crv as number, publicKey, curve.coordinateLength))))) {
    throw invalid('kid is not the key\'s thumbprint (RFC 9679, SHA-256)');
  }
  return {
    keyType: curve.keyType,
    curve: crv as number,
    scheme: curve.scheme,
    publicKey,
    ...(kid !== undefined ? { kid } : {}),
    ...(alg !== undefined ? { alg } : {}),
  };
}

/** A key verifies one alg only if its curve matches and its own alg, if any, is that alg. */
export function checkKeyForAlg(key: CosePublicKey, alg: AlgorithmInfo): void {
  if (key.scheme !== alg.scheme) {
    throw new HemkitError('COSE_KEY_ALG_MISMATCH', `a ${key.scheme} key cannot verify alg ${alg.id} (${alg.name})`);
  }
  if (key.alg !== undefined && key.alg !== alg.id) {
    throw new HemkitError('COSE_KEY_ALG_MISMATCH', `the key is restricted to alg ${key.alg}; the message uses ${alg.id} (${alg.name})`);
  }
}

/** The map of required public parameters whose encoding RFC 9679 hashes. */
function thumbprintInput(kty: number, crv: number, publicKey: Uint8Array, n: number): Map<CborMapKey, CborValue> {
  const map = new Map<CborMapKey, CborValue>([[KTY, kty], [CRV, crv]]);
  if (kty === KTY_OKP) {
    map.set(X, publicKey);
  } else {
    map.set(X, publicKey.slice(1, 1 + n));
    map.set(Y, publicKey.slice(1 + n));
  }
  return map;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function coordinate(value: CborValue | undefined, name: string, length: number): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw invalid(`${name} must be a ${length}-byte string`);
  }
  return value;
}

function invalid(message: string): HemkitError {
  return new HemkitError('COSE_KEY_INVALID', `COSE_Key: ${message}`);
}
