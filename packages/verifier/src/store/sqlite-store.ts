/**
 * The verifier store in an SQLite database file (specs/verifier.md §4), so that a relying party can
 * appraise the same chip for months and several verifier processes can share one memory.
 *
 * - Durability: WAL journal with `synchronous = FULL`, so every commit is fsynced to the WAL before
 *   `appraise` returns; in WAL mode NORMAL would let a power loss undo the last appraisals.
 * - Concurrency: `appraise` runs its read-decide-write inside `BEGIN IMMEDIATE`, which takes the
 *   database's single write lock before reading; a second process waits (busy timeout) instead of
 *   deciding on a memory that is about to change. Plain reads see one WAL snapshot.
 * - Counters up to 2^128-1 are kept as canonical decimal TEXT: SQLite integers stop at 2^63-1 and
 *   its REAL would round.
 */
import type Database from 'better-sqlite3';
import { HemkitError } from '@hemkit/wire/errors';
import { checkNonce, checkUeid, checkUpdate, isIssuerSet, MAX_COUNTER, mergeCounters, mergeHead, mergeLicenceMemoryUsage, mergeLicenceUsage } from './merge.js';
import type { ChipMemory, ChipUpdate, RememberedIssuerSet, SeenCheckpoint, VerifierStore } from './types.js';
import type { ChallengeRequest, RememberedChip, StoredChallenge } from './async-types.js';
import { checkChallenge, type ServiceRecords } from './service-records.js';
import { fromHex, toHex } from '@hemkit/wire/bytes';

/**
 * better-sqlite3, a native addon, loaded on the first SqliteVerifierStore rather than on import, so
 * that a program importing `@hemkit/verifier/store` for the memory store never loads it.
 */
let databaseClass: typeof Database | undefined;
function loadDatabase(): typeof Database {
  // node:module through getBuiltinModule (Node 20.16+), not an import: `@hemkit/verifier/store` still
  // re-exports this class, and its memory store should bundle for a browser with no Node shims.
  const { createRequire } = process.getBuiltinModule('node:module');
  return (databaseClass ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database);
}

/**
 * `PRAGMA user_version` of the schema below; a file of a newer one is refused, never rewritten.
 * Version 1 kept no licence usage: its memory cannot show a licence installed twice or used past its
 * quota across appraisals, so it is refused rather than upgraded into a memory that claims to.
 * Version 2 is migrated to 3 (MIGRATION_V3): what 3 adds is kept as "not known" (NULL) for the chips
 * a version-2 store remembers, which the checks read as they read a store that never kept it.
 */
export const SCHEMA_VERSION = 3;
/** `PRAGMA application_id`: "hemv" in ASCII, so another program's SQLite file is not taken for ours. */
export const APPLICATION_ID = 0x68656d76;

const SAFE = 'BETWEEN 0 AND 9007199254740991';
/** Canonical decimal: digits only, no leading zero, at most 39 digits (2^128-1 has 39). */
const decimal = (column: string): string =>
  `length(${column}) BETWEEN 1 AND 39 AND ${column} NOT GLOB '*[^0-9]*' AND (${column} = '0' OR ${column} NOT GLOB '0*')`;

