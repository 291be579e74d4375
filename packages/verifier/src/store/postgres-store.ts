/**
 * The verifier's memory in PostgreSQL (specs/verifier.md §4.1), shared by any number of stateless
 * verifier processes on any number of machines, through node-postgres.
 *
 * - One transaction per appraisal, READ COMMITTED, serialised per chip by a transaction-scoped
 *   advisory lock on a 64-bit key of the UEID, taken before the chip is read. A row lock
 *   (`SELECT … FOR UPDATE`) cannot lock a chip that has no row yet, and two first appraisals of one
 *   chip racing is exactly the fork a verifier must not affirm twice; SERIALIZABLE would catch that
 *   too, but by aborting one of them after its signatures were checked, to be retried in full. The
 *   lock is released by commit, rollback, or the connection dying (a killed worker holds nothing).
 *   Two chips whose keys collide only wait for each other.
 * - The plan's nonce is claimed by inserting it in the same transaction, under its primary key: a
 *   second transaction inserting the same nonce waits for the first and then sees it taken, so a nonce
 *   is affirmed at most once whichever chips and processes race for it. Locks are taken in one order
 *   (chip, then that one nonce), so no two appraisals wait for each other in a cycle.
 * - Counters up to 2^128-1 are numeric(39,0); the merge takes maxima in SQL as well as in TypeScript.
 * - Migrations run at open, under an advisory lock, so processes starting together apply them once.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { HemkitError } from '@hemkit/wire/errors';
import { fromHex, toHex } from '@hemkit/wire/bytes';
import type { AppraisalPlan, AsyncDecide, AsyncVerifierStore, ChallengeRequest, ChipState, RememberedChip, StoredChallenge } from './async-types.js';
import { chipState, plannedLedger } from './async-adapter.js';
import { checkNonce, checkUeid, checkUpdate, isIssuerSet, MAX_COUNTER, mergeCounters, mergeHead, mergeLicenceMemoryUsage, mergeLicenceUsage } from './merge.js';
import { checkChallenge, checkPlannedChallenge } from './service-records.js';
import type { ChipMemory, ChipUpdate, RememberedIssuerSet, SeenCheckpoint } from './types.js';

/**
 * The schema version this store writes; a database of a newer one is refused, never rewritten, and an
 * older one is migrated at open. Version 2 adds the state at the remembered head (specs/verifier.md
 * §4): SVN, issuer set and memory-bytes counter, and the memory used per licence, NULL where a chip
 * of version 1 left them not known.
 */
export const POSTGRES_SCHEMA_VERSION = 2;

const SAFE = 'BETWEEN 0 AND 9007199254740991';
const COUNTER = `BETWEEN 0 AND ${MAX_COUNTER}`;

const MIGRATIONS: readonly string[] = [
  `
CREATE TABLE chips (
  ueid              bytea         NOT NULL PRIMARY KEY CHECK (octet_length(ueid) > 0),
  bootcount         bigint        NOT NULL CHECK (bootcount ${SAFE}),
  total_ops         numeric(39,0) NOT NULL CHECK (total_ops ${COUNTER}),
  workloads_run     bigint        NOT NULL CHECK (workloads_run ${SAFE}),
  last_appraised_at bigint        NOT NULL CHECK (last_appraised_at ${SAFE}),
  active_licence    bytea
);
CREATE TABLE licences (
  ueid       bytea         NOT NULL REFERENCES chips (ueid),
  licence_id bytea         NOT NULL,
  ops_used   numeric(39,0) NOT NULL CHECK (ops_used ${COUNTER}),
  PRIMARY KEY (ueid, licence_id)
);
CREATE TABLE checkpoints (
  ueid      bytea         NOT NULL REFERENCES chips (ueid),
  tree_size bigint        NOT NULL CHECK (tree_size ${SAFE}),
  root_hash bytea         NOT NULL,
  issued_at bigint        NOT NULL CHECK (issued_at ${SAFE}),
  total_ops numeric(39,0) NOT NULL CHECK (total_ops ${COUNTER}),
  PRIMARY KEY (ueid, tree_size)
);
CREATE TABLE nonces (
  nonce      bytea  NOT NULL PRIMARY KEY,
  expires_at bigint NOT NULL CHECK (expires_at ${SAFE})
);
CREATE INDEX nonces_by_expiry ON nonces (expires_at);
CREATE TABLE challenges (
  nonce           bytea  NOT NULL PRIMARY KEY,
  ueid            bytea,
  known_tree_size bigint NOT NULL CHECK (known_tree_size ${SAFE}),
  issued_at       bigint NOT NULL CHECK (issued_at ${SAFE}),
  expires_at      bigint NOT NULL CHECK (expires_at ${SAFE})
);
CREATE INDEX challenges_by_expiry ON challenges (expires_at);
`,
  `
ALTER TABLE chips ADD COLUMN svn bigint CHECK (svn ${SAFE});
ALTER TABLE chips ADD COLUMN issuer_sequence bigint CHECK (issuer_sequence ${SAFE});
ALTER TABLE chips ADD COLUMN issuer_update bytea;
ALTER TABLE chips ADD CONSTRAINT chips_issuer_update CHECK (
  CASE WHEN issuer_sequence IS NULL OR issuer_sequence = 0 THEN issuer_update IS NULL ELSE octet_length(issuer_update) = 32 END);
ALTER TABLE chips ADD COLUMN memory_bytes numeric(39,0) CHECK (memory_bytes ${COUNTER});
ALTER TABLE licences ADD COLUMN memory_used numeric(39,0) CHECK (memory_used ${COUNTER});
`,
];

