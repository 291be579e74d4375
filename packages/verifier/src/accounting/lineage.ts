/**
 * Lineage accounting (specs/verifier.md §6.2): reporting thresholds checked per model, on the
 * cumulative compute that went into it (EU AI Act Art. 51(2): "the cumulative amount of computation
 * used for its training"), not per workload id. A model is a model state; its cumulative work is
 * its own plus every ancestor's, each once. Splitting a run across chips or ids, or relabelling it,
 * leaves the states it produced, and so their totals, as they are.
 *
 * Each state is judged on four rules, and itemised when one holds:
 * - `crossed`: its cumulative work is greater than a threshold;
 * - `projected`: it is not, but its producers' rate over the rest of their licences' windows,
 *   capped at the notice period (Recital 112: two weeks), would carry it over one;
 * - `modification`: its work since its base model is more than a third of the base's cumulative
 *   work (the Commission's guidelines on GPAI providers: a modifier using more than a third of the
 *   original model's training compute becomes its provider);
 * - `undetermined`: it is below every threshold on what was disclosed, but the unaccounted work of
 *   the holders in its lineage (sealed work, chips that did not report) could carry it over one.
 * Everything else is counted in an aggregate, never named: the auditor sees the totals and edges
 * of itemised lineages only (privacy.md §4.1).
 */
import { HemkitError } from '@hemkit/wire/errors';
import type { OpsBound } from './account.js';
import { checkRecord, invalid } from './input-errors.js';
import { buildLineageGraph, type LineageGraph } from './lineage-graph.js';
import { checkLineageEvidence, type CheckedLineage, type IndexedWorkload, type LineageEvidence } from './lineage-input.js';
import { StateSums } from './lineage-sums.js';
import { checkThresholds, DEFAULT_THRESHOLDS, type Threshold } from './thresholds.js';

/** Recital 112 of Regulation (EU) 2024/1689: notify "without delay and in any event within two weeks". */
export const NOTICE_PERIOD_SECONDS = 14 * 86_400;

export type LineageFlag = 'crossed' | 'projected' | 'modification' | 'undetermined';

/** How a parent no disclosed workload produced and no declared model gives is handled (§6.2, "Missing parents"). */
export type MissingParentRule = 'lower-bound' | 'refuse';

export interface LineageOptions {
  readonly thresholds?: readonly Threshold[];
  /** The accounting's clock, for projections (epoch seconds); default: the latest workload's time. */
  readonly now?: number;
  readonly noticeSeconds?: number;
  /** Default `lower-bound`: the missing state counts as 0 and its descendants' totals are lower bounds. */
  readonly missingParents?: MissingParentRule;
}

export interface ItemisedModel {
  /** The state's digest, hex. */
  readonly state: string;
  readonly flags: readonly LineageFlag[];
  readonly ownOps: bigint;
  readonly cumulativeOps: bigint;
  /** Missing states among its ancestors: when any, `cumulativeOps` is a lower bound. */
  readonly missingAncestors: number;
  readonly thresholdsPassed: readonly string[];
  /** Thresholds its producers' rate would pass within the notice period, with the work projected. */
  readonly thresholdsProjected: readonly string[];
  readonly projectedOps: bigint;
  readonly thresholdsUndetermined: readonly string[];
  /** The unaccounted work of the holders in its lineage. */
  readonly unaccountedOps: OpsBound;
  readonly modification?: { readonly base: string; readonly baseOps: bigint; readonly modificationOps: bigint };
  /** The workload ids its own work was disclosed under (a split or relabelled run shows several). */
  readonly workloadIds: readonly string[];
  readonly chips: number;
  readonly workloads: number;
}

export interface LineageReport {
  readonly thresholds: readonly Threshold[];
  readonly now: number;
  readonly noticeSeconds: number;
  /** Largest cumulative work first. */
  readonly models: readonly ItemisedModel[];
  /** Every edge (parent, child) among the itemised models and their ancestors, sorted. */
  readonly edges: readonly (readonly [string, string])[];
  /** The states in no itemised lineage: counted, never named. */
  readonly aggregate: { readonly states: number; readonly workloads: number; readonly ownOps: bigint };
  readonly totals: {
    readonly states: number;
    readonly edges: number;
    readonly workloads: number;
    /** Repeated disclosures of one entry, counted once. */
    readonly duplicateDisclosures: number;
    /** States some workload names as a parent that nothing produced or declared. */
    readonly missingStates: number;
  };
}

const REPORTS = new WeakSet<object>();

export function accountLineage(evidence: LineageEvidence, options: LineageOptions = {}): LineageReport {
  const input = checkLineageEvidence(evidence);
  const o = checkLineageOptions(options, () => input.workloads.reduce((m, w) => Math.max(m, w.time), 0));
  return lineageReport(sumsOf(input, o.now, o.noticeSeconds), o);
}

