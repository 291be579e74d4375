/**
 * The verifier makes exactly the results of test-vectors/verifier/attestation-results.json from the
 * appraisals and terms each vector states (specs/test-vectors.md §2.13): the same claims, the same
 * signed bytes, which verify under the file's key, and the same JSON form; and it refuses the terms
 * the invalid vectors give with their code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import { decodeCoseKey, verifySign1 } from '@hemkit/wire/cose';
import { signingKey } from '@hemkit/wire/messages';
import type { ErrorCode } from '@hemkit/wire/errors';
import { resultClaims, resultToJson, signResult, type ResultTerms } from '../../src/result.js';
import { readResult } from '../../src/read-result.js';
import type { Appraisal, CheckResult } from '../../src/appraise.js';
import { trustworthinessVector } from '../../src/ar4si.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';

interface ResultFile {
  format: string;
  numberOfVectors: number;
  verifier: { developer: string; build: string };
  verifierKey: { scheme: string; privateKey: string; coseKey: string };
  received: {
    id: string;
    signed: string;
    now: number;
    audience: string | null;
    result: 'valid' | 'invalid';
    code?: ErrorCode;
    read?: { issuedAt: number; expiresAt: number | null; audience: string | null; appraisals: Record<string, { status: string; trustworthinessVector: Record<string, number> }> };
  }[];
  vectors: {
    id: string;
    appraisals: { ueid: string | null; status: Appraisal['status']; trustworthinessVector: Appraisal['trustworthinessVector']; nonce: string | null; checks: CheckResult[] }[];
    issuedAt: number;
    terms: ResultTerms;
    result: 'valid' | 'invalid';
    code?: ErrorCode;
    claims?: string;
    signed?: string;
    json?: unknown;
  }[];
}

const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../test-vectors/verifier/attestation-results.json'), 'utf8')) as ResultFile;
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const key = signingKey(-8, bytes(file.verifierKey.privateKey));

describe('attestation result vectors', () => {
  it('the file is the format, and its key is the one its seed gives', () => {
    expect(file.format).toBe('hemkit-attestation-result/v1');
    expect(file.vectors).toHaveLength(file.numberOfVectors);
    expect(Buffer.from(encode(decode(bytes(file.verifierKey.coseKey)))).toString('hex')).toBe(file.verifierKey.coseKey);
    expect(decodeCoseKey(decode(bytes(file.verifierKey.coseKey)))).toEqual(key.publicKey);
    expect(file.vectors.some((v) => v.result === 'invalid')).toBe(true);
  });

  it.each(file.vectors.map((v) => [v.id, v] as const))('%s', (_, v) => {
    const appraisals: Appraisal[] = v.appraisals.map((a) => ({
      ueid: a.ueid === null ? undefined : bytes(a.ueid),
      status: a.status,
      trustworthinessVector: a.trustworthinessVector,
      nonce: a.nonce === null ? undefined : bytes(a.nonce),
      checks: a.checks,
      totalOps: undefined,
      workloads: [],
    }));
    // Each stated vector is the one the checks give (attestation-result.md §3).
    for (const a of appraisals) expect(a.trustworthinessVector).toEqual(trustworthinessVector(a.checks));
    if (v.result === 'invalid') {
      expectCode(() => signResult(appraisals, v.issuedAt, file.verifier, v.terms, key), v.code!);
      expectCode(() => resultToJson(appraisals, v.issuedAt, file.verifier, v.terms), v.code!);
      return;
    }
    expect(Buffer.from(encode(resultClaims(appraisals, v.issuedAt, file.verifier, v.terms))).toString('hex')).toBe(v.claims);
    const signed = signResult(appraisals, v.issuedAt, file.verifier, v.terms, key);
    expect(Buffer.from(signed).toString('hex')).toBe(v.signed);
    expect(Buffer.from(verifySign1(bytes(v.signed!), key.publicKey).payload).toString('hex')).toBe(v.claims);
    expect(resultToJson(appraisals, v.issuedAt, file.verifier, v.terms)).toEqual(v.json);
  });
});

describe('received: what a relying party does with a signed result (attestation-result.md §1.2)', () => {
  it('has valid and invalid entries, and one that carries unknown claims', () => {
    expect(new Set(file.received.map((r) => r.result))).toEqual(new Set(['valid', 'invalid']));
    expect(file.received.map((r) => r.id)).toContain('unknown-claims');
  });

  it.each(file.received.map((r) => [r.id, r] as const))('%s', (_, r) => {
    const read = () => readResult(bytes(r.signed), { verifierKey: key.publicKey, now: r.now, ...(r.audience === null ? {} : { audience: r.audience }) });
    if (r.result === 'invalid') {
      expectCode(read, r.code!);
      return;
    }
    const got = read();
    expect({
      issuedAt: got.issuedAt,
      expiresAt: got.expiresAt ?? null,
      audience: got.audience ?? null,
      appraisals: Object.fromEntries([...got.appraisals].map(([name, a]) => [name, { status: a.status, trustworthinessVector: Object.fromEntries([...(a.trustworthinessVector ?? [])].map(([k, v]) => [String(k), v])) }])),
    }).toEqual(r.read);
  });
});
