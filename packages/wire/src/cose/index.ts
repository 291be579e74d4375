export * from './algorithms.js';
export {
  HEADER_ALG,
  HEADER_CONTENT_TYPE,
  HEADER_CRIT,
  HEADER_KID,
  HEADER_TYP,
  readTyp,
  type HeaderMap,
  type HeaderRules,
} from './headers.js';
export * from './key.js';
export * from './sign1.js';
export * from './sign.js';
export type { CoseSigner, CryptoOptions, DecodeRules } from './structure.js';