/** The advisory lock key of migrations: "hemv" in ASCII, as the SQLite store's application_id. */
const MIGRATION_LOCK = 0x68656d76;

export interface PostgresStoreOptions {
  /** Connections in this process's pool (default 10). */
  readonly poolSize?: number;
  /** How long to wait for a connection before VERIFIER_STORE_FAILED (default 5 s). */
  readonly connectTimeoutMs?: number;
  /**
   * How long one statement may wait, for a lock or anything else, before VERIFIER_STORE_FAILED
   * (default 10 s, as the SQLite store's busy timeout).
   */
  readonly statementTimeoutMs?: number;
  /** Expired nonces and challenges are swept once every this many appraisals of this process (default 256). */
  readonly sweepInterval?: number;
}

/** The chip, licences, planned checkpoints and planned challenge as one row of text, read in one round trip. */
const READ_CHIP = `
WITH claimed AS (
  INSERT INTO nonces (nonce, expires_at)
  SELECT $3::bytea, $4::bigint WHERE $3::bytea IS NOT NULL
  ON CONFLICT (nonce) DO NOTHING
  RETURNING 1
)
SELECT
  (SELECT count(*) FROM claimed)::int AS claimed,
  (SELECT json_build_array(bootcount::text, total_ops::text, workloads_run::text, last_appraised_at::text, encode(active_licence, 'hex'),
          svn::text, issuer_sequence::text, encode(issuer_update, 'hex'), memory_bytes::text)
     FROM chips WHERE ueid = $1) AS chip,
  (SELECT coalesce(json_agg(json_build_array(encode(licence_id, 'hex'), ops_used::text, memory_used::text)), '[]'::json)
     FROM licences WHERE ueid = $1) AS licences,
  (SELECT coalesce(json_agg(json_build_array(tree_size::text, encode(root_hash, 'hex'), issued_at::text, total_ops::text) ORDER BY tree_size), '[]'::json)
     FROM checkpoints
    WHERE ueid = $1 AND (tree_size = ANY ($2::bigint[]) OR tree_size = (SELECT max(tree_size) FROM checkpoints WHERE ueid = $1))) AS checkpoints,
  (SELECT max(tree_size)::text FROM checkpoints WHERE ueid = $1) AS latest,
  (SELECT json_build_array(encode(ueid, 'hex'), known_tree_size::text, issued_at::text, expires_at::text)
     FROM challenges WHERE nonce = $5::bytea AND expires_at >= $6::bigint) AS challenge`;

