export { encode, type EncodeOptions } from './encode.js';
export { decode, type DecodeOptions } from './decode.js';
export { toDiagnostic, type DiagnosticOptions } from './diagnostic.js';
export * from './value.js';
