/**
 * Matching, one CDDL feature per test, each with data that matches and data that does not, and the
 * path and message a reader gets for the latter.
 */
import { describe, expect, it } from 'vitest';
import { CborTag, encode, type CborValue } from '@hemkit/wire/cbor';
import { checkCbor, decodeWellFormed, parseCddl, validate, validateItem } from '../src/index.js';
import { check, expectCode, expectFailure, fromHex } from './support.js';

const OK = { ok: true };
const map = (...entries: [number | bigint | string, CborValue][]): Map<number | bigint | string, CborValue> => new Map(entries);

describe('value literals', () => {
  it('match integers, negative integers, text and bytes exactly', () => {
    expect(check('a = 1', 1)).toEqual(OK);
    expect(check('a = -72018', -72018)).toEqual(OK);
    expect(check('a = "tag:x"', 'tag:x')).toEqual(OK);
    expect(check("a = h'CAFE'", new Uint8Array([0xca, 0xfe]))).toEqual(OK);
    expectFailure(check('a = 1', 2), 'a', 'expected 1, got unsigned integer 2');
    expectFailure(check('a = -1', 1), 'a', 'expected -1, got unsigned integer 1');
    expectFailure(check('a = "x"', 'y'), 'a', 'expected "x", got text "y"');
    expectFailure(check("a = h'CAFE'", new Uint8Array([0xca])), 'a', "expected h'CAFE', got byte string of 1 byte");
  });

  it('are quoted in messages as written, a ";" inside a text literal included', () => {
    expectFailure(check('a = "x;y"  ; a comment', 'x'), 'a', 'expected "x;y", got text "x"');
  });

  it('keep integers and text apart', () => {
    expectFailure(check('a = 1', '1'), 'a', 'expected 1, got text "1"');
  });
});

describe('the prelude (RFC 8610 Appendix D)', () => {
  it('uint is major type 0 only: 2^64-1 is a uint, 2^64 (a tag-2 bignum) is not', () => {
    expect(check('a = uint', (1n << 64n) - 1n)).toEqual(OK);
    expectFailure(check('a = uint', 1n << 64n), 'a', /^expected uint, got tag 2 \(byte string of 9 bytes\)$/);
    expectFailure(check('a = uint', -1), 'a', 'expected uint, got negative integer -1');
  });

  it('biguint, bignint, bigint, integer and unsigned take the bignum forms', () => {
    expect(check('a = biguint', 1n << 64n)).toEqual(OK);
    expect(check('a = bignint', -(1n << 64n) - 1n)).toEqual(OK);
    expect(check('a = bigint', -(1n << 64n) - 1n)).toEqual(OK);
    expect(check('a = integer', 5)).toEqual(OK);
    expect(check('a = integer', 1n << 100n)).toEqual(OK);
    expect(check('a = unsigned', 1n << 64n)).toEqual(OK);
    expectFailure(check('a = unsigned', -1), 'a', 'expected unsigned, got negative integer -1');
    expectFailure(check('a = biguint', 7), 'a', 'expected biguint, got unsigned integer 7');
    expect(check('a = nint', -(1n << 64n))).toEqual(OK);
    expectFailure(check('a = int', -(1n << 64n) - 1n), 'a', /^expected int, got tag 3/);
  });

  it('bstr and bytes, tstr and text, bool, true, false, nil, null and any', () => {
    expect(check('a = [bstr, bytes, tstr, text, bool, true, false, nil, null, any]', [new Uint8Array(0), new Uint8Array(1), '', 'x', false, true, false, null, null, map()])).toEqual(OK);
    expectFailure(check('a = bool', null), 'a', 'expected bool, got null');
    expectFailure(check('a = nil', false), 'a', 'expected nil, got false');
    expectFailure(check('a = tstr', new Uint8Array(0)), 'a', 'expected tstr, got byte string of 0 bytes');
  });

  it('float types match no value of the profile, and floats read from foreign data', () => {
    expectFailure(check('a = float', 1), 'a', 'expected float, got unsigned integer 1');
    const schema = parseCddl('a = float16\nb = float64\nc = number\nd = undefined\ne = tdate\nf = time');
    expect(validateItem(schema, 'a', decodeWellFormed(fromHex('f93c00')))).toEqual(OK);
    expect(validateItem(schema, 'b', decodeWellFormed(fromHex('f93c00'))).ok).toBe(false);
    expect(validateItem(schema, 'c', decodeWellFormed(fromHex('fb3ff199999999999a')))).toEqual(OK);
    expect(validateItem(schema, 'd', decodeWellFormed(fromHex('f7')))).toEqual(OK);
    expect(validateItem(schema, 'e', decodeWellFormed(fromHex('c074323031332d30332d32315432303a30343a30305a')))).toEqual(OK);
    expect(validateItem(schema, 'f', decodeWellFormed(fromHex('c11a514b67b0')))).toEqual(OK);
  });
});

