/**
 * Reading schemas: what the grammar of RFC 8610 Appendix B accepts, where an error is reported,
 * and which features are refused by name rather than misread.
 */
import { describe, expect, it } from 'vitest';
import { parseCddl, validate } from '../src/index.js';
import { PRELUDE } from '../src/schema/prelude.js';
import { check, expectCode, readRepoFile } from './support.js';

describe('parseCddl', () => {
  it('takes the first rule as the root (RFC 8610 §3.1)', () => {
    const schema = parseCddl('message = [id, body]\nid = uint\nbody = tstr\n');
    expect(schema.root).toBe('message');
    expect(schema.ruleNames).toEqual(['message', 'id', 'body']);
  });

  it('reports a syntax error with its line and column', () => {
    const error = expectCode(() => parseCddl('a = {\n  1 => ,\n}\n'), 'CDDL_SYNTAX');
    expect(error.message).toBe("2:8: expected a type, found ','");
  });

  it('says where an unclosed bracket was opened', () => {
    const error = expectCode(() => parseCddl('a = 1\nb = [ int,\n  tstr\n'), 'CDDL_SYNTAX');
    expect(error.message).toMatch(/^4:1: '\[' opened at 2:5 is never closed$/);
  });

  it('refuses a rule defined twice, naming the first definition', () => {
    const error = expectCode(() => parseCddl('a = int\nb = tstr\na = bstr\n'), 'CDDL_SYNTAX');
    expect(error.message).toBe("3:1: 'a' is already defined at 1:1; use /= or //= to add choices");
  });

  it('reports every undefined name, the first with its position', () => {
    const error = expectCode(() => parseCddl('a = [b, c]\nb = d\n'), 'CDDL_UNDEFINED_RULE');
    expect(error.message).toBe("1:9: 'c' is not defined (also undefined: 'd' at 2:5)");
  });

  it('refuses generics, sockets and unimplemented control operators by name', () => {
    expect(expectCode(() => parseCddl('pair<T> = [T, T]'), 'CDDL_UNSUPPORTED_FEATURE').message).toMatch(/generic/);
    expect(expectCode(() => parseCddl('a = [pair<int>]'), 'CDDL_UNSUPPORTED_FEATURE').message).toMatch(/generic/);
    expect(expectCode(() => parseCddl('a = { * $$ext }'), 'CDDL_UNSUPPORTED_FEATURE').message).toMatch(/socket/);
    expect(expectCode(() => parseCddl('a = tstr .regexp "[a-z]+"'), 'CDDL_UNSUPPORTED_FEATURE').message).toBe(
      "1:10: control operator .regexp is not supported (supported: .size .bits .cbor .lt .le .gt .ge .eq .ne .default .within .and)",
    );
  });

  it('refuses a group where a type is needed', () => {
    const error = expectCode(() => parseCddl('a = { b => pair }\npair = (x: int, y: int)\nb = 1\n'), 'CDDL_SYNTAX');
    expect(error.message).toBe("1:12: 'pair' is a group; it cannot stand where a type is expected");
  });

  it('refuses a map member without a key, also when it comes from a group rule', () => {
    expect(expectCode(() => parseCddl('a = { int }'), 'CDDL_SYNTAX').message).toMatch(/^1:7: map member 'int' has no key/);
    expect(expectCode(() => parseCddl('a = { g }\ng = (1 => int, tstr)'), 'CDDL_SYNTAX').message).toMatch(
      /^2:16: 'g' is used inside a map, but its member 'tstr' has no key/,
    );
  });

  it('refuses a rule that reaches itself without consuming data, and allows recursion through an array', () => {
    expect(expectCode(() => parseCddl('a = b / int\nb = a\n'), 'CDDL_SYNTAX').message).toBe(
      "1:1: 'a' refers to itself (a → b → a) without an enclosing map, array or tag",
    );
    const tree = parseCddl('tree = [* tree] / uint');
    expect(validate(tree, 'tree', [[1, [2]], 3])).toEqual({ ok: true });
  });

  it('refuses a range whose bounds are not two numbers of one kind', () => {
    expect(expectCode(() => parseCddl('a = 1..2.5'), 'CDDL_SYNTAX').message).toMatch(/^1:5: range '1..2.5' needs two integer or two float values/);
    expect(expectCode(() => parseCddl('a = lo .. "z"\nlo = 1'), 'CDDL_SYNTAX').message).toMatch(/needs two integer/);
  });

  it('warns when the schema redefines a prelude rule, and uses the schema\'s definition', () => {
    const schema = parseCddl('msg = [time]\ntime = int\n');
    expect(schema.warnings).toEqual(["2:1: 'time' redefines the RFC 8610 prelude rule of that name; this schema's definition is used"]);
    expect(validate(schema, 'msg', [1700000000])).toEqual({ ok: true });
  });

  it('defines every name of the RFC 8610 Appendix D prelude', () => {
    // The names as RFC 8610 Appendix D lists them.
    const appendixD = [
      'any', 'uint', 'nint', 'int', 'bstr', 'bytes', 'tstr', 'text', 'tdate', 'time', 'number', 'biguint',
      'bignint', 'bigint', 'integer', 'unsigned', 'decfrac', 'bigfloat', 'eb64url', 'eb64legacy', 'eb16',
      'encoded-cbor', 'uri', 'b64url', 'b64legacy', 'regexp', 'mime-message', 'cbor-any', 'float16',
      'float32', 'float64', 'float16-32', 'float32-64', 'float', 'false', 'true', 'bool', 'nil', 'null',
      'undefined',
    ];
    const defined = [...PRELUDE.matchAll(/^([a-z0-9-]+) =/gm)].map((m) => m[1]!);
    expect([...defined].sort()).toEqual([...appendixD].sort());
    const schema = parseCddl(`all = [${appendixD.join(', ')}]`);
    expect(appendixD.every((n) => schema.rules.get(n)?.prelude === true)).toBe(true);
  });

  it('merges /= type choices and //= group choices (RFC 8610 §3.4)', () => {
    const schema = parseCddl('a = int\na /= tstr\nm = { g }\ng = (1 => int)\ng //= (2 => tstr)\n');
    expect(validate(schema, 'a', 'x')).toEqual({ ok: true });
    expect(validate(schema, 'a', true).ok).toBe(false);
    expect(validate(schema, 'm', new Map([[2, 'x']]))).toEqual({ ok: true });
    expect(validate(schema, 'm', new Map([[1, 'x']])).ok).toBe(false);
  });

  it('reads text escapes, byte-string forms and number forms', () => {
    expect(check('a = "caf\\u00e9 \\"x\\" \\u{1F600}"', 'café "x" 😀')).toEqual({ ok: true });
    expect(check("a = h'01 02\n  03'", new Uint8Array([1, 2, 3]))).toEqual({ ok: true });
    expect(check("a = b64'AQID'", new Uint8Array([1, 2, 3]))).toEqual({ ok: true });
    expect(check("a = 'hi'", new Uint8Array([0x68, 0x69]))).toEqual({ ok: true });
    expect(check('a = 0x10 / 0b11 / -0x2', 16)).toEqual({ ok: true });
    expect(check('a = 0x10 / 0b11 / -0x2', -2)).toEqual({ ok: true });
    expect(check('a = 0x10 / 0b11 / -0x2', 3)).toEqual({ ok: true });
    expectCode(() => parseCddl('a = 007'), 'CDDL_SYNTAX');
    expectCode(() => parseCddl("a = h'123'"), 'CDDL_SYNTAX');
    expectCode(() => parseCddl('a = "\\q"'), 'CDDL_SYNTAX');
  });

  it('refuses a validation against a rule that does not exist or is a group', () => {
    const schema = parseCddl('a = [g]\ng = (int, int)');
    expectCode(() => validate(schema, 'b', 1), 'CDDL_UNDEFINED_RULE');
    expect(expectCode(() => validate(schema, 'g', 1), 'CDDL_UNDEFINED_RULE').message).toMatch(/is a group, not a type/);
  });

  it('reads the COSE working group\'s examples.cddl as invalid: it uses "/" between groups where RFC 8610 needs "//"', () => {
    // test-vectors/external/cose-wg-examples/examples.cddl describes the JSON example files, not
    // CBOR, and is not valid CDDL: `(enveloped: Enveloped) / (encrypt: Encrypt) / …` is a group
    // choice written with the type-choice operator, and later rules use '#' comments and a ')'
    // closed by '}'. The first of these is where a conforming parser must stop.
    const error = expectCode(() => parseCddl(readRepoFile('test-vectors/external/cose-wg-examples/examples.cddl')), 'CDDL_SYNTAX');
    expect(error.message).toBe('13:4: a parenthesised group is used as a type (a key or an operand)');
  });
});
