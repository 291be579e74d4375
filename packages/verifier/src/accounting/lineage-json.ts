/**
 * A lineage report as JSON (specs/schemas/lineage-report.schema.json): bigints as decimal strings,
 * since JSON numbers lose precision past 2^53. It carries exactly what the report carries, so
 * unflagged lineages stay an aggregate here too.
 */
import { checkLineageReport, type ItemisedModel, type LineageFlag, type LineageReport } from './lineage.js';

export interface LineageReportJson {
  readonly thresholds: readonly { readonly id: string; readonly description: string; readonly ops: string }[];
  readonly now: number;
  readonly noticeSeconds: number;
  readonly models: readonly ItemisedModelJson[];
  readonly edges: readonly (readonly [string, string])[];
  readonly aggregate: { readonly states: number; readonly workloads: number; readonly ownOps: string };
  readonly totals: LineageReport['totals'];
}

export interface ItemisedModelJson {
  readonly state: string;
  readonly flags: readonly LineageFlag[];
  readonly ownOps: string;
  readonly cumulativeOps: string;
  readonly missingAncestors: number;
  readonly thresholdsPassed: readonly string[];
  readonly thresholdsProjected: readonly string[];
  readonly projectedOps: string;
  readonly thresholdsUndetermined: readonly string[];
  /** A decimal string, or "unbounded". */
  readonly unaccountedOps: string;
  readonly modification?: { readonly base: string; readonly baseOps: string; readonly modificationOps: string };
  readonly workloadIds: readonly string[];
  readonly chips: number;
  readonly workloads: number;
}

export function lineageReportToJson(report: LineageReport): LineageReportJson {
  const r = checkLineageReport(report);
  return {
    thresholds: r.thresholds.map((t) => ({ id: t.id, description: t.description, ops: t.ops.toString() })),
    now: r.now,
    noticeSeconds: r.noticeSeconds,
    models: r.models.map(modelToJson),
    edges: r.edges.map(([p, c]) => [p, c] as const),
    aggregate: { states: r.aggregate.states, workloads: r.aggregate.workloads, ownOps: r.aggregate.ownOps.toString() },
    totals: { ...r.totals },
  };
}

function modelToJson(m: ItemisedModel): ItemisedModelJson {
  return {
    state: m.state,
    flags: [...m.flags],
    ownOps: m.ownOps.toString(),
    cumulativeOps: m.cumulativeOps.toString(),
    missingAncestors: m.missingAncestors,
    thresholdsPassed: [...m.thresholdsPassed],
    thresholdsProjected: [...m.thresholdsProjected],
    projectedOps: m.projectedOps.toString(),
    thresholdsUndetermined: [...m.thresholdsUndetermined],
    unaccountedOps: m.unaccountedOps.toString(),
    ...(m.modification !== undefined
      ? { modification: { base: m.modification.base, baseOps: m.modification.baseOps.toString(), modificationOps: m.modification.modificationOps.toString() } }
      : {}),
    workloadIds: [...m.workloadIds],
    chips: m.chips,
    workloads: m.workloads,
  };
}
