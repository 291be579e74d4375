import { describe, expect, it } from 'vitest';
import { CborTag, decode, encode } from '../../src/cbor/index.js';
import { expectCode, fromHex, hex } from '../support/expect-code.js';

const dec = (h: string, options = {}) => decode(fromHex(h), options);

describe('strict decoder accepts the profile', () => {
  it('decodes integers at every boundary, as number while safe and bigint beyond', () => {
    expect(dec('17')).toBe(23);
    expect(dec('1818')).toBe(24);
    expect(dec('1affffffff')).toBe(2 ** 32 - 1);
    expect(dec('1b0000000100000000')).toBe(2 ** 32);
    expect(dec('1b001fffffffffffff')).toBe(Number.MAX_SAFE_INTEGER);
    expect(dec('1b0020000000000000')).toBe(2n ** 53n);
    expect(dec('1bffffffffffffffff')).toBe(2n ** 64n - 1n);
    expect(dec('c249010000000000000000')).toBe(2n ** 64n);
    expect(dec('c250' + 'ff'.repeat(16))).toBe(2n ** 128n - 1n);
    expect(dec('3b001ffffffffffffe')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(dec('3b001fffffffffffff')).toBe(-(2n ** 53n));
    expect(dec('3bffffffffffffffff')).toBe(-(2n ** 64n));
    expect(dec('c349010000000000000000')).toBe(-(2n ** 64n) - 1n);
  });

  it('decodes maps as Map, tags as CborTag, and text with a leading BOM intact', () => {
    const m = dec('a3' + '0a01' + '2003' + '617a04') as Map<unknown, unknown>;
    expect([...m.entries()]).toEqual([[10, 1], [-1, 3], ['z', 4]]);
    const t = dec('d28440a0f640') as CborTag;
    expect(t).toBeInstanceOf(CborTag);
    expect(t.tag).toBe(18);
    expect(dec('63efbbbf')).toBe('\ufeff');
  });

  it('never aliases the input: byte strings are copies, from a Uint8Array or a Buffer', () => {
    for (const input of [fromHex('43010203'), Buffer.from('43010203', 'hex')]) {
      const out = decode(input) as Uint8Array;
      input.fill(0xee);
      expect(hex(out)).toBe('010203');
      expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
      expect(out.buffer).not.toBe(input.buffer);
    }
  });
});

describe('strict decoder rejects each malformation with its own code', () => {
  it.each([
    ['1817', 'an integer in 2 bytes that fits the initial byte'],
    ['1900ff', 'an integer in 3 bytes that fits in 2'],
    ['1a0000ffff', 'an integer in 5 bytes that fits in 3'],
    ['1b00000000ffffffff', 'an integer in 9 bytes that fits in 5'],
    ['3817', 'a negative integer in 2 bytes'],
    ['5801aa', 'a byte-string length in 2 bytes'],
    ['780161', 'a text length in 2 bytes'],
    ['980100', 'an array length in 2 bytes'],
    ['b8010000', 'a map length in 2 bytes'],
    ['d81200', 'a tag number in 2 bytes'],
  ])('CBOR_NON_SHORTEST_HEAD: %s (%s)', (input) => {
    expectCode(() => dec(input), 'CBOR_NON_SHORTEST_HEAD');
  });

  it.each(['5f41aaff', '7f6161ff', '9f01ff', 'bf0101ff', 'ff'])('CBOR_INDEFINITE_LENGTH: %s', (input) => {
    expectCode(() => dec(input), 'CBOR_INDEFINITE_LENGTH');
  });

  it.each(['1c', '1d', '1e', '1f', '3f', 'df00', '5c', 'fc', 'fd', 'fe'])('CBOR_RESERVED_ADDITIONAL_INFO: %s', (input) => {
    expectCode(() => dec(input), 'CBOR_RESERVED_ADDITIONAL_INFO');
  });

  it('CBOR_UNSORTED_MAP_KEYS: keys out of bytewise order, including a longer key first', () => {
    expectCode(() => dec('a2020001 00'), 'CBOR_UNSORTED_MAP_KEYS');
    expectCode(() => dec('a2200001 00'), 'CBOR_UNSORTED_MAP_KEYS'); // -1 (0x20) before 1 (0x01)
    expectCode(() => dec('a2 626161 00 617a 00'), 'CBOR_UNSORTED_MAP_KEYS'); // "aa" before "z"
    expectCode(() => dec('a2 1864 00 0a 00'), 'CBOR_UNSORTED_MAP_KEYS'); // 100 before 10
  });

  it('CBOR_DUPLICATE_MAP_KEY: the same key twice', () => {
    const err = expectCode(() => dec('a2 01 00 01 00'), 'CBOR_DUPLICATE_MAP_KEY');
    expect(err.offset).toBe(3);
    expectCode(() => dec('a2 6161 00 6161 01'), 'CBOR_DUPLICATE_MAP_KEY');
  });

  it.each(['a14000', 'a1f600', 'a18000', 'a1a000', 'a1c249010000000000000000 00', 'a1d8120000'])(
    'CBOR_INVALID_MAP_KEY: %s',
    (input) => {
      expectCode(() => dec(input), 'CBOR_INVALID_MAP_KEY');
    },
  );

  it('CBOR_TAG_NOT_ALLOWED: tags outside the profile, or outside what the caller allows', () => {
    expectCode(() => dec('c100'), 'CBOR_TAG_NOT_ALLOWED'); // epoch time
    expectCode(() => dec('d82000'), 'CBOR_TAG_NOT_ALLOWED');
    expectCode(() => dec('db ffffffffffffffff 00'), 'CBOR_TAG_NOT_ALLOWED');
    expectCode(() => dec('d28440a0f640', { allowedTags: new Set([98]) }), 'CBOR_TAG_NOT_ALLOWED');
  });

  it('CBOR_INVALID_TAG_CONTENT: a bignum tag around anything but a byte string', () => {
    expectCode(() => dec('c200'), 'CBOR_INVALID_TAG_CONTENT');
    expectCode(() => dec('c3 6161'), 'CBOR_INVALID_TAG_CONTENT');
  });

  it('reads bignums of every length from 9 to 40 bytes, either sign, as their big-endian value', () => {
    for (let length = 9; length <= 40; length++) {
      for (const fill of [1, 0x7f, 0x80, 0xff]) {
        const content = Uint8Array.from({ length }, (_, i) => (i === 0 ? fill : (fill * (i + 3) + i) & 0xff));
        const magnitude = BigInt(`0x${hex(content)}`);
        const head = length < 24 ? [0x40 + length] : [0x58, length];
        expect(decode(Uint8Array.of(0xc2, ...head, ...content))).toBe(magnitude);
        expect(decode(Uint8Array.of(0xc3, ...head, ...content))).toBe(-1n - magnitude);
        expect(decode(encode(magnitude))).toBe(magnitude);
      }
    }
  });

  it('CBOR_NON_PREFERRED_BIGNUM: a bignum that fits 64 bits, or with a leading zero byte', () => {
    expectCode(() => dec('c240'), 'CBOR_NON_PREFERRED_BIGNUM');
    expectCode(() => dec('c24101'), 'CBOR_NON_PREFERRED_BIGNUM');
    expectCode(() => dec('c248ffffffffffffffff'), 'CBOR_NON_PREFERRED_BIGNUM');
    expectCode(() => dec('c2490001000000000000000000'.slice(0, 22)), 'CBOR_NON_PREFERRED_BIGNUM');
    expectCode(() => dec('c34800000000000000ff'), 'CBOR_NON_PREFERRED_BIGNUM');
  });

  it.each(['f93c00', 'fa3f800000', 'fb3ff0000000000000', 'f97e00'])('CBOR_FLOAT_NOT_ALLOWED: %s', (input) => {
    expectCode(() => dec(input), 'CBOR_FLOAT_NOT_ALLOWED');
  });

  it.each(['f7', 'e0', 'f3', 'f820', 'f818'])('CBOR_SIMPLE_NOT_ALLOWED: %s', (input) => {
    expectCode(() => dec(input), 'CBOR_SIMPLE_NOT_ALLOWED');
  });

  it.each(['62c328', '61ff', '63eda080', '64f8888080'])('CBOR_INVALID_UTF8: %s', (input) => {
    expectCode(() => dec(input), 'CBOR_INVALID_UTF8');
  });

  it('CBOR_DEPTH_EXCEEDED: arrays, maps and tags nested past the bound', () => {
    expect(() => dec('81'.repeat(16) + '00')).not.toThrow();
    expectCode(() => dec('81'.repeat(17) + '00'), 'CBOR_DEPTH_EXCEEDED');
    expectCode(() => dec('a101'.repeat(17) + '00'), 'CBOR_DEPTH_EXCEEDED');
    expectCode(() => dec('d2'.repeat(17) + '00'), 'CBOR_DEPTH_EXCEEDED');
    expectCode(() => dec('8181 00', { maxDepth: 1 }), 'CBOR_DEPTH_EXCEEDED');
  });

  it('CBOR_INPUT_TOO_LARGE: input over the bound, checked before anything is parsed', () => {
    expectCode(() => decode(new Uint8Array(1024 * 1024 + 1)), 'CBOR_INPUT_TOO_LARGE');
    expectCode(() => dec('4400000000', { maxInputBytes: 4 }), 'CBOR_INPUT_TOO_LARGE');
  });

  it.each([
    ['', 'empty input'],
    ['18', 'a 1-byte argument missing'],
    ['19ff', 'a 2-byte argument cut short'],
    ['1b00000001', 'an 8-byte argument cut short'],
    ['4301', 'a byte string shorter than its length'],
    ['6261', 'a text string shorter than its length'],
    ['8201', 'an array missing an item'],
    ['a101', 'a map missing a value'],
    ['a2 01 00', 'a map missing an entry'],
    ['d2', 'a tag without content'],
    ['c2', 'a bignum tag without content'],
    ['f9 3c', 'a float cut short'],
    ['5b 7fffffffffffffff', 'a byte string claiming 2^63 bytes'],
    ['9a ffffffff', 'an array claiming 2^32-1 items'],
    ['ba ffffffff', 'a map claiming 2^32-1 entries'],
  ])('CBOR_TRUNCATED: %s (%s)', (input) => {
    expectCode(() => dec(input), 'CBOR_TRUNCATED');
  });

  it('CBOR_TRAILING_BYTES: anything after the one data item', () => {
    const err = expectCode(() => dec('0000'), 'CBOR_TRAILING_BYTES');
    expect(err.offset).toBe(1);
  });

  it('CBOR_UNSUPPORTED_VALUE: input that is not a byte array', () => {
    expectCode(() => decode('00' as unknown as Uint8Array), 'CBOR_UNSUPPORTED_VALUE');
  });

  it('reports the first fault in input order', () => {
    // unsorted keys come before a float in the second value: the order fault wins
    expectCode(() => dec('a2 02 00 01 f93c00'), 'CBOR_UNSORTED_MAP_KEYS');
    // a non-shortest head before trailing bytes
    expectCode(() => dec('1817 00'), 'CBOR_NON_SHORTEST_HEAD');
  });

  it('decodes exactly what it encodes for a typical message', () => {
    const bytes = encode(new Map<number, import('../../src/cbor/index.js').CborValue>([[1, 2n ** 70n], [-65537, 'x']]));
    expect(hex(encode(decode(bytes)))).toBe(hex(bytes));
  });
});
