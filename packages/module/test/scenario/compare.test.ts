/**
 * Comparing two traces (specs/scenarios.md §4.1): equal traces agree; a change of design shows in
 * the steps it touches and the totals; a file that is not a trace is TRACE_INVALID with its pointer.
 */
import { describe, expect, it } from 'vitest';
import { comparable, compareTraces, parseScenario, readTrace, runScenario } from '../../src/scenario/index.js';
import { expectCode, licensed, run } from './support.js';

const traceOf = (steps: readonly object[], over: Record<string, unknown> = {}) => comparable(runScenario(parseScenario(licensed(steps, over))));

describe('compareTraces', () => {
  it('two runs of one scenario agree', () => {
    const steps = [run('a', 10), { do: 'checkpoint', comment: 'c' }];
    const c = compareTraces(traceOf(steps), traceOf(steps));
    expect(c.same).toBe(true);
    expect(c.steps).toEqual([]);
  });

  it('a different outcome shows at its step, with its entries, transitions and cost', () => {
    const c = compareTraces(traceOf([run('a', 10)]), traceOf([run('a', 5000, { expect: 'WORKLOAD_OVER_QUOTA' })]));
    expect(c.same).toBe(false);
    expect(c.steps).toHaveLength(1);
    const d = c.steps[0]!;
    expect(d).toMatchObject({ index: 3, do: 'runWorkload', outcome: ['ok', 'WORKLOAD_OVER_QUOTA'], logKinds: [['workloadStarted', 'workloadFinished'], ['workloadRefused']], transitionsDiffer: true });
    expect(d.cost?.logWrites).toEqual([2, 1]);
    expect(c.totals.logWrites[0] - c.totals.logWrites[1]).toBe(1);
  });

  it('a step only one trace has is a difference, the other side null', () => {
    const c = compareTraces(traceOf([run('a', 10)]), traceOf([]));
    expect(c.steps[0]).toMatchObject({ index: 3, outcome: ['ok', null] });
  });
});

describe('readTrace refuses a file that is not a trace, with TRACE_INVALID', () => {
  const good = () => JSON.parse(JSON.stringify(runScenario(parseScenario(licensed([]))))) as Record<string, unknown>;

  it('another format', () => {
    expect(expectCode(() => readTrace({ ...good(), format: 'hemkit-scenario/v1' }), 'TRACE_INVALID').message).toBe('/format: expected "hemkit-scenario-trace/v1"');
  });

  it('a step without its cost', () => {
    const t = good();
    delete (t['steps'] as Record<string, unknown>[])[1]!['cost'];
    expect(expectCode(() => readTrace(t), 'TRACE_INVALID').message).toBe('/steps/1/cost: expected an object');
  });

  it('a cost figure that is not a count', () => {
    const t = good();
    ((t['totals'] as Record<string, unknown>)['hashes'] as unknown) = -1;
    expect(expectCode(() => readTrace(t), 'TRACE_INVALID').message).toMatch(/^\/totals\/hashes: expected an integer from 0/);
  });

  it('not an object at all', () => {
    expectCode(() => readTrace('trace'), 'TRACE_INVALID');
  });
});
