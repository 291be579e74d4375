/**
 * test-vectors/crypto/keys.json on both backends: each valid private key derives the stated public
 * key and makes the stated deterministic signature (which then verifies); each invalid one is refused
 * with CRYPTO_INVALID_PRIVATE_KEY.
 */
import { describe, expect, it } from 'vitest';
import type { SignatureScheme } from '../../src/crypto/index.js';
import { getBackend } from '../../src/crypto/node-entry.js';
import { byId, expected, fromHex, hex, loadVectors, outcome, type Vector } from './support.js';

interface KeyVector extends Vector {
  readonly operation: 'public-key' | 'sign';
  readonly scheme: SignatureScheme;
  readonly privateKey: string;
  readonly message?: string;
  readonly publicKey?: string;
  readonly signature?: string;
}

const file = loadVectors<KeyVector>('crypto/keys.json', 'hemkit-crypto-keys/v1');

describe.each(['noble', 'node'] as const)('crypto/keys.json on the %s backend', (name) => {
  const backend = getBackend(name);
  it.each(byId(file.vectors))('%s', (_id, v) => {
    const privateKey = fromHex(v.privateKey);
    let out: Uint8Array | undefined;
    const run = () => (out = v.operation === 'public-key' ? backend.publicKey(v.scheme, privateKey) : backend.sign(v.scheme, privateKey, fromHex(v.message!)));
    expect(outcome(run)).toBe(expected(v));
    if (v.result !== 'valid') return;
    if (v.operation === 'public-key') {
      expect(hex(out!)).toBe(v.publicKey);
    } else {
      expect(hex(out!)).toBe(v.signature);
      expect(backend.verify(v.scheme, backend.publicKey(v.scheme, privateKey), fromHex(v.message!), out!)).toBe(true);
    }
  });
});
