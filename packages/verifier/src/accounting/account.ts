/**
 * Fleet compute accounting (specs/verifier.md §6.1): total the operations of each run across every
 * chip that reported, and flag the runs whose total passes a reporting threshold: Shavit's "catch a
 * Chinchilla" question (2023, arXiv:2303.11341), where a rule on training runs is checked against all
 * the compute a run used, on however many chips it was spread.
 *
 * A run is the set of disclosed workload entries whose descriptors carry the same workload id
 * (specs/messages/log-entry.md §4.1), whatever chip or licence each entry was logged under. Two ids
 * are two runs: an operator who discloses one run under several ids splits its total, and nothing
 * here can join the parts again. That residual risk is stated in every rendering of a report.
 *
 * What the evidence cannot show is never read as zero. Each chip a run names has a bound on the
 * run's work on it that no opened entry accounts for; a run whose reported total is below a
 * threshold that those bounds could carry it over is itemised as incomplete, not counted as below.
 *
 * The inputs are already verified: each chip's evidence appraised (`affirmed`), each opening checked
 * against its entry's commitment. This module only does arithmetic, and refuses input that breaks the
 * arithmetic's preconditions rather than report a number it cannot stand behind.
 */
import { mergeAppraisals, type ChipView } from './chips.js';
import { checkRecord, invalid } from './input-errors.js';
import { checkFleetEvidence, type FleetEvidence } from './input.js';
import { licenceBounds } from './licences.js';
import { checkThresholds, DEFAULT_THRESHOLDS, type Threshold } from './thresholds.js';
import { toHex } from '@hemkit/wire/bytes';

/** An operation count the evidence bounds, or `unbounded` when nothing in it does. */
export type OpsBound = bigint | 'unbounded';

/**
 * `flagged`: the reported total alone is greater than a threshold. `incomplete`: it is greater than
 * none, but the run's unaccounted work could carry it over one. A run that is neither is below every
 * threshold on what the evidence shows, and is only counted in the aggregate.
 */
export type RunStatus = 'flagged' | 'incomplete';

/**
 * Why a chip a run names contributed nothing to the run's total: `no-evidence`, no appraisal of it
 * at all; `not-affirmed`, none of its appraisals affirmed its evidence; `undisclosed`, affirmed, but
 * its operator opened none of its entries for this run (the run's work on it, if any, is sealed).
 */
export type MissingReason = 'no-evidence' | 'not-affirmed' | 'undisclosed';

export interface ChipContribution {
  readonly ueid: Uint8Array;
  readonly ops: bigint;
  /** The log entries of this chip that make up its contribution, ascending. */
  readonly logIndices: readonly number[];
  /** The chip's work no opened entry accounts for: the most it may add to this run beyond `ops`. */
  readonly unaccountedOps: bigint;
}

export interface MissingChip {
  readonly ueid: Uint8Array;
  readonly reason: MissingReason;
  /** The most of this run's work the chip may hold: its sealed work, its licences' quotas, or unbounded. */
  readonly unaccountedOps: OpsBound;
}

export interface ItemisedRun {
  readonly status: RunStatus;
  readonly workloadId: string;
  /** The sum of the run's opened entries on affirmed chips. */
  readonly reportedOps: bigint;
  /** `reportedOps` plus the unaccounted work of every chip the run names. */
  readonly opsUpperBound: OpsBound;
  /** Ids of the thresholds `reportedOps` is greater than, in the order the thresholds were given. */
  readonly thresholdsPassed: readonly string[];
  /** Ids of the other thresholds that `opsUpperBound` is greater than: the evidence cannot decide them. */
  readonly thresholdsUndetermined: readonly string[];
  /** Per chip, largest first. */
  readonly contributions: readonly ChipContribution[];
  /** Chips the run names that did not contribute, by reason then UEID. */
  readonly missingChips: readonly MissingChip[];
}

/**
 * The runs below every threshold, counted together and never itemised: monitoring that keeps
 * practitioners' work confidential (Shavit 2023) has no business naming runs no rule reaches. No id
 * and no per-run number appears here.
 */
export interface FleetAggregate {
  readonly workloads: number;
  readonly reportedOps: bigint;
  /** The sum of their upper bounds (`unbounded` only when there are no thresholds). */
  readonly opsUpperBound: OpsBound;
  /** How many of them name chips that did not contribute. */
  readonly withMissingChips: number;
}

export interface FleetChips {
  /** Distinct chips with at least one appraisal. */
  readonly reporting: number;
  readonly affirmed: number;
  /** Chips none of whose appraisals was affirmed, by UEID: listed, their numbers not added anywhere. */
  readonly notAffirmed: readonly Uint8Array[];
  /**
   * Bytes of memory transfer on affirmed chips over their lives: the sum of each chip's largest
   * affirmed memory-bytes counter (verifier.md §6.1).
   */
  readonly memoryBytes: bigint;
}

