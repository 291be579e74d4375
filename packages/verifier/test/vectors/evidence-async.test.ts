/**
 * The evidence vectors through `appraiseAsync` (specs/verifier.md §4.1): every vector appraises to its
 * recorded outcome against the memory and SQLite stores under the asynchronous contract and against
 * PostgreSQL, so the plan an appraisal names before its transaction is always enough for its checks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend } from '@hemkit/wire/crypto/node';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { appraiseAsync, parsePolicy, parseReferenceValues, parseTrustAnchors } from '../../src/index.js';
import { asAsyncStore, MemoryVerifierStore, type AsyncVerifierStore } from '../../src/store/index.js';
import { SqliteVerifierStore } from '../../src/store/sqlite.js';
import { PostgresVerifierStore } from '../../src/store/postgres.js';
import { freshDatabase, postgresAnswers, type FreshDatabase } from '../store/postgres-support.js';
import { tempDir } from '../store/support.js';

const DIR = join(import.meta.dirname, '../../../../test-vectors/evidence');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

interface MemoryJson {
  ueid: string;
  bootcount: number;
  totalOps: string;
  workloadsRun: number;
  checkpoints: { treeSize: number; rootHash: string; issuedAt: number; totalOps: string }[];
  lastAppraisedAt: number;
  licenceUsage: Record<string, string>;
  activeLicence: string | null;
}

interface EvidenceFile {
  independent?: boolean;
  trust: unknown;
  reference: unknown;
  policy: unknown;
  vectors: { id: string; now: number; nonce: string | null; expectedUeid?: string; bundle: string; trust?: unknown; reference?: unknown; memory?: MemoryJson; expected: { status: string; checks: Record<string, string> } }[];
}

const pgUp = await postgresAnswers();
let database: FreshDatabase | undefined;
const dir = tempDir();
let n = 0;

const KINDS: { name: string; skip: boolean; open: () => Promise<AsyncVerifierStore> }[] = [
  { name: 'memory', skip: false, open: async () => asAsyncStore(new MemoryVerifierStore()) },
  { name: 'SQLite', skip: false, open: async () => asAsyncStore(SqliteVerifierStore.open(dir.file(`v${++n}.db`))) },
  {
    name: 'PostgreSQL',
    skip: !pgUp,
    open: async () => {
      const c = new pg.Client({ connectionString: database!.url });
      await c.connect();
      await c.query('TRUNCATE chips, licences, checkpoints, nonces, challenges').catch(() => {});
      await c.end();
      return PostgresVerifierStore.open(database!.url, { poolSize: 2 });
    },
  },
];

beforeAll(async () => {
  if (pgUp) database = await freshDatabase();
});
afterAll(async () => {
  await database?.drop();
  dir.remove();
});

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

describe.each(KINDS)('evidence vectors through appraiseAsync, $name store', (kind) => {
  const backend = getBackend('node');
  it.skipIf(kind.skip).each(files)('%s: every vector appraises to its recorded outcome, in order', async (file) => {
    const f = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as EvidenceFile;
    const base = {
      trust: parseTrustAnchors(f.trust),
      reference: parseReferenceValues(f.reference),
      policy: parsePolicy(f.policy),
      backend,
      hasher: createMerkleHasher((d: Uint8Array) => backend.sha256(d)),
    };
    let store = await kind.open();
    try {
      for (const v of f.vectors) {
        if (f.independent) {
          await store.close();
          store = await kind.open();
          if (v.memory !== undefined) await remember(store, v.memory);
        }
        const a = await appraiseAsync(bytes(v.bundle), {
          ...base,
          ...(v.trust ? { trust: parseTrustAnchors(v.trust) } : {}),
          ...(v.reference ? { reference: parseReferenceValues(v.reference) } : {}),
          store,
          now: v.now,
          ...(v.nonce === null ? {} : { expectedNonce: bytes(v.nonce) }),
          ...(v.expectedUeid === undefined ? {} : { expectedUeid: bytes(v.expectedUeid) }),
        });
        const outcome = Object.fromEntries(a.checks.map((c) => [c.id, c.status === 'fail' ? c.code! : c.status]));
        expect({ id: v.id, status: a.status, checks: outcome }).toEqual({ id: v.id, status: v.expected.status, checks: v.expected.checks });
      }
    } finally {
      await store.close();
    }
  });
});

/** The memory a vector states, recorded through an appraisal that affirms it. */
async function remember(store: AsyncVerifierStore, memory: MemoryJson): Promise<void> {
  const ueid = bytes(memory.ueid);
  await store.appraise(ueid, { checkpointSizes: [] }, () => ({
    result: 0,
    update: {
      ueid,
      bootcount: memory.bootcount,
      totalOps: BigInt(memory.totalOps),
      workloadsRun: memory.workloadsRun,
      checkpoints: memory.checkpoints.map((c) => ({ treeSize: c.treeSize, rootHash: bytes(c.rootHash), issuedAt: c.issuedAt, totalOps: BigInt(c.totalOps) })),
      appraisedAt: memory.lastAppraisedAt,
      licenceUsage: new Map(Object.entries(memory.licenceUsage).map(([id, used]) => [id, BigInt(used)])),
      activeLicence: memory.activeLicence ?? undefined,
    },
  }));
}
