/**
 * test-vectors/accounting/fleets.json: fleet compute accounting (packages/verifier/src/accounting,
 * specs/verifier.md §6.1): appraisals of chips, their opened workload entries and the licence
 * issuers' register in, the report out, or the ACCOUNTING_* code for input the arithmetic cannot
 * stand behind. Operation counts are decimal strings (they pass 2^53), UEIDs and licence ids
 * lowercase hex, descriptors the hex of a workload-descriptor map.
 */
import { decode, encode } from '@hemkit/wire/cbor';
import { workloadDescriptor, type WorkloadDescriptor } from '@hemkit/wire/messages';
import {
  accountFleet,
  fleetReportToJson,
  type AccountingOptions,
  type AppraisedChip,
  type FleetEvidence,
  type FleetReportJson,
} from '../../packages/verifier/src/accounting/index.js';
import { confirm, fromHex, hex, renderVectorFile, type VectorBase } from './vector-file.js';

export const ACCOUNTING_FORMAT = 'hemkit-accounting/v2';

export interface WorkloadJson {
  readonly logIndex: number;
  readonly ops: string;
  /** Absent only in a vector of a workload without descriptor. */
  readonly descriptor?: string;
}
export interface ChipJson {
  readonly ueid: string;
  readonly affirmed: boolean;
  readonly totalOps: string;
  readonly workloads: readonly WorkloadJson[];
}
export interface LicenceJson {
  readonly ueid: string;
  readonly licenceId: string;
  readonly opsQuota: string;
}
export interface ThresholdJson {
  readonly id: string;
  readonly description: string;
  readonly ops: string;
}

interface FleetVector extends VectorBase {
  /** One appraisal each; a chip may appear more than once. */
  readonly chips: readonly ChipJson[];
  /** The licence issuers' register; absent: it names no chip. */
  readonly issuedLicences?: readonly LicenceJson[];
  /** Absent: the default thresholds (EU AI Act Art. 51(2) 10^25, US EO 14110 §4.2(b)(i) 10^26). */
  readonly thresholds?: readonly ThresholdJson[];
  readonly report?: FleetReportJson;
}

/** The fleet and options a vector describes, in the accounting module's types. */
export function fleetOf(v: { chips: readonly ChipJson[]; issuedLicences?: readonly LicenceJson[]; thresholds?: readonly ThresholdJson[] }): {
  evidence: FleetEvidence;
  options: AccountingOptions;
} {
  const chips: AppraisedChip[] = v.chips.map((c) => ({
    ueid: fromHex(c.ueid),
    affirmed: c.affirmed,
    totalOps: BigInt(c.totalOps),
    workloads: c.workloads.map((w) => ({
      logIndex: w.logIndex,
      ops: BigInt(w.ops),
      descriptor: (w.descriptor === undefined ? undefined : workloadDescriptor.parse(decode(fromHex(w.descriptor)), 'descriptor')) as WorkloadDescriptor,
    })),
  }));
  const issuedLicences = v.issuedLicences?.map((l) => ({ ueid: fromHex(l.ueid), licenceId: fromHex(l.licenceId), opsQuota: BigInt(l.opsQuota) }));
  return {
    evidence: issuedLicences === undefined ? { chips } : { chips, issuedLicences },
    options: v.thresholds === undefined ? {} : { thresholds: v.thresholds.map((t) => ({ id: t.id, description: t.description, ops: BigInt(t.ops) })) },
  };
}

const E24 = 10n ** 24n;
const E25 = 10n ** 25n;
const E26 = 10n ** 26n;
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
/** A licence the issuers granted chip `n`; `serial` tells its licences apart. */
const licence = (n: number, opsQuota: bigint, serial = 0): LicenceJson => ({ ueid: ueid(n), licenceId: hex(Uint8Array.of(n, ...new Uint8Array(14), serial)), opsQuota: String(opsQuota) });

