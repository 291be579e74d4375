/**
 * The OpenAPI description (src/openapi.ts) against the running server: the server serves exactly the
 * documented operations, serves the description itself, and answers each operation as described
 * (every `call` in these tests holds its answer to the description: status, media type, body schema).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '@hemkit/wire/bytes';
import { serviceRoutes } from '../src/app.js';
import { OPENAPI } from '../src/openapi.js';
import { call, licensedChip, startService, TOKEN, type Running } from './support.js';

let s: Running;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => {
  await s.close();
});

describe('the OpenAPI description', () => {
  it('names exactly the operations the server serves', () => {
    const served = serviceRoutes(s.app).map((r) => `${r.method} ${r.url.replace(/:([a-z]+)/g, '{$1}')}`);
    const documented = Object.entries(OPENAPI.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(served.sort()).toEqual(documented.sort());
  });

  it('is what GET /openapi.json serves', async () => {
    const r = await call(s.url, 'GET', '/openapi.json');
    expect(r.json).toEqual(JSON.parse(JSON.stringify(OPENAPI)));
  });

  it('compiles: every schema is valid JSON Schema 2020-12 and every $ref resolves', () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'openapi', components: OPENAPI.components } as object);
    const refs = JSON.stringify(OPENAPI.paths).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of new Set(refs)) expect(() => ajv.compile({ $ref: `openapi${ref}` }), ref).not.toThrow();
  });

  it('describes the answer of every operation, exercised on the running server', async () => {
    const chip = licensedChip('openapi chip');
    const challenge = await call(s.url, 'POST', '/v1/challenges', { type: 'application/json', body: JSON.stringify({ ueid: toHex(chip.ueid) }) });
    const nonce = challenge.json.nonce as string;
    const evidence = await call(s.url, 'POST', `/v1/challenges/${nonce}/evidence`, { type: 'application/vnd.hemkit.evidence+cbor', body: chip.evidence({ nonce: new Uint8Array(Buffer.from(nonce, 'hex')) }).bundle });
    const answers = [
      challenge,
      evidence,
      await call(s.url, 'GET', `/v1/chips/${toHex(chip.ueid)}`, { token: TOKEN }),
      await call(s.url, 'GET', '/v1/fleet', { token: TOKEN }),
      await call(s.url, 'GET', '/health'),
      await call(s.url, 'GET', '/metrics'),
      await call(s.url, 'GET', '/openapi.json'),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 200, 200, 200, 200, 200, 200]);
  });
});