const SCHEMA_V1 = `
CREATE TABLE chips (
  ueid              BLOB    NOT NULL PRIMARY KEY,
  bootcount         INTEGER NOT NULL CHECK (bootcount ${SAFE}),
  total_ops         TEXT    NOT NULL CHECK (${decimal('total_ops')}),
  workloads_run     INTEGER NOT NULL CHECK (workloads_run ${SAFE}),
  last_appraised_at INTEGER NOT NULL CHECK (last_appraised_at ${SAFE}),
  active_licence    BLOB
) STRICT, WITHOUT ROWID;

CREATE TABLE licences (
  ueid       BLOB NOT NULL REFERENCES chips (ueid),
  licence_id BLOB NOT NULL,
  ops_used   TEXT NOT NULL CHECK (${decimal('ops_used')}),
  PRIMARY KEY (ueid, licence_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE checkpoints (
  ueid      BLOB    NOT NULL REFERENCES chips (ueid),
  tree_size INTEGER NOT NULL CHECK (tree_size ${SAFE}),
  root_hash BLOB    NOT NULL,
  issued_at INTEGER NOT NULL CHECK (issued_at ${SAFE}),
  total_ops TEXT    NOT NULL CHECK (${decimal('total_ops')}),
  PRIMARY KEY (ueid, tree_size)
) STRICT, WITHOUT ROWID;

CREATE TABLE nonces (
  nonce      BLOB    NOT NULL PRIMARY KEY,
  expires_at INTEGER NOT NULL CHECK (expires_at ${SAFE})
) STRICT, WITHOUT ROWID;

CREATE INDEX nonces_by_expiry ON nonces (expires_at);
`;

/**
 * Version 3 (specs/verifier.md §4): the state at the remembered head that makes the incremental
 * checks exact: the firmware SVN in force, the issuer set in force (its sequence number and the hash
 * of the update that installed it; sequence 0 and no hash for the provisioned set), the memory-bytes
 * counter, and the memory bytes logged under each licence. NULL where not known.
 */
const MIGRATION_V3 = `
ALTER TABLE chips ADD COLUMN svn INTEGER CHECK (svn ${SAFE});
ALTER TABLE chips ADD COLUMN issuer_sequence INTEGER CHECK (issuer_sequence ${SAFE});
ALTER TABLE chips ADD COLUMN issuer_update BLOB CHECK (
  CASE WHEN issuer_sequence IS NULL OR issuer_sequence = 0 THEN issuer_update IS NULL ELSE length(issuer_update) = 32 END);
ALTER TABLE chips ADD COLUMN memory_bytes TEXT CHECK (${decimal('memory_bytes')});
ALTER TABLE licences ADD COLUMN memory_used TEXT CHECK (${decimal('memory_used')});
`;

/**
 * The challenges a verification service issued (specs/verifier.md §4.1). Not part of the chips'
 * memory, so not of the schema version either: created in any schema-2 file that lacks it, and
 * ignored by a verifier that does not serve.
 */
const CHALLENGES = `
CREATE TABLE IF NOT EXISTS challenges (
  nonce           BLOB    NOT NULL PRIMARY KEY,
  ueid            BLOB,
  known_tree_size INTEGER NOT NULL CHECK (known_tree_size ${SAFE}),
  issued_at       INTEGER NOT NULL CHECK (issued_at ${SAFE}),
  expires_at      INTEGER NOT NULL CHECK (expires_at ${SAFE})
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS challenges_by_expiry ON challenges (expires_at);
`;

export interface SqliteStoreOptions {
  /**
   * How long a process waits for another one's write lock before failing with VERIFIER_STORE_FAILED
   * (SQLite's busy timeout). One appraisal holds the lock for about a millisecond plus an fsync, so the
   * default of 10 s only runs out when another process is stuck.
   */
  readonly busyTimeoutMs?: number;
  /** Expired nonces are swept once every this many `useNonce` calls of this process (default 256). */
  readonly nonceSweepInterval?: number;
}

interface ChipRow {
  bootcount: unknown;
  total_ops: unknown;
  workloads_run: unknown;
  last_appraised_at: unknown;
  active_licence: unknown;
  svn: unknown;
  issuer_sequence: unknown;
  issuer_update: unknown;
  memory_bytes: unknown;
}

interface LicenceRow {
  licence_id: unknown;
  ops_used: unknown;
  memory_used: unknown;
}

interface CheckpointRow {
  tree_size: unknown;
  root_hash: unknown;
  issued_at: unknown;
  total_ops: unknown;
}

type Decide = (memory: ChipMemory | undefined) => { result: unknown; update?: ChipUpdate };

