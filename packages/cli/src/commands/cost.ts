/**
 * `hemkit module cost`: what each command of a chip's ordinary life costs the part, measured on the
 * metered simulated part, and that projected over a workload pattern against the part's limits
 * (specs/scenarios.md §5). The measurement and the arithmetic are @hemkit/module/scenario's; this
 * file reads the options and prints.
 */
import { checkCostInputs, DEFAULT_LIMITS, DEFAULT_PATTERN, MEASURED_COMMANDS, measureCommands, projectCost, type LimitUse, type Measurement, type PartLimits, type Projection, type WorkloadPattern } from '@hemkit/module/scenario';
import type { Io } from '../io.js';
import { loadPolicyModule } from '../policy-module.js';
import { bold, dim, green, red } from '../output.js';

export type CostOptions = Partial<WorkloadPattern & PartLimits> & { readonly json?: boolean; readonly policy?: string };

export async function moduleCost(io: Io, opts: CostOptions): Promise<number> {
  const pattern: WorkloadPattern = {
    years: opts.years ?? DEFAULT_PATTERN.years,
    workloadsPerDay: opts.workloadsPerDay ?? DEFAULT_PATTERN.workloadsPerDay,
    attestationsPerDay: opts.attestationsPerDay ?? DEFAULT_PATTERN.attestationsPerDay,
    licencesPerYear: opts.licencesPerYear ?? DEFAULT_PATTERN.licencesPerYear,
    bootsPerYear: opts.bootsPerYear ?? DEFAULT_PATTERN.bootsPerYear,
  };
  const limits: PartLimits = {
    counterEndurance: opts.counterEndurance ?? DEFAULT_LIMITS.counterEndurance,
    flashEndurance: opts.flashEndurance ?? DEFAULT_LIMITS.flashEndurance,
    flashBytes: opts.flashBytes ?? DEFAULT_LIMITS.flashBytes,
  };
  // The pattern and limits are checked (COST_INVALID_INPUT) before anything is measured.
  checkCostInputs(pattern, limits);
  const policy = opts.policy !== undefined ? await loadPolicyModule(io, opts.policy) : undefined;
  const measurement = measureCommands(policy ? { policy } : {});
  const projection = projectCost(measurement, pattern, limits);
  if (opts.json) {
    io.stdout.write(`${JSON.stringify({ format: 'hemkit-cost/v1', policy: measurement.trace.policy, perCommand: measurement.perCommand, initialStateBytes: measurement.initialStateBytes, mismatches: measurement.mismatches, projection }, null, 2)}\n`);
  } else {
    io.stdout.write(`${renderCost(measurement, projection)}\n`);
  }
  return 0;
}

const n = (x: number) => Math.round(x).toLocaleString('en-GB');
const LIMIT_NAMES: Record<LimitUse['limit'], string> = {
  counterEndurance: 'monotonic counter endurance (increments)',
  flashEndurance: 'state flash endurance (P/E cycles, rewritten in place)',
  flashBytes: 'flash size (state record + log, bytes)',
};

function renderCost(measurement: Measurement, p: Projection): string {
  const { perCommand } = measurement;
  const header = `  ${'command'.padEnd(15)}${['sig', 'ver', 'hash', 'state wr', 'state B', 'log wr', 'log B', 'ctr', 'state +B'].map((h) => h.padStart(9)).join('')}`;
  const rows = MEASURED_COMMANDS.map((command) => {
    const { cost: c, stateGrowth } = perCommand[command];
    const cells = [c.signatures, c.verifications, c.hashes, c.stateWrites, c.stateBytesWritten, c.logWrites, c.logBytesWritten, c.counterIncrements, stateGrowth];
    return `  ${command.padEnd(15)}${cells.map((x) => String(x).padStart(9)).join('')}`;
  });
  const q = p.pattern;
  const lines = [
    bold('Cost per command') + dim(` (measured on the simulated part, firmware policy ${measurement.trace.policy})`),
    ...measurement.mismatches.map((m) => dim(`  note: under this policy, "${m.step}" was ${m.outcome}, not ${m.expected}: measured as it went`)),
    header,
    ...rows,
    '',
    bold('Pattern') + `: ${q.workloadsPerDay} workloads and ${q.attestationsPerDay} attestations a day, ${q.licencesPerYear} licences and ${q.bootsPerYear} boots a year, for ${q.years} years (${p.days} days)`,
    `  over the life: ${n(p.life.signatures)} signatures, ${n(p.life.verifications)} verifications, ${n(p.life.hashes)} hashes, ${n(p.life.stateWrites)} state writes (${n(p.life.stateBytesWritten)} B), ${n(p.life.logWrites)} log writes (${n(p.life.logBytesWritten)} B), ${n(p.life.counterIncrements)} counter increments`,
    `  stored at the end: state record ${n(p.storedBytes.state)} B, log ${n(p.storedBytes.log)} B`,
    '',
    bold('Against the part'),
    ...p.limitUse.map((u) => {
      const pct = `${(u.fraction * 100).toFixed(1)}%`;
      const verdict = u.reachedOnDay === null ? green('within the life') : red(`reached on day ${u.reachedOnDay} (year ${(u.reachedOnDay / 365).toFixed(1)})`);
      return `  ${LIMIT_NAMES[u.limit].padEnd(56)} ${n(u.used)} of ${n(u.available)} (${pct}): ${verdict}`;
    }),
  ];
  return lines.join('\n');
}
