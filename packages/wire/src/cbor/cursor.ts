/**
 * A cursor over encoded CBOR for the message layer's fast path (messages/schema.ts: decodeAs), which
 * reads a message straight into its typed form without the intermediate maps that `decode` builds.
 *
 * It never throws and never judges: every read either returns what `decode` would have returned for
 * the same bytes, or MISS, and on MISS the caller decodes the whole input again with `decode`, which
 * then reports the fault (or accepts what the cursor chose not to handle). So the cursor may refuse
 * more than the profile does, never less, and each rule below is a copy of decode.ts's, read at the
 * same step: shortest-form heads, definite lengths, no reserved values, bignums in preferred form,
 * strict UTF-8, the nesting bound. What it does not handle (tags other than bignums, floats, simple
 * values other than false, true and null, maps keyed other than by ascending unsigned integers) is
 * MISS, which costs only the second decode.
 */
import { utf8StrictDecoder } from '../text.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_INPUT_BYTES, TAG_NEGATIVE_BIGNUM, TAG_POSITIVE_BIGNUM, type CborValue } from './value.js';

/** What a cursor read returns when it cannot vouch for the bytes: decode them with `decode`. */
export const MISS: unique symbol = Symbol('cbor-cursor-miss');
export type Miss = typeof MISS;

const TWO_POW_32 = 2 ** 32;
/** Above this, an 8-byte argument no longer fits a safe integer (decode.ts: SAFE_HI_LIMIT). */
const SAFE_HI_LIMIT = 2 ** 21;
/** The character codes of a short ASCII text string, reused (decode.ts: ASCII_CODES). */
const ASCII_CODES: number[] = [];

export class CborCursor {
  /** The input as a plain Uint8Array, so that slice() copies (decode.ts: State.bytes). */
  readonly bytes: Uint8Array;
  pos = 0;
  /** Containers entered and not yet left: decode's depth of the next item. */
  depth = 0;
  /** The major type and argument of the head last read by `head`. */
  major = 0;
  /** The argument as a number, or -1 when it needed a bigint (then in `bigArgument`). */
  argument = 0;
  bigArgument = 0n;

