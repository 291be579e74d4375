/**
 * What the evidence cannot show is never read as zero (specs/verifier.md §6.1, "Missing chips",
 * "Bounds", "Status"): the chips a run names that did not contribute are named, each chip's
 * unaccounted work bounds the run, and a run the bound could carry over a threshold is incomplete.
 */
import { describe, expect, it } from 'vitest';
import { accountFleet, ueidHex, type FleetReport, type MissingChip } from '../../src/accounting/index.js';
import { chip, E24, E25, E26, entry, expectCode, issued, ueid, unaffirmed } from './support.js';

const EU = 'eu-ai-act-art-51-2';
const US = 'us-eo-14110-4-2-b-i';

const missing = (chips: readonly MissingChip[]) => chips.map((m) => [ueidHex(m.ueid), m.reason, m.unaccountedOps]);
const ids = (report: FleetReport) => ({
  flagged: report.flagged.map((r) => r.workloadId),
  incomplete: report.incomplete.map((r) => r.workloadId),
  aggregated: report.aggregate.workloads,
});

describe('missing chips', () => {
  it('names a chip with no evidence, one not affirmed and one undisclosed, distinguished, for a flagged run', () => {
    const cluster = [ueid(1), ueid(2), ueid(3), ueid(4)];
    const report = accountFleet({
      chips: [chip(1, [entry(0, 2n * E25, 'big', cluster)]), unaffirmed(3, [entry(0, 2n * E25, 'big', cluster)]), chip(4, [entry(9, 1n, 'other')])],
      issuedLicences: [issued(2, 5n), issued(3, 7n)],
    });
    const run = report.flagged[0]!;
    expect(run.reportedOps).toBe(2n * E25);
    expect(missing(run.missingChips)).toEqual([
      [ueidHex(ueid(2)), 'no-evidence', 5n],
      [ueidHex(ueid(3)), 'not-affirmed', 7n],
      [ueidHex(ueid(4)), 'undisclosed', 0n],
    ]);
    expect(run.opsUpperBound).toBe(2n * E25 + 12n);
  });

  it('joins the clusters that different chips of one run name', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, E25, 'r', [ueid(1), ueid(8)])]), chip(2, [entry(0, E25, 'r', [ueid(2), ueid(9)])])],
    });
    expect(missing(report.flagged[0]!.missingChips)).toEqual([
      [ueidHex(ueid(8)), 'no-evidence', 'unbounded'],
      [ueidHex(ueid(9)), 'no-evidence', 'unbounded'],
    ]);
  });

  it('names a chip whose unaffirmed evidence discloses the run, though no descriptor names it', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 2n * E25, 'r')]), unaffirmed(2, [entry(0, E24, 'r')])] });
    expect(missing(report.flagged[0]!.missingChips)).toEqual([[ueidHex(ueid(2)), 'not-affirmed', 'unbounded']]);
  });
});