describe('occurrence indicators (RFC 8610 §3.2)', () => {
  it('? * + and n*m bound how many items an array entry takes', () => {
    expect(check('a = [? int, tstr]', ['x'])).toEqual(OK);
    expect(check('a = [? int, tstr]', [1, 'x'])).toEqual(OK);
    expect(check('a = [* int]', [])).toEqual(OK);
    expect(check('a = [+ int]', [1, 2, 3])).toEqual(OK);
    expectFailure(check('a = [+ int]', []), 'a', 'missing + int at [0]: the array has 0 items');
    expect(check('a = [2*3 int]', [1, 2])).toEqual(OK);
    expect(check('a = [2*3 int]', [1, 2, 3])).toEqual(OK);
    expectFailure(check('a = [2*3 int]', [1]), 'a', 'missing 2*3 int at [1]: the array has 1 item');
    expectFailure(check('a = [2*3 int]', [1, 2, 3, 4]), 'a', "unsigned integer 4 at [3] is one item too many: the array's group has no member left for it");
    expect(check('a = [*2 int]', [1, 2])).toEqual(OK);
    expect(check('a = [1* int]', [1])).toEqual(OK);
  });

  it('backtracks: a repeated entry gives items back to the entries after it', () => {
    expect(check('a = [* int, int, int]', [1, 2, 3])).toEqual(OK);
    expect(check('a = [* any, tstr]', [1, 'x', 'y'])).toEqual(OK);
    expect(check('a = [* (int, tstr), ? int]', [1, 'a', 2, 'b', 3])).toEqual(OK);
    expectFailure(check('a = [* (int, tstr)]', [1, 'a', 2]), 'a', /^missing tstr at \[3\]/);
  });

  it('? * + on map members: optional, any number, at least one', () => {
    const cddl = 'a = { 1 => int, ? 2 => tstr, * tstr => bool }';
    expect(check(cddl, map([1, 0]))).toEqual(OK);
    expect(check(cddl, map([1, 0], [2, 'x'], ['p', true], ['q', false]))).toEqual(OK);
    expectFailure(check(cddl, map([2, 'x'])), 'a', 'missing 1 => int');
    expect(check('a = { + tstr => int }', map(['x', 1]))).toEqual(OK);
    expectFailure(check('a = { + tstr => int }', map()), 'a', 'missing + tstr => int');
    expectFailure(check('a = { 2*2 tstr => int }', map(['x', 1])), 'a', 'expected at least 2 entries matching 2*2 tstr => int, found 1');
  });
});

describe('choices', () => {
  it('a type choice (/) matches either type, and says both when neither matches', () => {
    expect(check('a = int / tstr', 'x')).toEqual(OK);
    expectFailure(check('a = int / tstr', true), 'a', 'expected int / tstr, got true');
  });

  it('a group choice (//) in an array and in a map', () => {
    const arr = 'a = [ int, int // tstr ]';
    expect(check(arr, [1, 2])).toEqual(OK);
    expect(check(arr, ['x'])).toEqual(OK);
    expect(check(arr, [1]).ok).toBe(false);
    const m = 'a = { 1 => int // 2 => tstr, 3 => tstr }';
    expect(check(m, map([1, 5]))).toEqual(OK);
    expect(check(m, map([2, 'x'], [3, 'y']))).toEqual(OK);
    expect(check(m, map([1, 5], [3, 'y'])).ok).toBe(false);
  });

  it('an enumeration &group is a choice of the group\'s values (RFC 8610 §3.7)', () => {
    const cddl = 'a = &colors\ncolors = (red: 0, green: 1, blue: 2)';
    expect(check(cddl, 2)).toEqual(OK);
    expectFailure(check(cddl, 3), 'a', 'expected &colors, got unsigned integer 3');
    expect(check('a = &(x: 10, y: 20)', 20)).toEqual(OK);
  });
});

