/**
 * Strict decoder for the hemkit encoding profile (specs/encoding.md): accepts exactly the byte
 * strings that `encode` produces, and rejects everything else with its own error code.
 *
 * One pass, no recursion beyond the depth bound, no allocation proportional to a claimed length
 * before the bytes are known to be there. Faults are reported in input order: the first faulty
 * byte wins, and at one position well-formedness (truncation, reserved values) is checked before
 * profile rules (shortest form, order, allowed tags).
 */
import { utf8StrictDecoder } from '../text.js';
import { HemkitError, type ErrorCode } from '../errors.js';
import {
  CborTag,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_INPUT_BYTES,
  PROFILE_TAGS,
  TAG_NEGATIVE_BIGNUM,
  TAG_POSITIVE_BIGNUM,
  type CborMapKey,
  type CborValue,
} from './value.js';

export interface DecodeOptions {
  /** Nesting bound for arrays, maps and tags (default 16). */
  readonly maxDepth?: number;
  /** Largest input accepted, in bytes (default 1 MiB). */
  readonly maxInputBytes?: number;
  /** Tags allowed besides bignums (default: the profile's); a message decoder narrows this. */
  readonly allowedTags?: ReadonlySet<number>;
}

const TWO_POW_32 = 2 ** 32;
/** Above this, an 8-byte argument no longer fits a safe integer. */
const SAFE_HI_LIMIT = 2 ** 21;
// ignoreBOM keeps a leading U+FEFF in the string: dropping it would break decode/encode round trips.
const utf8Decoder = utf8StrictDecoder;

/** The character codes of a short ASCII text string, reused by readText (its length set per string). */
const ASCII_CODES: number[] = [];

interface State {
  /** The input as a plain Uint8Array (a view of a Buffer's memory), so that slice() copies. */
  readonly bytes: Uint8Array;
  pos: number;
  readonly maxDepth: number;
  readonly tags: ReadonlySet<number>;
}

/** Decodes exactly one data item that must fill `bytes`. */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): CborValue {
  if (!(bytes instanceof Uint8Array)) {
    throw new HemkitError('CBOR_UNSUPPORTED_VALUE', 'decode expects a Uint8Array');
  }
  const maxInput = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (bytes.length > maxInput) {
    throw new HemkitError('CBOR_INPUT_TOO_LARGE', `input is ${bytes.length} bytes; the bound is ${maxInput}`);
  }
  const s: State = {
    bytes: bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
    pos: 0,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    tags: options.allowedTags ?? PROFILE_TAGS,
  };
  const value = decodeItem(s, 0);
  if (s.pos !== bytes.length) {
    fail('CBOR_TRAILING_BYTES', `${bytes.length - s.pos} byte(s) follow the data item`, s.pos);
  }
  return value;
}

function fail(code: ErrorCode, message: string, offset: number): never {
  throw new HemkitError(code, message, { offset });
}

function need(s: State, n: number, start: number): void {
  if (s.bytes.length - s.pos < n) {
    fail('CBOR_TRUNCATED', `expected ${n} more byte(s), found ${s.bytes.length - s.pos}`, start);
  }
}

/**
 * Reads the argument of a head whose initial byte is at `start` (RFC 8949 §3). Returns a number,
 * or a bigint when an 8-byte argument exceeds 2^53-1. Enforces the shortest form (§4.2.1).
 */
function readArgument(s: State, ai: number, major: number, start: number): number | bigint {
  const b = s.bytes;
  if (ai < 24) return ai;
  switch (ai) {
    case 24: {
      need(s, 1, start);
      const v = b[s.pos++];
      if (v < 24) fail('CBOR_NON_SHORTEST_HEAD', `argument ${v} written in 2 bytes; it fits in the initial byte`, start);
      return v;
    }
    case 25: {
      need(s, 2, start);
      const v = (b[s.pos] << 8) | b[s.pos + 1];
      s.pos += 2;
      if (v < 0x100) fail('CBOR_NON_SHORTEST_HEAD', `argument ${v} written in 3 bytes; it fits in 2`, start);
      return v;
    }
    case 26: {
      need(s, 4, start);
      const v = b[s.pos] * 0x1000000 + ((b[s.pos + 1] << 16) | (b[s.pos + 2] << 8) | b[s.pos + 3]);
      s.pos += 4;
      if (v < 0x10000) fail('CBOR_NON_SHORTEST_HEAD', `argument ${v} written in 5 bytes; it fits in 3`, start);
      return v;
    }
    case 27: {
      need(s, 8, start);
      const p = s.pos;
      const hi = b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
      const lo = b[p + 4] * 0x1000000 + ((b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]);
      s.pos += 8;
      if (hi === 0) fail('CBOR_NON_SHORTEST_HEAD', `argument ${lo} written in 9 bytes; it fits in 5`, start);
      if (hi < SAFE_HI_LIMIT) return hi * TWO_POW_32 + lo;
      return (BigInt(hi) << 32n) | BigInt(lo);
    }
    case 31:
      if (major === 2 || major === 3 || major === 4 || major === 5) {
        fail('CBOR_INDEFINITE_LENGTH', 'indefinite-length items are not allowed (RFC 8949 §4.2.1)', start);
      }
      return fail('CBOR_RESERVED_ADDITIONAL_INFO', `additional information 31 is not well-formed for major type ${major}`, start);
    default:
      return fail('CBOR_RESERVED_ADDITIONAL_INFO', `additional information ${ai} is reserved (RFC 8949 §3)`, start);
  }
}

