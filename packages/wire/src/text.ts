/**
 * UTF-8 through the WHATWG Encoding API (TextEncoder, TextDecoder), which every runtime the wire layer
 * targets has (browsers, Node.js, Deno, Bun), typed here so that the wire layer compiles against the
 * ECMAScript library alone, without DOM or Node type definitions.
 */
interface Utf8Encoder {
  encode(text: string): Uint8Array;
}
interface Utf8Decoder {
  decode(bytes: Uint8Array): string;
}
interface EncodingApi {
  readonly TextEncoder: new () => Utf8Encoder;
  readonly TextDecoder: new (label: 'utf-8', options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
}

const encoding = globalThis as unknown as EncodingApi;

/** A UTF-8 encoder (TextEncoder writes U+FFFD for a lone surrogate: check first where that matters). */
export const utf8Encoder: Utf8Encoder = new encoding.TextEncoder();

/** A strict UTF-8 decoder: throws on malformed input, keeps a leading BOM. */
export const utf8StrictDecoder: Utf8Decoder = new encoding.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
