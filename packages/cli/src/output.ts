/** Console output for people: one place decides colour, so tests and pipes get plain text. */
const useColour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

const paint = (code: number) => (text: string) => (useColour ? `\u001b[${code}m${text}\u001b[0m` : text);

export const bold = paint(1);
export const dim = paint(2);
export const green = paint(32);
export const red = paint(31);
export const cyan = paint(36);

export function hexOf(bytes: Uint8Array, max = Infinity): string {
  const text = Buffer.from(bytes.subarray(0, Math.min(bytes.length, max))).toString('hex');
  return bytes.length > max ? `${text}…` : text;
}