/** A length argument must be a number no larger than what is left, or the item is truncated. */
function readLength(s: State, ai: number, major: number, start: number, minBytesPerUnit: number): number {
  const len = readArgument(s, ai, major, start);
  const left = s.bytes.length - s.pos;
  if (typeof len === 'bigint' || len * minBytesPerUnit > left) {
    const unit = major === 4 ? 'item(s)' : major === 5 ? 'entries' : 'byte(s)';
    fail('CBOR_TRUNCATED', `the head declares ${String(len)} ${unit}, but only ${left} byte(s) remain`, start);
  }
  return len;
}

function decodeItem(s: State, depth: number): CborValue {
  const start = s.pos;
  if (start >= s.bytes.length) fail('CBOR_TRUNCATED', 'expected a data item, found the end of the input', start);
  const ib = s.bytes[s.pos++];
  const major = ib >> 5;
  const ai = ib & 0x1f;
  switch (major) {
    case 0: {
      const v = readArgument(s, ai, major, start);
      return v;
    }
    case 1: {
      const v = readArgument(s, ai, major, start);
      // -1 - v stays a safe integer while v ≤ 2^53 - 2.
      if (typeof v === 'number' && v < Number.MAX_SAFE_INTEGER) return -1 - v;
      return -1n - BigInt(v);
    }
    case 2: {
      const len = readLength(s, ai, major, start, 1);
      // A fresh copy: a decoded byte string never aliases the caller's (possibly reused) buffer.
      // s.bytes is a plain Uint8Array (decode), whose slice copies; a Node Buffer's would not.
      const out = s.bytes.slice(s.pos, s.pos + len);
      s.pos += len;
      return out;
    }
    case 3: {
      const len = readLength(s, ai, major, start, 1);
      return readText(s, len, start);
    }
    case 4: {
      const len = readLength(s, ai, major, start, 1);
      enter(s, depth, start);
      const items = new Array<CborValue>(len);
      for (let i = 0; i < len; i++) items[i] = decodeItem(s, depth + 1);
      return items;
    }
    case 5: {
      const len = readLength(s, ai, major, start, 2);
      enter(s, depth, start);
      return decodeMapEntries(s, len, depth);
    }
    case 6:
      return decodeTag(s, ai, start, depth);
    default:
      return decodeSimple(s, ai, start);
  }
}

function enter(s: State, depth: number, start: number): void {
  if (depth >= s.maxDepth) {
    fail('CBOR_DEPTH_EXCEEDED', `arrays, maps and tags nest deeper than ${s.maxDepth} levels`, start);
  }
}

