/**
 * The renderings name flagged and incomplete runs with exact and short totals and bounds, and never
 * the runs below every threshold: their ids are searched for in the output text.
 */
import { describe, expect, it } from 'vitest';
import { accountFleet, fleetReportToJson, formatScientific, renderFleetReport, ueidHex } from '../../src/accounting/index.js';
import { chip, E24, E25, E26, entry, issued, ueid, unaffirmed } from './support.js';

// Ids and a description that appear nowhere else, so that any leak of them is found by a text search.
const HIDDEN = ['zq-hidden-run-alpha-7731', 'zq-hidden-run-bravo-4410', 'zq-hidden-exactly-at-threshold-9902'];
const HIDDEN_NUMBERS = ['123456789', '987654321', '55555'];

const cluster = [ueid(1), ueid(2), ueid(3), ueid(5)];
const report = accountFleet({
  chips: [
    chip(1, [entry(0, 3n * E25, 'frontier-run', cluster), entry(1, 123_456_789n, HIDDEN[0]!, [ueid(1), ueid(99)])], 1000n),
    chip(2, [entry(0, 3n * E25, 'frontier-run', cluster), entry(1, 987_654_321n, HIDDEN[1]!), entry(2, 4n * E24, 'partial-run', [ueid(2), ueid(6)])]),
    chip(4, [{ logIndex: 2, ops: E25, descriptor: { workloadId: HIDDEN[2]!, description: 'zq-hidden-description' } }]),
    unaffirmed(3, [entry(0, 3n * E25, 'frontier-run', cluster)]),
  ],
  // Chip 99 (named only by a hidden run) is bounded below every threshold; chip 6 could carry partial-run over 10^25.
  issuedLicences: [issued(99, 55_555n), issued(6, 2n * E25)],
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

  it('names the flagged run with its reported total in scientific notation and as an exact integer', () => {
    expect(text).toContain('Flagged runs (the reported total alone passes a threshold): 1');
    expect(text).toContain('run "frontier-run"');
    expect(text).toContain(`reported: 6.000e25 (${6n * E25}) operations`);
    expect(text).toContain('passes: eu-ai-act-art-51-2');
    expect(text).toContain('may pass: us-eo-14110-4-2-b-i');
    expect(text).toContain('upper bound: unbounded');
  });

  it('names each contributing chip and each chip named that did not contribute, by hex UEID', () => {
    expect(text).toContain(`${ueidHex(ueid(1))}  3.000e25 (${3n * E25})  log entries 0; unaccounted 1.000e3 (1000)`);
    expect(text).toContain(`${ueidHex(ueid(5))}  no-evidence: no evidence from this chip; unaccounted unbounded`);
    expect(text).toContain(`${ueidHex(ueid(3))}  not-affirmed: its evidence was not affirmed; unaccounted unbounded`);
  });

  it('names the incomplete run with its bound and the threshold it may pass', () => {
    expect(text).toContain('Incomplete runs (below every threshold as reported, but the chips they name could carry them over): 1');
    expect(text).toContain('run "partial-run"');
    expect(text).toContain(`upper bound: 2.400e25 (${24n * E24}) operations`);
    expect(text).toContain(`${ueidHex(ueid(6))}  no-evidence: no evidence from this chip; unaccounted 2.000e25 (${2n * E25})`);
    expect(text).toContain('An incomplete run is itemised because the evidence cannot show it below every threshold');
  });

  it('gives the runs below every threshold as one aggregate line', () => {
    const total = 123_456_789n + 987_654_321n + E25;
    expect(text).toContain(`Below every threshold: 3 run(s), ${formatScientific(total)} (${total}) operations reported in total, not itemised; 1 of them name chips that did not contribute`);
  });

  it('contains none of the ids, descriptions, totals or chips of the runs below every threshold', () => {
    for (const hidden of [...HIDDEN, 'zq-hidden', ...HIDDEN_NUMBERS, ueidHex(ueid(99))]) {
      expect(text).not.toContain(hidden);
    }
  });

  it('states the split-run residual risk, the strict boundary and what the bound covers in its notes', () => {
    expect(text).toContain('A run disclosed under several ids is counted as several smaller runs');
    expect(text).toContain('A total exactly at a threshold does not pass it.');
    expect(text).toContain('it covers only the chips the run\'s descriptors name');
    expect(text).toContain('Undisclosed: 1.000e3 (1000) operations');
  });

  it('quotes a workload id so that it cannot forge a line of the report', () => {
    const forged = renderFleetReport(accountFleet({ chips: [chip(1, [entry(0, E26, 'x\nFlagged runs: 0')])] }));
    expect(forged).toContain('run "x\\nFlagged runs: 0"');
    expect(forged.split('\n').filter((line) => line.startsWith('Flagged runs'))).toEqual(['Flagged runs (the reported total alone passes a threshold): 1']);
  });
});

describe('fleetReportToJson', () => {
  const json = fleetReportToJson(report);
  const serialised = JSON.stringify(json);

  it('writes operation counts as decimal strings, bounds as decimal strings or "unbounded", and UEIDs as hex', () => {
    expect(json.flagged[0]).toEqual({
      status: 'flagged',
      workloadId: 'frontier-run',
      reportedOps: (6n * E25).toString(),
      opsUpperBound: 'unbounded',
      thresholdsPassed: ['eu-ai-act-art-51-2'],
      thresholdsUndetermined: ['us-eo-14110-4-2-b-i'],
      contributions: [
        { ueid: ueidHex(ueid(1)), ops: (3n * E25).toString(), logIndices: [0], unaccountedOps: '1000' },
        { ueid: ueidHex(ueid(2)), ops: (3n * E25).toString(), logIndices: [0], unaccountedOps: '0' },
      ],
      missingChips: [
        { ueid: ueidHex(ueid(5)), reason: 'no-evidence', unaccountedOps: 'unbounded' },
        { ueid: ueidHex(ueid(3)), reason: 'not-affirmed', unaccountedOps: 'unbounded' },
      ],
    });
    expect(json.incomplete.map((r) => [r.status, r.workloadId, r.reportedOps, r.opsUpperBound, r.thresholdsUndetermined])).toEqual([
      ['incomplete', 'partial-run', (4n * E24).toString(), (24n * E24).toString(), ['eu-ai-act-art-51-2']],
    ]);
    const total = 123_456_789n + 987_654_321n + E25;
    expect(json.aggregate).toEqual({ workloads: 3, reportedOps: total.toString(), opsUpperBound: (total + 1000n + 55_555n).toString(), withMissingChips: 1 });
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
