/**
 * COSE's own CDDL (RFC 9052, transcribed in test/data/rfc9052-sign.cddl) against the COSE working
 * group's examples (test-vectors/external/cose-wg-examples): every COSE_Sign1 and COSE_Sign
 * example's `output.cbor`, plus the CWT examples of RFC 8392 Appendix A.
 *
 * How foreign data is read: hemkit's strict decoder refuses what its profile does not allow, and
 * the examples use tags outside it (998 in the wrong-tag cases, 16 and 17 for encryption and MAC).
 * Widening the decoder to "the tags the schema mentions" would still not let a schema judge tag
 * 998, which is exactly the case a schema should reject; so foreign data is read with the
 * well-formed decoder (decoding: 'well-formed'), which accepts any well-formed CBOR and leaves
 * every judgement to the schema. Under the profile decoder the same examples are pinned too, so
 * the difference stays visible.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encode } from '@hemkit/wire/cbor';
import { checkCbor, decodeWellFormed, parseCddl, validateItem, type ValidationResult } from '../src/index.js';
import { expectCode, expectFailure, fromHex, readRepoFile, REPO } from './support.js';

const rfc9052 = parseCddl(readFileSync(join(import.meta.dirname, 'data/rfc9052-sign.cddl'), 'utf8'));
const hemkit = parseCddl(readRepoFile('specs/cddl/hemkit.cddl'));

const ROOT = join(REPO, 'test-vectors/external/cose-wg-examples');
const SIGN_FOLDERS = ['sign1-tests', 'sign-tests', 'ecdsa-examples', 'eddsa-examples'];

interface Example {
  readonly name: string;
  readonly fail: boolean;
  readonly bytes: Uint8Array;
}

function load(folder: string): Example[] {
  return readdirSync(join(ROOT, folder))
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => {
      const json = JSON.parse(readFileSync(join(ROOT, folder, n), 'utf8')) as { fail?: boolean; output: { cbor: string } };
      return { name: `${folder}/${n}`, fail: json.fail === true, bytes: fromHex(json.output.cbor) };
    });
}

const signExamples = SIGN_FOLDERS.flatMap(load);
const cwtExamples = load('CWT');

/** The examples whose CBOR tag was changed to 998: the only ones that are not COSE messages at all. */
const WRONG_TAG = ['sign1-tests/sign-fail-01.json', 'sign-tests/sign-fail-01.json'];

/**
 * The other fail examples are structurally sound COSE; they fail for reasons no schema can see: a
 * changed signature or payload (fail-02), an alg the verifier does not know (-999, "unknown"), a
 * protected bucket changed after signing (fail-06, fail-07).
 */
const FAIL_BUT_WELL_FORMED_COSE = [
  'sign-tests/sign-fail-02.json',
  'sign-tests/sign-fail-03.json',
  'sign-tests/sign-fail-04.json',
  'sign-tests/sign-fail-06.json',
  'sign-tests/sign-fail-07.json',
  'sign1-tests/sign-fail-02.json',
  'sign1-tests/sign-fail-03.json',
  'sign1-tests/sign-fail-04.json',
  'sign1-tests/sign-fail-06.json',
  'sign1-tests/sign-fail-07.json',
];

const foreign = (bytes: Uint8Array, rule?: string): ValidationResult => checkCbor(rfc9052, bytes, rule, { decoding: 'well-formed' });

