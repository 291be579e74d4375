/**
 * Input checks shared by both backends, so that `noble` and `node` refuse exactly the same keys and
 * signatures for exactly the same reasons. Internal: not re-exported from the crypto index.
 */

import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { HemkitError } from '../errors.js';
import type { SignatureScheme } from './backend.js';

export type EcdsaScheme = Exclude<SignatureScheme, 'ed25519'>;

export interface SchemeParams {
  readonly publicKeyLength: number;
  readonly privateKeyLength: number;
  readonly signatureLength: number;
}

const PARAMS: Readonly<Record<SignatureScheme, SchemeParams>> = {
  ed25519: { publicKeyLength: 32, privateKeyLength: 32, signatureLength: 64 },
  'p256-sha256': { publicKeyLength: 65, privateKeyLength: 32, signatureLength: 64 },
  'p384-sha384': { publicKeyLength: 97, privateKeyLength: 48, signatureLength: 96 },
};

export const ECDSA_CURVES = { 'p256-sha256': p256, 'p384-sha384': p384 } as const;

/** n - 1 as fixed-width big-endian bytes (ECDSA), and L - 1 as little-endian bytes (Ed25519, RFC 8032 §5.1). */
const ECDSA_N_MINUS_1: Readonly<Record<EcdsaScheme, Uint8Array>> = {
  'p256-sha256': p256.Point.Fn.toBytes(p256.Point.Fn.ORDER - 1n),
  'p384-sha384': p384.Point.Fn.toBytes(p384.Point.Fn.ORDER - 1n),
};
const ED25519_L_MINUS_1_LE = ed25519.Point.Fn.toBytes(ed25519.Point.Fn.ORDER - 1n);

/** The scheme's sizes; throws CRYPTO_UNSUPPORTED_ALGORITHM for a name outside SignatureScheme. */
export function paramsOf(scheme: SignatureScheme): SchemeParams {
  if (typeof scheme !== 'string' || !Object.hasOwn(PARAMS, scheme)) {
    throw new HemkitError(
      'CRYPTO_UNSUPPORTED_ALGORITHM',
      `"scheme" expected one of ed25519, p256-sha256, p384-sha384, got ${describe(scheme)}`,
    );
  }
  return PARAMS[scheme];
}

export function isBytes(value: unknown, length: number): value is Uint8Array {
  return value instanceof Uint8Array && value.length === length;
}

/** Throws CRYPTO_INVALID_MESSAGE unless `value` is bytes: node:crypto would take a string, noble not. */
export function assertMessage(name: 'message' | 'data', value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new HemkitError('CRYPTO_INVALID_MESSAGE', `"${name}" expected Uint8Array, got ${describe(value)}`);
  }
}

/**
 * Throws CRYPTO_INVALID_PUBLIC_KEY unless `publicKey` is a usable key of `scheme`. Callers check
 * paramsOf(scheme) first.
 */
export function assertPublicKey(scheme: SignatureScheme, publicKey: unknown): asserts publicKey is Uint8Array {
  const { publicKeyLength } = PARAMS[scheme];
  if (!isBytes(publicKey, publicKeyLength)) {
    throw invalidPublicKey(scheme, `expected Uint8Array of length ${publicKeyLength}, got ${describe(publicKey)}`);
  }
  if (scheme === 'ed25519') {
    let point;
    try {
      // RFC 8032 §5.1.3: y < p, x recoverable, and no "negative zero" x; zip215 = false keeps these strict.
      point = ed25519.Point.fromBytes(publicKey, false);
    } catch (cause) {
      throw invalidPublicKey(scheme, 'not a canonical encoding of a curve point (RFC 8032 §5.1.3)', cause);
    }
    // Not an RFC 8032 rule: a small-order key has no secret scalar behind it and lets one signature
    // verify for many messages; noble's strict mode refuses such keys, and so do both backends.
    if (point.isSmallOrder()) throw invalidPublicKey(scheme, 'a point of small order');
    return;
  }
  // The COSE profile carries EC2 keys uncompressed (backend.ts); SEC 1 §2.3.3 marks that form with 0x04.
  if (publicKey[0] !== 0x04) throw invalidPublicKey(scheme, 'expected the uncompressed SEC 1 form 0x04 || x || y');
  try {
    // SEC 1 §3.2.2.1: x and y below p and the point on the curve. The point at infinity has no
    // uncompressed encoding, and the cofactor is 1, so nothing else remains to check.
    ECDSA_CURVES[scheme].Point.fromBytes(publicKey);
  } catch (cause) {
    throw invalidPublicKey(scheme, 'not a point on the curve (SEC 1 §3.2.2.1)', cause);
  }
}

/** Throws CRYPTO_INVALID_PRIVATE_KEY unless `privateKey` is usable for `scheme`. */
export function assertPrivateKey(scheme: SignatureScheme, privateKey: unknown): asserts privateKey is Uint8Array {
  const { privateKeyLength } = PARAMS[scheme];
  if (!isBytes(privateKey, privateKeyLength)) {
    throw new HemkitError(
      'CRYPTO_INVALID_PRIVATE_KEY',
      `${scheme} "privateKey" expected Uint8Array of length ${privateKeyLength}, got ${describe(privateKey)}`,
    );
  }
  // RFC 8032 §5.1.5: every 32-byte string is an Ed25519 seed. SEC 1 §3.2.1: d must lie in [1, n-1].
  if (scheme !== 'ed25519' && !inRangeBE(privateKey, ECDSA_N_MINUS_1[scheme])) {
    throw new HemkitError('CRYPTO_INVALID_PRIVATE_KEY', `${scheme} "privateKey" must be a scalar in [1, n-1]`);
  }
}

/** SEC 1 §4.1.4 step 1: r and s must both lie in [1, n-1]. `signature` has the scheme's length. */
export function ecdsaScalarsInRange(scheme: EcdsaScheme, signature: Uint8Array): boolean {
  const maximum = ECDSA_N_MINUS_1[scheme];
  const half = maximum.length;
  return inRangeBE(signature.subarray(0, half), maximum) && inRangeBE(signature.subarray(half), maximum);
}

/** RFC 8032 §5.1.7 step 1: S, the little-endian second half of the signature, must be below L. */
export function ed25519ScalarCanonical(signature: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const s = signature[32 + i]!;
    const l = ED25519_L_MINUS_1_LE[i]!;
    if (s !== l) return s < l;
  }
  return true;
}

/** 1 <= value <= maximum, both big-endian of the same length. */
function inRangeBE(value: Uint8Array, maximum: Uint8Array): boolean {
  let nonZero = false;
  let decided = false;
  for (let i = 0; i < value.length; i++) {
    const v = value[i]!;
    if (v !== 0) nonZero = true;
    if (!decided && v !== maximum[i]) {
      if (v > maximum[i]!) return false;
      decided = true;
    }
  }
  return nonZero;
}

function invalidPublicKey(scheme: SignatureScheme, detail: string, cause?: unknown): HemkitError {
  return new HemkitError('CRYPTO_INVALID_PUBLIC_KEY', `${scheme} "publicKey" ${detail}`, { cause });
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `length=${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return value === null ? 'null' : typeof value;
}
