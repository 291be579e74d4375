/**
 * test-vectors/cbor/decode.json: the strict decoder of the encoding profile (specs/encoding.md).
 * Valid vectors give the value in diagnostic notation (RFC 8949 §8, as `toDiagnostic` prints it);
 * each is also exactly what the encoder writes for that value. Invalid vectors give the one code
 * the first fault in input order produces (specs/encoding.md §8).
 */
import { CborTag, decode, encode, toDiagnostic, type CborValue, type DecodeOptions } from '@hemkit/wire/cbor';
import { confirm, fromHex, hex, renderVectorFile, type VectorBase } from '../vector-file.js';

export const CBOR_DECODE_FORMAT = 'hemkit-cbor-decode/v1';

/** Decoder bounds a vector may set; absent members take the profile defaults (depth 16, 1 MiB, tags 18 98 61). */
interface OptionsJson {
  readonly maxDepth?: number;
  readonly maxInputBytes?: number;
  readonly allowedTags?: readonly number[];
}

interface DecodeVector extends VectorBase {
  readonly input: string;
  readonly options?: OptionsJson;
  readonly diagnostic?: string;
}

export function decodeOptions(options: OptionsJson | undefined): DecodeOptions {
  if (options === undefined) return {};
  return {
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.maxInputBytes !== undefined ? { maxInputBytes: options.maxInputBytes } : {}),
    ...(options.allowedTags !== undefined ? { allowedTags: new Set(options.allowedTags) } : {}),
  };
}

const ff = (n: number) => 'ff'.repeat(n);

/** [id, value, description]: the input is what the encoder writes for the value. */
const VALUES: readonly (readonly [string, CborValue, string])[] = [
  ['uint-0', 0, 'the smallest unsigned integer'],
  ['uint-23', 23, 'the largest argument held in the initial byte'],
  ['uint-24', 24, 'the smallest 1-byte argument'],
  ['uint-255', 255, 'the largest 1-byte argument'],
  ['uint-256', 256, 'the smallest 2-byte argument'],
  ['uint-65535', 65535, 'the largest 2-byte argument'],
  ['uint-65536', 65536, 'the smallest 4-byte argument'],
  ['uint-2pow32-minus-1', 2 ** 32 - 1, '2^32-1, the largest 4-byte argument'],
  ['uint-2pow32', 2 ** 32, '2^32, the smallest 8-byte argument'],
  ['uint-2pow53-minus-1', Number.MAX_SAFE_INTEGER, '2^53-1, the largest integer a double holds exactly'],
  ['uint-2pow53', 2n ** 53n, '2^53, the first integer beyond exact doubles: a decoder must not round it'],
  ['uint-2pow64-minus-1', 2n ** 64n - 1n, '2^64-1, the largest major type 0 integer'],
  ['bignum-2pow64', 2n ** 64n, '2^64, the smallest positive bignum (tag 2, 9 content bytes)'],
  ['bignum-2pow128-minus-1', 2n ** 128n - 1n, '2^128-1, the largest counter (tag 2, 16 content bytes)'],
  ['bignum-2pow128', 2n ** 128n, '2^128: well-formed CBOR (the profile bounds no bignum); message counters stop at 2^128-1'],
  ['nint-minus-1', -1, '-1, the largest negative integer'],
  ['nint-minus-24', -24, 'the smallest negative integer held in the initial byte'],
  ['nint-minus-25', -25, 'the largest negative integer with a 1-byte argument'],
  ['nint-minus-2pow32', -(2 ** 32), '-2^32, argument 2^32-1 in 4 bytes'],
  ['nint-minus-2pow32-minus-1', -(2 ** 32) - 1, '-2^32-1, argument 2^32 in 8 bytes'],
  ['nint-minus-2pow53-plus-1', -Number.MAX_SAFE_INTEGER, '-(2^53-1), the smallest integer a double holds exactly'],
  ['nint-minus-2pow53', -(2n ** 53n), '-2^53'],
  ['nint-minus-2pow64-plus-1', -(2n ** 64n) + 1n, '-(2^64-1)'],
  ['nint-minus-2pow64', -(2n ** 64n), '-2^64, the smallest major type 1 integer'],
  ['bignum-minus-2pow64-minus-1', -(2n ** 64n) - 1n, '-2^64-1, the largest negative bignum (tag 3, 9 content bytes)'],
  ['bignum-minus-2pow128-plus-1', -(2n ** 128n) + 1n, '-(2^128-1) (tag 3, content 2^128-2)'],
  ['bignum-minus-2pow128', -(2n ** 128n), '-2^128 (tag 3, content 2^128-1)'],
  ['false', false, 'simple value 20'],
  ['true', true, 'simple value 21'],
  ['null', null, 'simple value 22'],
  ['bstr-empty', new Uint8Array(0), 'the empty byte string'],
  ['bstr-4', Uint8Array.of(1, 2, 3, 4), 'a byte string of 4 bytes'],
  ['bstr-24', new Uint8Array(24).fill(0xab), 'a byte string whose length needs a 1-byte argument'],
  ['tstr-empty', '', 'the empty text string'],
  ['tstr-ascii', 'hemkit', 'an ASCII text string'],
  ['tstr-euro', '\u20ac', 'a 3-byte UTF-8 character'],
  ['tstr-bom', '\ufeff', 'a leading byte order mark is kept, not stripped'],
  ['tstr-astral', '\u{1f512}', 'a 4-byte UTF-8 character (a surrogate pair in UTF-16)'],
  ['array-empty', [], 'the empty array'],
  ['array-3', [1, 2, 3], 'an array of three integers'],
  ['array-nested', [1, [2, 3], [4, [5]]], 'nested arrays'],
  ['map-empty', new Map(), 'the empty map'],
  ['map-int-keys-sorted', new Map<number, CborValue>([[10, 1], [100, 2], [-1, 3]]), 'integer keys in bytewise order of their encodings: 10 (0a), 100 (1864), -1 (20)'],
  ['map-mixed-keys-sorted', new Map<number | string, CborValue>([[1, 'a'], [-72001, 'b'], ['a', 1], ['aa', 2], ['b', 3]]), 'keys in bytewise order of their encodings: 1, -72001, then text keys by length first, so "b" (6162) precedes "aa" (626161)'],
  ['map-hemkit-claim-keys', new Map<number, CborValue>([[1, 'iss'], [256, new Uint8Array(17)], [-72001, 0]]), 'claim keys as hemkit messages use them: 1, 256 and the private-use -72001'],
  ['tag-18-cose-sign1', new CborTag(18, [new Uint8Array(0), new Map(), null, new Uint8Array(0)]), 'tag 18 (COSE_Sign1) is in the profile'],
  ['tag-98-cose-sign', new CborTag(98, [new Uint8Array(0), new Map(), null, []]), 'tag 98 (COSE_Sign) is in the profile'],
  ['tag-61-cwt', new CborTag(61, 0), 'tag 61 (CWT) is in the profile'],
];

