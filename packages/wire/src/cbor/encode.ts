/**
 * Deterministic CBOR encoder: RFC 8949 §4.2.1 core deterministic encoding, as profiled in
 * specs/encoding.md.
 *
 * Why not cbor-x's encoder: it writes integers ≥ 2^32 as float64, BigInts always with 9-byte heads,
 * tags byte arrays on Node, and never sorts map keys (../shared/LIBRARY-FACTS.md). Each of those breaks
 * §4.2.1, and working around all four costs more than this file. cbor-x stays as the benchmark
 * baseline and as an independent decoder in the differential tests.
 */
import { utf8Encoder } from '../text.js';
import { HemkitError } from '../errors.js';
import {
  CborTag,
  DEFAULT_MAX_DEPTH,
  PROFILE_TAGS,
  TAG_NEGATIVE_BIGNUM,
  TAG_POSITIVE_BIGNUM,
  UINT64_MAX,
  type CborMapKey,
  type CborValue,
} from './value.js';

export interface EncodeOptions {
  /** Nesting bound for arrays, maps and tags (default 16); also stops cyclic structures. */
  readonly maxDepth?: number;
  /** Tags allowed besides bignums (default: the profile's). Encoding what the decoder would refuse is an error. */
  readonly allowedTags?: ReadonlySet<number>;
}

const TWO_POW_32 = 2 ** 32;
const textEncoder = utf8Encoder;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A growable output buffer. */
class Writer {
  buf: Uint8Array;
  len = 0;

  constructor(size = 256) {
    this.buf = new Uint8Array(size);
  }

  ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }

  /** Writes a head with the shortest argument encoding (RFC 8949 §4.2.1, first bullet). */
  head(major: number, arg: number): void {
    this.ensure(9);
    const b = this.buf;
    const m = major << 5;
    if (arg < 24) {
      b[this.len++] = m | arg;
    } else if (arg < 0x100) {
      b[this.len++] = m | 24;
      b[this.len++] = arg;
    } else if (arg < 0x10000) {
      b[this.len++] = m | 25;
      b[this.len++] = arg >>> 8;
      b[this.len++] = arg & 0xff;
    } else if (arg < TWO_POW_32) {
      b[this.len++] = m | 26;
      b[this.len++] = arg >>> 24;
      b[this.len++] = (arg >>> 16) & 0xff;
      b[this.len++] = (arg >>> 8) & 0xff;
      b[this.len++] = arg & 0xff;
    } else {
      // Safe integers reach 2^53: split arithmetically, since `>>` works on 32 bits only.
      const hi = Math.floor(arg / TWO_POW_32);
      const lo = arg - hi * TWO_POW_32;
      b[this.len++] = m | 27;
      b[this.len++] = hi >>> 24;
      b[this.len++] = (hi >>> 16) & 0xff;
      b[this.len++] = (hi >>> 8) & 0xff;
      b[this.len++] = hi & 0xff;
      b[this.len++] = lo >>> 24;
      b[this.len++] = (lo >>> 16) & 0xff;
      b[this.len++] = (lo >>> 8) & 0xff;
      b[this.len++] = lo & 0xff;
    }
  }

  /** A head whose argument is a bigint in 0..2^64-1. */
  headBig(major: number, arg: bigint): void {
    if (arg <= BigInt(Number.MAX_SAFE_INTEGER)) {
      this.head(major, Number(arg));
      return;
    }
    this.ensure(9);
    this.buf[this.len++] = (major << 5) | 27;
    for (let shift = 56n; shift >= 0n; shift -= 8n) this.buf[this.len++] = Number((arg >> shift) & 0xffn);
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  result(): Uint8Array {
    // A fresh copy: callers own what they get, and no later encode can overwrite it.
    return this.buf.slice(0, this.len);
  }
}

/** Encodes one value deterministically. Throws HemkitError for anything outside the profile's data model. */
export function encode(value: CborValue, options: EncodeOptions = {}): Uint8Array {
  // One scratch buffer for every top-level encode: result() copies out what was written, so the
  // buffer never escapes, and a fresh 256-byte buffer per call (an off-heap allocation, then a copy)
  // was most of what encoding a small message cost. An encode that starts while one is running
  // (none does today: encoding calls no caller code) gets a buffer of its own.
  if (scratchInUse) return encodeWith(new Writer(), value, options);
  scratchInUse = true;
  const w = scratch;
  w.len = 0;
  try {
    return encodeWith(w, value, options);
  } finally {
    scratchInUse = false;
    // A buffer grown past SCRATCH_KEEP by one large message is not kept for the small ones after it.
    if (w.buf.length > SCRATCH_KEEP) scratch = new Writer();
  }
}

