import { describe, expect, it } from 'vitest';
import { CMD, EVENT, LOCK } from '@hemkit/wire/messages';
import { DEFAULT_POLICY, type FirmwarePolicy } from '../../src/firmware/policy/index.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { scenario, workload } from '../support/scenario.js';

describe('the firmware policy is injected through the module environment', () => {
  it('with no policy the chip applies the default: a workload over the remaining quota is refused whole', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 100n }) });
    expectCode(() => s.chip.send(CMD.runWorkload, workload(101n)), 'WORKLOAD_OVER_QUOTA');
    expect(s.chip.state!.licence!.remainingQuota).toBe(100n);
  });

  it('a policy that replaces one hook changes only what that hook decides', () => {
    const doubleCost: FirmwarePolicy = { ...DEFAULT_POLICY, name: 'double-cost', quotaCost: (w) => 2n * w.ops };
    const s = scenario({ policy: doubleCost });
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 100n }) });
    expect(s.chip.send(CMD.runWorkload, workload(30n)).remainingQuota).toBe(40n);
    // The log and the counters still record the declared operations, not the charge.
    expect(s.chip.state!.counters.totalOps).toBe(30n);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(21n)), 'WORKLOAD_OVER_QUOTA');
    expect(s.chip.send(CMD.runWorkload, workload(20n)).remainingQuota).toBe(0n);
    expect(s.chip.state!.lockState).toBe(LOCK.licenceExhausted);
    expect(s.lastEntry().kind).toBe(EVENT.licenceExhausted);
  });

  it('a policy that admits over the quota cannot drive the remaining quota below zero', () => {
    const greedy: FirmwarePolicy = { ...DEFAULT_POLICY, name: 'greedy', whenOverQuota: ({ cost }) => ({ admit: true, charge: cost }) };
    const s = scenario({ policy: greedy });
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 100n }) });
    expect(s.chip.send(CMD.runWorkload, workload(150n)).remainingQuota).toBe(0n);
    expect(s.chip.state!.lockState).toBe(LOCK.licenceExhausted);
  });

  it('a policy with no clock keeps a licence past its expiry', () => {
    const clockless: FirmwarePolicy = { ...DEFAULT_POLICY, name: 'clockless', hasExpired: () => false };
    const s = scenario({ policy: clockless });
    s.chip.send(CMD.installLicence, { licence: s.licence({ expiry: s.clock.time + 10 }) });
    s.clock.advance(1000);
    expect(s.chip.send(CMD.runWorkload, workload(1n)).remainingQuota).toBe(10n ** 18n - 1n);
    expect(s.entries().some((e) => e.kind === EVENT.licenceExpired)).toBe(false);
  });
});
