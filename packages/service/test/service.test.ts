/**
 * The verification service over loopback HTTP (specs/service.md): the background-check flow from
 * challenge to attestation result in both forms, the read endpoints behind bearer tokens, and every
 * refusal as an RFC 9457 problem with its registry code, each answer held to the OpenAPI description.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decode } from '@hemkit/wire/cbor';
import { decodeSign1, verifySign1 } from '@hemkit/wire/cose';
import { getBackend } from '@hemkit/wire/crypto/node';
import { toHex } from '@hemkit/wire/bytes';
import { signingKey } from '@hemkit/wire/messages';
import { asAsyncStore, MemoryVerifierStore } from '@hemkit/verifier/store';
import { call, failingStore, INTERNAL_DETAIL, licensedChip, seed, startService, T0, TOKEN, type Running } from './support.js';

const CBOR = 'application/cbor';
let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(...args: Parameters<typeof startService>): Promise<Running> {
  running = await startService(...args);
  return running;
}

/** Asks for a challenge for `ueid` and returns its nonce as hex. */
async function challenge(url: string, ueid?: Uint8Array): Promise<string> {
  const a = await call(url, 'POST', '/v1/challenges', ueid ? { type: 'application/json', body: JSON.stringify({ ueid: toHex(ueid) }) } : {});
  expect(a.status).toBe(201);
  return a.json.nonce as string;
}

const fromHexNonce = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const checkOf = (ear: any, id: string) => (Object.values(ear.submods)[0] as any)['hemkit.checks'].find((c: any) => c.id === id);

describe('the background-check flow', () => {
  it('issues a challenge for a chip, remembered with its expiry, in the challenge-file format', async () => {
    const { url } = await start();
    const chip = licensedChip('service chip 1');
    const a = await call(url, 'POST', '/v1/challenges', { type: 'application/json', body: JSON.stringify({ ueid: toHex(chip.ueid) }) });
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ format: 'hemkit-challenge/v1', issuedAt: T0 + 10, expiresAt: T0 + 10 + 600 + 60, ueid: toHex(chip.ueid), knownTreeSize: 0 });
    expect(a.headers.get('location')).toBe(`/v1/challenges/${a.json.nonce}`);
  });

  it('appraises the bundle answering it: EAR JSON, affirming; the same bundle again is NONCE_REUSED', async () => {
    const { url } = await start();
    const chip = licensedChip('service chip 2');
    const nonce = await challenge(url, chip.ueid);
    const { bundle } = chip.evidence({ nonce: fromHexNonce(nonce) });
    const a = await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: bundle });
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/eat-ucs+json; eat_profile="tag:ietf.org,2026:rats/ear#04"');
    expect(a.json.submods[toHex(chip.ueid)]['ear_status']).toBe('affirming');
    const again = await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: bundle });
    expect(again.json.submods[toHex(chip.ueid)]['ear_status']).toBe('contraindicated');
    expect(checkOf(again.json, 'freshness')).toMatchObject({ status: 'fail', code: 'NONCE_REUSED' });
  });

  it('tells the chip the tree size it remembers when it challenges it again', async () => {
    const { url } = await start();
    const chip = licensedChip('service chip 3');
    const nonce = await challenge(url, chip.ueid);
    await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: chip.evidence({ nonce: fromHexNonce(nonce) }).bundle });
    const a = await call(url, 'POST', '/v1/challenges', { type: 'application/json', body: JSON.stringify({ ueid: toHex(chip.ueid) }) });
    expect(a.json.knownTreeSize).toBe(chip.log.size);
  });

  it('holds a challenge for one chip to that chip: another chip\'s report is NONCE_WRONG_CHIP', async () => {
    const { url } = await start();
    const [a, b] = [licensedChip('service chip 4'), licensedChip('service chip 5')];
    const nonce = await challenge(url, a.ueid);
    const r = await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: b.evidence({ nonce: fromHexNonce(nonce) }).bundle });
    expect(checkOf(r.json, 'freshness')).toMatchObject({ status: 'fail', code: 'NONCE_WRONG_CHIP' });
  });

  it('signs the result for a client that asks for application/eat+cwt, under the verifier key', async () => {
    const key = signingKey(-8, seed('service verifier key'));
    const { url } = await start({ verifierKey: key });
    const chip = licensedChip('service chip 6');
    const nonce = await challenge(url);
    const r = await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: chip.evidence({ nonce: fromHexNonce(nonce) }).bundle, accept: 'application/eat+cwt' });
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/eat+cwt');
    const message = decodeSign1(r.bytes);
    verifySign1(message, key.publicKey, { backend: getBackend('node') });
    const claims = decode(message.payload!) as Map<unknown, unknown>;
    expect(claims.size).toBeGreaterThan(0);
  });

  it('answers 406 SERVICE_NOT_ACCEPTABLE for the signed form without a verifier key, or a form it never makes, and uses no nonce', async () => {
    const { url } = await start();
    const chip = licensedChip('service chip 7');
    const nonce = await challenge(url);
    const { bundle } = chip.evidence({ nonce: fromHexNonce(nonce) });
    for (const accept of ['application/eat+cwt', 'text/html']) {
      const r = await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: bundle, accept });
      expect({ status: r.status, code: r.json.code }).toEqual({ status: 406, code: 'SERVICE_NOT_ACCEPTABLE' });
    }
    const r = await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: bundle, accept: 'application/json' });
    expect(r.json.submods[toHex(chip.ueid)]['ear_status']).toBe('affirming');
  });
});

