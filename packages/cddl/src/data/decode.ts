/**
 * A decoder for any well-formed CBOR (RFC 8949 §1.2, and the algorithm of its Appendix C), for data
 * that is not hemkit's: other projects' test vectors, COSE from other implementations. It accepts
 * what the profile refuses (any tag, floats, simple values, indefinite lengths, unsorted or
 * duplicate map keys, non-shortest heads) and keeps all of it visible to the validator, so a
 * schema decides what is allowed. It still refuses input that is not CBOR at all, with the codes
 * of @hemkit/wire's decoder.
 *
 * Text strings must be valid UTF-8: invalid text fails basic validity (RFC 8949 §5.3.1), and a
 * schema could not say anything useful about it.
 */
import { DEFAULT_MAX_INPUT_BYTES } from '@hemkit/wire/cbor';
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
import type { RawItem } from './item.js';

export interface WellFormedOptions {
  /** Nesting bound for arrays, maps and tags (default 64). */
  readonly maxDepth?: number;
  /** Largest input accepted, in bytes (default 1 MiB, as the profile decoder). */
  readonly maxInputBytes?: number;
}

const BREAK = 0xff;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface State {
  readonly bytes: Uint8Array;
  pos: number;
  readonly maxDepth: number;
}

/** Decodes exactly one well-formed data item that fills `bytes`. */
export function decodeWellFormed(bytes: Uint8Array, options: WellFormedOptions = {}): RawItem {
  if (!(bytes instanceof Uint8Array)) throw new HemkitError('CBOR_UNSUPPORTED_VALUE', 'decodeWellFormed expects a Uint8Array');
  const maxInput = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (bytes.length > maxInput) {
    throw new HemkitError('CBOR_INPUT_TOO_LARGE', `input is ${bytes.length} bytes; the bound is ${maxInput}`);
  }
  const s: State = { bytes, pos: 0, maxDepth: options.maxDepth ?? 64 };
  const item = readItem(s, 0);
  if (s.pos !== bytes.length) fail('CBOR_TRAILING_BYTES', `${bytes.length - s.pos} byte(s) follow the data item`, s.pos);
  return item;
}

function fail(code: ErrorCode, message: string, offset: number): never {
  throw new HemkitError(code, message, { offset });
}

function need(s: State, n: number, start: number): void {
  if (s.bytes.length - s.pos < n) fail('CBOR_TRUNCATED', `expected ${n} more byte(s), found ${s.bytes.length - s.pos}`, start);
}

/** The argument of a head (RFC 8949 §3): ai < 24 itself, 24..27 the next 1, 2, 4 or 8 bytes. */
function readArgument(s: State, ai: number, start: number): bigint {
  if (ai < 24) return BigInt(ai);
  if (ai > 27) fail('CBOR_RESERVED_ADDITIONAL_INFO', `additional information ${ai} is not well-formed here (RFC 8949 §3)`, start);
  const size = 1 << (ai - 24);
  need(s, size, start);
  let v = 0n;
  for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(s.bytes[s.pos + i]!);
  s.pos += size;
  return v;
}

/** A length that must fit in what remains of the input, checked before anything is allocated. */
function readLength(s: State, ai: number, start: number, minBytesEach: number): number {
  const len = readArgument(s, ai, start);
  const left = BigInt(s.bytes.length - s.pos);
  if (len * BigInt(minBytesEach) > left) fail('CBOR_TRUNCATED', `the head declares ${len} but only ${left} byte(s) remain`, start);
  return Number(len);
}

function enter(s: State, depth: number, start: number): void {
  if (depth >= s.maxDepth) fail('CBOR_DEPTH_EXCEEDED', `arrays, maps and tags nest deeper than ${s.maxDepth} levels`, start);
}

function readItem(s: State, depth: number): RawItem {
  const start = s.pos;
  need(s, 1, start);
  const ib = s.bytes[s.pos++]!;
  const major = ib >> 5;
  const ai = ib & 0x1f;
  if (ai === 31 && major !== 7) return readIndefinite(s, major, depth, start);
  switch (major) {
    case 0:
      return { kind: 'uint', value: readArgument(s, ai, start) };
    case 1:
      return { kind: 'nint', value: -1n - readArgument(s, ai, start) };
    case 2:
      return { kind: 'bytes', value: readBytes(s, readLength(s, ai, start, 1)) };
    case 3:
      return { kind: 'text', value: readText(s, readLength(s, ai, start, 1), start) };
    case 4: {
      const n = readLength(s, ai, start, 1);
      enter(s, depth, start);
      const items: RawItem[] = [];
      for (let i = 0; i < n; i++) items.push(readItem(s, depth + 1));
      return { kind: 'array', items };
    }
    case 5: {
      const n = readLength(s, ai, start, 2);
      enter(s, depth, start);
      const entries: [RawItem, RawItem][] = [];
      for (let i = 0; i < n; i++) entries.push([readItem(s, depth + 1), readItem(s, depth + 1)]);
      return { kind: 'map', entries };
    }
    case 6: {
      const tag = readArgument(s, ai, start);
      enter(s, depth, start);
      return { kind: 'tag', tag, content: readItem(s, depth + 1) };
    }
    default:
      return readSimple(s, ai, start);
  }
}

