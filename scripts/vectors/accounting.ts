/**
 * test-vectors/accounting/fleets.json: fleet compute accounting (packages/verifier/src/accounting,
 * specs/verifier.md): already-appraised chips and their opened workload entries in, the report out,
 * or the ACCOUNTING_* code for input the arithmetic cannot stand behind. Operation counts are decimal
 * strings (they pass 2^53), UEIDs lowercase hex, descriptors the hex of a workload-descriptor map.
 */
import { decode, encode } from '@hemkit/wire/cbor';
import { workloadDescriptor, type WorkloadDescriptor } from '@hemkit/wire/messages';
import {
  accountFleet,
  fleetReportToJson,
  type AppraisedChip,
  type FleetReportJson,
  type Threshold,
} from '../../packages/verifier/src/accounting/index.js';
import { confirm, fromHex, hex, renderVectorFile, type VectorBase } from './vector-file.js';

export const ACCOUNTING_FORMAT = 'hemkit-accounting/v1';

export interface WorkloadJson {
  readonly logIndex: number;
  readonly ops: string;
  readonly descriptor: string;
}
export interface ChipJson {
  readonly ueid: string;
  readonly affirmed: boolean;
  readonly totalOps: string;
  readonly workloads: readonly WorkloadJson[];
}
export interface ThresholdJson {
  readonly id: string;
  readonly description: string;
  readonly ops: string;
}

interface FleetVector extends VectorBase {
  readonly chips: readonly ChipJson[];
  /** Absent: the default thresholds (EU AI Act Art. 51(2) 10^25, US EO 14110 §4.2(b)(i) 10^26). */
  readonly thresholds?: readonly ThresholdJson[];
  readonly report?: FleetReportJson;
}

/** The fleet and options a vector describes, in the accounting module's types. */
export function fleetOf(v: { chips: readonly ChipJson[]; thresholds?: readonly ThresholdJson[] }): { chips: AppraisedChip[]; thresholds?: Threshold[] } {
  const chips = v.chips.map((c) => ({
    ueid: fromHex(c.ueid),
    affirmed: c.affirmed,
    totalOps: BigInt(c.totalOps),
    workloads: c.workloads.map((w) => ({
      logIndex: w.logIndex,
      ops: BigInt(w.ops),
      descriptor: workloadDescriptor.parse(decode(fromHex(w.descriptor)), 'descriptor') as WorkloadDescriptor,
    })),
  }));
  return v.thresholds === undefined ? { chips } : { chips, thresholds: v.thresholds.map((t) => ({ id: t.id, description: t.description, ops: BigInt(t.ops) })) };
}

const E24 = 10n ** 24n;
const E25 = 10n ** 25n;
const ueid = (n: number) => hex(Uint8Array.of(0x01, ...new Uint8Array(12), 0, 0, 0, n));
const descriptorHex = (workloadId: string, cluster?: readonly number[]) =>
  hex(encode(workloadDescriptor.toCbor(cluster === undefined ? { workloadId } : { workloadId, clusterChips: cluster.map((n) => fromHex(ueid(n))) })));
const w = (logIndex: number, ops: bigint, workloadId: string, cluster?: readonly number[]): WorkloadJson => ({ logIndex, ops: String(ops), descriptor: descriptorHex(workloadId, cluster) });
const chip = (n: number, workloads: readonly WorkloadJson[], extra = 0n, affirmed = true): ChipJson => ({
  ueid: ueid(n),
  affirmed,
  totalOps: String(workloads.reduce((s, x) => s + BigInt(x.ops), 0n) + extra),
  workloads,
});

