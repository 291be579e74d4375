/**
 * `hemkit spec check --json-schema NAME <file>...` (issue 10): JSON inputs and outputs against their
 * JSON Schemas. The schemas ship in the package's schemas/, a copy of specs/schemas/ (the one source,
 * written by scripts/spec-schemas.ts); scripts/cli-schemas.mjs makes the copy and this test keeps it
 * equal, so that an installed CLI checks against exactly the spec's schemas.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_SCHEMAS } from '../src/options.js';
import { hemkit, licensedChip } from './run.js';

const REPO = resolve(__dirname, '../../..');
const SPEC_SCHEMAS = join(REPO, 'specs/schemas');
const SHIPPED = resolve(__dirname, '../schemas');
const cwd = mkdtempSync(join(tmpdir(), 'hemkit-json-schema-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** How two schema directories differ: files only in one, and files whose bytes differ. */
function differences(a: string, b: string): string[] {
  const names = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  const left = names(a);
  const right = names(b);
  const out: string[] = [];
  for (const n of left) if (!right.includes(n)) out.push(`only in ${a}: ${n}`);
  for (const n of right) if (!left.includes(n)) out.push(`only in ${b}: ${n}`);
  for (const n of left) if (right.includes(n) && !readFileSync(join(a, n)).equals(readFileSync(join(b, n)))) out.push(`differs: ${n}`);
  return out;
}