/** The merged update as one statement: the chip, its licences and new checkpoints. */
const WRITE_CHIP = `
WITH chip AS (
  INSERT INTO chips (ueid, bootcount, total_ops, workloads_run, last_appraised_at, active_licence, svn, issuer_sequence, issuer_update, memory_bytes)
  VALUES ($1, $2, $3::numeric, $4, $5, $6, $13, $14, $15, $16::numeric)
  ON CONFLICT (ueid) DO UPDATE SET
    bootcount = greatest(chips.bootcount, excluded.bootcount),
    total_ops = greatest(chips.total_ops, excluded.total_ops),
    workloads_run = greatest(chips.workloads_run, excluded.workloads_run),
    last_appraised_at = greatest(chips.last_appraised_at, excluded.last_appraised_at),
    active_licence = excluded.active_licence,
    svn = coalesce(excluded.svn, chips.svn),
    issuer_sequence = coalesce(excluded.issuer_sequence, chips.issuer_sequence),
    issuer_update = CASE WHEN excluded.issuer_sequence IS NULL THEN chips.issuer_update ELSE excluded.issuer_update END,
    memory_bytes = greatest(chips.memory_bytes, excluded.memory_bytes)
  RETURNING ueid
), licence_rows AS (
  INSERT INTO licences (ueid, licence_id, ops_used, memory_used)
  SELECT chip.ueid, decode(t.id, 'hex'), t.used::numeric, t.memory::numeric FROM chip, unnest($7::text[], $8::text[], $17::text[]) AS t (id, used, memory)
  ON CONFLICT (ueid, licence_id) DO UPDATE SET ops_used = greatest(licences.ops_used, excluded.ops_used),
    memory_used = greatest(licences.memory_used, excluded.memory_used)
  RETURNING 1
), checkpoint_rows AS (
  INSERT INTO checkpoints (ueid, tree_size, root_hash, issued_at, total_ops)
  SELECT chip.ueid, t.size, decode(t.root, 'hex'), t.iat, t.ops::numeric FROM chip, unnest($9::bigint[], $10::text[], $11::bigint[], $12::text[]) AS t (size, root, iat, ops)
  ON CONFLICT (ueid, tree_size) DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM licence_rows) + (SELECT count(*) FROM checkpoint_rows) AS written`;

/**
 * READ_CHIP and WRITE_CHIP as named prepared statements, made once per connection: PostgreSQL then
 * parses them once, not at every appraisal (that halved its CPU per appraisal), and, with the
 * sessions' plan_cache_mode forced to generic (PostgresVerifierStore.open), plans them once too.
 * Left to choose, the server kept re-planning both at every execution (a custom plan looks cheaper
 * than the generic one for these CTEs): a perf profile of its backends under `npm run load` put a
 * third of their CPU in the planner. Every lookup is by primary key, so the generic plan is the plan.
 * An EXECUTE is a statement like another, so each appraisal stays two simple queries, two round trips.
 */
const PREPARE_APPRAISAL = `
PREPARE hemkit_read_chip (bytea, bigint[], bytea, bigint, bytea, bigint) AS ${READ_CHIP};
PREPARE hemkit_write_chip (bytea, bigint, numeric, bigint, bigint, bytea, text[], text[], bigint[], text[], bigint[], text[], bigint, bigint, bytea, numeric, text[]) AS ${WRITE_CHIP}`;
/** The EXECUTEs, with each value cast to its parameter's type (an empty ARRAY[] has none of its own). */
const EXECUTE_READ = 'EXECUTE hemkit_read_chip ($1::bytea, $2::bigint[], $3::bytea, $4::bigint, $5::bytea, $6::bigint)';
const EXECUTE_WRITE =
  'EXECUTE hemkit_write_chip ($1::bytea, $2::bigint, $3::numeric, $4::bigint, $5::bigint, $6::bytea, $7::text[], $8::text[], $9::bigint[], $10::text[], $11::bigint[], $12::text[], $13::bigint, $14::bigint, $15::bytea, $16::numeric, $17::text[])';

/**
 * The challenges of one event-loop turn, inserted by one statement: under load a worker reads several
 * challenge requests in a turn, and one statement for them costs one round trip and one plan
 * execution instead of one each (specs/verifier.md §4.1). Each row is the chip's remembered size, read by the
 * insert itself; a nonce already issued inserts nothing and is missing from the answer.
 */
const ISSUE_CHALLENGES = `
INSERT INTO challenges (nonce, ueid, known_tree_size, issued_at, expires_at)
SELECT t.nonce, t.ueid, coalesce((SELECT max(tree_size) FROM checkpoints WHERE ueid = t.ueid), 0), t.issued_at, t.expires_at
  FROM unnest($1::bytea[], $2::bytea[], $3::bigint[], $4::bigint[]) AS t (nonce, ueid, issued_at, expires_at)
ON CONFLICT (nonce) DO NOTHING
RETURNING encode(nonce, 'hex') AS nonce, known_tree_size::text AS known_tree_size`;

interface PendingChallenge {
  readonly request: ChallengeRequest;
  readonly resolve: (knownTreeSize: number) => void;
  readonly reject: (e: unknown) => void;
}

