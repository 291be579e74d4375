import { describe, expect, it } from 'vitest';
import { CborTag, encode, type CborValue } from '../../src/cbor/index.js';
import { decodeSign, signSign, verifyAllSignatures, verifySignature } from '../../src/cose/index.js';
import { getBackend } from '../../src/crypto/node-entry.js';
import { expectCode, hex } from '../support/expect-code.js';
import { testKey } from '../support/keys.js';

const payload = new TextEncoder().encode('licence 7 for chip 01');
const issuers = [testKey(-8, 'issuer-a'), testKey(-7, 'issuer-b'), testKey(-35, 'issuer-c')];
const kidOf = (i: number) => new Uint8Array([0xa0 + i]);

describe.each(['noble', 'node'] as const)('COSE_Sign on the %s backend', (name) => {
  const backend = getBackend(name);
  const signers = issuers.map((k, i) => ({ alg: k.alg, privateKey: k.privateKey, kid: kidOf(i) }));
  const resolve = (s: { kid: Uint8Array | undefined }) => issuers[(s.kid?.[0] ?? 0) - 0xa0]?.publicKey;

  it('signs with several signers of mixed algorithms and verifies each', () => {
    const bytes = signSign(payload, signers, { backend });
    const { message, results } = verifyAllSignatures(bytes, resolve, { backend });
    expect(hex(message.payload!)).toBe(hex(payload));
    expect(results.map((r) => r.verified)).toEqual([true, true, true]);
    expect(results.map((r) => hex(r.kid!))).toEqual(['a0', 'a1', 'a2']);
  });

  it('reports each signer on its own: one forged signature fails alone', () => {
    const bytes = signSign(payload, signers, { backend });
    const d = decodeSign(bytes);
    const forged = d.signatures.map((s, i) => [s.protectedBytes, new Map(), i === 1 ? s.signature.map((b) => b ^ 0xff) : s.signature]);
    const message = encode(new CborTag(98, [d.protectedBytes, new Map(), payload, forged as CborValue[]]));
    const { results } = verifyAllSignatures(message, resolve, { backend });
    expect(results.map((r) => r.verified)).toEqual([true, false, true]);
    expect(results[1]!.error!.code).toBe('COSE_SIGNATURE_INVALID');
    expectCode(() => verifySignature(decodeSign(message), 1, issuers[1]!.publicKey, { backend }), 'COSE_SIGNATURE_INVALID');
  });

  it('verifies nothing by default: a signer with no key is reported unverified', () => {
    const bytes = signSign(payload, signers, { backend });
    const { results } = verifyAllSignatures(bytes, () => undefined, { backend });
    expect(results.every((r) => !r.verified && r.error?.code === 'COSE_SIGNATURE_INVALID')).toBe(true);
  });

  it('binds body-protected headers and external AAD into every signature', () => {
    const bytes = signSign(payload, signers, { backend, protectedHeaders: new Map([[3, 0]]), externalAad: new Uint8Array([9]) });
    expect(verifyAllSignatures(bytes, resolve, { backend, externalAad: new Uint8Array([9]) }).results.every((r) => r.verified)).toBe(true);
    expect(verifyAllSignatures(bytes, resolve, { backend }).results.some((r) => r.verified)).toBe(false);
  });
});

describe('COSE_Sign refusals', () => {
  const sign = (parts: CborValue[]) => encode(new CborTag(98, parts));

  it('COSE_NO_SIGNERS: signing with nobody, or a message with no signatures', () => {
    expectCode(() => signSign(payload, []), 'COSE_NO_SIGNERS');
    expectCode(() => decodeSign(sign([new Uint8Array(0), new Map(), payload, []])), 'COSE_NO_SIGNERS');
  });

  it('COSE_MALFORMED: signatures not an array, a COSE_Signature of the wrong shape, or no such index', () => {
    expectCode(() => decodeSign(sign([new Uint8Array(0), new Map(), payload, new Map()])), 'COSE_MALFORMED');
    expectCode(() => decodeSign(sign([new Uint8Array(0), new Map(), payload, [[new Uint8Array(0), new Map()]]])), 'COSE_MALFORMED');
    const ok = signSign(payload, [{ alg: -8, privateKey: issuers[0]!.privateKey }]);
    expectCode(() => verifySignature(decodeSign(ok), 5, issuers[0]!.publicKey), 'COSE_MALFORMED');
  });

  it('COSE_MISSING_ALG: a signer without a protected alg', () => {
    const msg = sign([new Uint8Array(0), new Map(), payload, [[new Uint8Array(0), new Map([[1, -8]]), new Uint8Array(64)]]]);
    expectCode(() => decodeSign(msg), 'COSE_MISSING_ALG');
  });

  it('COSE_DUPLICATE_HEADER: a body label in both buckets', () => {
    const msg = sign([encode(new Map([[3, 0]])), new Map([[3, 0]]), payload, [[encode(new Map([[1, -8]])), new Map(), new Uint8Array(64)]]]);
    expectCode(() => decodeSign(msg), 'COSE_DUPLICATE_HEADER');
  });

  it('COSE_UNEXPECTED_TAG: a COSE_Sign1 handed to the COSE_Sign decoder', () => {
    expectCode(() => decodeSign(encode(new CborTag(18, [new Uint8Array(0), new Map(), payload, new Uint8Array(0)]))), 'COSE_UNEXPECTED_TAG');
  });
});
