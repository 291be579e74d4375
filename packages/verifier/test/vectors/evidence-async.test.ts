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
import { appraiseAsync, parseReferenceValues, parseTrustAnchors } from '../../src/index.js';
import { asAsyncStore, MemoryVerifierStore, type AsyncVerifierStore } from '../../src/store/index.js';
import { SqliteVerifierStore } from '../../src/store/sqlite.js';
import { PostgresVerifierStore } from '../../src/store/postgres.js';
import { freshDatabase, postgresAnswers, type FreshDatabase } from '../store/postgres-support.js';
import { tempDir } from '../store/support.js';
import { vectorInputs } from './vector-inputs.js';

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

const MODES = [
  { mode: 'expected nonce and chip given', viaChallenge: false },
  { mode: 'read from the challenge in the transaction', viaChallenge: true },
];

describe.each(KINDS)('evidence vectors through appraiseAsync, $name store', (kind) => {
  const backend = getBackend('node');
  it.skipIf(kind.skip).for(MODES.flatMap((m) => files.map((file) => ({ ...m, file }))))('$file ($mode): every vector appraises to its recorded outcome, in order', async ({ file, viaChallenge }) => {
    const f = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as EvidenceFile;
    const base = vectorInputs(f, backend);
    let store = await kind.open();
    try {
      for (const v of f.vectors) {
        if (f.independent) {
          await store.close();
          store = await kind.open();
          if (v.memory !== undefined) await remember(store, v.memory);
        }
        const expected = v.nonce !== null && viaChallenge ? { challenge: await challengeFor(store, v) } : {
          ...(v.nonce === null ? {} : { expectedNonce: bytes(v.nonce) }),
          ...(v.expectedUeid === undefined ? {} : { expectedUeid: bytes(v.expectedUeid) }),
        };
        const a = await appraiseAsync(bytes(v.bundle), {
          ...base,
          ...(v.trust ? { trust: parseTrustAnchors(v.trust) } : {}),
          ...(v.reference ? { reference: parseReferenceValues(v.reference) } : {}),
          store,
          now: v.now,
          ...expected,
        });
        const outcome = Object.fromEntries(a.checks.map((c) => [c.id, c.status === 'fail' ? c.code! : c.status]));
        expect({ id: v.id, status: a.status, checks: outcome }).toEqual({ id: v.id, status: v.expected.status, checks: v.expected.checks });
      }
    } finally {
      await store.close();
    }
  });
});

/**
 * The vector's nonce and chip as a challenge the store remembers (issued once: a vector that reuses a
 * nonce answers the same challenge), for appraiseAsync to read in its transaction; its `accept`
 * insists that the challenge is found.
 */
async function challengeFor(store: AsyncVerifierStore, v: EvidenceFile['vectors'][number]) {
  const nonce = bytes(v.nonce!);
  const ueid = v.expectedUeid === undefined ? undefined : bytes(v.expectedUeid);
  const known = await store.getChallenge(nonce, v.now);
  if (known === undefined) await store.issueChallenge({ nonce, ueid, issuedAt: v.now, expiresAt: v.now + 3600 });
  else expect(known.ueid).toEqual(ueid);
  return {
    nonce,
    accept: (found: unknown) => {
      if (found === undefined) throw new Error(`${v.id}: the challenge issued for it was not found`);
    },
  };
}

describe.each(KINDS)('evidence against a challenge, $name store', (kind) => {
  const backend = getBackend('node');
  it.skipIf(kind.skip)('refuses, through accept, evidence against a challenge never issued or expired, and records nothing', async () => {
    const f = JSON.parse(readFileSync(join(DIR, files[0]!), 'utf8')) as EvidenceFile;
    const v = f.vectors.find((x) => x.nonce !== null && x.expected.status === 'affirming' && x.memory === undefined)!;
    const inputs = { ...vectorInputs({ trust: v.trust ?? f.trust, reference: v.reference ?? f.reference, policy: f.policy }, backend), now: v.now };
    const store = await kind.open();
    try {
      const nonce = bytes(v.nonce!);
      const refused = new Error('no such challenge');
      const seen: unknown[] = [];
      const accept = (found: unknown) => {
        seen.push(found);
        if (found === undefined) throw refused;
      };
      await expect(appraiseAsync(bytes(v.bundle), { ...inputs, store, challenge: { nonce, accept } })).rejects.toBe(refused);
      await store.issueChallenge({ nonce, ueid: undefined, issuedAt: v.now - 10, expiresAt: v.now - 1 });
      await expect(appraiseAsync(bytes(v.bundle), { ...inputs, store, challenge: { nonce, accept } })).rejects.toBe(refused);
      expect(seen).toEqual([undefined, undefined]);
      // Nothing was recorded: the chip is unknown and the nonce still fresh.
      expect(await store.listChips()).toEqual([]);
      expect(await store.useNonce(nonce, v.now + 600)).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('evidence that fails the encoding check, through encodingFailed', () => {
  const backend = getBackend('node');
  const f = JSON.parse(readFileSync(join(DIR, files[0]!), 'utf8')) as EvidenceFile;
  const inputs = { ...vectorInputs(f, backend), now: 1_800_000_000 };
  const notABundle = new Uint8Array([0xa0]);
  const nonce = new Uint8Array(16).fill(7);

  it('sees the encoding error before the challenge is read, and refuses the evidence by throwing', async () => {
    const store = asAsyncStore(new MemoryVerifierStore());
    const reads: string[] = [];
    const watched: AsyncVerifierStore = { ...store, getChallenge: (...a) => (reads.push('challenge'), store.getChallenge(...a)), appraise: (...a) => (reads.push('appraise'), store.appraise(...a)) };
    const refused = new Error('not a bundle');
    const seen: string[] = [];
    const accept = () => reads.push('accept');
    const encodingFailed = (e: { code: string }) => {
      seen.push(e.code);
      throw refused;
    };
    await expect(appraiseAsync(notABundle, { ...inputs, store: watched, challenge: { nonce, accept }, encodingFailed })).rejects.toBe(refused);
    expect(seen).toEqual(['MESSAGE_MISSING_FIELD']);
    expect(reads).toEqual([]);
  });

  it('goes on to the contraindicated result when encodingFailed returns, and is not called for a bundle that decodes', async () => {
    const store = asAsyncStore(new MemoryVerifierStore());
    await store.issueChallenge({ nonce, ueid: undefined, issuedAt: inputs.now, expiresAt: inputs.now + 60 });
    const seen: string[] = [];
    const a = await appraiseAsync(notABundle, { ...inputs, store, challenge: { nonce, accept: () => {} }, encodingFailed: (e) => void seen.push(e.code) });
    expect(seen).toEqual(['MESSAGE_MISSING_FIELD']);
    expect(a.status).toBe('contraindicated');
    expect(a.checks[0]).toMatchObject({ id: 'encoding', status: 'fail', code: 'MESSAGE_MISSING_FIELD' });
    const v = f.vectors.find((x) => x.expected.status === 'affirming' && x.memory === undefined && x.trust === undefined && x.reference === undefined)!;
    const b = await appraiseAsync(bytes(v.bundle), { ...inputs, now: v.now, store, ...(v.nonce === null ? {} : { expectedNonce: bytes(v.nonce) }), encodingFailed: () => void seen.push('called') });
    expect(b.checks[0]).toMatchObject({ id: 'encoding', status: 'pass' });
    expect(seen).toEqual(['MESSAGE_MISSING_FIELD']);
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
