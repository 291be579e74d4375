/**
 * The two shipped example policies (module-commands.md §5.1, §5.2): each shipped session script run
 * against them, and where they differ from the default, step by step; then each mechanism alone.
 */
import { describe, expect, it } from 'vitest';
import { CMD, EVENT, LOCK } from '@hemkit/wire/messages';
import { SIM_PEAK_OPS_PER_SECOND } from '../../src/firmware/chip.js';
import { DEFAULT_POLICY, throttledBaselinePolicy, USAGE_ONLY_POLICY, WIDTH_WEIGHTS, type FirmwarePolicy } from '../../src/firmware/policy/index.js';
import { MODULE_SESSIONS } from '../../src/vectors/catalogue.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { scenario, workload } from '../support/scenario.js';

const BASELINE = SIM_PEAK_OPS_PER_SECOND / 100n;
const THROTTLED = throttledBaselinePolicy({ baselineOpsPerSecond: BASELINE, precisionWeights: WIDTH_WEIGHTS, admitToQuota: true });

/** Every shipped session under `policy`, as the steps whose outcome differs from the script's, by session. */
function differences(policy: FirmwarePolicy): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const make of MODULE_SESSIONS) {
    const r = make({ policy: { name: policy.name, policy }, record: true });
    if (r.differences.length > 0) out[r.id] = r.differences.map((d) => `${d.comment}: ${d.expected} -> ${d.got}`);
  }
  return out;
}

describe('the shipped sessions under each policy', () => {
  it('the default policy injected explicitly differs from the scripts nowhere', () => {
    expect(differences(DEFAULT_POLICY)).toEqual({});
  });

  it('the throttled baseline admits what a lapsed chip refused, and nothing else changes', () => {
    expect(differences(THROTTLED)).toEqual({
      'session-lifecycle': ['a workload before any licence is refused: WORKLOAD_LOCKED -> ok'],
      'session-quota-expiry': [
        '401 operations: one past the quota: WORKLOAD_OVER_QUOTA -> ok',
        'locked once exhausted: WORKLOAD_LOCKED -> ok',
        'at the exact second of expiry the chip locks: WORKLOAD_LOCKED -> ok',
      ],
      // At the baseline the chip would run past the largest counter; the firmware's own limit holds.
      'session-counter-boundaries': ['the quota is used exactly: nothing more runs: WORKLOAD_LOCKED -> WORKLOAD_COUNTER_LIMIT'],
      // A licence whose memory-transfer quota is used up is exhausted like one whose operations are.
      'session-memory-transfer': ['locked once the memory-transfer quota is used up: WORKLOAD_LOCKED -> ok'],
    });
  });

  it('the usage-only licence ignores the window and never expires', () => {
    expect(differences(USAGE_ONLY_POLICY)).toEqual({
      'session-licence-refusals': ['not yet valid: LICENCE_NOT_YET_VALID -> ok', 'expired at this very second: LICENCE_EXPIRED -> ok'],
      'session-quota-expiry': ['at the exact second of expiry the chip locks: WORKLOAD_LOCKED -> ok'],
    });
  });
});