export class SqliteVerifierStore implements VerifierStore, ServiceRecords {
  readonly #db: Database.Database;
  readonly #sweepInterval: number;
  #nonceCalls = 0;
  readonly #selectChip: Database.Statement<[Uint8Array], ChipRow>;
  readonly #selectCheckpoints: Database.Statement<[Uint8Array], CheckpointRow>;
  readonly #selectLatestCheckpoint: Database.Statement<[Uint8Array], CheckpointRow>;
  readonly #selectCheckpointAt: Database.Statement<[Uint8Array, number], CheckpointRow>;
  readonly #upsertChip: Database.Statement<[Uint8Array, number, string, number, number, Uint8Array | null, number | null, number | null, Uint8Array | null, string | null]>;
  readonly #selectLicences: Database.Statement<[Uint8Array], LicenceRow>;
  readonly #upsertLicence: Database.Statement<[Uint8Array, Uint8Array, string, string | null]>;
  readonly #insertCheckpoint: Database.Statement<[Uint8Array, number, Uint8Array, number, string]>;
  readonly #insertNonce: Database.Statement<[Uint8Array, number]>;
  readonly #sweepNonces: Database.Statement<[]>;
  readonly #insertChallenge: Database.Statement<[Uint8Array, Uint8Array | null, number, number, number]>;
  readonly #selectChallenge: Database.Statement<[Uint8Array, number], { ueid: unknown; known_tree_size: unknown; issued_at: unknown; expires_at: unknown }>;
  readonly #sweepChallenges: Database.Statement<[number]>;
  #challengeCalls = 0;
  readonly #listChips: Database.Statement<[Uint8Array, number], { ueid: unknown; total_ops: unknown; last_appraised_at: unknown }>;
  readonly #read: Database.Transaction<(ueid: Uint8Array) => ChipMemory | undefined>;
  readonly #appraise: Database.Transaction<(ueid: Uint8Array, decide: Decide) => unknown>;

