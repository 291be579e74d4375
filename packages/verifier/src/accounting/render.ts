/**
 * Renderings of a fleet report: plain text for `hemkit account`, and a JSON-safe object. Both carry
 * exactly what the report carries, so the runs below every threshold stay an aggregate here too. Both
 * take only a report accountFleet made: an object that merely looks like one (a run dropped, a
 * sub-threshold run itemised) is refused.
 */
import { checkReport, type FleetReport, type ItemisedRun, type MissingReason, type OpsBound, type RunStatus } from './account.js';
import { invalid } from './input-errors.js';
import { toHex } from '@hemkit/wire/bytes';

const MAX_SIGNIFICANT = 100;

/**
 * `d.ddde<exp>` with the digits after the first `significant` cut off, never rounded up: a total
 * printed beside a threshold is never shown larger than it is. The exact integer is always printed
 * beside it, since 10^25 + 1 and 10^25 look alike in any short form.
 */
export function formatScientific(n: bigint, significant = 4): string {
  if (typeof n !== 'bigint') throw invalid('n', 'a bigint', n);
  if (typeof significant !== 'number' || !Number.isInteger(significant) || significant < 1 || significant > MAX_SIGNIFICANT) {
    throw invalid('significant', `an integer from 1 to ${MAX_SIGNIFICANT}`, significant);
  }
  if (n < 0n) return `-${formatScientific(-n, significant)}`;
  const digits = n.toString();
  const kept = digits.slice(0, significant).padEnd(significant, '0');
  return `${kept[0]}${significant > 1 ? `.${kept.slice(1)}` : ''}e${digits.length - 1}`;
}

function ops(n: bigint): string {
  return `${formatScientific(n)} (${n})`;
}

function bound(b: OpsBound): string {
  return b === 'unbounded' ? 'unbounded: nothing in the evidence or the licence register bounds it' : `${ops(b)} operations`;
}

// Workload ids are operator text: quoted and escaped, so that none can forge a line of the report.
function quote(text: string): string {
  return JSON.stringify(text);
}

const REASON_TEXT: Readonly<Record<MissingReason, string>> = {
  'no-evidence': 'no evidence from this chip',
  'not-affirmed': 'its evidence was not affirmed',
  undisclosed: 'affirmed, but no entry of this run opened',
};

const STATUS_HEADING: Readonly<Record<RunStatus, string>> = {
  flagged: 'Flagged runs (the reported total alone passes a threshold)',
  incomplete: 'Incomplete runs (below every threshold as reported, but the chips they name could carry them over)',
};

export function renderFleetReport(report: FleetReport): string {
  const r = checkReport(report);
  const lines: string[] = ['Fleet compute accounting', ''];

  const { chips } = r;
  lines.push(`Chips: ${chips.reporting} reporting, ${chips.affirmed} affirmed, ${chips.notAffirmed.length} not affirmed`);
  for (const ueid of chips.notAffirmed) lines.push(`  not affirmed, not counted: ${toHex(ueid)}`);
  lines.push('');

  lines.push('Thresholds (a run passes one when its total is greater than it):');
  if (r.thresholds.length === 0) lines.push('  none');
  for (const t of r.thresholds) {
    lines.push(`  ${t.id}: ${ops(t.ops)}`, `    ${t.description}`);
  }

  for (const [status, runs] of [['flagged', r.flagged], ['incomplete', r.incomplete]] as const) {
    lines.push('', `${STATUS_HEADING[status]}: ${runs.length}`);
    for (const run of runs) renderRun(run, lines);
  }
  lines.push('');

  const { aggregate } = r;
  lines.push(
    `Below every threshold: ${aggregate.workloads} run(s), ${ops(aggregate.reportedOps)} operations reported in total, not itemised` +
      (aggregate.withMissingChips > 0 ? `; ${aggregate.withMissingChips} of them name chips that did not contribute` : ''),
    `  at most ${bound(aggregate.opsUpperBound)} in total`,
    `Undisclosed: ${ops(r.undisclosedOps)} operations on affirmed chips in no opened entry`,
    ...(r.chips.memoryBytes > 0n ? [`Memory transfer: ${r.chips.memoryBytes} bytes on affirmed chips`] : []),
    '',
  );

  lines.push('Notes:');
  for (const note of notes(r.flagged, r.incomplete, r.chips.notAffirmed.length, r.aggregate.withMissingChips, r.undisclosedOps)) lines.push(`  - ${note}`);
  return `${lines.join('\n')}\n`;
}

function renderRun(run: ItemisedRun, lines: string[]): void {
  lines.push(
    '',
    `  run ${quote(run.workloadId)}`,
    `    reported: ${ops(run.reportedOps)} operations`,
    `    upper bound: ${bound(run.opsUpperBound)}`,
  );
  if (run.thresholdsPassed.length > 0) lines.push(`    passes: ${run.thresholdsPassed.join(', ')}`);
  if (run.thresholdsUndetermined.length > 0) lines.push(`    may pass: ${run.thresholdsUndetermined.join(', ')}`);
  lines.push(`    chips that contributed (${run.contributions.length}):`);
  for (const c of run.contributions) {
    lines.push(`      ${toHex(c.ueid)}  ${ops(c.ops)}  log entries ${c.logIndices.join(', ')}; unaccounted ${ops(c.unaccountedOps)}`);
  }
  if (run.missingChips.length > 0) {
    lines.push(`    chips named that did not contribute (${run.missingChips.length}):`);
    for (const m of run.missingChips) {
      lines.push(`      ${toHex(m.ueid)}  ${m.reason}: ${REASON_TEXT[m.reason]}; unaccounted ${m.unaccountedOps === 'unbounded' ? 'unbounded' : ops(m.unaccountedOps)}`);
    }
  }
}

