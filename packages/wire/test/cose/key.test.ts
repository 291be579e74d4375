import { describe, expect, it } from 'vitest';
import { decode, encode, type CborMapKey, type CborValue } from '../../src/cbor/index.js';
import { cosePublicKey, decodeCoseKey, encodeCoseKey } from '../../src/cose/index.js';
import { expectCode, hex } from '../support/expect-code.js';
import { keyThumbprint } from '../../src/messages/common.js';
import { testKey } from '../support/keys.js';

describe('COSE_Key (RFC 9052 §7)', () => {
  it.each([-8, -7, -35] as const)('round-trips the public key for alg %i through CBOR', (alg) => {
    const pub = testKey(alg, 'k').publicKey;
    const key = cosePublicKey(pub.scheme, pub.publicKey, { kid: keyThumbprint(pub), alg });
    const back = decodeCoseKey(decode(encode(encodeCoseKey(key))));
    expect(back).toEqual(key);
  });

  it('writes OKP and EC2 keys with the registered labels', () => {
    const ed = encodeCoseKey(testKey(-8, 'k').publicKey);
    expect([...ed.keys()]).toEqual([1, -1, -2]);
    expect(ed.get(1)).toBe(1);
    expect(ed.get(-1)).toBe(6);
    const ec = encodeCoseKey(testKey(-7, 'k').publicKey);
    expect(ec.get(1)).toBe(2);
    expect(ec.get(-1)).toBe(1);
    expect(hex(new Uint8Array([4, ...(ec.get(-2) as Uint8Array), ...(ec.get(-3) as Uint8Array)]))).toBe(
      hex(testKey(-7, 'k').publicKey.publicKey),
    );
  });

  const base = () => new Map<CborMapKey, CborValue>(encodeCoseKey(testKey(-7, 'k').publicKey));

  it.each<[string, (m: Map<CborMapKey, CborValue>) => CborValue]>([
    ['not a map', () => [1]],
    ['unknown kty', (m) => m.set(1, 3)],
    ['text kty', (m) => m.set(1, 'EC2')],
    ['unknown crv', (m) => m.set(-1, 3)],
    ['crv of the other key type', (m) => m.set(-1, 6)],
    ['x of the wrong length', (m) => m.set(-2, new Uint8Array(31))],
    ['y missing', (m) => (m.delete(-3), m)],
    ['compressed point', (m) => m.set(-3, true)],
    ['private key included', (m) => m.set(-4, new Uint8Array(32))],
    ['kid not bytes', (m) => m.set(2, 'kid')],
    ['alg not an integer', (m) => m.set(3, 'ES256')],
    ['key_ops without verify', (m) => m.set(4, [1])],
    // cose.md §7: a key's own alg must be one of its curve's (this is a P-256 key).
    ['alg of another curve', (m) => m.set(3, -8)],
    ['alg outside the table', (m) => m.set(3, -36)],
    // cose.md §7.1: a carried kid is the key's thumbprint.
    ['kid that is not the thumbprint', (m) => m.set(2, keyThumbprint(testKey(-8, 'k').publicKey))],
    ['kid of 32 zero bytes', (m) => m.set(2, new Uint8Array(32))],
  ])('COSE_KEY_INVALID: %s', (_name, mutate) => {
    expectCode(() => decodeCoseKey(mutate(base())), 'COSE_KEY_INVALID');
  });

  it('accepts a kid that is the thumbprint and an alg of the key\'s curve', () => {
    const m = base().set(2, keyThumbprint(testKey(-7, 'k').publicKey)).set(3, -9);
    expect(decodeCoseKey(m).alg).toBe(-9);
  });

  it('COSE_KEY_INVALID: an OKP key with y, or raw key bytes of the wrong form', () => {
    const ed = new Map<CborMapKey, CborValue>(encodeCoseKey(testKey(-8, 'k').publicKey));
    expectCode(() => decodeCoseKey(ed.set(-3, new Uint8Array(32))), 'COSE_KEY_INVALID');
    expectCode(() => cosePublicKey('ed25519', new Uint8Array(31)), 'COSE_KEY_INVALID');
    expectCode(() => cosePublicKey('p256-sha256', new Uint8Array(65)), 'COSE_KEY_INVALID');
  });
});
