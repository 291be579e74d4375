/**
 * PostgreSQL restarted under load (specs/service.md §1 and §5, verifier.md §4.1): `hemkit serve
 * --workers 2` on a private PostgreSQL 15 cluster of this test's own (private-postgres.ts; the shared
 * server is never restarted), which is restarted with `pg_ctl restart -m fast`, then `-m immediate`
 * (a crash: the start replays the WAL), then stopped for a second and started, while clients keep
 * submitting. A client whose evidence gets a 503 sends the same bundle again after Retry-After, as a
 * client should. Afterwards: every answer was a success or a typed problem, none hung; nothing
 * acknowledged is lost; no nonce was affirmed twice; the store's rows are consistent; the same workers
 * serve on, none restarted; and their metrics counted the store errors. Bounded: about 8 s of load.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '@hemkit/wire/bytes';
import { collectEvidence } from '../../module/src/evidence.js';
import { runOn, trustFileJson } from '../../verifier/test/support/fixture.js';
import { privateClusterUnavailable, startPrivateCluster, type PrivateCluster } from '../../verifier/test/store/private-postgres.js';
import { chipNamed, client, expectNothingLost, OPS, serve, tally, type Reply, type SimChip } from './fault-support.js';

const unavailable = privateClusterUnavailable();
if (unavailable !== undefined) console.warn(`PostgreSQL restart test skipped: ${unavailable} (set HEMKIT_REQUIRE_POSTGRES=1 to fail instead)`);

let dir: string;
let cluster: PrivateCluster | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Submod {
  readonly ear_status: string;
  readonly eat_nonce?: string;
  readonly 'hemkit.checks': readonly { status: string; code?: string }[];
}
const submod = (r: Reply): Submod => Object.values((JSON.parse(r.body.toString()) as { submods: Record<string, Submod> }).submods)[0]!;

describe.skipIf(unavailable !== undefined)('PostgreSQL restarted under load (a private cluster)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hemkit-restart-'));
    writeFileSync(join(dir, 'trust.json'), trustFileJson());
    cluster = await startPrivateCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('pg_ctl restart -m fast and -m immediate, and a stop of 1 s: typed 503s, no hang, nothing lost, no nonce affirmed twice, the same workers recover', async () => {
    const c = cluster!;
    // The rate limit on (high enough never to refuse): its shared count fails with the database too.
    const s = await serve({ trustFile: join(dir, 'trust.json'), database: c.url, workers: 2, rateLimit: 1_000_000 });
    const http = client(s.url);
    try {
      const workersBefore = s.workers().sort();
      expect(workersBefore).toHaveLength(2);
      const chips = Array.from({ length: 24 }, (_, i) => chipNamed(`restart chip ${i}`));
      const replies: Reply[] = [];
      const transport: string[] = [];
      /** The nonce of every answer that affirmed, and what each nonce's submissions were answered. */
      const affirmedNonces: string[] = [];
      const outcomes = new Map<string, string[]>();
      const submit = (nonce: string, bundle: Uint8Array) => http('POST', `/v1/challenges/${nonce}/evidence`, bundle, 'application/cbor');

      const round = async (chip: SimChip): Promise<void> => {
        const ch = await http('POST', '/v1/challenges', JSON.stringify({ ueid: toHex(chip.ueid) }), 'application/json');
        replies.push(ch);
        if (ch.status !== 201) return;
        const challenge = JSON.parse(ch.body.toString()) as { nonce: string; knownTreeSize: number };
        runOn(chip.chip, `restart run ${++chip.runs}`, OPS, chip.openings);
        const reported = BigInt(chip.runs) * OPS;
        const bundle = collectEvidence(chip.chip, { nonce: new Uint8Array(Buffer.from(challenge.nonce, 'hex')), knownTreeSize: challenge.knownTreeSize, openings: chip.openings, licences: [chip.licence] });
        // The same bundle again after each 503, at most five times: what a client does with Retry-After
        // (waiting 0.3 s here rather than the 1 s it says, to keep the test short).
        for (let attempt = 0; attempt < 6; attempt++) {
          const r = await submit(challenge.nonce, bundle);
          replies.push(r);
          if (r.status === 503) {
            await sleep(300);
            continue;
          }
          if (r.status !== 200) return;
          const sub = submod(r);
          const failed = sub['hemkit.checks'].filter((x) => x.status === 'fail').map((x) => x.code!);
          outcomes.set(challenge.nonce, [...(outcomes.get(challenge.nonce) ?? []), sub.ear_status === 'affirming' ? 'affirming' : failed.join(',')]);
          if (sub.ear_status === 'affirming') {
            affirmedNonces.push(challenge.nonce);
            chip.acknowledged = { totalOps: reported };
          } else {
            // The one refusal a resent bundle may meet: its first sending committed, and only the
            // answer was lost with the connection (service.md §5, 503).
            expect(attempt > 0 && failed.length === 1 && failed[0] === 'NONCE_REUSED', `nonce ${challenge.nonce}, attempt ${attempt}: ${failed.join(',')}`).toBe(true);
          }
          return;
        }
      };

      const queue = [...chips];
      const drive = async (ms: number): Promise<void> => {
        const end = Date.now() + ms;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (Date.now() < end) {
              const chip = queue.shift()!;
              try {
                await round(chip);
              } catch (e) {
                // A reset, refused or timed-out connection: counted (and none is allowed below).
                if (!(e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code !== 'ERR_ASSERTION')) throw e;
                transport.push(e.code);
              } finally {
                queue.push(chip);
              }
            }
          }),
        );
      };

      const faults = (async () => {
        await sleep(1_500);
        await c.restart('fast');
        await sleep(1_500);
        await c.restart('immediate');
        await sleep(1_500);
        await c.stop('immediate');
        await sleep(1_000);
        await c.start();
      })();
      await drive(8_000);
      await faults;

      // Every answer a success or a typed problem; a challenge whose row the crash lost (challenges
      // commit asynchronously, service.md §1) may be unknown to the resent bundle.
      const t = tally(replies, transport.length, [{ status: 404, code: 'SERVICE_CHALLENGE_UNKNOWN' }]);
      expect(transport, 'connections reset or left without an answer').toEqual([]);
      expect(t.statuses['500']).toBeUndefined();
      // The outage was seen (else this test proves nothing), and so were successes.
      expect(t.codes.VERIFIER_STORE_FAILED ?? 0).toBeGreaterThan(0);
      expect(affirmedNonces.length).toBeGreaterThan(0);
      // No nonce affirmed twice, whichever worker and attempt.
      expect(new Set(affirmedNonces).size).toBe(affirmedNonces.length);
      for (const [nonce, answers] of outcomes) expect(answers.filter((a) => a === 'affirming').length, nonce).toBeLessThanOrEqual(1);

      // The same two workers serve on: none ended or was replaced.
      expect(s.log()).not.toContain('ended');
      // The workers counted the rate limit in process while the shared count failed (service.md §3).
      expect(s.log()).toContain('rate limit counted in this worker: the shared count failed');
      expect(s.workers().sort()).toEqual(workersBefore);
      // And they recovered: both answer /health within 10 s of the server's return (new connections
      // go to the workers in turn), then a fresh round for eight chips is affirmed without a 503.
      const probe = client(s.url, { fresh: true });
      const recovered = Date.now() + 10_000;
      for (let healthy = 0; healthy < 4; ) {
        expect(Date.now(), 'the workers did not recover in 10 s').toBeLessThan(recovered);
        healthy = (await probe('GET', '/health')).status === 200 ? healthy + 1 : 0;
        if (healthy === 0) await sleep(100);
      }
      const before = replies.length;
      await Promise.all(chips.slice(0, 8).map((chip) => round(chip)));
      const after = replies.slice(before);
      expect(after.map((r) => r.status).every((st) => st === 200 || st === 201)).toBe(true);
      expect(after.filter((r) => r.status === 200).map((r) => submod(r).ear_status)).toEqual(Array(8).fill('affirming'));

      // Nothing acknowledged lost, through the API and in the rows.
      expect(await expectNothingLost(s, chips)).toBeGreaterThan(0);
      const db = new pg.Client({ connectionString: c.url });
      await db.connect();
      try {
        const rows = (await db.query<{ ueid: Buffer; total_ops: string; latest_ops: string | null; backwards: number }>(`
          SELECT c.ueid, c.total_ops::text,
                 (SELECT k.total_ops::text FROM checkpoints k WHERE k.ueid = c.ueid ORDER BY k.tree_size DESC LIMIT 1) AS latest_ops,
                 (SELECT count(*)::int FROM checkpoints a JOIN checkpoints b ON a.ueid = b.ueid AND a.tree_size < b.tree_size AND a.total_ops > b.total_ops WHERE a.ueid = c.ueid) AS backwards
            FROM chips c`)).rows;
        const byUeid = new Map(chips.map((chip) => [toHex(chip.ueid), chip]));
        for (const row of rows) {
          const chip = byUeid.get(toHex(row.ueid))!;
          expect(chip, 'a chip the test never ran').toBeDefined();
          const remembered = BigInt(row.total_ops);
          // What the store remembers: one of the chip's own reports (a whole number of runs, no more
          // than it ran), at least what was acknowledged, its latest checkpoint's counter, and
          // checkpoints whose counters never go backwards.
          expect(remembered % OPS).toBe(0n);
          expect(remembered).toBeLessThanOrEqual(BigInt(chip.runs) * OPS);
          expect(remembered).toBeGreaterThanOrEqual(chip.acknowledged?.totalOps ?? 0n);
          expect(row.latest_ops).toBe(row.total_ops);
          expect(row.backwards).toBe(0);
        }
        // Every chip acknowledged has its row (a chip whose only committed appraisal lost its answer has one too).
        expect(rows.length).toBeGreaterThanOrEqual(chips.filter((chip) => chip.acknowledged !== undefined).length);
        // Every affirmed nonce is remembered as used.
        const used = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM nonces WHERE nonce = ANY ($1::bytea[])', [affirmedNonces.map((n) => Buffer.from(n, 'hex'))])).rows[0]!.n;
        expect(used).toBe(affirmedNonces.length);
      } finally {
        await db.end();
      }

      // The workers' metrics counted the store errors, each of its own: read over fresh connections
      // (which the primary hands to the workers in turn), the two counters add up to the 503s sent.
      const fresh = client(s.url, { fresh: true });
      const counted = new Set<number>();
      for (let i = 0; i < 12; i++) {
        const m = (await fresh('GET', '/metrics')).body.toString();
        counted.add(Number(/^hemkit_store_errors_total (\d+)$/m.exec(m)![1]));
      }
      const sent = t.codes.VERIFIER_STORE_FAILED!;
      const values = [...counted];
      // Two equal counters read as one value.
      if (values.length === 1) expect(values[0]! * 2).toBe(sent);
      else expect(values.reduce((a, b) => a + b, 0)).toBe(sent);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 90_000);
});

describe('the private cluster helper', () => {
  it('names what is missing, and under HEMKIT_REQUIRE_POSTGRES=1 fails instead of skipping', () => {
    expect(privateClusterUnavailable('/nonexistent/pg/bin', false)).toBe('no initdb, pg_ctl, postgres in /nonexistent/pg/bin (set HEMKIT_POSTGRES_BIN)');
    expect(() => privateClusterUnavailable('/nonexistent/pg/bin', true)).toThrow('HEMKIT_REQUIRE_POSTGRES=1 but a private PostgreSQL cluster cannot run: no initdb');
  });
});