function readText(s: State, len: number, start: number): string {
  const b = s.bytes;
  const end = s.pos + len;
  // Short ASCII strings (claim names, labels) are the common case; skip TextDecoder for them.
  if (len <= 32) {
    let ascii = true;
    for (let i = s.pos; i < end; i++) {
      if (b[i] > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      // One flat string from the codes: `+=` would make one string per character, and from 13
      // characters on a chain of concatenations (V8 cons strings) that is flattened again later.
      ASCII_CODES.length = len;
      for (let i = 0; i < len; i++) ASCII_CODES[i] = b[s.pos + i];
      s.pos = end;
      return String.fromCharCode.apply(null, ASCII_CODES);
    }
  }
  try {
    const out = utf8Decoder.decode(b.subarray(s.pos, end));
    s.pos = end;
    return out;
  } catch (cause) {
    throw new HemkitError('CBOR_INVALID_UTF8', 'text string is not valid UTF-8', { offset: start, cause });
  }
}

/**
 * RFC 8949 §4.2.1: keys in bytewise lexicographic order of their encodings, which also rules out
 * duplicates. Keys are compared in place in the input, so checking order costs no allocation.
 */
function decodeMapEntries(s: State, len: number, depth: number): Map<CborMapKey, CborValue> {
  const map = new Map<CborMapKey, CborValue>();
  const b = s.bytes;
  let prevStart = -1;
  let prevEnd = -1;
  for (let i = 0; i < len; i++) {
    const keyStart = s.pos;
    if (keyStart >= b.length) fail('CBOR_TRUNCATED', 'expected a map key, found the end of the input', keyStart);
    const keyMajor = b[keyStart] >> 5;
    if (keyMajor !== 0 && keyMajor !== 1 && keyMajor !== 3) {
      fail('CBOR_INVALID_MAP_KEY', `map key of major type ${keyMajor}: keys must be integers or text strings`, keyStart);
    }
    const key = decodeItem(s, depth + 1) as CborMapKey;
    const keyEnd = s.pos;
    if (prevStart >= 0) {
      const order = compareRanges(b, prevStart, prevEnd, keyStart, keyEnd);
      if (order === 0) fail('CBOR_DUPLICATE_MAP_KEY', `map key ${String(key)} appears twice`, keyStart);
      if (order > 0) {
        fail('CBOR_UNSORTED_MAP_KEYS', `map key ${String(key)} sorts before the key preceding it (RFC 8949 §4.2.1)`, keyStart);
      }
    }
    prevStart = keyStart;
    prevEnd = keyEnd;
    map.set(key, decodeItem(s, depth + 1));
  }
  return map;
}

function compareRanges(b: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const aLen = aEnd - aStart;
  const bLen = bEnd - bStart;
  const n = aLen < bLen ? aLen : bLen;
  for (let i = 0; i < n; i++) {
    const d = b[aStart + i] - b[bStart + i];
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

function decodeTag(s: State, ai: number, start: number, depth: number): CborValue {
  const tag = readArgument(s, ai, 6, start);
  if (tag === TAG_POSITIVE_BIGNUM || tag === TAG_NEGATIVE_BIGNUM) {
    enter(s, depth, start);
    return decodeBignum(s, tag, start);
  }
  if (typeof tag === 'bigint' || !s.tags.has(tag)) {
    fail('CBOR_TAG_NOT_ALLOWED', `tag ${String(tag)} is not allowed here (allowed: ${[...s.tags].join(', ') || 'none'})`, start);
  }
  enter(s, depth, start);
  return new CborTag(tag, decodeItem(s, depth + 1));
}

/** RFC 8949 §3.4.3 preferred serialisation: only values beyond 64 bits, no leading zero bytes. */
function decodeBignum(s: State, tag: number, start: number): bigint {
  const contentStart = s.pos;
  if (contentStart >= s.bytes.length) fail('CBOR_TRUNCATED', `tag ${tag} has no content`, contentStart);
  const ib = s.bytes[contentStart];
  const contentMajor = ib >> 5;
  if (contentMajor !== 2) {
    fail('CBOR_INVALID_TAG_CONTENT', `tag ${tag} (bignum) must enclose a byte string, not major type ${contentMajor}`, contentStart);
  }
  // The byte string's head read as decodeItem reads it (same faults, same offsets), its content read
  // in place: the magnitude needs no copy of its bytes.
  s.pos++;
  const length = readLength(s, ib & 0x1f, 2, contentStart, 1);
  const from = s.pos;
  s.pos += length;
  const b = s.bytes;
  if (length <= 8 || b[from] === 0) {
    fail(
      'CBOR_NON_PREFERRED_BIGNUM',
      length > 0 && b[from] === 0
        ? `bignum has a leading zero byte`
        : `bignum of ${length} byte(s) fits in 64 bits: use major type ${tag === TAG_POSITIVE_BIGNUM ? 0 : 1}`,
      start,
    );
  }
  // Big-endian, 32 bits at a time (the first word takes the bytes left over): a handful of bigint
  // operations for a 128-bit counter, where text digits cost a string per byte.
  let i = from;
  const end = from + length;
  let word = 0;
  for (const first = from + (length % 4 || 4); i < first; i++) word = word * 256 + b[i];
  let magnitude = BigInt(word);
  while (i < end) {
    word = ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
    i += 4;
    magnitude = (magnitude << 32n) | BigInt(word);
  }
  return tag === TAG_POSITIVE_BIGNUM ? magnitude : -1n - magnitude;
}

function decodeSimple(s: State, ai: number, start: number): CborValue {
  switch (ai) {
    case 20:
      return false;
    case 21:
      return true;
    case 22:
      return null;
    case 24:
      need(s, 1, start);
      s.pos += 1;
      return fail('CBOR_SIMPLE_NOT_ALLOWED', `simple value ${s.bytes[start + 1]} is not allowed (only false, true, null)`, start);
    case 25:
    case 26:
    case 27: {
      const size = 1 << (ai - 24);
      need(s, size, start);
      return fail('CBOR_FLOAT_NOT_ALLOWED', `a ${size * 8}-bit float: the profile has no floating-point values`, start);
    }
    case 28:
    case 29:
    case 30:
      return fail('CBOR_RESERVED_ADDITIONAL_INFO', `additional information ${ai} is reserved (RFC 8949 §3)`, start);
    case 31:
      return fail('CBOR_INDEFINITE_LENGTH', 'a break code outside an indefinite-length item', start);
    default:
      return fail('CBOR_SIMPLE_NOT_ALLOWED', `simple value ${ai} is not allowed (only false, true, null)`, start);
  }
}