describe('ranges (RFC 8610 §3.2)', () => {
  it('a..b includes b, a...b excludes it, negative bounds work', () => {
    expect(check('a = 0..4', 4)).toEqual(OK);
    expectFailure(check('a = 0...4', 4), 'a', 'expected 0...4, got unsigned integer 4');
    expect(check('a = -128..127', -128)).toEqual(OK);
    expectFailure(check('a = -128..127', 128), 'a', 'expected -128..127, got unsigned integer 128');
    expectFailure(check('a = 0..4', '1'), 'a', 'expected 0..4, got text "1"');
  });

  it('takes named constants as bounds (with spaces, since "lo..hi" is one name)', () => {
    const cddl = 'a = lo .. hi\nlo = 10\nhi = 20';
    expect(check(cddl, 15)).toEqual(OK);
    expect(check(cddl, 21).ok).toBe(false);
  });

  it('a float range matches floats only', () => {
    const schema = parseCddl('a = 0.5..1.5');
    expect(validateItem(schema, 'a', decodeWellFormed(fromHex('f93c00')))).toEqual(OK);
    expect(validate(schema, 'a', 1).ok).toBe(false);
  });
});

describe('.size (RFC 8610 §3.8.1)', () => {
  it('bounds the length of a byte string, exactly or by a range', () => {
    expect(check('a = bstr .size 32', new Uint8Array(32))).toEqual(OK);
    expectFailure(check('a = bstr .size 32', new Uint8Array(31)), 'a', 'expected bstr .size 32, got byte string of 31 bytes');
    expect(check('a = bstr .size (9..16)', new Uint8Array(16))).toEqual(OK);
    expect(check('a = bstr .size (9..16)', new Uint8Array(17)).ok).toBe(false);
    expect(check('a = bstr .size (9..16)', new Uint8Array(8)).ok).toBe(false);
  });

  it('counts a text string in UTF-8 bytes, not characters', () => {
    expect(check('a = tstr .size 2', 'é')).toEqual(OK);
    expect(check('a = tstr .size 1', 'é').ok).toBe(false);
  });

  it('bounds an unsigned integer by the bytes it needs: uint .size 4 is 0..2^32-1', () => {
    expect(check('a = uint .size 4', 0xffffffff)).toEqual(OK);
    expectFailure(check('a = uint .size 4', 0x100000000), 'a', 'expected uint .size 4, got unsigned integer 4294967296');
    expect(check('a = uint .size (1..2)', 65535)).toEqual(OK);
    expect(check('a = uint .size (1..2)', 65536).ok).toBe(false);
    expect(check('a = uint .size 8', (1n << 64n) - 1n)).toEqual(OK);
  });
});

describe('.cbor (RFC 8610 §3.8.4)', () => {
  const cddl = 'a = bstr .cbor inner\ninner = { 1 => uint }';

  it('decodes the byte string and matches what it holds against the rule', () => {
    expect(check(cddl, encode(map([1, 5])))).toEqual(OK);
    expectFailure(check(cddl, encode(map([1, 'x']))), 'a > inner > key 1', 'expected uint, got text "x"');
  });

  it('fails a byte string that is not CBOR, with the decoder\'s code', () => {
    expectFailure(check(cddl, fromHex('a101')), 'a', 'the byte string (2 bytes) is not CBOR of the hemkit profile: CBOR_TRUNCATED: the head declares 1 entries, but only 1 byte(s) remain (at byte 0)');
  });

  it('holds embedded CBOR to the profile, unless foreign data is being read', () => {
    // a1 01 18 05: {1: 5} with the 5 in two bytes, well-formed but not shortest (RFC 8949 §4.2.1).
    const loose = fromHex('a1011805');
    const schema = parseCddl(cddl);
    expectFailure(validate(schema, 'a', loose), 'a', /CBOR_NON_SHORTEST_HEAD/);
    expect(validate(schema, 'a', loose, { decoding: 'well-formed' })).toEqual(OK);
  });
});

describe('.bits (RFC 8610 §3.8.2)', () => {
  const cddl = 'flags = uint .bits allowed\nallowed = &(read: 0, write: 2)\nraw = bstr .bits allowed2\nallowed2 = 0 / 8';

  it('allows only the listed bit numbers in an unsigned integer', () => {
    expect(check(cddl, 0b101)).toEqual(OK);
    expectFailure(check(cddl, 0b110), 'flags', 'bit 1 is set, which uint .bits allowed does not allow');
  });

  it('numbers a byte string\'s bits from the least significant bit of its first byte', () => {
    expect(check(cddl, new Uint8Array([0x01, 0x01]), 'raw')).toEqual(OK);
    expectFailure(check(cddl, new Uint8Array([0x02]), 'raw'), 'raw', 'bit 1 is set, which bstr .bits allowed2 does not allow');
  });
});