function readBytes(s: State, len: number): Uint8Array {
  const out = new Uint8Array(len);
  out.set(s.bytes.subarray(s.pos, s.pos + len));
  s.pos += len;
  return out;
}

function readText(s: State, len: number, start: number): string {
  try {
    const text = utf8.decode(s.bytes.subarray(s.pos, s.pos + len));
    s.pos += len;
    return text;
  } catch (cause) {
    throw new HemkitError('CBOR_INVALID_UTF8', 'text string is not valid UTF-8', { offset: start, cause });
  }
}

/** RFC 8949 §3.2: indefinite-length strings are definite chunks of the same major type, then a break. */
function readIndefinite(s: State, major: number, depth: number, start: number): RawItem {
  if (major === 0 || major === 1 || major === 6) {
    fail('CBOR_RESERVED_ADDITIONAL_INFO', `additional information 31 is not well-formed for major type ${major}`, start);
  }
  const atBreak = (): boolean => {
    need(s, 1, start);
    if (s.bytes[s.pos] !== BREAK) return false;
    s.pos++;
    return true;
  };
  if (major === 2 || major === 3) {
    const chunks: Uint8Array[] = [];
    const texts: string[] = [];
    while (!atBreak()) {
      const chunkStart = s.pos;
      const ib = s.bytes[s.pos++]!;
      if (ib >> 5 !== major || (ib & 0x1f) === 31) {
        fail('CBOR_INDEFINITE_LENGTH', `a chunk of an indefinite-length ${major === 2 ? 'byte' : 'text'} string must be a definite-length string of the same type`, chunkStart);
      }
      const len = readLength(s, ib & 0x1f, chunkStart, 1);
      if (major === 2) chunks.push(readBytes(s, len));
      else texts.push(readText(s, len, chunkStart));
    }
    if (major === 3) return { kind: 'text', value: texts.join('') };
    const total = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      total.set(c, offset);
      offset += c.length;
    }
    return { kind: 'bytes', value: total };
  }
  enter(s, depth, start);
  if (major === 4) {
    const items: RawItem[] = [];
    while (!atBreak()) items.push(readItem(s, depth + 1));
    return { kind: 'array', items };
  }
  const entries: [RawItem, RawItem][] = [];
  while (!atBreak()) {
    const key = readItem(s, depth + 1);
    if (s.bytes[s.pos] === BREAK) fail('CBOR_INDEFINITE_LENGTH', 'an indefinite-length map ends between a key and its value', s.pos);
    entries.push([key, readItem(s, depth + 1)]);
  }
  return { kind: 'map', entries };
}

function readSimple(s: State, ai: number, start: number): RawItem {
  if (ai < 24) return { kind: 'simple', value: ai };
  switch (ai) {
    case 24: {
      need(s, 1, start);
      const v = s.bytes[s.pos++]!;
      // RFC 8949 §3.3: the two-byte form of a value below 32 is not well-formed.
      if (v < 32) fail('CBOR_SIMPLE_NOT_ALLOWED', `simple value ${v} in two bytes is not well-formed (RFC 8949 §3.3)`, start);
      return { kind: 'simple', value: v };
    }
    case 25: {
      need(s, 2, start);
      const half = (s.bytes[s.pos]! << 8) | s.bytes[s.pos + 1]!;
      s.pos += 2;
      return { kind: 'float', value: decodeHalf(half), bits: 16 };
    }
    case 26: {
      need(s, 4, start);
      const value = new DataView(s.bytes.buffer, s.bytes.byteOffset + s.pos, 4).getFloat32(0);
      s.pos += 4;
      return { kind: 'float', value, bits: 32 };
    }
    case 27: {
      need(s, 8, start);
      const value = new DataView(s.bytes.buffer, s.bytes.byteOffset + s.pos, 8).getFloat64(0);
      s.pos += 8;
      return { kind: 'float', value, bits: 64 };
    }
    case 31:
      return fail('CBOR_INDEFINITE_LENGTH', 'a break code outside an indefinite-length item', start);
    default:
      return fail('CBOR_RESERVED_ADDITIONAL_INFO', `additional information ${ai} is reserved (RFC 8949 §3)`, start);
  }
}

/** IEEE 754 binary16, as in RFC 8949 Appendix D. */
function decodeHalf(half: number): number {
  const exp = (half >> 10) & 0x1f;
  const mant = half & 0x3ff;
  let val: number;
  if (exp === 0) val = mant * 2 ** -24;
  else if (exp !== 31) val = (mant + 1024) * 2 ** (exp - 25);
  else val = mant === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  return half & 0x8000 ? -val : val;
}
