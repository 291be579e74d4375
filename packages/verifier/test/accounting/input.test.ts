/**
 * Every malformed input of the accounting's library API is ACCOUNTING_INVALID_INPUT, with a message
 * that names the field (STYLE.md §3): never a TypeError from inside the arithmetic. junk.test.ts
 * throws generated junk at the same functions.
 */
import { describe, expect, it } from 'vitest';
import {
  accountFleet,
  fleetReportToJson,
  formatScientific,
  renderFleetReport,
  ueidHex,
  type FleetReport,
} from '../../src/accounting/index.js';
import { account, chip, entry, expectCode, issued, ueid } from './support.js';

/** The message of the ACCOUNTING_INVALID_INPUT that `run` throws. */
const invalidInput = (run: () => unknown): string => expectCode(run, 'ACCOUNTING_INVALID_INPUT').message;

const withWorkload = (workload: unknown) => account({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: 10n, workloads: [workload] }] });

describe('the fleet evidence', () => {
  it('refuses a workload without a descriptor, naming it', () => {
    expect(invalidInput(withWorkload({ logIndex: 0, ops: 1n }))).toBe('chips[0].workloads[0].descriptor: expected an object, got undefined');
  });

  it('refuses a descriptor without a workload id', () => {
    expect(invalidInput(withWorkload({ logIndex: 0, ops: 1n, descriptor: {} }))).toContain('descriptor.workloadId: expected a string');
  });

  it('refuses operations given as a number rather than a bigint', () => {
    expect(invalidInput(withWorkload({ logIndex: 0, ops: 1, descriptor: { workloadId: 'r' } }))).toBe(
      'chips[0].workloads[0].ops: expected a non-negative bigint, got 1',
    );
  });

  it('refuses a negative operation count in an entry', () => {
    expectCode(withWorkload(entry(0, -1n, 'neg')), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses a negative lifetime counter', () => {
    expectCode(account({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: -1n, workloads: [] }] }), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses a memory-bytes counter that is not a non-negative integer', () => {
    for (const memoryBytes of [-1n, 1.5, 'many']) {
      expectCode(account({ chips: [{ ueid: ueid(1), affirmed: true, totalOps: 1n, memoryBytes, workloads: [] }] }), 'ACCOUNTING_INVALID_INPUT');
    }
  });

  it('refuses a log index that is not a non-negative integer', () => {
    for (const logIndex of [-1, 1.5, Number.NaN, '0', 2 ** 53]) {
      expectCode(withWorkload({ ...entry(0, 1n, 'x'), logIndex }), 'ACCOUNTING_INVALID_INPUT');
    }
  });

  it('refuses a UEID that is not 7 to 33 bytes, in a chip, a cluster and the register', () => {
    expect(invalidInput(account({ chips: [{ ...chip(1, []), ueid: new Uint8Array(6) }] }))).toBe(
      'chips[0].ueid: expected a UEID (Uint8Array of 7 to 33 bytes), got a Uint8Array of 6 bytes',
    );
    expectCode(account({ chips: [{ ...chip(1, []), ueid: 'chip-1' }] }), 'ACCOUNTING_INVALID_INPUT');
    expectCode(withWorkload(entry(0, 1n, 'r', [new Uint8Array(34)])), 'ACCOUNTING_INVALID_INPUT');
    expectCode(account({ chips: [], issuedLicences: [{ ...issued(1, 1n), ueid: [1, 2, 3, 4, 5, 6, 7] }] }), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses a licence id that is not 16 bytes and a quota that is not a bigint', () => {
    expectCode(account({ chips: [], issuedLicences: [{ ...issued(1, 1n), licenceId: new Uint8Array(15) }] }), 'ACCOUNTING_INVALID_INPUT');
    expectCode(account({ chips: [], issuedLicences: [{ ...issued(1, 1n), opsQuota: 1 }] }), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses evidence that is not an object, chips that are not an array, and an affirmation that is not a boolean', () => {
    expectCode(account(null), 'ACCOUNTING_INVALID_INPUT');
    expectCode(account({ chips: {} }), 'ACCOUNTING_INVALID_INPUT');
    expectCode(account({ chips: [{ ...chip(1, []), affirmed: 'yes' }] }), 'ACCOUNTING_INVALID_INPUT');
    expectCode(account({ chips: [chip(1, [])], issuedLicences: 'none' }), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses a hole in a list rather than skip it', () => {
    expect(invalidInput(account({ chips: [chip(1, []), , chip(2, [])] }))).toBe('chips[1]: expected an object, got undefined');
  });

  it('describes a value without a toString without failing itself', () => {
    expect(invalidInput(withWorkload({ logIndex: 0, ops: Object.create(null), descriptor: { workloadId: 'r' } }))).toContain('got an object');
  });
});

describe('the options and thresholds', () => {
  it('refuses options that are not an object, and thresholds that are not an array', () => {
    expectCode(account({ chips: [] }, null), 'ACCOUNTING_INVALID_INPUT');
    expectCode(account({ chips: [] }, { thresholds: 'eu' }), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses two thresholds with one id', () => {
    const t = { id: 'local', description: '', ops: 1n };
    expectCode(account({ chips: [] }, { thresholds: [t, t] }), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses a negative threshold, and one given as a number', () => {
    expectCode(account({ chips: [] }, { thresholds: [{ id: 'neg', description: '', ops: -1n }] }), 'ACCOUNTING_INVALID_INPUT');
    expectCode(account({ chips: [] }, { thresholds: [{ id: 'num', description: '', ops: 1e25 }] }), 'ACCOUNTING_INVALID_INPUT');
  });

  it('refuses a threshold id that is empty or would break the report\'s list of ids', () => {
    for (const id of ['', 'a,b', 'a b', 'a\nb']) {
      expectCode(account({ chips: [] }, { thresholds: [{ id, description: '', ops: 1n }] }), 'ACCOUNTING_INVALID_INPUT');
    }
  });

  it('refuses a threshold description with a line break', () => {
    expectCode(account({ chips: [] }, { thresholds: [{ id: 't', description: 'x\nFlagged runs: 0', ops: 1n }] }), 'ACCOUNTING_INVALID_INPUT');
  });
});

describe('the renderings and helpers', () => {
  it('refuse an object that only looks like a report', () => {
    const real = accountFleet({ chips: [] });
    const lookalike = { ...real } as FleetReport;
    expectCode(() => renderFleetReport(lookalike), 'ACCOUNTING_INVALID_INPUT');
    expectCode(() => fleetReportToJson(lookalike), 'ACCOUNTING_INVALID_INPUT');
    expectCode(() => renderFleetReport(undefined as unknown as FleetReport), 'ACCOUNTING_INVALID_INPUT');
  });

  it('formatScientific refuses a number and a digit count out of range', () => {
    expectCode(() => formatScientific(1 as unknown as bigint), 'ACCOUNTING_INVALID_INPUT');
    for (const significant of [0, 1.5, 101, Number.NaN]) expectCode(() => formatScientific(1n, significant), 'ACCOUNTING_INVALID_INPUT');
  });

  it('ueidHex refuses what is not a UEID', () => {
    expectCode(() => ueidHex('00' as unknown as Uint8Array), 'ACCOUNTING_INVALID_INPUT');
    expectCode(() => ueidHex(new Uint8Array(3)), 'ACCOUNTING_INVALID_INPUT');
  });
});