function cases(): Omit<FleetVector, 'report'>[] {
  type Extra = { readonly thresholds?: readonly ThresholdJson[]; readonly issuedLicences?: readonly LicenceJson[] };
  const ok = (id: string, description: string, chips: readonly ChipJson[], extra: Extra = {}) => ({ id, description, chips, ...extra, result: 'valid' as const });
  const bad = (id: string, code: string, description: string, chips: readonly ChipJson[], extra: Extra = {}) =>
    ({ id, description, chips, ...extra, result: 'invalid' as const, code });
  const t = (id: string, ops: bigint): ThresholdJson => ({ id, description: `test threshold ${id}`, ops: String(ops) });
  return [
    // Totals and thresholds
    ok('empty-fleet', 'no chips: nothing flagged, nothing counted', []),
    ok('below-every-threshold', 'one chip, two small runs: aggregated, never itemised', [chip(1, [w(3, 10n ** 20n, 'finetune-a'), w(5, 10n ** 21n, 'finetune-b')])]),
    ok('run-across-chips-passes-eu', 'a run of 6e24 + 5e24 operations on two chips passes 10^25 only when added up', [chip(1, [w(3, 6n * E24, 'pretrain-x', [1, 2])]), chip(2, [w(7, 5n * E24, 'pretrain-x', [1, 2])])]),
    ok('exactly-at-threshold', 'a run of exactly 10^25: "greater than" is not met, so not flagged', [chip(1, [w(3, E25, 'exact')])]),
    ok('one-above-threshold', 'a run of 10^25 + 1: flagged', [chip(1, [w(3, E25 + 1n, 'just-over')])]),
    ok('passes-both-defaults', 'a run of 2e26 passes both default thresholds', [chip(1, [w(3, 2n * E26, 'frontier')])]),
    ok('custom-thresholds', 'caller thresholds instead of the defaults, in the order given', [chip(1, [w(3, 5000n, 'a'), w(4, 50n, 'b')])], { thresholds: [t('high', 1000n), t('low', 10n)] }),
    ok('no-thresholds', 'an empty threshold list flags nothing and leaves nothing incomplete, even a run nothing bounds', [chip(1, [w(3, 2n * E26, 'frontier', [1, 9])])], { thresholds: [] }),
    ok('counter-at-2pow128-minus-1', 'a chip whose lifetime counter is 2^128-1', [chip(1, [w(3, 2n ** 128n - 2n, 'huge')], 1n)]),
    ok('undisclosed-operations', 'operations in sealed entries are reported as undisclosed, not attributed; they bound the run, which stays below', [chip(1, [w(3, E24, 'run')], 5n * E24)]),
    // The orders of verifier.md §6.1 "The report", with ties at every key.
    ok('report-order-flagged', 'flagged runs by reported total, largest first, then by id in code point order (U+FF5E before U+1F600, which UTF-16 code units would reverse); contributions by operations, largest first, then UEID', [
      chip(3, [w(1, 300n, 'c', [3, 1, 2]), w(2, 500n, 'b'), w(3, 200n, '\u{1F600}')]),
      chip(1, [w(1, 300n, 'c', [3, 1, 2]), w(2, 500n, 'a'), w(3, 200n, '\uFF5E')]),
      chip(2, [w(1, 600n, 'c', [3, 1, 2])]),
    ], { thresholds: [t('t', 100n)] }),
    ok('report-order-incomplete', 'incomplete runs by upper bound, largest first and unbounded first, then by reported total, largest first, then by id', [
      chip(1, [w(1, 10n, 'x', [1, 9]), w(2, 30n, 'v', [1, 9]), w(3, 10n, 'y', [1, 8]), w(4, 20n, 'z', [1, 7]), w(5, 10n, 'w', [1, 6]), w(6, 10n, 'u', [1, 9])]),
    ], { thresholds: [t('t', 100n)], issuedLicences: [licence(8, 500n), licence(7, 490n), licence(6, 900n)] }),
    // Chips whose evidence was not affirmed, and missing chips
    ok('unaffirmed-chip-not-counted', 'a chip whose evidence was not affirmed: listed, none of its operations added; its licences keep the run below', [chip(1, [w(3, 6n * E24, 'run')]), chip(2, [w(3, 6n * E24, 'run')], 0n, false)], { issuedLicences: [licence(2, E24)] }),
    ok('missing-chips-named', 'a flagged run naming a chip with no evidence, one not affirmed and one undisclosed: each named, with its unaccounted work', [chip(1, [w(3, 2n * E25, 'big', [1, 2, 3, 4])]), chip(2, [], 0n, false), chip(3, [w(9, 1n, 'other')], 7n)], { issuedLicences: [licence(4, 3n * E24)] }),
    ok('incomplete-missing-chip-unbounded', 'a run of 6e24 as reported whose cluster names a chip with no evidence and no licence listed: incomplete, unbounded, the chip named', [chip(1, [w(3, 6n * E24, 'half-reported', [1, 2])])]),
    ok('incomplete-bounded-by-licences', 'the missing chip\'s two licences grant 5e24: the run of 6e24 may pass 10^25 but not 10^26', [chip(1, [w(3, 6n * E24, 'half-reported', [1, 2])])], { issuedLicences: [licence(2, 3n * E24, 0), licence(2, 2n * E24, 1)] }),
    ok('missing-chip-bounded-below', 'the missing chip\'s licences grant 4e24: 6e24 + 4e24 is not greater than 10^25, so the run stays in the aggregate', [chip(1, [w(3, 6n * E24, 'bounded-run', [1, 2])])], { issuedLicences: [licence(2, 4n * E24)] }),
    ok('not-affirmed-chip-own-counter-ignored', 'a chip not affirmed claims a counter of 0: the claim does not bound it, so the run is incomplete', [chip(1, [w(3, 6n * E24, 'run', [1, 2])]), chip(2, [], 0n, false)]),
    ok('undisclosed-chip-bounded-by-sealed-work', 'an affirmed cluster chip opened nothing of the run and has 5e24 sealed: the run of 6e24 may pass 10^25', [chip(1, [w(3, 6n * E24, 'run', [1, 2])]), chip(2, [], 5n * E24)]),
    ok('partly-opened-run-incomplete', 'one small entry of the run opened, 2e25 of the chip sealed: not shown below 10^25', [chip(1, [w(3, 1n, 'partly-opened')], 2n * E25)]),
    ok('flagged-may-pass-more', 'a flagged run over 10^25 whose missing chip\'s licence could carry it over 10^26', [chip(1, [w(3, 2n * E25, 'big', [1, 2])])], { issuedLicences: [licence(2, E26)] }),
    ok('unaffirmed-only-run-incomplete', 'a run only a chip not affirmed discloses: nothing reported, nothing bounds it', [chip(1, [w(3, E24, 'unverified-only')], 0n, false)]),
    ok('unaffirmed-discloser-named', 'a chip not affirmed that discloses the run is named, though no descriptor names it', [chip(1, [w(3, 2n * E25, 'big')]), chip(2, [w(0, E24, 'big')], 0n, false)]),
    // Repeated disclosures
    ok('repeated-opening-counted-once', 'one entry opened twice, identically (merged bundles): counted once', [chip(1, [w(3, 6n * E24, 'run'), w(3, 6n * E24, 'run')], -6n * E24)]),
    ok('two-appraisals-of-one-chip', 'two bundles of one chip: the entry both open counted once, the larger counter taken', [chip(1, [w(3, 6n * E24, 'run')]), chip(1, [w(3, 6n * E24, 'run'), w(4, 5n * E24, 'run')])]),
    ok('affirmed-and-unaffirmed-appraisal', 'one chip affirmed in one bundle and not in another: affirmed, nothing of the other counted, not even its conflicting entry', [chip(1, [w(3, 10n, 'run')]), chip(1, [w(3, 99n, 'run'), w(4, E26, 'run')], 0n, false)]),
    ok('licence-listed-twice', 'one licence listed twice, identically: its quota granted once', [chip(1, [w(3, 6n * E24, 'run', [1, 2])])], { issuedLicences: [licence(2, 4n * E24), licence(2, 4n * E24)] }),
    // Refusals
    bad('negative-ops', 'ACCOUNTING_INVALID_INPUT', 'a workload of -1 operations', [chip(1, [w(3, -1n, 'run')], 1n)]),
    bad('negative-total-ops', 'ACCOUNTING_INVALID_INPUT', 'a lifetime counter of -1', [{ ...chip(1, []), totalOps: '-1' }]),
    bad('log-index-negative', 'ACCOUNTING_INVALID_INPUT', 'a log index of -1', [chip(1, [w(-1, 1n, 'run')])]),
    bad('log-index-fractional', 'ACCOUNTING_INVALID_INPUT', 'a log index of 1.5', [chip(1, [w(1.5, 1n, 'run')])]),
    bad('workload-without-descriptor', 'ACCOUNTING_INVALID_INPUT', 'a disclosed workload without a descriptor', [chip(1, [{ logIndex: 3, ops: '1' }])]),
    bad('ueid-too-short', 'ACCOUNTING_INVALID_INPUT', 'a chip UEID of 6 bytes (RFC 9711 §4.2.1: 7 to 33)', [{ ...chip(1, []), ueid: '010000000000' }]),
    bad('licence-id-wrong-length', 'ACCOUNTING_INVALID_INPUT', 'a licence id of 15 bytes', [], { issuedLicences: [{ ...licence(2, 1n), licenceId: '00'.repeat(15) }] }),
    bad('threshold-id-twice', 'ACCOUNTING_INVALID_INPUT', 'two thresholds with one id', [chip(1, [w(3, 1n, 'run')])], { thresholds: [t('x', 10n), t('x', 20n)] }),
    bad('threshold-id-with-comma', 'ACCOUNTING_INVALID_INPUT', 'a threshold id with a comma, which would break the list of ids a report prints', [], { thresholds: [t('a,b', 10n)] }),
    bad('threshold-negative', 'ACCOUNTING_INVALID_INPUT', 'a threshold of -1 operations', [chip(1, [w(3, 1n, 'run')])], { thresholds: [t('x', -1n)] }),
    bad('conflicting-ops', 'ACCOUNTING_CONFLICTING_ENTRY', 'one log entry disclosed with two operation counts', [chip(1, [w(3, 10n, 'run'), w(3, 11n, 'run')])]),
    bad('conflicting-descriptor', 'ACCOUNTING_CONFLICTING_ENTRY', 'one log entry disclosed under two workload ids', [chip(1, [w(3, 10n, 'run-a'), w(3, 10n, 'run-b')])]),
    bad('conflicting-entry-across-appraisals', 'ACCOUNTING_CONFLICTING_ENTRY', 'one log entry disclosed by two affirmed bundles of one chip with two operation counts', [chip(1, [w(3, 10n, 'run')], 5n), chip(1, [w(3, 12n, 'run')], 3n)]),
    bad('counter-exceeded', 'ACCOUNTING_COUNTER_EXCEEDED', 'disclosed workloads add up to one operation more than the lifetime counter', [chip(1, [w(3, 10n, 'run'), w(4, 5n, 'run')], -1n)]),
    bad('counter-exceeded-across-appraisals', 'ACCOUNTING_COUNTER_EXCEEDED', 'two bundles of one chip open distinct entries adding up to more than the larger counter', [chip(1, [w(3, 10n, 'run')]), chip(1, [w(4, 1n, 'run')], 9n)]),
    bad('conflicting-licence', 'ACCOUNTING_CONFLICTING_LICENCE', 'one licence listed with two operations quotas', [], { issuedLicences: [licence(2, 10n), licence(2, 11n)] }),
    bad('licence-exceeded', 'ACCOUNTING_LICENCE_EXCEEDED', 'an affirmed counter one operation above every quota the register lists for the chip', [chip(1, [w(3, 10n, 'run')], 1n)], { issuedLicences: [licence(1, 10n)] }),
  ];
}

export function generateAccountingVectors(): Map<string, string> {
  const vectors: FleetVector[] = cases().map((c) => {
    let report: FleetReportJson | undefined;
    confirm(`accounting vector ${c.id}`, c, () => {
      const { evidence, options } = fleetOf(c);
      report = fleetReportToJson(accountFleet(evidence, options));
    });
    return report === undefined ? c : { ...c, report };
  });
  const text = renderVectorFile(
    {
      format: ACCOUNTING_FORMAT,
      generator: 'npm run vectors (scripts/vectors/accounting.ts)',
      description:
        'Fleet compute accounting: appraisals of chips, their opened workloads and the licence register in; runs totalled, bounded, and flagged, incomplete or aggregated against thresholds out',
    },
    vectors,
  );
  return new Map([['accounting/fleets.json', text]]);
}