function cases(): Omit<FleetVector, 'report'>[] {
  const ok = (id: string, description: string, chips: readonly ChipJson[], thresholds?: readonly ThresholdJson[]) =>
    ({ id, description, chips, ...(thresholds ? { thresholds } : {}), result: 'valid' as const });
  const bad = (id: string, code: string, description: string, chips: readonly ChipJson[], thresholds?: readonly ThresholdJson[]) =>
    ({ id, description, chips, ...(thresholds ? { thresholds } : {}), result: 'invalid' as const, code });
  const t = (id: string, ops: bigint): ThresholdJson => ({ id, description: `test threshold ${id}`, ops: String(ops) });
  return [
    ok('empty-fleet', 'no chips: nothing flagged, nothing counted', []),
    ok('below-every-threshold', 'one chip, two small runs: aggregated, never itemised', [chip(1, [w(3, 10n ** 20n, 'finetune-a'), w(5, 10n ** 21n, 'finetune-b')])]),
    ok('run-across-chips-passes-eu', 'a run of 6e24 + 5e24 operations on two chips passes 10^25 only when added up', [chip(1, [w(3, 6n * E24, 'pretrain-x', [1, 2])]), chip(2, [w(7, 5n * E24, 'pretrain-x', [1, 2])])]),
    ok('exactly-at-threshold', 'a run of exactly 10^25: "greater than" is not met, so not flagged', [chip(1, [w(3, E25, 'exact')])]),
    ok('one-above-threshold', 'a run of 10^25 + 1: flagged', [chip(1, [w(3, E25 + 1n, 'just-over')])]),
    ok('passes-both-defaults', 'a run of 2e26 passes both default thresholds', [chip(1, [w(3, 2n * 10n ** 26n, 'frontier')])]),
    ok('unaffirmed-chip-not-counted', 'a chip whose evidence was not affirmed: listed, none of its operations added', [chip(1, [w(3, 6n * E24, 'run')]), chip(2, [w(3, 6n * E24, 'run')], 0n, false)]),
    ok('unreported-cluster-chips', 'a flagged run naming a missing, an unverified and an undisclosed chip', [chip(1, [w(3, 2n * E25, 'big', [1, 2, 3, 4])]), chip(2, [], 0n, false), chip(3, [w(9, 1n, 'other')])]),
    ok('undisclosed-operations', 'operations in sealed entries are reported as undisclosed, not attributed', [chip(1, [w(3, E24, 'run')], 5n * E24)]),
    ok('repeated-opening-counted-once', 'one entry opened twice, identically (merged bundles): counted once', [chip(1, [w(3, 6n * E24, 'run'), w(3, 6n * E24, 'run')], -6n * E24)]),
    ok('custom-thresholds', 'caller thresholds instead of the defaults, in the order given', [chip(1, [w(3, 5000n, 'a'), w(4, 50n, 'b')])], [t('high', 1000n), t('low', 10n)]),
    ok('no-thresholds', 'an empty threshold list flags nothing', [chip(1, [w(3, 2n * 10n ** 26n, 'frontier')])], []),
    ok('counter-at-2pow128-minus-1', 'a chip whose lifetime counter is 2^128-1', [chip(1, [w(3, 2n ** 128n - 2n, 'huge')], 1n)]),
    bad('negative-ops', 'ACCOUNTING_INVALID_INPUT', 'a workload of -1 operations', [chip(1, [w(3, -1n, 'run')], 1n)]),
    bad('negative-total-ops', 'ACCOUNTING_INVALID_INPUT', 'a lifetime counter of -1', [{ ...chip(1, []), totalOps: '-1' }]),
    bad('log-index-negative', 'ACCOUNTING_INVALID_INPUT', 'a log index of -1', [chip(1, [w(-1, 1n, 'run')])]),
    bad('log-index-fractional', 'ACCOUNTING_INVALID_INPUT', 'a log index of 1.5', [chip(1, [w(1.5, 1n, 'run')])]),
    bad('threshold-id-twice', 'ACCOUNTING_INVALID_INPUT', 'two thresholds with one id', [chip(1, [w(3, 1n, 'run')])], [t('x', 10n), t('x', 20n)]),
    bad('threshold-negative', 'ACCOUNTING_INVALID_INPUT', 'a threshold of -1 operations', [chip(1, [w(3, 1n, 'run')])], [t('x', -1n)]),
    bad('duplicate-chip', 'ACCOUNTING_DUPLICATE_CHIP', 'one chip given twice', [chip(1, [w(3, 1n, 'run')]), chip(1, [w(4, 1n, 'run')])]),
    bad('duplicate-unaffirmed-chip', 'ACCOUNTING_DUPLICATE_CHIP', 'one chip given twice, once not affirmed', [chip(1, [w(3, 1n, 'run')]), chip(1, [], 0n, false)]),
    bad('conflicting-ops', 'ACCOUNTING_CONFLICTING_ENTRY', 'one log entry disclosed with two operation counts', [chip(1, [w(3, 10n, 'run'), w(3, 11n, 'run')])]),
    bad('conflicting-descriptor', 'ACCOUNTING_CONFLICTING_ENTRY', 'one log entry disclosed under two workload ids', [chip(1, [w(3, 10n, 'run-a'), w(3, 10n, 'run-b')])]),
    bad('counter-exceeded', 'ACCOUNTING_COUNTER_EXCEEDED', 'disclosed workloads add up to one operation more than the lifetime counter', [chip(1, [w(3, 10n, 'run'), w(4, 5n, 'run')], -1n)]),
  ];
}

export function generateAccountingVectors(): Map<string, string> {
  const vectors: FleetVector[] = cases().map((c) => {
    let report: FleetReportJson | undefined;
    confirm(`accounting vector ${c.id}`, c, () => {
      const { chips, thresholds } = fleetOf(c);
      report = fleetReportToJson(accountFleet({ chips }, thresholds === undefined ? {} : { thresholds }));
    });
    return report === undefined ? c : { ...c, report };
  });
  const text = renderVectorFile(
    {
      format: ACCOUNTING_FORMAT,
      generator: 'npm run vectors (scripts/vectors/accounting.ts)',
      description: 'Fleet compute accounting: appraised chips and opened workloads in, runs totalled and flagged against thresholds out',
    },
    vectors,
  );
  return new Map([['accounting/fleets.json', text]]);
}