describe('refusals, each a problem document with its code', () => {
  it('evidence against a nonce never issued, or expired: 404 SERVICE_CHALLENGE_UNKNOWN', async () => {
    const s = await start();
    const chip = licensedChip('service chip 8');
    const { bundle } = chip.evidence({ nonce: new Uint8Array(16).fill(7) });
    const unknown = await call(s.url, 'POST', `/v1/challenges/${'07'.repeat(16)}/evidence`, { type: CBOR, body: bundle });
    expect({ status: unknown.status, code: unknown.json.code }).toEqual({ status: 404, code: 'SERVICE_CHALLENGE_UNKNOWN' });
    const nonce = await challenge(s.url);
    s.now.value += 10_000;
    const expired = await call(s.url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: chip.evidence({ nonce: fromHexNonce(nonce) }).bundle });
    expect({ status: expired.status, code: expired.json.code }).toEqual({ status: 404, code: 'SERVICE_CHALLENGE_UNKNOWN' });
  });

  it('a malformed nonce or UEID, or a challenge body with a member it does not define: 400 SERVICE_BAD_REQUEST', async () => {
    const { url } = await start();
    for (const [path, body] of [
      ['/v1/challenges/xyz/evidence', new Uint8Array([0xa0])],
      ['/v1/challenges', JSON.stringify({ chip: 'aa' })],
      ['/v1/challenges', JSON.stringify({ ueid: 'ABC' })],
      ['/v1/challenges', '{"ueid":'],
    ] as const) {
      const r = await call(url, 'POST', path, { type: typeof body === 'string' ? 'application/json' : CBOR, body });
      expect({ path, status: r.status, code: r.json.code }).toEqual({ path, status: 400, code: 'SERVICE_BAD_REQUEST' });
    }
    const r = await call(url, 'GET', '/v1/chips/zz', { token: TOKEN });
    expect({ status: r.status, code: r.json.code }).toEqual({ status: 400, code: 'SERVICE_BAD_REQUEST' });
  });

  it('evidence of another media type: 415; over 1 MiB: 413; not an evidence bundle: 422 with its CBOR or MESSAGE code', async () => {
    const { url } = await start();
    const nonce = await challenge(url);
    const path = `/v1/challenges/${nonce}/evidence`;
    const wrongType = await call(url, 'POST', path, { type: 'text/plain', body: 'hello' });
    expect({ status: wrongType.status, code: wrongType.json.code }).toEqual({ status: 415, code: 'SERVICE_UNSUPPORTED_MEDIA_TYPE' });
    const big = await call(url, 'POST', path, { type: CBOR, body: new Uint8Array(1024 * 1024 + 1) });
    expect({ status: big.status, code: big.json.code }).toEqual({ status: 413, code: 'SERVICE_BODY_TOO_LARGE' });
    const truncated = await call(url, 'POST', path, { type: CBOR, body: new Uint8Array([0x9f]) });
    expect({ status: truncated.status, code: truncated.json.code }).toEqual({ status: 422, code: 'CBOR_INDEFINITE_LENGTH' });
    const map = await call(url, 'POST', path, { type: CBOR, body: new Uint8Array([0xa0]) });
    expect({ status: map.status, code: map.json.code }).toEqual({ status: 422, code: 'MESSAGE_MISSING_FIELD' });
    const bigJson = await call(url, 'POST', '/v1/challenges', { type: 'application/json', body: JSON.stringify({ ueid: 'aa'.repeat(3000) }) });
    expect({ status: bigJson.status, code: bigJson.json.code }).toEqual({ status: 413, code: 'SERVICE_BODY_TOO_LARGE' });
  });

  it('an unknown endpoint: 404 SERVICE_NOT_FOUND', async () => {
    const { url } = await start();
    const r = await call(url, 'GET', '/v2/everything');
    expect({ status: r.status, type: r.type, code: r.json.code }).toEqual({ status: 404, type: 'application/problem+json', code: 'SERVICE_NOT_FOUND' });
  });

  it('more requests than the client is allowed: 429 SERVICE_RATE_LIMITED with Retry-After', async () => {
    const { url } = await start({ rateLimit: { max: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await call(url, 'GET', '/health')).status).toBe(200);
    const r = await call(url, 'GET', '/health');
    expect({ status: r.status, code: r.json.code }).toEqual({ status: 429, code: 'SERVICE_RATE_LIMITED' });
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('the read endpoints', () => {
  it('refuse a request without a bearer token, or with another: 401 SERVICE_UNAUTHORIZED with WWW-Authenticate', async () => {
    const { url } = await start();
    for (const path of ['/v1/fleet', `/v1/chips/${'ab'.repeat(17)}`]) {
      for (const token of [undefined, 'not-the-token-0123456789']) {
        const r = await call(url, 'GET', path, token === undefined ? {} : { token });
        expect({ path, status: r.status, code: r.json.code }).toEqual({ path, status: 401, code: 'SERVICE_UNAUTHORIZED' });
        expect(r.headers.get('www-authenticate')).toBe('Bearer realm="hemkit"');
      }
    }
  });

  it('refuse every token when the service was given none', async () => {
    const { url } = await start({ readTokens: [] });
    const r = await call(url, 'GET', '/v1/fleet', { token: TOKEN });
    expect(r.status).toBe(401);
  });

  it('show a chip\'s remembered state, and 404 SERVICE_NOT_FOUND for one never affirmed', async () => {
    const { url } = await start();
    const chip = licensedChip('service chip 9');
    const nonce = await challenge(url, chip.ueid);
    await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: chip.evidence({ nonce: fromHexNonce(nonce) }).bundle });
    const r = await call(url, 'GET', `/v1/chips/${toHex(chip.ueid)}`, { token: TOKEN });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ ueid: toHex(chip.ueid), totalOps: (4n * 10n ** 24n + 10n ** 20n).toString(), workloadsRun: 2, latestCheckpoint: { treeSize: chip.log.size } });
    const none = await call(url, 'GET', `/v1/chips/${'ab'.repeat(17)}`, { token: TOKEN });
    expect({ status: none.status, code: none.json.code }).toEqual({ status: 404, code: 'SERVICE_NOT_FOUND' });
  });

  it('account the fleet over the remembered chips', async () => {
    const { url } = await start();
    for (const name of ['service chip 10', 'service chip 11']) {
      const chip = licensedChip(name);
      const nonce = await challenge(url, chip.ueid);
      await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: chip.evidence({ nonce: fromHexNonce(nonce) }).bundle });
    }
    const r = await call(url, 'GET', '/v1/fleet', { token: TOKEN });
    expect(r.status).toBe(200);
    expect(r.json.chips).toMatchObject({ reporting: 2, affirmed: 2 });
    expect(r.json.undisclosedOps).toBe((2n * (4n * 10n ** 24n + 10n ** 20n)).toString());
  });
});