describe('throttled baseline (RFD 032)', () => {
  const baseline = (options: Parameters<typeof throttledBaselinePolicy>[0]) => scenario({ policy: throttledBaselinePolicy(options) });

  it('an unlicensed chip runs up to the baseline rate times the busy seconds, and refuses more with WORKLOAD_OVER_BASELINE', () => {
    const s = baseline({ baselineOpsPerSecond: 10n });
    expect(s.chip.send(CMD.runWorkload, workload(100n, { busyChipSeconds: 10 })).remainingQuota).toBe(0n);
    expect(s.lastEntry().kind).toBe(EVENT.workloadFinished);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(101n, { busyChipSeconds: 10 })), 'WORKLOAD_OVER_BASELINE');
    expect(s.lastEntry().kind).toBe(EVENT.workloadRefused);
    // No busy time declared counts as 1 s, as for the interconnect limit.
    expectCode(() => s.chip.send(CMD.runWorkload, workload(11n)), 'WORKLOAD_OVER_BASELINE');
    expect(s.chip.state!.counters.totalOps).toBe(100n);
    expect(s.chip.state!.lockState).toBe(LOCK.noLicence);
  });

  it('a revoked licence still locks fully: WORKLOAD_LOCKED', () => {
    const s = baseline({ baselineOpsPerSecond: 10n ** 6n });
    const claims = s.licenceClaimsFor();
    s.chip.send(CMD.installLicence, { licence: s.authority.issueLicence(claims, [0, 1]) });
    const revocationId = new Uint8Array(16).fill(9);
    s.chip.send(CMD.applyRevocation, { revocation: s.authority.issueRevocation({ revocationId, ueid: s.ueid, revokedLicences: [claims.licenceId], issuedAt: s.clock.time }, [0, 1]) });
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n)), 'WORKLOAD_LOCKED');
  });

  it('per-precision weights: fp8 draws half, fp32 twice, rounded up', () => {
    const s = baseline({ baselineOpsPerSecond: 0n, precisionWeights: WIDTH_WEIGHTS });
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 1000n, precisionClasses: [2, 4, 6] }) });
    expect(s.chip.send(CMD.runWorkload, workload(101n, { precisionClass: 6 })).remainingQuota).toBe(1000n - 51n);
    expect(s.chip.send(CMD.runWorkload, workload(100n, { precisionClass: 2 })).remainingQuota).toBe(949n - 200n);
    expect(s.chip.send(CMD.runWorkload, workload(100n, { precisionClass: 4 })).remainingQuota).toBe(649n);
    // The counters record operations, unweighted.
    expect(s.chip.state!.counters.totalOps).toBe(301n);
    // 1300 fp8 operations draw 650 > 649: refused whole without admitToQuota.
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1300n, { precisionClass: 6 })), 'WORKLOAD_OVER_QUOTA');
  });

  it('admit to the quota, then throttle: the remainder runs at the baseline and the licence is exhausted', () => {
    const s = baseline({ baselineOpsPerSecond: 10n, admitToQuota: true });
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 1000n }) });
    // 1050 operations: 50 beyond the quota, 10 s at 10 ops/s allow 100.
    expect(s.chip.send(CMD.runWorkload, workload(1050n, { busyChipSeconds: 10 })).remainingQuota).toBe(0n);
    expect(s.chip.state!.lockState).toBe(LOCK.licenceExhausted);
    expect(s.lastEntry().kind).toBe(EVENT.licenceExhausted);
    expect(s.chip.state!.counters.totalOps).toBe(1050n);
  });

  it('admit to the quota refuses a remainder the baseline cannot carry, with WORKLOAD_OVER_BASELINE, and changes no quota', () => {
    const s = baseline({ baselineOpsPerSecond: 10n, admitToQuota: true });
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 1000n }) });
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1101n, { busyChipSeconds: 10 })), 'WORKLOAD_OVER_BASELINE');
    expect(s.chip.state!.licence!.remainingQuota).toBe(1000n);
    expect(s.chip.state!.lockState).toBe(LOCK.unlocked);
  });
});

describe('usage-only licence', () => {
  it('a new licence adds its quota to what the replaced one left', () => {
    const s = scenario({ policy: USAGE_ONLY_POLICY });
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 100n }) });
    s.chip.send(CMD.runWorkload, workload(30n));
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 50n }) });
    expect(s.chip.state!.licence!.remainingQuota).toBe(120n);
  });

  it('a revoked licence carries nothing', () => {
    const s = scenario({ policy: USAGE_ONLY_POLICY });
    const claims = s.licenceClaimsFor({ opsQuota: 100n });
    s.chip.send(CMD.installLicence, { licence: s.authority.issueLicence(claims, [0, 1]) });
    s.chip.send(CMD.applyRevocation, { revocation: s.authority.issueRevocation({ revocationId: new Uint8Array(16).fill(3), ueid: s.ueid, revokedLicences: [claims.licenceId], issuedAt: s.clock.time }, [0, 1]) });
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 50n }) });
    expect(s.chip.state!.licence!.remainingQuota).toBe(50n);
  });

  it('the carried sum saturates at 2^128 - 1', () => {
    const s = scenario({ policy: USAGE_ONLY_POLICY });
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 2n ** 128n - 1n }) });
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 5n }) });
    expect(s.chip.state!.licence!.remainingQuota).toBe(2n ** 128n - 1n);
  });

  it('the replay defences still hold without a clock: LICENCE_REPLAYED', () => {
    const s = scenario({ policy: USAGE_ONLY_POLICY });
    const claims = s.licenceClaimsFor({ expiry: s.clock.time - 1 });
    s.chip.send(CMD.installLicence, { licence: s.authority.issueLicence(claims, [0, 1]) });
    expectCode(() => s.chip.send(CMD.installLicence, { licence: s.authority.issueLicence(claims, [0, 2]) }), 'LICENCE_REPLAYED');
  });
});

describe('the firmware invariants under any policy', () => {
  it('WORKLOAD_COUNTER_LIMIT: two licences cannot take the lifetime counter past 2^128 - 1', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 2n ** 128n - 1n }) });
    s.chip.send(CMD.runWorkload, workload(2n ** 128n - 2n));
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 10n }) });
    expectCode(() => s.chip.send(CMD.runWorkload, workload(2n)), 'WORKLOAD_COUNTER_LIMIT');
    expect(s.chip.state!.counters.totalOps).toBe(2n ** 128n - 2n);
    expect(s.chip.send(CMD.runWorkload, workload(1n)).remainingQuota).toBe(9n);
    s.chip.send(CMD.attest, { nonce: new Uint8Array(8) });
  });
});
