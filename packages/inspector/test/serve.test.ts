import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_PATH, servePage, type Serving } from '../src/serve.js';
import { ensurePage } from './page.js';

let serving: Serving;

beforeAll(async () => {
  await ensurePage();
  serving = await servePage();
}, 120_000);
afterAll(() => serving?.close());

describe('the page on localhost', () => {
  it('listens on the loopback address only', () => {
    expect(serving.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the built page at /', async () => {
    const r = await fetch(serving.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await r.text()).toBe(readFileSync(PAGE_PATH, 'utf8'));
  });

  it("serves the clone's spec at /specs/, where the page links", async () => {
    const r = await fetch(new URL('specs/verifier.md', serving.url));
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('## 2. Evidence bundle');
  });

  it('serves the CDDL the schema verdicts link to', async () => {
    const r = await fetch(new URL('specs/cddl/hemkit.cddl', serving.url));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('serves nothing else: no path out of specs/, no other file, no other method', async () => {
    for (const path of ['specs/../package.json', 'specs/%2e%2e/package.json', 'package.json', 'specs/schemas/trust-anchors.schema.json']) {
      expect((await fetch(new URL(path, serving.url))).status, path).toBe(404);
    }
    expect((await fetch(serving.url, { method: 'POST' })).status).toBe(405);
  });
});
