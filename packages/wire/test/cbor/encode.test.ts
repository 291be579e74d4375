import { describe, expect, it } from 'vitest';
import { CborTag, cborMap, encode, type CborValue } from '../../src/cbor/index.js';
import { expectCode, hex } from '../support/expect-code.js';

const enc = (v: CborValue): string => hex(encode(v));

describe('deterministic encoding (RFC 8949 §4.2.1)', () => {
  it.each<[CborValue, string]>([
    // RFC 8949 Appendix A, the examples that are deterministic
    [0, '00'],
    [23, '17'],
    [24, '1818'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [-1, '20'],
    [-1000, '3903e7'],
    ['', '60'],
    ['IETF', '6449455446'],
    ['\u00fc', '62c3bc'],
    ['\u6c34', '63e6b0b4'],
    ['\ud800\udd51', '64f0908591'],
    [[], '80'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
    [new Uint8Array([1, 2, 3, 4]), '4401020304'],
  ])('encodes %o as %s', (value, expected) => {
    expect(enc(value)).toBe(expected);
  });

  it('uses the shortest head at every boundary', () => {
    expect(enc(255)).toBe('18ff');
    expect(enc(256)).toBe('190100');
    expect(enc(65535)).toBe('19ffff');
    expect(enc(65536)).toBe('1a00010000');
    expect(enc(2 ** 32 - 1)).toBe('1affffffff');
    expect(enc(2 ** 32)).toBe('1b0000000100000000');
    expect(enc(Number.MAX_SAFE_INTEGER)).toBe('1b001fffffffffffff');
    expect(enc(-(2 ** 32) - 1)).toBe('3b0000000100000000');
  });

  it('writes bigints in major type 0/1 up to 64 bits and as bignums only beyond (RFC 8949 §3.4.3)', () => {
    expect(enc(5n)).toBe('05');
    expect(enc(2n ** 53n)).toBe('1b0020000000000000');
    expect(enc(2n ** 64n - 1n)).toBe('1bffffffffffffffff');
    expect(enc(2n ** 64n)).toBe('c249010000000000000000');
    expect(enc(-(2n ** 64n))).toBe('3bffffffffffffffff');
    expect(enc(-(2n ** 64n) - 1n)).toBe('c349010000000000000000');
    expect(enc(2n ** 128n - 1n)).toBe('c250' + 'ff'.repeat(16));
  });

  it('sorts map keys by the bytewise order of their encodings, whatever the insertion order', () => {
    // RFC 8949 §4.2.1's example order, restricted to the key types the profile allows
    const map = cborMap([
      ['aa', 5],
      ['z', 4],
      [-1, 3],
      [100, 2],
      [10, 1],
    ]);
    expect(enc(map)).toBe('a5' + '0a01' + '186402' + '2003' + '617a04' + '62616105');
  });

  it('gives the same bytes for a number key and the equal bigint key', () => {
    expect(enc(cborMap([[1, 'a']]))).toBe(enc(cborMap([[1n, 'a']])));
  });

  it('encodes allowed tags and nests them', () => {
    expect(enc(new CborTag(18, [new Uint8Array(0), cborMap([]), null, new Uint8Array(0)]))).toBe('d28440a0f640');
  });

  it('returns a fresh buffer on every call', () => {
    const a = encode([1, 2, 3]);
    const b = encode([4, 5, 6]);
    expect(hex(a)).toBe('83010203');
    expect(hex(b)).toBe('83040506');
    expect(a.buffer).not.toBe(b.buffer);
  });

  it('writes byte strings from Node Buffers without a tag', () => {
    expect(enc(Buffer.from([0xaa]))).toBe('41aa');
  });
});

describe('encoder refusals', () => {
  it('refuses floats with CBOR_FLOAT_NOT_ALLOWED', () => {
    expectCode(() => encode(1.5), 'CBOR_FLOAT_NOT_ALLOWED');
    expectCode(() => encode(Number.NaN), 'CBOR_FLOAT_NOT_ALLOWED');
    expectCode(() => encode(Number.POSITIVE_INFINITY), 'CBOR_FLOAT_NOT_ALLOWED');
  });

  it('refuses numbers beyond 2^53-1, which have lost precision, with CBOR_UNSUPPORTED_VALUE', () => {
    expectCode(() => encode(2 ** 60), 'CBOR_UNSUPPORTED_VALUE');
  });

  it('refuses values outside the data model with CBOR_UNSUPPORTED_VALUE', () => {
    expectCode(() => encode(undefined as unknown as CborValue), 'CBOR_UNSUPPORTED_VALUE');
    expectCode(() => encode({ a: 1 } as unknown as CborValue), 'CBOR_UNSUPPORTED_VALUE');
    expectCode(() => encode(new Uint16Array(2) as unknown as CborValue), 'CBOR_UNSUPPORTED_VALUE');
    expectCode(() => encode(Symbol('x') as unknown as CborValue), 'CBOR_UNSUPPORTED_VALUE');
    expectCode(() => encode('\ud800'), 'CBOR_UNSUPPORTED_VALUE');
    expectCode(() => encode('a\udc00b'), 'CBOR_UNSUPPORTED_VALUE');
  });

  it('refuses a hand-built bignum tag: bigints are the one way to write them', () => {
    expectCode(() => encode(new CborTag(2, new Uint8Array(9).fill(1))), 'CBOR_UNSUPPORTED_VALUE');
  });

  it('refuses tags outside the allowed set with CBOR_TAG_NOT_ALLOWED', () => {
    expectCode(() => encode(new CborTag(1, 0)), 'CBOR_TAG_NOT_ALLOWED');
    expectCode(() => encode(new CborTag(18, 0), { allowedTags: new Set([98]) }), 'CBOR_TAG_NOT_ALLOWED');
  });

  it('refuses map keys other than integers and text with CBOR_INVALID_MAP_KEY', () => {
    const bad = new Map<unknown, CborValue>([[new Uint8Array(1), 1]]) as unknown as CborValue;
    expectCode(() => encode(bad), 'CBOR_INVALID_MAP_KEY');
    expectCode(() => encode(cborMap([[2n ** 64n, 1]])), 'CBOR_INVALID_MAP_KEY');
  });

  it('refuses two keys with one encoding with CBOR_DUPLICATE_MAP_KEY', () => {
    expectCode(() => encode(cborMap([[1, 'a'], [1n, 'b']])), 'CBOR_DUPLICATE_MAP_KEY');
  });

  it('refuses nesting beyond the bound, and cycles, with CBOR_DEPTH_EXCEEDED', () => {
    let deep: CborValue = 0;
    for (let i = 0; i < 17; i++) deep = [deep];
    expectCode(() => encode(deep), 'CBOR_DEPTH_EXCEEDED');
    expect(() => encode(deep, { maxDepth: 17 })).not.toThrow();
    const cyclic: CborValue[] = [];
    cyclic.push(cyclic);
    expectCode(() => encode(cyclic), 'CBOR_DEPTH_EXCEEDED');
  });
});
