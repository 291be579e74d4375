/**
 * Generated junk at every public accounting function (STYLE.md §3: no raw exception reaches a
 * caller): whatever it is given, a function returns, or throws a HemkitError with an ACCOUNTING_*
 * code. The fleets are mostly well-formed with junk in some fields, so that the junk reaches past the
 * first check into the merging, the bounds and the renderings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HemkitError } from '@hemkit/wire/errors';
import {
  fleetReportToJson,
  formatScientific,
  renderFleetReport,
  ueidHex,
  type FleetReport,
} from '../../src/accounting/index.js';
import { account, E25, E26, ueid } from './support.js';

const RUNS = { numRuns: 400 };

const junk = fc.anything({
  maxDepth: 2,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** Usually `valid`, now and then junk: a fleet has many fields, and one junk field ends the run. */
const maybe = <T,>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 80, arbitrary: valid }, { weight: 1, arbitrary: junk });
const optional = <T,>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.option(maybe(valid), { nil: undefined });

// A few chips, so that clusters, appraisals and licences meet; and byte strings of any length.
const ueidArb = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...[1, 2, 3, 4].map(ueid)) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) });
const count = fc.oneof(
  { weight: 40, arbitrary: fc.bigInt({ min: 0n, max: 2n * E25 }) },
  { weight: 5, arbitrary: fc.constantFrom(0n, E25, E26, 2n ** 128n) },
  { weight: 1, arbitrary: fc.constant(-1n) },
);

const descriptorArb = fc.record(
  { workloadId: maybe(fc.constantFrom('a', 'b', 'c')), clusterChips: optional(fc.array(maybe(ueidArb), { maxLength: 3 })), description: optional(fc.string()) }
);
// Counters mostly large enough for the entries, log indices mostly distinct: else most fleets stop
// at ACCOUNTING_COUNTER_EXCEEDED or ACCOUNTING_CONFLICTING_ENTRY, which are reached all the same.
const counter = fc.oneof({ weight: 3, arbitrary: fc.constant(10n ** 30n) }, { weight: 1, arbitrary: count });
const workloadArb = fc.record({ logIndex: maybe(fc.nat(30)), ops: maybe(count), descriptor: maybe(descriptorArb) });
const chipArb = fc.record(
  { ueid: maybe(ueidArb), affirmed: maybe(fc.boolean()), totalOps: maybe(counter), workloads: maybe(fc.array(maybe(workloadArb), { maxLength: 4 })) }
);
const licenceArb = fc.record(
  { ueid: maybe(ueidArb), licenceId: maybe(fc.oneof({ weight: 20, arbitrary: fc.constantFrom(new Uint8Array(16), new Uint8Array(16).fill(1)) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 20 }) })), opsQuota: maybe(counter) }
);
const evidenceArb = maybe(
  fc.record({ chips: maybe(fc.array(maybe(chipArb), { maxLength: 5 })), issuedLicences: optional(fc.array(maybe(licenceArb), { maxLength: 3 })) }),
);
const thresholdArb = fc.record(
  { id: maybe(fc.constantFrom('t0', 't1', 't2', 't3', 't4', 'a b', '', 'x,y')), description: maybe(fc.constantFrom('', 'a threshold', 'another', 'line\nbreak')), ops: maybe(count) }
);
const optionsArb = optional(fc.record({ thresholds: optional(fc.array(maybe(thresholdArb), { maxLength: 3 })) }));

/** Runs `fn`; anything it throws must be a HemkitError with an ACCOUNTING_* code. */
function onlyAccountingErrors<T>(fn: () => T, codes?: Set<string>): T | undefined {
  try {
    return fn();
  } catch (e) {
    expect(e, String((e as Error)?.stack)).toBeInstanceOf(HemkitError);
    expect((e as HemkitError).code).toMatch(/^ACCOUNTING_/);
    codes?.add((e as HemkitError).code);
    expect((e as HemkitError).message).not.toContain('\n');
    return undefined;
  }
}

describe('junk at the accounting API', () => {
  it('accountFleet returns a report the renderings accept, or throws an ACCOUNTING_* HemkitError', () => {
    let reports = 0;
    const codes = new Set<string>();
    fc.assert(
      fc.property(evidenceArb, optionsArb, (evidence, options) => {
        const report = onlyAccountingErrors(account(evidence, options), codes);
        if (report === undefined) return;
        reports++;
        expect(typeof renderFleetReport(report)).toBe('string');
        JSON.stringify(fleetReportToJson(report));
      }),
      RUNS,
    );
    // The generators are meant to reach the arithmetic, not only the first check.
    expect(reports).toBeGreaterThan(RUNS.numRuns / 20);
    expect([...codes].sort()).toEqual(expect.arrayContaining(['ACCOUNTING_INVALID_INPUT']));
  });

  it('renderFleetReport and fleetReportToJson refuse anything but a report with an ACCOUNTING_* code', () => {
    fc.assert(
      fc.property(junk, (value) => {
        onlyAccountingErrors(() => renderFleetReport(value as FleetReport));
        onlyAccountingErrors(() => fleetReportToJson(value as FleetReport));
      }),
      RUNS,
    );
  });

  it('formatScientific and ueidHex return or throw an ACCOUNTING_* code', () => {
    fc.assert(
      fc.property(fc.oneof(count, junk), fc.oneof(fc.integer({ min: -2, max: 120 }), junk), (n, significant) => {
        onlyAccountingErrors(() => formatScientific(n as bigint, significant as number));
        onlyAccountingErrors(() => formatScientific(n as bigint));
        onlyAccountingErrors(() => ueidHex(n as Uint8Array));
      }),
      RUNS,
    );
    fc.assert(fc.property(fc.oneof(ueidArb, junk), (value) => void onlyAccountingErrors(() => ueidHex(value as Uint8Array))), RUNS);
  });
});
