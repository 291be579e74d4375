/**
 * Fleet compute accounting: total the operations of each run across every chip that reported, and
 * flag the runs whose total passes a reporting threshold: Shavit's "catch a Chinchilla" question
 * (2023, arXiv:2303.11341), where a rule on training runs is checked against all the compute a run
 * used, on however many chips it was spread.
 *
 * A run is the set of disclosed workload entries whose descriptors carry the same workload id
 * (specs/messages/log-entry.md §4.1), whatever chip or licence each entry was logged under. Two ids
 * are two runs: an operator who discloses one run under several ids splits its total, and nothing
 * here can join the parts again. That residual risk is stated in every rendering of a report.
 *
 * The inputs are already verified: each chip's evidence appraised (`affirmed`), each opening checked
 * against its entry's commitment. This module only does arithmetic, and refuses input that breaks the
 * arithmetic's preconditions rather than report a number it cannot stand behind.
 */
import { HemkitError } from '@hemkit/wire/errors';
import type { WorkloadDescriptor } from '@hemkit/wire/messages';
import { DEFAULT_THRESHOLDS, type Threshold } from './thresholds.js';
import { ueidHex } from './ueid.js';

/** One disclosed workload entry of a chip's log: its opening checked, its descriptor decoded. */
export interface DisclosedWorkload {
  /** Index of the workload-finished entry in the chip's log (log-entry.md §4, `logIndex`). */
  readonly logIndex: number;
  /** The entry's operations (workload-finished details, `ops`). */
  readonly ops: bigint;
  readonly descriptor: WorkloadDescriptor;
}

/** What the verifier concluded about one chip's evidence, and the workloads its operator opened. */
export interface AppraisedChip {
  readonly ueid: Uint8Array;
  /** Whether the appraisal of the chip's evidence affirmed it; if not, none of its numbers count. */
  readonly affirmed: boolean;
  /** The chip's lifetime operations counter, from its appraised report. */
  readonly totalOps: bigint;
  readonly workloads: readonly DisclosedWorkload[];
}

/** One appraisal per chip: the caller picks each chip's latest, as lifetime counters overlap. */
export interface FleetEvidence {
  readonly chips: readonly AppraisedChip[];
}

export interface ChipContribution {
  readonly ueid: Uint8Array;
  readonly ops: bigint;
  /** The log entries of this chip that make up its contribution, ascending. */
  readonly logIndices: readonly number[];
}

/**
 * Why a chip named in a run's cluster contributed nothing to the run's total: `missing`, no evidence
 * from it at all; `unverified`, its evidence was not affirmed; `undisclosed`, it was affirmed but its
 * operator opened none of its entries for this run (the run's work on it, if any, is sealed).
 */
export type UnreportedReason = 'missing' | 'unverified' | 'undisclosed';

export interface UnreportedChip {
  readonly ueid: Uint8Array;
  readonly reason: UnreportedReason;
}

export interface FlaggedWorkload {
  readonly workloadId: string;
  readonly totalOps: bigint;
  /** Ids of the thresholds the total is greater than, in the order the thresholds were given. */
  readonly thresholdsPassed: readonly string[];
  /** Per chip, largest first. */
  readonly contributions: readonly ChipContribution[];
  /** Chips the run's descriptors name that did not contribute, by reason then UEID. */
  readonly unreportedChips: readonly UnreportedChip[];
}

/**
 * The runs below every threshold, counted together and never itemised: monitoring that keeps
 * practitioners' work confidential (Shavit 2023) has no business naming runs no rule reaches. No id
 * and no per-run number appears here.
 */
export interface FleetAggregate {
  readonly workloads: number;
  readonly totalOps: bigint;
  /** How many of them name cluster chips that did not contribute, so may be larger than counted. */
  readonly withUnreportedChips: number;
}

export interface FleetChips {
  readonly reporting: number;
  readonly affirmed: number;
  /** Chips whose evidence was not affirmed, by UEID: listed, their numbers not added anywhere. */
  readonly notAffirmed: readonly Uint8Array[];
}