/** [id, input hex, description, code, options]: every malformation of specs/encoding.md, each with its code. */
const MALFORMED: readonly (readonly [string, string, string, string, OptionsJson?])[] = [
  ['truncated-empty-input', '', 'no data item at all', 'CBOR_TRUNCATED'],
  ['truncated-1-byte-argument', '18', 'a 1-byte argument missing', 'CBOR_TRUNCATED'],
  ['truncated-2-byte-argument', '19ff', 'a 2-byte argument cut short', 'CBOR_TRUNCATED'],
  ['truncated-8-byte-argument', '1b00000001', 'an 8-byte argument cut short', 'CBOR_TRUNCATED'],
  ['truncated-bstr', '4301', 'a byte string shorter than its length', 'CBOR_TRUNCATED'],
  ['truncated-tstr', '6261', 'a text string shorter than its length', 'CBOR_TRUNCATED'],
  ['truncated-array', '8201', 'an array missing an item', 'CBOR_TRUNCATED'],
  ['truncated-map-value', 'a101', 'a map missing a value', 'CBOR_TRUNCATED'],
  ['truncated-map-entry', 'a20100', 'a map missing an entry', 'CBOR_TRUNCATED'],
  ['truncated-tag-content', 'd2', 'a tag without content', 'CBOR_TRUNCATED'],
  ['truncated-bignum-content', 'c2', 'a bignum tag without content', 'CBOR_TRUNCATED'],
  ['truncated-float', 'f93c', 'a half-precision float cut short (truncation is found before the float is refused)', 'CBOR_TRUNCATED'],
  ['truncated-bstr-2pow63', '5b7fffffffffffffff', 'a byte string claiming 2^63 bytes: refused before anything is allocated', 'CBOR_TRUNCATED'],
  ['truncated-array-2pow32', '9affffffff', 'an array claiming 2^32-1 items', 'CBOR_TRUNCATED'],
  ['truncated-map-2pow32', 'baffffffff', 'a map claiming 2^32-1 entries', 'CBOR_TRUNCATED'],
  ['trailing-bytes', '0000', 'a second data item after the first', 'CBOR_TRAILING_BYTES'],
  ['trailing-bytes-after-map', 'a0ff', 'a break code after a complete map', 'CBOR_TRAILING_BYTES'],
  ['non-shortest-uint-1-byte', '1817', '23 written with a 1-byte argument', 'CBOR_NON_SHORTEST_HEAD'],
  ['non-shortest-uint-2-bytes', '1900ff', '255 written with a 2-byte argument', 'CBOR_NON_SHORTEST_HEAD'],
  ['non-shortest-uint-4-bytes', '1a0000ffff', '65535 written with a 4-byte argument', 'CBOR_NON_SHORTEST_HEAD'],
  ['non-shortest-uint-8-bytes', '1b00000000ffffffff', '2^32-1 written with an 8-byte argument', 'CBOR_NON_SHORTEST_HEAD'],
  ['non-shortest-nint', '3817', '-24 written with a 1-byte argument', 'CBOR_NON_SHORTEST_HEAD'],
  ['non-shortest-bstr-length', '5801aa', 'a byte-string length written with a 1-byte argument', 'CBOR_NON_SHORTEST_HEAD'],
  ['non-shortest-tstr-length', '780161', 'a text length written with a 1-byte argument', 'CBOR_NON_SHORTEST_HEAD'],
  ['non-shortest-array-length', '980100', 'an array length written with a 1-byte argument', 'CBOR_NON_SHORTEST_HEAD'],
  ['non-shortest-map-length', 'b8010000', 'a map length written with a 1-byte argument', 'CBOR_NON_SHORTEST_HEAD'],
  ['non-shortest-tag-number', 'd81200', 'tag 18 written with a 1-byte argument', 'CBOR_NON_SHORTEST_HEAD'],
  ['indefinite-bstr', '5f41aaff', 'an indefinite-length byte string', 'CBOR_INDEFINITE_LENGTH'],
  ['indefinite-tstr', '7f6161ff', 'an indefinite-length text string', 'CBOR_INDEFINITE_LENGTH'],
  ['indefinite-array', '9f01ff', 'an indefinite-length array', 'CBOR_INDEFINITE_LENGTH'],
  ['indefinite-map', 'bf0101ff', 'an indefinite-length map', 'CBOR_INDEFINITE_LENGTH'],
  ['lone-break', 'ff', 'a break code outside any indefinite-length item', 'CBOR_INDEFINITE_LENGTH'],
  ['reserved-ai-28', '1c', 'additional information 28 on major type 0', 'CBOR_RESERVED_ADDITIONAL_INFO'],
  ['reserved-ai-29', '1d', 'additional information 29 on major type 0', 'CBOR_RESERVED_ADDITIONAL_INFO'],
  ['reserved-ai-30', '1e', 'additional information 30 on major type 0', 'CBOR_RESERVED_ADDITIONAL_INFO'],
  ['reserved-ai-31-uint', '1f', 'additional information 31 on major type 0', 'CBOR_RESERVED_ADDITIONAL_INFO'],
  ['reserved-ai-31-nint', '3f', 'additional information 31 on major type 1', 'CBOR_RESERVED_ADDITIONAL_INFO'],
  ['reserved-ai-31-tag', 'df00', 'additional information 31 on major type 6', 'CBOR_RESERVED_ADDITIONAL_INFO'],
  ['reserved-ai-28-bstr', '5c', 'additional information 28 on major type 2', 'CBOR_RESERVED_ADDITIONAL_INFO'],
  ['reserved-ai-28-simple', 'fc', 'additional information 28 on major type 7', 'CBOR_RESERVED_ADDITIONAL_INFO'],
  ['unsorted-map-keys', 'a2020001 00', 'key 2 before key 1', 'CBOR_UNSORTED_MAP_KEYS'],
  ['unsorted-map-keys-negative-first', 'a2200001 00', 'key -1 (0x20) before key 1 (0x01)', 'CBOR_UNSORTED_MAP_KEYS'],
  ['unsorted-map-keys-longer-text-first', 'a2 626161 00 617a 00', 'key "aa" before "z": a shorter encoding sorts first', 'CBOR_UNSORTED_MAP_KEYS'],
  ['unsorted-map-keys-longer-int-first', 'a2 1864 00 0a 00', 'key 100 (1864) before 10 (0a)', 'CBOR_UNSORTED_MAP_KEYS'],
  ['unsorted-map-keys-text-before-int', 'a2 6161 00 01 00', 'a text key before an integer key', 'CBOR_UNSORTED_MAP_KEYS'],
  ['duplicate-map-key-int', 'a2 01 00 01 00', 'key 1 twice', 'CBOR_DUPLICATE_MAP_KEY'],
  ['duplicate-map-key-text', 'a2 6161 00 6161 01', 'key "a" twice, with different values', 'CBOR_DUPLICATE_MAP_KEY'],
  ['invalid-map-key-bstr', 'a14000', 'a byte-string key', 'CBOR_INVALID_MAP_KEY'],
  ['invalid-map-key-null', 'a1f600', 'a null key', 'CBOR_INVALID_MAP_KEY'],
  ['invalid-map-key-array', 'a18000', 'an array key', 'CBOR_INVALID_MAP_KEY'],
  ['invalid-map-key-map', 'a1a000', 'a map key', 'CBOR_INVALID_MAP_KEY'],
  ['invalid-map-key-bignum', 'a1c249010000000000000000 00', 'a bignum key: keys are integers of major type 0 or 1, or text', 'CBOR_INVALID_MAP_KEY'],
  ['invalid-map-key-tag', 'a1d8120000', 'a tagged key', 'CBOR_INVALID_MAP_KEY'],
  ['tag-not-allowed-epoch-time', 'c100', 'tag 1 (epoch time) is outside the profile', 'CBOR_TAG_NOT_ALLOWED'],
  ['tag-not-allowed-uri', 'd82000', 'tag 32 (URI) is outside the profile', 'CBOR_TAG_NOT_ALLOWED'],
  ['tag-not-allowed-2pow64-minus-1', 'dbffffffffffffffff00', 'tag 2^64-1', 'CBOR_TAG_NOT_ALLOWED'],
  ['tag-not-allowed-by-caller', 'd28440a0f640', 'tag 18 where the caller allows only tag 98', 'CBOR_TAG_NOT_ALLOWED', { allowedTags: [98] }],
  ['tag-not-allowed-none', 'd86280', 'tag 98 where the caller allows no tags (bignums stay allowed)', 'CBOR_TAG_NOT_ALLOWED', { allowedTags: [] }],
  ['invalid-tag-content-bignum-uint', 'c200', 'tag 2 around an integer', 'CBOR_INVALID_TAG_CONTENT'],
  ['invalid-tag-content-bignum-tstr', 'c36161', 'tag 3 around a text string', 'CBOR_INVALID_TAG_CONTENT'],
  ['non-preferred-bignum-empty', 'c240', 'a bignum of no bytes (0): fits major type 0', 'CBOR_NON_PREFERRED_BIGNUM'],
  ['non-preferred-bignum-1', 'c24101', 'bignum 1: fits major type 0', 'CBOR_NON_PREFERRED_BIGNUM'],
  ['non-preferred-bignum-2pow64-minus-1', `c248${ff(8)}`, 'bignum 2^64-1: fits major type 0', 'CBOR_NON_PREFERRED_BIGNUM'],
  ['non-preferred-bignum-leading-zero', 'c24a00010000000000000000', 'bignum 2^64 with a leading zero byte', 'CBOR_NON_PREFERRED_BIGNUM'],
  ['non-preferred-negative-bignum', 'c34800000000000000ff', 'negative bignum -256: fits major type 1', 'CBOR_NON_PREFERRED_BIGNUM'],
  ['float-half', 'f93c00', 'half-precision 1.0', 'CBOR_FLOAT_NOT_ALLOWED'],
  ['float-single', 'fa3f800000', 'single-precision 1.0', 'CBOR_FLOAT_NOT_ALLOWED'],
  ['float-double', 'fb3ff0000000000000', 'double-precision 1.0', 'CBOR_FLOAT_NOT_ALLOWED'],
  ['float-half-nan', 'f97e00', 'half-precision NaN', 'CBOR_FLOAT_NOT_ALLOWED'],
  ['simple-undefined', 'f7', 'undefined (simple value 23)', 'CBOR_SIMPLE_NOT_ALLOWED'],
  ['simple-0', 'e0', 'simple value 0', 'CBOR_SIMPLE_NOT_ALLOWED'],
  ['simple-19', 'f3', 'simple value 19', 'CBOR_SIMPLE_NOT_ALLOWED'],
  ['simple-32', 'f820', 'simple value 32, in a 1-byte argument', 'CBOR_SIMPLE_NOT_ALLOWED'],
  ['simple-24-two-bytes', 'f818', 'simple value 24 in a 1-byte argument', 'CBOR_SIMPLE_NOT_ALLOWED'],
  ['invalid-utf8-bad-continuation', '62c328', 'a 2-byte sequence whose second byte is not a continuation byte', 'CBOR_INVALID_UTF8'],
  ['invalid-utf8-ff', '61ff', 'the byte ff, never valid in UTF-8', 'CBOR_INVALID_UTF8'],
  ['invalid-utf8-surrogate', '63eda080', 'an encoded UTF-16 surrogate (U+D800)', 'CBOR_INVALID_UTF8'],
  ['invalid-utf8-overlong', '64f8888080', 'a 5-byte sequence', 'CBOR_INVALID_UTF8'],
  ['depth-exceeded-arrays', `${'81'.repeat(17)}00`, '17 nested arrays; the bound is 16', 'CBOR_DEPTH_EXCEEDED'],
  ['depth-exceeded-maps', `${'a101'.repeat(17)}00`, '17 nested maps', 'CBOR_DEPTH_EXCEEDED'],
  ['depth-exceeded-tags', `${'d2'.repeat(17)}00`, '17 nested tags', 'CBOR_DEPTH_EXCEEDED'],
  ['depth-exceeded-bignum', `${'81'.repeat(16)}c249010000000000000000`, 'a bignum tag at depth 17 counts as a level', 'CBOR_DEPTH_EXCEEDED'],
  ['depth-exceeded-caller-bound', '818100', 'two nested arrays where the caller allows depth 1', 'CBOR_DEPTH_EXCEEDED', { maxDepth: 1 }],
  ['input-too-large', '4400000000', '5 bytes where the caller allows 4: refused before parsing', 'CBOR_INPUT_TOO_LARGE', { maxInputBytes: 4 }],
  ['input-too-large-before-other-faults', 'ff00', 'the size bound is checked before any byte is read', 'CBOR_INPUT_TOO_LARGE', { maxInputBytes: 1 }],
  ['first-fault-wins-order-before-float', 'a2 02 00 01 f93c00', 'unsorted keys come before a float in a later value', 'CBOR_UNSORTED_MAP_KEYS'],
  ['first-fault-wins-head-before-trailing', '1817 00', 'a non-shortest head before trailing bytes', 'CBOR_NON_SHORTEST_HEAD'],
];

