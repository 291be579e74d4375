/**
 * Fleet compute accounting: one total per run across chips and licences, flagged only when strictly
 * greater than a threshold, sub-threshold runs only in the aggregate, and the chips a flagged run
 * used that did not report.
 */
import { describe, expect, it } from 'vitest';
import { accountFleet, DEFAULT_THRESHOLDS, type Threshold, ueidHex } from '../../src/accounting/index.js';
import { chip, E25, E26, entry, expectCode, ueid, unaffirmed } from './support.js';

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
    expect(run!.totalOps).toBe(15n * 10n ** 24n);
    expect(run!.thresholdsPassed).toEqual([EU]);
    expect(run!.contributions.map((c) => [ueidHex(c.ueid), c.ops, c.logIndices])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [ueidHex(ueid(n)), share, [n * 10]]),
    );
    expect(report.aggregate).toEqual({ workloads: 0, totalOps: 0n, withUnreportedChips: 0 });
  });

  it('sums one run logged under several licences on one chip into one contribution', () => {
    const report = accountFleet({ chips: [chip(1, [entry(3, 6n * 10n ** 24n, 'multi-licence'), entry(9, 5n * 10n ** 24n, 'multi-licence')])] });
    expect(report.flagged.map((f) => [f.totalOps, f.contributions.map((c) => [c.ops, c.logIndices])])).toEqual([
      [11n * 10n ** 24n, [[11n * 10n ** 24n, [3, 9]]]],
    ]);
  });

  it('counts two descriptors with different ids as two runs, neither flagged', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 6n * 10n ** 24n, 'part-a'), entry(1, 6n * 10n ** 24n, 'part-b')])] });
    expect(report.flagged).toEqual([]);
    expect(report.aggregate).toEqual({ workloads: 2, totalOps: 12n * 10n ** 24n, withUnreportedChips: 0 });
  });

  it('sorts flagged runs by total, largest first', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, E25 + 1n, 'smaller'), entry(1, E26 + 1n, 'larger'), entry(2, 2n * E25, 'middle')])],
    });
    expect(report.flagged.map((f) => f.workloadId)).toEqual(['larger', 'middle', 'smaller']);
  });
});

describe('threshold boundaries', () => {
  it('does not flag a run of exactly 10^25 operations, and does not itemise it', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, E25, 'exactly-at-eu')])] });
    expect(report.flagged).toEqual([]);
    expect(report.aggregate).toEqual({ workloads: 1, totalOps: E25, withUnreportedChips: 0 });
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
    expect(over.flagged.map((f) => f.totalOps)).toEqual([E25 + 1n]);
  });
});

describe('configurable thresholds', () => {
  const small: Threshold[] = [{ id: 'local-1000', description: 'a test threshold', ops: 1000n }];

  it('flags against the thresholds given instead of the defaults', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 1000n, 'at'), entry(1, 1001n, 'over')])] }, { thresholds: small });
    expect(report.thresholds).toEqual(small);
    expect(report.flagged.map((f) => [f.workloadId, f.thresholdsPassed])).toEqual([['over', ['local-1000']]]);
    expect(report.aggregate).toEqual({ workloads: 1, totalOps: 1000n, withUnreportedChips: 0 });
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

describe('cluster chips that did not report', () => {
  it('lists a missing chip and an unverified one, distinguished, for a flagged run', () => {
    const cluster = [ueid(1), ueid(2), ueid(3)];
    const report = accountFleet({
      chips: [chip(1, [entry(0, 2n * E25, 'cluster-run', cluster)]), unaffirmed(3, [entry(0, 2n * E25, 'cluster-run', cluster)])],
    });
    expect(report.flagged).toHaveLength(1);
    const run = report.flagged[0]!;
    expect(run.totalOps).toBe(2n * E25);
    expect(run.unreportedChips.map((u) => [ueidHex(u.ueid), u.reason])).toEqual([
      [ueidHex(ueid(2)), 'missing'],
      [ueidHex(ueid(3)), 'unverified'],
    ]);
  });

  it('lists an affirmed chip of the cluster that opened no entry of the run as undisclosed', () => {
    const cluster = [ueid(1), ueid(2)];
    const report = accountFleet({ chips: [chip(1, [entry(0, 2n * E25, 'r', cluster)]), chip(2, [], 5n)] });
    expect(report.flagged[0]!.unreportedChips.map((u) => [ueidHex(u.ueid), u.reason])).toEqual([[ueidHex(ueid(2)), 'undisclosed']]);
  });

  it('joins the clusters that different chips of one run name', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, E25, 'r', [ueid(1), ueid(8)])]), chip(2, [entry(0, E25, 'r', [ueid(2), ueid(9)])])],
    });
    expect(report.flagged[0]!.unreportedChips.map((u) => [ueidHex(u.ueid), u.reason])).toEqual([
      [ueidHex(ueid(8)), 'missing'],
      [ueidHex(ueid(9)), 'missing'],
    ]);
  });

  it('counts, without naming, the runs below every threshold whose clusters did not all report', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 10n, 'small', [ueid(1), ueid(7)]), entry(1, 10n, 'small-complete', [ueid(1)])])] });
    expect(report.aggregate).toEqual({ workloads: 2, totalOps: 20n, withUnreportedChips: 1 });
  });
});

