/**
 * `hemkit simulate`: a seeded fleet through the module, the verifier and lineage accounting, scored
 * against the plan's ground truth. The truth is the same accounting run on every chip's planned
 * work, silent chips included, with nothing unaccounted: a flag is right when the truth raises it
 * for the same model state, and a detection when an evader's model is itemised for what it hides.
 *
 * Memory: chips are driven one at a time and dropped; what stays is what accounting needs (each
 * chip's disclosed lineage workloads and its register entry), so memory grows with the accounting
 * graph, not with the evidence.
 */
import { toHex } from '@hemkit/wire/bytes';
import {
  accountFleet,
  accountLineage,
  cumulativeCompute,
  type AppraisedChip,
  type LineageChip,
  type LineageReport,
  type LineageWorkload,
} from '@hemkit/verifier/accounting';
import { chipWorkloads, driveChip, fleetKeys, licenceOf, SIM_NOW, type ChipPlan } from './drive.js';
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
  /** Driving every chip (module, evidence, appraisal); lineage accounting of the evidence alone. */
  readonly seconds: { readonly drive: number; readonly accounting: number };
  readonly peakRssBytes: number;
}

export interface SimulationOptions {
  readonly seed?: string;
  readonly chips?: number;
  /** Hears of each chip driven. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What driving a range of the fleet's chips left for accounting. */
export interface ShardResult {
  readonly workloads: LineageWorkload[];
  readonly chips: LineageChip[];
  readonly appraised: AppraisedChip[];
  readonly driven: number;
  readonly affirmed: number;
}

/**
 * Drives chips `from` to `to` (fleet indices) in order. A worker thread runs this on its share of
 * the fleet; the results of consecutive ranges, concatenated, are those of one range over all.
 */
export function driveRange(fleet: Fleet, from: number, to: number, onChip?: () => void): ShardResult {
  const keys = fleetKeys(fleet.seed);
  const out: ShardResult = { workloads: [], chips: [], appraised: [], driven: 0, affirmed: 0 };
  let driven = 0;
  let affirmed = 0;
  for (const operator of fleet.operators) {
    const lo = Math.max(from, operator.firstChip);
    const hi = Math.min(to, operator.firstChip + operator.chips);
    for (let index = lo; index < hi; index++) {
      const plan: ChipPlan = { index, operator, k: index - operator.firstChip };
      if (plan.k >= operator.silentFrom) {
        // A silent chip hands in nothing: the verifier knows it only from the licence register.
        const { opsQuota, expiry } = licenceOf(plan);
        out.chips.push({ ueid: silentUeid(index), holder: operator.id, licenceExpiry: expiry, unaccountedOps: opsQuota });
      } else {
        const outcome = driveChip(keys, fleet.seed, plan);
        driven++;
        if (outcome.affirmed) affirmed++;
        out.workloads.push(...outcome.lineage);
        if (outcome.appraised !== undefined) out.appraised.push(outcome.appraised);
        const disclosed = outcome.lineage.reduce((sum, w) => sum + w.ops, 0n);
        const unaccounted = outcome.affirmed ? (outcome.appraised?.totalOps ?? 0n) - disclosed : outcome.licensedOps;
        out.chips.push({ ueid: outcome.ueid, holder: operator.id, licenceExpiry: outcome.licenceExpiry, unaccountedOps: unaccounted });
      }
      onChip?.();
    }
  }
  return { ...out, driven, affirmed };
}

/** The whole simulation in this thread. */
export function simulate(options: SimulationOptions = {}): SimulationResult {
  const fleet = generateFleet(options.seed ?? DEFAULT_SEED, options.chips ?? DEFAULT_CHIPS);
  const started = performance.now();
  let done = 0;
  const shard = driveRange(fleet, 0, fleet.chips, () => options.onProgress?.(++done, fleet.chips));
  return account(fleet, [shard], (performance.now() - started) / 1000);
}

export const DEFAULT_SEED = 'hemkit-sim-1';
export const DEFAULT_CHIPS = 10_000;

/** Accounting over the driven shards, scored against the ground truth. */
export function account(fleet: Fleet, shards: readonly ShardResult[], driveSeconds: number): SimulationResult {
  const workloads = shards.flatMap((x) => x.workloads);
  const chips = shards.flatMap((x) => x.chips);
  const appraised = shards.flatMap((x) => x.appraised);
  const idsOf = new Map<string, Operator>();
  for (const operator of fleet.operators) for (const p of operator.plan) idsOf.set(p.workloadId ?? '', operator);
  for (const operator of fleet.operators) for (let k = 0; k < operator.chips; k++) idsOf.set(`${operator.id}-chip-${k}`, operator);

  const accountingStart = performance.now();
  const evidence = { workloads, chips, declaredModels: fleet.declaredModels };
  const report = accountLineage(evidence, { now: SIM_NOW });
  const accountingSeconds = (performance.now() - accountingStart) / 1000;
  const truthEvidence = groundTruth(fleet);
  const truth = accountLineage(truthEvidence, { now: SIM_NOW });
  const byId = accountFleet({ chips: appraised });

  const reported = cumulativeCompute(evidence);
  const trueTotals = cumulativeCompute(truthEvidence);
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
    chipsDriven: shards.reduce((n, x) => n + x.driven, 0),
    affirmed: shards.reduce((n, x) => n + x.affirmed, 0),
    workloads: workloads.length,
    states: report.totals.states,
    scores,
    report,
    curves,
    seconds: { drive: driveSeconds, accounting: accountingSeconds },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/** A UEID for a chip that never reported (the register's entry for it), distinct from every made chip's. */
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
