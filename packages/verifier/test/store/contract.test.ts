/**
 * What every VerifierStore promises (specs/verifier.md §4), checked against the SQLite store and the
 * in-memory one alike: memory only moves forward, counters are exact up to 2^128-1, checkpoints are
 * kept once each in ascending order, a nonce is accepted once, and a failed appraisal leaves no trace.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChipMemory, VerifierStore } from '../../src/store/index.js';
import { APPLICATION_ID, SCHEMA_VERSION, SqliteVerifierStore } from '../../src/store/sqlite.js';
import { checkpoint, expectCode, record, root, STORE_KINDS, type TempDir, tempDir, ueid, update } from './support.js';

const CHIP = ueid(1);

describe.each(STORE_KINDS)('$name', (kind) => {
  let dir: TempDir;
  let store: VerifierStore;

  beforeEach(() => {
    dir = tempDir();
    store = kind.open(dir);
  });

  afterEach(() => {
    store.close();
    dir.remove();
  });

  describe('chip memory', () => {
    it('knows nothing of a chip never appraised, and says so to decide', () => {
      expect(store.getChip(CHIP)).toBeUndefined();
      let seen: ChipMemory | undefined | 'not called' = 'not called';
      store.appraise(CHIP, (memory) => {
        seen = memory;
        return { result: null };
      });
      expect(seen).toBeUndefined();
    });

    it('gives back exactly what an affirming appraisal recorded', () => {
      record(store, update(CHIP, { bootcount: 3, totalOps: 12_345n, workloadsRun: 7, checkpoints: [checkpoint(4)], appraisedAt: 1_800_000_100 }));

      const memory = store.getChip(CHIP)!;
      const seen = { treeSize: 4, rootHash: root(4), issuedAt: 1_800_000_004, totalOps: 4000n };
      expect({ ...memory, checkpoints: memory.checkpoints, checkpointAt: undefined }).toEqual({
        ueid: CHIP,
        bootcount: 3,
        totalOps: 12_345n,
        workloadsRun: 7,
        checkpoints: [seen],
        latestCheckpoint: seen,
        checkpointAt: undefined,
        lastAppraisedAt: 1_800_000_100,
        licenceUsage: new Map(),
        activeLicence: undefined,
        licenceMemoryUsage: new Map(),
      });
      expect(memory.checkpointAt(4)).toEqual(seen);
      expect(memory.checkpointAt(5)).toBeUndefined();
    });

    it('finds the latest checkpoint and any by size without reading them all', () => {
      for (const size of [2, 9, 5]) record(store, update(CHIP, { checkpoints: [checkpoint(size)] }));
      const memory = store.getChip(CHIP)!;
      expect(memory.latestCheckpoint?.treeSize).toBe(9);
      expect(memory.checkpointAt(5)?.rootHash).toEqual(root(5));
      expect(memory.checkpoints.map((c) => c.treeSize)).toEqual([2, 5, 9]);
    });

    it('shows decide the memory as of the previous appraisal', () => {
      record(store, update(CHIP, { totalOps: 10n }));
      const seen = store.appraise(CHIP, (memory) => ({ result: memory?.totalOps }));
      expect(seen).toBe(10n);
    });

    it('keeps the memories of different chips apart', () => {
      record(store, update(ueid(1), { totalOps: 1n }));
      record(store, update(ueid(2), { totalOps: 2n }));
      expect(store.getChip(ueid(1))?.totalOps).toBe(1n);
      expect(store.getChip(ueid(2))?.totalOps).toBe(2n);
    });

    it('hands out copies: changing returned bytes does not change what is stored', () => {
      record(store, update(CHIP, { checkpoints: [checkpoint(1)] }));
      const first = store.getChip(CHIP)!;
      first.checkpoints[0]!.rootHash.fill(0xee);
      first.ueid.fill(0xee);
      expect(store.getChip(CHIP)!.checkpoints[0]!.rootHash).toEqual(root(1));
      expect(store.getChip(CHIP)!.ueid).toEqual(CHIP);
    });
  });

  describe('never lowered', () => {
    it('keeps counters, boot count and last-appraisal time when an update brings smaller values', () => {
      record(store, update(CHIP, { bootcount: 5, totalOps: 1000n, workloadsRun: 9, appraisedAt: 1_800_000_500 }));
      record(store, update(CHIP, { bootcount: 4, totalOps: 999n, workloadsRun: 8, appraisedAt: 1_800_000_400 }));

      expect(store.getChip(CHIP)).toMatchObject({ bootcount: 5, totalOps: 1000n, workloadsRun: 9, lastAppraisedAt: 1_800_000_500 });
    });

    it('takes the maximum field by field when an update raises some values and lowers others', () => {
      record(store, update(CHIP, { bootcount: 5, totalOps: 1000n, workloadsRun: 9 }));
      record(store, update(CHIP, { bootcount: 6, totalOps: 10n, workloadsRun: 10 }));

      expect(store.getChip(CHIP)).toMatchObject({ bootcount: 6, totalOps: 1000n, workloadsRun: 10 });
    });
  });

  describe('counters beyond 2^64', () => {
    it.each([
      ['2^64', 1n << 64n],
      ['2^64 + 1', (1n << 64n) + 1n],
      ['2^127 + 12345', (1n << 127n) + 12_345n],
      ['2^128 - 1', (1n << 128n) - 1n],
    ])('keeps %s exactly, in the chip and in its checkpoint', (_name, value) => {
      record(store, update(CHIP, { totalOps: value, checkpoints: [checkpoint(1, 1, value)] }));
      expect(store.getChip(CHIP)?.totalOps).toBe(value);
      expect(store.getChip(CHIP)?.checkpoints[0]?.totalOps).toBe(value);
    });

    it('compares them as integers, not as text: 2^64 stays above 99', () => {
      record(store, update(CHIP, { totalOps: 1n << 64n }));
      record(store, update(CHIP, { totalOps: 99n }));
      expect(store.getChip(CHIP)?.totalOps).toBe(1n << 64n);
    });

    it.each([
      ['2^128', 1n << 128n],
      ['-1', -1n],
    ])('refuses a total of %s, which no counter can hold', (_name, value) => {
      expectCode(() => record(store, update(CHIP, { totalOps: value })), 'VERIFIER_STORE_INVALID_INPUT');
      expect(store.getChip(CHIP)).toBeUndefined();
    });
  });

  describe('checkpoints', () => {
    it('lists them ascending by tree size, whatever order they arrived in', () => {
      record(store, update(CHIP, { checkpoints: [checkpoint(5), checkpoint(2)] }));
      record(store, update(CHIP, { checkpoints: [checkpoint(9), checkpoint(1)] }));
      expect(store.getChip(CHIP)?.checkpoints.map((c) => c.treeSize)).toEqual([1, 2, 5, 9]);
    });

    it('keeps a checkpoint seen twice once', () => {
      record(store, update(CHIP, { checkpoints: [checkpoint(3)] }));
      record(store, update(CHIP, { checkpoints: [checkpoint(3), checkpoint(4)] }));
      expect(store.getChip(CHIP)?.checkpoints.map((c) => c.treeSize)).toEqual([3, 4]);
    });

    it('keeps the first root of a tree size: a later different root does not replace it', () => {
      record(store, update(CHIP, { checkpoints: [checkpoint(3, 0xaa)] }));
      record(store, update(CHIP, { checkpoints: [checkpoint(3, 0xbb)] }));
      expect(store.getChip(CHIP)?.checkpoints).toEqual([checkpoint(3, 0xaa)]);
    });

    it('refuses one update that gives a tree size twice with different roots', () => {
      expectCode(
        () => record(store, update(CHIP, { checkpoints: [checkpoint(3, 0xaa), checkpoint(3, 0xbb)] })),
        'VERIFIER_STORE_INVALID_INPUT',
      );
      expect(store.getChip(CHIP)).toBeUndefined();
    });
  });

  describe('licence memory', () => {
    const A = 'aa'.repeat(16);
    const B = 'bb'.repeat(16);

    it('gives back the usage of each licence and the licence active at the head', () => {
      record(store, update(CHIP, { licenceUsage: new Map([[A, 5n], [B, 0n]]), activeLicence: B }));
      const memory = store.getChip(CHIP)!;
      expect(memory.licenceUsage).toEqual(new Map([[A, 5n], [B, 0n]]));
      expect(memory.activeLicence).toBe(B);
    });

    it('takes the maximum per licence, keeps licences an update does not name, and takes the active licence from the update', () => {
      record(store, update(CHIP, { licenceUsage: new Map([[A, 10n]]), activeLicence: A }));
      record(store, update(CHIP, { licenceUsage: new Map([[A, 7n], [B, 3n]]), activeLicence: B }));
      expect(store.getChip(CHIP)).toMatchObject({ licenceUsage: new Map([[A, 10n], [B, 3n]]), activeLicence: B });
      record(store, update(CHIP, { licenceUsage: new Map([[B, 4n]]), activeLicence: undefined }));
      expect(store.getChip(CHIP)).toMatchObject({ licenceUsage: new Map([[A, 10n], [B, 4n]]), activeLicence: undefined });
    });

    it('keeps each chip its own licences', () => {
      record(store, update(ueid(1), { licenceUsage: new Map([[A, 1n]]), activeLicence: A }));
      record(store, update(ueid(2), { licenceUsage: new Map([[A, 2n]]), activeLicence: undefined }));
      expect(store.getChip(ueid(1))).toMatchObject({ licenceUsage: new Map([[A, 1n]]), activeLicence: A });
      expect(store.getChip(ueid(2))).toMatchObject({ licenceUsage: new Map([[A, 2n]]), activeLicence: undefined });
    });

    it.each([
      ['2^64 + 1', (1n << 64n) + 1n],
      ['2^128 - 1', (1n << 128n) - 1n],
    ])('keeps a usage of %s exactly, and compares usages as integers', (_name, value) => {
      record(store, update(CHIP, { licenceUsage: new Map([[A, value]]) }));
      record(store, update(CHIP, { licenceUsage: new Map([[A, 99n]]) }));
      expect(store.getChip(CHIP)!.licenceUsage.get(A)).toBe(value);
    });

    it('accepts licence ids of 1 to 64 bytes', () => {
      const long = 'c0'.repeat(64);
      record(store, update(CHIP, { licenceUsage: new Map([['01', 1n], [long, 2n]]), activeLicence: long }));
      expect(store.getChip(CHIP)).toMatchObject({ licenceUsage: new Map([['01', 1n], [long, 2n]]), activeLicence: long });
    });

    it('hands out a copy: changing the returned usage does not change what is stored', () => {
      record(store, update(CHIP, { licenceUsage: new Map([[A, 5n]]) }));
      (store.getChip(CHIP)!.licenceUsage as Map<string, bigint>).set(A, 999n).set(B, 1n);
      expect(store.getChip(CHIP)!.licenceUsage).toEqual(new Map([[A, 5n]]));
    });

    it.each([
      ['an upper-case licence id', update(CHIP, { licenceUsage: new Map([['AA'.repeat(16), 1n]]) })],
      ['a licence id of odd length', update(CHIP, { licenceUsage: new Map([['abc', 1n]]) })],
      ['an empty licence id', update(CHIP, { licenceUsage: new Map([['', 1n]]) })],
      ['a licence id of 65 bytes', update(CHIP, { licenceUsage: new Map([['ab'.repeat(65), 1n]]) })],
      ['a negative usage', update(CHIP, { licenceUsage: new Map([[A, -1n]]) })],
      ['a usage of 2^128', update(CHIP, { licenceUsage: new Map([[A, 1n << 128n]]) })],
      ['an active licence that is not lower-case hex', update(CHIP, { activeLicence: 'not hex' })],
      ['an empty active licence', update(CHIP, { activeLicence: '' })],
    ])('refuses an update with %s, and records nothing', (_name, u) => {
      expectCode(() => record(store, u), 'VERIFIER_STORE_INVALID_INPUT');
      expect(store.getChip(CHIP)).toBeUndefined();
    });

    it('refuses a bad licence entry without touching what an earlier appraisal recorded', () => {
      record(store, update(CHIP, { totalOps: 5n, licenceUsage: new Map([[A, 5n]]), activeLicence: A }));
      expectCode(() => record(store, update(CHIP, { totalOps: 9n, licenceUsage: new Map([[B, 1n], ['XY', 1n]]), activeLicence: B })), 'VERIFIER_STORE_INVALID_INPUT');
      expect(store.getChip(CHIP)).toMatchObject({ totalOps: 5n, licenceUsage: new Map([[A, 5n]]), activeLicence: A });
    });
  });

  describe('appraise', () => {
    it('returns what decide returned, and records nothing when decide gives no update', () => {
      expect(store.appraise(CHIP, () => ({ result: 'contraindicated' }))).toBe('contraindicated');
      expect(store.getChip(CHIP)).toBeUndefined();
    });

    it('lets an error from decide through unchanged and records nothing of that appraisal, its nonce included', () => {
      const nonce = new Uint8Array(16).fill(7);
      const boom = new Error('decide failed');
      expect(() =>
        store.appraise(CHIP, () => {
          store.useNonce(nonce, 1_800_000_600);
          throw boom;
        }),
      ).toThrow(boom);
      expect(store.getChip(CHIP)).toBeUndefined();
      expect(store.useNonce(nonce, 1_800_000_600)).toBe(true);
    });

    it('keeps a nonce used inside an appraisal that completes', () => {
      const nonce = new Uint8Array(16).fill(8);
      store.appraise(CHIP, () => ({ result: store.useNonce(nonce, 1_800_000_600), update: update(CHIP) }));
      expect(store.useNonce(nonce, 1_800_000_600)).toBe(false);
    });

    it.each([
      ['names another chip', update(ueid(2))],
      ['has a fractional boot count', update(CHIP, { bootcount: 1.5 })],
      ['has a negative workload count', update(CHIP, { workloadsRun: -1 })],
      ['has a tree size beyond 2^53-1', update(CHIP, { checkpoints: [{ ...checkpoint(1), treeSize: 2 ** 53 }] })],
      ['has an empty root hash', update(CHIP, { checkpoints: [{ ...checkpoint(1), rootHash: new Uint8Array(0) }] })],
    ])('refuses an update that %s, and records nothing', (_name, u) => {
      expectCode(() => store.appraise(CHIP, () => ({ result: null, update: u })), 'VERIFIER_STORE_INVALID_INPUT');
      expect(store.getChip(CHIP)).toBeUndefined();
      expect(store.getChip(ueid(2))).toBeUndefined();
    });
  });

  describe('nonces', () => {
    it('accepts a nonce once and reports its reuse', () => {
      const nonce = new Uint8Array(16).fill(1);
      expect(store.useNonce(nonce, 1_800_000_600)).toBe(true);
      expect(store.useNonce(nonce, 1_800_000_600)).toBe(false);
      expect(store.useNonce(nonce.slice(), 1_900_000_000)).toBe(false);
      expect(store.useNonce(new Uint8Array(16).fill(2), 1_800_000_600)).toBe(true);
    });

    it('forgets a nonce only once an appraisal has moved the verifier clock past its expiry', () => {
      store.close();
      store = kind.open(dir, { nonceSweepInterval: 1 });
      const old = new Uint8Array(8).fill(1);
      expect(store.useNonce(old, 1_800_000_600)).toBe(true);

      record(store, update(CHIP, { appraisedAt: 1_800_000_600 }));
      expect(store.useNonce(old, 1_800_000_600)).toBe(false); // expired at 600 means usable until 600

      record(store, update(CHIP, { appraisedAt: 1_800_000_601 }));
      expect(store.useNonce(new Uint8Array(8).fill(2), 1_800_001_201)).toBe(true); // sweeps
      expect(store.useNonce(old, 1_800_001_201)).toBe(true);
    });

    it('refuses an empty nonce', () => {
      expectCode(() => store.useNonce(new Uint8Array(0), 1_800_000_600), 'VERIFIER_STORE_INVALID_INPUT');
    });
  });

  it('refuses to work once closed, and closing twice is harmless', () => {
    store.close();
    store.close();
    expectCode(() => store.getChip(CHIP), 'VERIFIER_STORE_FAILED');
    expectCode(() => store.appraise(CHIP, () => ({ result: null })), 'VERIFIER_STORE_FAILED');
    expectCode(() => store.useNonce(new Uint8Array(8), 1), 'VERIFIER_STORE_FAILED');
  });
});

/**
 * The SQLite store's schema 1 kept no licence memory: opened as if it were schema 2, it would claim that
 * no licence was ever installed or used, so a licence could be granted twice. It is refused, not upgraded.
 */
