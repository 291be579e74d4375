/**
 * The verifier appraises the evidence the module emitted (test-vectors/evidence/*.json): each file's
 * vectors in order against one memory, every check's outcome as recorded. A second verifier
 * implementation would run exactly this.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBackend } from '@hemkit/wire/crypto/node';
import { appraise, parseReferenceValues, parseTrustAnchors } from '../../src/index.js';
import { MemoryVerifierStore } from '../../src/store/index.js';
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
  format: string;
  independent?: boolean;
  trust: unknown;
  reference: unknown;
  policy: unknown;
  numberOfVectors: number;
  vectors: { id: string; now: number; nonce: string | null; expectedUeid?: string; bundle: string; trust?: unknown; reference?: unknown; memory?: MemoryJson; expected: { status: string; trustworthinessVector: Record<string, number>; checks: Record<string, string> } }[];
}

describe.each(['noble', 'node'] as const)('evidence vectors on the %s backend', (name) => {
  const backend = getBackend(name);
  it.each(files)('%s: every vector appraises to its recorded outcome, in order', (file) => {
    const f = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as EvidenceFile;
    expect(f.format).toBe('hemkit-evidence/v1');
    expect(f.vectors).toHaveLength(f.numberOfVectors);
    const store = new MemoryVerifierStore();
    const inputs = { ...vectorInputs(f, backend), store };
    for (const v of f.vectors) {
      // An independent vector starts from the memory it states (or none) and its own input overrides.
      const own = f.independent
        ? {
            store: storeWith(v.memory),
            ...(v.trust ? { trust: parseTrustAnchors(v.trust) } : {}),
            ...(v.reference ? { reference: parseReferenceValues(v.reference) } : {}),
          }
        : {};
      const a = appraise(Buffer.from(v.bundle, 'hex'), {
        ...inputs,
        ...own,
        now: v.now,
        ...(v.nonce === null ? {} : { expectedNonce: Buffer.from(v.nonce, 'hex') }),
        ...(v.expectedUeid === undefined ? {} : { expectedUeid: Buffer.from(v.expectedUeid, 'hex') }),
      });
      const outcome = Object.fromEntries(a.checks.map((c) => [c.id, c.status === 'fail' ? c.code! : c.status]));
      expect({ id: v.id, status: a.status, trustworthinessVector: a.trustworthinessVector, checks: outcome }).toEqual({ id: v.id, ...v.expected });
    }
  });
});

/** The verifier memory a vector states: one chip's counters and checkpoints (specs/test-vectors.md). */
function storeWith(memory: MemoryJson | undefined): MemoryVerifierStore {
  const store = new MemoryVerifierStore();
  if (memory === undefined) return store;
  const ueid = new Uint8Array(Buffer.from(memory.ueid, 'hex'));
  store.appraise(ueid, () => ({
    result: 0,
    update: {
      ueid,
      bootcount: memory.bootcount,
      totalOps: BigInt(memory.totalOps),
      workloadsRun: memory.workloadsRun,
      checkpoints: memory.checkpoints.map((c) => ({ treeSize: c.treeSize, rootHash: new Uint8Array(Buffer.from(c.rootHash, 'hex')), issuedAt: c.issuedAt, totalOps: BigInt(c.totalOps) })),
      appraisedAt: memory.lastAppraisedAt,
      licenceUsage: new Map(Object.entries(memory.licenceUsage).map(([id, used]) => [id, BigInt(used)])),
      activeLicence: memory.activeLicence ?? undefined,
    },
  }));
  return store;
}

it('the attack vectors cover the attacks they name', () => {
  const f = JSON.parse(readFileSync(join(DIR, 'evidence-attacks.json'), 'utf8')) as EvidenceFile;
  const codes = new Set(f.vectors.flatMap((v) => Object.values(v.expected.checks)));
  for (const code of ['NONCE_REUSED', 'LOG_FORK', 'COUNTERS_WENT_BACKWARDS', 'LOG_TRUNCATED', 'OPENING_MISMATCH', 'LOG_COVERAGE_INCOMPLETE']) {
    expect(codes).toContain(code);
  }
});