describe('when the store fails', () => {
  it('answers 503 VERIFIER_STORE_FAILED with Retry-After and nothing of the cause, and counts it', async () => {
    const failing = { value: false };
    const s = await start({ store: failingStore(asAsyncStore(new MemoryVerifierStore()), failing), retryAfterSeconds: 3 });
    const chip = licensedChip('service chip 12');
    const nonce = await challenge(s.url, chip.ueid);
    failing.value = true;
    const answers = [
      await call(s.url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: chip.evidence({ nonce: fromHexNonce(nonce) }).bundle }),
      await call(s.url, 'POST', '/v1/challenges', {}),
      await call(s.url, 'GET', '/v1/fleet', { token: TOKEN }),
      await call(s.url, 'GET', '/health'),
    ];
    for (const r of answers) {
      expect({ status: r.status, code: r.json.code, retry: r.headers.get('retry-after') }).toEqual({ status: 503, code: 'VERIFIER_STORE_FAILED', retry: '3' });
      expect(new TextDecoder().decode(r.bytes)).not.toMatch(/ECONNREFUSED|db-secret|5432|at .*\.ts/);
    }
    const metrics = new TextDecoder().decode((await call(s.url, 'GET', '/metrics')).bytes);
    expect(metrics).toMatch(/^hemkit_store_errors_total 4$/m);
    // Back once the store is: the challenge issued before is still good.
    failing.value = false;
    const r = await call(s.url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: chip.evidence({ nonce: fromHexNonce(nonce) }).bundle });
    expect(r.json.submods[toHex(chip.ueid)]['ear_status']).toBe('affirming');
  });

  it('answers an unexpected failure with 500 SERVICE_INTERNAL_ERROR and no detail, never a stack', async () => {
    const failing = { value: true, error: () => new TypeError(`cannot read properties of undefined ${INTERNAL_DETAIL}`) };
    const lines: string[] = [];
    const { url } = await start({ store: failingStore(asAsyncStore(new MemoryVerifierStore()), failing), log: (l) => lines.push(l) });
    const r = await call(url, 'POST', '/v1/challenges', {});
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ type: 'tag:hemkit.example,2026:problem/SERVICE_INTERNAL_ERROR', title: expect.any(String), status: 500, detail: 'internal error', code: 'SERVICE_INTERNAL_ERROR' });
    // The cause goes to the service's log, one line.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(INTERNAL_DETAIL);
  });
});

describe('health and metrics', () => {
  it('counts appraisals by status and their latency', async () => {
    const { url } = await start();
    const chip = licensedChip('service chip 13');
    const nonce = await challenge(url, chip.ueid);
    const { bundle } = chip.evidence({ nonce: fromHexNonce(nonce) });
    await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: bundle });
    await call(url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: CBOR, body: bundle });
    expect((await call(url, 'GET', '/health')).json).toEqual({ status: 'ok' });
    const text = new TextDecoder().decode((await call(url, 'GET', '/metrics')).bytes);
    expect(text).toMatch(/^hemkit_appraisals_total\{status="affirming"\} 1$/m);
    expect(text).toMatch(/^hemkit_appraisals_total\{status="contraindicated"\} 1$/m);
    expect(text).toMatch(/^hemkit_appraisal_duration_seconds_count 2$/m);
    expect(text).toMatch(/^hemkit_challenges_total 1$/m);
  });
});