describe('comparison and other controls (RFC 8610 §3.8.6, §3.8.5)', () => {
  it('.lt .le .gt .ge compare numbers', () => {
    expect(check('a = int .lt 10', 9)).toEqual(OK);
    expectFailure(check('a = int .lt 10', 10), 'a', 'expected int .lt 10, got unsigned integer 10');
    expect(check('a = int .le 10', 10)).toEqual(OK);
    expect(check('a = int .gt -1', 0)).toEqual(OK);
    expect(check('a = int .ge 0', -1).ok).toBe(false);
  });

  it('.eq and .ne compare with a value', () => {
    expect(check('a = tstr .eq "x"', 'x')).toEqual(OK);
    expect(check('a = tstr .ne "x"', 'x').ok).toBe(false);
    expect(check('a = uint .ne 0', 1)).toEqual(OK);
  });

  it('.default does not restrict; .and and .within need both sides', () => {
    expect(check('a = uint .default 3', 7)).toEqual(OK);
    expect(check('a = uint .and (0..9)', 7)).toEqual(OK);
    expect(check('a = uint .within (0..9)', 10).ok).toBe(false);
  });
});

describe('tags (RFC 8610 §3.6)', () => {
  it('#6.n(type) needs that tag and that content', () => {
    const cddl = 'a = #6.18([int])';
    expect(check(cddl, new CborTag(18, [1]))).toEqual(OK);
    expectFailure(check(cddl, new CborTag(98, [1])), 'a', 'expected #6.18([int]), got tag 98 (array of 1 item)');
    expectFailure(check(cddl, new CborTag(18, ['x'])), 'a > [0]', 'expected int, got text "x"');
    expectFailure(check(cddl, [1]), 'a', 'expected #6.18([int]), got array of 1 item');
  });

  it('#6.n without content takes any content; #6(type) any tag number', () => {
    expect(check('a = #6.61', new CborTag(61, 'anything'))).toEqual(OK);
    expect(check('a = #6(tstr)', new CborTag(61, 'x'))).toEqual(OK);
    expect(check('a = #6(tstr)', new CborTag(61, 1)).ok).toBe(false);
  });

  it('#6.2(bstr) matches a decoded bigint as the bignum it was on the wire', () => {
    expect(check('a = #6.2(bstr .size 9)', 1n << 64n)).toEqual(OK);
    expect(check('a = #6.2(bstr .size 9)', (1n << 64n) - 1n).ok).toBe(false);
  });

  it('~ unwraps a tag in a type, and an array in a group (RFC 8610 §3.7)', () => {
    expect(check('a = ~b\nb = #6.2(bstr)', new Uint8Array(3))).toEqual(OK);
    const cddl = 'ext = [~base, extra: tstr]\nbase = [id: uint, name: tstr]';
    expect(check(cddl, [1, 'n', 'e'])).toEqual(OK);
    expectFailure(check(cddl, [1, 2, 'e']), 'ext > name [1]', 'expected tstr, got unsigned integer 2');
  });
});

describe('major types (RFC 8610 §3.6)', () => {
  it('#0 to #7 match by major type, #7.n by simple value or float width', () => {
    const cddl = 'a = [#0, #1, #2, #3, #4, #5, #6, #7, #7.22, #]';
    expect(check(cddl, [1, -1, new Uint8Array(0), '', [], map(), new CborTag(18, 0), true, null, 'x'])).toEqual(OK);
    expectFailure(check('a = #0', -1), 'a', 'expected #0, got negative integer -1');
    expectFailure(check('a = #7.22', false), 'a', 'expected #7.22, got false');
  });
});

