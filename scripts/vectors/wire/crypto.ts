/**
 * test-vectors/crypto/keys.json: the crypto backends' private-key rules (packages/wire/src/crypto,
 * specs/cose.md §3): the public key each valid private key derives, the deterministic signature it
 * makes (Ed25519 by RFC 8032; ECDSA by RFC 6979 with low S), and CRYPTO_INVALID_PRIVATE_KEY for a key
 * of the wrong length or, for ECDSA, a scalar outside [1, n-1] (SEC 1 §3.2.1).
 */
import { p256, p384 } from '@noble/curves/nist.js';
import { sha384 } from '@noble/hashes/sha2.js';
import { getBackend, type SignatureScheme } from '@hemkit/wire/crypto';
import { confirm, fromHex, hex, renderVectorFile, seedBytes, utf8, type VectorBase } from '../vector-file.js';

export const CRYPTO_KEYS_FORMAT = 'hemkit-crypto-keys/v1';

interface KeyVector extends VectorBase {
  readonly operation: 'public-key' | 'sign';
  readonly scheme: SignatureScheme;
  readonly privateKey: string;
  /** For 'sign': the message signed. */
  readonly message?: string;
  /** For valid 'public-key' vectors: Ed25519 32 bytes, ECDSA SEC 1 uncompressed 0x04 || x || y. */
  readonly publicKey?: string;
  /** For valid 'sign' vectors: Ed25519 64 bytes, ECDSA r || s with low s. */
  readonly signature?: string;
}

const noble = getBackend('noble');
const be = (n: bigint, size: number) => fromHex(n.toString(16).padStart(size * 2, '0'));
const N256 = p256.Point.Fn.ORDER;
const N384 = p384.Point.Fn.ORDER;
const MESSAGE = utf8('hemkit crypto test vector');

export function runKeyVector(v: KeyVector, backend = noble): Uint8Array {
  const key = fromHex(v.privateKey);
  return v.operation === 'public-key' ? backend.publicKey(v.scheme, key) : backend.sign(v.scheme, key, fromHex(v.message!));
}

function cases(): KeyVector[] {
  const ok = (id: string, description: string, scheme: SignatureScheme, privateKey: Uint8Array): KeyVector[] => [
    { id: `${id}-public-key`, description: `${description}: its public key`, operation: 'public-key', scheme, privateKey: hex(privateKey), result: 'valid' },
    { id: `${id}-sign`, description: `${description}: its deterministic signature`, operation: 'sign', scheme, privateKey: hex(privateKey), message: hex(MESSAGE), result: 'valid' },
  ];
  const bad = (id: string, description: string, scheme: SignatureScheme, privateKey: Uint8Array, operation: 'public-key' | 'sign' = 'public-key'): KeyVector => ({
    id,
    description,
    operation,
    scheme,
    privateKey: hex(privateKey),
    ...(operation === 'sign' ? { message: hex(MESSAGE) } : {}),
    result: 'invalid',
    code: 'CRYPTO_INVALID_PRIVATE_KEY',
  });
  return [
    ...ok('ed25519', 'an Ed25519 seed', 'ed25519', seedBytes('crypto ed25519')),
    ...ok('ed25519-zero-seed', 'the all-zero Ed25519 seed: every 32-byte string is a seed (RFC 8032 §5.1.5)', 'ed25519', new Uint8Array(32)),
    ...ok('p256', 'a P-256 scalar', 'p256-sha256', seedBytes('crypto p256')),
    ...ok('p256-scalar-1', 'the P-256 scalar 1, the smallest', 'p256-sha256', be(1n, 32)),
    ...ok('p256-scalar-n-minus-1', 'the P-256 scalar n-1, the largest', 'p256-sha256', be(N256 - 1n, 32)),
    ...ok('p384', 'a P-384 scalar', 'p384-sha384', sha384(utf8('hemkit vector key: crypto p384'))),
    ...ok('p384-scalar-n-minus-1', 'the P-384 scalar n-1', 'p384-sha384', be(N384 - 1n, 48)),
    bad('ed25519-31-bytes', 'an Ed25519 seed of 31 bytes', 'ed25519', new Uint8Array(31).fill(1)),
    bad('ed25519-64-bytes', 'a 64-byte Ed25519 "secret key" (seed and public key), which is not a seed', 'ed25519', new Uint8Array(64).fill(1), 'sign'),
    bad('p256-scalar-0', 'the P-256 scalar 0', 'p256-sha256', new Uint8Array(32)),
    bad('p256-scalar-n', 'the P-256 scalar n', 'p256-sha256', be(N256, 32)),
    bad('p256-scalar-all-ones', 'the P-256 scalar 2^256-1, above n', 'p256-sha256', new Uint8Array(32).fill(0xff), 'sign'),
    bad('p256-33-bytes', 'a P-256 scalar of 33 bytes', 'p256-sha256', Uint8Array.of(0, ...seedBytes('crypto p256'))),
    bad('p384-scalar-n', 'the P-384 scalar n', 'p384-sha384', be(N384, 48)),
    bad('p384-32-bytes', 'a P-384 scalar of 32 bytes', 'p384-sha384', seedBytes('crypto p384 short'), 'sign'),
  ];
}

export function generateCryptoVectors(): Map<string, string> {
  const vectors = cases().map((v) => {
    let out: Uint8Array | undefined;
    confirm(`crypto vector ${v.id}`, v, () => (out = runKeyVector(v)));
    if (out === undefined) return v;
    return v.operation === 'public-key' ? { ...v, publicKey: hex(out) } : { ...v, signature: hex(out) };
  });
  const text = renderVectorFile(
    {
      format: CRYPTO_KEYS_FORMAT,
      generator: 'npm run vectors (scripts/vectors/wire/crypto.ts)',
      description: 'Private keys of the three signature schemes: the public key each derives, its deterministic signature, and the keys a backend refuses',
    },
    vectors,
  );
  return new Map([['crypto/keys.json', text]]);
}
