/**
 * Byte-array helpers: the one byte equality, hex and base64 coding, and concatenation that every
 * hemkit package shares (`@hemkit/wire/bytes`). Plain ECMAScript, so that they run wherever the wire
 * layer does: no Buffer, no TextEncoder-free assumptions, no Node.
 */

import { utf8StrictDecoder } from './text.js';

/** Two hex digits for each byte value: one lookup a byte (accounting renders whole fleets in hex). */
const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Up to this many bytes, `+=` makes a flat string (V8 makes cons strings from 13 characters on). */
const SHORT_HEX = 6;
const HEX_DIGIT_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Whether `a` and `b` hold the same bytes (not constant-time: never use it on secrets). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The bytes in lowercase hex, two digits a byte. */
export function toHex(bytes: Uint8Array): string {
  if (bytes.length <= SHORT_HEX) {
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i] as number];
    return out;
  }
  // Longer, the digits are written as bytes and decoded once: a string built by `+=` is a tree of
  // concatenations (a V8 cons string), which a Map or Set keeps whole when the hex is a key (some
  // 400 bytes for a UEID's 34 digits, against some 60 flat), and accounting keys every chip and
  // state by its hex (issue 14). The decoder's output is one flat string, and faster to make.
  const digits = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    digits[2 * i] = HEX_DIGIT_CODES[b >> 4] as number;
    digits[2 * i + 1] = HEX_DIGIT_CODES[b & 15] as number;
  }
  return utf8StrictDecoder.decode(digits); // hex digits are ASCII, which UTF-8 reads as itself
}

/**
 * The bytes that `text` spells in hex (either case; ASCII whitespace between digits is ignored).
 * Throws a RangeError on an odd number of digits or a character that is not a hex digit.
 */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0) throw new RangeError(`hex text has an odd number of digits (${digits.length})`);
  if (!/^[0-9a-fA-F]*$/.test(digits)) throw new RangeError('hex text has a character that is not a hex digit');
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** `parts` end to end, in a new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function encode64(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + alphabet[(n >> 6) & 63] + alphabet[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + alphabet[(n >> 6) & 63] + (pad ? '=' : '');
  }
  return out;
}

/** RFC 4648 §4 base64, padded. */
export function toBase64(bytes: Uint8Array): string {
  return encode64(bytes, BASE64_ALPHABET, true);
}

/** RFC 4648 §5 base64url, unpadded (as in JWK). */
export function toBase64url(bytes: Uint8Array): string {
  return encode64(bytes, BASE64URL_ALPHABET, false);
}

/**
 * The bytes of RFC 4648 base64 or base64url text (padding optional). Throws a RangeError on a
 * character outside both alphabets or an impossible length.
 */
export function fromBase64(text: string): Uint8Array {
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) throw new RangeError('base64 text has an impossible length');
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const c of body) {
    let v = BASE64_ALPHABET.indexOf(c);
    if (v < 0) v = BASE64URL_ALPHABET.indexOf(c);
    if (v < 0) throw new RangeError(`base64 text has a character outside the alphabet: ${JSON.stringify(c)}`);
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out;
}
