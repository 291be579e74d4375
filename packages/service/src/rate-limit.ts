/**
 * The per-client rate limit shared by every worker (specs/service.md §3): with PostgreSQL as the
 * store, each client's count lives in one row of the database, so N workers on any machines allow a
 * client the limit once, not N times. Without it (memory, SQLite) the count stays in the process.
 *
 * A fixed window per client, as @fastify/rate-limit's own in-process store counts: it opens at the
 * client's first request and lasts the window; the count and the window's end are one upsert, one
 * round trip, timed by the database's clock (one clock for every worker, whatever theirs say). The
 * table is UNLOGGED: counts a server crash forgets cost nothing but a window's allowance.
 */
import type pg from 'pg';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { HemkitError } from '@hemkit/wire/errors';

/** A client's count in its current window, and the milliseconds left in it. */
export interface RateCount {
  readonly current: number;
  readonly ttl: number;
}

/** Counts requests per client key across every worker sharing it. */
export interface SharedRateCounter {
  hit(key: string, windowMs: number): Promise<RateCount>;
  close(): Promise<void>;
}

const TABLE = 'hemkit_rate_limits';
/** The advisory lock key of creating the table: "hemr" in ASCII (the store's migrations take "hemv"). */
const CREATE_LOCK = 0x68656d72;

const NOW_MS = `(extract(epoch FROM statement_timestamp()) * 1000)::bigint`;
const HIT = `
INSERT INTO ${TABLE} AS r (client, window_start, hits) VALUES ($1, ${NOW_MS}, 1)
ON CONFLICT (client) DO UPDATE SET
  hits = CASE WHEN r.window_start + $2 <= excluded.window_start THEN 1 ELSE r.hits + 1 END,
  window_start = CASE WHEN r.window_start + $2 <= excluded.window_start THEN excluded.window_start ELSE r.window_start END
RETURNING hits, (window_start + $2 - ${NOW_MS})::int AS ttl`;

export interface PostgresRateCounterOptions {
  /** Connections of this worker's counter (default 2); apart from the store's, so a slow appraisal never delays the count. */
  readonly poolSize?: number;
  /** How long a count may take before the request is answered 503 (default 2 s). */
  readonly timeoutMs?: number;
  /** Rows of windows that ended are deleted once every this many counts of this worker (default 1000). */
  readonly sweepInterval?: number;
}

/** The rate limit's counts in PostgreSQL, in a table of their own beside the store's. */
export class PostgresRateCounter implements SharedRateCounter {
  readonly #pool: pg.Pool;
  readonly #sweepInterval: number;
  #hits = 0;

  private constructor(pool: pg.Pool, sweepInterval: number) {
    this.#pool = pool;
    this.#sweepInterval = sweepInterval;
  }

  /** Connects and creates the table if absent; VERIFIER_STORE_FAILED when the server does not answer. */
  static async open(connection: string, options: PostgresRateCounterOptions = {}): Promise<PostgresRateCounter> {
    const { default: pgModule } = await import('pg');
    const timeout = options.timeoutMs ?? 2_000;
    const pool = new pgModule.Pool({ connectionString: connection, max: options.poolSize ?? 2, connectionTimeoutMillis: timeout, statement_timeout: timeout });
    // An idle connection the server ended emits an error on the pool, and any connection, even one the
    // pool is closing, may emit one of its own: unheard, either would end the process (see the store's
    // open, @hemkit/verifier/store/postgres). The failing query reports the fault.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    try {
      // One simple query is one transaction: the lock is held until the table is committed, so workers
      // starting together do not race to create it.
      await pool.query(`SELECT pg_advisory_xact_lock(${CREATE_LOCK});
        CREATE UNLOGGED TABLE IF NOT EXISTS ${TABLE} (
          client       text   NOT NULL PRIMARY KEY,
          window_start bigint NOT NULL,
          hits         bigint NOT NULL
        );`);
    } catch (e) {
      await pool.end().catch(() => {});
      throw storeFailed('opening the rate limit counter', e);
    }
    return new PostgresRateCounter(pool, options.sweepInterval ?? 1000);
  }

  async hit(key: string, windowMs: number): Promise<RateCount> {
    if (!Number.isSafeInteger(windowMs) || windowMs <= 0) throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', `the rate limit window is ${windowMs} ms`);
    try {
      const row = (await this.#pool.query<{ hits: string; ttl: number }>(HIT, [key, windowMs])).rows[0]!;
      // The sweep is housekeeping: the request is counted already, and a failed sweep waits for the next.
      if (++this.#hits % this.#sweepInterval === 0) await this.#pool.query(`DELETE FROM ${TABLE} WHERE window_start + $1 <= ${NOW_MS}`, [windowMs]).catch(() => {});
      return { current: Number(row.hits), ttl: Math.max(0, row.ttl) };
    } catch (e) {
      throw storeFailed('counting a request for the rate limit', e);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

function storeFailed(what: string, e: unknown): HemkitError {
  return new HemkitError('VERIFIER_STORE_FAILED', `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/**
 * The counter as @fastify/rate-limit's store: its callback interface (`incr`), one instance for every
 * route (`child`). When the shared count fails (the database restarting), the request is counted in
 * this process instead, as without a shared counter: the limit holds per worker for as long as the
 * database is away, and what does not need the database (metrics, the description) still answers.
 * `onFallback` hears of it, at most once per window.
 */
export function rateLimitStore(counter: SharedRateCounter, onFallback: (e: unknown) => void = () => {}): FastifyRateLimitStoreCtor {
  const local = new Map<string, { current: number; until: number }>();
  let quietUntil = 0;
  const countHere = (key: string, windowMs: number): RateCount => {
    const now = Date.now();
    if (local.size > 10_000) for (const [k, v] of local) if (v.until <= now) local.delete(k);
    const c = local.get(key);
    const next = c === undefined || c.until <= now ? { current: 1, until: now + windowMs } : { current: c.current + 1, until: c.until };
    local.set(key, next);
    return { current: next.current, ttl: next.until - now };
  };
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, done: (error: Error | null, count?: RateCount) => void, timeWindow: number): void {
      counter.hit(key, timeWindow).then(
        (count) => done(null, count),
        (e: unknown) => {
          if (Date.now() >= quietUntil) {
            quietUntil = Date.now() + timeWindow;
            onFallback(e);
          }
          done(null, countHere(key, timeWindow));
        },
      );
    }

    child(): this {
      return this;
    }
  };
}
