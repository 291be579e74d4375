/**
 * Properties over generated fleets (specs/verifier.md §6.1), checked against a small model of the
 * rules: every affirmed disclosed operation lands in exactly one place however often it is disclosed;
 * a run is flagged, incomplete or aggregated exactly as its reported total and its bound say; and no
 * aggregated run is ever named in either rendering.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountFleet,
  fleetReportToJson,
  renderFleetReport,
  type AppraisedChip,
  type DisclosedWorkload,
  type IssuedLicence,
  type Threshold,
} from '../../src/accounting/index.js';
import { E25, E26, issued, ueid } from './support.js';

const RUNS = { numRuns: 300 };
// Ids that appear nowhere else in a report, so that a text search finds any leak of them.
const IDS = ['zq-run-0', 'zq-run-1', 'zq-run-2', 'zq-run-3', 'zq-run-4'];
const ABSENT = 99; // a chip that never reports

// Entry sizes around the default thresholds' scale, so that runs land on both sides of them.
const ops = fc.oneof(fc.bigInt({ min: 0n, max: 4n * E25 }), fc.bigInt({ min: 0n, max: 2n * E26 }), fc.constantFrom(0n, E25, E26));

/** One appraisal: its entries in log order, each maybe disclosed twice, and operations it left sealed. */
interface ChipModel {
  readonly n: number;
  readonly affirmed: boolean;
  readonly entries: readonly { readonly id: string; readonly ops: bigint; readonly repeat: boolean; readonly cluster?: readonly number[] }[];
  readonly extra: bigint;
}

const entryArb = fc.record(
  { id: fc.constantFrom(...IDS), ops, repeat: fc.boolean(), cluster: fc.array(fc.constantFrom(0, 1, 2, 3, 4, 5, ABSENT), { maxLength: 3 }) },
  { requiredKeys: ['id', 'ops', 'repeat'] },
);
const chipArb = fc.record({ affirmed: fc.boolean(), entries: fc.array(entryArb, { maxLength: 5 }), extra: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: E25 })) });
// Distinct chips, in any order; a chip given twice appears as its own second appraisal in merging tests.
const fleetArb = fc.array(chipArb, { maxLength: 6 }).map((chips) => chips.map((c, n) => ({ ...c, n })));
const registerArb = fc.array(fc.record({ n: fc.constantFrom(0, 1, 2, 3, 4, 5, ABSENT), quota: fc.bigInt({ min: 0n, max: 2n * E25 }) }), { maxLength: 4 });

const thresholdsArb: fc.Arbitrary<Threshold[] | undefined> = fc.option(
  fc.uniqueArray(fc.bigInt({ min: 0n, max: 3n * E26 }), { maxLength: 3 }).map((values) => values.map((v, i) => ({ id: `t${i}`, description: '', ops: v }))),
  { nil: undefined },
);

function build(fleet: readonly ChipModel[]): AppraisedChip[] {
  return fleet.map((c) => {
    const workloads: DisclosedWorkload[] = [];
    c.entries.forEach((e, logIndex) => {
      const descriptor = () => (e.cluster === undefined ? { workloadId: e.id } : { workloadId: e.id, clusterChips: e.cluster.map(ueid) });
      workloads.push({ logIndex, ops: e.ops, descriptor: descriptor() });
      if (e.repeat) workloads.push({ logIndex, ops: e.ops, descriptor: descriptor() });
    });
    const disclosed = c.entries.reduce((sum, e) => sum + e.ops, 0n);
    return { ueid: ueid(c.n), affirmed: c.affirmed, totalOps: disclosed + c.extra, workloads };
  });
}

interface LicenceModel {
  readonly n: number;
  readonly quota: bigint;
}

/** The register as the accounting takes it; chips whose affirmed counter passes it are left out. */
function buildRegister(register: readonly LicenceModel[], fleet: readonly ChipModel[]): IssuedLicence[] {
  return validRegister(register, fleet).map((r) => issued(r.n, r.quota, r.serial));
}

function validRegister(register: readonly LicenceModel[], fleet: readonly ChipModel[]): (LicenceModel & { serial: number })[] {
  const totals = new Map<number, bigint>();
  register.forEach((r) => totals.set(r.n, (totals.get(r.n) ?? 0n) + r.quota));
  return register
    .map((r, serial) => ({ ...r, serial }))
    .filter((r) => {
      const c = fleet.find((f) => f.n === r.n && f.affirmed);
      return c === undefined || c.entries.reduce((s, e) => s + e.ops, 0n) + c.extra <= totals.get(r.n)!;
    });
}

