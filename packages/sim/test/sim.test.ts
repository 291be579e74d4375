/** The fleet simulator (issue 14): its scenario, the run through module, verifier and accounting, the chart. */
import { describe, expect, it } from 'vitest';
import { toHex } from '@hemkit/wire/bytes';
import { generateFleet, lineageChart, MIN_CHIPS, renderSimulation, simulate, STRATEGIES } from '../src/index.js';
import { chipWorkloads, fleetKeys, runSilentChip } from '../src/drive.js';

describe('the scenario', () => {
  it('is a function of its seed and size, and gives every chip to one operator', () => {
    const a = generateFleet('s', 2000);
    const b = generateFleet('s', 2000);
    const c = generateFleet('t', 2000);
    const digests = (f: typeof a) => f.operators.flatMap((o) => o.plan.map((p) => `${toHex(p.digest)}:${p.ops}`)).join();
    expect(digests(a)).toBe(digests(b));
    expect(digests(a)).not.toBe(digests(c));
    expect(a.operators.reduce((n, o) => n + o.chips, 0)).toBe(2000);
    a.operators.forEach((o, i) => expect(o.firstChip).toBe(i === 0 ? 0 : a.operators[i - 1]!.firstChip + a.operators[i - 1]!.chips));
    expect(new Set(a.operators.map((o) => o.strategy))).toEqual(new Set(STRATEGIES));
  });

  it('keeps every evader\'s disclosed parts below 10^25, as the evasion needs', () => {
    const E25 = 10n ** 25n;
    for (const o of generateFleet('s', 2000).operators) {
      if (o.strategy === 'evade-relabel' || o.strategy === 'evade-finetune') for (const p of o.plan) expect(p.ops < E25).toBe(true);
      if (o.strategy === 'evade-split') expect(o.plan[0]!.ops / BigInt(o.chips) < E25).toBe(true);
      if (o.strategy === 'evade-silent') expect((o.plan[0]!.ops * BigInt(o.silentFrom)) / BigInt(o.chips) < E25).toBe(true);
    }
  });

  it(`refuses fewer than ${MIN_CHIPS} chips`, () => {
    expect(() => generateFleet('s', MIN_CHIPS - 1)).toThrow(RangeError);
  });
});

describe('a silent chip', () => {
  it('runs its share of the plan through the module, and the register bounds what it hid', () => {
    const fleet = generateFleet('silent', MIN_CHIPS);
    const operator = fleet.operators.find((o) => o.strategy === 'evade-silent')!;
    expect(operator.silentFrom).toBeLessThan(operator.chips);
    const plan = { index: operator.firstChip + operator.silentFrom, operator, k: operator.silentFrom };
    const silent = runSilentChip(fleetKeys(fleet.seed), fleet.seed, plan);
    const planned = chipWorkloads(plan).reduce((sum, w) => sum + w.ops, 0n);
    expect(planned > 0n).toBe(true);
    expect(silent.hiddenOps).toBe(planned); // the chip's own counter: the work really ran
    expect(silent.licensedOps >= silent.hiddenOps).toBe(true);
  });
});

describe('a simulated fleet', () => {
  const result = simulate({ chips: MIN_CHIPS, seed: 'unit' });

  it('drives every chip that reports through the module and the verifier, and every one is affirmed', () => {
    const silent = generateFleet('unit', MIN_CHIPS).operators.reduce((n, o) => n + (o.chips - o.silentFrom), 0);
    expect(result.chipsDriven).toBe(MIN_CHIPS - silent);
    expect(result.affirmed).toBe(result.chipsDriven);
  });

  it('detects every evader by lineage, none by workload id, and flags no honest operator falsely', () => {
    for (const s of result.scores) {
      if (s.evading) {
        expect(s.detected, s.strategy).toBe(s.operators);
        expect(s.detectedById, s.strategy).toBe(0);
      } else {
        expect(s.falsePositives, s.strategy).toBe(0);
      }
    }
    const flagged = (name: string) => result.scores.find((s) => s.strategy === name)!.trueFlags;
    expect(flagged('honest-frontier')).toBeGreaterThan(0);
    expect(flagged('honest-ongoing')).toBeGreaterThan(0); // the projection, which the truth raises too
  });

  it('shows where chips hid work: the silent evader\'s truth is above what the evidence showed', () => {
    const silent = result.curves.find((c) => c.strategy === 'evade-silent')!;
    expect(silent.truth.at(-1)! > silent.reported.at(-1)!).toBe(true);
    expect(silent.reported.at(-1)! <= 10n ** 25n).toBe(true);
  });

  it('renders the detection table and a chart with a line per lineage and the thresholds', () => {
    expect(renderSimulation(result)).toContain('| evade-split |');
    const svg = lineageChart(result.curves, [{ label: 'EU 1e25', ops: 10n ** 25n }], 'test');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)!.length).toBeGreaterThanOrEqual(result.curves.length);
    expect(svg).toContain('EU 1e25');
    expect(lineageChart(result.curves, [], 'test')).toBe(lineageChart(result.curves, [], 'test'));
  });
});