function alreadyIssued(nonce: Uint8Array): HemkitError {
  return new HemkitError('VERIFIER_STORE_INVALID_INPUT', `a challenge with nonce ${toHex(nonce)} was already issued`);
}

/** The pool's connections that have the appraisal statements prepared (a replaced connection has not). */
const prepared = new WeakSet<pg.PoolClient>();

type Row = Record<string, unknown>;

export class PostgresVerifierStore implements AsyncVerifierStore {
  readonly #pool: pg.Pool;
  /**
   * Connections with synchronous_commit off, for challenges only: a challenge lost to a server crash
   * costs its client a new challenge, never a wrong result (its nonce is recorded as used, durably, by
   * the appraisal), so its commit need not wait for the WAL to reach the disk. Other sessions see it
   * at once all the same.
   */
  readonly #challengePool: pg.Pool;
  readonly #sweepInterval: number;
  #appraisals = 0;
  /** Challenges waiting for the insert scheduled by the first of them (issueChallenge). */
  #pendingChallenges: PendingChallenge[] = [];
  /** The latest verifier time this process recorded: what nonces and challenges expire against (as the memory store). */
  #clock = 0;
  #closed = false;

  /**
   * Connects, applies the migrations this database lacks and returns the store. Throws
   * VERIFIER_STORE_FAILED when the server does not answer, VERIFIER_STORE_SCHEMA_UNSUPPORTED for a
   * database of a newer schema, VERIFIER_STORE_CORRUPT for one whose hemkit tables are not ours.
   */
  static async open(connection: string | pg.PoolConfig, options: PostgresStoreOptions = {}): Promise<PostgresVerifierStore> {
    const config: pg.PoolConfig = typeof connection === 'string' ? { connectionString: connection } : { ...connection };
    const poolConfig: pg.PoolConfig = {
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      statement_timeout: options.statementTimeoutMs ?? 10_000,
      // A worker that dies mid-transaction loses its connection, and PostgreSQL rolls back; this bounds
      // a live worker that stalls inside one.
      idle_in_transaction_session_timeout: 30_000,
      ...config,
    };
    // Generic plans for the prepared statements: see PREPARE_APPRAISAL.
    const sessionOptions = `${config.options ?? ''} -c plan_cache_mode=force_generic_plan`.trim();
    const pool = new pg.Pool({ ...poolConfig, options: sessionOptions });
    const challengePool = new pg.Pool({ ...poolConfig, max: Math.max(1, Math.ceil((options.poolSize ?? 10) / 4)), options: `${sessionOptions} -c synchronous_commit=off` });
    for (const p of [pool, challengePool]) {
      // An idle client whose server went away emits an error on the pool; without a listener that would
      // end the process. The next query on it fails and is reported as VERIFIER_STORE_FAILED.
      p.on('error', () => {});
      // And every connection keeps a listener of its own for its whole life: the server may report its
      // end (57P01 at a restart, pg_terminate_backend) as an 'error' event at any moment, also after the
      // pool has let go of a broken client that is still closing, when neither the pool nor an
      // appraisal listens. Seen under load: a worker ended on it. The failing query reports the fault.
      p.on('connect', (client) => client.on('error', () => {}));
    }
    try {
      await migrate(pool);
    } catch (e) {
      await pool.end().catch(() => {});
      await challengePool.end().catch(() => {});
      throw toStoreError(e, 'opening the PostgreSQL verifier store');
    }
    return new PostgresVerifierStore(pool, challengePool, options);
  }

  private constructor(pool: pg.Pool, challengePool: pg.Pool, options: PostgresStoreOptions) {
    this.#pool = pool;
    this.#challengePool = challengePool;
    this.#sweepInterval = options.sweepInterval ?? 256;
  }