describe('the schemas the CLI ships', () => {
  it('are exactly specs/schemas (run `npm run schemas` after changing those)', () => {
    expect(differences(SPEC_SCHEMAS, SHIPPED)).toEqual([]);
  });

  it('a copy that drifted is caught: a changed file, a missing one and an extra one', () => {
    const copy = mkdtempSync(join(tmpdir(), 'hemkit-schemas-'));
    try {
      cpSync(SHIPPED, copy, { recursive: true });
      writeFileSync(join(copy, 'policy.schema.json'), readFileSync(join(copy, 'policy.schema.json'), 'utf8').replace('"object"', '"array"'));
      rmSync(join(copy, 'common.schema.json'));
      writeFileSync(join(copy, 'stale.schema.json'), '{}');
      expect(differences(SPEC_SCHEMAS, copy)).toEqual([`only in ${SPEC_SCHEMAS}: common.schema.json`, `only in ${copy}: stale.schema.json`, 'differs: policy.schema.json']);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('--json-schema offers every shipped schema but common (shared definitions only), and no other', () => {
    const shipped = readdirSync(SHIPPED).filter((n) => n.endsWith('.schema.json')).map((n) => n.slice(0, -'.schema.json'.length));
    expect([...JSON_SCHEMAS].sort()).toEqual(shipped.filter((n) => n !== 'common').sort());
  });

  it('--help lists the schema names', async () => {
    const r = await hemkit(['spec', 'check', '--help'], { cwd });
    for (const name of JSON_SCHEMAS) expect(r.out).toContain(`"${name}"`);
    expect(r.out).toContain('hemkit spec check --json-schema trust-anchors trust.json');
  });
});

describe('hemkit spec check --json-schema', () => {
  beforeAll(async () => {
    await licensedChip(cwd);
    for (const argv of [
      ['module', 'run', 'chip', '--ops', '1e18'],
      ['module', 'evidence', 'chip', '--nonce', '00112233445566778899aabbccddeeff', '--out', 'b.cbor'],
    ]) {
      const r = await hemkit(argv, { cwd });
      if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.err}`);
    }
  }, 120_000);

  const write = (name: string, value: unknown): string => {
    writeFileSync(join(cwd, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
    return name;
  };
  const trust = (): Record<string, unknown> => JSON.parse(readFileSync(join(cwd, 'trust.json'), 'utf8')) as Record<string, unknown>;

  it("passes the CLI's own JSON: the trust file export-trust writes, verify's EAR JSON and account's report, exit 0", async () => {
    const ear = await hemkit(['verify', 'b.cbor', '--trust', 'trust.json', '--nonce', '00112233445566778899aabbccddeeff', '--store', 'v.sqlite', '--json'], { cwd });
    expect([0, 1]).toContain(ear.code); // affirming or not (this bundle leaves its licence out), the result is EAR JSON
    expect(ear.out).toContain('"eat_profile"');
    write('ear.json', ear.out);
    const account = await hemkit(['account', 'b.cbor', '--trust', 'trust.json', '--json'], { cwd });
    expect(account.err).toBe('');
    write('account.json', account.out);
    for (const [schema, file] of [['trust-anchors', 'trust.json'], ['attestation-result', 'ear.json'], ['accounting-report', 'account.json']]) {
      const r = await hemkit(['spec', 'check', '--json-schema', schema!, file!], { cwd });
      expect({ schema, code: r.code, out: r.out, err: r.err }).toEqual({ schema, code: 0, out: `ok   ${file}\n1 file checked against JSON Schema '${schema}': 1 ok, 0 failed\n`, err: '' });
    }
  });

  it('passes the vector files against their schemas', async () => {
    const vectors = join(REPO, 'test-vectors');
    const r = await hemkit(['spec', 'check', '--json-schema', 'vectors-evidence', ...readdirSync(join(vectors, 'evidence')).map((n) => join(vectors, 'evidence', n))], { cwd });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/files? checked against JSON Schema 'vectors-evidence': (\d+) ok, 0 failed\n$/);
  });

  it('prints one line per error with its JSON pointer, exit 1; a valid file beside it is still ok', async () => {
    const t = trust();
    const bad = write('bad-trust.json', {
      ...t,
      extra: true,
      manufacturers: [{ name: 'fab', key: 'not hex' }],
      licenceIssuers: { keys: [], threshold: 0 },
    });
    const r = await hemkit(['spec', 'check', '--json-schema', 'trust-anchors', 'trust.json', bad], { cwd });
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      'ok   trust.json',
      "FAIL bad-trust.json#: must NOT have additional properties: 'extra'",
      'FAIL bad-trust.json#/manufacturers/0/key: must match pattern "^([0-9a-f]{2})+$"',
      'FAIL bad-trust.json#/licenceIssuers/keys: must NOT have fewer than 1 items',
      'FAIL bad-trust.json#/licenceIssuers/threshold: must be >= 1',
      "2 files checked against JSON Schema 'trust-anchors': 1 ok, 1 failed",
      '',
    ]);
  });

  it("checks a trust file's referenceValues against reference-values, with the pointer into the trust file", async () => {
    const t = trust() as { referenceValues: { models: { minimumSvn: unknown }[] } };
    t.referenceValues.models[0]!.minimumSvn = 'one';
    const r = await hemkit(['spec', 'check', '--json-schema', 'trust-anchors', write('bad-reference.json', t)], { cwd });
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL bad-reference.json#/referenceValues/models/0/minimumSvn: must be integer\n');
  });

  it('reads - as standard input', async () => {
    const r = await hemkit(['spec', 'check', '--json-schema', 'trust-anchors', '-'], { cwd, stdin: readFileSync(join(cwd, 'trust.json'), 'utf8') });
    expect(r.code).toBe(0);
    expect(r.out).toBe("ok   -\n1 file checked against JSON Schema 'trust-anchors': 1 ok, 0 failed\n");
  });

  it('a file that is not JSON, or is missing, is unusable input: exit 2, one line, and no file checked', async () => {
    write('not.json', '{"manufacturers": [');
    for (const [file, message] of [['not.json', /^hemkit: not.json is not JSON: /], ['absent.json', /^hemkit: no such file: absent.json/]] as const) {
      const r = await hemkit(['spec', 'check', '--json-schema', 'trust-anchors', 'trust.json', file], { cwd });
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('an unknown schema name, or CDDL options beside --json-schema, are usage errors: exit 2', async () => {
    const unknown = await hemkit(['spec', 'check', '--json-schema', 'trust', 'trust.json'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/argument 'trust' is invalid. Allowed choices are trust-anchors, /);
    const mixed = await hemkit(['spec', 'check', '--json-schema', 'policy', 'trust.json', '--well-formed'], { cwd });
    expect(mixed.code).toBe(2);
    expect(mixed.out).toBe('');
  });
});
