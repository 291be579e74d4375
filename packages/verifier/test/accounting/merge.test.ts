/**
 * Repeated disclosures and several appraisals of one chip (specs/verifier.md §6.1, "Chips"): each
 * disclosed entry (chip UEID, log index) counts once everywhere, a chip's counter is its largest
 * affirmed one, and two different disclosures of one entry are refused.
 */
import { describe, expect, it } from 'vitest';
import { accountFleet, fleetReportToJson, ueidHex, type AppraisedChip } from '../../src/accounting/index.js';
import { chip, E25, entry, expectCode, ueid, unaffirmed } from './support.js';

const appraisal = (n: number, totalOps: bigint, workloads: AppraisedChip['workloads'], affirmed = true): AppraisedChip => ({ ueid: ueid(n), affirmed, totalOps, workloads });

describe('a disclosure repeated in one appraisal', () => {
  it('counts an entry disclosed twice, identically, once', () => {
    const twice = [entry(4, 6n * E25, 'dup', [ueid(1)]), entry(4, 6n * E25, 'dup', [ueid(1)])];
    const report = accountFleet({ chips: [appraisal(1, 6n * E25, twice)] });
    expect(report.flagged.map((f) => [f.reportedOps, f.contributions[0]!.logIndices])).toEqual([[6n * E25, [4]]]);
    expect(report.undisclosedOps).toBe(0n);
  });

  it('counts it once in the aggregate too', () => {
    const report = accountFleet({ chips: [appraisal(1, 10n, [entry(4, 10n, 'small'), entry(4, 10n, 'small')])] });
    expect(report.aggregate).toEqual({ workloads: 1, reportedOps: 10n, opsUpperBound: 10n, withMissingChips: 0 });
  });

  it('refuses an entry disclosed twice with different operations', () => {
    expectCode(() => accountFleet({ chips: [appraisal(1, 100n, [entry(4, 10n, 'dup'), entry(4, 11n, 'dup')])] }), 'ACCOUNTING_CONFLICTING_ENTRY');
  });

  it('refuses an entry disclosed twice with different descriptors', () => {
    const workloads = [entry(4, 10n, 'dup', [ueid(1)]), entry(4, 10n, 'dup', [ueid(2)])];
    expectCode(() => accountFleet({ chips: [appraisal(1, 100n, workloads)] }), 'ACCOUNTING_CONFLICTING_ENTRY');
  });

  it('counts the same log index on two different chips as two entries', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, E25, 'r')]), chip(2, [entry(0, E25, 'r')])] });
    expect(report.flagged.map((f) => f.reportedOps)).toEqual([2n * E25]);
  });
});

describe('several appraisals of one chip', () => {
  it('counts an entry both disclose once, and takes the larger counter', () => {
    const older = appraisal(1, 6n * E25, [entry(4, 6n * E25, 'r')]);
    const newer = appraisal(1, 6n * E25 + 5n, [entry(4, 6n * E25, 'r'), entry(7, 5n, 'r')]);
    const report = accountFleet({ chips: [older, newer] });
    expect(report.flagged.map((f) => [f.reportedOps, f.contributions.map((c) => c.logIndices)])).toEqual([[6n * E25 + 5n, [[4, 7]]]]);
    expect(report.chips).toMatchObject({ reporting: 1, affirmed: 1 });
    expect(report.undisclosedOps).toBe(0n);
  });

  it('refuses one entry disclosed by two appraisals with different operations', () => {
    expectCode(
      () => accountFleet({ chips: [appraisal(1, 100n, [entry(4, 10n, 'r')]), appraisal(1, 100n, [entry(4, 12n, 'r')])] }),
      'ACCOUNTING_CONFLICTING_ENTRY',
    );
  });

  it('refuses distinct disclosures across appraisals that add up to more than the largest counter', () => {
    expectCode(
      () => accountFleet({ chips: [appraisal(1, 10n, [entry(1, 10n, 'r')]), appraisal(1, 10n, [entry(2, 1n, 'r')])] }),
      'ACCOUNTING_COUNTER_EXCEEDED',
    );
  });

  it('counts a chip with one affirmed appraisal as affirmed, and nothing of the other, not even its conflicting entry', () => {
    const report = accountFleet({ chips: [appraisal(1, 10n, [entry(1, 10n, 'r')]), appraisal(1, 10n ** 30n, [entry(1, 99n, 'r'), entry(2, E25, 'r')], false)] });
    expect(report.chips).toEqual({ reporting: 1, affirmed: 1, notAffirmed: [], memoryBytes: 0n });
    expect(report.aggregate).toEqual({ workloads: 1, reportedOps: 10n, opsUpperBound: 10n, withMissingChips: 0 });
  });

  it('totals memory transfer as each affirmed chip\'s largest counter, summed over chips; an unaffirmed appraisal adds nothing', () => {
    const report = accountFleet({
      chips: [
        { ...appraisal(1, 10n, []), memoryBytes: 300n },
        { ...appraisal(1, 20n, []), memoryBytes: 500n },
        { ...appraisal(2, 10n, []), memoryBytes: 7n },
        { ...appraisal(3, 10n, [], false), memoryBytes: 10n ** 30n },
      ],
    });
    expect(report.chips.memoryBytes).toBe(507n);
    expect(fleetReportToJson(report).chips.memoryBytes).toBe('507');
    expect(fleetReportToJson(accountFleet({ chips: [appraisal(1, 10n, [])] })).chips).not.toHaveProperty('memoryBytes');
  });

  it('lists a chip none of whose appraisals was affirmed once', () => {
    const report = accountFleet({ chips: [unaffirmed(1), unaffirmed(1)] });
    expect(report.chips.notAffirmed.map(ueidHex)).toEqual([ueidHex(ueid(1))]);
  });
});
