/** Fixed test keys, derived from labels so that every run signs the same bytes. */
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import type { CoseAlgorithm } from '../../src/cose/index.js';
import { cosePublicKey, type CosePublicKey } from '../../src/cose/index.js';
import type { CryptoBackend, SignatureScheme } from '../../src/crypto/backend.js';
import { nobleBackend } from '../../src/crypto/index.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export interface TestKey {
  readonly alg: CoseAlgorithm;
  readonly scheme: SignatureScheme;
  readonly privateKey: Uint8Array;
  readonly publicKey: CosePublicKey;
}

export function testKey(alg: CoseAlgorithm, label: string, backend: CryptoBackend = nobleBackend): TestKey {
  const scheme: SignatureScheme = alg === -8 || alg === -19 ? 'ed25519' : alg === -7 || alg === -9 ? 'p256-sha256' : 'p384-sha384';
  const privateKey = scheme === 'p384-sha384' ? sha384(utf8(label)) : sha256(utf8(label));
  return { alg, scheme, privateKey, publicKey: cosePublicKey(scheme, backend.publicKey(scheme, privateKey)) };
}
