import { describe, expect, it } from 'vitest';
import { CborTag, decode, encode, type CborValue } from '../../src/cbor/index.js';
import {
  cosePublicKey,
  decodeSign1,
  signSign1,
  verifySign1,
  type CoseAlgorithm,
} from '../../src/cose/index.js';
import { getBackend } from '../../src/crypto/node-entry.js';
import { expectCode, hex } from '../support/expect-code.js';
import { testKey } from '../support/keys.js';

const payload = new TextEncoder().encode('a hemkit claims set');
const ALGS: CoseAlgorithm[] = [-8, -19, -7, -9, -35, -51];

/** Rebuilds a COSE_Sign1 from parts, for malformed-message tests. */
function sign1(parts: CborValue[], tag = 18): Uint8Array {
  return encode(new CborTag(tag, parts), { allowedTags: new Set([tag]) });
}

describe.each(['noble', 'node'] as const)('COSE_Sign1 on the %s backend', (name) => {
  const backend = getBackend(name);

  it.each(ALGS)('signs and verifies with alg %i, alg and kid protected', (alg) => {
    const key = testKey(alg, `sign1-${alg}`);
    const kid = new Uint8Array([1, 2, 3]);
    const bytes = signSign1(payload, { alg, privateKey: key.privateKey, kid }, { backend });
    const verified = verifySign1(bytes, key.publicKey, { backend });
    expect(hex(verified.payload)).toBe(hex(payload));
    expect(verified.alg.id).toBe(alg);
    expect(hex(verified.kid!)).toBe('010203');
    expect(verified.protectedHeaders.get(1)).toBe(alg);
    expect(verified.protectedHeaders.get(4)).toEqual(kid);
  });

  it('produces the same bytes on both backends (deterministic signing)', () => {
    for (const alg of ALGS) {
      const key = testKey(alg, `det-${alg}`);
      const a = signSign1(payload, { alg, privateKey: key.privateKey }, { backend });
      const b = signSign1(payload, { alg, privateKey: key.privateKey }, { backend: getBackend('noble') });
      expect(hex(a)).toBe(hex(b));
    }
  });

  it('binds external AAD: the same AAD verifies, another or none does not', () => {
    const key = testKey(-8, 'aad');
    const externalAad = new TextEncoder().encode('hemkit/checkpoint/v1');
    const bytes = signSign1(payload, { alg: -8, privateKey: key.privateKey }, { backend, externalAad });
    expect(() => verifySign1(bytes, key.publicKey, { backend, externalAad })).not.toThrow();
    expectCode(() => verifySign1(bytes, key.publicKey, { backend }), 'COSE_SIGNATURE_INVALID');
    expectCode(
      () => verifySign1(bytes, key.publicKey, { backend, externalAad: new Uint8Array([1]) }),
      'COSE_SIGNATURE_INVALID',
    );
  });

  it('COSE_SIGNATURE_INVALID: a changed payload, another key, a flipped or cut signature', () => {
    const key = testKey(-7, 'tamper');
    const bytes = signSign1(payload, { alg: -7, privateKey: key.privateKey }, { backend });
    const d = decodeSign1(bytes);
    const tampered = sign1([d.protectedBytes, new Map(), new Uint8Array([...payload, 0]), d.signature]);
    expectCode(() => verifySign1(tampered, key.publicKey, { backend }), 'COSE_SIGNATURE_INVALID');
    expectCode(() => verifySign1(bytes, testKey(-7, 'other').publicKey, { backend }), 'COSE_SIGNATURE_INVALID');
    const flipped = d.signature.slice();
    flipped[10]! ^= 1;
    expectCode(
      () => verifySign1(sign1([d.protectedBytes, new Map(), payload, flipped]), key.publicKey, { backend }),
      'COSE_SIGNATURE_INVALID',
    );
    expectCode(
      () => verifySign1(sign1([d.protectedBytes, new Map(), payload, d.signature.slice(0, 63)]), key.publicKey, { backend }),
      'COSE_SIGNATURE_INVALID',
    );
  });
});

