/**
 * What every AsyncVerifierStore promises (specs/verifier.md §4.1), one suite run against the memory
 * and SQLite stores through `asAsyncStore` and against PostgreSQL in a fresh database: one
 * transaction per chip (no lost update under concurrent appraisals), a nonce affirmed at most once
 * whichever chips race for it, decide held to its plan, nothing recorded by a failed appraisal, and
 * the reads a verification service needs (chip state, the chip listing, challenges).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asAsyncStore, MemoryVerifierStore, type AppraisalPlan, type AsyncVerifierStore, type ChipMemory } from '../../src/store/index.js';
import { SqliteVerifierStore } from '../../src/store/sqlite.js';
import { PostgresVerifierStore } from '../../src/store/postgres.js';
import { checkpoint, expectRejection, root, type TempDir, tempDir, ueid, update } from './support.js';
import { freshDatabase, postgresAnswers, type FreshDatabase } from './postgres-support.js';

const CHIP = ueid(1);
const NONCE = new Uint8Array(16).fill(0x4e);
const NO_PLAN: AppraisalPlan = { checkpointSizes: [] };
const withNonce = (nonce: Uint8Array, expiresAt = 1_800_000_600): AppraisalPlan => ({ checkpointSizes: [], nonce: { nonce, expiresAt } });

interface AsyncKind {
  readonly name: string;
  open(): Promise<AsyncVerifierStore>;
  cleanup(): Promise<void>;
}

const pgUp = await postgresAnswers();
let database: FreshDatabase | undefined;
let dir: TempDir | undefined;
let opened = 0;

const KINDS: AsyncKind[] = [
  { name: 'memory (asAsyncStore)', open: async () => asAsyncStore(new MemoryVerifierStore()), cleanup: async () => {} },
  {
    name: 'SQLite (asAsyncStore)',
    open: async () => asAsyncStore(SqliteVerifierStore.open((dir ??= tempDir()).file(`store-${++opened}.db`))),
    cleanup: async () => {
      dir?.remove();
      dir = undefined;
    },
  },
  {
    name: 'PostgreSQL',
    // Each test gets its own schema-fresh database content: the tables are emptied between tests.
    open: async () => {
      const store = await PostgresVerifierStore.open(database!.url, { poolSize: 8 });
      await truncate(database!.url);
      return store;
    },
    cleanup: async () => {},
  },
];

async function truncate(url: string): Promise<void> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('TRUNCATE chips, licences, checkpoints, nonces, challenges');
  await c.end();
}

/** An appraisal that affirms whatever it sees, recording `u`. */
const record = (store: AsyncVerifierStore, u = update(CHIP)) => store.appraise(u.ueid, NO_PLAN, () => ({ result: undefined, update: u }));

