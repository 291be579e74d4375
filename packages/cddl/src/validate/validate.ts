/** The public checks: a decoded value, or encoded bytes, against a rule of a schema. */
import type { CborValue } from '@hemkit/wire/cbor';
import { HemkitError } from '@hemkit/wire/errors';
import { fromCborValue, type RawItem } from '../data/item.js';
import type { CddlSchema } from '../schema/schema.js';
import { decodeWith, Matcher, renderPath, type DecodingMode } from './match.js';

export interface ValidateOptions {
  /**
   * How byte strings are decoded, by checkCbor and inside `.cbor`: 'profile' (the default) with
   * @hemkit/wire's strict decoder, so hemkit's messages are also held to the encoding profile;
   * 'well-formed' for foreign data, which may use tags, floats or encodings the profile refuses.
   */
  readonly decoding?: DecodingMode;
}

export interface ValidationError {
  /** Where in the data, as rule names, member names and keys: `licence > payload [2] > licence-claims > ops-quota (key -72018)`. */
  readonly path: string;
  readonly message: string;
}

/**
 * `errors` holds the most specific failure the matcher found (the deepest point in the data it
 * reached): with choices and backtracking there is no single "the" error, and the deepest one is
 * the one a reader can act on.
 */
export type ValidationResult = { readonly ok: true } | { readonly ok: false; readonly errors: readonly ValidationError[] };

/**
 * Checks a value in @hemkit/wire's data model against a type rule. A Uint8Array is a byte string
 * value (it is one in the data model); to check encoded bytes, use checkCbor.
 */
export function validate(schema: CddlSchema, ruleName: string, value: CborValue | Uint8Array, options: ValidateOptions = {}): ValidationResult {
  return validateItem(schema, ruleName, fromCborValue(value), options);
}

/** Checks an item already in raw form (from decodeWellFormed, say). */
export function validateItem(schema: CddlSchema, ruleName: string, item: RawItem, options: ValidateOptions = {}): ValidationResult {
  const rule = schema.rules.get(ruleName);
  if (!rule) throw new HemkitError('CDDL_UNDEFINED_RULE', `the schema defines no rule '${ruleName}'`);
  if (rule.kind !== 'type') {
    throw new HemkitError('CDDL_UNDEFINED_RULE', `'${ruleName}' is a group, not a type: data items are checked against types`);
  }
  const matcher = new Matcher(schema, options.decoding ?? 'profile');
  if (matcher.rule(ruleName, item)) return { ok: true };
  const failure = matcher.best;
  return {
    ok: false,
    errors: [{ path: renderPath(failure?.path, ruleName), message: failure?.message ?? `does not match ${ruleName}` }],
  };
}

/**
 * Decodes `bytes` and checks the item against `rule`, by default the schema's first rule (RFC 8610
 * §3.1). Bytes that do not decode throw the decoder's HemkitError (CBOR_*): that is a fault of
 * the encoding, which no schema can excuse.
 */
export function checkCbor(schema: CddlSchema, bytes: Uint8Array, rule: string = schema.root, options: ValidateOptions = {}): ValidationResult {
  if (!schema.rules.has(rule)) throw new HemkitError('CDDL_UNDEFINED_RULE', `the schema defines no rule '${rule}'`);
  return validateItem(schema, rule, decodeWith(options.decoding ?? 'profile', bytes), options);
}

/** validate, throwing CDDL_VALIDATION_FAILED ("path: message") when the value does not match. */
export function assertValid(schema: CddlSchema, ruleName: string, value: CborValue | Uint8Array, options: ValidateOptions = {}): void {
  const result = validate(schema, ruleName, value, options);
  if (!result.ok) {
    const [first] = result.errors;
    throw new HemkitError('CDDL_VALIDATION_FAILED', `${first!.path}: ${first!.message}`);
  }
}
