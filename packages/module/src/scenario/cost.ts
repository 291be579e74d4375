/**
 * The cost model (specs/scenarios.md §5.2): the cost of each command the firmware runs in a chip's
 * ordinary life, measured by running a fixed measurement scenario on the metered part, and those
 * figures projected over a workload pattern and compared with the part's limits. Measured, never
 * tabulated: change the firmware and the figures change with it.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { parseScenario } from './format.js';
import { COST_FIELDS, type Cost } from './meter.js';
import { runScenario, type RunOptions } from './runner.js';
import type { Trace } from './trace.js';

/** How a chip is used, per day and per year, for how long. */
export interface WorkloadPattern {
  readonly years: number;
  readonly workloadsPerDay: number;
  readonly attestationsPerDay: number;
  readonly licencesPerYear: number;
  readonly bootsPerYear: number;
}

/** What the part can take (specs/scenarios.md §5.2: stated assumptions, to be replaced by a part's). */
export interface PartLimits {
  /** Increments the monotonic counter survives. */
  readonly counterEndurance: number;
  /** Program/erase cycles of the state record's flash pages. */
  readonly flashEndurance: number;
  /** Persistent storage for the state record and the log, in bytes. */
  readonly flashBytes: number;
}

export const DEFAULT_PATTERN: WorkloadPattern = { years: 10, workloadsPerDay: 100, attestationsPerDay: 24, licencesPerYear: 12, bootsPerYear: 12 };
export const DEFAULT_LIMITS: PartLimits = { counterEndurance: 1e6, flashEndurance: 1e5, flashBytes: 16 * 1024 * 1024 };

/** The commands of a chip's ordinary life, and the step of the measurement scenario that measures each. */
export const MEASURED_COMMANDS = ['runWorkload', 'attest', 'checkpoint', 'status', 'proveInclusion', 'readEntries', 'installLicence', 'boot'] as const;
export type MeasuredCommand = (typeof MEASURED_COMMANDS)[number];

export interface CommandCost {
  readonly cost: Cost;
  /** How many bytes the state record grew by (negative: shrank). */
  readonly stateGrowth: number;
}

const HUGE = '340282366920938463463374607431768211455';

/**
 * The measurement scenario: a licensed chip that has run one workload (so the second is measured in
 * the steady state), then each command once. Its step indices are MEASURED_AT.
 */
export const MEASUREMENT_SCENARIO = {
  format: 'hemkit-scenario/v1',
  id: 'cost-measurement',
  description: 'each command of a chip’s ordinary life, once, on a licensed chip in the steady state',
  seed: 'cost-measurement',
  startTime: 1_800_000_000,
  chip: { uds: { key: 'uds cost-measurement' } },
  workload: { precision: 'bf16', clusterSize: 8, busyChipSeconds: 3600, interconnectBytes: '1e12' },
  licence: { opsQuota: HUGE, expiry: 3650 * 86_400 },
  steps: [
    { do: 'manufacture', comment: 'manufacture' },
    { do: 'provision', comment: 'provision' },
    { do: 'installLicence', comment: 'the first licence', licence: {} },
    { do: 'runWorkload', comment: 'a first workload', descriptor: { json: { run: 'first' } }, ops: '1e21' },
    { do: 'runWorkload', comment: 'runWorkload', descriptor: { json: { run: 'measured' } }, ops: '1e21' },
    { do: 'attest', comment: 'attest', nonce: { sha256: 'cost nonce', length: 16 } },
    { do: 'checkpoint', comment: 'checkpoint' },
    { do: 'status', comment: 'status' },
    { do: 'proveInclusion', comment: 'proveInclusion', logIndex: 0, treeSize: 'log-size' },
    { do: 'readEntries', comment: 'readEntries', start: 0, end: 'log-size' },
    { do: 'installLicence', comment: 'installLicence: a renewal', licence: {} },
    { do: 'power-cycle', comment: 'boot' },
  ],
} as const;

const MEASURED_AT: Record<MeasuredCommand, number> = { runWorkload: 4, attest: 5, checkpoint: 6, status: 7, proveInclusion: 8, readEntries: 9, installLicence: 10, boot: 11 };

export interface Measurement {
  readonly perCommand: Readonly<Record<MeasuredCommand, CommandCost>>;
  /** The state record's size once the chip is licensed: where the projection starts. */
  readonly initialStateBytes: number;
  readonly trace: Trace;
  /** Steps of the measurement that did not go as under the default policy (a policy may refuse some). */
  readonly mismatches: readonly { readonly step: string; readonly expected: string; readonly outcome: string }[];
}

/**
 * Runs the measurement scenario on the metered part (with the caller's backend and policy, if any).
 * A step a policy answers differently is measured as it went, and listed in `mismatches`.
 */