describe('chips whose evidence was not affirmed', () => {
  it('lists them and adds none of their operations anywhere', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, E25, 'r')], 7n), unaffirmed(2, [entry(0, E26, 'r'), entry(1, 5n, 'other')])],
    });
    expect(report.flagged).toEqual([]);
    expect(report.aggregate).toEqual({ workloads: 1, totalOps: E25, withUnreportedChips: 0 });
    expect(report.undisclosedOps).toBe(7n);
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
    expect(report.aggregate.totalOps).toBe(110n);
  });

  it('refuses a chip whose disclosed entries add up to more than its lifetime counter', () => {
    expectCode(
      () => accountFleet({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: 99n, workloads: [entry(0, 100n, 'a')] }] }),
      'ACCOUNTING_COUNTER_EXCEEDED',
    );
  });
});

describe('duplicate disclosures', () => {
  it('counts an entry disclosed twice, identically, once', () => {
    const twice = [entry(4, 6n * E25, 'dup', [ueid(1)]), entry(4, 6n * E25, 'dup', [ueid(1)])];
    const report = accountFleet({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: 6n * E25, workloads: twice }] });
    expect(report.flagged.map((f) => [f.totalOps, f.contributions[0]!.logIndices])).toEqual([[6n * E25, [4]]]);
    expect(report.undisclosedOps).toBe(0n);
  });

  it('refuses an entry disclosed twice with different operations', () => {
    const workloads = [entry(4, 10n, 'dup'), entry(4, 11n, 'dup')];
    expectCode(() => accountFleet({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: 100n, workloads }] }), 'ACCOUNTING_CONFLICTING_ENTRY');
  });

  it('refuses an entry disclosed twice with different descriptors', () => {
    const workloads = [entry(4, 10n, 'dup', [ueid(1)]), entry(4, 10n, 'dup', [ueid(2)])];
    expectCode(() => accountFleet({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: 100n, workloads }] }), 'ACCOUNTING_CONFLICTING_ENTRY');
  });

  it('counts the same log index on two different chips as two entries', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, E25, 'r')]), chip(2, [entry(0, E25, 'r')])] });
    expect(report.flagged.map((f) => f.totalOps)).toEqual([2n * E25]);
  });

  it('refuses the same chip given twice', () => {
    expectCode(() => accountFleet({ chips: [chip(1, []), unaffirmed(1)] }), 'ACCOUNTING_DUPLICATE_CHIP');
  });
});

describe('input checks', () => {
  it('refuses a negative operation count in an entry', () => {
    expectCode(() => accountFleet({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: 10n, workloads: [entry(0, -1n, 'neg')] }] }), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses a negative lifetime counter', () => {
    expectCode(() => accountFleet({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: -1n, workloads: [] }] }), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses a log index that is not a non-negative integer', () => {
    for (const logIndex of [-1, 1.5, Number.NaN]) {
      expectCode(
        () => accountFleet({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: 10n, workloads: [entry(logIndex, 1n, 'x')] }] }),
        'ACCOUNTING_INVALID_INPUT',
      );
    }
  });

  it('reports an empty fleet as nothing', () => {
    const report = accountFleet({ chips: [] });
    expect(report).toEqual({
      thresholds: DEFAULT_THRESHOLDS,
      flagged: [],
      aggregate: { workloads: 0, totalOps: 0n, withUnreportedChips: 0 },
      chips: { reporting: 0, affirmed: 0, notAffirmed: [] },
      undisclosedOps: 0n,
    });
  });
});