  /**
   * Opens (creating if absent) the store at `path`. Throws VERIFIER_STORE_CORRUPT for a file that is
   * not a hemkit verifier database, VERIFIER_STORE_SCHEMA_UNSUPPORTED for one written by a newer
   * schema, VERIFIER_STORE_FAILED when the file cannot be opened.
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteVerifierStore {
    let db: Database.Database | undefined;
    try {
      // better-sqlite3's `timeout` is SQLite's busy_timeout; set before the first statement so that
      // even opening waits for a process that is creating the schema.
      db = new (loadDatabase())(path, { timeout: options.busyTimeoutMs ?? 10_000 });
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') {
        throw new HemkitError('VERIFIER_STORE_FAILED', `${path}: SQLite refused WAL mode (got ${String(mode)})`);
      }
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db, path);
      db.exec(CHALLENGES);
      return new SqliteVerifierStore(db, options);
    } catch (e) {
      try {
        db?.close();
      } catch {
        // the error that made opening fail is the one to report
      }
      throw toStoreError(e, `opening the verifier store ${path}`, true);
    }
  }

  private constructor(db: Database.Database, options: SqliteStoreOptions) {
    this.#db = db;
    this.#sweepInterval = options.nonceSweepInterval ?? 256;
    this.#selectChip = db.prepare(
      'SELECT bootcount, total_ops, workloads_run, last_appraised_at, active_licence, svn, issuer_sequence, issuer_update, memory_bytes FROM chips WHERE ueid = ?',
    );
    this.#selectLicences = db.prepare('SELECT licence_id, ops_used, memory_used FROM licences WHERE ueid = ?');
    this.#upsertLicence = db.prepare(`
      INSERT INTO licences (ueid, licence_id, ops_used, memory_used) VALUES (?, ?, ?, ?)
      ON CONFLICT (ueid, licence_id) DO UPDATE SET ops_used = excluded.ops_used, memory_used = excluded.memory_used`);
    this.#selectLatestCheckpoint = db.prepare(
      'SELECT tree_size, root_hash, issued_at, total_ops FROM checkpoints WHERE ueid = ? ORDER BY tree_size DESC LIMIT 1',
    );
    this.#selectCheckpointAt = db.prepare(
      'SELECT tree_size, root_hash, issued_at, total_ops FROM checkpoints WHERE ueid = ? AND tree_size = ?',
    );
    this.#selectCheckpoints = db.prepare(
      'SELECT tree_size, root_hash, issued_at, total_ops FROM checkpoints WHERE ueid = ? ORDER BY tree_size',
    );
    this.#upsertChip = db.prepare(`
      INSERT INTO chips (ueid, bootcount, total_ops, workloads_run, last_appraised_at, active_licence, svn, issuer_sequence, issuer_update, memory_bytes)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (ueid) DO UPDATE SET bootcount = excluded.bootcount, total_ops = excluded.total_ops,
        workloads_run = excluded.workloads_run, last_appraised_at = excluded.last_appraised_at,
        active_licence = excluded.active_licence, svn = excluded.svn, issuer_sequence = excluded.issuer_sequence,
        issuer_update = excluded.issuer_update, memory_bytes = excluded.memory_bytes`);
    // ON CONFLICT DO NOTHING rather than INSERT OR IGNORE: only the (ueid, tree_size) clash is
    // ignored; a CHECK or foreign-key violation still fails loudly.
    this.#insertCheckpoint = db.prepare(`
      INSERT INTO checkpoints (ueid, tree_size, root_hash, issued_at, total_ops) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (ueid, tree_size) DO NOTHING`);
    this.#insertNonce = db.prepare('INSERT INTO nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING');
    // Expiry is judged against the latest verifier time any appraisal recorded, not this machine's
    // wall clock: a verifier on a simulated or skewed clock must not have its nonces forgotten early.
    this.#sweepNonces = db.prepare(
      'DELETE FROM nonces WHERE expires_at < (SELECT coalesce(max(last_appraised_at), 0) FROM chips)',
    );
    this.#insertChallenge = db.prepare(
      'INSERT INTO challenges (nonce, ueid, known_tree_size, issued_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (nonce) DO NOTHING',
    );
    this.#selectChallenge = db.prepare('SELECT ueid, known_tree_size, issued_at, expires_at FROM challenges WHERE nonce = ? AND expires_at >= ?');
    this.#sweepChallenges = db.prepare('DELETE FROM challenges WHERE expires_at < ?');
    this.#listChips = db.prepare('SELECT ueid, total_ops, last_appraised_at FROM chips WHERE ueid > ? ORDER BY ueid LIMIT ?');
    this.#read = db.transaction((ueid: Uint8Array) => this.#readChip(ueid));
    this.#appraise = db.transaction((ueid: Uint8Array, decide: Decide) => {
      const memory = this.#readChip(ueid);
      const { result, update } = decide(memory);
      if (update !== undefined) {
        checkUpdate(ueid, update);
        this.#merge(memory, update);
      }
      return result;
    });
  }

  getChip(ueid: Uint8Array): ChipMemory | undefined {
    this.#checkOpen();
    checkUeid(ueid);
    // Two SELECTs in one read transaction, so the counters and checkpoints come from one snapshot.
    return this.#guard('reading chip memory', () => this.#read.deferred(ueid));
  }

  appraise<T>(ueid: Uint8Array, decide: (memory: ChipMemory | undefined) => { result: T; update?: ChipUpdate }): T {
    this.#checkOpen();
    checkUeid(ueid);
    return this.#guard('recording an appraisal', () => this.#appraise.immediate(ueid, decide) as T);
  }

  useNonce(nonce: Uint8Array, expiresAt: number): boolean {
    this.#checkOpen();
    checkNonce(nonce, expiresAt);
    return this.#guard('recording a nonce', () => {
      if (++this.#nonceCalls % this.#sweepInterval === 0) this.#sweepNonces.run();
      return this.#insertNonce.run(nonce, expiresAt).changes === 1;
    });
  }

  listChips(options: { readonly after?: Uint8Array; readonly limit?: number } = {}): RememberedChip[] {
    this.#checkOpen();
    // The empty blob sorts before every UEID (UEIDs are never empty).
    const rows = this.#guard('listing chips', () => this.#listChips.all(options.after ?? new Uint8Array(0), options.limit ?? -1));
    return rows.map((r) => {
      if (!(r.ueid instanceof Uint8Array)) corrupt('chips.ueid', r.ueid);
      return { ueid: new Uint8Array(r.ueid as Uint8Array), totalOps: readCounter(r.total_ops, 'chips.total_ops'), lastAppraisedAt: readCount(r.last_appraised_at, 'chips.last_appraised_at') };
    });
  }

  issueChallenge(request: ChallengeRequest): StoredChallenge {
    this.#checkOpen();
    checkChallenge(request);
    let challenge!: StoredChallenge;
    // Without an fsync of its own (synchronous = NORMAL for this one commit): a challenge lost to a
    // power cut costs its client a new challenge, never a wrong result, and the next appraisal's
    // commit makes it durable anyway. Appraisals keep FULL.
    const added = this.#guard('recording a challenge', () => {
      this.#db.pragma('synchronous = NORMAL');
      try {
        if (++this.#challengeCalls % this.#sweepInterval === 0) this.#sweepChallenges.run(request.issuedAt);
        // Read and written in one transaction: the size is the one remembered when the nonce was issued.
        return this.#db.transaction(() => {
          const latest = request.ueid === undefined ? undefined : this.#selectLatestCheckpoint.get(request.ueid);
          challenge = { ...request, knownTreeSize: latest === undefined ? 0 : readCount(latest.tree_size, 'checkpoints.tree_size') };
          return this.#insertChallenge.run(request.nonce, request.ueid ?? null, challenge.knownTreeSize, request.issuedAt, request.expiresAt).changes === 1;
        }).immediate();
      } finally {
        this.#db.pragma('synchronous = FULL');
      }
    });
    if (!added) throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', `a challenge with nonce ${toHex(request.nonce)} was already issued`);
    return { ...challenge, nonce: request.nonce.slice(), ueid: request.ueid?.slice() };
  }

  getChallenge(nonce: Uint8Array, now: number): StoredChallenge | undefined {
    this.#checkOpen();
    const row = this.#guard('reading a challenge', () => this.#selectChallenge.get(nonce, now));
    if (row === undefined) return undefined;
    if (row.ueid !== null && !(row.ueid instanceof Uint8Array)) corrupt('challenges.ueid', row.ueid);
    return {
      nonce: nonce.slice(),
      ueid: row.ueid === null ? undefined : new Uint8Array(row.ueid as Uint8Array),
      knownTreeSize: readCount(row.known_tree_size, 'challenges.known_tree_size'),
      issuedAt: readCount(row.issued_at, 'challenges.issued_at'),
      expiresAt: readCount(row.expires_at, 'challenges.expires_at'),
    };
  }

  /** Runs SQLite's full integrity check (every page and index); throws VERIFIER_STORE_CORRUPT if it finds damage. */
  checkIntegrity(): void {
    this.#checkOpen();
    const problems = this.#guard('checking integrity', () =>
      (this.#db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check),
    );
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new HemkitError('VERIFIER_STORE_CORRUPT', `integrity check failed: ${problems.slice(0, 5).join('; ')}`);
    }
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #readChip(ueid: Uint8Array): ChipMemory | undefined {
    const row = this.#selectChip.get(ueid);
    if (row === undefined) return undefined;
    const key = ueid.slice();
    const all = this.#selectCheckpoints;
    const latest = this.#selectLatestCheckpoint.get(key);
    const bySize = this.#selectCheckpointAt;
    const licences = this.#selectLicences.all(key);
    return {
      ueid: key,
      bootcount: readCount(row.bootcount, 'chips.bootcount'),
      totalOps: readCounter(row.total_ops, 'chips.total_ops'),
      workloadsRun: readCount(row.workloads_run, 'chips.workloads_run'),
      // The full list is read only if asked for; the appraisal uses the two indexed lookups.
      get checkpoints() {
        return all.all(key).map(readCheckpoint);
      },
      latestCheckpoint: latest === undefined ? undefined : readCheckpoint(latest),
      checkpointAt(treeSize: number) {
        const found = bySize.get(key, treeSize);
        return found === undefined ? undefined : readCheckpoint(found);
      },
      lastAppraisedAt: readCount(row.last_appraised_at, 'chips.last_appraised_at'),
      licenceUsage: new Map(licences.map((l) => [readHex(l.licence_id, 'licences.licence_id'), readCounter(l.ops_used, 'licences.ops_used')])),
      activeLicence: row.active_licence === null ? undefined : readHex(row.active_licence, 'chips.active_licence'),
      ...(row.svn !== null ? { svn: readCount(row.svn, 'chips.svn') } : {}),
      ...(row.issuer_sequence !== null ? { issuerSet: readIssuerSet(row.issuer_sequence, row.issuer_update) } : {}),
      ...(row.memory_bytes !== null ? { memoryBytes: readCounter(row.memory_bytes, 'chips.memory_bytes') } : {}),
      licenceMemoryUsage: new Map(licences.filter((l) => l.memory_used !== null).map((l) => [readHex(l.licence_id, 'licences.licence_id'), readCounter(l.memory_used, 'licences.memory_used')])),
    };
  }

  #merge(memory: ChipMemory | undefined, update: ChipUpdate): void {
    const c = mergeCounters(memory, update);
    const active = update.activeLicence === undefined ? null : fromHex(update.activeLicence);
    const h = mergeHead(memory, update);
    const issuerHash = h.issuerSet?.updateHash;
    this.#upsertChip.run(update.ueid, c.bootcount, c.totalOps.toString(), c.workloadsRun, c.lastAppraisedAt, active, h.svn ?? null, h.issuerSet?.sequence ?? null, issuerHash === undefined ? null : fromHex(issuerHash), h.memoryBytes?.toString() ?? null);
    const memoryUsed = mergeLicenceMemoryUsage(memory, update);
    for (const [id, used] of mergeLicenceUsage(memory, update)) this.#upsertLicence.run(update.ueid, fromHex(id), used.toString(), memoryUsed.get(id)?.toString() ?? null);
    for (const cp of update.checkpoints) {
      this.#insertCheckpoint.run(update.ueid, cp.treeSize, cp.rootHash, cp.issuedAt, cp.totalOps.toString());
    }
  }

  #checkOpen(): void {
    if (!this.#db.open) throw new HemkitError('VERIFIER_STORE_FAILED', 'the verifier store is closed');
  }

  #guard<R>(doing: string, fn: () => R): R {
    try {
      return fn();
    } catch (e) {
      throw toStoreError(e, doing, false);
    }
  }
}