export interface FleetReport {
  readonly thresholds: readonly Threshold[];
  /** Largest total first. */
  readonly flagged: readonly FlaggedWorkload[];
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
  /** Defaults to DEFAULT_THRESHOLDS. An empty list flags nothing. */
  readonly thresholds?: readonly Threshold[];
}

interface Run {
  readonly contributions: Map<string, { ueid: Uint8Array; ops: bigint; logIndices: number[] }>;
  readonly clusterChips: Map<string, Uint8Array>;
  totalOps: bigint;
}

export function accountFleet(evidence: FleetEvidence, options: AccountingOptions = {}): FleetReport {
  const thresholds = checkThresholds(options.thresholds ?? DEFAULT_THRESHOLDS);
  const chips = indexChips(evidence.chips);

  const runs = new Map<string, Run>();
  const notAffirmed: Uint8Array[] = [];
  let undisclosedOps = 0n;
  for (const [key, { chip, position }] of chips) {
    if (!chip.affirmed) {
      notAffirmed.push(chip.ueid);
      continue;
    }
    checkOps(chip.totalOps, `chips[${position}].totalOps`);
    let disclosed = 0n;
    for (const workload of distinctEntries(chip, position)) {
      disclosed += workload.ops;
      addToRun(runs, key, chip.ueid, workload);
    }
    // The lifetime counter includes every workload the chip ran, so the opened entries cannot add up
    // to more: if they do, the report and the entries are not from one consistent view of the chip.
    if (disclosed > chip.totalOps) {
      throw new HemkitError(
        'ACCOUNTING_COUNTER_EXCEEDED',
        `chips[${position}] (${key}): disclosed workloads total ${disclosed} operations, more than the lifetime counter ${chip.totalOps}`,
      );
    }
    undisclosedOps += chip.totalOps - disclosed;
  }

  const flagged: FlaggedWorkload[] = [];
  let aggregate = { workloads: 0, totalOps: 0n, withUnreportedChips: 0 };
  for (const [workloadId, run] of runs) {
    const unreportedChips = unreported(run, chips);
    const thresholdsPassed = thresholds.filter((t) => run.totalOps > t.ops).map((t) => t.id);
    if (thresholdsPassed.length === 0) {
      aggregate = {
        workloads: aggregate.workloads + 1,
        totalOps: aggregate.totalOps + run.totalOps,
        withUnreportedChips: aggregate.withUnreportedChips + (unreportedChips.length > 0 ? 1 : 0),
      };
      continue;
    }
    const contributions = [...run.contributions.values()]
      .map((c) => ({ ueid: c.ueid, ops: c.ops, logIndices: [...c.logIndices].sort((a, b) => a - b) }))
      .sort((a, b) => compareBigDescending(a.ops, b.ops) || compareText(ueidHex(a.ueid), ueidHex(b.ueid)));
    flagged.push({ workloadId, totalOps: run.totalOps, thresholdsPassed, contributions, unreportedChips });
  }
  flagged.sort((a, b) => compareBigDescending(a.totalOps, b.totalOps) || compareText(a.workloadId, b.workloadId));

  const affirmed = evidence.chips.length - notAffirmed.length;
  notAffirmed.sort((a, b) => compareText(ueidHex(a), ueidHex(b)));
  return {
    thresholds,
    flagged,
    aggregate,
    chips: { reporting: evidence.chips.length, affirmed, notAffirmed },
    undisclosedOps,
  };
}

function checkThresholds(thresholds: readonly Threshold[]): readonly Threshold[] {
  const ids = new Set<string>();
  thresholds.forEach((t, i) => {
    if (ids.has(t.id)) {
      throw new HemkitError('ACCOUNTING_INVALID_INPUT', `thresholds[${i}].id: "${t.id}" is used by an earlier threshold`);
    }
    ids.add(t.id);
    checkOps(t.ops, `thresholds[${i}].ops`);
  });
  return thresholds;
}

function checkOps(ops: bigint, name: string): void {
  if (typeof ops !== 'bigint' || ops < 0n) {
    throw new HemkitError('ACCOUNTING_INVALID_INPUT', `${name}: expected a non-negative bigint, got ${String(ops)}`);
  }
}

