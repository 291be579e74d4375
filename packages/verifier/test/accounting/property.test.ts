/**
 * Conservation: however runs are split across chips and entries, every affirmed disclosed operation
 * lands in exactly one place (a flagged run or the aggregate), and with the undisclosed operations
 * they make up the affirmed chips' lifetime counters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountFleet, type AppraisedChip, type DisclosedWorkload, type Threshold } from '../../src/accounting/index.js';
import { E25, E26, ueid } from './support.js';

const RUNS = { numRuns: 300 };
const IDS = ['r0', 'r1', 'r2', 'r3', 'r4'];

// Entry sizes around the default thresholds' scale, so that runs land on both sides of them.
const ops = fc.oneof(fc.bigInt({ min: 0n, max: 4n * E25 }), fc.bigInt({ min: 0n, max: 2n * E26 }), fc.constantFrom(0n, E25, E26));

/** One chip: its entries in log order, each maybe disclosed twice, and operations it left sealed. */
interface ChipModel {
  readonly affirmed: boolean;
  readonly entries: readonly { readonly id: string; readonly ops: bigint; readonly repeat: boolean }[];
  readonly extra: bigint;
}

const entryArb = fc.record({ id: fc.constantFrom(...IDS), ops, repeat: fc.boolean() });

const chipArb: fc.Arbitrary<ChipModel> = fc.record({
  affirmed: fc.boolean(),
  entries: fc.array(entryArb, { maxLength: 6 }),
  extra: fc.bigInt({ min: 0n, max: E25 }),
});

const fleetArb = fc.array(chipArb, { maxLength: 8 });

const thresholdsArb: fc.Arbitrary<Threshold[] | undefined> = fc.option(
  fc.uniqueArray(fc.bigInt({ min: 0n, max: 3n * E26 }), { maxLength: 3 }).map((values) =>
    values.map((v, i) => ({ id: `t${i}`, description: '', ops: v })),
  ),
  { nil: undefined },
);

function build(fleet: readonly ChipModel[]): AppraisedChip[] {
  return fleet.map((c, n) => {
    const workloads: DisclosedWorkload[] = [];
    c.entries.forEach((e, logIndex) => {
      const w = { logIndex, ops: e.ops, descriptor: { workloadId: e.id } };
      workloads.push(w);
      if (e.repeat) workloads.push({ ...w, descriptor: { workloadId: e.id } });
    });
    const disclosed = c.entries.reduce((sum, e) => sum + e.ops, 0n);
    return { ueid: ueid(n), affirmed: c.affirmed, totalOps: disclosed + c.extra, workloads };
  });
}

describe('conservation of operations', () => {
  it('flagged totals plus the aggregate equal every affirmed disclosed operation, each counted once', () => {
    fc.assert(
      fc.property(fleetArb, thresholdsArb, (fleet, thresholds) => {
        const chips = build(fleet);
        const report = accountFleet({ chips }, thresholds === undefined ? {} : { thresholds });

        const affirmedDisclosed = fleet.filter((c) => c.affirmed).flatMap((c) => c.entries).reduce((sum, e) => sum + e.ops, 0n);
        const flagged = report.flagged.reduce((sum, f) => sum + f.totalOps, 0n);
        expect(flagged + report.aggregate.totalOps).toBe(affirmedDisclosed);

        const affirmedCounters = chips.filter((c) => c.affirmed).reduce((sum, c) => sum + c.totalOps, 0n);
        expect(flagged + report.aggregate.totalOps + report.undisclosedOps).toBe(affirmedCounters);

        for (const f of report.flagged) {
          expect(f.contributions.reduce((sum, c) => sum + c.ops, 0n)).toBe(f.totalOps);
          expect(f.thresholdsPassed.length).toBeGreaterThan(0);
        }
        const distinctRuns = new Set(fleet.filter((c) => c.affirmed).flatMap((c) => c.entries.map((e) => e.id)));
        expect(report.flagged.length + report.aggregate.workloads).toBe(distinctRuns.size);
      }),
      RUNS,
    );
  });

  it('flags a run exactly when its total is greater than some threshold', () => {
    fc.assert(
      fc.property(fleetArb, (fleet) => {
        const chips = build(fleet);
        const report = accountFleet({ chips });
        const totals = new Map<string, bigint>();
        for (const c of fleet.filter((c) => c.affirmed)) {
          for (const e of c.entries) totals.set(e.id, (totals.get(e.id) ?? 0n) + e.ops);
        }
        const expected = [...totals].filter(([, total]) => total > E25).map(([id]) => id).sort();
        expect(report.flagged.map((f) => f.workloadId).sort()).toEqual(expected);
      }),
      RUNS,
    );
  });
});