/** The rules of §6.1 written out plainly: each run's reported total and upper bound. */
function model(fleet: readonly ChipModel[], register: readonly LicenceModel[]): Map<string, { reported: bigint; bound: bigint | 'unbounded' }> {
  const quota = new Map<number, bigint>();
  for (const l of register) quota.set(l.n, (quota.get(l.n) ?? 0n) + l.quota);
  const byChip = new Map(fleet.map((c) => [c.n, c]));
  const runs = new Map<string, { reported: bigint; named: Set<number> }>();
  for (const c of fleet) {
    for (const e of c.entries) {
      const run = runs.get(e.id) ?? { reported: 0n, named: new Set<number>() };
      runs.set(e.id, run);
      if (c.affirmed) run.reported += e.ops;
      run.named.add(c.n);
      for (const m of e.cluster ?? []) run.named.add(m);
    }
  }
  return new Map(
    [...runs].map(([id, run]) => {
      let bound: bigint | 'unbounded' = run.reported;
      for (const n of run.named) {
        const c = byChip.get(n);
        const add = c?.affirmed ? c.extra : (quota.get(n) ?? 'unbounded');
        bound = bound === 'unbounded' || add === 'unbounded' ? 'unbounded' : bound + add;
      }
      return [id, { reported: run.reported, bound }];
    }),
  );
}

describe('conservation of operations', () => {
  it('flagged, incomplete and aggregated totals add up to every affirmed disclosed operation, each counted once', () => {
    fc.assert(
      fc.property(fleetArb, registerArb, thresholdsArb, (fleet, r, thresholds) => {
        const chips = build(fleet);
        const report = accountFleet({ chips, issuedLicences: buildRegister(r, fleet) }, thresholds === undefined ? {} : { thresholds });
        const itemised = [...report.flagged, ...report.incomplete];

        const affirmedDisclosed = fleet.filter((c) => c.affirmed).flatMap((c) => c.entries).reduce((sum, e) => sum + e.ops, 0n);
        const reported = itemised.reduce((sum, f) => sum + f.reportedOps, 0n);
        expect(reported + report.aggregate.reportedOps).toBe(affirmedDisclosed);

        const affirmedCounters = chips.filter((c) => c.affirmed).reduce((sum, c) => sum + c.totalOps, 0n);
        expect(reported + report.aggregate.reportedOps + report.undisclosedOps).toBe(affirmedCounters);

        for (const f of itemised) expect(f.contributions.reduce((sum, c) => sum + c.ops, 0n)).toBe(f.reportedOps);
        const distinctRuns = new Set(fleet.flatMap((c) => c.entries.map((e) => e.id)));
        expect(itemised.length + report.aggregate.workloads).toBe(distinctRuns.size);
      }),
      RUNS,
    );
  });

  it('gives the same report when every appraisal is handed in twice', () => {
    fc.assert(
      fc.property(fleetArb, (fleet) => {
        const chips = build(fleet);
        expect(fleetReportToJson(accountFleet({ chips: [...chips, ...chips] }))).toEqual(fleetReportToJson(accountFleet({ chips })));
      }),
      RUNS,
    );
  });
});

describe('status of a run', () => {
  it('is flagged exactly when its reported total passes a threshold, incomplete when only its bound does, else aggregated', () => {
    fc.assert(
      fc.property(fleetArb, registerArb, thresholdsArb, (fleet, r, given) => {
        const thresholds = given ?? [{ id: 'eu', description: '', ops: E25 }, { id: 'us', description: '', ops: E26 }];
        const report = accountFleet({ chips: build(fleet), issuedLicences: buildRegister(r, fleet) }, { thresholds });
        const want = { flagged: [] as string[], incomplete: [] as string[], below: [] as string[] };
        for (const [id, { reported, bound }] of model(fleet, validRegister(r, fleet))) {
          if (thresholds.some((t) => reported > t.ops)) want.flagged.push(id);
          else if (thresholds.some((t) => bound === 'unbounded' || bound > t.ops)) want.incomplete.push(id);
          else want.below.push(id);
          const run = [...report.flagged, ...report.incomplete].find((x) => x.workloadId === id);
          if (run !== undefined) expect([run.reportedOps, run.opsUpperBound]).toEqual([reported, bound]);
        }
        expect(report.flagged.map((f) => f.workloadId).sort()).toEqual(want.flagged.sort());
        expect(report.incomplete.map((f) => f.workloadId).sort()).toEqual(want.incomplete.sort());
        expect(report.aggregate.workloads).toBe(want.below.length);
      }),
      RUNS,
    );
  });
});

describe('privacy of the runs below every threshold', () => {
  it('never names an aggregated run, in the text or the JSON', () => {
    fc.assert(
      fc.property(fleetArb, registerArb, thresholdsArb, (fleet, r, thresholds) => {
        const report = accountFleet({ chips: build(fleet), issuedLicences: buildRegister(r, fleet) }, thresholds === undefined ? {} : { thresholds });
        const itemised = new Set([...report.flagged, ...report.incomplete].map((f) => f.workloadId));
        const text = renderFleetReport(report);
        const json = JSON.stringify(fleetReportToJson(report));
        for (const id of IDS.filter((i) => !itemised.has(i))) {
          expect(text).not.toContain(id);
          expect(json).not.toContain(id);
        }
      }),
      RUNS,
    );
  });
});