describe('incomplete runs', () => {
  it('itemises a run below 10^25 as reported whose cluster names a chip that handed in no evidence, and names the chip', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 6n * E24, 'half-reported', [ueid(1), ueid(2)])])] });
    expect(ids(report)).toEqual({ flagged: [], incomplete: ['half-reported'], aggregated: 0 });
    const run = report.incomplete[0]!;
    expect(run).toMatchObject({ status: 'incomplete', reportedOps: 6n * E24, opsUpperBound: 'unbounded', thresholdsPassed: [], thresholdsUndetermined: [EU, US] });
    expect(missing(run.missingChips)).toEqual([[ueidHex(ueid(2)), 'no-evidence', 'unbounded']]);
  });

  it('bounds a chip without evidence by the quotas of every licence the register lists for it', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, 6n * E24, 'r', [ueid(1), ueid(2)])])],
      issuedLicences: [issued(2, 3n * E24, 0), issued(2, 2n * E24, 1)],
    });
    expect(report.incomplete[0]).toMatchObject({ opsUpperBound: 11n * E24, thresholdsPassed: [], thresholdsUndetermined: [EU] });
    expect(missing(report.incomplete[0]!.missingChips)).toEqual([[ueidHex(ueid(2)), 'no-evidence', 5n * E24]]);
  });

  it('keeps a run in the aggregate when the licences of its missing chips cannot carry it over any threshold', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, 6n * E24, 'r', [ueid(1), ueid(2)])])],
      issuedLicences: [issued(2, 4n * E24)],
    });
    expect(ids(report)).toEqual({ flagged: [], incomplete: [], aggregated: 1 });
    expect(report.aggregate).toEqual({ workloads: 1, reportedOps: 6n * E24, opsUpperBound: E25, withMissingChips: 1 });
  });

  it('does not lower the bound of a chip whose evidence was not affirmed with that evidence\'s own counter', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 6n * E24, 'r', [ueid(1), ueid(2)])]), { ...unaffirmed(2), totalOps: 0n }] });
    expect(missing(report.incomplete[0]!.missingChips)).toEqual([[ueidHex(ueid(2)), 'not-affirmed', 'unbounded']]);
  });

  it('bounds an affirmed chip that opened nothing of the run by its work that no opened entry accounts for', () => {
    const cluster = [ueid(1), ueid(2)];
    const sealedSmall = accountFleet({ chips: [chip(1, [entry(0, 6n * E24, 'r', cluster)]), chip(2, [], 4n * E24)] });
    const sealedLarge = accountFleet({ chips: [chip(1, [entry(0, 6n * E24, 'r', cluster)]), chip(2, [], 4n * E24 + 1n)] });
    expect(ids(sealedSmall)).toEqual({ flagged: [], incomplete: [], aggregated: 1 });
    expect(ids(sealedLarge)).toEqual({ flagged: [], incomplete: ['r'], aggregated: 0 });
    expect(missing(sealedLarge.incomplete[0]!.missingChips)).toEqual([[ueidHex(ueid(2)), 'undisclosed', 4n * E24 + 1n]]);
  });

  it('counts the sealed work of a chip that opened only part of the run towards the bound', () => {
    // One small entry opened, the rest sealed: the run is not shown below 10^25.
    const report = accountFleet({ chips: [chip(1, [entry(0, 1n, 'partly-opened')], 2n * E25)] });
    expect(ids(report)).toEqual({ flagged: [], incomplete: ['partly-opened'], aggregated: 0 });
    expect(report.incomplete[0]!.missingChips).toEqual([]);
    expect(report.incomplete[0]!.contributions.map((c) => [c.ops, c.unaccountedOps])).toEqual([[1n, 2n * E25]]);
    expect(report.incomplete[0]!.opsUpperBound).toBe(2n * E25 + 1n);
  });

  it('lists beside the thresholds a flagged run passes those its missing chips could carry it over', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 2n * E25, 'r', [ueid(1), ueid(2)])])], issuedLicences: [issued(2, E26)] });
    expect(report.flagged[0]).toMatchObject({ status: 'flagged', thresholdsPassed: [EU], thresholdsUndetermined: [US], opsUpperBound: E26 + 2n * E25 });
  });

  it('itemises a run that only unaffirmed evidence discloses when nothing bounds it, with nothing reported', () => {
    const report = accountFleet({ chips: [unaffirmed(1, [entry(0, E24, 'unverified-only')])] });
    expect(report.incomplete.map((r) => [r.workloadId, r.reportedOps, r.opsUpperBound])).toEqual([['unverified-only', 0n, 'unbounded']]);
  });

  it('leaves nothing incomplete when given no thresholds', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 1n, 'r', [ueid(1), ueid(2)])])] }, { thresholds: [] });
    expect(ids(report)).toEqual({ flagged: [], incomplete: [], aggregated: 1 });
    expect(report.aggregate.opsUpperBound).toBe('unbounded');
  });

  it('does not bound a chip the register does not name, though it names others', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 1n, 'r', [ueid(1), ueid(2), ueid(3)])])], issuedLicences: [issued(2, 1n)] });
    expect(missing(report.incomplete[0]!.missingChips)).toEqual([
      [ueidHex(ueid(2)), 'no-evidence', 1n],
      [ueidHex(ueid(3)), 'no-evidence', 'unbounded'],
    ]);
  });

  it('sorts incomplete runs by upper bound, unbounded first', () => {
    const report = accountFleet({
      chips: [chip(1, [entry(0, 1n, 'bounded', [ueid(1), ueid(2)]), entry(1, 1n, 'open', [ueid(1), ueid(3)]), entry(2, 2n, 'bounded-larger', [ueid(1), ueid(4)])])],
      issuedLicences: [issued(2, E26), issued(4, 2n * E26)],
    });
    expect(report.incomplete.map((r) => r.workloadId)).toEqual(['open', 'bounded-larger', 'bounded']);
  });
});

describe('the licence register', () => {
  it('grants the quota of a licence listed twice, identically, once', () => {
    const report = accountFleet({ chips: [chip(1, [entry(0, 1n, 'r', [ueid(1), ueid(2)])])], issuedLicences: [issued(2, 10n), issued(2, 10n)] });
    expect(report.aggregate.opsUpperBound).toBe(11n);
  });

  it('refuses one licence listed with two operations quotas', () => {
    expectCode(() => accountFleet({ chips: [], issuedLicences: [issued(2, 10n), issued(2, 11n)] }), 'ACCOUNTING_CONFLICTING_LICENCE');
  });

  it('refuses an affirmed chip that counted more operations than every licence the register lists for it grants', () => {
    expectCode(() => accountFleet({ chips: [chip(1, [], 11n)], issuedLicences: [issued(1, 10n)] }), 'ACCOUNTING_LICENCE_EXCEEDED');
  });

  it('does not hold an unaffirmed chip\'s counter against the register', () => {
    expect(accountFleet({ chips: [unaffirmed(1, [entry(0, 11n, 'r')])], issuedLicences: [issued(1, 10n)] }).aggregate.opsUpperBound).toBe(10n);
  });
});
