/**
 * The verifier appraising chips that run each shipped firmware policy (module-commands.md §5.1, §5.2),
 * told the policy's licence rules (verifier.md §5.1): affirmed with the rules, and refused under the
 * default rules, which the same evidence breaks.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '@hemkit/wire/cbor';
import { CMD, workloadDescriptor, type LicenceClaims, type PrecisionClass } from '@hemkit/wire/messages';
import { enterTamperState } from '../../../module/src/firmware/chip.js';
import { collectEvidence } from '../../../module/src/evidence.js';
import { DEFAULT_POLICY as DEFAULT_FIRMWARE_POLICY, throttledBaselinePolicy, USAGE_ONLY_POLICY, WIDTH_WEIGHTS, type FirmwarePolicy } from '../../../module/src/firmware/policy/index.js';
import { parsePolicy, type Policy } from '../../src/inputs.js';
import { MemoryVerifierStore } from '../../src/store/index.js';
import { appraiseWith, authority, check, manufacturedChip, seed, T0, verifierInputs } from '../support/fixture.js';

const THROTTLED_RULES = {
  throttledBaselineOpsPerSecond: '1000',
  precisionWeights: Object.fromEntries([...WIDTH_WEIGHTS].map(([c, w]) => [String(c), Number(w)])),
  admitToQuota: true,
};

/** A provisioned chip under `policy`, with the licences it installed kept for the evidence. */
function chipUnder(name: string, policy: FirmwarePolicy, itemisationThreshold?: bigint) {
  const { chip, clock, made } = manufacturedChip(name, { policy, ...(itemisationThreshold !== undefined ? { itemisationThreshold } : {}) });
  const licences: Uint8Array[] = [];
  let sequenceNumber = 0;
  const install = (over: Partial<LicenceClaims>) => {
    sequenceNumber++;
    const bytes = authority.issueLicence(
      { licenceId: seed(`${name} licence ${sequenceNumber}`).subarray(0, 16), ueid: made.ueid, sequenceNumber, notBefore: T0 - 60, expiry: T0 + 86_400, opsQuota: 1000n, precisionClasses: [4, 6], ...over },
      [0, 1],
    );
    chip.send(CMD.installLicence, { licence: bytes });
    licences.push(bytes);
  };
  const run = (id: string, ops: bigint, precisionClass: PrecisionClass = 4, busyChipSeconds?: number) =>
    chip.send(CMD.runWorkload, { workloadDescriptor: encode(workloadDescriptor.toCbor({ workloadId: id })), precisionClass, ops, ...(busyChipSeconds ? { busyChipSeconds } : {}) });
  let n = 0;
  const evidence = (discloseFrom = 0, knownSizes: number[] = []) => {
    const nonce = seed(`${name} nonce ${++n}`).subarray(0, 16);
    return { nonce, bundle: collectEvidence(chip, { nonce, discloseFrom, knownSizes, licences }) };
  };
  return { chip, clock, install, run, evidence };
}

const inputsFor = (rules: Record<string, unknown>, now: number, store = new MemoryVerifierStore()) => {
  const policy: Policy = parsePolicy({ licenceRules: rules });
  return verifierInputs({ policy, now, store });
};

function throttledChip() {
  const c = chipUnder('throttled', throttledBaselinePolicy({ baselineOpsPerSecond: 1000n, precisionWeights: WIDTH_WEIGHTS, admitToQuota: true }));
  c.run('unlicensed', 1000n);
  c.install({});
  c.run('fp8', 1000n, 6);
  c.run('cross', 501n);
  c.run('lapsed', 3000n, 4, 3);
  return c;
}

describe('a chip under the throttled-baseline policy', () => {
  it('is affirmed by a verifier told its licence rules', () => {
    const c = throttledChip();
    const { bundle, nonce } = c.evidence();
    const a = appraiseWith(bundle, nonce, inputsFor(THROTTLED_RULES, T0 + 10));
    expect(check(a, 'licence').status).toBe('pass');
    expect(a.status).toBe('affirming');
  });

  it('is refused under the default rules: work with no licence is LICENCE_UNACCOUNTED', () => {
    const c = throttledChip();
    const { bundle, nonce } = c.evidence();
    expect(check(appraiseWith(bundle, nonce, inputsFor({}, T0 + 10)), 'licence').code).toBe('LICENCE_UNACCOUNTED');
  });

  it('without the weights (and admission to the quota) the fp8 work over-draws the quota: LICENCE_QUOTA_EXCEEDED', () => {
    const c = throttledChip();
    const { bundle, nonce } = c.evidence();
    const unweighted = { throttledBaselineOpsPerSecond: THROTTLED_RULES.throttledBaselineOpsPerSecond };
    expect(check(appraiseWith(bundle, nonce, inputsFor(unweighted, T0 + 10)), 'licence').code).toBe('LICENCE_QUOTA_EXCEEDED');
  });

  it('a chip running faster than the verifier\'s baseline while lapsed is LICENCE_UNACCOUNTED', () => {
    const c = chipUnder('fast', throttledBaselinePolicy({ baselineOpsPerSecond: 5000n }));
    c.run('unlicensed', 5000n);
    const { bundle, nonce } = c.evidence();
    expect(check(appraiseWith(bundle, nonce, inputsFor(THROTTLED_RULES, T0 + 10)), 'licence').code).toBe('LICENCE_UNACCOUNTED');
  });

  it('no baseline after a revocation: work then is LICENCE_UNACCOUNTED even under the rules', () => {
    // A chip that (wrongly) throttles after revocation: the default's whenLocked replaced by an always-baseline one.
    const base = throttledBaselinePolicy({ baselineOpsPerSecond: 1000n });
    const c = chipUnder('revoked', { ...base, whenLocked: () => ({ admit: true, charge: 0n }) });
    c.install({});
    const claimsId = seed('revoked licence 1').subarray(0, 16);
    c.chip.send(CMD.applyRevocation, { revocation: authority.issueRevocation({ revocationId: new Uint8Array(16).fill(4), ueid: c.chip.state!.ueid, revokedLicences: [claimsId], issuedAt: T0 }, [0, 1]) });
    c.run('after', 10n);
    const { bundle, nonce } = c.evidence();
    expect(check(appraiseWith(bundle, nonce, inputsFor(THROTTLED_RULES, T0 + 10)), 'licence').code).toBe('LICENCE_UNACCOUNTED');
  });
});

