/**
 * What a person hands the inspector, as bytes: pasted text is hex (white space and a leading `0x`
 * allowed), else base64 or base64url (RFC 4648), else the text's own UTF-8 bytes; a file is taken as
 * it is, unless it holds nothing but hex digits and white space (what `hemkit inspect` accepts too).
 * The reading is named, so the page can say how it read the input.
 */
import { fromBase64, fromHex } from '@hemkit/wire/bytes';

export type InputReading = 'hex' | 'base64' | 'text' | 'file';

export interface ReadInput {
  readonly bytes: Uint8Array;
  readonly reading: InputReading | 'hex file';
}

const HEX = /^(?:0x)?((?:[0-9a-fA-F]{2})+)$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HEX_TEXT = /^[\s0-9a-fA-F]+$/;

/** Pasted text as bytes; the empty string (after trimming) is no input at all. */
export function readText(text: string): ReadInput | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0) return undefined;
  const hex = HEX.exec(compact);
  if (hex !== null) return { bytes: fromHex(hex[1]!.toLowerCase()), reading: 'hex' };
  if (BASE64.test(compact) && compact.replace(/=+$/, '').length % 4 !== 1) return { bytes: fromBase64(compact), reading: 'base64' };
  return { bytes: new TextEncoder().encode(text), reading: 'text' };
}

/** A file's bytes: raw, or hex text when it is nothing but hex digits and white space. */
export function readFile(raw: Uint8Array): ReadInput {
  const text = new TextDecoder('latin1').decode(raw);
  if (raw.length > 0 && HEX_TEXT.test(text)) {
    const digits = text.replace(/\s+/g, '');
    if (digits.length % 2 === 0 && digits.length > 0) return { bytes: fromHex(digits.toLowerCase()), reading: 'hex file' };
  }
  return { bytes: raw, reading: 'file' };
}