  async appraise<T>(ueid: Uint8Array, plan: AppraisalPlan, decide: AsyncDecide<T>): Promise<T> {
    this.#checkOpen();
    checkUeid(ueid);
    for (const size of plan.checkpointSizes) if (!Number.isSafeInteger(size) || size < 0) throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', `the plan names checkpoint size ${size}`);
    if (plan.nonce !== undefined) checkNonce(plan.nonce.nonce, plan.nonce.expiresAt);
    if (plan.challenge !== undefined) checkPlannedChallenge(plan.challenge);
    const client = await this.#connect('recording an appraisal');
    // Set when the connection can no longer be trusted: the client is then destroyed, not pooled.
    let broken = false;
    // A checked-out client reports a connection the server ended (a restart, pg_terminate_backend) as
    // an 'error' event as well as by failing its query: unheard, the event would end the process.
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    let open = false;
    try {
      if (!prepared.has(client)) {
        await this.#run(client, 'preparing the appraisal statements', PREPARE_APPRAISAL);
        prepared.add(client);
      }
      // Two round trips: BEGIN, the chip's lock and the read (with the nonce claim and the planned
      // challenge) in one simple query, then the writes and COMMIT in another. Values are inlined as
      // literals by `bind`, which takes only bytes, safe integers and digit strings, so nothing a
      // bundle carries can become SQL.
      open = true;
      const read = await this.#run(client, 'recording an appraisal', `BEGIN; SELECT pg_advisory_xact_lock(${lockKey(ueid)}); ${bind(EXECUTE_READ, [ueid, plan.checkpointSizes, plan.nonce?.nonce ?? null, plan.nonce?.expiresAt ?? null, plan.challenge?.nonce ?? null, plan.challenge?.now ?? null])}`);
      const row = (read as unknown as pg.QueryResult<Row>[])[2]!.rows[0]!;
      const memory = readMemory(ueid, row, plan);
      const fresh = row.claimed === 1;
      const ledger = plannedLedger(plan, () => fresh);
      const outcome = decide(memory, ledger, plan.challenge === undefined ? undefined : readChallenge(plan.challenge.nonce, row.challenge));
      if (outcome.update !== undefined) checkUpdate(ueid, outcome.update);
      const tail = [
        // A nonce this transaction claimed but did not use (an earlier check failed) is given back:
        // refusals change nothing. One claimed before by another appraisal is not ours to give back.
        ...(fresh && !ledger.used ? [bind('DELETE FROM nonces WHERE nonce = $1', [plan.nonce!.nonce])] : []),
        ...(outcome.update !== undefined ? [bind(EXECUTE_WRITE, writeValues(memory, outcome.update))] : []),
        'COMMIT',
      ];
      await this.#run(client, 'recording an appraisal', tail.join(';\n'));
      open = false;
      if (outcome.update !== undefined && outcome.update.appraisedAt > this.#clock) this.#clock = outcome.update.appraisedAt;
      if (++this.#appraisals % this.#sweepInterval === 0) await this.#sweep(client);
      return outcome.result;
    } catch (e) {
      if (isStoreFailure(e)) broken = true;
      else if (open) await client.query('ROLLBACK').catch(() => (broken = true));
      throw e;
    } finally {
      client.off('error', onError);
      // A failed connection may be mid-transaction: destroyed (the server rolls back), never reused.
      client.release(broken);
    }
  }

  async useNonce(nonce: Uint8Array, expiresAt: number): Promise<boolean> {
    this.#checkOpen();
    checkNonce(nonce, expiresAt);
    const r = await this.#query('recording a nonce', 'INSERT INTO nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING', [nonce, expiresAt]);
    return r.rowCount === 1;
  }

  async getChip(ueid: Uint8Array): Promise<ChipState | undefined> {
    this.#checkOpen();
    checkUeid(ueid);
    const row = (await this.#query('reading chip memory', READ_CHIP, [ueid, [], null, null, null, null])).rows[0]!;
    const memory = readMemory(ueid, row, { checkpointSizes: [] });
    return memory === undefined ? undefined : chipState(memory);
  }

  async listChips(options: { readonly after?: Uint8Array; readonly limit?: number } = {}): Promise<readonly RememberedChip[]> {
    this.#checkOpen();
    const r = await this.#query(
      'listing chips',
      'SELECT ueid, total_ops::text AS total_ops, last_appraised_at::text AS last_appraised_at FROM chips WHERE ueid > $1 ORDER BY ueid LIMIT $2',
      [options.after ?? new Uint8Array(0), options.limit ?? null],
    );
    return r.rows.map((row) => ({
      ueid: readBytes(row.ueid, 'chips.ueid'),
      totalOps: readCounter(row.total_ops, 'chips.total_ops'),
      lastAppraisedAt: readCount(row.last_appraised_at, 'chips.last_appraised_at'),
    }));
  }

  async issueChallenge(request: ChallengeRequest): Promise<StoredChallenge> {
    this.#checkOpen();
    checkChallenge(request);
    const knownTreeSize = await new Promise<number>((resolve, reject) => {
      this.#pendingChallenges.push({ request, resolve, reject });
      // The first of a batch schedules its insert after the event loop's poll phase: every challenge
      // request read in that turn joins it (see ISSUE_CHALLENGES).
      if (this.#pendingChallenges.length === 1) setImmediate(() => void this.#insertChallenges());
    });
    if (request.issuedAt > this.#clock) this.#clock = request.issuedAt;
    return { nonce: request.nonce.slice(), ueid: request.ueid?.slice(), knownTreeSize, issuedAt: request.issuedAt, expiresAt: request.expiresAt };
  }

  /** Inserts the waiting challenges as one statement; each request learns its own outcome. */
  async #insertChallenges(): Promise<void> {
    const batch = this.#pendingChallenges;
    this.#pendingChallenges = [];
    // A nonce twice in one batch: the statement would insert it once and report it once, so the
    // later request is refused here, as it would be had it come after the first was committed.
    const first = new Map<string, PendingChallenge>();
    for (const p of batch) {
      const key = toHex(p.request.nonce);
      if (first.has(key)) p.reject(alreadyIssued(p.request.nonce));
      else first.set(key, p);
    }
    const members = [...first.values()];
    try {
      const r = await this.#queryOn(
        this.#challengePool,
        'recording a challenge',
        // Named: node-postgres prepares it once per connection, so the server plans it once.
        { name: 'hemkit_issue_challenges' },
        ISSUE_CHALLENGES,
        [members.map((p) => p.request.nonce), members.map((p) => p.request.ueid ?? null), members.map((p) => p.request.issuedAt), members.map((p) => p.request.expiresAt)],
      );
      const inserted = new Map(r.rows.map((row) => [row.nonce as string, row.known_tree_size]));
      for (const [key, p] of first) {
        const known = inserted.get(key);
        if (known === undefined) p.reject(alreadyIssued(p.request.nonce));
        else {
          try {
            p.resolve(readCount(known, 'challenges.known_tree_size'));
          } catch (e) {
            p.reject(e);
          }
        }
      }
    } catch (e) {
      for (const p of members) p.reject(e);
    }
  }

  async getChallenge(nonce: Uint8Array, now: number): Promise<StoredChallenge | undefined> {
    this.#checkOpen();
    const r = await this.#query(
      'reading a challenge',
      'SELECT ueid, known_tree_size::text AS known_tree_size, issued_at::text AS issued_at, expires_at::text AS expires_at FROM challenges WHERE nonce = $1 AND expires_at >= $2',
      [nonce, now],
    );
    const row = r.rows[0];
    if (row === undefined) return undefined;
    return {
      nonce: nonce.slice(),
      ueid: row.ueid === null ? undefined : readBytes(row.ueid, 'challenges.ueid'),
      knownTreeSize: readCount(row.known_tree_size, 'challenges.known_tree_size'),
      issuedAt: readCount(row.issued_at, 'challenges.issued_at'),
      expiresAt: readCount(row.expires_at, 'challenges.expires_at'),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#pool.end(), this.#challengePool.end()]);
  }

  async #sweep(client: pg.PoolClient): Promise<void> {
    // Best effort: a sweep that fails leaves expired rows for the next one, and the appraisal stands.
    await client.query('DELETE FROM nonces WHERE expires_at < $1', [this.#clock]).catch(() => {});
    await client.query('DELETE FROM challenges WHERE expires_at < $1', [this.#clock]).catch(() => {});
  }

  async #connect(doing: string): Promise<pg.PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (e) {
      throw toStoreError(e, doing);
    }
  }

  async #run(client: pg.PoolClient, doing: string, text: string, values?: unknown[]): Promise<pg.QueryResult<Row>> {
    try {
      return await client.query<Row>(text, values);
    } catch (e) {
      throw toStoreError(e, doing);
    }
  }

  #query(doing: string, text: string, values: unknown[]): Promise<pg.QueryResult<Row>> {
    return this.#queryOn(this.#pool, doing, {}, text, values);
  }

  async #queryOn(pool: pg.Pool, doing: string, options: { readonly name?: string }, text: string, values: unknown[]): Promise<pg.QueryResult<Row>> {
    try {
      return await pool.query<Row>({ ...options, text, values });
    } catch (e) {
      throw toStoreError(e, doing);
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new HemkitError('VERIFIER_STORE_FAILED', 'the verifier store is closed');
  }
}

/** Creates the schema or checks it, once across processes starting together. */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await client.query('CREATE TABLE IF NOT EXISTS hemkit_schema (id int PRIMARY KEY CHECK (id = 1), version int NOT NULL)');
    const found = (await client.query<{ version: number }>('SELECT version FROM hemkit_schema')).rows[0]?.version ?? 0;
    if (found > MIGRATIONS.length) {
      throw new HemkitError(
        'VERIFIER_STORE_SCHEMA_UNSUPPORTED',
        `the database has verifier store schema version ${found}; this verifier understands up to ${MIGRATIONS.length}: upgrade the verifier, do not downgrade the database`,
      );
    }
    if (found === 0) {
      const clash = (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ('chips', 'licences', 'checkpoints', 'nonces', 'challenges')")).rows[0]!.n;
      if (clash !== 0) throw new HemkitError('VERIFIER_STORE_CORRUPT', 'the database has tables named as the verifier store\'s but no hemkit_schema version: not a hemkit verifier store');
    }
    for (let v = found; v < MIGRATIONS.length; v++) await client.query(MIGRATIONS[v]!);
    await client.query('INSERT INTO hemkit_schema (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = excluded.version', [MIGRATIONS.length]);
    await client.query('COMMIT');
    client.release();
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    client.release(true);
    throw e;
  }
}

