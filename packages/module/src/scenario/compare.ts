/**
 * Two traces of one scenario side by side (specs/scenarios.md §4.1): under two firmware policies, or
 * two versions of a design. Step by step, what differs: the outcome, the log entries appended, the
 * state transitions and each cost figure; and the totals. Pure: the caller reads the files.
 */
import { COST_FIELDS, type Cost } from './meter.js';
import { Cursor } from './read.js';
import { TRACE_FORMAT, type Trace } from './trace.js';

/** What the comparison needs of a trace; the rest of a trace file is carried along unread. */
export interface ComparableStep {
  readonly index: number;
  readonly do: string;
  readonly comment: string;
  readonly outcome: string;
  readonly cost: Cost;
  readonly logKinds: readonly string[];
  readonly transitions: string;
}

export interface ComparableTrace {
  readonly scenario: string;
  readonly policy: string;
  readonly steps: readonly ComparableStep[];
  readonly totals: Cost;
}

function readCost(c: Cursor): Cost {
  c.object(COST_FIELDS, COST_FIELDS);
  return Object.fromEntries(COST_FIELDS.map((k) => [k, c.at(k).integer(0)])) as unknown as Cost;
}

/** Reads a trace file's JSON for comparison; TRACE_INVALID names the first fault with its JSON pointer. */
export function readTrace(value: unknown): ComparableTrace {
  const root = new Cursor(value, '', 'TRACE_INVALID');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) root.fail('a trace object');
  const format = (value as Record<string, unknown>)['format'];
  if (format !== TRACE_FORMAT) root.at('format').fail(`"${TRACE_FORMAT}"`);
  return {
    scenario: root.at('scenario').string(),
    policy: root.at('policy').string(),
    totals: readCost(root.at('totals')),
    steps: root.at('steps').array().map((s) => {
      if (typeof s.value !== 'object' || s.value === null || Array.isArray(s.value)) s.fail('a step object');
      const transitions = s.at('transitions');
      if (typeof transitions.value !== 'object' || transitions.value === null || Array.isArray(transitions.value)) transitions.fail('an object');
      return {
        index: s.at('index').integer(0),
        do: s.at('do').string(),
        comment: s.at('comment').string(),
        outcome: s.at('outcome').string(),
        cost: readCost(s.at('cost')),
        logKinds: s.at('logEntries').array().map((e) => e.at('kind').string()),
        transitions: JSON.stringify(transitions.value),
      };
    }),
  };
}

export const comparable = (trace: Trace): ComparableTrace => readTrace(JSON.parse(JSON.stringify(trace)));

export interface StepDifference {
  readonly index: number;
  readonly do: string;
  readonly comment: string;
  /** [first, second]; absent when equal. A step only one trace has shows null for the other. */
  readonly outcome?: readonly [string | null, string | null];
  readonly logKinds?: readonly [readonly string[] | null, readonly string[] | null];
  readonly transitionsDiffer?: true;
  readonly cost?: Partial<Record<keyof Cost, readonly [number | null, number | null]>>;
}

export interface TraceComparison {
  readonly first: { readonly scenario: string; readonly policy: string };
  readonly second: { readonly scenario: string; readonly policy: string };
  readonly steps: readonly StepDifference[];
  readonly totals: Record<keyof Cost, readonly [number, number]>;
  /** True when no step differs in anything compared, and the totals agree. */
  readonly same: boolean;
}

export function compareTraces(a: ComparableTrace, b: ComparableTrace): TraceComparison {
  const steps: StepDifference[] = [];
  for (let i = 0; i < Math.max(a.steps.length, b.steps.length); i++) {
    const x = a.steps[i];
    const y = b.steps[i];
    const d: { -readonly [K in keyof StepDifference]: StepDifference[K] } = { index: i, do: (x ?? y)!.do, comment: (x ?? y)!.comment };
    if (x?.outcome !== y?.outcome) d.outcome = [x?.outcome ?? null, y?.outcome ?? null];
    if (JSON.stringify(x?.logKinds) !== JSON.stringify(y?.logKinds)) d.logKinds = [x?.logKinds ?? null, y?.logKinds ?? null];
    if (x === undefined || y === undefined || x.transitions !== y.transitions) d.transitionsDiffer = true;
    const cost: Partial<Record<keyof Cost, readonly [number | null, number | null]>> = {};
    for (const k of COST_FIELDS) if (x?.cost[k] !== y?.cost[k]) cost[k] = [x?.cost[k] ?? null, y?.cost[k] ?? null];
    if (Object.keys(cost).length > 0) d.cost = cost;
    if (Object.keys(d).length > 3) steps.push(d);
  }
  const totals = Object.fromEntries(COST_FIELDS.map((k) => [k, [a.totals[k], b.totals[k]] as const])) as TraceComparison['totals'];
  return {
    first: { scenario: a.scenario, policy: a.policy },
    second: { scenario: b.scenario, policy: b.policy },
    steps,
    totals,
    same: steps.length === 0 && COST_FIELDS.every((k) => a.totals[k] === b.totals[k]),
  };
}
