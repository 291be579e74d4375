/** `hemkit spec check`: one line per item, exit 0 / 1 / 2, and nothing checked when input is unusable. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encode, type CborValue } from '@hemkit/wire/cbor';
import { specCheck, type SpecCheckIo } from '../src/cli.js';
import { REPO } from './support.js';

const HEMKIT_CDDL = join(REPO, 'specs/cddl/hemkit.cddl');
const RFC9052_CDDL = join(import.meta.dirname, 'data/rfc9052-sign.cddl');
const COSE = join(REPO, 'test-vectors/external/cose-wg-examples');
const dir = mkdtempSync(join(tmpdir(), 'hemkit-spec-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: SpecCheckIo = { out: (l) => out.push(l), err: (l) => err.push(l), readFile: (p) => new Uint8Array(readFileSync(p)) };
  const code = await specCheck(args, io);
  return { code, out, err };
}

const counters = (totalOps: bigint): Map<number, CborValue> =>
  new Map<number, CborValue>([[1, totalOps], [2, new Map()], [3, 0], [4, 0], [5, 0]]);

describe('hemkit spec check', () => {
  it('passes raw and hex CBOR files that match, exit 0', async () => {
    const raw = file('counters.cbor', encode(counters(1n << 64n)));
    const hex = file('counters.hex', `${Buffer.from(encode(counters(5n))).toString('hex')}\n`);
    const { code, out, err } = await run(HEMKIT_CDDL, raw, hex, '--rule', 'counters');
    expect(out).toEqual([`ok   ${raw}`, `ok   ${hex}`, "2 items checked against 'counters': 2 ok, 0 failed"]);
    expect(err).toEqual([]); // the project's own CDDL checks silently: no warning
    expect(code).toBe(0);
  });

  it('warns, on stderr and without failing, about a schema that redefines a prelude rule', async () => {
    const cddl = file('redefines.cddl', 'stamp = [time]\ntime = int\n');
    const data = file('stamp.cbor', encode([5]));
    const { code, out, err } = await run(cddl, data);
    expect(out.at(-1)).toMatch(/1 ok, 0 failed/);
    expect(err).toEqual([`warning: ${cddl}:2:1: 'time' redefines the RFC 8610 prelude rule of that name; this schema's definition is used`]);
    expect(code).toBe(0);
  });

  it('prints the path and message of an item that does not match, exit 1', async () => {
    const good = file('good.cbor', encode(counters(1n)));
    const bad = file('bad.cbor', encode(counters(1n << 128n)));
    const { code, out } = await run(HEMKIT_CDDL, good, bad, '--rule=counters');
    expect(out).toEqual([
      `ok   ${good}`,
      `FAIL ${bad}: counters > total-ops (key 1) > biguint-128: expected bstr .size (9..16), got byte string of 17 bytes`,
      "2 items checked against 'counters': 1 ok, 1 failed",
    ]);
    expect(code).toBe(1);
  });

  it('checks the output.cbor of COSE WG example files, under the profile or as well-formed CBOR', async () => {
    const pass = join(COSE, 'sign1-tests/sign-pass-01.json');
    const wrongTag = join(COSE, 'sign1-tests/sign-fail-01.json');
    const profile = await run(RFC9052_CDDL, pass, wrongTag);
    expect(profile.out).toEqual([
      `ok   ${pass} output.cbor`,
      `FAIL ${wrongTag} output.cbor: CBOR_TAG_NOT_ALLOWED: tag 998 is not allowed here (allowed: 18, 98, 61) (at byte 0)`,
      "2 items checked against 'COSE_Messages': 1 ok, 1 failed",
    ]);
    expect(profile.code).toBe(1);
    const foreign = await run(RFC9052_CDDL, pass, wrongTag, '--well-formed');
    expect(foreign.out[1]).toBe(
      `FAIL ${wrongTag} output.cbor: COSE_Messages: expected COSE_Untagged_Message / COSE_Tagged_Message, got tag 998 (array of 4 items)`,
    );
    expect(foreign.code).toBe(1);
  });

  it('checks every cbor field of a top-level vectors array', async () => {
    const vectors = file(
      'vectors.json',
      JSON.stringify({
        vectors: [
          { name: 'zero', cbor: Buffer.from(encode(counters(0n))).toString('hex') },
          { cbor: Buffer.from(encode(new Map([[1, 0]]))).toString('hex') },
        ],
      }),
    );
    const { code, out } = await run(HEMKIT_CDDL, vectors, '--rule', 'counters');
    expect(out).toEqual([
      `ok   ${vectors} vectors[0] (zero)`,
      `FAIL ${vectors} vectors[1]: counters: missing counters.ops-by-precision => { * precision-class => counter }`,
      "2 items checked against 'counters': 1 ok, 1 failed",
    ]);
    expect(code).toBe(1);
  });

  it('checks against the first rule of the schema when no rule is named', async () => {
    const cddl = file('first.cddl', 'msg = [uint, tstr]\nother = int\n');
    const item = file('msg.cbor', encode([1, 'x']));
    const { code, out } = await run(cddl, item);
    expect(out.at(-1)).toBe("1 item checked against 'msg': 1 ok, 0 failed");
    expect(code).toBe(0);
  });

  describe('unusable input or usage: exit 2, no item checked', () => {
    const item = file('any.cbor', encode(1));

    it('no arguments, or no data file, or an unknown option', async () => {
      for (const args of [[], [HEMKIT_CDDL], [HEMKIT_CDDL, item, '--strict'], [HEMKIT_CDDL, item, '--rule']]) {
        const { code, out, err } = await run(...args);
        expect(code, args.join(' ')).toBe(2);
        expect(out).toEqual([]);
        expect(err[0]).toMatch(/^hemkit spec check: .*\n\nusage: hemkit spec check/);
      }
    });

    it('a file that cannot be read', async () => {
      const { code, out, err } = await run(HEMKIT_CDDL, join(dir, 'missing.cbor'));
      expect([code, out, err]).toEqual([2, [], [`hemkit spec check: cannot read ${join(dir, 'missing.cbor')}: ENOENT`]]);
    });

    it('a schema that is not valid CDDL, with its line and column', async () => {
      const cddl = file('bad.cddl', 'a = {\n  1 => ,\n}\n');
      const { code, err } = await run(cddl, item);
      expect(code).toBe(2);
      expect(err).toEqual([`hemkit spec check: ${cddl}:2:8: expected a type, found ',' (CDDL_SYNTAX)`]);
    });

    it('a rule the schema does not define', async () => {
      const { code, err } = await run(HEMKIT_CDDL, item, '--rule', 'no-such-rule');
      expect(code).toBe(2);
      expect(err).toEqual([`hemkit spec check: ${HEMKIT_CDDL} defines no rule 'no-such-rule'`]);
    });

    it('JSON that is not JSON, holds no item, or holds a field that is not hex', async () => {
      const notJson = file('broken.json', '{');
      const empty = file('empty.json', '{"title": "nothing to check"}');
      const badHex = file('badhex.json', '{"vectors": [{"cbor": "xyz"}]}');
      for (const [path, message] of [
        [notJson, /is not JSON/],
        [empty, /holds no output\.cbor and no vectors\[\]\.cbor to check$/],
        [badHex, /vectors\[0\]\.cbor is not a hex string$/],
      ] as const) {
        const { code, out, err } = await run(HEMKIT_CDDL, item, path);
        expect(code).toBe(2);
        expect(out).toEqual([]);
        expect(err[0]).toMatch(message);
      }
    });

    it('--help prints the usage, exit 0', async () => {
      const { code, out } = await run('--help');
      expect(code).toBe(0);
      expect(out[0]).toMatch(/^usage: hemkit spec check <cddl-file> <cbor-or-vector-file>\.\.\./);
    });
  });
});
