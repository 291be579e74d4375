/** Console output for people: one place decides colour, so tests and pipes get plain text. */
import { toHex } from '@hemkit/wire/bytes';

const useColour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

const paint = (code: number) => (text: string) => (useColour ? `\u001b[${code}m${text}\u001b[0m` : text);

export const bold = paint(1);
export const dim = paint(2);
export const green = paint(32);
export const red = paint(31);
export const cyan = paint(36);

export function hexOf(bytes: Uint8Array, max = Infinity): string {
  const text = toHex(bytes.subarray(0, Math.min(bytes.length, max)));
  return bytes.length > max ? `${text}…` : text;
}

/** A count for people: exact digits, and the scientific form once it is long (1000000000000000000000000 (1e24)). */
export function count(n: bigint | number): string {
  const digits = n.toString();
  if (digits.length < 8 || digits.startsWith('-')) return digits;
  const mantissa = `${digits[0]}.${digits.slice(1, 4)}`.replace(/\.?0+$/, '');
  return `${digits} (${mantissa}e${digits.length - 1})`;
}