function indexChips(chips: readonly AppraisedChip[]): Map<string, { chip: AppraisedChip; position: number }> {
  const index = new Map<string, { chip: AppraisedChip; position: number }>();
  chips.forEach((chip, position) => {
    const key = ueidHex(chip.ueid);
    const earlier = index.get(key);
    if (earlier !== undefined) {
      throw new HemkitError(
        'ACCOUNTING_DUPLICATE_CHIP',
        `chips[${position}].ueid: chip ${key} was already given as chips[${earlier.position}]; give one appraisal per chip`,
      );
    }
    index.set(key, { chip, position });
  });
  return index;
}

/**
 * The chip's disclosed entries, each once. Bundles merged by a caller may repeat an opening; a
 * repeat is harmless and counted once. Two different disclosures of one entry cannot both be true
 * (the entry is signed, and its commitment opens to one descriptor: log-entry.md §3), so they are
 * refused rather than one of them chosen.
 */
function distinctEntries(chip: AppraisedChip, position: number): DisclosedWorkload[] {
  const byIndex = new Map<number, DisclosedWorkload>();
  chip.workloads.forEach((workload, i) => {
    const name = `chips[${position}].workloads[${i}]`;
    if (!Number.isSafeInteger(workload.logIndex) || workload.logIndex < 0) {
      throw new HemkitError('ACCOUNTING_INVALID_INPUT', `${name}.logIndex: expected a non-negative integer, got ${workload.logIndex}`);
    }
    checkOps(workload.ops, `${name}.ops`);
    const earlier = byIndex.get(workload.logIndex);
    if (earlier === undefined) {
      byIndex.set(workload.logIndex, workload);
    } else if (earlier.ops !== workload.ops || !sameDescriptor(earlier.descriptor, workload.descriptor)) {
      throw new HemkitError(
        'ACCOUNTING_CONFLICTING_ENTRY',
        `${name}: log entry ${workload.logIndex} of chip ${ueidHex(chip.ueid)} is disclosed twice with different operations or descriptors`,
      );
    }
  });
  return [...byIndex.values()];
}

function addToRun(runs: Map<string, Run>, chipKey: string, ueid: Uint8Array, workload: DisclosedWorkload): void {
  const id = workload.descriptor.workloadId;
  let run = runs.get(id);
  if (run === undefined) {
    run = { contributions: new Map(), clusterChips: new Map(), totalOps: 0n };
    runs.set(id, run);
  }
  run.totalOps += workload.ops;
  const contribution = run.contributions.get(chipKey);
  if (contribution === undefined) {
    run.contributions.set(chipKey, { ueid, ops: workload.ops, logIndices: [workload.logIndex] });
  } else {
    contribution.ops += workload.ops;
    contribution.logIndices.push(workload.logIndex);
  }
  // The chips of one run may each describe the cluster differently (a chip added mid-run, say); every
  // chip any of them names is one the run used.
  for (const member of workload.descriptor.clusterChips ?? []) run.clusterChips.set(ueidHex(member), member);
}

const REASON_ORDER: Readonly<Record<UnreportedReason, number>> = { missing: 0, unverified: 1, undisclosed: 2 };

function unreported(run: Run, chips: ReadonlyMap<string, { chip: AppraisedChip }>): UnreportedChip[] {
  const out: UnreportedChip[] = [];
  for (const [key, ueid] of run.clusterChips) {
    const chip = chips.get(key)?.chip;
    if (chip === undefined) out.push({ ueid, reason: 'missing' });
    else if (!chip.affirmed) out.push({ ueid, reason: 'unverified' });
    else if (!run.contributions.has(key)) out.push({ ueid, reason: 'undisclosed' });
  }
  return out.sort((a, b) => REASON_ORDER[a.reason] - REASON_ORDER[b.reason] || compareText(ueidHex(a.ueid), ueidHex(b.ueid)));
}

function sameDescriptor(a: WorkloadDescriptor, b: WorkloadDescriptor): boolean {
  if (a.workloadId !== b.workloadId || a.description !== b.description) return false;
  const ac = a.clusterChips;
  const bc = b.clusterChips;
  if (ac === undefined || bc === undefined) return ac === bc;
  return ac.length === bc.length && ac.every((ueid, i) => ueidHex(ueid) === ueidHex(bc[i]!));
}

function compareBigDescending(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