describe('COSE_Sign1 refusals', () => {
  const key = testKey(-8, 'refusals');
  const alg = encode(new Map([[1, -8]]));

  it('COSE_UNEXPECTED_TAG: another tag, or none', () => {
    expectCode(() => decodeSign1(sign1([alg, new Map(), payload, new Uint8Array(64)], 98)), 'COSE_UNEXPECTED_TAG');
    expectCode(() => decodeSign1(encode([alg, new Map(), payload, new Uint8Array(64)])), 'COSE_UNEXPECTED_TAG');
    expectCode(() => decodeSign1(encode(new CborTag(61, 0))), 'COSE_UNEXPECTED_TAG');
  });

  it('COSE_MALFORMED: wrong arity, wrong item types, a protected bucket that is no deterministic map', () => {
    expectCode(() => decodeSign1(sign1([alg, new Map(), payload])), 'COSE_MALFORMED');
    expectCode(() => decodeSign1(sign1([new Map([[1, -8]]), new Map(), payload, new Uint8Array(64)])), 'COSE_MALFORMED');
    expectCode(() => decodeSign1(sign1([alg, [], payload, new Uint8Array(64)])), 'COSE_MALFORMED');
    expectCode(() => decodeSign1(sign1([alg, new Map(), 'text', new Uint8Array(64)])), 'COSE_MALFORMED');
    expectCode(() => decodeSign1(sign1([alg, new Map(), payload, null])), 'COSE_MALFORMED');
    expectCode(() => decodeSign1(sign1([encode([1]), new Map(), payload, new Uint8Array(64)])), 'COSE_MALFORMED');
    // a protected map with a non-shortest head: signed bytes must be deterministic too
    expectCode(() => decodeSign1(sign1([new Uint8Array([0xa1, 0x01, 0x38, 0x07]), new Map(), payload, new Uint8Array(64)])), 'COSE_MALFORMED');
    expectCode(() => decodeSign1(sign1([alg, new Map([[4, 'text-kid']]), payload, new Uint8Array(64)])), 'COSE_MALFORMED');
    expectCode(() => decodeSign1(sign1([alg, new Map([[2, [1]]]), payload, new Uint8Array(64)])), 'COSE_MALFORMED');
    const critEmpty = encode(new Map<number, CborValue>([[1, -8], [2, []]]));
    expectCode(() => decodeSign1(sign1([critEmpty, new Map(), payload, new Uint8Array(64)])), 'COSE_MALFORMED');
    const critAbsent = encode(new Map<number, CborValue>([[1, -8], [2, [4]]]));
    expectCode(() => decodeSign1(sign1([critAbsent, new Map(), payload, new Uint8Array(64)])), 'COSE_MALFORMED');
  });

  it('keeps CBOR codes for input that is not even CBOR of the profile', () => {
    expectCode(() => decodeSign1(new Uint8Array([0xd2, 0x84])), 'CBOR_TRUNCATED');
    expectCode(() => decodeSign1(new Uint8Array([0xd2, 0x9f])), 'CBOR_INDEFINITE_LENGTH');
  });

  it('COSE_MISSING_ALG: no alg, or alg only in the unprotected bucket', () => {
    expectCode(() => decodeSign1(sign1([new Uint8Array(0), new Map(), payload, new Uint8Array(64)])), 'COSE_MISSING_ALG');
    expectCode(() => decodeSign1(sign1([new Uint8Array(0), new Map([[1, -8]]), payload, new Uint8Array(64)])), 'COSE_MISSING_ALG');
  });

  it('COSE_MALFORMED: an alg that is neither an integer nor text, before the table (encoding.md §13 step 6)', () => {
    expectCode(() => decodeSign1(sign1([encode(new Map([[1, new Uint8Array([0x27])]])), new Map(), payload, new Uint8Array(64)])), 'COSE_MALFORMED');
    expectCode(() => decodeSign1(sign1([encode(new Map([[1, [-8]]])), new Map(), payload, new Uint8Array(64)])), 'COSE_MALFORMED');
  });

  it('COSE_UNSUPPORTED_ALG: an alg outside the table, on receipt and when signing', () => {
    expectCode(() => decodeSign1(sign1([encode(new Map([[1, -36]])), new Map(), payload, new Uint8Array(64)])), 'COSE_UNSUPPORTED_ALG');
    expectCode(() => decodeSign1(sign1([encode(new Map([[1, 'EdDSA']])), new Map(), payload, new Uint8Array(64)])), 'COSE_UNSUPPORTED_ALG');
    expectCode(() => signSign1(payload, { alg: -36 as CoseAlgorithm, privateKey: key.privateKey }), 'COSE_UNSUPPORTED_ALG');
  });

  it('COSE_DUPLICATE_HEADER: a label in both buckets, on receipt and when signing', () => {
    expectCode(() => decodeSign1(sign1([alg, new Map([[1, -8]]), payload, new Uint8Array(64)])), 'COSE_DUPLICATE_HEADER');
    expectCode(
      () => signSign1(payload, { alg: -8, privateKey: key.privateKey }, { unprotectedHeaders: new Map([[1, -8]]) }),
      'COSE_DUPLICATE_HEADER',
    );
    expectCode(
      () => signSign1(payload, { alg: -8, privateKey: key.privateKey }, { protectedHeaders: new Map([[1, -7]]) }),
      'COSE_DUPLICATE_HEADER',
    );
  });

  it('COSE_UNKNOWN_CRITICAL_HEADER: crit names a header this code does not process', () => {
    const p = encode(new Map<number, CborValue>([[1, -8], [2, [99]], [99, 1]]));
    expectCode(() => decodeSign1(sign1([p, new Map(), payload, new Uint8Array(64)])), 'COSE_UNKNOWN_CRITICAL_HEADER');
  });

  it('COSE_PAYLOAD_MISSING: nil payload with none supplied, or a supplied one beside a carried one', () => {
    const bytes = signSign1(payload, { alg: -8, privateKey: key.privateKey });
    expectCode(() => verifySign1(bytes, key.publicKey, { detachedPayload: payload }), 'COSE_PAYLOAD_MISSING');
    const d = decodeSign1(bytes);
    const detached = sign1([d.protectedBytes, new Map(), null, d.signature]);
    expectCode(() => verifySign1(detached, key.publicKey), 'COSE_PAYLOAD_MISSING');
    expect(hex(verifySign1(detached, key.publicKey, { detachedPayload: payload }).payload)).toBe(hex(payload));
  });

  it('COSE_KEY_ALG_MISMATCH: a key of another curve, or restricted to another alg', () => {
    const bytes = signSign1(payload, { alg: -8, privateKey: key.privateKey });
    expectCode(() => verifySign1(bytes, testKey(-7, 'p256').publicKey), 'COSE_KEY_ALG_MISMATCH');
    const restricted = cosePublicKey('ed25519', key.publicKey.publicKey, { alg: -19 });
    expectCode(() => verifySign1(bytes, restricted), 'COSE_KEY_ALG_MISMATCH');
    expect(() => verifySign1(bytes, cosePublicKey('ed25519', key.publicKey.publicKey, { alg: -8 }))).not.toThrow();
  });

  it('decodes what it signs into the same structure the strict decoder sees', () => {
    const bytes = signSign1(payload, { alg: -8, privateKey: key.privateKey });
    const t = decode(bytes) as CborTag;
    expect(t.tag).toBe(18);
    expect(hex(encode(t))).toBe(hex(bytes));
  });
});