  /** A cursor, or undefined for an input that `decode` must judge (not a Uint8Array, or too large). */
  static over(bytes: Uint8Array): CborCursor | undefined {
    if (!(bytes instanceof Uint8Array) || bytes.length > DEFAULT_MAX_INPUT_BYTES) return undefined;
    return new CborCursor(bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  }

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  get done(): boolean {
    return this.pos === this.bytes.length;
  }

  /**
   * Reads one head: its major type into `major`, its argument into `argument` (decode.ts:
   * readArgument). False, with the position undefined, where decode would refuse the head (truncated,
   * not in shortest form, reserved, indefinite length).
   */
  head(): boolean {
    const b = this.bytes;
    let p = this.pos;
    if (p >= b.length) return false;
    const ib = b[p++]!;
    this.major = ib >> 5;
    const ai = ib & 0x1f;
    let v: number;
    if (ai < 24) v = ai;
    else if (ai === 24) {
      if (b.length - p < 1) return false;
      v = b[p]!;
      p += 1;
      if (v < 24) return false;
    } else if (ai === 25) {
      if (b.length - p < 2) return false;
      v = (b[p]! << 8) | b[p + 1]!;
      p += 2;
      if (v < 0x100) return false;
    } else if (ai === 26) {
      if (b.length - p < 4) return false;
      v = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
      p += 4;
      if (v < 0x10000) return false;
    } else if (ai === 27) {
      if (b.length - p < 8) return false;
      const hi = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
      const lo = b[p + 4]! * 0x1000000 + ((b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!);
      p += 8;
      if (hi === 0) return false;
      if (hi < SAFE_HI_LIMIT) v = hi * TWO_POW_32 + lo;
      else {
        v = -1;
        this.bigArgument = (BigInt(hi) << 32n) | BigInt(lo);
      }
    } else return false;
    this.argument = v;
    this.pos = p;
    return true;
  }

  /**
   * Reads the head of a container of major type 4 or 5 and enters it: its item or entry count, or
   * -1 where decode would refuse it (another type, more items than bytes left, too deep).
   */
  enter(major: 4 | 5): number {
    if (!this.head() || this.major !== major) return -1;
    const n = this.argument;
    // decode.ts readLength: at least one byte an item, two an entry; enter: the nesting bound.
    if (n < 0 || n * (major === 5 ? 2 : 1) > this.bytes.length - this.pos || this.depth >= DEFAULT_MAX_DEPTH) return -1;
    this.depth++;
    return n;
  }

  leave(): void {
    this.depth--;
  }

  /**
   * One map key that the fast path handles: an integer (major type 0 or 1) that fits a safe integer,
   * or NaN. Its head is left in `major` and `argument`: keys in the profile's order (RFC 8949 §4.2.1,
   * bytewise on the encoding) are those whose (major, argument) pairs ascend, as `after` tells.
   */
  intKey(): number {
    if (!this.head()) return NaN;
    const v = this.argument;
    if (this.major === 0 && v >= 0) return v;
    if (this.major === 1 && v >= 0 && v < Number.MAX_SAFE_INTEGER) return -1 - v;
    return NaN;
  }

  /**
   * Whether the key just read by `intKey` sorts after the one read before it, given as its (major,
   * argument): the shortest form of a larger argument is longer or, at one length, larger big-endian,
   * and major type 0 comes before major type 1, so this is the bytewise order decode enforces.
   */
  after(major: number, argument: number): boolean {
    return this.major > major || (this.major === major && this.argument > argument);
  }

  /**
   * One data item that is not a container: what decode.ts decodeItem returns for it, or MISS for
   * anything it would refuse, and for arrays, maps, and tags other than bignums.
   */
  value(): CborValue | Miss {
    const start = this.pos;
    if (!this.head()) return MISS;
    const v = this.argument;
    switch (this.major) {
      case 0:
        return v >= 0 ? v : this.bigArgument;
      case 1:
        // decode.ts: -1 - v stays a safe integer while v ≤ 2^53 - 2.
        return v >= 0 && v < Number.MAX_SAFE_INTEGER ? -1 - v : -1n - (v >= 0 ? BigInt(v) : this.bigArgument);
      case 2: {
        if (v < 0 || v > this.bytes.length - this.pos) return MISS;
        const out = this.bytes.slice(this.pos, this.pos + v);
        this.pos += v;
        return out;
      }
      case 3:
        return v < 0 || v > this.bytes.length - this.pos ? MISS : this.#text(v);
      case 6:
        return v === TAG_POSITIVE_BIGNUM || v === TAG_NEGATIVE_BIGNUM ? this.#bignum(v) : MISS;
      case 7:
        // Simple values 20, 21, 22 (false, true, null) are in the initial byte: no argument bytes.
        if (this.pos !== start + 1) return MISS;
        return v === 20 ? false : v === 21 ? true : v === 22 ? null : MISS;
      default:
        return MISS;
    }
  }

  /** Skips one data item of any kind that `value` or the containers accept; false where it cannot. */
  skip(): boolean {
    const b = this.bytes;
    if (this.pos >= b.length) return false;
    const major = b[this.pos]! >> 5;
    if (major === 4 || major === 5) {
      const n = this.enter(major);
      if (n < 0) return false;
      for (let i = 0; i < n * (major === 5 ? 2 : 1); i++) if (!this.skip()) return false;
      this.leave();
      return true;
    }
    return this.value() !== MISS;
  }

  #text(length: number): string | Miss {
    const b = this.bytes;
    const from = this.pos;
    const end = from + length;
    this.pos = end;
    // decode.ts readText: short ASCII strings from their codes, anything else through the strict decoder.
    if (length <= 32) {
      let ascii = true;
      for (let i = from; i < end; i++) {
        if (b[i]! > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        ASCII_CODES.length = length;
        for (let i = 0; i < length; i++) ASCII_CODES[i] = b[from + i]!;
        return String.fromCharCode.apply(null, ASCII_CODES);
      }
    }
    try {
      return utf8StrictDecoder.decode(b.subarray(from, end));
    } catch {
      return MISS;
    }
  }

  /** decode.ts decodeBignum, after the tag's head: a byte string in preferred serialisation. */
  #bignum(tag: number): bigint | Miss {
    if (this.depth >= DEFAULT_MAX_DEPTH) return MISS;
    if (!this.head() || this.major !== 2) return MISS;
    const length = this.argument;
    const b = this.bytes;
    const from = this.pos;
    if (length < 0 || length > b.length - from || length <= 8 || b[from] === 0) return MISS;
    this.pos = from + length;
    let i = from;
    const end = from + length;
    let word = 0;
    for (const first = from + (length % 4 || 4); i < first; i++) word = word * 256 + b[i]!;
    let magnitude = BigInt(word);
    while (i < end) {
      word = ((b[i]! << 24) >>> 0) + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
      i += 4;
      magnitude = (magnitude << 32n) | BigInt(word);
    }
    return tag === TAG_POSITIVE_BIGNUM ? magnitude : -1n - magnitude;
  }
}
