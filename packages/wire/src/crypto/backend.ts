/**
 * The crypto backend interface: the only door through which hemkit hashes, signs and verifies.
 *
 * Two implementations give identical results on every vector: `noble` (pure JavaScript, runs
 * anywhere, the default) and `node` (node:crypto, about ten times faster where present).
 * Keys are raw bytes so that COSE_Key (specs/cose.md) maps onto them directly:
 *   - Ed25519 public key: 32 bytes (RFC 8032 §5.1.5); private key: the 32-byte seed.
 *   - P-256 / P-384 public key: SEC1 uncompressed point 0x04 || x || y (65 / 97 bytes);
 *     private key: the 32 / 48-byte big-endian scalar.
 * Signatures are the COSE forms: Ed25519 64 bytes; ECDSA r || s (64 / 96 bytes, RFC 9053 §2.1).
 */

/** A signature scheme, named for the curve and hash it binds (COSE alg ids map onto these). */
export type SignatureScheme = 'ed25519' | 'p256-sha256' | 'p384-sha384';

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = ['ed25519', 'p256-sha256', 'p384-sha384'];

export interface CryptoBackend {
  /** 'noble' or 'node'. */
  readonly name: string;

  sha256(data: Uint8Array): Uint8Array;
  sha384(data: Uint8Array): Uint8Array;

  /**
   * Verifies a signature. Returns false for any signature that does not verify, including one of
   * the wrong length or with out-of-range scalars. Throws HemkitError CRYPTO_INVALID_PUBLIC_KEY for
   * a malformed public key, so that "bad key" and "bad signature" stay distinguishable.
   * Ed25519 is strict RFC 8032 (no ZIP-215 leniency); ECDSA accepts high-S signatures.
   */
  verify(scheme: SignatureScheme, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;

  /** Signs deterministically (Ed25519 by definition, ECDSA per RFC 6979), so vectors are reproducible. */
  sign(scheme: SignatureScheme, privateKey: Uint8Array, message: Uint8Array): Uint8Array;

  /** Derives the public key (formats as above) from a private key. */
  publicKey(scheme: SignatureScheme, privateKey: Uint8Array): Uint8Array;
}