describe('maps (RFC 8610 §3.5)', () => {
  it('are closed: an entry no member takes fails, at its key', () => {
    expectFailure(check('a = { 1 => int }', map([1, 1], [2, 2])), 'a > key 2', 'no member of the map takes this entry (unsigned integer 2); the map is closed');
  });

  it('take each entry at most once', () => {
    expect(check('a = { 1 => int, 1 => int }', map([1, 1])).ok).toBe(false);
  });

  it('a wildcard takes the entries the named members leave', () => {
    const cddl = 'a = { 1 => int, * label => any }\nlabel = int / tstr';
    expect(check(cddl, map([1, 1], [-7, 'x'], ['k', new Uint8Array(0)]))).toEqual(OK);
    expectFailure(check('a = { 1 => int, * tstr => any }', map([1, 1], [2, 2])), 'a > key 2');
  });

  it('without a cut, an optional member that does not fit leaves its entry to the wildcard', () => {
    expect(check('a = { ? 1 => int, * int => any }', map([1, 'not an int']))).toEqual(OK);
  });

  it('with a cut (^ => or the : form) the entry is the member\'s or the map fails (RFC 8610 §3.5.4)', () => {
    expect(check('a = { ? 1 ^ => int, * int => any }', map([1, 'not an int'])).ok).toBe(false);
    expect(check('a = { ? "x": int, * tstr => any }', map(['x', 'not an int'])).ok).toBe(false);
    expect(check('a = { ? "x": int, * tstr => any }', map(['y', 'anything']))).toEqual(OK);
  });

  it('a bareword key is its name as text (RFC 8610 §3.5.1)', () => {
    expect(check('a = { name: tstr }', map(['name', 'x']))).toEqual(OK);
    expectFailure(check('a = { name: tstr }', map(['name', 1])), 'a > name', 'expected tstr, got unsigned integer 1');
  });

  it('names a member by its key constant: ops-quota (key -72018)', () => {
    const cddl = 'claims = { claim.ops-quota => uint }\nclaim.ops-quota = -72018';
    expectFailure(check(cddl, map([-72018, 'lots'])), 'claims > ops-quota (key -72018)', 'expected uint, got text "lots"');
  });
});

describe('groups (RFC 8610 §3.2, §3.5.2)', () => {
  it('a group rule is spliced into a map and into an array', () => {
    const cddl = 'm = { common, 3 => tstr }\na = [common-items, tstr]\ncommon = (1 => uint, 2 => uint)\ncommon-items = (uint, uint)';
    expect(check(cddl, map([1, 1], [2, 2], [3, 'x']), 'm')).toEqual(OK);
    expectFailure(check(cddl, map([1, 1], [3, 'x']), 'm'), 'm', 'missing 2 => uint');
    expect(check(cddl, [1, 2, 'x'], 'a')).toEqual(OK);
  });

  it('an inline group with an occurrence is all or nothing', () => {
    const cddl = 'a = { ? (1 => int, 2 => int), 3 => int }';
    expect(check(cddl, map([3, 3]))).toEqual(OK);
    expect(check(cddl, map([1, 1], [2, 2], [3, 3]))).toEqual(OK);
    expectFailure(check(cddl, map([1, 1], [3, 3])), 'a > key 1');
  });

  it('nested maps and arrays give a path through all of them', () => {
    const cddl = 'outer = { 1 => [* inner] }\ninner = { name: tstr }';
    expectFailure(check(cddl, map([1, [map(['name', 'a']), map(['name', 2])]])), 'outer > key 1 > [1] > inner > name', 'expected tstr, got unsigned integer 2');
  });
});

describe('arrays with named members (RFC 8610 §3.4)', () => {
  const cddl = 'proof = [ tree-size: uint, leaf-index: uint, inclusion-path: [+ bstr .size 32] ]';

  it('match in order, the names only labelling the path', () => {
    expect(check(cddl, [8, 3, [new Uint8Array(32)]])).toEqual(OK);
    expectFailure(check(cddl, [8, 'three', [new Uint8Array(32)]]), 'proof > leaf-index [1]', 'expected uint, got text "three"');
    expectFailure(check(cddl, [8, 3, [new Uint8Array(31)]]), 'proof > inclusion-path [2] > [0]', 'expected bstr .size 32, got byte string of 31 bytes');
    expectFailure(check(cddl, [8, 3]), 'proof', 'missing inclusion-path: [+ bstr .size 32] at [2]: the array has 2 items');
  });
});

describe('checkCbor', () => {
  it('decodes with the profile decoder and checks the first rule by default', () => {
    const schema = parseCddl('msg = [uint, tstr]');
    expect(checkCbor(schema, encode([1, 'x']))).toEqual(OK);
    expect(checkCbor(schema, encode(['x', 1])).ok).toBe(false);
  });

  it('throws the decoder\'s error for bytes outside the profile, and reads them when asked for well-formed CBOR', () => {
    const schema = parseCddl('msg = [uint, tstr]');
    const indefinite = fromHex('9f0161 78ff');
    expectCode(() => checkCbor(schema, indefinite), 'CBOR_INDEFINITE_LENGTH');
    expect(checkCbor(schema, indefinite, 'msg', { decoding: 'well-formed' })).toEqual(OK);
  });

  it('refuses an undefined rule before decoding', () => {
    expectCode(() => checkCbor(parseCddl('a = int'), fromHex('ff'), 'b'), 'CDDL_UNDEFINED_RULE');
  });
});
