/**
 * test-vectors/cose/sign1.json and sign.json on both crypto backends. The procedure of both files:
 * decode each named COSE_Key (COSE_KEY_INVALID), decode the message (CBOR_*, COSE_*), then verify
 * (COSE_Sign: every signature in order under its own key); the first failure is the vector's code.
 */
import { describe, expect, it } from 'vitest';
import { CborTag, decode, encode, type CborValue } from '../../src/cbor/index.js';
import { decodeCoseKey, decodeSign, verifySign1, verifySignature, type CosePublicKey } from '../../src/cose/index.js';
import type { SignatureScheme } from '../../src/crypto/index.js';
import { getBackend } from '../../src/crypto/node-entry.js';
import { byId, expected, fromHex, hex, loadVectors, outcome, type Vector, type VectorFile } from './support.js';

interface KeysFile<V> extends VectorFile<V> {
  readonly keys: Readonly<Record<string, { readonly coseKey: string; readonly privateKey?: string; readonly scheme?: string }>>;
}
interface Sign1Vector extends Vector {
  readonly input: string;
  readonly key: string;
  readonly externalAad?: string;
  readonly detachedPayload?: string;
  readonly payload?: string;
}
interface SignVector extends Vector {
  readonly input: string;
  readonly keys: readonly string[];
  readonly externalAad?: string;
  readonly detachedPayload?: string;
  readonly signatureResults?: readonly string[];
}

const sign1 = loadVectors<Sign1Vector, KeysFile<Sign1Vector>>('cose/sign1.json', 'hemkit-cose-sign1/v1');
const sign = loadVectors<SignVector, KeysFile<SignVector>>('cose/sign.json', 'hemkit-cose-sign/v1');

function key(file: KeysFile<unknown>, name: string): CosePublicKey {
  const entry = file.keys[name];
  expect(entry, `key ${name}`).toBeDefined();
  return decodeCoseKey(decode(fromHex(entry!.coseKey)));
}

/** The items of a tagged COSE message. */
const items = (input: string): readonly CborValue[] => (decode(fromHex(input)) as CborTag).value as readonly CborValue[];

const aadAndPayload = (v: { externalAad?: string; detachedPayload?: string }) => ({
  ...(v.externalAad !== undefined ? { externalAad: fromHex(v.externalAad) } : {}),
  ...(v.detachedPayload !== undefined ? { detachedPayload: fromHex(v.detachedPayload) } : {}),
});

describe.each(['noble', 'node'] as const)('COSE vectors on the %s backend', (name) => {
  const backend = getBackend(name);

  describe('cose/sign1.json', () => {
    it.each(byId(sign1.vectors))('%s', (_id, v) => {
      let payload: Uint8Array | undefined;
      const got = outcome(() => {
        const k = key(sign1, v.key);
        payload = verifySign1(fromHex(v.input), k, { backend, ...aadAndPayload(v) }).payload;
      });
      expect(got).toBe(expected(v));
      if (v.result === 'valid') expect(hex(payload!)).toBe(v.payload);
    });
  });

  describe('cose/sign.json', () => {
    it.each(byId(sign.vectors))('%s', (_id, v) => {
      const options = { backend, ...aadAndPayload(v) };
      const got = outcome(() => {
        const keys = v.keys.map((k) => key(sign, k));
        const message = decodeSign(fromHex(v.input));
        expect(message.signatures.length).toBe(keys.length);
        message.signatures.forEach((_, i) => verifySignature(message, i, keys[i]!, options));
      });
      expect(got).toBe(expected(v));
      if (v.signatureResults !== undefined) {
        const keys = v.keys.map((k) => key(sign, k));
        const message = decodeSign(fromHex(v.input));
        expect(message.signatures.map((_, i) => outcome(() => verifySignature(message, i, keys[i]!, options)))).toEqual(v.signatureResults);
      }
    });
  });

  it('signing again with the listed private keys gives the signatures of the valid vectors (deterministic signing)', () => {
    for (const v of sign1.vectors.filter((x) => x.result === 'valid' && !x.id.includes('high-s'))) {
      const entry = sign1.keys[v.key]!;
      if (entry.privateKey === undefined) continue;
      const [protectedBytes, , payload, signature] = items(v.input) as readonly (Uint8Array | null)[];
      const tbs = encode(['Signature1', protectedBytes!, v.externalAad ? fromHex(v.externalAad) : new Uint8Array(0), payload ?? fromHex(v.detachedPayload!)]);
      expect(hex(backend.sign(entry.scheme as SignatureScheme, fromHex(entry.privateKey), tbs)), v.id).toBe(hex(signature!));
    }
  });
});

describe('coverage of the COSE files', () => {
  it('has a valid COSE_Sign1 and COSE_Sign for each alg of the profile', () => {
    const algs = (vs: readonly { input: string; result: string }[], buckets: (message: readonly CborValue[]) => Uint8Array[]) =>
      new Set(vs.filter((v) => v.result === 'valid').flatMap((v) => buckets(items(v.input)).map((p) => (decode(p) as ReadonlyMap<number, CborValue>).get(1))));
    const sign1Algs = algs(sign1.vectors, (message) => [message[0] as Uint8Array]);
    const signAlgs = algs(sign.vectors, (message) => (message[3] as readonly (readonly CborValue[])[]).map((s) => s[0] as Uint8Array));
    for (const alg of [-8, -19, -7, -9, -35, -51]) {
      expect(sign1Algs, `COSE_Sign1 alg ${alg}`).toContain(alg);
      expect(signAlgs, `COSE_Sign alg ${alg}`).toContain(alg);
    }
  });
});