function encodeWith(w: Writer, value: CborValue, options: EncodeOptions): Uint8Array {
  encodeInto(w, value, options.maxDepth ?? DEFAULT_MAX_DEPTH, options.allowedTags ?? PROFILE_TAGS);
  return w.result();
}

const SCRATCH_KEEP = 64 * 1024;
let scratch = new Writer();
let scratchInUse = false;

function encodeInto(w: Writer, value: CborValue, depthLeft: number, tags: ReadonlySet<number>): void {
  switch (typeof value) {
    case 'number':
      encodeNumber(w, value);
      return;
    case 'bigint':
      encodeBigint(w, value, depthLeft);
      return;
    case 'string':
      encodeText(w, value);
      return;
    case 'boolean':
      w.ensure(1);
      w.buf[w.len++] = value ? 0xf5 : 0xf4;
      return;
    case 'object':
      break;
    default:
      throw new HemkitError('CBOR_UNSUPPORTED_VALUE', `cannot encode a value of type ${typeof value}`);
  }
  if (value === null) {
    w.ensure(1);
    w.buf[w.len++] = 0xf6;
    return;
  }
  if (value instanceof Uint8Array) {
    w.head(2, value.length);
    w.bytes(value);
    return;
  }
  if (depthLeft <= 0) {
    throw new HemkitError('CBOR_DEPTH_EXCEEDED', 'value nests arrays, maps and tags deeper than the bound (or is cyclic)');
  }
  if (Array.isArray(value)) {
    const items = value as readonly CborValue[];
    w.head(4, items.length);
    for (const item of items) encodeInto(w, item, depthLeft - 1, tags);
    return;
  }
  if (value instanceof Map) {
    encodeMap(w, value as ReadonlyMap<CborMapKey, CborValue>, depthLeft, tags);
    return;
  }
  if (value instanceof CborTag) {
    encodeTag(w, value, depthLeft, tags);
    return;
  }
  throw new HemkitError(
    'CBOR_UNSUPPORTED_VALUE',
    `cannot encode ${describeObject(value)}: expected Uint8Array, array, Map or CborTag`,
  );
}

function encodeNumber(w: Writer, n: number): void {
  if (!Number.isInteger(n)) {
    throw new HemkitError('CBOR_FLOAT_NOT_ALLOWED', `cannot encode ${n}: the profile has no floating-point values`);
  }
  if (!Number.isSafeInteger(n)) {
    throw new HemkitError(
      'CBOR_UNSUPPORTED_VALUE',
      `cannot encode ${n}: a number beyond 2^53-1 has lost precision already; pass a bigint`,
    );
  }
  if (n >= 0) w.head(0, n);
  else w.head(1, -1 - n);
}

/** RFC 8949 §3.4.3: major types 0/1 up to 64 bits, tags 2/3 only beyond, content without leading zeros. */
function encodeBigint(w: Writer, n: bigint, depthLeft: number): void {
  const negative = n < 0n;
  const magnitude = negative ? -1n - n : n;
  if (magnitude <= UINT64_MAX) {
    w.headBig(negative ? 1 : 0, magnitude);
    return;
  }
  if (depthLeft <= 0) throw new HemkitError('CBOR_DEPTH_EXCEEDED', 'a bignum tag nests deeper than the bound');
  w.head(6, negative ? TAG_NEGATIVE_BIGNUM : TAG_POSITIVE_BIGNUM);
  let hex = magnitude.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  w.head(2, bytes.length);
  w.bytes(bytes);
}

function encodeText(w: Writer, s: string): void {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    w.head(3, s.length);
    w.ensure(s.length);
    for (let i = 0; i < s.length; i++) w.buf[w.len++] = s.charCodeAt(i);
    return;
  }
  // A lone surrogate has no UTF-8 form; TextEncoder would silently write U+FFFD instead.
  if (LONE_SURROGATE.test(s)) {
    throw new HemkitError('CBOR_UNSUPPORTED_VALUE', 'cannot encode a string with a lone UTF-16 surrogate');
  }
  const utf8 = textEncoder.encode(s);
  w.head(3, utf8.length);
  w.bytes(utf8);
}

