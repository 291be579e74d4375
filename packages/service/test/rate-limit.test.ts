/**
 * The per-client rate limit shared by the workers (specs/service.md §3): the PostgreSQL counter
 * (two pools standing for two workers), the service on a shared counter, a counter that fails (503,
 * not 500), and `hemkit serve --workers 2` on PostgreSQL allowing a client the limit once in all.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HemkitError } from '@hemkit/wire/errors';
import { trustFileJson } from '../../verifier/test/support/fixture.js';
import { freshDatabase, postgresAnswers, type FreshDatabase } from '../../verifier/test/store/postgres-support.js';
import { PostgresRateCounter, type RateCount, type SharedRateCounter } from '../src/rate-limit.js';
import { client, serve } from './fault-support.js';
import { call, startService } from './support.js';

const pgUp = await postgresAnswers();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A counter in this process that two services share, as two workers share the database's. */
function memoryCounter(fail?: () => Error): SharedRateCounter & { hits: number } {
  const counts = new Map<string, { current: number; until: number }>();
  return {
    hits: 0,
    async hit(key: string, windowMs: number): Promise<RateCount> {
      if (fail) throw fail();
      this.hits++;
      const now = Date.now();
      const c = counts.get(key);
      const next = c === undefined || c.until <= now ? { current: 1, until: now + windowMs } : { current: c.current + 1, until: c.until };
      counts.set(key, next);
      return { current: next.current, ttl: next.until - now };
    },
    close: async () => {},
  };
}

describe('a shared rate counter in the service', () => {
  it('two services on one counter allow a client the limit once between them: then 429 SERVICE_RATE_LIMITED', async () => {
    const counter = memoryCounter();
    const a = await startService({ rateLimit: { max: 4, windowMs: 60_000, shared: counter } });
    const b = await startService({ rateLimit: { max: 4, windowMs: 60_000, shared: counter } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) for (const s of [a, b]) statuses.push((await call(s.url, 'GET', '/health')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
      const r = await call(b.url, 'GET', '/health');
      expect({ status: r.status, code: r.json.code }).toEqual({ status: 429, code: 'SERVICE_RATE_LIMITED' });
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(counter.hits).toBe(9);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('when the shared count fails, the worker counts in process: the limit still holds, the rest still answers, one line logged', async () => {
    const lines: string[] = [];
    const counter = memoryCounter(() => new HemkitError('VERIFIER_STORE_FAILED', 'counting a request for the rate limit: connect ECONNREFUSED 10.1.2.3:5432'));
    const s = await startService({ rateLimit: { max: 4, windowMs: 60_000, shared: counter }, log: (l) => lines.push(l) });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(s.url, 'GET', '/metrics')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      expect(lines).toEqual(['rate limit counted in this worker: the shared count failed: counting a request for the rate limit: connect ECONNREFUSED 10.1.2.3:5432']);
    } finally {
      await s.close();
    }
  });
});

describe.skipIf(!pgUp)('the rate limit in PostgreSQL', () => {
  let db: FreshDatabase;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hemkit-rate-'));
    writeFileSync(join(dir, 'trust.json'), trustFileJson());
    db = await freshDatabase();
  }, 30_000);
  afterAll(async () => {
    await db?.drop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('two workers\' counters count one client together, other clients apart, and a window that ended starts again at 1', async () => {
    const [one, two] = await Promise.all([PostgresRateCounter.open(db.url), PostgresRateCounter.open(db.url)]);
    try {
      const counts: RateCount[] = [];
      for (let i = 0; i < 3; i++) for (const c of [one, two]) counts.push(await c.hit('198.51.100.7', 400));
      expect(counts.map((c) => c.current)).toEqual([1, 2, 3, 4, 5, 6]);
      for (const c of counts) expect(c.ttl).toBeGreaterThan(0), expect(c.ttl).toBeLessThanOrEqual(400);
      expect((await two.hit('203.0.113.9', 400)).current).toBe(1);
      await sleep(450);
      expect((await one.hit('198.51.100.7', 400)).current).toBe(1);
      // Concurrent counts from both are each counted once.
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).hit('192.0.2.1', 60_000)));
      expect(burst.map((c) => c.current).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('refuses a window that is not a positive whole number of milliseconds: VERIFIER_STORE_INVALID_INPUT', async () => {
    const c = await PostgresRateCounter.open(db.url);
    try {
      await expect(c.hit('192.0.2.2', 0)).rejects.toMatchObject({ code: 'VERIFIER_STORE_INVALID_INPUT' });
      await expect(c.hit('192.0.2.2', 1.5)).rejects.toMatchObject({ code: 'VERIFIER_STORE_INVALID_INPUT' });
    } finally {
      await c.close();
    }
  });

  it('sweeps the rows of windows that ended, once every sweepInterval counts', async () => {
    const c = await PostgresRateCounter.open(db.url, { sweepInterval: 3 });
    const dbc = new pg.Client({ connectionString: db.url });
    await dbc.connect();
    const rows = async () => (await dbc.query<{ client: string }>("SELECT client FROM hemkit_rate_limits WHERE client LIKE 'sweep-%' ORDER BY client")).rows.map((r) => r.client);
    try {
      await c.hit('sweep-a', 1000);
      await sleep(1_200);
      await c.hit('sweep-b', 1000);
      expect(await rows()).toEqual(['sweep-a', 'sweep-b']);
      await c.hit('sweep-c', 1000);
      expect(await rows()).toEqual(['sweep-b', 'sweep-c']);
    } finally {
      await dbc.end();
      await c.close();
    }
  });

  it('a server that does not answer: VERIFIER_STORE_FAILED at open', async () => {
    await expect(PostgresRateCounter.open('postgres://postgres@127.0.0.1:1/none', { timeoutMs: 500 })).rejects.toMatchObject({ code: 'VERIFIER_STORE_FAILED' });
  });

  it('hemkit serve --workers 2 --rate-limit 10: a client gets 10 answers in all, then 429 SERVICE_RATE_LIMITED from either worker', async () => {
    const s = await serve({ trustFile: join(dir, 'trust.json'), database: db.url, workers: 2, rateLimit: 10 });
    try {
      expect(s.workers()).toHaveLength(2);
      // A new connection per request: the primary hands them to the two workers in turn.
      const http = client(s.url, { fresh: true });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) {
        const r = await http('GET', '/openapi.json');
        statuses.push(r.status);
        if (r.status === 429) {
          expect(r.headers['content-type']).toBe('application/problem+json');
          expect((JSON.parse(r.body.toString()) as { code: string }).code).toBe('SERVICE_RATE_LIMITED');
          expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      // Per worker (the old in-process count) this would be 20 answers.
      expect(statuses).toEqual([...Array(10).fill(200), ...Array(14).fill(429)]);
      // Every request of both workers was counted in the one row of this client.
      const dbc = new pg.Client({ connectionString: db.url });
      await dbc.connect();
      try {
        expect((await dbc.query("SELECT hits::int FROM hemkit_rate_limits WHERE client = '127.0.0.1'")).rows).toEqual([{ hits: 24 }]);
      } finally {
        await dbc.end();
      }
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 60_000);
});
