/**
 * Wycheproof conformance of both crypto backends (test-vectors/external/wycheproof, copied unchanged from
 * C2SP Wycheproof; see its README.md).
 *
 * - `valid`: must verify.
 * - `invalid`: must be refused, as `false` or as a HemkitError (a vector whose key is bad is refused with
 *   CRYPTO_INVALID_PUBLIC_KEY); any other exception fails the test.
 * - `acceptable` (Wycheproof: "a careful implementation may accept or refuse this"): hemkit has no stake in
 *   either verdict, so either passes, provided both backends give the same one, as on every vector.
 *   The three files at the pinned commit hold no acceptable vectors; the pinned counts below make any
 *   that a future update brings in a visible change, to be reviewed and recorded here.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nobleBackend, type CryptoBackend, type SignatureScheme } from '../../src/crypto/index.js';
import { createNodeBackend } from '../../src/crypto/node-entry.js';
import { HemkitError } from '../../src/errors.js';
import { fromHex } from '../support/expect-code.js';

const VECTORS = new URL('../../../../test-vectors/external/wycheproof/', import.meta.url);

interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly msg: string;
  readonly sig: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}

interface WycheproofFile {
  readonly numberOfTests: number;
  readonly testGroups: readonly {
    readonly publicKey: { readonly pk?: string; readonly uncompressed?: string };
    readonly tests: readonly WycheproofTest[];
  }[];
}

interface Vector extends WycheproofTest {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

const FILES = [
  { file: 'ed25519_test.json', scheme: 'ed25519', numberOfTests: 151, valid: 88, invalid: 63 },
  { file: 'ecdsa_secp256r1_sha256_p1363_test.json', scheme: 'p256-sha256', numberOfTests: 262, valid: 173, invalid: 89 },
  { file: 'ecdsa_secp384r1_sha384_p1363_test.json', scheme: 'p384-sha384', numberOfTests: 280, valid: 193, invalid: 87 },
] as const satisfies readonly {
  file: string;
  scheme: SignatureScheme;
  numberOfTests: number;
  valid: number;
  invalid: number;
}[];

const BACKENDS: readonly CryptoBackend[] = [nobleBackend, createNodeBackend()];

function load(file: string): { numberOfTests: number; vectors: Vector[] } {
  const parsed = JSON.parse(readFileSync(new URL(file, VECTORS), 'utf8')) as WycheproofFile;
  const vectors = parsed.testGroups.flatMap((group) => {
    const publicKey = fromHex(group.publicKey.pk ?? group.publicKey.uncompressed ?? '');
    return group.tests.map((test) => ({
      ...test,
      publicKey,
      message: fromHex(test.msg),
      signature: fromHex(test.sig),
    }));
  });
  return { numberOfTests: parsed.numberOfTests, vectors };
}

/** What a backend made of a vector: a verdict, a typed refusal, or (a failure) a raw exception. */
function outcome(backend: CryptoBackend, scheme: SignatureScheme, v: Vector): string {
  try {
    return backend.verify(scheme, v.publicKey, v.message, v.signature) ? 'accepted' : 'rejected';
  } catch (e) {
    return e instanceof HemkitError ? `refused ${e.code}` : `raw exception ${String(e)}`;
  }
}

function expected(v: Vector, got: string): boolean {
  if (got.startsWith('raw exception')) return false;
  if (v.result === 'valid') return got === 'accepted';
  if (v.result === 'invalid') return got !== 'accepted';
  return true;
}

describe.each(FILES)('Wycheproof $file ($scheme)', ({ file, scheme, numberOfTests, valid, invalid }) => {
  const { numberOfTests: declared, vectors } = load(file);

  it(`holds ${numberOfTests} vectors: ${valid} valid, ${invalid} invalid, 0 acceptable`, () => {
    expect(declared).toBe(numberOfTests);
    expect(vectors.length).toBe(numberOfTests);
    expect(vectors.filter((v) => v.result === 'valid').length).toBe(valid);
    expect(vectors.filter((v) => v.result === 'invalid').length).toBe(invalid);
    expect(vectors.filter((v) => v.result === 'acceptable').length).toBe(0);
  });

  for (const backend of BACKENDS) {
    it(`${backend.name} accepts every valid vector and refuses every invalid one (${numberOfTests} run)`, () => {
      let run = 0;
      const wrong: string[] = [];
      for (const v of vectors) {
        const got = outcome(backend, scheme, v);
        run++;
        if (!expected(v, got)) wrong.push(`tcId ${v.tcId} (${v.result}, ${v.comment}): ${got}`);
      }
      expect(wrong).toEqual([]);
      expect(run).toBe(declared);
    });
  }

  it('both backends give the same outcome on every vector, acceptable ones included', () => {
    const [noble, node] = BACKENDS as [CryptoBackend, CryptoBackend];
    const differing = vectors
      .map((v) => ({ v, a: outcome(noble, scheme, v), b: outcome(node, scheme, v) }))
      .filter(({ a, b }) => a !== b)
      .map(({ v, a, b }) => `tcId ${v.tcId} (${v.comment}): noble ${a}, node ${b}`);
    expect(differing).toEqual([]);
  });
});