export function measureCommands(options: RunOptions = {}): Measurement {
  const trace = runScenario(parseScenario(MEASUREMENT_SCENARIO), options);
  const perCommand = Object.fromEntries(
    MEASURED_COMMANDS.map((command) => {
      const i = MEASURED_AT[command];
      const step = trace.steps[i]!;
      return [command, { cost: step.cost, stateGrowth: step.stored.state - trace.steps[i - 1]!.stored.state }];
    }),
  ) as Record<MeasuredCommand, CommandCost>;
  const mismatches = trace.mismatches.map((i) => ({ step: trace.steps[i]!.comment, expected: trace.steps[i]!.expect, outcome: trace.steps[i]!.outcome }));
  return { perCommand, initialStateBytes: trace.steps[2]!.stored.state, trace, mismatches };
}

export interface LimitUse {
  readonly limit: keyof PartLimits;
  /** What the pattern uses of it over the life. */
  readonly used: number;
  readonly available: number;
  readonly fraction: number;
  /** The day of the life on which the limit is reached, or null if it is not reached within it. */
  readonly reachedOnDay: number | null;
}

export interface Projection {
  readonly pattern: WorkloadPattern;
  readonly limits: PartLimits;
  readonly days: number;
  /** Each figure per day, as a mean over the pattern (fractions allowed). */
  readonly perDay: Cost;
  /** Each figure over the life, rounded to the nearest whole. */
  readonly life: Cost;
  /** The state record's size at the end of the life, and the log's. */
  readonly storedBytes: { readonly state: number; readonly log: number };
  readonly limitUse: readonly LimitUse[];
}

function check(what: string, value: number, min: 'positive' | 'non-negative'): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && (min === 'positive' ? value > 0 : value >= 0);
  if (!ok) throw new HemkitError('COST_INVALID_INPUT', `"${what}" expected a ${min} finite number, got ${String(value)}`);
}

/** Throws COST_INVALID_INPUT for a pattern or limit out of range: years and limits above 0, rates at least 0. */
export function checkCostInputs(pattern: WorkloadPattern, limits: PartLimits): void {
  check('years', pattern.years, 'positive');
  for (const k of ['workloadsPerDay', 'attestationsPerDay', 'licencesPerYear', 'bootsPerYear'] as const) check(k, pattern[k], 'non-negative');
  for (const k of ['counterEndurance', 'flashEndurance', 'flashBytes'] as const) check(k, limits[k], 'positive');
}

/**
 * Projects measured command costs over a workload pattern (specs/scenarios.md §5.2): per day, the
 * workloads and attestations of the pattern and its share of the yearly licences and boots; over the
 * life, that many days; against each part limit, the fraction used and the day it runs out.
 */
export function projectCost(measurement: Pick<Measurement, 'perCommand' | 'initialStateBytes'>, pattern: WorkloadPattern = DEFAULT_PATTERN, limits: PartLimits = DEFAULT_LIMITS): Projection {
  checkCostInputs(pattern, limits);

  const days = pattern.years * 365;
  const timesPerDay: Record<MeasuredCommand, number> = {
    runWorkload: pattern.workloadsPerDay,
    attest: pattern.attestationsPerDay,
    installLicence: pattern.licencesPerYear / 365,
    boot: pattern.bootsPerYear / 365,
    checkpoint: 0,
    status: 0,
    proveInclusion: 0,
    readEntries: 0,
  };
  const perDayOf = (f: (c: CommandCost) => number) => MEASURED_COMMANDS.reduce((sum, command) => sum + timesPerDay[command] * f(measurement.perCommand[command]), 0);
  const perDay = Object.fromEntries(COST_FIELDS.map((k) => [k, perDayOf((c) => c.cost[k])])) as unknown as Cost;
  const life = Object.fromEntries(COST_FIELDS.map((k) => [k, Math.round(perDay[k] * days)])) as unknown as Cost;
  const stateGrowthPerDay = perDayOf((c) => c.stateGrowth);
  const state0 = measurement.initialStateBytes;
  const storedBytes = { state: Math.round(state0 + stateGrowthPerDay * days), log: life.logBytesWritten };

  /** The day a quantity starting at `start` and growing `perDay` reaches `available`, if within the life. */
  const reached = (start: number, rate: number, available: number): number | null => {
    if (start >= available) return 0;
    if (rate <= 0) return null;
    const day = Math.ceil((available - start) / rate);
    return day <= days ? day : null;
  };
  const use = (limit: keyof PartLimits, used: number, start: number, rate: number): LimitUse => ({
    limit,
    used,
    available: limits[limit],
    fraction: used / limits[limit],
    reachedOnDay: reached(start, rate, limits[limit]),
  });
  return {
    pattern,
    limits,
    days,
    perDay,
    life,
    storedBytes,
    limitUse: [
      use('counterEndurance', life.counterIncrements, 0, perDay.counterIncrements),
      // The state record rewritten in place: each state write is one program/erase cycle of its pages.
      use('flashEndurance', life.stateWrites, 0, perDay.stateWrites),
      use('flashBytes', storedBytes.state + storedBytes.log, state0, stateGrowthPerDay + perDay.logBytesWritten),
    ],
  };
}