/**
 * Inlines `values` for `$1`, `$2`, … as SQL literals, for statements sent as one simple query (no
 * parameters there). Only what cannot carry SQL is accepted: bytes (as `decode('<hex>', 'hex')`),
 * null, safe integers, strings of hex or decimal digits, and arrays of those; anything else throws.
 */
export function bind(sql: string, values: readonly unknown[]): string {
  const literal = (v: unknown): string => {
    if (v === null) return 'NULL';
    if (v instanceof Uint8Array) return `decode('${toHex(v)}', 'hex')`;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    if (typeof v === 'string' && /^[0-9a-f]*$/.test(v)) return `'${v}'`;
    if (Array.isArray(v)) return `ARRAY[${v.map(literal).join(', ')}]`;
    throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', `a value the store does not inline: ${typeof v}`);
  };
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i >= values.length) throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', `no value for $${n}`);
    return literal(values[i]);
  });
}

/**
 * A signed 64-bit key from the UEID's SHA-256: a bigint literal, so it is inlined, never a parameter.
 * node:crypto's digest, not the portable one: this module runs on Node only (node-postgres), and a
 * worker's profile showed the JavaScript SHA-256 at about 1.5% of its CPU for this one hash.
 */
function lockKey(ueid: Uint8Array): string {
  return createHash('sha256').update(ueid).digest().readBigInt64BE(0).toString();
}

