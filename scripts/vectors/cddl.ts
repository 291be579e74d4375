/**
 * test-vectors/cddl/schemas.json: the hemkit CDDL checker (packages/cddl; RFC 8610 as
 * specs/README.md §Conventions restricts it). A vector is a schema, and optionally a CBOR item to
 * check against one of its rules: the schema must parse (or fail with CDDL_SYNTAX,
 * CDDL_UNDEFINED_RULE or CDDL_UNSUPPORTED_FEATURE), then the item must match (or fail with
 * CDDL_VALIDATION_FAILED, or CDDL_UNDEFINED_RULE for a rule the schema does not define as a type).
 */
import { CborTag, decode, encode, type CborMapKey, type CborValue } from '@hemkit/wire/cbor';
import { assertValid, parseCddl } from '@hemkit/cddl';
import { confirm, fromHex, hex, renderVectorFile, type VectorBase } from './vector-file.js';

export const CDDL_FORMAT = 'hemkit-cddl/v1';

interface CddlVector extends VectorBase {
  readonly schema: string;
  /** The rule to check `input` against; absent: the schema's first rule (RFC 8610 §3.1). */
  readonly rule?: string;
  /** A CBOR item in the hemkit profile; absent: the vector is about the schema alone. */
  readonly input?: string;
}

/** Parses the schema and checks the item, as the file's procedure says. */
export function runCddlVector(v: { schema: string; rule?: string; input?: string }): void {
  const schema = parseCddl(v.schema);
  if (v.input !== undefined) assertValid(schema, v.rule ?? schema.root, decode(fromHex(v.input)));
}

const m = (entries: readonly (readonly [CborMapKey, CborValue])[]) => new Map<CborMapKey, CborValue>(entries);

const CLAIMS = `claims = {
  claim.iss => tstr,
  ? claim.exp => time,
  claim.ueid => bstr .size (7..33),
}
time = int
claim.iss = 1
claim.exp = 4
claim.ueid = 256
`;
const COUNTER = `counter = uint / biguint-128
biguint-128 = #6.2(bstr .size (9..16))
`;
const ENVELOPE = `signed = #6.18([
  protected: bstr .cbor header,
  unprotected: {},
  payload: bstr .cbor claims,
  signature: bstr .size 64,
])
header = { 1 => -8 / -19, ? 4 => bstr }
claims = [+ uint]
`;
const UEID = new Uint8Array(17).fill(1);

