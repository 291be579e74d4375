const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of a UEID: the key chips are matched by, and how reports name them. */
export function ueidHex(ueid: Uint8Array): string {
  let out = '';
  for (const byte of ueid) out += HEX[byte]!;
  return out;
}
