/**
 * The `noble` backend: @noble/curves and @noble/hashes, pure JavaScript, runs in any runtime. Its
 * verdicts are the reference that the `node` backend is held to (node.ts, and the Wycheproof test).
 */

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { HemkitError } from '../errors.js';
import type { CryptoBackend, SignatureScheme } from './backend.js';
import { ECDSA_CURVES, assertMessage, assertPrivateKey, assertPublicKey, isBytes, paramsOf } from './checks.js';

function verify(scheme: SignatureScheme, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const { publicKeyLength, signatureLength } = paramsOf(scheme);
  assertMessage('message', message);
  if (
    isBytes(publicKey, publicKeyLength) &&
    isBytes(signature, signatureLength) &&
    verifySignature(scheme, publicKey, message, signature)
  ) {
    return true;
  }
  // noble decodes and checks the key itself, so a signature that verified proves the key valid; the
  // key is checked separately only on the way to `false`, to tell a bad key from a bad signature.
  assertPublicKey(scheme, publicKey);
  return false;
}

function verifySignature(
  scheme: SignatureScheme,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (scheme === 'ed25519') {
      // RFC 8032 §5.1.7 with strict decoding of A and R (§5.1.3), S < L, and the cofactored equation
      // [8][S]B = [8]R + [8][k]A'. noble also refuses small-order A (checks.ts says why).
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    }
    // RFC 9053 §2.1: COSE ECDSA signatures are r || s and set no low-S rule, so high S is valid.
    return ECDSA_CURVES[scheme].verify(signature, message, publicKey, {
      lowS: false,
      prehash: true,
      format: 'compact',
    });
  } catch {
    // noble throws only for argument types and lengths; such a signature cannot verify.
    return false;
  }
}

function sign(scheme: SignatureScheme, privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  paramsOf(scheme);
  assertMessage('message', message);
  assertPrivateKey(scheme, privateKey);
  try {
    if (scheme === 'ed25519') return ed25519.sign(message, privateKey);
    // RFC 6979 §3.2 with no extra entropy: k depends only on the key and H(m), so a signature is a
    // reproducible test vector. s is then replaced by n - s when s > n/2 (low S): still deterministic,
    // and accepted also by verifiers that insist on low S, which a high-S signature would not be.
    return ECDSA_CURVES[scheme].sign(message, privateKey, {
      lowS: true,
      extraEntropy: false,
      prehash: true,
      format: 'compact',
    });
  } catch (cause) {
    throw new HemkitError('CRYPTO_INVALID_PRIVATE_KEY', `${scheme} signing failed`, { cause });
  }
}

function publicKey(scheme: SignatureScheme, privateKey: Uint8Array): Uint8Array {
  paramsOf(scheme);
  assertPrivateKey(scheme, privateKey);
  try {
    if (scheme === 'ed25519') return ed25519.getPublicKey(privateKey);
    return ECDSA_CURVES[scheme].getPublicKey(privateKey, false);
  } catch (cause) {
    throw new HemkitError('CRYPTO_INVALID_PRIVATE_KEY', `${scheme} public key derivation failed`, { cause });
  }
}

export const nobleBackend: CryptoBackend = Object.freeze({
  name: 'noble',
  sha256(data: Uint8Array): Uint8Array {
    assertMessage('data', data);
    return sha256(data);
  },
  sha384(data: Uint8Array): Uint8Array {
    assertMessage('data', data);
    return sha384(data);
  },
  verify,
  sign,
  publicKey,
});
