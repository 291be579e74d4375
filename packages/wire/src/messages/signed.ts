/**
 * Signing and opening hemkit's signed messages: a record of claims as the payload of a COSE_Sign1
 * whose protected header carries alg, kid (the signer's key thumbprint, specs/cose.md §7.1) and the
 * family's typ (§7.2).
 */
import { encode } from '../cbor/index.js';
import { cosePublicKey, decodeSign1, signSign1, verifySign1, type CoseAlgorithm, type CosePublicKey, type CoseSign1 } from '../cose/index.js';
import type { CryptoBackend, SignatureScheme } from '../crypto/backend.js';
import { nobleBackend } from '../crypto/noble.js';
import { HemkitError } from '../errors.js';
import { keyThumbprint } from './common.js';
import { expectTyp, typHeaders, type SignedType } from './typed.js';
import { decodeAs } from './schema.js';

/** A private key with what is needed to sign with it. */
export interface SigningKey {
  readonly alg: CoseAlgorithm;
  readonly privateKey: Uint8Array;
  readonly publicKey: CosePublicKey;
  readonly kid: Uint8Array;
}

const SCHEME_OF: Record<number, SignatureScheme> = { [-8]: 'ed25519', [-19]: 'ed25519', [-7]: 'p256-sha256', [-9]: 'p256-sha256', [-35]: 'p384-sha384', [-51]: 'p384-sha384' };

/** Builds a signing key from a private key; its kid is the thumbprint of its public key. */
export function signingKey(alg: CoseAlgorithm, privateKey: Uint8Array, backend: CryptoBackend = nobleBackend): SigningKey {
  const scheme = SCHEME_OF[alg];
  if (scheme === undefined) throw new HemkitError('COSE_UNSUPPORTED_ALG', `alg ${alg} is not in the profile's table`);
  const publicKey = cosePublicKey(scheme, backend.publicKey(scheme, privateKey));
  // The thumbprint through the backend too, so that a metered backend counts it (scenarios.md §5.1).
  return { alg, privateKey, publicKey, kid: keyThumbprint(publicKey, (data) => backend.sha256(data)) };
}

export function signClaims<T>(type: SignedType<T>, claims: T, key: SigningKey, backend?: CryptoBackend): Uint8Array {
  return signSign1(
    encode(type.toCbor(claims)),
    { alg: key.alg, privateKey: key.privateKey, kid: key.kid },
    { protectedHeaders: typHeaders(type.typ), ...(backend ? { backend } : {}) },
  );
}

/** Decodes a signed message's claims without verifying its signature (to find its issuer, say). */
export function peekClaims<T>(type: SignedType<T>, bytes: Uint8Array): { readonly message: CoseSign1; readonly claims: T } {
  const message = decodeSign1(bytes);
  expectTyp(message, type.typ, type.name);
  if (message.payload === null) throw new HemkitError('COSE_PAYLOAD_MISSING', `${type.name}: the payload is detached`);
  return { message, claims: decodeAs(type, message.payload, type.name) };
}

/** Verifies a signed message under `key` and returns its checked claims. */
export function openClaims<T>(type: SignedType<T>, bytes: Uint8Array, key: CosePublicKey, backend?: CryptoBackend): T {
  // The family is checked before the signature, so a message of another family is refused as such
  // even when its signature is good (specs/cose.md §9, fault order).
  expectTyp(decodeSign1(bytes), type.typ, type.name);
  const message = verifySign1(bytes, key, backend ? { backend } : {});
  return decodeAs(type, message.payload, type.name);
}