/** Valid inputs that only a caller's bound or the exact default bound reaches. */
const BOUNDED_VALID: readonly (readonly [string, string, string, OptionsJson?])[] = [
  ['depth-16-arrays', `${'81'.repeat(16)}00`, '16 nested arrays: exactly the default bound'],
  ['depth-1-caller-bound', '8100', 'one array where the caller allows depth 1', { maxDepth: 1 }],
  ['input-at-bound', '4400000000', '5 bytes where the caller allows 5', { maxInputBytes: 5 }],
];

export function cborDecodeVectors(): DecodeVector[] {
  const vectors: DecodeVector[] = [];
  for (const [id, value, description] of VALUES) {
    const input = encode(value);
    const decoded = decode(input);
    // A map's diagnostic lists its keys in wire order, which is the encoder's sorted order.
    if (hex(encode(decoded)) !== hex(input)) throw new Error(`cbor vector ${id} does not round-trip`);
    vectors.push({ id, description, input: hex(input), result: 'valid', diagnostic: toDiagnostic(decoded) });
  }
  for (const [id, input, description, options] of BOUNDED_VALID) {
    const value = decode(fromHex(input), decodeOptions(options));
    vectors.push({ id, description, input, ...(options ? { options } : {}), result: 'valid', diagnostic: toDiagnostic(value) });
  }
  for (const [id, input, description, code, options] of MALFORMED) {
    const v: DecodeVector = { id, description, input: input.replace(/\s+/g, ''), ...(options ? { options } : {}), result: 'invalid', code };
    confirm(`cbor vector ${id}`, v, () => decode(fromHex(v.input), decodeOptions(options)));
    vectors.push(v);
  }
  return vectors;
}

export function generateCborVectors(): Map<string, string> {
  const text = renderVectorFile(
    {
      format: CBOR_DECODE_FORMAT,
      generator: 'npm run vectors (scripts/vectors/wire/cbor.ts)',
      description:
        'The strict decoder of the hemkit CBOR profile (specs/encoding.md): valid items with their diagnostic notation, every malformation with its code',
    },
    cborDecodeVectors(),
  );
  return new Map([['cbor/decode.json', text]]);
}