/** The options, checked; `now` defaults to `defaultNow()` (accountLineage: the latest workload's time). */
export function checkLineageOptions(options: LineageOptions, defaultNow: () => number): CheckedLineageOptions {
  const o = checkRecord(options, 'options');
  const thresholds = o['thresholds'] === undefined ? DEFAULT_THRESHOLDS : checkThresholds(o['thresholds']);
  const noticeSeconds = o['noticeSeconds'] === undefined ? NOTICE_PERIOD_SECONDS : checkSeconds(o['noticeSeconds'], 'options.noticeSeconds');
  const now = o['now'] === undefined ? defaultNow() : checkSeconds(o['now'], 'options.now');
  const rule = o['missingParents'] ?? 'lower-bound';
  if (rule !== 'lower-bound' && rule !== 'refuse') throw invalid('options.missingParents', '"lower-bound" or "refuse"', rule);
  return { thresholds, noticeSeconds, now, missingParents: rule };
}

export interface CheckedLineageOptions {
  readonly thresholds: readonly Threshold[];
  readonly noticeSeconds: number;
  readonly now: number;
  readonly missingParents: MissingParentRule;
}

/**
 * The checked evidence as per-state sums: its states keep their ids, and each chip's workloads are
 * added together, in the order the chips first appear.
 */
function sumsOf(input: CheckedLineage, now: number, noticeSeconds: number): StateSums {
  const sums = new StateSums(now, noticeSeconds);
  for (const key of input.stateKeys) sums.state(key);
  for (const [id, ops] of input.declared) sums.declared.set(id, ops);
  for (const [holder, u] of input.holderUnaccounted) sums.holderUnaccounted.set(holder, u);
  const byChip = new Map<string, IndexedWorkload[]>();
  for (const w of input.workloads) {
    const list = byChip.get(w.chip);
    if (list === undefined) byChip.set(w.chip, [w]);
    else list.push(w);
  }
  for (const [chip, workloads] of byChip) sums.addChip(input.chipHolder.get(chip) ?? `chip:${chip}`, input.chipExpiry.get(chip), workloads);
  sums.duplicates = input.duplicates;
  return sums;
}

/** The report on everything added to `sums` (§6.2): the graph, each state judged, the aggregate. */
export function lineageReport(sums: StateSums, o: CheckedLineageOptions): LineageReport {
  const { thresholds, now, noticeSeconds } = o;
  const graph = buildLineageGraph(sums);
  if (o.missingParents === 'refuse') {
    const s = graph.missing.findIndex((m, id) => m === 1 && graph.children[id]!.length > 0);
    if (s >= 0) throw new HemkitError('LINEAGE_PARENT_MISSING', `model state ${sums.stateKeys[s]} is named as a parent, but no disclosed workload produced it and no declared model gives its compute`);
  }

  const models: ItemisedModel[] = [];
  const itemised: number[] = [];
  for (let s = 0; s < graph.size; s++) {
    if (graph.missing[s] === 1) continue; // not a model the evidence knows: counted with its children
    // Only states no workload has built on yet are projected: a state with children is finished.
    const projected = graph.children[s]!.length > 0 ? 0n : sums.projected[s]!;
    const m = judge(s, sums, graph, thresholds, projected);
    if (m !== undefined) {
      models.push(m);
      itemised.push(s);
    }
  }
  models.sort((a, b) => (a.cumulativeOps > b.cumulativeOps ? -1 : a.cumulativeOps < b.cumulativeOps ? 1 : a.state < b.state ? -1 : a.state > b.state ? 1 : 0));

  const { edges, inLineage } = lineageEdges(itemised, graph, sums.stateKeys);
  let aggStates = 0;
  let aggOps = 0n;
  let aggWorkloads = 0;
  for (let s = 0; s < graph.size; s++) {
    if (inLineage[s] === 0) aggWorkloads += sums.workloads[s]!;
    if (inLineage[s] === 1 || graph.missing[s] === 1) continue;
    aggStates++;
    aggOps += graph.ownOps[s]!;
  }
  let edgeCount = 0;
  for (const ps of graph.parents) edgeCount += ps.length;
  const report: LineageReport = {
    thresholds,
    now,
    noticeSeconds,
    models,
    edges,
    aggregate: { states: aggStates, workloads: aggWorkloads, ownOps: aggOps },
    totals: {
      states: graph.size - countOnes(graph.missing),
      edges: edgeCount,
      workloads: sums.workloadCount,
      duplicateDisclosures: sums.duplicates,
      missingStates: countOnes(graph.missing),
    },
  };
  deepFreeze(report);
  REPORTS.add(report);
  return report;
}