function usageOnlyChip() {
  const c = chipUnder('usage-only', USAGE_ONLY_POLICY);
  c.install({ notBefore: T0 + 100, expiry: T0 + 3600 });
  c.run('u-1', 600n);
  c.clock.time = T0 + 10 * 86_400;
  c.run('u-2', 100n);
  c.install({ notBefore: T0, expiry: T0 + 1 });
  c.run('u-3', 50n);
  return c;
}

describe('a chip under the usage-only policy', () => {
  it('is affirmed by a verifier told there is no clock and quota is carried', () => {
    const c = usageOnlyChip();
    expect(c.chip.state!.licence!.remainingQuota).toBe(1250n);
    const { bundle, nonce } = c.evidence();
    const a = appraiseWith(bundle, nonce, inputsFor({ clock: false, unusedQuota: 'carry' }, c.clock.time + 5));
    expect(check(a, 'licence').status).toBe('pass');
    expect(a.status).toBe('affirming');
  });

  it('is refused under the default rules: LICENCE_OUT_OF_WINDOW', () => {
    const c = usageOnlyChip();
    const { bundle, nonce } = c.evidence();
    expect(check(appraiseWith(bundle, nonce, inputsFor({}, c.clock.time + 5)), 'licence').code).toBe('LICENCE_OUT_OF_WINDOW');
  });

  it('without the carry rule the chip reports more remaining than its quota: LICENCE_QUOTA_EXCEEDED', () => {
    const c = usageOnlyChip();
    const { bundle, nonce } = c.evidence();
    expect(check(appraiseWith(bundle, nonce, inputsFor({ clock: false }, c.clock.time + 5)), 'licence').code).toBe('LICENCE_QUOTA_EXCEEDED');
  });

  it('is affirmed again when the carrying licence arrives after an earlier appraisal', () => {
    const c = chipUnder('usage-only-2', USAGE_ONLY_POLICY);
    c.install({});
    c.run('u-1', 600n);
    const store = new MemoryVerifierStore();
    const first = c.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputsFor({ clock: false, unusedQuota: 'carry' }, T0 + 5, store)).status).toBe('affirming');
    const size = c.chip.env.log.size;
    c.clock.time = T0 + 1000;
    c.install({});
    c.run('u-2', 100n);
    const second = c.evidence(size, [size]);
    const a = appraiseWith(second.bundle, second.nonce, inputsFor({ clock: false, unusedQuota: 'carry' }, T0 + 1005, store));
    expect(check(a, 'licence').status).toBe('pass');
  });
});

describe('a chip that aggregates small workloads (log-entry.md §5)', () => {
  function aggregating() {
    const c = chipUnder('aggregating', DEFAULT_FIRMWARE_POLICY, 100n);
    c.install({});
    c.run('big', 150n);
    c.run('small-1', 40n);
    c.run('small-2', 30n, 6);
    return c;
  }

  it('is affirmed: the aggregate accounts for the counters (check 13) and is charged to the licence (check 14)', () => {
    const c = aggregating();
    const { bundle, nonce } = c.evidence();
    const a = appraiseWith(bundle, nonce, inputsFor({}, T0 + 10));
    expect(check(a, 'counters-vs-log').status).toBe('pass');
    expect(check(a, 'licence').status).toBe('pass');
    expect(a.status).toBe('affirming');
  });

  it('an aggregate that overdraws the licence is LICENCE_QUOTA_EXCEEDED', () => {
    // A chip whose policy draws nothing for small work: the verifier still charges the aggregate.
    const c = chipUnder('free-small', { ...DEFAULT_FIRMWARE_POLICY, quotaCost: (w) => (w.ops < 100n ? 0n : w.ops) }, 100n);
    c.install({ opsQuota: 100n });
    c.run('small-1', 60n);
    c.run('small-2', 60n);
    const { bundle, nonce } = c.evidence();
    expect(check(appraiseWith(bundle, nonce, inputsFor({}, T0 + 10)), 'licence').code).toBe('LICENCE_QUOTA_EXCEEDED');
  });
});

describe('a chip whose tamper input fired', () => {
  it('is refused: the report\'s lock state is CHIP_REPORTS_COMPROMISE', () => {
    const c = chipUnder('tampered', throttledBaselinePolicy({ baselineOpsPerSecond: 1000n }));
    c.chip.state = enterTamperState(c.chip.state!, c.chip.env, 'enclosure-open');
    const { bundle, nonce } = c.evidence();
    const a = appraiseWith(bundle, nonce, inputsFor(THROTTLED_RULES, T0 + 10));
    expect(check(a, 'lock-state').code).toBe('CHIP_REPORTS_COMPROMISE');
    expect(a.status).not.toBe('affirming');
  });
});

describe('licence rules in the policy file', () => {
  it('refuses an unknown rule with VERIFIER_INPUT_INVALID', () => {
    expect(() => parsePolicy({ licenceRules: { carry: true } })).toThrow(expect.objectContaining({ code: 'VERIFIER_INPUT_INVALID' }));
  });
});
