/**
 * Which store a service runs on (specs/service.md §1): PostgreSQL when a database URL is given (the
 * shared memory of stateless workers), otherwise the embedded SQLite file, so that a first run needs
 * nothing installed.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { asAsyncStore, type AsyncVerifierStore } from '@hemkit/verifier/store';

export interface StoreChoice {
  /** A `postgres://` or `postgresql://` URL: the PostgreSQL store. */
  readonly database?: string;
  /** Otherwise this SQLite file (created with its directory if absent). */
  readonly sqlitePath: string;
  /** Connections per worker to PostgreSQL. */
  readonly poolSize?: number;
}

export function describeStore(choice: StoreChoice): string {
  if (choice.database === undefined) return `SQLite ${choice.sqlitePath}`;
  // The URL without its password, should it carry one.
  const url = new URL(choice.database);
  url.password = '';
  // A `host` parameter (a Unix socket directory, e.g. ?host=/var/run/postgresql) overrides the URL's host.
  return `PostgreSQL ${url.searchParams.get('host') ?? url.host}${url.pathname}`;
}

export async function openStore(choice: StoreChoice): Promise<AsyncVerifierStore> {
  if (choice.database !== undefined) {
    const { PostgresVerifierStore } = await import('@hemkit/verifier/store/postgres');
    return PostgresVerifierStore.open(choice.database, choice.poolSize === undefined ? {} : { poolSize: choice.poolSize });
  }
  const { SqliteVerifierStore } = await import('@hemkit/verifier/store/sqlite');
  mkdirSync(dirname(choice.sqlitePath), { recursive: true });
  return asAsyncStore(SqliteVerifierStore.open(choice.sqlitePath));
}
