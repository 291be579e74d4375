/**
 * test-vectors/accounting/fleets.json through accountFleet: each fleet gives exactly the stated
 * report (as fleetReportToJson writes it) or fails with exactly its ACCOUNTING_* code. The file is
 * read here independently of its generator, as a second implementation would read it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from '@hemkit/wire/cbor';
import { workloadDescriptor, type WorkloadDescriptor } from '@hemkit/wire/messages';
import { accountFleet, fleetReportToJson, type AppraisedChip, type FleetEvidence, type FleetReportJson, type Threshold } from '../../src/accounting/index.js';
import { outcome } from '../../../wire/test/support/expect-code.js';

interface FleetVector {
  readonly id: string;
  readonly description: string;
  readonly chips: readonly {
    readonly ueid: string;
    readonly affirmed: boolean;
    readonly totalOps: string;
    readonly workloads: readonly { readonly logIndex: number; readonly ops: string; readonly descriptor?: string }[];
  }[];
  readonly issuedLicences?: readonly { readonly ueid: string; readonly licenceId: string; readonly opsQuota: string }[];
  readonly thresholds?: readonly { readonly id: string; readonly description: string; readonly ops: string }[];
  readonly result: 'valid' | 'invalid';
  readonly code?: string;
  readonly report?: FleetReportJson;
}

const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../test-vectors/accounting/fleets.json'), 'utf8')) as {
  format: string;
  numberOfVectors: number;
  vectors: FleetVector[];
};
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

function evidenceOf(v: FleetVector): FleetEvidence {
  const chips: AppraisedChip[] = v.chips.map((c) => ({
    ueid: bytes(c.ueid),
    affirmed: c.affirmed,
    totalOps: BigInt(c.totalOps),
    workloads: c.workloads.map((w) => ({
      logIndex: w.logIndex,
      ops: BigInt(w.ops),
      // A vector of a workload without descriptor hands the accounting exactly that.
      descriptor: (w.descriptor === undefined ? undefined : workloadDescriptor.parse(decode(bytes(w.descriptor)), 'descriptor')) as WorkloadDescriptor,
    })),
  }));
  if (v.issuedLicences === undefined) return { chips };
  return { chips, issuedLicences: v.issuedLicences.map((l) => ({ ueid: bytes(l.ueid), licenceId: bytes(l.licenceId), opsQuota: BigInt(l.opsQuota) })) };
}

describe('accounting/fleets.json', () => {
  it('is a hemkit-accounting/v2 file', () => {
    expect(file.format).toBe('hemkit-accounting/v2');
    expect(file.vectors).toHaveLength(file.numberOfVectors);
  });

  it.each(file.vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const thresholds: Threshold[] | undefined = v.thresholds?.map((t) => ({ id: t.id, description: t.description, ops: BigInt(t.ops) }));
    let report: FleetReportJson | undefined;
    const got = outcome(() => (report = fleetReportToJson(accountFleet(evidenceOf(v), thresholds === undefined ? {} : { thresholds }))));
    expect(got).toBe(v.result === 'valid' ? 'valid' : v.code);
    if (v.result === 'valid') expect(report).toEqual(v.report);
  });
});