/**
 * Every known state's cumulative work, by digest (hex): the numbers the report is judged on, for a
 * caller that holds the whole evidence anyway (a simulation scoring itself, a chart). It is not a
 * report: it names every state, so it MUST NOT be handed to an auditor (privacy.md §4.1).
 */
export function cumulativeCompute(evidence: LineageEvidence): Map<string, bigint> {
  const input = checkLineageEvidence(evidence);
  return cumulativeOf(sumsOf(input, 0, NOTICE_PERIOD_SECONDS));
}

/** cumulativeCompute of what `sums` holds. */
export function cumulativeOf(sums: StateSums): Map<string, bigint> {
  const graph = buildLineageGraph(sums);
  const out = new Map<string, bigint>();
  for (let s = 0; s < graph.size; s++) if (graph.missing[s] === 0) out.set(sums.stateKeys[s]!, graph.cumulativeOps[s]!);
  return out;
}

/** The report itself, or ACCOUNTING_INVALID_INPUT when `value` is not one accountLineage returned. */
export function checkLineageReport(value: unknown): LineageReport {
  if (typeof value !== 'object' || value === null || !REPORTS.has(value)) throw invalid('report', 'a LineageReport returned by accountLineage', value);
  return value as LineageReport;
}

function judge(s: number, input: StateSums, graph: LineageGraph, thresholds: readonly Threshold[], projectedOps: bigint): ItemisedModel | undefined {
  const cumulative = graph.cumulativeOps[s]!;
  const unaccounted = holderBound(graph.lineageHolders[s]!, input.holderUnaccounted);
  const thresholdsPassed: string[] = [];
  const thresholdsProjected: string[] = [];
  const thresholdsUndetermined: string[] = [];
  for (const t of thresholds) {
    if (cumulative > t.ops) thresholdsPassed.push(t.id);
    else if (projectedOps > 0n && cumulative + projectedOps > t.ops) thresholdsProjected.push(t.id);
    else if (unaccounted === 'unbounded' || cumulative + unaccounted > t.ops) thresholdsUndetermined.push(t.id);
  }
  const b = graph.base[s]!;
  let modification: ItemisedModel['modification'];
  if (b >= 0) {
    const baseOps = graph.cumulativeOps[b]!;
    const modificationOps = cumulative - baseOps;
    // More than a third: 3 × modification > base, exact in integers.
    if (3n * modificationOps > baseOps) modification = { base: input.stateKeys[b]!, baseOps, modificationOps };
  }
  const flags: LineageFlag[] = [];
  if (thresholdsPassed.length > 0) flags.push('crossed');
  if (thresholdsProjected.length > 0) flags.push('projected');
  if (modification !== undefined) flags.push('modification');
  if (thresholdsUndetermined.length > 0) flags.push('undetermined');
  if (flags.length === 0) return undefined;
  return {
    state: input.stateKeys[s]!,
    flags,
    ownOps: graph.ownOps[s]!,
    cumulativeOps: cumulative,
    missingAncestors: graph.missingAncestors[s]!,
    thresholdsPassed,
    thresholdsProjected,
    projectedOps,
    thresholdsUndetermined,
    unaccountedOps: unaccounted,
    ...(modification !== undefined ? { modification } : {}),
    workloadIds: [...(input.workloadIds[s] ?? [])].sort(),
    chips: input.chips[s]!,
    workloads: input.workloads[s]!,
  };
}

function holderBound(holders: ReadonlySet<string>, unaccounted: ReadonlyMap<string, OpsBound>): OpsBound {
  let sum = 0n;
  for (const h of holders) {
    const u = unaccounted.get(h) ?? 0n;
    if (u === 'unbounded') return 'unbounded';
    sum += u;
  }
  return sum;
}

/** The edges of every itemised state's ancestry, each once, and which states those lineages hold. */
function lineageEdges(itemised: readonly number[], graph: LineageGraph, keys: readonly string[]) {
  const inLineage = new Uint8Array(graph.size);
  const stack = [...itemised];
  for (const s of itemised) inLineage[s] = 1;
  const edges: [string, string][] = [];
  while (stack.length > 0) {
    const s = stack.pop()!;
    for (const p of graph.parents[s]!) {
      edges.push([keys[p]!, keys[s]!]);
      if (inLineage[p] === 0) {
        inLineage[p] = 1;
        stack.push(p);
      }
    }
  }
  edges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return { edges, inLineage };
}

function checkSeconds(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(path, 'a non-negative integer of seconds', value);
  return value;
}

function countOnes(a: Uint8Array): number {
  let n = 0;
  for (const x of a) n += x;
  return n;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const member of Object.values(value)) deepFreeze(member);
}