function cases(): CddlVector[] {
  const ok = (id: string, description: string, schema: string, input?: CborValue, rule?: string): CddlVector =>
    ({ id, description, schema, ...(rule ? { rule } : {}), ...(input !== undefined ? { input: hex(encode(input)) } : {}), result: 'valid' });
  const bad = (id: string, code: string, description: string, schema: string, input?: CborValue, rule?: string): CddlVector =>
    ({ id, description, schema, ...(rule ? { rule } : {}), ...(input !== undefined ? { input: hex(encode(input)) } : {}), result: 'invalid', code });
  const claims = m([[1, 'hemkit-sim-fab'], [256, UEID]]);
  const signed = (header: CborValue, payload: CborValue, signature = new Uint8Array(64)) =>
    new CborTag(18, [encode(header), m([]), encode(payload), signature]);
  return [
    ok('schema-only', 'a schema with named key constants, checked on its own', CLAIMS),
    ok('claims-optional-absent', 'a closed map with its optional member absent', CLAIMS, claims),
    ok('claims-optional-present', 'the optional member present', CLAIMS, m([[1, 'hemkit-sim-fab'], [4, 1_800_000_000], [256, UEID]])),
    ok('counter-uint', 'a counter as major type 0', COUNTER, 2n ** 64n - 1n),
    ok('counter-bignum', 'a counter of 2^128-1 as tag 2 and 16 bytes', COUNTER, 2n ** 128n - 1n),
    ok('nested-cbor', 'a COSE_Sign1-shaped item whose bstr .cbor members hold a header and a payload', ENVELOPE, signed(m([[1, -8]]), [1, 2, 3])),
    ok('rule-named', 'an item checked against a rule other than the first', ENVELOPE, m([[1, -19], [4, new Uint8Array(32)]]), 'header'),
    bad('syntax-missing-value', 'CDDL_SYNTAX', 'a map member with a key and no value', 'a = {\n  1 => ,\n}\n'),
    bad('syntax-unclosed-array', 'CDDL_SYNTAX', 'an array that is never closed', 'a = 1\nb = [ int,\n  tstr\n'),
    bad('syntax-rule-twice', 'CDDL_SYNTAX', 'rule a defined twice with =', 'a = int\nb = tstr\na = bstr\n'),
    bad('syntax-leading-zero', 'CDDL_SYNTAX', 'an integer literal with a leading zero (RFC 8610 Appendix B)', 'a = 007\n'),
    bad('syntax-odd-hex', 'CDDL_SYNTAX', "a byte-string literal h'123' with an odd number of digits", "a = h'123'\n"),
    bad('syntax-member-without-key', 'CDDL_SYNTAX', 'a map member that is a bare type', 'a = { int }\n'),
    bad('syntax-empty-schema', 'CDDL_SYNTAX', 'a schema of comments only: RFC 8610 §3.1 needs one rule', '; nothing here\n'),
    bad('undefined-rule-in-schema', 'CDDL_UNDEFINED_RULE', 'rules c and d are used but never defined', 'a = [b, c]\nb = d\n'),
    bad('undefined-rule-asked', 'CDDL_UNDEFINED_RULE', 'an item checked against a rule the schema does not define', CLAIMS, claims, 'licence'),
    bad('undefined-rule-group-asked', 'CDDL_UNDEFINED_RULE', 'an item checked against a group rule: data items match types', 'a = { g }\ng = (1 => int)\n', m([[1, 1]]), 'g'),
    bad('unsupported-generic-definition', 'CDDL_UNSUPPORTED_FEATURE', 'a rule with generic parameters', 'pair<T> = [T, T]\n'),
    bad('unsupported-generic-use', 'CDDL_UNSUPPORTED_FEATURE', 'a generic argument', 'a = [pair<int>]\n'),
    bad('unsupported-socket', 'CDDL_UNSUPPORTED_FEATURE', 'a group socket $$ext', 'a = { * $$ext }\n'),
    bad('unsupported-regexp', 'CDDL_UNSUPPORTED_FEATURE', 'the .regexp control operator', 'a = tstr .regexp "[a-z]+"\n'),
    bad('validation-wrong-type', 'CDDL_VALIDATION_FAILED', 'iss as an integer', CLAIMS, m([[1, 7], [256, UEID]])),
    bad('validation-closed-map', 'CDDL_VALIDATION_FAILED', 'a key the map does not list: maps are closed', CLAIMS, m([[1, 'hemkit-sim-fab'], [99, 0], [256, UEID]])),
    bad('validation-missing-member', 'CDDL_VALIDATION_FAILED', 'a required member absent', CLAIMS, m([[1, 'hemkit-sim-fab']])),
    bad('validation-size', 'CDDL_VALIDATION_FAILED', 'a UEID of 6 bytes against .size (7..33)', CLAIMS, m([[1, 'hemkit-sim-fab'], [256, new Uint8Array(6)]])),
    bad('validation-counter-2pow128', 'CDDL_VALIDATION_FAILED', 'a counter of 2^128 (17 bytes) against biguint-128', COUNTER, 2n ** 128n),
    bad('validation-counter-negative', 'CDDL_VALIDATION_FAILED', 'a negative counter', COUNTER, -1),
    bad('validation-nested-cbor', 'CDDL_VALIDATION_FAILED', 'a header whose alg is -7, inside bstr .cbor', ENVELOPE, signed(m([[1, -7]]), [1])),
    bad('validation-empty-array', 'CDDL_VALIDATION_FAILED', 'an empty payload array against [+ uint]', ENVELOPE, signed(m([[1, -8]]), [])),
    bad('validation-wrong-tag', 'CDDL_VALIDATION_FAILED', 'tag 98 where the rule says #6.18', ENVELOPE, new CborTag(98, [encode(m([[1, -8]])), m([]), encode([1]), new Uint8Array(64)])),
  ];
}

export function generateCddlVectors(): Map<string, string> {
  const vectors = cases();
  for (const v of vectors) confirm(`cddl vector ${v.id}`, v, () => runCddlVector(v));
  const text = renderVectorFile(
    {
      format: CDDL_FORMAT,
      generator: 'npm run vectors (scripts/vectors/cddl.ts)',
      description: 'The hemkit CDDL checker: schemas that parse or fail with their code, and CBOR items that match a rule or fail validation',
    },
    vectors,
  );
  return new Map([['cddl/schemas.json', text]]);
}