function readMemory(ueid: Uint8Array, row: Row, plan: AppraisalPlan): ChipMemory | undefined {
  if (row.chip === null || row.chip === undefined) return undefined;
  const chip = row.chip as unknown[];
  if (!Array.isArray(chip) || chip.length !== 9) corrupt('chips', chip);
  const licences = row.licences as unknown[][];
  const list = (row.checkpoints as unknown[][]).map(readCheckpoint);
  const bySize = new Map(list.map((c) => [c.treeSize, c]));
  const latestSize = row.latest === null ? undefined : readCount(row.latest, 'checkpoints.tree_size');
  const latest = latestSize === undefined ? undefined : bySize.get(latestSize);
  const sizes = new Set(plan.checkpointSizes);
  const key = ueid.slice();
  return {
    ueid: key,
    bootcount: readCount(chip[0], 'chips.bootcount'),
    totalOps: readCounter(chip[1], 'chips.total_ops'),
    workloadsRun: readCount(chip[2], 'chips.workloads_run'),
    get checkpoints(): never {
      throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', 'the appraisal plan did not name the full list of checkpoints');
    },
    latestCheckpoint: latest,
    checkpointAt(treeSize: number) {
      if (!sizes.has(treeSize)) throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', `the appraisal plan did not name checkpoint size ${treeSize}`);
      return bySize.get(treeSize);
    },
    lastAppraisedAt: readCount(chip[3], 'chips.last_appraised_at'),
    licenceUsage: new Map(licences.map((l) => [readHexText(l[0], 'licences.licence_id'), readCounter(l[1], 'licences.ops_used')])),
    activeLicence: chip[4] === null ? undefined : readHexText(chip[4], 'chips.active_licence'),
    ...(chip[5] !== null ? { svn: readCount(chip[5], 'chips.svn') } : {}),
    ...(chip[6] !== null ? { issuerSet: readIssuerSet(chip[6], chip[7]) } : {}),
    ...(chip[8] !== null ? { memoryBytes: readCounter(chip[8], 'chips.memory_bytes') } : {}),
    licenceMemoryUsage: new Map(licences.filter((l) => l[2] !== null).map((l) => [readHexText(l[0], 'licences.licence_id'), readCounter(l[2], 'licences.memory_used')])),
  };
}

