/**
 * The cost model (specs/scenarios.md §5): the measured figures agree with what is known independently
 * of the meter (a report is one signature, a 2-of-3 licence two verifications, a hash-log entry a
 * 34-byte CBOR byte string), and the projection's arithmetic is checked on a table made by hand.
 */
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../../wire/src/crypto/node-entry.js';
import { COST_FIELDS, MEASURED_COMMANDS, measureCommands, parseScenario, projectCost, runScenario, ZERO_COST, type CommandCost, type MeasuredCommand } from '../../src/scenario/index.js';
import { expectCode, licensed, run } from './support.js';

const measured = measureCommands();
const cost = (c: MeasuredCommand) => measured.perCommand[c].cost;

describe('measured per command', () => {
  it('an attestation report is one signature and writes nothing', () => {
    expect(cost('attest')).toMatchObject({ signatures: 1, stateWrites: 0, logWrites: 0, counterIncrements: 0 });
  });

  it('a checkpoint is two signatures (the COSE checkpoint and the C2SP signed note) and writes nothing', () => {
    expect(cost('checkpoint')).toMatchObject({ signatures: 2, stateWrites: 0, counterIncrements: 0 });
  });

  it('a status costs nothing at all', () => {
    expect(cost('status')).toEqual(ZERO_COST);
  });

  it('a receipt is one signature', () => {
    expect(cost('proveInclusion')).toMatchObject({ signatures: 1, stateWrites: 0 });
  });

  it('reading every entry of the log signs nothing and writes nothing', () => {
    expect(cost('readEntries')).toMatchObject({ signatures: 0, verifications: 0, stateWrites: 0, logWrites: 0, counterIncrements: 0 });
  });

  it('a workload appends two entries, commits once and raises the counter once, signing nothing', () => {
    expect(cost('runWorkload')).toMatchObject({ signatures: 0, verifications: 0, logWrites: 2, stateWrites: 1, counterIncrements: 1 });
  });

  it("a workload's log bytes are its two entries' bytes, and its state bytes the record's size", () => {
    const step = measured.trace.steps.find((s) => s.comment === 'runWorkload')!;
    expect(step.logEntries.map((e) => e.kind)).toEqual(['workloadStarted', 'workloadFinished']);
    expect(step.cost.logBytesWritten).toBe(step.logEntries.reduce((n, e) => n + e.bytes.length / 2, 0));
    expect(step.cost.stateBytesWritten).toBe(step.stored.state);
  });

  it('a 2-of-3 licence is two verifications, and the hash log grows the state by one 32-byte digest (34 bytes of CBOR)', () => {
    expect(cost('installLicence')).toMatchObject({ signatures: 0, verifications: 2, logWrites: 1, stateWrites: 1, counterIncrements: 1 });
    expect(measured.perCommand.installLicence.stateGrowth).toBe(2 + 32);
  });

  it('a boot is one signature (the attestation-key certificate), one entry, one commit', () => {
    expect(cost('boot')).toMatchObject({ signatures: 1, logWrites: 1, stateWrites: 1, counterIncrements: 1 });
  });

  it('every commit raises the counter exactly once', () => {
    for (const c of MEASURED_COMMANDS) expect(cost(c).counterIncrements).toBe(cost(c).stateWrites);
  });

  it('does not depend on the crypto backend', () => {
    expect(measureCommands({ backend: getBackend('node') }).perCommand).toEqual(measured.perCommand);
  });

  it('the totals of a trace are the sum of its steps', () => {
    const t = runScenario(parseScenario(licensed([run('a', 5), run('b', 5), { do: 'attest', comment: 'r', nonce: { fill: 1, length: 8 } }])));
    for (const k of COST_FIELDS) expect(t.totals[k]).toBe(t.steps.reduce((n, s) => n + s.cost[k], 0));
  });
});

describe('projectCost', () => {
  const zero: CommandCost = { cost: ZERO_COST, stateGrowth: 0 };
  const table = Object.fromEntries(MEASURED_COMMANDS.map((c) => [c, zero])) as Record<MeasuredCommand, CommandCost>;
  table.runWorkload = { cost: { ...ZERO_COST, counterIncrements: 1, stateWrites: 1, logBytesWritten: 100 }, stateGrowth: 0 };
  table.installLicence = { cost: { ...ZERO_COST, counterIncrements: 1, stateWrites: 1 }, stateGrowth: 365 };
  const pattern = { years: 1, workloadsPerDay: 10, attestationsPerDay: 0, licencesPerYear: 1, bootsPerYear: 0 };

  it('adds the pattern up over the life and finds the day each limit runs out', () => {
    const p = projectCost({ perCommand: table, initialStateBytes: 500 }, pattern, { counterEndurance: 1000, flashEndurance: 1e9, flashBytes: 10_501 });
    expect(p.days).toBe(365);
    expect(p.life.counterIncrements).toBe(365 * 10 + 1);
    expect(p.storedBytes).toEqual({ state: 500 + 365, log: 365 * 1000 });
    const [counter, flash, size] = p.limitUse;
    expect(counter).toMatchObject({ limit: 'counterEndurance', used: 3651, available: 1000, reachedOnDay: 100 });
    expect(flash).toMatchObject({ limit: 'flashEndurance', reachedOnDay: null });
    // 500 bytes at first, then 1000 of log and 1 of state a day: 10 501 is passed on day 10.
    expect(size).toMatchObject({ limit: 'flashBytes', reachedOnDay: 10 });
  });

  it.each([
    ['zero years', { ...pattern, years: 0 }, '"years" expected a positive finite number, got 0'],
    ['negative workloads', { ...pattern, workloadsPerDay: -1 }, '"workloadsPerDay" expected a non-negative finite number, got -1'],
    ['a rate that is not a number', { ...pattern, bootsPerYear: Number.NaN }, '"bootsPerYear" expected a non-negative finite number, got NaN'],
  ])('refuses %s with COST_INVALID_INPUT', (_, bad, message) => {
    expect(expectCode(() => projectCost({ perCommand: table, initialStateBytes: 0 }, bad), 'COST_INVALID_INPUT').message).toBe(message);
  });

  it('refuses a limit of zero with COST_INVALID_INPUT', () => {
    expectCode(() => projectCost({ perCommand: table, initialStateBytes: 0 }, pattern, { counterEndurance: 0, flashEndurance: 1, flashBytes: 1 }), 'COST_INVALID_INPUT');
  });
});
