/**
 * Faults under load (specs/service.md §1, verifier.md §4.1), on loopback with `hemkit serve --workers
 * 2` on a fresh PostgreSQL database: a worker killed with SIGKILL mid-load, the database's backend
 * connections terminated under load (what a server restart does to them; the shared server itself is
 * not restarted: restart.test.ts restarts a private one), and the same chip's bundles raced on two workers. Afterwards the store is
 * consistent, no acknowledged result is lost, no nonce is affirmed twice, a forked chip is affirmed
 * once, and every error answer was a typed 503 with Retry-After, never a 500. Bounded: a few seconds
 * of load each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '@hemkit/wire/bytes';
import { collectEvidence } from '../../module/src/evidence.js';
import { runOn, trustFileJson } from '../../verifier/test/support/fixture.js';
import { freshDatabase, postgresAnswers, terminateBackends, type FreshDatabase } from '../../verifier/test/store/postgres-support.js';
import { chipNamed, client, expectNothingLost, OPS, serve as serveOn, tally, type Reply, type Server, type SimChip } from './fault-support.js';

const pgUp = await postgresAnswers();
const dir = mkdtempSync(join(tmpdir(), 'hemkit-faults-'));
let db: FreshDatabase;
const serve = (workers: number): Promise<Server> => serveOn({ trustFile: join(dir, 'trust.json'), database: db.url, workers });

/**
 * Rounds of challenge → one new workload → evidence from `clients` concurrent clients over `chips`,
 * for `ms`; calls `during` once, part-way. Returns every HTTP answer and the transport failures.
 */
async function load(s: Server, chips: SimChip[], ms: number, during: () => Promise<void>) {
  const http = client(s.url);
  const replies: Reply[] = [];
  let transport = 0;
  const transportCodes: string[] = [];
  const queue = [...chips];
  const end = Date.now() + ms;
  const round = async (c: SimChip): Promise<void> => {
    const ch = await http('POST', '/v1/challenges', JSON.stringify({ ueid: toHex(c.ueid) }), 'application/json');
    replies.push(ch);
    if (ch.status !== 201) return;
    const challenge = JSON.parse(ch.body.toString()) as { nonce: string; knownTreeSize: number };
    runOn(c.chip, `fault run ${++c.runs}`, OPS, c.openings);
    const bundle = collectEvidence(c.chip, { nonce: new Uint8Array(Buffer.from(challenge.nonce, 'hex')), knownTreeSize: challenge.knownTreeSize, openings: c.openings, licences: [c.licence] });
    const r = await http('POST', `/v1/challenges/${challenge.nonce}/evidence`, bundle, 'application/cbor');
    replies.push(r);
    if (r.status !== 200) return;
    const sub = Object.values((JSON.parse(r.body.toString()) as { submods: Record<string, { 'ear_status': string; 'hemkit.checks': { status: string; code?: string }[] }> }).submods)[0]!;
    // Every acknowledged appraisal of a chip that proves against what the store said is affirming.
    expect(sub['hemkit.checks'].filter((x) => x.status === 'fail')).toEqual([]);
    // The fixture's chips ran nothing before: the report counts exactly the runs of these rounds.
    c.acknowledged = { totalOps: BigInt(c.runs) * OPS };
  };
  const workersDone = Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < end) {
        const c = queue.shift()!;
        try {
          await round(c);
        } catch (e) {
          // A connection to a killed worker, reset: the client retries with a new challenge. Anything
          // else (a failed expectation) fails the test.
          if (!(e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code !== 'ERR_ASSERTION')) throw e;
          transport++;
          transportCodes.push(e.code as string);
        } finally {
          queue.push(c);
        }
      }
    }),
  );
  await new Promise((r) => setTimeout(r, ms / 3));
  await during();
  await workersDone;
  return { replies, transport, transportCodes, http };
}

