/**
 * test-vectors/accounting/lineage.json through accountLineage: each graph gives exactly the stated
 * report (as lineageReportToJson writes it) or fails with exactly its code. The file is read here
 * independently of its generator, as a second implementation would read it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountLineage, lineageReportToJson, type LineageEvidence, type LineageOptions, type LineageReportJson } from '../../src/accounting/index.js';
import { outcome } from '../../../wire/test/support/expect-code.js';

interface LineageVector {
  readonly id: string;
  readonly workloads: readonly { ueid: string; logIndex: number; ops: string; workloadId: string; parents: string[]; produced: string; time: number; busyChipSeconds?: number }[];
  readonly chips?: readonly { ueid: string; holder?: string; licenceExpiry?: number; unaccountedOps?: string }[];
  readonly declaredModels?: readonly { state: string; ops: string }[];
  readonly options?: { thresholds?: { id: string; description: string; ops: string }[]; now?: number; noticeSeconds?: number; missingParents?: 'lower-bound' | 'refuse' };
  readonly result: 'valid' | 'invalid';
  readonly code?: string;
  readonly report?: LineageReportJson;
}

const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../test-vectors/accounting/lineage.json'), 'utf8')) as { format: string; vectors: LineageVector[] };
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

function inputOf(v: LineageVector): { evidence: LineageEvidence; options: LineageOptions } {
  const evidence = {
    workloads: v.workloads.map((w) => ({ ...w, ueid: bytes(w.ueid), ops: BigInt(w.ops), parents: w.parents.map(bytes), produced: bytes(w.produced) })),
    ...(v.chips ? { chips: v.chips.map(({ unaccountedOps, ...c }) => ({ ...c, ueid: bytes(c.ueid), ...(unaccountedOps !== undefined ? { unaccountedOps: unaccountedOps === 'unbounded' ? ('unbounded' as const) : BigInt(unaccountedOps) } : {}) })) } : {}),
    ...(v.declaredModels ? { declaredModels: v.declaredModels.map((m) => ({ state: bytes(m.state), ops: BigInt(m.ops) })) } : {}),
  };
  const o = v.options ?? {};
  return { evidence, options: { ...o, ...(o.thresholds ? { thresholds: o.thresholds.map((t) => ({ ...t, ops: BigInt(t.ops) })) } : {}) } as LineageOptions };
}

describe('test-vectors/accounting/lineage.json', () => {
  it('is a hemkit-lineage/v1 file with refusals of every lineage code', () => {
    expect(file.format).toBe('hemkit-lineage/v1');
    expect(new Set(file.vectors.map((v) => v.code).filter(Boolean))).toEqual(new Set(['LINEAGE_CYCLE', 'LINEAGE_PARENT_MISSING', 'LINEAGE_CONFLICTING_ENTRY', 'ACCOUNTING_INVALID_INPUT']));
  });

  it.each(file.vectors.map((v) => [v.id, v] as const))('%s', (_, v) => {
    const { evidence, options } = inputOf(v);
    if (v.result === 'valid') expect(lineageReportToJson(accountLineage(evidence, options))).toEqual(v.report);
    else expect(outcome(() => accountLineage(evidence, options))).toBe(v.code);
  });
});
