/**
 * What only the SQLite store promises (specs/verifier.md §4): memory that survives closing the file, a
 * schema it refuses to misread, typed errors for a damaged or foreign file, and a lock it waits for.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLICATION_ID, SCHEMA_VERSION, SqliteVerifierStore } from '../../src/store/sqlite.js';
import { checkpoint, expectCode, record, type TempDir, tempDir, ueid, update } from './support.js';

const CHIP = ueid(1);
const MAX = (1n << 128n) - 1n;

let dir: TempDir;
let path: string;

beforeEach(() => {
  dir = tempDir();
  path = dir.file('verifier.db');
});

afterEach(() => dir.remove());

/** Runs `fn` on a store opened at `path`, closing it whatever happens. */
function withStore<R>(fn: (store: SqliteVerifierStore) => R, options = {}): R {
  const store = SqliteVerifierStore.open(path, options);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/** A plain connection to the file, to look at or tamper with what the store wrote. */
function raw<R>(fn: (db: Database.Database) => R): R {
  const db = new Database(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('persistence', () => {
  it('remembers chips, checkpoints and nonces after the store is closed and reopened', () => {
    const nonce = new Uint8Array(16).fill(3);
    withStore((store) => {
      record(store, update(CHIP, { bootcount: 2, totalOps: MAX, workloadsRun: 4, checkpoints: [checkpoint(8), checkpoint(2)] }));
      store.useNonce(nonce, 1_800_000_600);
    });

    withStore((store) => {
      expect(store.getChip(CHIP)).toMatchObject({ bootcount: 2, totalOps: MAX, workloadsRun: 4 });
      expect(store.getChip(CHIP)?.checkpoints).toEqual([checkpoint(2), checkpoint(8)]);
      expect(store.useNonce(nonce, 1_800_000_600)).toBe(false);
    });
  });

  it('writes a WAL-mode database tagged with the hemkit application id and the schema version', () => {
    withStore(() => undefined);
    raw((db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    });
  });

  it('stores a counter as its exact decimal text, never as a float', () => {
    withStore((store) => record(store, update(CHIP, { totalOps: MAX })));
    const row = raw((db) => db.prepare('SELECT total_ops, typeof(total_ops) AS type FROM chips').get());
    expect(row).toEqual({ total_ops: '340282366920938463463374607431768211455', type: 'text' });
  });

  it('sees what another connection to the same file committed', () => {
    const a = SqliteVerifierStore.open(path);
    const b = SqliteVerifierStore.open(path);
    try {
      record(a, update(CHIP, { totalOps: 5n }));
      expect(b.getChip(CHIP)?.totalOps).toBe(5n);
      expect(a.useNonce(new Uint8Array(8), 1)).toBe(true);
      expect(b.useNonce(new Uint8Array(8), 1)).toBe(false);
    } finally {
      a.close();
      b.close();
    }
  });

  it('deletes expired nonces from the file, not only from view', () => {
    withStore(
      (store) => {
        for (let i = 0; i < 10; i++) store.useNonce(new Uint8Array([1, i]), 1_800_000_000 + i);
        record(store, update(CHIP, { appraisedAt: 1_800_000_005 }));
        store.useNonce(new Uint8Array([2]), 1_800_000_600);
      },
      { nonceSweepInterval: 11 },
    );
    const left = raw((db) => (db.prepare('SELECT count(*) AS n FROM nonces').get() as { n: number }).n);
    expect(left).toBe(6); // expiries 5..9, which the clock (5) has not passed, and the new one
  });
});

describe('schema version', () => {
  it(`refuses a file written by a newer schema than ${SCHEMA_VERSION}, and leaves it as it was`, () => {
    withStore((store) => record(store, update(CHIP)));
    raw((db) => db.pragma(`user_version = ${SCHEMA_VERSION + 1}`));

    const error = expectCode(() => SqliteVerifierStore.open(path), 'VERIFIER_STORE_SCHEMA_UNSUPPORTED');
    expect(error.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(raw((db) => db.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION + 1);
  });
});

describe('damaged or foreign files', () => {
  it('refuses a file that is not an SQLite database', () => {
    writeFileSync(path, 'these bytes were never a database, whatever the file name says. '.repeat(100));
    expectCode(() => SqliteVerifierStore.open(path), 'VERIFIER_STORE_CORRUPT');
  });

  it('refuses the SQLite database of another application', () => {
    raw((db) => {
      db.pragma('application_id = 1');
      db.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY)');
    });
    expectCode(() => SqliteVerifierStore.open(path), 'VERIFIER_STORE_CORRUPT');
  });

  it('refuses an SQLite database with tables but no hemkit schema version', () => {
    raw((db) => db.exec('CREATE TABLE chips (ueid BLOB)'));
    expectCode(() => SqliteVerifierStore.open(path), 'VERIFIER_STORE_CORRUPT');
  });

  it('reports pages overwritten with garbage as corruption, when read or when checked', () => {
    withStore((store) => {
      for (let i = 1; i <= 50; i++) record(store, update(ueid(i), { checkpoints: [checkpoint(i)] }));
    });
    const bytes = readFileSync(path);
    const pageSize = raw((db) => db.pragma('page_size', { simple: true }) as number);
    expect(statSync(path).size).toBeGreaterThan(2 * pageSize);
    bytes.fill(0xff, pageSize); // page 1 (header and schema) stays intact; every table page is garbage
    writeFileSync(path, bytes);

    expectCode(() => withStore((store) => store.getChip(CHIP)), 'VERIFIER_STORE_CORRUPT');
    expectCode(() => withStore((store) => store.checkIntegrity()), 'VERIFIER_STORE_CORRUPT');
  });

  it('passes its own integrity check', () => {
    withStore((store) => {
      record(store, update(CHIP, { checkpoints: [checkpoint(1), checkpoint(2)] }));
      expect(() => store.checkIntegrity()).not.toThrow();
    });
  });

  it('reports a directory that does not exist as a failure to open', () => {
    expectCode(() => SqliteVerifierStore.open(dir.file('missing/verifier.db')), 'VERIFIER_STORE_FAILED');
  });
});

describe('locking', () => {
  it('waits its busy timeout for a writer that holds the lock, then fails with VERIFIER_STORE_FAILED', () => {
    withStore(() => undefined);
    const holder = new Database(path);
    try {
      holder.exec('BEGIN IMMEDIATE');
      withStore(
        (store) => {
          const started = performance.now();
          expectCode(() => record(store, update(CHIP)), 'VERIFIER_STORE_FAILED');
          expect(performance.now() - started).toBeGreaterThanOrEqual(150);
        },
        { busyTimeoutMs: 200 },
      );
      holder.exec('ROLLBACK');
    } finally {
      holder.close();
    }
    withStore((store) => expect(store.getChip(CHIP)).toBeUndefined());
  });
});
