/**
 * HMAC-SHA-256 (RFC 2104) and HKDF (RFC 5869) over the firmware's injected SHA-256, so that the
 * hashes of key derivation pass through the crypto backend and the cost meter counts them
 * (specs/scenarios.md §5.1). Byte for byte the HKDF of @noble/hashes with SHA-256.
 */
import { concatBytes } from '@hemkit/wire/bytes';

export type Sha256 = (data: Uint8Array) => Uint8Array;

const BLOCK = 64; // SHA-256 block size in bytes (FIPS 180-4 §1)
const HASH_LEN = 32;

/** RFC 2104 §2: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ text)), a key longer than a block hashed first. */
export function hmacSha256(hash: Sha256, key: Uint8Array, text: Uint8Array): Uint8Array {
  const k = new Uint8Array(BLOCK);
  k.set(key.length > BLOCK ? hash(key) : key);
  const ipad = k.map((b) => b ^ 0x36);
  const opad = k.map((b) => b ^ 0x5c);
  return hash(concatBytes(opad, hash(concatBytes(ipad, text))));
}

/** RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); an absent salt is HashLen zero bytes. */
export function hkdfExtract(hash: Sha256, ikm: Uint8Array, salt: Uint8Array = new Uint8Array(HASH_LEN)): Uint8Array {
  return hmacSha256(hash, salt, ikm);
}

/** RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i−1) ‖ info ‖ i), OKM the first `length` bytes of T(1) ‖ T(2) ‖ …. */
export function hkdfExpand(hash: Sha256, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * HASH_LEN) throw new RangeError(`HKDF-Expand: length ${length} is outside 0..${255 * HASH_LEN}`);
  const okm = new Uint8Array(Math.ceil(length / HASH_LEN) * HASH_LEN);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1; (i - 1) * HASH_LEN < length; i++) {
    t = hmacSha256(hash, prk, concatBytes(t, info, new Uint8Array([i])));
    okm.set(t, (i - 1) * HASH_LEN);
  }
  return okm.slice(0, length);
}
