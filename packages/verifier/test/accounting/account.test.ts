/**
 * Fleet compute accounting (specs/verifier.md §6.1): one total per run across chips and licences,
 * flagged only when strictly greater than a threshold, sub-threshold runs only in the aggregate.
 * Missing chips and bounds: missing.test.ts; repeated disclosures: merge.test.ts; input: input.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { accountFleet, DEFAULT_THRESHOLDS, type ItemisedRun, type Threshold, ueidHex } from '../../src/accounting/index.js';
import { chip, E25, E26, entry, expectCode, issued, ueid, unaffirmed } from './support.js';

const EU = 'eu-ai-act-art-51-2';
const US = 'us-eo-14110-4-2-b-i';

describe('default thresholds', () => {
  it('are the EU AI Act Art. 51(2) figure of 10^25 and the EO 14110 §4.2(b)(i) figure of 10^26', () => {
    expect(DEFAULT_THRESHOLDS.map((t) => [t.id, t.ops])).toEqual([
      [EU, E25],
      [US, E26],
    ]);
  });
});

describe('totals per run', () => {
  it('flags a run split over 5 chips, each below 10^25 but together above, with all 5 contributions', () => {
    const share = 3n * 10n ** 24n;
    const chips = [1, 2, 3, 4, 5].map((n) => chip(n, [entry(n * 10, share, 'chinchilla-split')]));
    const report = accountFleet({ chips });

    expect(report.flagged).toHaveLength(1);
    const [run] = report.flagged;
    expect(run!.workloadId).toBe('chinchilla-split');
    expect(run!.reportedOps).toBe(15n * 10n ** 24n);
    expect(run!.thresholdsPassed).toEqual([EU]);
    expect(run!.contributions.map((c) => [ueidHex(c.ueid), c.ops, c.logIndices])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [ueidHex(ueid(n)), share, [n * 10]]),
    );
    expect(report.aggregate).toEqual({ workloads: 0, reportedOps: 0n, opsUpperBound: 0n, withMissingChips: 0 });
  });

  it('sums one run logged under several licences on one chip into one contribution', () => {
    const report = accountFleet({ chips: [chip(1, [entry(3, 6n * 10n ** 24n, 'multi-licence'), entry(9, 5n * 10n ** 24n, 'multi-licence')])] });
    expect(report.flagged.map((f) => [f.reportedOps, f.contributions.map((c) => [c.ops, c.logIndices])])).toEqual([
      [11n * 10n ** 24n, [[11n * 10n ** 24n, [3, 9]]]],
    ]);
  });

  it('counts two descriptors with different ids as two runs, neither flagged', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 6n * 10n ** 24n, 'part-a'), entry(1, 6n * 10n ** 24n, 'part-b')])] });
    expect(report.flagged).toEqual([]);
    expect(report.aggregate).toEqual({ workloads: 2, reportedOps: 12n * 10n ** 24n, opsUpperBound: 12n * 10n ** 24n, withMissingChips: 0 });
  });

  it('sorts flagged runs by total, largest first', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, E25 + 1n, 'smaller'), entry(1, E26 + 1n, 'larger'), entry(2, 2n * E25, 'middle')])],
    });
    expect(report.flagged.map((f) => f.workloadId)).toEqual(['larger', 'middle', 'smaller']);
  });

  it('breaks ties by workload id in code point order, not UTF-16 code units (verifier.md §6.1 "The report")', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, E25 + 1n, '\u{1F600}'), entry(1, E25 + 1n, '\uFF5E'), entry(2, E25 + 1n, 'a')])],
    });
    expect(report.flagged.map((f) => f.workloadId)).toEqual(['a', '\uFF5E', '\u{1F600}']);
  });
});

describe('threshold boundaries', () => {
  it('does not flag a run of exactly 10^25 operations, and does not itemise it', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, E25, 'exactly-at-eu')])] });
    expect(report.flagged).toEqual([]);
    expect(report.aggregate).toEqual({ workloads: 1, reportedOps: E25, opsUpperBound: E25, withMissingChips: 0 });
  });

  it('flags a run of 10^25 + 1 operations under the EU threshold only', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, E25 + 1n, 'just-over-eu')])] });
    expect(report.flagged.map((f) => [f.workloadId, f.thresholdsPassed])).toEqual([['just-over-eu', [EU]]]);
  });

  it('flags a run of exactly 10^26 operations under the EU threshold but not the US one', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, E26, 'exactly-at-us')])] });
    expect(report.flagged.map((f) => f.thresholdsPassed)).toEqual([[EU]]);
  });

  it('flags a run of 10^26 + 1 operations under both thresholds', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, E26 + 1n, 'just-over-us')])] });
    expect(report.flagged.map((f) => f.thresholdsPassed)).toEqual([[EU, US]]);
  });

  it('reaches the boundary through the sum: 10^25 split over chips is not over, one more operation is', () => {
    const at = accountFleet({ chips: [chip(1, [entry(0, E25 / 2n, 'r')]), chip(2, [entry(0, E25 / 2n, 'r')])] });
    const over = accountFleet({ chips: [chip(1, [entry(0, E25 / 2n, 'r')]), chip(2, [entry(0, E25 / 2n + 1n, 'r')])] });
    expect(at.flagged).toEqual([]);
    expect(over.flagged.map((f) => f.reportedOps)).toEqual([E25 + 1n]);
  });
});

describe('configurable thresholds', () => {
  const small: Threshold[] = [{ id: 'local-1000', description: 'a test threshold', ops: 1000n }];

  it('flags against the thresholds given instead of the defaults', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 1000n, 'at'), entry(1, 1001n, 'over')])] }, { thresholds: small });
    expect(report.thresholds).toEqual(small);
    expect(report.flagged.map((f) => [f.workloadId, f.thresholdsPassed])).toEqual([['over', ['local-1000']]]);
    expect(report.aggregate).toEqual({ workloads: 1, reportedOps: 1000n, opsUpperBound: 1000n, withMissingChips: 0 });
  });

  it('flags nothing when given no thresholds', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, E26 * 10n, 'huge')])] }, { thresholds: [] });
    expect(report.flagged).toEqual([]);
    expect(report.aggregate.workloads).toBe(1);
  });

  it('refuses two thresholds with one id', () => {
    expectCode(() => accountFleet({ chips: [] }, { thresholds: [...small, ...small] }), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses a negative threshold', () => {
    expectCode(
      () => accountFleet({ chips: [] }, { thresholds: [{ id: 'neg', description: '', ops: -1n }] }),
      'ACCOUNTING_INVALID_INPUT',
    );
  });
});

describe('chips whose evidence was not affirmed', () => {
  it('lists them and adds none of their operations anywhere', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, E25, 'r')]), unaffirmed(2, [entry(0, E26, 'r'), entry(1, 5n, 'other')])],
      issuedLicences: [issued(2, 0n)],
    });
    expect(report.flagged).toEqual([]);
    expect(report.incomplete).toEqual([]);
    expect(report.aggregate).toEqual({ workloads: 2, reportedOps: E25, opsUpperBound: E25, withMissingChips: 2 });
    expect(report.undisclosedOps).toBe(0n);
    expect(report.chips.reporting).toBe(2);
    expect(report.chips.affirmed).toBe(1);
    expect(report.chips.notAffirmed.map(ueidHex)).toEqual([ueidHex(ueid(2))]);
  });
});

describe('undisclosed operations', () => {
  it('is each affirmed chip\'s lifetime counter less its disclosed entries, summed', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, 100n, 'a')], 40n), chip(2, [], 2n), chip(3, [entry(5, 9n, 'b'), entry(6, 1n, 'a')], 0n)],
    });
    expect(report.undisclosedOps).toBe(42n);
    expect(report.aggregate.reportedOps).toBe(110n);
  });

  it('refuses a chip whose disclosed entries add up to more than its lifetime counter', () => {
    expectCode(
      () => accountFleet({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: 99n, workloads: [entry(0, 100n, 'a')] }] }),
      'ACCOUNTING_COUNTER_EXCEEDED',
    );
  });
});

describe('the report', () => {
  it('reports an empty fleet as nothing', () => {
    const report = accountFleet({ chips: [] });
    expect(report).toEqual({
      thresholds: DEFAULT_THRESHOLDS,
      flagged: [],
      incomplete: [],
      aggregate: { workloads: 0, reportedOps: 0n, opsUpperBound: 0n, withMissingChips: 0 },
      chips: { reporting: 0, affirmed: 0, notAffirmed: [], memoryBytes: 0n },
      undisclosedOps: 0n,
    });
  });

  it('is frozen, so that what a rendering shows is what accountFleet concluded', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, E26, 'r')])] });
    expect(Object.isFrozen(report)).toBe(true);
    expect(Object.isFrozen(report.flagged[0]!.contributions)).toBe(true);
    expect(() => (report.flagged as ItemisedRun[]).pop()).toThrow();
  });

  it('keeps its own copy of each UEID, untouched when the caller reuses its input', () => {
    const input = ueid(1);
    const report = accountFleet({ chips: [{ ueid: input, affirmed: true, totalOps: E26, workloads: [entry(0, E26, 'r')] }] });
    input.fill(0xff);
    expect(ueidHex(report.flagged[0]!.contributions[0]!.ueid)).toBe(ueidHex(ueid(1)));
  });
});
