/**
 * `hemkit simulate`: a seeded fleet through the module, the verifier and lineage accounting, scored
 * against the plan's ground truth. The truth is the same accounting run on every chip's planned
 * work, silent chips included, with nothing unaccounted: a flag is right when the truth raises it
 * for the same model state, and a detection when an evader's model is itemised for what it hides.
 *
 * Memory: chips are driven one at a time and dropped; what stays is what accounting needs, in a
 * columnar ledger (ledger.ts: each chip's register entry and the workloads its appraisal proved,
 * about 0.3 KiB a chip), so memory grows with the accounting's input, not with the evidence.
 */
import { toHex } from '@hemkit/wire/bytes';
import {
  accountFleet,
  accountLineage,
  cumulativeCompute,
  type AppraisedChip,
  type LineageChip,
  type LineageEvidence,
  type LineageReport,
  type LineageWorkload,
} from '@hemkit/verifier/accounting';
import { chipWorkloads, driveChip, fleetKeys, licenceOf, runSilentChip, SIM_NOW, type ChipOutcome, type ChipPlan } from './drive.js';
import { Interned, Ledger, type ChipRecord } from './ledger.js';
import { CHIP_RATE, generateFleet, isEvading, STRATEGIES, type Fleet, type Operator, type Strategy } from './scenario.js';


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
              // The simulated operators' descriptors name a run and nothing else (drive.ts); a ledger row keeps just that.
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
  const ledger = new Ledger(new Interned());
  driveRange(fleet, 0, fleet.chips, (record) => {
    ledger.add(record);
    options.onProgress?.(ledger.chips, fleet.chips);
  });
  return account(fleet, [ledger], { wall: (performance.now() - started) / 1000, cpu: cpuSince(cpu) });
}

export const DEFAULT_SEED = 'hemkit-sim-1';
export const DEFAULT_CHIPS = 10_000;

/**
 * Accounting over the ledgers of consecutive ranges, scored against the ground truth. Each kind of
 * accounting input is built from the ledgers, used and dropped before the next is built, so the
 * peak is one accounting's input and working set, not all of them at once.
 */