describe.each(KINDS)('$name', (kind) => {
  const skip = kind.name === 'PostgreSQL' && !pgUp;
  let store: AsyncVerifierStore;

  beforeAll(async () => {
    if (kind.name === 'PostgreSQL' && pgUp) database = await freshDatabase();
  });
  afterAll(async () => {
    if (kind.name === 'PostgreSQL' && database !== undefined) await database.drop();
    await kind.cleanup();
  });
  beforeEach(async (ctx) => {
    if (skip) ctx.skip();
    store = await kind.open();
  });
  afterEach(async () => {
    if (!skip) await store.close();
  });

  describe('chip memory', () => {
    it('knows nothing of a chip never appraised, and says so to decide', async () => {
      expect(await store.getChip(CHIP)).toBeUndefined();
      const seen = await store.appraise(CHIP, NO_PLAN, (memory) => ({ result: memory === undefined ? 'none' : 'some' }));
      expect(seen).toBe('none');
      expect(await store.getChip(CHIP)).toBeUndefined();
    });

    it('shows the state an affirming appraisal recorded, with its latest checkpoint and licences', async () => {
      const licence = 'ab'.repeat(16);
      await record(store, update(CHIP, { bootcount: 3, totalOps: 12_345n, workloadsRun: 7, checkpoints: [checkpoint(2), checkpoint(4)], appraisedAt: 1_800_000_100, licenceUsage: new Map([[licence, 99n]]), activeLicence: licence }));
      expect(await store.getChip(CHIP)).toEqual({
        ueid: CHIP,
        bootcount: 3,
        totalOps: 12_345n,
        workloadsRun: 7,
        latestCheckpoint: { treeSize: 4, rootHash: root(4), issuedAt: 1_800_000_004, totalOps: 4000n },
        lastAppraisedAt: 1_800_000_100,
        licenceUsage: new Map([[licence, 99n]]),
        activeLicence: licence,
        licenceMemoryUsage: new Map(),
      });
    });

    it('keeps the state at the head (SVN, issuer set, memory counter, memory per licence), merged forward only', async () => {
      const [l1, l2] = ['ab'.repeat(16), 'cd'.repeat(16)];
      const hash = '5e'.repeat(32);
      await record(store, update(CHIP, { licenceUsage: new Map([[l1, 1n]]) }));
      // Not known until an appraisal knows it (a chip a schema-2 store remembered).
      expect(await store.getChip(CHIP)).not.toHaveProperty('svn');
      expect(await store.getChip(CHIP)).not.toHaveProperty('issuerSet');
      expect(await store.getChip(CHIP)).not.toHaveProperty('memoryBytes');
      await record(store, update(CHIP, { svn: 2, issuerSet: { sequence: 0, updateHash: undefined }, memoryBytes: (1n << 128n) - 1n, licenceUsage: new Map([[l1, 2n], [l2, 0n]]), licenceMemoryUsage: new Map([[l1, 700n], [l2, 5n]]) }));
      await record(store, update(CHIP, { svn: 3, issuerSet: { sequence: 4, updateHash: hash }, memoryBytes: 10n, licenceMemoryUsage: new Map([[l1, 600n]]) }));
      // An update that does not know the SVN or issuer set leaves the remembered ones.
      await record(store, update(CHIP, {}));
      const seen = await store.appraise(CHIP, { checkpointSizes: [] }, (memory) => ({ result: memory }));
      for (const state of [await store.getChip(CHIP), seen]) {
        expect(state).toMatchObject({ svn: 3, issuerSet: { sequence: 4, updateHash: hash }, memoryBytes: (1n << 128n) - 1n, licenceMemoryUsage: new Map([[l1, 700n], [l2, 5n]]) });
      }
      await record(store, update(CHIP, { issuerSet: { sequence: 0, updateHash: undefined } }));
      expect((await store.getChip(CHIP))?.issuerSet).toEqual({ sequence: 0, updateHash: undefined });
    });

    it('refuses a head state it could not record exactly: VERIFIER_STORE_INVALID_INPUT', async () => {
      for (const bad of [
        { svn: -1 },
        { issuerSet: { sequence: 0, updateHash: 'aa'.repeat(32) } },
        { issuerSet: { sequence: 2, updateHash: undefined } },
        { issuerSet: { sequence: 2, updateHash: 'AA'.repeat(32) } },
        { memoryBytes: 1n << 128n },
        { licenceMemoryUsage: new Map([['xyz', 1n]]) },
        { licenceMemoryUsage: new Map([['aa'.repeat(16), -1n]]) },
      ]) {
        await expectRejection(record(store, update(CHIP, bad)), 'VERIFIER_STORE_INVALID_INPUT');
      }
      expect(await store.getChip(CHIP)).toBeUndefined();
    });

    it('shows decide the latest checkpoint and the planned sizes, as of the previous appraisal', async () => {
      await record(store, update(CHIP, { totalOps: 10n, checkpoints: [checkpoint(2), checkpoint(5), checkpoint(9)] }));
      const seen = await store.appraise(CHIP, { checkpointSizes: [5, 7] }, (memory) => ({
        result: { ops: memory?.totalOps, latest: memory?.latestCheckpoint?.treeSize, at5: memory?.checkpointAt(5)?.rootHash, at7: memory?.checkpointAt(7) },
      }));
      expect(seen).toEqual({ ops: 10n, latest: 9, at5: root(5), at7: undefined });
    });

    it('refuses a lookup the plan did not name, and the full list, with VERIFIER_STORE_INVALID_INPUT', async () => {
      await record(store, update(CHIP, { checkpoints: [checkpoint(2), checkpoint(5)] }));
      const read = (fn: (m: ChipMemory) => unknown) => store.appraise(CHIP, { checkpointSizes: [5] }, (memory) => ({ result: fn(memory!) }));
      await expectRejection(read((m) => m.checkpointAt(2)), 'VERIFIER_STORE_INVALID_INPUT');
      await expectRejection(read((m) => m.checkpoints), 'VERIFIER_STORE_INVALID_INPUT');
    });

    it('never lowers a counter, and keeps 2^128-1 exactly', async () => {
      const max = (1n << 128n) - 1n;
      await record(store, update(CHIP, { bootcount: 5, totalOps: max, workloadsRun: 9, appraisedAt: 1_800_000_500 }));
      await record(store, update(CHIP, { bootcount: 4, totalOps: 1n, workloadsRun: 10, appraisedAt: 1_800_000_400 }));
      expect(await store.getChip(CHIP)).toMatchObject({ bootcount: 5, totalOps: max, workloadsRun: 10, lastAppraisedAt: 1_800_000_500 });
    });

    it('keeps a remembered root when an update brings another for its size', async () => {
      await record(store, update(CHIP, { checkpoints: [checkpoint(4, 4)] }));
      await record(store, update(CHIP, { checkpoints: [checkpoint(4, 0xee)] }));
      expect((await store.getChip(CHIP))?.latestCheckpoint?.rootHash).toEqual(root(4));
    });

    it('refuses an update for another chip with VERIFIER_STORE_INVALID_INPUT and records nothing', async () => {
      await expectRejection(store.appraise(CHIP, NO_PLAN, () => ({ result: 1, update: update(ueid(2)) })), 'VERIFIER_STORE_INVALID_INPUT');
      expect(await store.getChip(CHIP)).toBeUndefined();
      expect(await store.getChip(ueid(2))).toBeUndefined();
    });
  });

  describe('one transaction per chip', () => {
    it('loses no update when many appraisals of one chip run at once', async () => {
      // Each appraisal raises the counter by one over what it read: a lost update leaves fewer.
      const n = 24;
      await Promise.all(
        Array.from({ length: n }, () =>
          store.appraise(CHIP, NO_PLAN, (memory) => ({ result: undefined, update: update(CHIP, { totalOps: (memory?.totalOps ?? 0n) + 1n }) })),
        ),
      );
      expect((await store.getChip(CHIP))?.totalOps).toBe(BigInt(n));
    });

    it('affirms one nonce once, when appraisals of different chips race with it', async () => {
      const fresh = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.appraise(ueid(100 + i), withNonce(NONCE), (_m, ledger) => ({ result: ledger.useNonce(NONCE, 1_800_000_600) }))),
      );
      expect(fresh.filter(Boolean)).toHaveLength(1);
    });

    it('records nothing when decide throws, not the nonce either, and passes the error on unchanged', async () => {
      const boom = new Error('decide failed');
      await expect(
        store.appraise(CHIP, withNonce(NONCE), (_m, ledger) => {
          ledger.useNonce(NONCE, 1_800_000_600);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.getChip(CHIP)).toBeUndefined();
      expect(await store.useNonce(NONCE, 1_800_000_600)).toBe(true);
    });

    it('gives back a planned nonce that decide did not use (a refusal changes nothing)', async () => {
      await store.appraise(CHIP, withNonce(NONCE), () => ({ result: undefined }));
      expect(await store.useNonce(NONCE, 1_800_000_600)).toBe(true);
    });

    it('does not give back a nonce another appraisal had used', async () => {
      expect(await store.useNonce(NONCE, 1_800_000_600)).toBe(true);
      await store.appraise(CHIP, withNonce(NONCE), () => ({ result: undefined }));
      expect(await store.useNonce(NONCE, 1_800_000_600)).toBe(false);
    });

    it('refuses a nonce the plan did not name, or at another expiry, with VERIFIER_STORE_INVALID_INPUT', async () => {
      await expectRejection(store.appraise(CHIP, NO_PLAN, (_m, l) => ({ result: l.useNonce(NONCE, 1_800_000_600) })), 'VERIFIER_STORE_INVALID_INPUT');
      await expectRejection(store.appraise(CHIP, withNonce(NONCE), (_m, l) => ({ result: l.useNonce(NONCE, 1_800_000_601) })), 'VERIFIER_STORE_INVALID_INPUT');
      expect(await store.useNonce(NONCE, 1_800_000_600)).toBe(true);
    });

    it('answers a used nonce as used inside an appraisal', async () => {
      expect(await store.appraise(CHIP, withNonce(NONCE), (_m, l) => ({ result: l.useNonce(NONCE, 1_800_000_600) }))).toBe(true);
      expect(await store.appraise(CHIP, withNonce(NONCE), (_m, l) => ({ result: l.useNonce(NONCE, 1_800_000_600) }))).toBe(false);
    });
  });

  describe('service records', () => {
    it('lists remembered chips in bytewise UEID order, a page at a time', async () => {
      for (const n of [3, 1, 2]) await record(store, update(ueid(n), { totalOps: BigInt(n) }));
      expect((await store.listChips()).map((c) => c.totalOps)).toEqual([1n, 2n, 3n]);
      const page = await store.listChips({ after: ueid(1), limit: 1 });
      expect(page.map((c) => c.ueid)).toEqual([ueid(2)]);
    });

    it('remembers a challenge until it expires, with the tree size remembered for its chip, and issues a nonce once', async () => {
      await record(store, update(CHIP, { checkpoints: [checkpoint(2), checkpoint(4)] }));
      const request = { nonce: NONCE, ueid: CHIP, issuedAt: 1_800_000_000, expiresAt: 1_800_000_600 };
      const challenge = { ...request, knownTreeSize: 4 };
      expect(await store.issueChallenge(request)).toEqual(challenge);
      expect(await store.getChallenge(NONCE, 1_800_000_600)).toEqual(challenge);
      expect(await store.getChallenge(NONCE, 1_800_000_601)).toBeUndefined();
      expect(await store.getChallenge(new Uint8Array(16), 1_800_000_000)).toBeUndefined();
      await expectRejection(store.issueChallenge({ ...request, ueid: undefined }), 'VERIFIER_STORE_INVALID_INPUT');
    });

    it('issues 0 as the tree size for a chip never affirmed, or when no chip is named', async () => {
      const other = new Uint8Array(16).fill(0x4f);
      expect((await store.issueChallenge({ nonce: NONCE, ueid: CHIP, issuedAt: 1, expiresAt: 2 })).knownTreeSize).toBe(0);
      expect(await store.issueChallenge({ nonce: other, ueid: undefined, issuedAt: 1, expiresAt: 2 })).toEqual({ nonce: other, ueid: undefined, knownTreeSize: 0, issuedAt: 1, expiresAt: 2 });
    });

    it('shows decide the challenge the plan names, as getChallenge would at the plan\'s time, and no other', async () => {
      await record(store, update(CHIP, { checkpoints: [checkpoint(3)] }));
      const challenge = await store.issueChallenge({ nonce: NONCE, ueid: CHIP, issuedAt: 1_800_000_000, expiresAt: 1_800_000_600 });
      const seen = (plan: AppraisalPlan) => store.appraise(CHIP, plan, (_m, _l, c) => ({ result: c }));
      expect(await seen({ checkpointSizes: [], challenge: { nonce: NONCE, now: 1_800_000_600 } })).toEqual(challenge);
      expect(await seen({ checkpointSizes: [], challenge: { nonce: NONCE, now: 1_800_000_601 } })).toBeUndefined();
      expect(await seen({ checkpointSizes: [], challenge: { nonce: new Uint8Array(16), now: 1_800_000_000 } })).toBeUndefined();
      expect(await seen(NO_PLAN)).toBeUndefined();
      const anonymous = new Uint8Array(16).fill(0x4f);
      await store.issueChallenge({ nonce: anonymous, ueid: undefined, issuedAt: 1, expiresAt: 2 });
      expect(await seen({ checkpointSizes: [], challenge: { nonce: anonymous, now: 2 } })).toEqual({ nonce: anonymous, ueid: undefined, knownTreeSize: 0, issuedAt: 1, expiresAt: 2 });
    });

    it('issues challenges asked for together each with its own chip\'s tree size, and a nonce asked for twice once', async () => {
      // The PostgreSQL store inserts the challenges of one event-loop turn as one statement.
      await record(store, update(CHIP, { checkpoints: [checkpoint(3)] }));
      await record(store, update(ueid(2), { checkpoints: [checkpoint(7)] }));
      const nonce = (n: number) => new Uint8Array(16).fill(n);
      const asked = [
        store.issueChallenge({ nonce: nonce(1), ueid: CHIP, issuedAt: 1, expiresAt: 2 }),
        store.issueChallenge({ nonce: nonce(2), ueid: ueid(2), issuedAt: 1, expiresAt: 2 }),
        store.issueChallenge({ nonce: nonce(3), ueid: undefined, issuedAt: 1, expiresAt: 2 }),
        store.issueChallenge({ nonce: nonce(1), ueid: ueid(2), issuedAt: 1, expiresAt: 2 }),
      ];
      const settled = await Promise.allSettled(asked);
      expect(settled.slice(0, 3).map((s) => (s.status === 'fulfilled' ? s.value.knownTreeSize : s.reason))).toEqual([3, 7, 0]);
      await expectRejection(asked[3]!, 'VERIFIER_STORE_INVALID_INPUT');
      expect((await store.getChallenge(nonce(1), 2))?.ueid).toEqual(CHIP);
      await expectRejection(store.issueChallenge({ nonce: nonce(2), ueid: undefined, issuedAt: 1, expiresAt: 2 }), 'VERIFIER_STORE_INVALID_INPUT');
    });

    it('refuses a planned challenge it could not look up exactly with VERIFIER_STORE_INVALID_INPUT', async () => {
      await expectRejection(store.appraise(CHIP, { checkpointSizes: [], challenge: { nonce: new Uint8Array(4), now: 1 } }, () => ({ result: undefined })), 'VERIFIER_STORE_INVALID_INPUT');
      await expectRejection(store.appraise(CHIP, { checkpointSizes: [], challenge: { nonce: NONCE, now: -1 } }, () => ({ result: undefined })), 'VERIFIER_STORE_INVALID_INPUT');
    });

    it('refuses a challenge it could not keep exactly with VERIFIER_STORE_INVALID_INPUT', async () => {
      await expectRejection(store.issueChallenge({ nonce: new Uint8Array(4), ueid: undefined, issuedAt: 1, expiresAt: 2 }), 'VERIFIER_STORE_INVALID_INPUT');
      await expectRejection(store.issueChallenge({ nonce: NONCE, ueid: undefined, issuedAt: 2, expiresAt: 1 }), 'VERIFIER_STORE_INVALID_INPUT');
    });

    it('is closed by close: VERIFIER_STORE_FAILED afterwards', async () => {
      await store.close();
      await expectRejection(store.getChip(CHIP), 'VERIFIER_STORE_FAILED');
      store = await kind.open();
    });
  });
});