describe('RFC 9052 CDDL against the COSE WG signing examples', () => {
  it('finds 31 signing examples, 12 of them marked as failures', () => {
    expect(signExamples).toHaveLength(31);
    expect(signExamples.filter((e) => e.fail).map((e) => e.name).sort()).toEqual([...WRONG_TAG, ...FAIL_BUT_WELL_FORMED_COSE].sort());
  });

  for (const example of signExamples) {
    const wrongTag = WRONG_TAG.includes(example.name);
    it(`${example.name}: ${wrongTag ? 'is not a COSE message (tag 998)' : 'is a COSE message (COSE_Messages)'}`, () => {
      const result = foreign(example.bytes);
      if (wrongTag) expectFailure(result, 'COSE_Messages', 'expected COSE_Untagged_Message / COSE_Tagged_Message, got tag 998 (array of 4 items)');
      else expect(result).toEqual({ ok: true });
    });
  }

  it('every passing example is the structure its tag (or, untagged, its shape) says', () => {
    for (const example of signExamples.filter((e) => !WRONG_TAG.includes(e.name))) {
      const tag = example.bytes[0];
      const rule = tag === 0xd2 ? 'COSE_Sign1_Tagged' : tag === 0xd8 ? 'COSE_Sign_Tagged' : example.bytes[0] === 0x84 && example.name.startsWith('sign1') ? 'COSE_Sign1' : 'COSE_Sign';
      expect(foreign(example.bytes, rule), `${example.name} as ${rule}`).toEqual({ ok: true });
    }
    // A COSE_Sign1 is not a COSE_Sign: the signature field is a bstr, not an array of signatures.
    const sign1 = signExamples.find((e) => e.name === 'sign1-tests/sign-pass-02.json')!;
    expectFailure(foreign(sign1.bytes, 'COSE_Sign_Tagged'), 'COSE_Sign_Tagged', /^expected #6.98\(COSE_Sign\), got tag 18/);
  });

  it('under the hemkit profile decoder, the wrong-tag examples are refused before the schema is asked', () => {
    for (const example of signExamples) {
      if (WRONG_TAG.includes(example.name)) expectCode(() => checkCbor(rfc9052, example.bytes), 'CBOR_TAG_NOT_ALLOWED');
      else expect(checkCbor(rfc9052, example.bytes), example.name).toEqual({ ok: true });
    }
  });

  it('hemkit.cddl\'s restatement of the COSE structures accepts the same examples', () => {
    for (const example of signExamples.filter((e) => !WRONG_TAG.includes(e.name))) {
      const rule = example.bytes[0] === 0xd2 ? 'COSE_Sign1_Tagged' : example.bytes[0] === 0xd8 ? 'COSE_Sign_Tagged' : undefined;
      if (rule) expect(checkCbor(hemkit, example.bytes, rule, { decoding: 'well-formed' }), example.name).toEqual({ ok: true });
    }
  });
});

describe('RFC 9052 CDDL against the CWT examples (RFC 8392 Appendix A)', () => {
  it('A.3 (COSE_Sign1), A.4 and A.7 (COSE_Mac0), A.5 and A.6 (COSE_Encrypt0) are COSE messages', () => {
    expect(cwtExamples.map((e) => e.name)).toEqual(['CWT/A_3.json', 'CWT/A_4.json', 'CWT/A_5.json', 'CWT/A_6.json', 'CWT/A_7.json']);
    for (const example of cwtExamples) expect(foreign(example.bytes), example.name).toEqual({ ok: true });
    expect(foreign(cwtExamples[1]!.bytes, 'COSE_Mac0_Tagged')).toEqual({ ok: true });
    expect(foreign(cwtExamples[2]!.bytes, 'COSE_Encrypt0_Tagged')).toEqual({ ok: true });
  });

  it('the profile decoder refuses tags 16 and 17, which hemkit does not use', () => {
    expect(checkCbor(rfc9052, cwtExamples[0]!.bytes)).toEqual({ ok: true });
    for (const example of cwtExamples.slice(1)) expectCode(() => checkCbor(rfc9052, example.bytes), 'CBOR_TAG_NOT_ALLOWED');
  });
});

describe('what RFC 9052\'s CDDL can and cannot reject', () => {
  it('rejects a protected bucket that holds something other than a header map', () => {
    // 18([h'01', {4: h'3131'}, h'', h'00']): the protected bucket holds the integer 1.
    const bad = fromHex('d2844101a1044231314040');
    expectFailure(foreign(bad), 'COSE_Messages > COSE_Sign1_Tagged > COSE_Sign1 > protected [0]', 'expected bstr .cbor header_map / bstr .size 0, got byte string of 1 byte');
    expectFailure(foreign(bad, 'COSE_Sign1_Tagged'), 'COSE_Sign1_Tagged > COSE_Sign1 > protected [0]', 'expected bstr .cbor header_map / bstr .size 0, got byte string of 1 byte');
  });

  it('accepts an empty crit array and a bstr alg: Generic_Headers has no cut, so the wildcard takes them (RFC 8610 §3.5.4)', () => {
    const withHeaders = (protectedMap: Map<number, unknown>): Uint8Array =>
      encode([encode(protectedMap as Map<number, never>), new Map(), new Uint8Array(0), new Uint8Array(1)]);
    expect(foreign(withHeaders(new Map([[2, []]])), 'COSE_Sign1')).toEqual({ ok: true });
    expect(foreign(withHeaders(new Map([[1, new Uint8Array(1)]])), 'COSE_Sign1')).toEqual({ ok: true });
    // With a cut the same entry is refused: what a schema that means "crit is [+ label]" has to write.
    const cut = parseCddl('h = { ? 2 ^ => [+ label], * label => any }\nlabel = int / tstr');
    expect(validateItem(cut, 'h', decodeWellFormed(encode(new Map([[2, []]])))).ok).toBe(false);
  });
});
