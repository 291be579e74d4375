/**
 * The `node` backend: node:crypto (OpenSSL), many times faster than noble where it is present.
 *
 * It must give noble's verdict on every input (backend.ts), so it never trusts OpenSSL's own reading
 * of a key or a signature at the edges: keys pass the shared checks (checks.ts) before OpenSSL sees
 * them, scalar ranges are checked here, and an Ed25519 rejection is re-asked of noble (see
 * verifyEd25519). ECDSA signing is delegated to noble for determinism (see sign).
 */

import { bytesEqual, fromBase64, toBase64url } from '../bytes.js';
import { HemkitError } from '../errors.js';
import type { CryptoBackend, SignatureScheme } from './backend.js';
import {
  type EcdsaScheme,
  assertMessage,
  assertPrivateKey,
  assertPublicKey,
  ecdsaScalarsInRange,
  ed25519ScalarCanonical,
  isBytes,
  paramsOf,
} from './checks.js';
import { nobleBackend } from './noble.js';

import { loadNodeCrypto, nodeDigest, type JsonWebKey, type KeyObject, type NodeCrypto } from './node-types.js';

export interface NodeBackendOptions {
  /**
   * How many imported public keys each scheme keeps (default 4096); beyond it the oldest is dropped.
   * 0 turns the cache off. A value that is not a non-negative integer means the default.
   */
  readonly publicKeyCacheSize?: number;
}

const DEFAULT_PUBLIC_KEY_CACHE_SIZE = 4096;

/** RFC 8410 §7: the PKCS #8 DER header of an Ed25519 private key, which the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Uint8Array.of(
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
);

const ECDSA_NAMES: Readonly<Record<EcdsaScheme, { hash: string; jwkCurve: string; opensslCurve: string }>> = {
  'p256-sha256': { hash: 'sha256', jwkCurve: 'P-256', opensslCurve: 'prime256v1' },
  'p384-sha384': { hash: 'sha384', jwkCurve: 'P-384', opensslCurve: 'secp384r1' },
};

/**
 * Whether node:crypto is present (through process.getBuiltinModule, Node.js 20.16 and later, rather
 * than an import, so that the crypto index still loads in runtimes without node:crypto).
 */
export function loadNodeModules(): { readonly crypto: NodeCrypto } | undefined {
  const crypto = loadNodeCrypto();
  return crypto === undefined ? undefined : { crypto };
}

/** A map that forgets its oldest entry beyond `capacity`: enough to keep verification near the bare rate. */
class KeyCache {
  readonly #entries = new Map<string, KeyObject>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(id: string): KeyObject | undefined {
    return this.#entries.get(id);
  }

  set(id: string, key: KeyObject): void {
    if (this.#capacity === 0) return;
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(id, key);
  }
}