export interface FleetReport {
  readonly thresholds: readonly Threshold[];
  /** Largest reported total first. */
  readonly flagged: readonly ItemisedRun[];
  /** Largest upper bound first (unbounded before any number). */
  readonly incomplete: readonly ItemisedRun[];
  readonly aggregate: FleetAggregate;
  readonly chips: FleetChips;
  /**
   * Operations on affirmed chips that no disclosed entry accounts for: entries left sealed, and
   * workloads below the chips' itemisation threshold, which are never logged one by one
   * (log-entry.md §5). They cannot be attributed to a run, and a verifier should see how many there are.
   */
  readonly undisclosedOps: bigint;
}

export interface AccountingOptions {
  /** Defaults to DEFAULT_THRESHOLDS. An empty list flags nothing and leaves nothing incomplete. */
  readonly thresholds?: readonly Threshold[];
}

interface Run {
  readonly workloadId: string;
  readonly contributions: Map<string, { ueid: Uint8Array; ops: bigint; logIndices: number[] }>;
  /** Every chip the run's descriptors name, and every chip that discloses an entry of it. */
  readonly named: Map<string, Uint8Array>;
  reportedOps: bigint;
}

/** Reports made here, so that a rendering can refuse an object that only looks like one. */
const REPORTS = new WeakSet<object>();

export function accountFleet(evidence: FleetEvidence, options: AccountingOptions = {}): FleetReport {
  const fleet = checkFleetEvidence(evidence);
  const given = checkRecord(options, 'options')['thresholds'];
  const thresholds = given === undefined ? DEFAULT_THRESHOLDS : checkThresholds(given);
  const chips = mergeAppraisals(fleet.appraisals);
  const licensed = licenceBounds(fleet.licences, chips);

  const flagged: ItemisedRun[] = [];
  const incomplete: ItemisedRun[] = [];
  let aggregate: FleetAggregate = { workloads: 0, reportedOps: 0n, opsUpperBound: 0n, withMissingChips: 0 };
  for (const run of collectRuns(chips).values()) {
    const { status, ...itemised } = appraiseRun(run, chips, licensed, thresholds);
    if (status === 'flagged') flagged.push({ status, ...itemised });
    else if (status === 'incomplete') incomplete.push({ status, ...itemised });
    else {
      aggregate = {
        workloads: aggregate.workloads + 1,
        reportedOps: aggregate.reportedOps + itemised.reportedOps,
        opsUpperBound: addBound(aggregate.opsUpperBound, itemised.opsUpperBound),
        withMissingChips: aggregate.withMissingChips + (itemised.missingChips.length > 0 ? 1 : 0),
      };
    }
  }
  flagged.sort((a, b) => compareBigDescending(a.reportedOps, b.reportedOps) || compareCodePoints(a.workloadId, b.workloadId));
  incomplete.sort(
    (a, b) =>
      compareBoundDescending(a.opsUpperBound, b.opsUpperBound) ||
      compareBigDescending(a.reportedOps, b.reportedOps) ||
      compareCodePoints(a.workloadId, b.workloadId),
  );

  const views = [...chips.values()];
  const notAffirmed = views.filter((c) => !c.affirmed).sort((a, b) => compareText(a.key, b.key)).map((c) => c.ueid);
  const report: FleetReport = {
    thresholds,
    flagged,
    incomplete,
    aggregate,
    chips: { reporting: views.length, affirmed: views.length - notAffirmed.length, notAffirmed, memoryBytes: views.reduce((sum, c) => sum + c.memoryBytes, 0n) },
    undisclosedOps: views.reduce((sum, c) => sum + c.sealedOps, 0n),
  };
  deepFreeze(report);
  REPORTS.add(report);
  return report;
}

/** The report itself, or ACCOUNTING_INVALID_INPUT when `value` is not one accountFleet returned. */
export function checkReport(value: unknown): FleetReport {
  if (typeof value !== 'object' || value === null || !REPORTS.has(value)) {
    throw invalid('report', 'a FleetReport returned by accountFleet', value);
  }
  return value as FleetReport;
}

/**
 * Runs from the affirmed entries (which count) and the entries of appraisals that were not affirmed
 * (which count nothing, but say that the run used their chip and the chips their descriptors name).
 */