export function account(fleet: Fleet, ledgers: readonly Ledger[], drive: { readonly wall: number; readonly cpu: number }): SimulationResult {
  const idsOf = new Map<string, Operator>();
  for (const operator of fleet.operators) for (const p of operator.plan) idsOf.set(p.workloadId ?? '', operator);
  for (const operator of fleet.operators) for (let k = 0; k < operator.chips; k++) idsOf.set(`${operator.id}-chip-${k}`, operator);
  const ueids = ledgers.map((l) => l.ueids());

  // The evidence: lineage accounting, and the totals the chart draws.
  const accountingStart = performance.now();
  let evidence: LineageEvidence | undefined = lineageEvidence(fleet, ledgers, ueids);
  const workloadCount = evidence.workloads.length;
  const report = accountLineage(evidence, { now: SIM_NOW });
  const accountingSeconds = (performance.now() - accountingStart) / 1000;
  const reported = cumulativeCompute(evidence);
  evidence = undefined;

  // The ground truth, from the plan.
  let truthEvidence: LineageEvidence | undefined = groundTruth(fleet);
  const truth = accountLineage(truthEvidence, { now: SIM_NOW });
  const trueTotals = cumulativeCompute(truthEvidence);
  truthEvidence = undefined;

  // Per workload id (§6.1), for comparison.
  const appraised: AppraisedChip[] = [];
  ledgers.forEach((l, i) => l.appraised(ueids[i]!, appraised));
  const byId = accountFleet({ chips: appraised });
  appraised.length = 0;

  const scores = score(fleet, report, truth, new Set([...byId.flagged, ...byId.incomplete].map((r) => idsOf.get(r.workloadId)?.id)));
  const flaggedStates = new Set(report.models.map((m) => m.state));
  const curves = fleet.operators
    .filter((o, i) => o.strategy !== 'honest-small' || i % 97 === 0)
    .map((o) => ({
      operator: o.id,
      strategy: o.strategy,
      reported: o.plan.map((p) => reported.get(toHex(p.digest)) ?? 0n),
      truth: o.plan.map((p) => trueTotals.get(toHex(p.digest)) ?? 0n),
      flagged: o.plan.some((p) => flaggedStates.has(toHex(p.digest))),
    }));
  return {
    seed: fleet.seed,
    chips: fleet.chips,
    chipsDriven: ledgers.reduce((n, l) => n + l.driven, 0),
    affirmed: ledgers.reduce((n, l) => n + l.affirmed, 0),
    workloads: workloadCount,
    states: report.totals.states,
    scores,
    report,
    curves,
    seconds: { drive: drive.wall, driveCpu: drive.cpu, accounting: accountingSeconds },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

function lineageEvidence(fleet: Fleet, ledgers: readonly Ledger[], ueids: readonly Uint8Array[][]): LineageEvidence {
  const workloads: LineageWorkload[] = [];
  const chips: LineageChip[] = [];
  ledgers.forEach((l, i) => {
    l.lineage(ueids[i]!, workloads);
    l.lineageChips(ueids[i]!, chips);
  });
  return { workloads, chips, declaredModels: fleet.declaredModels };
}

/** CPU seconds of this process, every thread, since `start`. */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** The ground truth's name for a planned chip, distinct from every made chip's UEID. */
function silentUeid(index: number): Uint8Array {
  const u = new Uint8Array(17);
  u[0] = 0x01;
  u[1] = 0xff;
  new DataView(u.buffer).setUint32(13, index);
  return u;
}

/** Every chip's planned work as evidence, silent chips included, nothing unaccounted. */
function groundTruth(fleet: Fleet): { workloads: LineageWorkload[]; chips: LineageChip[]; declaredModels: Fleet['declaredModels'] } {
  const workloads: LineageWorkload[] = [];
  const chips: LineageChip[] = [];
  for (const operator of fleet.operators) {
    for (let k = 0; k < operator.chips; k++) {
      const plan: ChipPlan = { index: operator.firstChip + k, operator, k };
      const ueid = silentUeid(plan.index);
      chips.push({ ueid, holder: operator.id, licenceExpiry: licenceOf(plan).expiry });
      chipWorkloads(plan).forEach((w, i) => {
        if (w.ops === 0n) return;
        workloads.push({ ueid, logIndex: i, ops: w.ops, workloadId: w.workloadId, parents: w.parents, produced: w.produced, time: SIM_NOW - 10, busyChipSeconds: Number(w.ops / CHIP_RATE) || 1 });
      });
    }
  }
  return { workloads, chips, declaredModels: fleet.declaredModels };
}

function score(fleet: Fleet, report: LineageReport, truth: LineageReport, flaggedById: ReadonlySet<string | undefined>): StrategyScore[] {
  const reportedFlags = new Map(report.models.map((m) => [m.state, m.flags]));
  const trueFlags = new Map(truth.models.map((m) => [m.state, m.flags]));
  return STRATEGIES.map((strategy) => {
    const ops = fleet.operators.filter((o) => o.strategy === strategy);
    let detected = 0;
    let detectedById = 0;
    let falsePositives = 0;
    let trueFlagged = 0;
    for (const o of ops) {
      const last = toHex(o.plan.at(-1)!.digest);
      const flags = reportedFlags.get(last) ?? [];
      if (isEvading(strategy)) {
        const wanted = strategy === 'evade-finetune' ? ['modification'] : ['crossed', 'undetermined'];
        if (flags.some((f) => wanted.includes(f))) detected++;
        if (flaggedById.has(o.id)) detectedById++;
      } else {
        let wrong = false;
        let right = false;
        for (const p of o.plan) {
          const key = toHex(p.digest);
          const expected = trueFlags.get(key) ?? [];
          for (const f of reportedFlags.get(key) ?? []) {
            if (expected.includes(f)) right = true;
            else wrong = true;
          }
        }
        if (wrong) falsePositives++;
        if (right) trueFlagged++;
      }
    }
    return {
      strategy,
      evading: isEvading(strategy),
      operators: ops.length,
      chips: ops.reduce((s, o) => s + o.chips, 0),
      detected,
      detectedById,
      falsePositives,
      trueFlags: trueFlagged,
    };
  });
}
