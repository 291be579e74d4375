/**
 * Firmware policies in scenarios (specs/scenarios.md §2, §7): a scenario may name a shipped policy,
 * the runner may be given another, and a policy from outside is checked to be one.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, USAGE_ONLY_POLICY } from '../../src/firmware/policy/index.js';
import { asFirmwarePolicy, parseScenario, POLICY_HOOKS, runScenario } from '../../src/scenario/index.js';
import { expectCode, licensed, run } from './support.js';

const lapse = [{ do: 'clock', comment: 'past the expiry', set: 30 * 86_400 + 100 }, run('late', 1)];

describe('the policy a chip runs', () => {
  it('is the default (hemkit-v1) unless the scenario names another', () => {
    const t = runScenario(parseScenario(licensed(lapse)));
    expect(t.policy).toBe('hemkit-v1');
    expect(t.steps[4]!.outcome).toBe('WORKLOAD_LOCKED');
  });

  it('is the shipped policy the scenario names', () => {
    const t = runScenario(parseScenario(licensed(lapse, { policy: { name: 'usage-only' } })));
    expect(t.policy).toBe('usage-only');
    expect(t.steps[4]!.outcome).toBe('ok');
  });

  it('is the default when the scenario names it', () => {
    expect(runScenario(parseScenario(licensed(lapse, { policy: { name: 'hemkit-v1' } }))).policy).toBe('hemkit-v1');
  });

  it('is the throttled baseline with the parameters the scenario gives', () => {
    const policy = { name: 'rfd032-throttled-baseline', parameters: { baselineOpsPerSecond: '5', admitToQuota: 'false' } };
    const t = runScenario(parseScenario(licensed([...lapse, run('over-baseline', 6, { expect: 'WORKLOAD_OVER_BASELINE' })], { policy })));
    expect(t.policy).toBe('rfd032-throttled-baseline');
    expect(t.steps.slice(4).map((s) => s.outcome)).toEqual(['ok', 'WORKLOAD_OVER_BASELINE']);
  });

  it("is the runner's, over the scenario's", () => {
    const t = runScenario(parseScenario(licensed(lapse, { policy: { name: 'usage-only' } })), { policy: DEFAULT_POLICY });
    expect(t.policy).toBe('hemkit-v1');
    expect(t.steps[4]!.outcome).toBe('WORKLOAD_LOCKED');
  });

  it('a policy of a few lines changes one rule: a day of grace after the expiry', () => {
    const grace = { ...DEFAULT_POLICY, name: 'grace', hasExpired: (l: { expiry: number }, now: number) => now >= l.expiry + 86_400 };
    const t = runScenario(parseScenario(licensed(lapse)), { policy: grace });
    expect(t.steps[4]).toMatchObject({ outcome: 'ok', matched: true });
  });
});

describe('a scenario naming a policy', () => {
  it('refuses a name no shipped policy has', () => {
    expect(expectCode(() => parseScenario(licensed([], { policy: { name: 'mine' } })), 'SCENARIO_INVALID').message).toMatch(/^\/policy\/name: expected one of 'hemkit-v1', 'usage-only', 'rfd032-throttled-baseline'/);
  });

  it('refuses a parameter the policy does not take, or a value it cannot read', () => {
    expectCode(() => parseScenario(licensed([], { policy: { name: 'usage-only', parameters: { admitToQuota: 'true' } } })), 'SCENARIO_INVALID');
    const bad = { name: 'rfd032-throttled-baseline', parameters: { baselineOpsPerSecond: '1e3' } };
    expect(expectCode(() => parseScenario(licensed([], { policy: bad })), 'SCENARIO_INVALID').message).toMatch(/^\/policy\/parameters\/baselineOpsPerSecond: expected a value matching/);
  });
});

describe('asFirmwarePolicy', () => {
  it('takes the default spread with hooks replaced, and the shipped examples', () => {
    expect(asFirmwarePolicy({ ...DEFAULT_POLICY, name: 'x', hasExpired: () => false }, 'm.mjs').name).toBe('x');
    expect(asFirmwarePolicy(USAGE_ONLY_POLICY, 'm.mjs')).toBe(USAGE_ONLY_POLICY);
  });

  it('knows every hook of the interface', () => {
    expect([...POLICY_HOOKS].sort()).toEqual(['checkLicenceWindow', 'checkReplay', 'hasExpired', 'initialMemoryQuota', 'initialQuota', 'itemise', 'memoryCost', 'quotaCost', 'rememberLicence', 'whenLocked', 'whenOverMemoryQuota', 'whenOverQuota']);
  });

  it.each([
    ['no object', undefined, 'm.mjs: exports no policy object (export it as default, or as "policy")'],
    ['no name', { ...DEFAULT_POLICY, name: '' }, 'm.mjs: the policy has no name (a non-empty string, shown in traces)'],
    ['a hook missing', { ...DEFAULT_POLICY, whenLocked: undefined }, "m.mjs: the policy has no hook 'whenLocked' (a function); spread DEFAULT_POLICY to keep the default's"],
    ['a misspelt hook', { ...DEFAULT_POLICY, whenOverquota: () => undefined }, "m.mjs: the policy has a member 'whenOverquota' that the interface does not"],
    ['an aggregation period that is not seconds', { ...DEFAULT_POLICY, aggregationPeriod: -1 }, "m.mjs: the policy's 'aggregationPeriod' is not a whole number of seconds"],
  ])('refuses %s with POLICY_MODULE_INVALID', (_, value, message) => {
    expect(expectCode(() => asFirmwarePolicy(value, 'm.mjs'), 'POLICY_MODULE_INVALID').message.startsWith(message)).toBe(true);
  });
});