function encodeTag(w: Writer, t: CborTag, depthLeft: number, tags: ReadonlySet<number>): void {
  if (t.tag === TAG_POSITIVE_BIGNUM || t.tag === TAG_NEGATIVE_BIGNUM) {
    throw new HemkitError('CBOR_UNSUPPORTED_VALUE', `tag ${t.tag} is a bignum: pass a bigint, which is encoded in preferred form`);
  }
  if (!Number.isSafeInteger(t.tag) || t.tag < 0 || !tags.has(t.tag)) {
    throw new HemkitError('CBOR_TAG_NOT_ALLOWED', `tag ${t.tag} is not allowed here (allowed: ${[...tags].join(', ') || 'none'})`);
  }
  w.head(6, t.tag);
  encodeInto(w, t.value, depthLeft - 1, tags);
}

/**
 * RFC 8949 §4.2.1: keys sorted by the bytewise lexicographic order of their deterministic encodings.
 * Keys are encoded once into one scratch buffer, sorted by index, then copied out in order.
 */
function encodeMap(w: Writer, map: ReadonlyMap<CborMapKey, CborValue>, depthLeft: number, tags: ReadonlySet<number>): void {
  if (hasOnlySafeIntegerKeys(map)) {
    encodeIntegerKeyedMap(w, map, depthLeft, tags);
    return;
  }
  const size = map.size;
  const keyWriter = new Writer();
  const starts = new Array<number>(size + 1);
  const values = new Array<CborValue>(size);
  let i = 0;
  for (const [key, value] of map) {
    starts[i] = keyWriter.len;
    switch (typeof key) {
      case 'number':
        encodeNumber(keyWriter, key);
        break;
      case 'bigint':
        if (key > UINT64_MAX || key < -1n - UINT64_MAX) {
          throw new HemkitError('CBOR_INVALID_MAP_KEY', 'a map key must fit in 64 bits: bignum keys are not allowed');
        }
        encodeBigint(keyWriter, key, 1);
        break;
      case 'string':
        encodeText(keyWriter, key);
        break;
      default:
        throw new HemkitError('CBOR_INVALID_MAP_KEY', `a map key must be an integer or a text string, not ${describeObject(key)}`);
    }
    values[i] = value;
    i++;
  }
  starts[size] = keyWriter.len;
  const keyBytes = keyWriter.buf;
  const order = Array.from({ length: size }, (_, k) => k);
  order.sort((a, b) => compareBytes(keyBytes, starts[a], starts[a + 1], starts[b], starts[b + 1]));
  w.head(5, size);
  for (let k = 0; k < size; k++) {
    const idx = order[k];
    if (k > 0) {
      const prev = order[k - 1];
      if (compareBytes(keyBytes, starts[prev], starts[prev + 1], starts[idx], starts[idx + 1]) === 0) {
        throw new HemkitError('CBOR_DUPLICATE_MAP_KEY', 'two map keys have the same encoding (for example 1 and 1n)');
      }
    }
    w.bytes(keyBytes.subarray(starts[idx], starts[idx + 1]));
    encodeInto(w, values[idx], depthLeft - 1, tags);
  }
}

function hasOnlySafeIntegerKeys(map: ReadonlyMap<CborMapKey, CborValue>): boolean {
  for (const key of map.keys()) if (typeof key !== 'number' || !Number.isSafeInteger(key)) return false;
  return true;
}

/**
 * The common case (COSE headers, CWT/EAT claims): integer keys only. For integers, the bytewise
 * order of shortest-form encodings is numeric order within each major type, with major type 0
 * (n ≥ 0, ascending) before major type 1 (n < 0, argument -1-n ascending, so n descending), so
 * sorting numbers gives the §4.2.1 order without encoding keys twice. Map keys are unique
 * under SameValueZero, so no two can share an encoding here.
 */
function encodeIntegerKeyedMap(
  w: Writer,
  map: ReadonlyMap<CborMapKey, CborValue>,
  depthLeft: number,
  tags: ReadonlySet<number>,
): void {
  const keys = [...map.keys()] as number[];
  keys.sort(compareIntegerKeys);
  w.head(5, keys.length);
  for (const key of keys) {
    encodeNumber(w, key);
    encodeInto(w, map.get(key) as CborValue, depthLeft - 1, tags);
  }
}

function compareIntegerKeys(a: number, b: number): number {
  if (a >= 0) return b >= 0 ? a - b : -1;
  return b >= 0 ? 1 : b - a;
}

/** Bytewise lexicographic comparison of two ranges of one buffer; a proper prefix sorts first. */
export function compareBytes(buf: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const aLen = aEnd - aStart;
  const bLen = bEnd - bStart;
  const n = aLen < bLen ? aLen : bLen;
  for (let i = 0; i < n; i++) {
    const d = buf[aStart + i] - buf[bStart + i];
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

function describeObject(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object' || value === null) return typeof value;
  return `an object of type ${value.constructor?.name ?? 'Object'}`;
}