describe.skipIf(!pgUp)('faults under load, two workers on PostgreSQL', () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'trust.json'), trustFileJson());
    db = await freshDatabase();
  }, 30_000);
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker killed with SIGKILL mid-load is replaced; nothing acknowledged is lost, no answer is a 500', async () => {
    const s = await serve(2);
    try {
      const chips = Array.from({ length: 24 }, (_, i) => chipNamed(`sigkill chip ${i}`));
      const victim = s.workers()[0]!;
      const { replies, transport, transportCodes } = await load(s, chips, 4_000, async () => {
        process.kill(victim, 'SIGKILL');
      });
      const t = tally(replies, transport);
      expect(s.log()).toContain(`worker ${victim} ended (SIGKILL); starting another`);
      // What the killed worker's clients saw: their connections reset, nothing else.
      expect([...new Set(transportCodes)].filter((c) => !['ECONNRESET', 'EPIPE', 'ECONNREFUSED'].includes(c)), 'transport errors other than a reset connection').toEqual([]);
      expect(t.statuses['200']).toBeGreaterThan(0);
      expect(await expectNothingLost(s, chips)).toBeGreaterThan(0);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 60_000);

  it('backend connections terminated under load (as a server restart ends them): typed 503s with Retry-After, then recovery', async () => {
    const s = await serve(2);
    try {
      const chips = Array.from({ length: 24 }, (_, i) => chipNamed(`terminate chip ${i}`));
      let killed = 0;
      const { replies, transport } = await load(s, chips, 4_000, async () => {
        for (let i = 0; i < 3; i++) {
          killed += await terminateBackends(db.name);
          await new Promise((r) => setTimeout(r, 200));
        }
      });
      expect(killed).toBeGreaterThan(0);
      expect(s.log()).not.toContain('ended');
      const t = tally(replies, transport);
      // Connections are not reset by the workers: a terminated backend is answered, as a 503.
      expect(transport).toBe(0);
      expect(t.statuses['500']).toBeUndefined();
      expect(await expectNothingLost(s, chips)).toBeGreaterThan(0);
      // And the service recovered: a fresh round for every chip is affirmed.
      const after = await load(s, chips.slice(0, 8), 1_000, async () => {});
      expect(after.replies.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(after.replies.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 60_000);

  it('races one chip\'s bundles on two workers: a forked chip affirmed once, a nonce affirmed once, nothing lost', async () => {
    const s = await serve(2);
    const http = client(s.url);
    try {
      // Two clones of each chip (the fixture derives a chip from its name), each running other work:
      // two histories of one UEID at the same log size, sent at once to the two workers.
      const pairs = Array.from({ length: 10 }, (_, i) => [chipNamed(`fork chip ${i}`), chipNamed(`fork chip ${i}`)] as const);
      const submissions = await Promise.all(
        pairs.flatMap(([a, b]) => [a, b]).map(async (c, k) => {
          const ch = JSON.parse((await http('POST', '/v1/challenges', JSON.stringify({ ueid: toHex(c.ueid) }), 'application/json')).body.toString()) as { nonce: string };
          runOn(c.chip, `fork history ${k % 2}`, OPS * BigInt(1 + (k % 2)), c.openings);
          return { c, nonce: ch.nonce, bundle: collectEvidence(c.chip, { nonce: new Uint8Array(Buffer.from(ch.nonce, 'hex')), knownTreeSize: 0, openings: c.openings, licences: [c.licence] }) };
        }),
      );
      // Each bundle is sent twice at once as well: the same nonce raced on both workers.
      const answers = await Promise.all(
        submissions.flatMap((x) => [x, x]).map(async (x) => ({ x, r: await http('POST', `/v1/challenges/${x.nonce}/evidence`, x.bundle, 'application/cbor') })),
      );
      tally(answers.map((a) => a.r), 0);
      const outcome = (r: Reply) => {
        const sub = Object.values((JSON.parse(r.body.toString()) as { submods: Record<string, { 'ear_status': string; 'hemkit.checks': { status: string; code?: string }[] }> }).submods)[0]!;
        return sub['ear_status'] === 'affirming' ? 'affirming' : sub['hemkit.checks'].find((c) => c.status === 'fail')!.code!;
      };
      for (const [a, b] of pairs) {
        const mine = answers.filter((x) => x.x.c === a || x.x.c === b).map((x) => ({ clone: x.x.c === a ? 'a' : 'b', outcome: outcome(x.r) }));
        // One history affirmed, once; its second copy is NONCE_REUSED; the other history is a fork.
        expect(mine.filter((m) => m.outcome === 'affirming')).toHaveLength(1);
        const winner = mine.find((m) => m.outcome === 'affirming')!.clone;
        expect(mine.filter((m) => m.clone === winner).map((m) => m.outcome).sort()).toEqual(['NONCE_REUSED', 'affirming']);
        // The other history is refused, and its second copy's nonce was used by the refused first. Clone
        // b ran twice the operations: losing to a it is a fork (check 10); winning, a is behind (check 9).
        const refusal = winner === 'a' ? 'LOG_FORK' : 'COUNTERS_WENT_BACKWARDS';
        expect(mine.filter((m) => m.clone !== winner).map((m) => m.outcome).sort()).toEqual([refusal, 'NONCE_REUSED'].sort());
        // The store remembers the winner's history: its counter.
        const state = JSON.parse((await http('GET', `/v1/chips/${toHex(a.ueid)}`)).body.toString()) as { totalOps: string };
        expect(BigInt(state.totalOps)).toBe(winner === 'a' ? OPS : 2n * OPS);
      }
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 60_000);
});