function collectRuns(chips: ReadonlyMap<string, ChipView>): Map<string, Run> {
  const runs = new Map<string, Run>();
  const runOf = (workloadId: string): Run => {
    let run = runs.get(workloadId);
    if (run === undefined) {
      run = { workloadId, contributions: new Map(), named: new Map(), reportedOps: 0n };
      runs.set(workloadId, run);
    }
    return run;
  };
  for (const chip of chips.values()) {
    for (const w of chip.entries) {
      const run = runOf(w.descriptor.workloadId);
      run.reportedOps += w.ops;
      const contribution = run.contributions.get(chip.key);
      if (contribution === undefined) run.contributions.set(chip.key, { ueid: chip.ueid, ops: w.ops, logIndices: [w.logIndex] });
      else {
        contribution.ops += w.ops;
        contribution.logIndices.push(w.logIndex);
      }
    }
    // The chips of one run may each describe the cluster differently (a chip added mid-run, say);
    // every chip any of them names is one the run used.
    for (const w of [...chip.entries, ...chip.unaffirmedWorkloads]) {
      const run = runOf(w.descriptor.workloadId);
      run.named.set(chip.key, chip.ueid);
      for (const member of w.cluster) if (!run.named.has(member.key)) run.named.set(member.key, member.ueid);
    }
  }
  return runs;
}

const REASON_ORDER: Readonly<Record<MissingReason, number>> = { 'no-evidence': 0, 'not-affirmed': 1, undisclosed: 2 };

/** The run's bound, missing chips and status (§6.1, "Bounds" and "Status"). */
function appraiseRun(
  run: Run,
  chips: ReadonlyMap<string, ChipView>,
  licensed: ReadonlyMap<string, bigint>,
  thresholds: readonly Threshold[],
): Omit<ItemisedRun, 'status'> & { readonly status: RunStatus | 'below' } {
  let opsUpperBound: OpsBound = run.reportedOps;
  const missingChips: MissingChip[] = [];
  for (const [key, ueid] of run.named) {
    const chip = chips.get(key);
    // A chip without affirmed evidence is bounded by the issuers' register, never by its own
    // unaffirmed numbers: those could only lower a bound, on the word of evidence that failed.
    const unaccountedOps: OpsBound = chip?.affirmed === true ? chip.sealedOps : (licensed.get(key) ?? 'unbounded');
    opsUpperBound = addBound(opsUpperBound, unaccountedOps);
    if (chip === undefined) missingChips.push({ ueid, reason: 'no-evidence', unaccountedOps });
    else if (!chip.affirmed) missingChips.push({ ueid, reason: 'not-affirmed', unaccountedOps });
    else if (!run.contributions.has(key)) missingChips.push({ ueid, reason: 'undisclosed', unaccountedOps });
  }
  missingChips.sort((a, b) => REASON_ORDER[a.reason] - REASON_ORDER[b.reason] || compareText(toHex(a.ueid), toHex(b.ueid)));

  const thresholdsPassed = thresholds.filter((t) => run.reportedOps > t.ops).map((t) => t.id);
  const thresholdsUndetermined = thresholds.filter((t) => run.reportedOps <= t.ops && boundExceeds(opsUpperBound, t.ops)).map((t) => t.id);
  const status: RunStatus | 'below' = thresholdsPassed.length > 0 ? 'flagged' : thresholdsUndetermined.length > 0 ? 'incomplete' : 'below';

  const contributions = [...run.contributions]
    .map(([key, c]) => ({ ueid: c.ueid, ops: c.ops, logIndices: [...c.logIndices].sort((a, b) => a - b), unaccountedOps: chips.get(key)!.sealedOps }))
    .sort((a, b) => compareBigDescending(a.ops, b.ops) || compareText(toHex(a.ueid), toHex(b.ueid)));
  return { status, workloadId: run.workloadId, reportedOps: run.reportedOps, opsUpperBound, thresholdsPassed, thresholdsUndetermined, contributions, missingChips };
}

function addBound(a: OpsBound, b: OpsBound): OpsBound {
  return a === 'unbounded' || b === 'unbounded' ? 'unbounded' : a + b;
}

function boundExceeds(bound: OpsBound, ops: bigint): boolean {
  return bound === 'unbounded' || bound > ops;
}

function compareBoundDescending(a: OpsBound, b: OpsBound): number {
  if (a === 'unbounded' || b === 'unbounded') return a === b ? 0 : a === 'unbounded' ? -1 : 1;
  return compareBigDescending(a, b);
}

function compareBigDescending(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Workload ids in Unicode code point order (verifier.md §6.1 "The report"), the order of their
 * UTF-8 bytes. JavaScript's `<` compares UTF-16 code units, which puts a character above U+FFFF
 * before U+E000..U+FFFF; another language would not.
 */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
}

/** Freezes the report's objects and arrays; UEID bytes are copies the report alone holds. */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const member of Object.values(value)) deepFreeze(member);
}
