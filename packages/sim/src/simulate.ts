/**
 * `hemkit simulate`: a seeded fleet through the module, the verifier and lineage accounting, scored
 * against the plan's ground truth. The truth is the same accounting run on every chip's planned
 * work, silent chips included, with nothing unaccounted: a flag is right when the truth raises it
 * for the same model state, and a detection when an evader's model is itemised for what it hides.
 *
 * Memory: chips are driven one at a time, and each chip's record is accounted as it comes and
 * dropped (account.ts): what stays is the lineage graph's own data and the set of chips seen, so
 * memory grows with the graph, not with the chips or their evidence (issue 14).
 */
import { driveChip, fleetKeys, runSilentChip, type ChipOutcome, type ChipPlan } from './drive.js';
import { FleetAccounting, type ChipRecord } from './account.js';
import type { LineageReport } from '@hemkit/verifier/accounting';
import { generateFleet, type Fleet, type Strategy } from './scenario.js';

export interface StrategyScore {
  readonly strategy: Strategy;
  readonly evading: boolean;
  readonly operators: number;
  readonly chips: number;
  /** Evading: operators whose hidden model lineage accounting itemised for what it hides. */
  readonly detected: number;
  /** Evading: operators per-id fleet accounting (§6.1) flagged or left incomplete, for comparison. */
  readonly detectedById: number;
  /** Honest: operators with a flag the truth does not raise. */
  readonly falsePositives: number;
  /** Honest: operators whose flags the truth raises (a frontier model crossing is reported, as it should be). */
  readonly trueFlags: number;
}

export interface LineageCurve {
  readonly operator: string;
  readonly strategy: Strategy;
  /** Cumulative compute of each planned state, in plan order, as accounting computed it from the evidence. */
  readonly reported: readonly bigint[];
  /** The same from the ground truth (differs only where chips hid work). */
  readonly truth: readonly bigint[];
  readonly flagged: boolean;
}

export interface SimulationResult {
  readonly seed: string;
  readonly chips: number;
  readonly chipsDriven: number;
  readonly affirmed: number;
  readonly workloads: number;
  readonly states: number;
  readonly scores: readonly StrategyScore[];
  readonly report: LineageReport;
  readonly curves: readonly LineageCurve[];
  /**
   * Driving every chip (module, evidence, appraisal), wall clock and the process's CPU in every
   * thread (the steadier figure on a shared machine); lineage accounting of the evidence alone.
   */
  readonly seconds: { readonly drive: number; readonly driveCpu: number; readonly accounting: number };
  readonly peakRssBytes: number;
}

export interface SimulationOptions {
  readonly seed?: string;
  readonly chips?: number;
  /** Hears of each chip driven. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Drives chips `from` to `to` (fleet indices) in order, handing each chip's record to `onChip` as
 * soon as it is driven; nothing of the chip is kept here. A worker thread runs this on its share of
 * the fleet; the records of consecutive ranges, concatenated, are those of one range over all.
 */
export function driveRange(fleet: Fleet, from: number, to: number, onChip: (record: ChipRecord) => void): void {
  const keys = fleetKeys(fleet.seed);
  for (const operator of fleet.operators) {
    const lo = Math.max(from, operator.firstChip);
    const hi = Math.min(to, operator.firstChip + operator.chips);
    for (let index = lo; index < hi; index++) {
      const plan: ChipPlan = { index, operator, k: index - operator.firstChip };
      if (plan.k >= operator.silentFrom) {
        // A silent chip runs its work through the module and hands in nothing: the verifier knows
        // it only from the licence register, whose quota bounds it.
        const silent = runSilentChip(keys, fleet.seed, plan);
        onChip({ ueid: silent.ueid, holder: operator.id, licenceExpiry: silent.licenceExpiry, unaccountedOps: silent.licensedOps, driven: false, affirmed: false, lineage: [] });
      } else {
        onChip(recordOf(operator.id, driveChip(keys, fleet.seed, plan)));
      }
    }
  }
}

/** What accounting needs of a driven chip: its register entry and what its appraisal proved. */
function recordOf(holder: string, outcome: ChipOutcome): ChipRecord {
  const disclosed = outcome.lineage.reduce((sum, w) => sum + w.ops, 0n);
  const unaccounted = outcome.affirmed ? (outcome.appraised?.totalOps ?? 0n) - disclosed : outcome.licensedOps;
  const a = outcome.appraised;
  return {
    ueid: outcome.ueid,
    holder,
    licenceExpiry: outcome.licenceExpiry,
    unaccountedOps: unaccounted,
    driven: true,
    affirmed: outcome.affirmed,
    ...(a !== undefined
      ? {
          appraised: {
            affirmed: a.affirmed,
            totalOps: a.totalOps,
            workloads: a.workloads.map((w) => {
              // The simulated operators' descriptors name a run and nothing else (drive.ts); a record keeps just that.
              if (w.descriptor.clusterChips !== undefined || w.descriptor.description !== undefined) throw new Error('a simulated descriptor carries more than a workload id');
              return { logIndex: w.logIndex, ops: w.ops, workloadId: w.descriptor.workloadId };
            }),
          },
        }
      : {}),
    lineage: outcome.lineage.map(({ ueid: _, ...w }) => w),
  };
}

/** The whole simulation in this thread. */
export function simulate(options: SimulationOptions = {}): SimulationResult {
  const fleet = generateFleet(options.seed ?? DEFAULT_SEED, options.chips ?? DEFAULT_CHIPS);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const accounting = new FleetAccounting(fleet);
  driveRange(fleet, 0, fleet.chips, (record) => {
    accounting.add(record);
    options.onProgress?.(accounting.chips, fleet.chips);
  });
  return accounting.finish({ wall: (performance.now() - started) / 1000, cpu: cpuSince(cpu) });
}

export const DEFAULT_SEED = 'hemkit-sim-1';
export const DEFAULT_CHIPS = 10_000;

/** CPU seconds of this process, every thread, since `start`. */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}
