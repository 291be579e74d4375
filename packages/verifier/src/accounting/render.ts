/**
 * Renderings of a fleet report: plain text for `hemkit account`, and a JSON-safe object. Both carry
 * exactly what the report carries, so the runs below every threshold stay an aggregate here too.
 */
import type { FleetReport, UnreportedReason } from './account.js';
import { ueidHex } from './ueid.js';

/**
 * `d.ddde<exp>` with the digits after the first `significant` cut off, never rounded up: a total
 * printed beside a threshold is never shown larger than it is. The exact integer is always printed
 * beside it, since 10^25 + 1 and 10^25 look alike in any short form.
 */
export function formatScientific(n: bigint, significant = 4): string {
  if (n < 0n) return `-${formatScientific(-n, significant)}`;
  const digits = n.toString();
  const kept = digits.slice(0, significant).padEnd(significant, '0');
  return `${kept[0]}${significant > 1 ? `.${kept.slice(1)}` : ''}e${digits.length - 1}`;
}

function ops(n: bigint): string {
  return `${formatScientific(n)} (${n})`;
}

// Workload ids are operator text: quoted and escaped, so that none can forge a line of the report.
function quote(text: string): string {
  return JSON.stringify(text);
}

const REASON_TEXT: Readonly<Record<UnreportedReason, string>> = {
  missing: 'missing: no evidence from this chip',
  unverified: 'unverified: its evidence was not affirmed',
  undisclosed: 'undisclosed: affirmed, but no entry of this run opened',
};

export function renderFleetReport(report: FleetReport): string {
  const lines: string[] = ['Fleet compute accounting', ''];

  const { chips } = report;
  lines.push(`Chips: ${chips.reporting} reporting, ${chips.affirmed} affirmed, ${chips.notAffirmed.length} not affirmed`);
  for (const ueid of chips.notAffirmed) lines.push(`  not affirmed, not counted: ${ueidHex(ueid)}`);
  lines.push('');

  lines.push('Thresholds (a run passes one when its total is greater than it):');
  if (report.thresholds.length === 0) lines.push('  none');
  for (const t of report.thresholds) {
    lines.push(`  ${t.id}: ${ops(t.ops)}`, `    ${t.description}`);
  }
  lines.push('');

  lines.push(`Flagged runs: ${report.flagged.length}`);
  for (const run of report.flagged) {
    lines.push(
      '',
      `  run ${quote(run.workloadId)}`,
      `    total: ${ops(run.totalOps)} operations`,
      `    passes: ${run.thresholdsPassed.join(', ')}`,
      `    chips that contributed (${run.contributions.length}):`,
    );
    for (const c of run.contributions) {
      lines.push(`      ${ueidHex(c.ueid)}  ${ops(c.ops)}  log entries ${c.logIndices.join(', ')}`);
    }
    if (run.unreportedChips.length > 0) {
      lines.push(`    cluster chips that did not report (${run.unreportedChips.length}):`);
      for (const u of run.unreportedChips) lines.push(`      ${ueidHex(u.ueid)}  ${REASON_TEXT[u.reason]}`);
    }
  }
  lines.push('');

  const { aggregate } = report;
  lines.push(
    `Below every threshold: ${aggregate.workloads} run(s), ${ops(aggregate.totalOps)} operations in total, not itemised` +
      (aggregate.withUnreportedChips > 0 ? `; ${aggregate.withUnreportedChips} of them name cluster chips that did not report` : ''),
    `Undisclosed: ${ops(report.undisclosedOps)} operations on affirmed chips in no opened entry`,
    '',
  );

  lines.push('Notes:');
  for (const note of notes(report)) lines.push(`  - ${note}`);
  return `${lines.join('\n')}\n`;
}

function notes(report: FleetReport): string[] {
  const out = [
    'A run is the work whose disclosed descriptors carry one workload id. A run disclosed under several ids is counted as several smaller runs, and each part may stay below a threshold the whole would pass: the accounting cannot join them.',
    'A total exactly at a threshold does not pass it.',
  ];
  if (report.chips.notAffirmed.length > 0) {
    out.push('Chips whose evidence was not affirmed are listed, but none of their operations is added to any total.');
  }
  if (report.aggregate.withUnreportedChips > 0 || report.flagged.some((f) => f.unreportedChips.length > 0)) {
    out.push('A run whose cluster names chips that did not report may be larger than its counted total.');
  }
  if (report.undisclosedOps > 0n) {
    out.push('Undisclosed operations are in entries the operator left sealed, or in workloads below the chips\' itemisation threshold; they cannot be attributed to any run.');
  }
  return out;
}

export interface FleetReportJson {
  readonly thresholds: readonly { readonly id: string; readonly description: string; readonly ops: string }[];
  readonly flagged: readonly {
    readonly workloadId: string;
    readonly totalOps: string;
    readonly thresholdsPassed: readonly string[];
    readonly contributions: readonly { readonly ueid: string; readonly ops: string; readonly logIndices: readonly number[] }[];
    readonly unreportedChips: readonly { readonly ueid: string; readonly reason: UnreportedReason }[];
  }[];
  readonly aggregate: { readonly workloads: number; readonly totalOps: string; readonly withUnreportedChips: number };
  readonly chips: { readonly reporting: number; readonly affirmed: number; readonly notAffirmed: readonly string[] };
  readonly undisclosedOps: string;
}

/** The report with bigints as decimal strings (JSON numbers lose precision past 2^53) and UEIDs as hex. */
export function fleetReportToJson(report: FleetReport): FleetReportJson {
  return {
    thresholds: report.thresholds.map((t) => ({ id: t.id, description: t.description, ops: t.ops.toString() })),
    flagged: report.flagged.map((f) => ({
      workloadId: f.workloadId,
      totalOps: f.totalOps.toString(),
      thresholdsPassed: [...f.thresholdsPassed],
      contributions: f.contributions.map((c) => ({ ueid: ueidHex(c.ueid), ops: c.ops.toString(), logIndices: [...c.logIndices] })),
      unreportedChips: f.unreportedChips.map((u) => ({ ueid: ueidHex(u.ueid), reason: u.reason })),
    })),
    aggregate: {
      workloads: report.aggregate.workloads,
      totalOps: report.aggregate.totalOps.toString(),
      withUnreportedChips: report.aggregate.withUnreportedChips,
    },
    chips: {
      reporting: report.chips.reporting,
      affirmed: report.chips.affirmed,
      notAffirmed: report.chips.notAffirmed.map(ueidHex),
    },
    undisclosedOps: report.undisclosedOps.toString(),
  };
}
