/**
 * What only the PostgreSQL store has (specs/verifier.md §4.1): migrations at open, once across
 * processes; a database of a newer schema or of another program refused; a server that does not
 * answer, or that ends the connection mid-appraisal, gives VERIFIER_STORE_FAILED and records nothing.
 */
import pg from 'pg';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PostgresVerifierStore, POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres.js';
import { bind } from '../../src/store/postgres-store.js';
import { expectCode, expectRejection, ueid, update } from './support.js';
import { freshDatabase, postgresAnswers, type FreshDatabase } from './postgres-support.js';

const pgUp = await postgresAnswers();
const CHIP = ueid(1);
let db: FreshDatabase;

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

describe.skipIf(!pgUp)('PostgresVerifierStore', () => {
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await sql('DROP TABLE IF EXISTS hemkit_schema, licences, checkpoints, chips, nonces, challenges, other_program');
  });

  it('creates its schema at open, once, when processes start together, and opens it again unchanged', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => PostgresVerifierStore.open(db.url, { poolSize: 1 })));
    await stores[0]!.appraise(CHIP, { checkpointSizes: [] }, () => ({ result: 0, update: update(CHIP, { totalOps: 5n }) }));
    await Promise.all(stores.map((s) => s.close()));
    expect(await sql('SELECT version FROM hemkit_schema')).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
    const again = await PostgresVerifierStore.open(db.url);
    expect((await again.getChip(CHIP))?.totalOps).toBe(5n);
    await again.close();
  });

  it('migrates a version-1 database to 2: its memory kept, the head state not known until the next appraisal', async () => {
    expect(POSTGRES_SCHEMA_VERSION).toBe(2);
    const first = await PostgresVerifierStore.open(db.url);
    await first.appraise(CHIP, { checkpointSizes: [] }, () => ({ result: 0, update: update(CHIP, { totalOps: 5n, licenceUsage: new Map([['aa'.repeat(16), 3n]]) }) }));
    await first.close();
    // Back to version 1, as a version-1 verifier left it.
    await sql('ALTER TABLE chips DROP COLUMN svn, DROP COLUMN issuer_update, DROP COLUMN issuer_sequence, DROP COLUMN memory_bytes');
    await sql('ALTER TABLE licences DROP COLUMN memory_used');
    await sql('UPDATE hemkit_schema SET version = 1');
    const again = await PostgresVerifierStore.open(db.url);
    try {
      expect(await sql('SELECT version FROM hemkit_schema')).toEqual([{ version: 2 }]);
      const state = await again.getChip(CHIP);
      expect(state).toMatchObject({ totalOps: 5n, licenceUsage: new Map([['aa'.repeat(16), 3n]]), licenceMemoryUsage: new Map() });
      expect(state).not.toHaveProperty('svn');
      expect(state).not.toHaveProperty('memoryBytes');
      await again.appraise(CHIP, { checkpointSizes: [] }, () => ({ result: 0, update: update(CHIP, { svn: 2, memoryBytes: 7n, issuerSet: { sequence: 1, updateHash: '01'.repeat(32) } }) }));
      expect(await again.getChip(CHIP)).toMatchObject({ svn: 2, memoryBytes: 7n, issuerSet: { sequence: 1, updateHash: '01'.repeat(32) } });
    } finally {
      await again.close();
    }
  });

  it('refuses a database of a newer schema with VERIFIER_STORE_SCHEMA_UNSUPPORTED and leaves it as it is', async () => {
    await sql('CREATE TABLE hemkit_schema (id int PRIMARY KEY, version int NOT NULL)');
    await sql('INSERT INTO hemkit_schema VALUES (1, $1)', [POSTGRES_SCHEMA_VERSION + 1]);
    await expectRejection(PostgresVerifierStore.open(db.url), 'VERIFIER_STORE_SCHEMA_UNSUPPORTED');
    expect(await sql("SELECT tablename FROM pg_tables WHERE tablename = 'chips'")).toEqual([]);
  });

  it('refuses tables of the same names without its schema version with VERIFIER_STORE_CORRUPT', async () => {
    await sql('CREATE TABLE chips (x int)');
    await expectRejection(PostgresVerifierStore.open(db.url), 'VERIFIER_STORE_CORRUPT');
    expect(await sql("SELECT tablename FROM pg_tables WHERE tablename = 'hemkit_schema'")).toEqual([]);
  });

  it('gives VERIFIER_STORE_FAILED, in one line, when no server answers', async () => {
    const e = await expectRejection(PostgresVerifierStore.open('postgres://postgres@127.0.0.1:9/none', { connectTimeoutMs: 1_000 }), 'VERIFIER_STORE_FAILED');
    expect(e.message).not.toContain('\n');
  });

  it('gives VERIFIER_STORE_FAILED when the server ends the connection mid-appraisal, records nothing, and recovers', async () => {
    const store = await PostgresVerifierStore.open(db.url, { poolSize: 2 });
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      const nonce = new Uint8Array(16).fill(1);
      // Another session holds the chip's lock (the store's key: the first 8 bytes of SHA-256 of the
      // UEID), so the appraisal waits inside its transaction, where its connection is then ended.
      const key = new DataView(sha256(CHIP).buffer).getBigInt64(0).toString();
      await locker.query(`SELECT pg_advisory_lock(${key})`);
      const lockerPid = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const pending = store.appraise(CHIP, { checkpointSizes: [], nonce: { nonce, expiresAt: 1_800_000_600 } }, (_m, ledger) => ({
        result: ledger.useNonce(nonce, 1_800_000_600),
        update: update(CHIP, { totalOps: 7n }),
      }));
      // Awaited below; asserted from now, so the rejection is never unhandled while the test waits.
      const rejected = expectRejection(pending, 'VERIFIER_STORE_FAILED');
      let waiting: { pid: number }[] = [];
      for (let i = 0; i < 200 && waiting.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
        waiting = await sql<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> $2", [db.name, lockerPid]);
      }
      expect(waiting).toHaveLength(1);
      await sql('SELECT pg_terminate_backend($1)', [waiting[0]!.pid]);
      const e = await rejected;
      expect(e.message).not.toContain('\n');
      await locker.query(`SELECT pg_advisory_unlock(${key})`);
      // Nothing of it was recorded, not the nonce either; the pool replaced the dead connection.
      expect(await store.getChip(CHIP)).toBeUndefined();
      expect(await store.appraise(CHIP, { checkpointSizes: [], nonce: { nonce, expiresAt: 1_800_000_600 } }, (_m, l) => ({ result: l.useNonce(nonce, 1_800_000_600), update: update(CHIP, { totalOps: 9n }) }))).toBe(true);
      expect((await store.getChip(CHIP))?.totalOps).toBe(9n);
    } finally {
      await locker.end();
      await store.close();
    }
  });

  it('hears an error event on every connection it opened at any moment: after letting it go broken, and between checkout and use', async () => {
    // The server may report a connection's end after the store has released the client as broken and
    // while it is closing: seen under load, an unheard 'error' event ended a service worker. The spy
    // collects every client connected from here on; the test's own are set aside.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    const connect = vi.spyOn(pg.Client.prototype, 'connect');
    const store = await PostgresVerifierStore.open(db.url, { poolSize: 2 });
    const storeClients = () => (connect.mock.contexts as pg.Client[]).filter((c) => !testClients.has(c));
    const testClients = new Set<pg.Client>();
    const query = async (text: string, values: unknown[] = []) => {
      const c = new pg.Client({ connectionString: db.url });
      testClients.add(c);
      await c.connect();
      try {
        return (await c.query<{ pid: number }>(text, values)).rows;
      } finally {
        await c.end();
      }
    };
    try {
      await store.appraise(CHIP, { checkpointSizes: [] }, () => ({ result: 0, update: update(CHIP, { totalOps: 1n }) }));
      // The appraisal waits for the chip's lock inside its transaction, where its connection is ended:
      // the store destroys that client.
      const key = new DataView(sha256(CHIP).buffer).getBigInt64(0).toString();
      await locker.query(`SELECT pg_advisory_lock(${key})`);
      const rejected = expectRejection(store.appraise(CHIP, { checkpointSizes: [] }, () => ({ result: 0, update: update(CHIP, { totalOps: 2n }) })), 'VERIFIER_STORE_FAILED');
      let waiting: { pid: number }[] = [];
      for (let i = 0; i < 200 && waiting.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
        waiting = await query("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [db.name]);
      }
      expect(waiting).toHaveLength(1);
      await query('SELECT pg_terminate_backend($1)', [waiting[0]!.pid]);
      await rejected;
      await locker.query(`SELECT pg_advisory_unlock(${key})`);
      const clients = storeClients();
      expect(clients.length).toBeGreaterThan(0);
      for (const client of clients) expect(() => client.emit('error', new Error('late FATAL 57P01'))).not.toThrow();
      // And the window pg-pool leaves when it hands an idle client out: it removes its idle listener
      // before the promise of connect() reaches the appraisal that will listen. A FATAL parsed in the
      // same read as the previous query's end lands there (how the worker ended).
      const live = await store.getChip(CHIP).then(() => storeClients());
      for (const client of live) {
        for (const l of client.listeners('error')) if (l.name === 'idleListener') client.removeListener('error', l as (e: Error) => void);
        expect(() => client.emit('error', new Error('FATAL 57P01 between checkout and use'))).not.toThrow();
      }
    } finally {
      connect.mockRestore();
      await locker.end();
      await store.close();
    }
  });
});

describe('bind: values inlined into the appraisal statements', () => {
  it('writes bytes, integers, digit strings and arrays of them as literals', () => {
    expect(bind('SELECT $1, $2, $3, $10, $4::bigint[], $5', [new Uint8Array([0, 255]), 42, '00ff', null, [1, 2], 'ab', 0, 0, 0, 'cd'])).toBe(
      "SELECT decode('00ff', 'hex'), 42, '00ff', 'cd', NULL::bigint[], ARRAY[1, 2]",
    );
    expect(bind('$1::bigint[]', [[]])).toBe('ARRAY[]::bigint[]');
  });

  it('refuses anything that could carry SQL, or a missing value, with VERIFIER_STORE_INVALID_INPUT', () => {
    for (const value of ["'); DROP TABLE chips; --", 'ABC', 1.5, Number.MAX_SAFE_INTEGER + 2, 10n, { a: 1 }, ['ok', "x'"]]) {
      expectCode(() => bind('SELECT $1', [value]), 'VERIFIER_STORE_INVALID_INPUT');
    }
    expectCode(() => bind('SELECT $2', [1]), 'VERIFIER_STORE_INVALID_INPUT');
  });
});
