/**
 * The simulation's accounting, streamed: each chip's record is accounted as it arrives and dropped.
 * Lineage accounting takes it into a LineageAccumulator (per model state sums: the graph's own
 * data); the per-id view (§6.1, for comparison) takes it into its operator's batch, accounted and
 * dropped once the operator's last chip is in (a run's chips are all its operator's: every workload
 * id names its operator, drive.ts, so per-operator reports flag exactly what one fleet report
 * would). The ground truth is the same lineage accounting over the plan, chip by chip, at the end.
 * What is held grows with the graph (states, their holders and ids) and the set of chips seen, not
 * with the evidence (issue 14).
 */
import { toHex } from '@hemkit/wire/bytes';
import { accountFleet, LineageAccumulator, type AppraisedChip, type LineageReport } from '@hemkit/verifier/accounting';
import { chipWorkloads, licenceOf, SIM_NOW, type ChipPlan } from './drive.js';
import type { LineageWorkload } from '@hemkit/verifier/accounting';
import { CHIP_RATE, isEvading, STRATEGIES, type Fleet, type Operator } from './scenario.js';
import type { LineageCurve, SimulationResult, StrategyScore } from './simulate.js';

/** One driven (or silent) chip, as it crosses from a worker to the thread that accounts. */
export interface ChipRecord {
  readonly ueid: Uint8Array;
  /** The register's licensee: an operator id. */
  readonly holder: string;
  readonly licenceExpiry: number;
  readonly unaccountedOps: bigint;
  /** Driven through module and verifier (a silent chip is not), and whether its appraisal affirmed it. */
  readonly driven: boolean;
  readonly affirmed: boolean;
  /** The per-id view of its appraisal (undefined: no appraisal, a silent chip). */
  readonly appraised?: {
    readonly affirmed: boolean;
    readonly totalOps: bigint;
    readonly workloads: readonly { readonly logIndex: number; readonly ops: bigint; readonly workloadId: string }[];
  };
  readonly lineage: readonly Omit<LineageWorkload, 'ueid'>[];
}

/** Where the end phase stands, for a caller measuring what it holds (memory.test.ts). */
export type EndPhase = 'truth-added' | 'reports-made';

export class FleetAccounting {
  readonly #fleet: Fleet;
  readonly #operators = new Map<string, Operator>();
  readonly #lineage: LineageAccumulator;
  /** Per operator whose chips are arriving: its appraised chips so far, and how many chips arrived. */
  readonly #pending = new Map<string, { chips: AppraisedChip[]; arrived: number }>();
  readonly #flaggedById = new Set<string>();
  #seconds = 0;
  chips = 0;
  driven = 0;
  affirmed = 0;
  /** Lineage workloads disclosed by affirmed appraisals. */
  workloads = 0;

  constructor(fleet: Fleet) {
    this.#fleet = fleet;
    for (const o of fleet.operators) this.#operators.set(o.id, o);
    this.#lineage = accumulator(fleet);
  }

  add(r: ChipRecord): void {
    const started = performance.now();
    this.chips++;
    if (r.driven) this.driven++;
    if (r.affirmed) this.affirmed++;
    this.workloads += r.lineage.length;
    this.#lineage.addChip({ ueid: r.ueid, holder: r.holder, licenceExpiry: r.licenceExpiry, unaccountedOps: r.unaccountedOps }, r.lineage);
    this.#seconds += (performance.now() - started) / 1000;

    const operator = this.#operators.get(r.holder);
    if (operator === undefined) throw new Error(`a record of chip ${toHex(r.ueid)} names no operator of the fleet: ${r.holder}`);
    let batch = this.#pending.get(operator.id);
    if (batch === undefined) this.#pending.set(operator.id, (batch = { chips: [], arrived: 0 }));
    batch.arrived++;
    const a = r.appraised;
    if (a !== undefined) {
      batch.chips.push({ ueid: r.ueid, affirmed: a.affirmed, totalOps: a.totalOps, workloads: a.workloads.map((w) => ({ logIndex: w.logIndex, ops: w.ops, descriptor: { workloadId: w.workloadId } })) });
    }
    if (batch.arrived === operator.chips) {
      this.#pending.delete(operator.id);
      const byId = accountFleet({ chips: batch.chips });
      if (byId.flagged.length > 0 || byId.incomplete.length > 0) this.#flaggedById.add(operator.id);
    }
  }

  /** The result, once every chip is in: the reports, the truth, the scores and the curves. */
  finish(drive: { readonly wall: number; readonly cpu: number }, probe?: (phase: EndPhase) => void): SimulationResult {
    const fleet = this.#fleet;
    if (this.chips !== fleet.chips || this.#pending.size > 0) throw new Error(`accounting finished with ${this.chips} of ${fleet.chips} chips in`);
    const truthAccumulator = groundTruth(fleet);
    probe?.('truth-added');
    const started = performance.now();
    const report = this.#lineage.report();
    const accountingSeconds = this.#seconds + (performance.now() - started) / 1000;
    const reported = this.#lineage.cumulativeCompute();
    const truth = truthAccumulator.report();
    const trueTotals = truthAccumulator.cumulativeCompute();
    probe?.('reports-made');

    const scores = score(fleet, report, truth, this.#flaggedById);
    const flaggedStates = new Set(report.models.map((m) => m.state));
    const curves: LineageCurve[] = fleet.operators
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
      chipsDriven: this.driven,
      affirmed: this.affirmed,
      workloads: this.workloads,
      states: report.totals.states,
      scores,
      report,
      curves,
      seconds: { drive: drive.wall, driveCpu: drive.cpu, accounting: accountingSeconds },
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  }
}

/**
 * A lineage accumulator with the plan's states named in plan order (each state's parents, then the
 * state): the order a sequential run first meets them in, whatever order worker threads deliver
 * chips in, so that ties between bases resolve the same every run.
 */
function accumulator(fleet: Fleet): LineageAccumulator {
  const a = new LineageAccumulator({ now: SIM_NOW, declaredModels: fleet.declaredModels });
  for (const o of fleet.operators) {
    for (const p of o.plan) {
      for (const parent of p.parents) a.state(parent);
      a.state(p.digest);
    }
  }
  return a;
}

/** The ground truth's name for a planned chip, distinct from every made chip's UEID. */
function silentUeid(index: number): Uint8Array {
  const u = new Uint8Array(17);
  u[0] = 0x01;
  u[1] = 0xff;
  new DataView(u.buffer).setUint32(13, index);
  return u;
}

/** Every chip's planned work as evidence, silent chips included, nothing unaccounted: added chip by chip. */
function groundTruth(fleet: Fleet): LineageAccumulator {
  const truth = accumulator(fleet);
  for (const operator of fleet.operators) {
    for (let k = 0; k < operator.chips; k++) {
      const plan: ChipPlan = { index: operator.firstChip + k, operator, k };
      const workloads = chipWorkloads(plan).flatMap((w, i) =>
        w.ops === 0n ? [] : [{ logIndex: i, ops: w.ops, workloadId: w.workloadId, parents: w.parents, produced: w.produced, time: SIM_NOW - 10, busyChipSeconds: Number(w.ops / CHIP_RATE) || 1 }],
      );
      truth.addChip({ ueid: silentUeid(plan.index), holder: operator.id, licenceExpiry: licenceOf(plan).expiry }, workloads);
    }
  }
  return truth;
}

function score(fleet: Fleet, report: LineageReport, truth: LineageReport, flaggedById: ReadonlySet<string>): StrategyScore[] {
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
