/**
 * The runner (specs/scenarios.md §3, §4): events act on the simulated part as the spec says, the
 * trace records outcomes, transitions and entries, and a scenario that cannot run is refused with its
 * code before or where it stops.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, type Trace } from '../../src/scenario/index.js';
import { expectCode, licensed, run } from './support.js';

const trace = (steps: readonly object[], over: Record<string, unknown> = {}): Trace => runScenario(parseScenario(licensed(steps, over)));
const last = (t: Trace) => t.steps[t.steps.length - 1]!;

describe('the trace', () => {
  it('records a refusal that was expected as matched, and one that was not as a mismatch', () => {
    const t = trace([run('a', 2000, { expect: 'WORKLOAD_OVER_QUOTA' }), run('b', 2000)]);
    expect(t.steps[3]).toMatchObject({ outcome: 'WORKLOAD_OVER_QUOTA', matched: true, error: { code: 'WORKLOAD_OVER_QUOTA' } });
    expect(t.steps[4]).toMatchObject({ outcome: 'WORKLOAD_OVER_QUOTA', expect: 'ok', matched: false });
    expect(t.mismatches).toEqual([4]);
  });

  it('records state transitions, counter changes and the entries a step appended', () => {
    const t = trace([run('a', 1000)]);
    const step = last(t);
    expect(step.transitions).toMatchObject({
      'counters.totalOps': { from: '0', to: '1000' },
      'counters.ops.bf16': { from: null, to: '1000' },
      'licence.remainingQuota': { from: '1000', to: '0' },
      lockState: { from: 'unlocked', to: 'licenceExhausted' },
    });
    expect(step.logEntries.map((e) => e.kind)).toEqual(['workloadStarted', 'workloadFinished', 'licenceExhausted']);
    expect(t.final['lockState']).toBe('licenceExhausted');
  });

  it('is the same on every run of the same scenario', () => {
    const steps = [run('a', 10), { do: 'attest', comment: 'report', nonce: { fill: 9, length: 16 } }];
    expect(JSON.stringify(trace(steps))).toBe(JSON.stringify(trace(steps)));
  });
});

describe('events', () => {
  it('clock: a jump back makes the next command fail with CLOCK_WENT_BACKWARDS', () => {
    const t = trace([{ do: 'clock', comment: 'forward', advance: 100 }, run('a', 1), { do: 'clock', comment: 'back', advance: -50 }, run('b', 1, { expect: 'CLOCK_WENT_BACKWARDS' })]);
    expect(t.mismatches).toEqual([]);
    expect(t.steps[6]!.time).toBe(1_800_000_050);
  });

  it('clock: a tick moves time after every command, and a tick of 0 freezes it', () => {
    const t = trace([{ do: 'clock', comment: 'tick', tick: 10 }, { do: 'status', comment: 's1' }, { do: 'status', comment: 's2' }, { do: 'clock', comment: 'freeze', tick: 0 }, { do: 'status', comment: 's3' }, { do: 'status', comment: 's4' }]);
    expect(t.steps.slice(4).map((s) => s.time)).toEqual([1_800_000_000, 1_800_000_010, 1_800_000_020, 1_800_000_020, 1_800_000_020]);
  });

  it('power-loss before the write: the command is lost, its entries are gone after the power cycle, the chip boots', () => {
    const t = trace([{ do: 'power-loss', comment: 'cut', at: 'before-write' }, run('lost', 10, { expect: 'POWER_LOST' })]);
    const lost = last(t);
    expect(lost.powerLost).toBe('before-write');
    expect(lost.response).toBeUndefined();
    expect(t.final['counters.totalOps']).toBe('0');
    expect(t.final['bootcount']).toBe(2);
    // The entries the lost command appended were dropped: the last entry is the boot.
    expect(lost.logEntries.map((e) => e.kind)).toEqual(['boot']);
    expect(lost.cost.counterIncrements).toBe(1); // only the boot's commit
  });

  it("the stored log bytes are the final log's, after a power-on dropped the lost command's entries", () => {
    const t = trace([run('a', 5), { do: 'power-loss', comment: 'cut', at: 'before-write' }, run('lost', 10, { expect: 'POWER_LOST' })]);
    expect(last(t).stored.log).toBe(t.log.reduce((n, e) => n + e.length / 2, 0));
    expect(t.steps[3]!.stored.log).toBeLessThan(last(t).stored.log); // the boot entry came after
  });

  it('power-loss after the state write: the next power-on finds the record one generation ahead and keeps it', () => {
    const t = trace([{ do: 'power-loss', comment: 'cut', at: 'after-state-write' }, run('kept', 10, { expect: 'POWER_LOST' })]);
    expect(t.final['counters.totalOps']).toBe('10');
    expect(t.final['lockState']).toBe('unlocked');
    // The recovery raises the counter the cut commit could not; the boot then commits once more.
    expect(last(t).cost.counterIncrements).toBe(2);
  });

  it('snapshot and restore: an older record put back is found at power-on, logged, and refused from', () => {
    const t = trace([
      { do: 'snapshot', comment: 'copy the flash', name: 'before' },
      run('a', 10),
      { do: 'restore', comment: 'put the copy back', name: 'before' },
      { do: 'power-cycle', comment: 'power on' },
      run('b', 1, { expect: 'MODULE_REFUSING' }),
    ]);
    expect(t.mismatches).toEqual([]);
    const powerOn = t.steps[6]!;
    expect(powerOn.logEntries.map((e) => e.kind)).toEqual(['stateRollbackDetected', 'boot']);
    expect(powerOn.transitions['lockState']).toEqual({ from: 'unlocked', to: 'rollback' });
  });

  it('power-cycle of an untouched chip boots it: a boot entry and one more boot count', () => {
    const t = trace([{ do: 'power-cycle', comment: 'restart' }]);
    expect(last(t).logEntries.map((e) => e.kind)).toEqual(['boot']);
    expect(last(t).transitions['bootcount']).toEqual({ from: 1, to: 2 });
  });

  it('re-encoded requests are refused with the code of the encoding fault', () => {
    const t = trace([
      { do: 'status', comment: 'trailing byte', reencode: 'trailing-byte', expect: 'CBOR_TRAILING_BYTES' },
      { do: 'status', comment: 'long map head', reencode: 'non-shortest-map-head', expect: 'CBOR_NON_SHORTEST_HEAD' },
      { do: 'status', comment: 'indefinite map', reencode: 'indefinite-map', expect: 'CBOR_INDEFINITE_LENGTH' },
    ]);
    expect(t.steps.slice(3).map((s) => s.outcome)).toEqual(['CBOR_TRAILING_BYTES', 'CBOR_NON_SHORTEST_HEAD', 'CBOR_INDEFINITE_LENGTH']);
  });

  it('tamper raises the tamper input: tamperDetected logged with the sensor, the chip refuses', () => {
    const t = trace([
      { do: 'tamper', comment: 'open the lid', sensor: 'lid' },
      { do: 'runWorkload', comment: 'refused', descriptor: 'utf8:w', ops: 1, expect: 'MODULE_REFUSING' },
    ]);
    expect(t.steps[3]!.logEntries.map((e) => e.kind)).toEqual(['tamperDetected']);
    expect(t.steps[4]!.matched).toBe(true);
    expect(t.final).toMatchObject({ lockState: 'tamper', refusing: true });
  });

  it('send-bytes sends a request as given', () => {
    const t = trace([{ do: 'send-bytes', comment: 'garbage', bytes: 'hex:ff', expect: 'CBOR_INDEFINITE_LENGTH' }]);
    expect(last(t)).toMatchObject({ request: 'ff', matched: true });
  });
});

describe('rotate-issuers (licence.md §5a)', () => {
  const rotate = { do: 'rotate-issuers', comment: 'rotate', keys: ['new-0', 'new-1'], threshold: 2 };
  const licence = (comment: string, over: Record<string, unknown> = {}) => ({ do: 'installLicence', comment, licence: { claims: { opsQuota: 1000 } }, ...over });

  it('sends an update signed by the issuers in force; accepted, it is logged and the new set signs later licences', () => {
    const t = trace([rotate, licence('by the new set')]);
    expect(t.mismatches).toEqual([]);
    expect(t.steps[3]!.logEntries.map((e) => e.kind)).toEqual(['issuersUpdated']);
    expect(t.steps[3]!.transitions['issuerSetSequence']).toEqual({ from: null, to: 1 });
    expect(t.steps[4]!.outcome).toBe('ok');
  });

  it('numbers updates 1, 2, … by default, and a second rotation is signed by the first one\'s set', () => {
    const t = trace([rotate, { ...rotate, keys: ['new-2', 'new-3', 'new-4'], threshold: 3 }, licence('by 2 of a 3-of-3 set', { expect: 'LICENCE_TOO_FEW_SIGNATURES' })]);
    expect(t.mismatches).toEqual([]);
    expect(t.steps[4]!.transitions['issuerSetSequence']).toEqual({ from: 1, to: 2 });
  });

  it('a refused update changes nothing: the old issuers still sign', () => {
    const t = trace([{ ...rotate, signers: [0], expect: 'LICENCE_TOO_FEW_SIGNATURES' }, licence('by the old set')]);
    expect(t.mismatches).toEqual([]);
    expect(t.steps[3]!.logEntries).toEqual([]);
    expect(t.steps[3]!.transitions).toEqual({});
  });

  it('power lost before the write: the update is lost whole, and the old issuers stay in force', () => {
    const t = trace([{ do: 'power-loss', comment: 'cut', at: 'before-write' }, { ...rotate, expect: 'POWER_LOST' }, licence('by the old set')]);
    expect(t.mismatches).toEqual([]);
    expect(t.final['issuerSetSequence']).toBeNull();
  });
});

describe('a scenario that cannot run', () => {
  it('a licence before any manufacture, with SCENARIO_STEP_NOT_APPLICABLE', () => {
    const value = { ...licensed([]), steps: [{ do: 'installLicence', comment: 'too early', licence: {} }] };
    expect(expectCode(() => runScenario(parseScenario(value)), 'SCENARIO_STEP_NOT_APPLICABLE').message).toMatch(/^step 0: a licence needs the chip's UEID/);
  });

  it('a licence answering a challenge the chip does not hold', () => {
    expectCode(() => trace([{ do: 'installLicence', comment: 'x', licence: { claims: { chipChallenge: 'pending' } } }]), 'SCENARIO_STEP_NOT_APPLICABLE');
  });

  it('an appraisal with no verifier given', () => {
    expectCode(() => trace([{ do: 'appraise', comment: 'x', nonce: { fill: 1, length: 16 } }]), 'SCENARIO_STEP_NOT_APPLICABLE');
  });

  it('a signer the authority does not have', () => {
    expect(expectCode(() => trace([{ do: 'installLicence', comment: 'x', licence: { signers: [0, 5] } }]), 'SCENARIO_INVALID').message).toBe(
      "/steps/3: signer 5 is not one of the authority's 3 issuers",
    );
  });
});

describe('storage taken away', () => {
  it('a state record deleted (a snapshot of the blank part written back): the part refuses every command with MODULE_REFUSING', () => {
    const value = licensed([]);
    const steps = value['steps'] as object[];
    value['steps'] = [
      { do: 'snapshot', comment: 'the blank flash', name: 'blank' },
      ...steps,
      { do: 'restore', comment: 'write the blank flash back', name: 'blank' },
      { do: 'power-cycle', comment: 'power on' },
      { do: 'status', comment: 'refused', expect: 'MODULE_REFUSING' },
      { do: 'manufacture', comment: 'cannot start again either', expect: 'MODULE_REFUSING' },
    ];
    const t = runScenario(parseScenario(value));
    expect(t.mismatches).toEqual([]);
    expect(t.final).toEqual({ manufactured: false });
  });
});

describe('clone', () => {
  it("the flash copied into a blank part: its counter is 0, so the record is ahead of it; found at power-on, logged, refused", () => {
    const t = trace([
      run('a', 10),
      { do: 'snapshot', comment: 'copy the flash', name: 'flash' },
      { do: 'clone', comment: 'write it into a blank part', name: 'flash' },
      { do: 'power-cycle', comment: 'power the clone on' },
      run('b', 1, { expect: 'MODULE_REFUSING' }),
    ]);
    expect(t.mismatches).toEqual([]);
    const powerOn = t.steps[6]!;
    const rollback = powerOn.logEntries.find((e) => e.kind === 'stateRollbackDetected')!;
    expect(JSON.stringify(rollback.entry)).toContain('counter-behind-state');
    expect(powerOn.transitions['lockState']).toEqual({ from: 'unlocked', to: 'rollback' });
  });
});