/** Creates a node:crypto backend; throws CRYPTO_BACKEND_UNAVAILABLE where node:crypto is absent. */
export function createNodeBackend(options: NodeBackendOptions = {}): CryptoBackend {
  const modules = loadNodeModules();
  if (modules === undefined) {
    throw new HemkitError(
      'CRYPTO_BACKEND_UNAVAILABLE',
      'the node backend needs node:crypto through process.getBuiltinModule (Node.js 20.16 or later)',
    );
  }
  const { crypto: nc } = modules;
  const requested = options.publicKeyCacheSize;
  const capacity =
    requested !== undefined && Number.isSafeInteger(requested) && requested >= 0
      ? requested
      : DEFAULT_PUBLIC_KEY_CACHE_SIZE;
  const publicKeys: Record<SignatureScheme, KeyCache> = {
    ed25519: new KeyCache(capacity),
    'p256-sha256': new KeyCache(capacity),
    'p384-sha384': new KeyCache(capacity),
  };
  // Keyed by the caller's own seed array, so an imported private key lives no longer than the caller
  // keeps the seed; no secret becomes a map key. The copy catches a seed array rewritten in place.
  const privateKeys = new WeakMap<Uint8Array, { readonly seed: Uint8Array; readonly key: KeyObject }>();

  const digest = nodeDigest(nc);

  /** Node returns Buffers, whose slice() shares memory; callers get plain Uint8Arrays, as from noble. */
  function plain(bytes: Uint8Array): Uint8Array {
    return new Uint8Array(bytes);
  }

  const base64url = toBase64url;

  /**
   * The last key imported or found for each key array the caller holds, with a copy of its bytes to
   * catch an array rewritten in place: a verifier passes the same COSE_Key's array again and again
   * (a cached certificate chain), and this finds its KeyObject without building the cache's string id.
   */
  const byArray = new WeakMap<Uint8Array, { readonly scheme: SignatureScheme; readonly bytes: Uint8Array; readonly key: KeyObject }>();

  /** The imported key, or undefined if OpenSSL refused a key that the shared checks accepted. */
  function publicKeyObject(scheme: SignatureScheme, publicKey: Uint8Array): KeyObject | undefined {
    if (!(publicKey instanceof Uint8Array)) assertPublicKey(scheme, publicKey);
    const known = byArray.get(publicKey);
    if (known !== undefined && known.scheme === scheme && bytesEqual(known.bytes, publicKey)) return known.key;
    const cache = publicKeys[scheme];
    const id = String.fromCharCode(...publicKey);
    let key = cache.get(id);
    if (key === undefined) {
      assertPublicKey(scheme, publicKey);
      try {
        key = nc.createPublicKey({ key: publicJwk(scheme, publicKey), format: 'jwk' });
      } catch {
        return undefined;
      }
      cache.set(id, key);
    }
    if (capacity > 0) byArray.set(publicKey, { scheme, bytes: new Uint8Array(publicKey), key });
    return key;
  }

  function publicJwk(scheme: SignatureScheme, publicKey: Uint8Array): JsonWebKey {
    if (scheme === 'ed25519') return { kty: 'OKP', crv: 'Ed25519', x: base64url(publicKey) };
    const size = (publicKey.length - 1) / 2;
    return {
      kty: 'EC',
      crv: ECDSA_NAMES[scheme].jwkCurve,
      x: base64url(publicKey.subarray(1, 1 + size)),
      y: base64url(publicKey.subarray(1 + size)),
    };
  }

  function ed25519PrivateKeyObject(seed: Uint8Array): KeyObject {
    const entry = privateKeys.get(seed);
    if (entry !== undefined && nc.timingSafeEqual(entry.seed, seed)) return entry.key;
    const key = ed25519FromJwk(seed) ?? ed25519FromDer(seed);
    privateKeys.set(seed, { seed: seed.slice(), key });
    return key;
  }

  /**
   * The seed as a private OKP JWK (RFC 8037 §2), which Node hands to OpenSSL as a raw key: about ten
   * times cheaper than PKCS #8, whose DER goes through OpenSSL 3's decoder machinery (about 1 ms a
   * key on this machine, the largest cost of a simulated chip's key setup). Node reads only `d` of a
   * private OKP JWK and derives the public key itself (it checks no more of `x` than that it is a
   * string), so `x` is left empty; should a Node release refuse that, the DER import below serves.
   * One cost: the seed's base64url copy is a string, which cannot be wiped as the DER buffer is.
   * Either way the key is the seed's: publicKey() exports what OpenSSL derived from it, and the
   * backend tests compare that with noble's.
   */
  function ed25519FromJwk(seed: Uint8Array): KeyObject | undefined {
    try {
      return nc.createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: base64url(seed), x: '' }, format: 'jwk' });
    } catch {
      return undefined;
    }
  }

  function ed25519FromDer(seed: Uint8Array): KeyObject {
    const der = new Uint8Array(ED25519_PKCS8_PREFIX.length + seed.length);
    der.set(ED25519_PKCS8_PREFIX);
    der.set(seed, ED25519_PKCS8_PREFIX.length);
    let key: KeyObject;
    try {
      key = nc.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } catch (cause) {
      throw new HemkitError('CRYPTO_INVALID_PRIVATE_KEY', 'ed25519 "privateKey" was refused by node:crypto', {
        cause,
      });
    } finally {
      der.fill(0);
    }
    return key;
  }

  function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    const key = publicKeyObject('ed25519', publicKey);
    if (!isBytes(signature, 64) || !ed25519ScalarCanonical(signature)) return false;
    if (key !== undefined) {
      try {
        if (nc.verify(null, message, key, signature)) return true;
      } catch {
        // Falls through to noble, whose verdict is the reference.
      }
    }
    // RFC 8032 §5.1.7 allows checking [S]B = R + [k]A' instead of the cofactored equation that noble
    // checks; OpenSSL does so by re-encoding [S]B - [k]A' and comparing it with R's bytes. Whatever that
    // accepts, noble accepts too, but noble also accepts signatures whose R or A' has a small-order
    // component. So an OpenSSL "no" is re-asked of noble: the same verdict on every input, at noble's
    // speed on the rejection path only.
    return nobleBackend.verify('ed25519', publicKey, message, signature);
  }

  function verifyEcdsa(
    scheme: EcdsaScheme,
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): boolean {
    const key = publicKeyObject(scheme, publicKey);
    // SEC 1 §4.1.4 step 1, checked here so that the verdict never rests on how OpenSSL reads an
    // out-of-range r or s, or a signature of the wrong size, out of the P1363 form.
    if (!isBytes(signature, paramsOf(scheme).signatureLength) || !ecdsaScalarsInRange(scheme, signature)) {
      return false;
    }
    if (key === undefined) return nobleBackend.verify(scheme, publicKey, message, signature);
    try {
      return nc.verify(ECDSA_NAMES[scheme].hash, message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return nobleBackend.verify(scheme, publicKey, message, signature);
    }
  }

  function verify(scheme: SignatureScheme, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    paramsOf(scheme);
    assertMessage('message', message);
    if (scheme === 'ed25519') return verifyEd25519(publicKey, message, signature);
    return verifyEcdsa(scheme, publicKey, message, signature);
  }

  function sign(scheme: SignatureScheme, privateKey: Uint8Array, message: Uint8Array): Uint8Array {
    paramsOf(scheme);
    assertMessage('message', message);
    // node:crypto's ECDSA draws k at random (OpenSSL 3.0 has no RFC 6979 mode, and Node exposes none),
    // so its signatures could not serve as test vectors. noble signs per RFC 6979 instead.
    if (scheme !== 'ed25519') return nobleBackend.sign(scheme, privateKey, message);
    assertPrivateKey(scheme, privateKey);
    // RFC 8032 §5.1.6: Ed25519 signing is deterministic, so OpenSSL's output is noble's, byte for byte.
    try {
      return plain(nc.sign(null, message, ed25519PrivateKeyObject(privateKey)));
    } catch (cause) {
      if (cause instanceof HemkitError) throw cause;
      throw new HemkitError('CRYPTO_INVALID_PRIVATE_KEY', 'ed25519 signing failed in node:crypto', { cause });
    }
  }

  function publicKey(scheme: SignatureScheme, privateKey: Uint8Array): Uint8Array {
    paramsOf(scheme);
    assertPrivateKey(scheme, privateKey);
    try {
      if (scheme === 'ed25519') {
        const key = nc.createPublicKey(ed25519PrivateKeyObject(privateKey));
        const bytes = fromBase64(key.export({ format: 'jwk' }).x ?? '');
        // A key derived here is a valid one (a clamped scalar, a multiple of 8, times the base point:
        // canonical, of order L, never small): what assertPublicKey would find of these bytes is
        // known, so the imported key is cached as if it had been asked for. A verifier in the same
        // process (a simulated fleet, a test) then verifies with it without re-checking the point;
        // the verdict on every input is unchanged (the cache is keyed by the key's bytes).
        if (bytes.length === 32) publicKeys.ed25519.set(String.fromCharCode(...bytes), key);
        return bytes;
      }
      const ecdh = nc.createECDH(ECDSA_NAMES[scheme].opensslCurve);
      ecdh.setPrivateKey(privateKey);
      return plain(ecdh.getPublicKey());
    } catch (cause) {
      if (cause instanceof HemkitError) throw cause;
      throw new HemkitError('CRYPTO_INVALID_PRIVATE_KEY', `${scheme} public key derivation failed in node:crypto`, {
        cause,
      });
    }
  }

  return Object.freeze({
    name: 'node',
    sha256(data: Uint8Array): Uint8Array {
      assertMessage('data', data);
      return digest('sha256', data);
    },
    sha384(data: Uint8Array): Uint8Array {
      assertMessage('data', data);
      return digest('sha384', data);
    },
    verify,
    sign,
    publicKey,
  });
}
