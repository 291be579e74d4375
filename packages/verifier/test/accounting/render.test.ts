/**
 * The renderings name flagged runs with exact and short totals, and never the runs below every
 * threshold: their ids are searched for in the output text.
 */
import { describe, expect, it } from 'vitest';
import { accountFleet, fleetReportToJson, formatScientific, renderFleetReport, ueidHex } from '../../src/accounting/index.js';
import { chip, E25, E26, entry, ueid, unaffirmed } from './support.js';

// Ids and a description that appear nowhere else, so that any leak of them is found by a text search.
const HIDDEN = ['zq-hidden-run-alpha-7731', 'zq-hidden-run-bravo-4410', 'zq-hidden-exactly-at-threshold-9902'];

const cluster = [ueid(1), ueid(2), ueid(3), ueid(5)];
const report = accountFleet({
  chips: [
    chip(1, [entry(0, 3n * E25, 'frontier-run', cluster), entry(1, 123_456_789n, HIDDEN[0]!, [ueid(1), ueid(99)])], 1000n),
    chip(2, [entry(0, 3n * E25, 'frontier-run', cluster), entry(1, 987_654_321n, HIDDEN[1]!)]),
    chip(4, [{ logIndex: 2, ops: E25, descriptor: { workloadId: HIDDEN[2]!, description: 'zq-hidden-description' } }]),
    unaffirmed(3, [entry(0, 3n * E25, 'frontier-run', cluster)]),
  ],
});

describe('formatScientific', () => {
  it('writes four significant digits, cut off rather than rounded up', () => {
    expect(formatScientific(0n)).toBe('0.000e0');
    expect(formatScientific(E25)).toBe('1.000e25');
    expect(formatScientific(E25 + 1n)).toBe('1.000e25');
    expect(formatScientific(99_999n)).toBe('9.999e4');
    expect(formatScientific(6n * E25)).toBe('6.000e25');
    expect(formatScientific(12n)).toBe('1.200e1');
  });
});

describe('renderFleetReport', () => {
  const text = renderFleetReport(report);

  it('names the flagged run with its total in scientific notation and as an exact integer', () => {
    expect(text).toContain('run "frontier-run"');
    expect(text).toContain(`total: 6.000e25 (${6n * E25}) operations`);
    expect(text).toContain('passes: eu-ai-act-art-51-2');
  });

  it('names each contributing chip and each cluster chip that did not report, by hex UEID', () => {
    expect(text).toContain(`${ueidHex(ueid(1))}  3.000e25 (${3n * E25})  log entries 0`);
    expect(text).toContain(`${ueidHex(ueid(5))}  missing: no evidence from this chip`);
    expect(text).toContain(`${ueidHex(ueid(3))}  unverified: its evidence was not affirmed`);
  });

  it('gives the runs below every threshold as one aggregate line', () => {
    const total = 123_456_789n + 987_654_321n + E25;
    expect(text).toContain(`Below every threshold: 3 run(s), ${formatScientific(total)} (${total}) operations in total, not itemised; 1 of them name cluster chips that did not report`);
  });

  it('contains none of the ids, descriptions or totals of the runs below every threshold', () => {
    for (const hidden of [...HIDDEN, 'zq-hidden', '123456789', '987654321', ueidHex(ueid(99))]) {
      expect(text).not.toContain(hidden);
    }
  });

  it('states the split-run residual risk and the strict boundary in its notes', () => {
    expect(text).toContain('A run disclosed under several ids is counted as several smaller runs');
    expect(text).toContain('A total exactly at a threshold does not pass it.');
    expect(text).toContain('Undisclosed: 1.000e3 (1000) operations');
  });

  it('quotes a workload id so that it cannot forge a line of the report', () => {
    const forged = renderFleetReport(accountFleet({ chips: [chip(1, [entry(0, E26, 'x\nFlagged runs: 0')])] }));
    expect(forged).toContain('run "x\\nFlagged runs: 0"');
    expect(forged.split('\n').filter((line) => line.startsWith('Flagged runs:'))).toEqual(['Flagged runs: 1']);
  });
});

describe('fleetReportToJson', () => {
  const json = fleetReportToJson(report);
  const serialised = JSON.stringify(json);

  it('writes operation counts as decimal strings and UEIDs as hex', () => {
    expect(json.flagged[0]).toEqual({
      workloadId: 'frontier-run',
      totalOps: (6n * E25).toString(),
      thresholdsPassed: ['eu-ai-act-art-51-2'],
      contributions: [
        { ueid: ueidHex(ueid(1)), ops: (3n * E25).toString(), logIndices: [0] },
        { ueid: ueidHex(ueid(2)), ops: (3n * E25).toString(), logIndices: [0] },
      ],
      unreportedChips: [
        { ueid: ueidHex(ueid(5)), reason: 'missing' },
        { ueid: ueidHex(ueid(3)), reason: 'unverified' },
      ],
    });
    expect(json.aggregate).toEqual({ workloads: 3, totalOps: (123_456_789n + 987_654_321n + E25).toString(), withUnreportedChips: 1 });
    expect(json.chips).toEqual({ reporting: 4, affirmed: 3, notAffirmed: [ueidHex(ueid(3))] });
    expect(json.undisclosedOps).toBe('1000');
    expect(json.thresholds.map((t) => t.ops)).toEqual([E25.toString(), E26.toString()]);
  });

  it('survives JSON.stringify and contains none of the runs below every threshold', () => {
    expect(JSON.parse(serialised)).toEqual(json);
    for (const hidden of [...HIDDEN, 'zq-hidden', '123456789', '987654321', ueidHex(ueid(99))]) {
      expect(serialised).not.toContain(hidden);
    }
  });
});