/**
 * Checks the schema of an existing file, creates it in a new one, or migrates a version-2 file to 3. Checking needs only a read, so
 * opening does not wait for another process's appraisal; creating takes the write lock and checks
 * again, so that two processes opening a new file at once do not both create it.
 */
function migrate(db: Database.Database, path: string): void {
  const needsSchema = (): boolean => {
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId !== 0 && appId !== APPLICATION_ID) {
      throw new HemkitError('VERIFIER_STORE_CORRUPT', `${path} is an SQLite database of another application (application_id 0x${appId.toString(16)})`);
    }
    if (version > SCHEMA_VERSION) {
      throw new HemkitError(
        'VERIFIER_STORE_SCHEMA_UNSUPPORTED',
        `${path} has verifier store schema version ${version}; this verifier understands up to ${SCHEMA_VERSION}: upgrade the verifier, do not downgrade the file`,
      );
    }
    if (version === SCHEMA_VERSION && appId === APPLICATION_ID) return false;
    if (appId === APPLICATION_ID && version === 2) return true;
    if (appId === APPLICATION_ID && version === 1) {
      throw new HemkitError(
        'VERIFIER_STORE_SCHEMA_UNSUPPORTED',
        `${path} is a verifier store of schema version ${version}, which kept no licence usage; this verifier needs ${SCHEMA_VERSION}: start a new store (the file is left as it is)`,
      );
    }
    const objects = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
    if (version !== 0 || appId !== 0 || objects !== 0) {
      throw new HemkitError(
        'VERIFIER_STORE_CORRUPT',
        `${path} is not a hemkit verifier store (schema version ${version}, application_id 0x${appId.toString(16)}, ${objects} schema objects)`,
      );
    }
    return true;
  };
  if (!db.transaction(needsSchema).deferred()) return;
  db.transaction(() => {
    if (!needsSchema()) return;
    // A new file gets version 2's tables then version 3's columns; a version-2 file only the latter.
    if ((db.pragma('user_version', { simple: true }) as number) === 0) db.exec(SCHEMA_V1);
    db.exec(MIGRATION_V3);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * Only SQLite's own errors are translated: anything `decide` throws passes through unchanged. When
 * opening, every other failure (a missing directory, say) is an I/O failure too.
 */
function toStoreError(e: unknown, doing: string, opening: boolean): unknown {
  if (e instanceof HemkitError) return e;
  if (databaseClass !== undefined && e instanceof databaseClass.SqliteError) {
    const corrupt = e.code === 'SQLITE_NOTADB' || e.code.startsWith('SQLITE_CORRUPT');
    return new HemkitError(corrupt ? 'VERIFIER_STORE_CORRUPT' : 'VERIFIER_STORE_FAILED', `${doing}: ${e.message} (${e.code})`, {
      cause: e,
    });
  }
  if (opening) return new HemkitError('VERIFIER_STORE_FAILED', `${doing}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  return e;
}

function corrupt(what: string, value: unknown): never {
  throw new HemkitError('VERIFIER_STORE_CORRUPT', `${what} holds ${String(value)}, which the schema does not allow`);
}

function readCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) corrupt(what, value);
  return value;
}

function readCounter(value: unknown, what: string): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,38})$/.test(value)) corrupt(what, value);
  const n = BigInt(value);
  if (n > MAX_COUNTER) corrupt(what, value);
  return n;
}

function readHex(value: unknown, what: string): string {
  if (!(value instanceof Uint8Array) || value.length === 0) corrupt(what, value);
  return Array.from(value as Uint8Array, (b) => b.toString(16).padStart(2, '0')).join('');
}

function readIssuerSet(sequence: unknown, update: unknown): RememberedIssuerSet {
  const n = readCount(sequence, 'chips.issuer_sequence');
  const hash = update === null ? undefined : readHex(update, 'chips.issuer_update');
  if (!isIssuerSet(n, hash)) corrupt('chips.issuer_update', update);
  return { sequence: n, updateHash: hash };
}

function readCheckpoint(row: CheckpointRow): SeenCheckpoint {
  if (!(row.root_hash instanceof Uint8Array)) corrupt('checkpoints.root_hash', row.root_hash);
  return {
    treeSize: readCount(row.tree_size, 'checkpoints.tree_size'),
    // a copy: better-sqlite3 hands out Buffers, and callers compare with plain Uint8Arrays
    rootHash: new Uint8Array(row.root_hash),
    issuedAt: readCount(row.issued_at, 'checkpoints.issued_at'),
    totalOps: readCounter(row.total_ops, 'checkpoints.total_ops'),
  };
}