/** The plan's challenge as READ_CHIP found it: undefined when never issued or expired. */
function readChallenge(nonce: Uint8Array, value: unknown): StoredChallenge | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 4) corrupt('challenges', value);
  const [ueid, known, issuedAt, expiresAt] = value as unknown[];
  return {
    nonce: nonce.slice(),
    ueid: ueid === null ? undefined : fromHex(readHexText(ueid, 'challenges.ueid')),
    knownTreeSize: readCount(known, 'challenges.known_tree_size'),
    issuedAt: readCount(issuedAt, 'challenges.issued_at'),
    expiresAt: readCount(expiresAt, 'challenges.expires_at'),
  };
}

function writeValues(memory: ChipMemory | undefined, update: ChipUpdate): unknown[] {
  const c = mergeCounters(memory, update);
  const licences = [...mergeLicenceUsage(memory, update)];
  const h = mergeHead(memory, update);
  const memoryUsed = mergeLicenceMemoryUsage(memory, update);
  const issuerHash = h.issuerSet?.updateHash;
  return [
    update.ueid,
    c.bootcount,
    c.totalOps.toString(),
    c.workloadsRun,
    c.lastAppraisedAt,
    update.activeLicence === undefined ? null : fromHex(update.activeLicence),
    licences.map(([id]) => id),
    licences.map(([, used]) => used.toString()),
    update.checkpoints.map((cp) => cp.treeSize),
    update.checkpoints.map((cp) => toHex(cp.rootHash)),
    update.checkpoints.map((cp) => cp.issuedAt),
    update.checkpoints.map((cp) => cp.totalOps.toString()),
    h.svn ?? null,
    h.issuerSet?.sequence ?? null,
    issuerHash === undefined ? null : fromHex(issuerHash),
    h.memoryBytes?.toString() ?? null,
    licences.map(([id]) => memoryUsed.get(id)?.toString() ?? null),
  ];
}

/** Errors of the connection or the server are store failures; a HemkitError (ours, or decide's) passes through. */
function toStoreError(e: unknown, doing: string): unknown {
  if (e instanceof HemkitError) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
  const message = e instanceof Error ? e.message : String(e);
  return new HemkitError('VERIFIER_STORE_FAILED', `${doing}: ${message}${code ? ` (${code})` : ''}`, { cause: e });
}

function isStoreFailure(e: unknown): boolean {
  return e instanceof HemkitError && e.code === 'VERIFIER_STORE_FAILED';
}

function corrupt(what: string, value: unknown): never {
  throw new HemkitError('VERIFIER_STORE_CORRUPT', `${what} holds ${JSON.stringify(value)}, which the schema does not allow`);
}

function readCount(value: unknown, what: string): number {
  const n = typeof value === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(value) ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isSafeInteger(n) || n < 0) corrupt(what, value);
  return n;
}

function readCounter(value: unknown, what: string): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,38})$/.test(value)) corrupt(what, value);
  const n = BigInt(value as string);
  if (n > MAX_COUNTER) corrupt(what, value);
  return n;
}

function readHexText(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^([0-9a-f]{2})+$/.test(value)) corrupt(what, value);
  return value as string;
}

function readBytes(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length === 0) corrupt(what, value);
  return new Uint8Array(value as Uint8Array);
}

function readIssuerSet(sequence: unknown, update: unknown): RememberedIssuerSet {
  const n = readCount(sequence, 'chips.issuer_sequence');
  const hash = update === null ? undefined : readHexText(update, 'chips.issuer_update');
  if (!isIssuerSet(n, hash)) corrupt('chips.issuer_update', update);
  return { sequence: n, updateHash: hash };
}

function readCheckpoint(row: unknown[]): SeenCheckpoint {
  if (!Array.isArray(row) || row.length !== 4) corrupt('checkpoints', row);
  return {
    treeSize: readCount(row[0], 'checkpoints.tree_size'),
    rootHash: fromHex(readHexText(row[1], 'checkpoints.root_hash')),
    issuedAt: readCount(row[2], 'checkpoints.issued_at'),
    totalOps: readCounter(row[3], 'checkpoints.total_ops'),
  };
}
