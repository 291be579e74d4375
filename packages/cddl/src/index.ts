/**
 * @hemkit/cddl: CDDL (RFC 8610) schemas, checked against CBOR.
 *
 * ```ts
 * const schema = parseCddl(readFileSync('specs/cddl/hemkit.cddl', 'utf8'));
 * const result = checkCbor(schema, bytes, 'checkpoint');
 * if (!result.ok) console.log(result.errors[0].path, result.errors[0].message);
 * ```
 */
export { parseCddl } from './schema/link.js';
export { CddlSchema } from './schema/schema.js';
export type { Rule, SourcePos } from './schema/ast.js';
export { validate, validateItem, checkCbor, assertValid } from './validate/validate.js';
export type { ValidateOptions, ValidationError, ValidationResult } from './validate/validate.js';
export type { DecodingMode } from './validate/match.js';
export { decodeWellFormed, type WellFormedOptions } from './data/decode.js';
export { fromCborValue, type RawItem } from './data/item.js';