function notes(
  flagged: readonly ItemisedRun[],
  incomplete: readonly ItemisedRun[],
  notAffirmed: number,
  aggregateWithMissing: number,
  undisclosedOps: bigint,
): string[] {
  const out = [
    'A run is the work whose disclosed descriptors carry one workload id. A run disclosed under several ids is counted as several smaller runs, and each part may stay below a threshold the whole would pass: the accounting cannot join them.',
    'A total exactly at a threshold does not pass it.',
    'A run\'s upper bound adds, for every chip it names, the chip\'s work that no opened entry accounts for; it covers only the chips the run\'s descriptors name, and only the time each chip\'s evidence covers.',
  ];
  if (notAffirmed > 0) {
    out.push('Chips none of whose evidence was affirmed are listed, but none of their operations is added to any total.');
  }
  if (incomplete.length > 0) {
    out.push('An incomplete run is itemised because the evidence cannot show it below every threshold: account again once the chips it names hand in affirmed evidence.');
  }
  const all = [...flagged, ...incomplete];
  if (aggregateWithMissing > 0 || all.some((f) => f.missingChips.length > 0)) {
    out.push('A run that names chips that did not contribute may be larger than its reported total, up to its upper bound.');
  }
  if (all.some((f) => f.opsUpperBound === 'unbounded')) {
    out.push('A chip without affirmed evidence is bounded only by the licences the register lists for it; with none listed, nothing bounds it.');
  }
  if (undisclosedOps > 0n) {
    out.push('Undisclosed operations are in entries the operator left sealed, or in workloads below the chips\' itemisation threshold; they cannot be attributed to any run.');
  }
  return out;
}

export interface FleetReportJson {
  readonly thresholds: readonly { readonly id: string; readonly description: string; readonly ops: string }[];
  readonly flagged: readonly ItemisedRunJson[];
  readonly incomplete: readonly ItemisedRunJson[];
  readonly aggregate: { readonly workloads: number; readonly reportedOps: string; readonly opsUpperBound: string; readonly withMissingChips: number };
  /** `memoryBytes` is absent while 0, so fleets that meter no memory report what they always did. */
  readonly chips: { readonly reporting: number; readonly affirmed: number; readonly notAffirmed: readonly string[]; readonly memoryBytes?: string };
  readonly undisclosedOps: string;
}

export interface ItemisedRunJson {
  readonly status: RunStatus;
  readonly workloadId: string;
  readonly reportedOps: string;
  /** A decimal string, or "unbounded". */
  readonly opsUpperBound: string;
  readonly thresholdsPassed: readonly string[];
  readonly thresholdsUndetermined: readonly string[];
  readonly contributions: readonly { readonly ueid: string; readonly ops: string; readonly logIndices: readonly number[]; readonly unaccountedOps: string }[];
  readonly missingChips: readonly { readonly ueid: string; readonly reason: MissingReason; readonly unaccountedOps: string }[];
}

/** The report with bigints as decimal strings (JSON numbers lose precision past 2^53) and UEIDs as hex. */
export function fleetReportToJson(report: FleetReport): FleetReportJson {
  const r = checkReport(report);
  return {
    thresholds: r.thresholds.map((t) => ({ id: t.id, description: t.description, ops: t.ops.toString() })),
    flagged: r.flagged.map(runToJson),
    incomplete: r.incomplete.map(runToJson),
    aggregate: {
      workloads: r.aggregate.workloads,
      reportedOps: r.aggregate.reportedOps.toString(),
      opsUpperBound: r.aggregate.opsUpperBound.toString(),
      withMissingChips: r.aggregate.withMissingChips,
    },
    chips: {
      reporting: r.chips.reporting,
      affirmed: r.chips.affirmed,
      notAffirmed: r.chips.notAffirmed.map(toHex),
      ...(r.chips.memoryBytes > 0n ? { memoryBytes: r.chips.memoryBytes.toString() } : {}),
    },
    undisclosedOps: r.undisclosedOps.toString(),
  };
}

function runToJson(run: ItemisedRun): ItemisedRunJson {
  return {
    status: run.status,
    workloadId: run.workloadId,
    reportedOps: run.reportedOps.toString(),
    opsUpperBound: run.opsUpperBound.toString(),
    thresholdsPassed: [...run.thresholdsPassed],
    thresholdsUndetermined: [...run.thresholdsUndetermined],
    contributions: run.contributions.map((c) => ({ ueid: toHex(c.ueid), ops: c.ops.toString(), logIndices: [...c.logIndices], unaccountedOps: c.unaccountedOps.toString() })),
    missingChips: run.missingChips.map((m) => ({ ueid: toHex(m.ueid), reason: m.reason, unaccountedOps: m.unaccountedOps.toString() })),
  };
}