describe('SqliteVerifierStore and a schema-1 file', () => {
  const SAFE = 'BETWEEN 0 AND 9007199254740991';
  const SCHEMA_1 = `
    CREATE TABLE chips (ueid BLOB NOT NULL PRIMARY KEY, bootcount INTEGER NOT NULL CHECK (bootcount ${SAFE}), total_ops TEXT NOT NULL,
      workloads_run INTEGER NOT NULL CHECK (workloads_run ${SAFE}), last_appraised_at INTEGER NOT NULL CHECK (last_appraised_at ${SAFE})) STRICT, WITHOUT ROWID;
    CREATE TABLE checkpoints (ueid BLOB NOT NULL REFERENCES chips (ueid), tree_size INTEGER NOT NULL, root_hash BLOB NOT NULL,
      issued_at INTEGER NOT NULL, total_ops TEXT NOT NULL, PRIMARY KEY (ueid, tree_size)) STRICT, WITHOUT ROWID;
    CREATE TABLE nonces (nonce BLOB NOT NULL PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT, WITHOUT ROWID;
    CREATE INDEX nonces_by_expiry ON nonces (expires_at);`;

  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  const look = <R>(path: string, fn: (db: Database.Database) => R): R => {
    const db = new Database(path, { readonly: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };

  it('is refused, and left exactly as it was', () => {
    expect(SCHEMA_VERSION).toBe(3);
    const path = dir.file('v1.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA_1);
    db.prepare('INSERT INTO chips VALUES (?, 3, ?, 2, ?)').run(CHIP, '12345', 1_800_000_100);
    db.prepare('INSERT INTO checkpoints VALUES (?, 4, ?, ?, ?)').run(CHIP, root(4), 1_800_000_004, '4000');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma('user_version = 1');
    db.close();
    const tables = (p: string) => look(p, (d) => (d.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name));
    const before = tables(path);

    // An older hemkit store is named as such, never taken for a damaged file, and never upgraded.
    // (VERIFIER_STORE_SCHEMA_UNSUPPORTED also names files written by a newer verifier.)
    const error = expectCode(() => SqliteVerifierStore.open(path), 'VERIFIER_STORE_SCHEMA_UNSUPPORTED');
    expect(error.message).toContain('schema version 1');

    expect(tables(path)).toEqual(before);
    expect(before).not.toContain('licences');
    look(path, (d) => {
      expect(d.pragma('user_version', { simple: true })).toBe(1);
      expect(d.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
      expect(d.prepare('SELECT bootcount, total_ops, workloads_run FROM chips').all()).toEqual([{ bootcount: 3, total_ops: '12345', workloads_run: 2 }]);
      expect((d.prepare('SELECT count(*) AS n FROM checkpoints').get() as { n: number }).n).toBe(1);
    });
  });

  it('a schema-2 file is migrated to 3: its licence memory kept, the head state not known until the next appraisal', () => {
    const path = dir.file('v2.db');
    const made = SqliteVerifierStore.open(path);
    record(made, update(CHIP, { licenceUsage: new Map([['aa'.repeat(16), 7n]]), activeLicence: 'aa'.repeat(16) }));
    made.close();
    // Back to schema 2 as a version-2 verifier wrote it: without the columns version 3 added.
    const db = new Database(path);
    for (const column of ['issuer_update', 'issuer_sequence', 'svn', 'memory_bytes']) db.exec(`ALTER TABLE chips DROP COLUMN ${column}`);
    db.exec('ALTER TABLE licences DROP COLUMN memory_used');
    db.pragma('user_version = 2');
    db.close();
    const again = SqliteVerifierStore.open(path);
    try {
      const memory = again.getChip(CHIP)!;
      expect(memory).toMatchObject({ licenceUsage: new Map([['aa'.repeat(16), 7n]]), activeLicence: 'aa'.repeat(16), licenceMemoryUsage: new Map() });
      expect(memory.svn).toBeUndefined();
      expect(memory.issuerSet).toBeUndefined();
      expect(memory.memoryBytes).toBeUndefined();
      record(again, update(CHIP, { svn: 1, issuerSet: { sequence: 0, updateHash: undefined }, memoryBytes: 9n, licenceMemoryUsage: new Map([['aa'.repeat(16), 9n]]) }));
      expect(again.getChip(CHIP)).toMatchObject({ svn: 1, issuerSet: { sequence: 0, updateHash: undefined }, memoryBytes: 9n, licenceMemoryUsage: new Map([['aa'.repeat(16), 9n]]) });
    } finally {
      again.close();
    }
    look(path, (d) => expect(d.pragma('user_version', { simple: true })).toBe(3));
  });

  it('a corrupt head state is VERIFIER_STORE_CORRUPT, not a memory', () => {
    const path = dir.file('v3.db');
    const s = SqliteVerifierStore.open(path);
    record(s, update(CHIP, { issuerSet: { sequence: 0, updateHash: undefined } }));
    s.close();
    const db = new Database(path);
    db.pragma('ignore_check_constraints = ON');
    db.prepare('UPDATE chips SET issuer_sequence = 3, issuer_update = ?').run(new Uint8Array(5));
    db.close();
    const again = SqliteVerifierStore.open(path);
    try {
      expectCode(() => again.getChip(CHIP), 'VERIFIER_STORE_CORRUPT');
    } finally {
      again.close();
    }
  });
});
