/**
 * A fresh PostgreSQL database per test run, on the server CI starts (127.0.0.1:5432, trust auth):
 * created with a unique name, dropped afterwards. When the server does not answer, the PostgreSQL
 * tests are skipped with one line, unless HEMKIT_REQUIRE_POSTGRES=1 (set by .ci/run), which makes
 * that a failure.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server's maintenance database; the fresh databases are created beside it. */
export const POSTGRES_ADMIN_URL = process.env.HEMKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const POSTGRES_REQUIRED = process.env.HEMKIT_REQUIRE_POSTGRES === '1';

/** Whether the server answers within two seconds (probed once per test file). */
export async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (e) {
    if (POSTGRES_REQUIRED) throw new Error(`HEMKIT_REQUIRE_POSTGRES=1 but PostgreSQL at ${POSTGRES_ADMIN_URL} does not answer: ${e instanceof Error ? e.message : String(e)}`);
    console.warn(`PostgreSQL tests skipped: ${POSTGRES_ADMIN_URL} does not answer (set HEMKIT_REQUIRE_POSTGRES=1 to fail instead)`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface FreshDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database with a name no other run uses. */
export async function freshDatabase(): Promise<FreshDatabase> {
  const name = `hemkit_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // WITH (FORCE) ends connections a failed test left open (PostgreSQL 13+).
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

/** Ends every connection of other sessions to the database, as a server restart would. */
export async function terminateBackends(name: string): Promise<number> {
  return admin(async (c) => (await c.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name])).rows[0].n as number);
}
