/**
 * The data side: the raw view of hemkit values (exact under the profile), and the well-formed
 * decoder for foreign data, checked against RFC 8949's own examples (Appendix A).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborTag, decode, encode, type CborValue } from '@hemkit/wire/cbor';
import { decodeWellFormed, fromCborValue } from '../src/index.js';
import { expectCode, fromHex } from './support.js';

describe('fromCborValue', () => {
  it('puts an integer in major type 0 or 1 up to 64 bits and in a bignum beyond, as the profile encodes it', () => {
    expect(fromCborValue((1n << 64n) - 1n)).toEqual({ kind: 'uint', value: (1n << 64n) - 1n });
    expect(fromCborValue(1n << 64n)).toEqual({ kind: 'tag', tag: 2n, content: { kind: 'bytes', value: fromHex('010000000000000000') } });
    expect(fromCborValue(-(1n << 64n))).toEqual({ kind: 'nint', value: -(1n << 64n) });
    expect(fromCborValue(-(1n << 64n) - 1n)).toEqual({ kind: 'tag', tag: 3n, content: { kind: 'bytes', value: fromHex('010000000000000000') } });
    expect(fromCborValue(-1)).toEqual({ kind: 'nint', value: -1n });
  });

  it('refuses what is outside the data model of the profile', () => {
    expectCode(() => fromCborValue(1.5), 'CBOR_UNSUPPORTED_VALUE');
    expectCode(() => fromCborValue(undefined as unknown as CborValue), 'CBOR_UNSUPPORTED_VALUE');
  });

  it('gives, for any message of the profile, exactly the tree the well-formed decoder reads from its bytes', () => {
    const key = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 4 }));
    const value = fc.letrec<{ v: CborValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.bigInt({ min: -(1n << 130n), max: 1n << 130n }),
        fc.integer(),
        fc.string({ maxLength: 8 }),
        fc.uint8Array({ maxLength: 12 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.uniqueArray(fc.tuple(key, tie('v')), { maxLength: 4, selector: ([k]) => (typeof k === 'string' ? `s${k}` : `n${k}`) }).map((es) => new Map(es)),
        tie('v').map((v) => new CborTag(18, v)),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encode(v);
        expect(fromCborValue(decode(bytes))).toEqual(decodeWellFormed(bytes));
      }),
      { numRuns: 300 },
    );
  });
});

describe('decodeWellFormed', () => {
  it('reads RFC 8949 Appendix A examples the profile refuses: floats, simple values, tags, indefinite lengths', () => {
    expect(decodeWellFormed(fromHex('f93c00'))).toEqual({ kind: 'float', value: 1, bits: 16 });
    expect(decodeWellFormed(fromHex('f90001'))).toEqual({ kind: 'float', value: 5.960464477539063e-8, bits: 16 });
    expect(decodeWellFormed(fromHex('fa47c35000'))).toEqual({ kind: 'float', value: 100000, bits: 32 });
    expect(decodeWellFormed(fromHex('fb3ff199999999999a'))).toEqual({ kind: 'float', value: 1.1, bits: 64 });
    expect(decodeWellFormed(fromHex('f97c00'))).toEqual({ kind: 'float', value: Infinity, bits: 16 });
    expect(decodeWellFormed(fromHex('f7'))).toEqual({ kind: 'simple', value: 23 });
    expect(decodeWellFormed(fromHex('f0'))).toEqual({ kind: 'simple', value: 16 });
    expect(decodeWellFormed(fromHex('f8ff'))).toEqual({ kind: 'simple', value: 255 });
    expect(decodeWellFormed(fromHex('c11a514b67b0'))).toEqual({ kind: 'tag', tag: 1n, content: { kind: 'uint', value: 1363896240n } });
    expect(decodeWellFormed(fromHex('5f42010243030405ff'))).toEqual({ kind: 'bytes', value: fromHex('0102030405') });
    expect(decodeWellFormed(fromHex('7f657374726561646d696e67ff'))).toEqual({ kind: 'text', value: 'streaming' });
    expect(decodeWellFormed(fromHex('9f018202039f0405ffff'))).toEqual({
      kind: 'array',
      items: [
        { kind: 'uint', value: 1n },
        { kind: 'array', items: [{ kind: 'uint', value: 2n }, { kind: 'uint', value: 3n }] },
        { kind: 'array', items: [{ kind: 'uint', value: 4n }, { kind: 'uint', value: 5n }] },
      ],
    });
    expect(decodeWellFormed(fromHex('bf6346756ef563416d7421ff'))).toEqual({
      kind: 'map',
      entries: [
        [{ kind: 'text', value: 'Fun' }, { kind: 'simple', value: 21 }],
        [{ kind: 'text', value: 'Amt' }, { kind: 'nint', value: -2n }],
      ],
    });
    expect(decodeWellFormed(fromHex('1bffffffffffffffff'))).toEqual({ kind: 'uint', value: (1n << 64n) - 1n });
    expect(decodeWellFormed(fromHex('3bffffffffffffffff'))).toEqual({ kind: 'nint', value: -(1n << 64n) });
  });

  it('keeps non-shortest heads, duplicate keys and bignums with leading zeros as they are', () => {
    expect(decodeWellFormed(fromHex('1801'))).toEqual({ kind: 'uint', value: 1n });
    expect(decodeWellFormed(fromHex('a201010102'))).toEqual({
      kind: 'map',
      entries: [
        [{ kind: 'uint', value: 1n }, { kind: 'uint', value: 1n }],
        [{ kind: 'uint', value: 1n }, { kind: 'uint', value: 2n }],
      ],
    });
    expect(decodeWellFormed(fromHex('c2420001'))).toEqual({ kind: 'tag', tag: 2n, content: { kind: 'bytes', value: fromHex('0001') } });
  });

  it('refuses input that is not well-formed, with the codes of the profile decoder', () => {
    expectCode(() => decodeWellFormed(fromHex('18')), 'CBOR_TRUNCATED');
    expectCode(() => decodeWellFormed(fromHex('5a ffffffff 00')), 'CBOR_TRUNCATED');
    expectCode(() => decodeWellFormed(fromHex('1c')), 'CBOR_RESERVED_ADDITIONAL_INFO');
    expectCode(() => decodeWellFormed(fromHex('1f')), 'CBOR_RESERVED_ADDITIONAL_INFO');
    expectCode(() => decodeWellFormed(fromHex('ff')), 'CBOR_INDEFINITE_LENGTH');
    expectCode(() => decodeWellFormed(fromHex('5f6161ff')), 'CBOR_INDEFINITE_LENGTH');
    expectCode(() => decodeWellFormed(fromHex('bf01ff')), 'CBOR_INDEFINITE_LENGTH');
    expectCode(() => decodeWellFormed(fromHex('9f01')), 'CBOR_TRUNCATED');
    expectCode(() => decodeWellFormed(fromHex('f810')), 'CBOR_SIMPLE_NOT_ALLOWED');
    expectCode(() => decodeWellFormed(fromHex('62c328')), 'CBOR_INVALID_UTF8');
    expectCode(() => decodeWellFormed(fromHex('0000')), 'CBOR_TRAILING_BYTES');
    expectCode(() => decodeWellFormed(new Uint8Array([...new Uint8Array(65).fill(0x81), 0x00])), 'CBOR_DEPTH_EXCEEDED');
    expect(decodeWellFormed(new Uint8Array([...new Uint8Array(64).fill(0x81), 0x00])).kind).toBe('array');
    expectCode(() => decodeWellFormed(new Uint8Array(10), { maxInputBytes: 9 }), 'CBOR_INPUT_TOO_LARGE');
  });
});
