/**
 * `hemkit scenario run` (specs/scenarios.md): a shipped scenario runs with every step as expected; the
 * trace goes to stdout as text or to a file as JSON; a step not as expected is exit 1 with one line
 * naming it; a file that is not a scenario is exit 2 with its code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hemkit } from './run.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'hemkit-scenario-'));
const SCENARIOS = resolve(import.meta.dirname, '../../../scenarios');

const licensed = (steps: readonly object[], over: Record<string, unknown> = {}) =>
  JSON.stringify({
    format: 'hemkit-scenario/v1',
    id: 'cli',
    description: 'a licensed chip',
    seed: 'cli',
    startTime: 1_800_000_000,
    chip: {},
    workload: { precision: 'bf16' },
    steps: [
      { do: 'manufacture', comment: 'manufacture' },
      { do: 'provision', comment: 'provision' },
      { do: 'installLicence', comment: 'licence', licence: { claims: { opsQuota: 1000 } } },
      ...steps,
    ],
    ...over,
  });

async function runFile(text: string, args: readonly string[] = []) {
  const cwd = fresh();
  writeFileSync(join(cwd, 's.json'), text);
  return { cwd, r: await hemkit(['scenario', 'run', 's.json', ...args], { cwd }) };
}

describe('hemkit scenario run', () => {
  it('runs a shipped scenario: every step as expected, exit 0', async () => {
    const r = await hemkit(['scenario', 'run', join(SCENARIOS, 'session-quota-expiry.json')], { cwd: fresh() });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('scenario session-quota-expiry: ');
    expect(r.out).toMatch(/✓ {3}9 runWorkload +WORKLOAD_OVER_QUOTA +.* 401 operations: one past the quota/);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('every step as expected (21)');
  });

  it('--json - writes the trace as JSON to standard output, and nothing else', async () => {
    const r = await hemkit(['scenario', 'run', join(SCENARIOS, 'power-loss.json'), '--json', '-'], { cwd: fresh() });
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.out) as { format: string; steps: { outcome: string; powerLost?: string }[]; mismatches: number[] };
    expect(trace.format).toBe('hemkit-scenario-trace/v1');
    expect(trace.mismatches).toEqual([]);
    expect(trace.steps[4]).toMatchObject({ outcome: 'POWER_LOST', powerLost: 'before-write' });
  });

  it('--json FILE writes the trace there and prints the text', async () => {
    const cwd = fresh();
    const r = await hemkit(['scenario', 'run', join(SCENARIOS, 'session-firmware.json'), '--json', 'trace.json'], { cwd });
    expect(r.code).toBe(0);
    // one trace step for every step of the file
    const stepsInFile = (JSON.parse(readFileSync(join(SCENARIOS, 'session-firmware.json'), 'utf8')) as { steps: unknown[] }).steps.length;
    expect(r.out).toContain(`every step as expected (${stepsInFile})`);
    const trace = JSON.parse(readFileSync(join(cwd, 'trace.json'), 'utf8')) as { scenario: string; steps: unknown[] };
    expect(trace.scenario).toBe('session-firmware');
    expect(trace.steps).toHaveLength(stepsInFile);
    // The trace and the scenario each validate against their JSON Schema.
    expect((await hemkit(['spec', 'check', '--json-schema', 'scenario-trace', 'trace.json'], { cwd })).code).toBe(0);
    expect((await hemkit(['spec', 'check', '--json-schema', 'scenario', join(SCENARIOS, 'session-firmware.json')], { cwd })).code).toBe(0);
  });

  it('an appraise step hands the evidence to the verifier: affirming, then contraindicated after a rollback', async () => {
    const r = await hemkit(['scenario', 'run', join(SCENARIOS, 'clone-restore-appraised.json'), '--json', '-'], { cwd: fresh() });
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.out) as { steps: { appraisal?: { status: string; failed: { code: string }[] } }[] };
    const appraisals = trace.steps.flatMap((s) => (s.appraisal ? [s.appraisal] : []));
    expect(appraisals.map((a) => a.status)).toEqual(['affirming', 'contraindicated']);
    expect(appraisals[1]!.failed.map((f) => f.code)).toContain('CHIP_REPORTS_COMPROMISE');
  });

  it('a step not as expected: the whole trace, one line naming the step on stderr, exit 1', async () => {
    const { r } = await runFile(licensed([{ do: 'runWorkload', comment: 'too much', descriptor: 'utf8:w', ops: 2000 }, { do: 'status', comment: 'after' }]));
    expect(r.code).toBe(1);
    expect(r.err).toBe('hemkit: SCENARIO_EXPECTATION_FAILED: step 3 (runWorkload, "too much"): expected ok, got WORKLOAD_OVER_QUOTA\n');
    expect(r.out).toContain('4 status');
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('1 of 5 steps not as expected');
  });

  it('a file of the wrong shape: SCENARIO_INVALID with its JSON pointer, exit 2, nothing run', async () => {
    const { r } = await runFile(licensed([{ do: 'runWorkload', comment: 'x', descriptor: 'utf8:w', ops: -1 }]));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('hemkit: SCENARIO_INVALID: /steps/3/ops: expected a count: a non-negative integer or a decimal string such as "1e24", at most 340282366920938463463374607431768211455\n');
  });

  it('another format: SCENARIO_FORMAT_UNSUPPORTED, exit 2', async () => {
    const { r } = await runFile(licensed([], { format: 'hemkit-scenario/v9' }));
    expect(r.code).toBe(2);
    expect(r.err).toBe('hemkit: SCENARIO_FORMAT_UNSUPPORTED: /format: "hemkit-scenario/v9" is not "hemkit-scenario/v1", the one format this runner reads\n');
  });

  it('a name used before it is defined: SCENARIO_UNKNOWN_NAME, exit 2', async () => {
    const { r } = await runFile(licensed([{ do: 'restore', comment: 'x', name: 'never' }]));
    expect(r.code).toBe(2);
    expect(r.err).toBe("hemkit: SCENARIO_UNKNOWN_NAME: /steps/3/name: no snapshot 'never' defined by an earlier step\n");
  });

  it('an issuer rotation the chip refuses, where the scenario expected it accepted: exit 1, SCENARIO_EXPECTATION_FAILED', async () => {
    const { r } = await runFile(licensed([{ do: 'rotate-issuers', comment: 'rotate', keys: ['new-0'], threshold: 2 }]));
    expect(r.code).toBe(1);
    expect(r.err).toBe('hemkit: SCENARIO_EXPECTATION_FAILED: step 3 (rotate-issuers, "rotate"): expected ok, got ISSUERS_SET_INVALID\n');
  });

  it('a file that is not JSON: exit 2, one line', async () => {
    const { r } = await runFile('{ not json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^hemkit: s\.json is not JSON: .*\n$/);
  });

  it('a missing file: exit 2, one line', async () => {
    const r = await hemkit(['scenario', 'run', 'nope.json'], { cwd: fresh() });
    expect(r.code).toBe(2);
    expect(r.err).toBe('hemkit: no such file: nope.json\n');
  });
});

describe('hemkit module cost', () => {
  interface Figures {
    readonly signatures: number;
    readonly counterIncrements: number;
    readonly stateWrites: number;
  }
  interface CostJson {
    format: string;
    perCommand: Record<string, { cost: Figures }>;
    projection: { days: number; life: Figures; limitUse: { limit: string; reachedOnDay: number | null }[] };
  }

  it('--json: the measured figures, and the life projected from them for the stated pattern', async () => {
    const r = await hemkit(['module', 'cost', '--json', '--years', '2', '--workloads-per-day', '1000', '--attestations-per-day', '0', '--licences-per-year', '0', '--boots-per-year', '0', '--counter-endurance', '1e5'], { cwd: fresh() });
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out) as CostJson;
    expect(c.format).toBe('hemkit-cost/v1');
    expect(c.perCommand['attest']!.cost.signatures).toBe(1);
    const perWorkload = c.perCommand['runWorkload']!.cost.counterIncrements;
    expect(c.projection.days).toBe(730);
    expect(c.projection.life.counterIncrements).toBe(730 * 1000 * perWorkload);
    // 1e5 increments at 1000 a day (one a workload) are used up on day 100.
    expect(c.projection.limitUse.find((u) => u.limit === 'counterEndurance')!.reachedOnDay).toBe(Math.ceil(1e5 / (1000 * perWorkload)));
  });

  it('prints a table per command and the limits for people', async () => {
    const r = await hemkit(['module', 'cost'], { cwd: fresh() });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}attest {10}\s+1\s+0/m);
    expect(r.out).toContain('monotonic counter endurance (increments)');
  });

  it('a pattern out of range: COST_INVALID_INPUT, exit 2, nothing measured', async () => {
    const r = await hemkit(['module', 'cost', '--workloads-per-day', '-5'], { cwd: fresh() });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('hemkit: COST_INVALID_INPUT: "workloadsPerDay" expected a non-negative finite number, got -5\n');
  });

  it('a limit that is not a number: COST_INVALID_INPUT, exit 2', async () => {
    const r = await hemkit(['module', 'cost', '--flash-bytes', 'lots'], { cwd: fresh() });
    expect(r.code).toBe(2);
    expect(r.err).toBe('hemkit: COST_INVALID_INPUT: "flashBytes" expected a positive finite number, got NaN\n');
  });
});

describe('hemkit scenario compare', () => {
  it('two traces of one scenario agree: exit 0', async () => {
    const cwd = fresh();
    for (const out of ['a.json', 'b.json']) expect((await hemkit(['scenario', 'run', join(SCENARIOS, 'session-firmware.json'), '--json', out], { cwd })).code).toBe(0);
    const r = await hemkit(['scenario', 'compare', 'a.json', 'b.json'], { cwd });
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('the traces agree');
  });

  it('traces that differ: each differing step named, the totals side by side, exit 1', async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, 'a.scn.json'), licensed([{ do: 'runWorkload', comment: 'w', descriptor: 'utf8:w', ops: 10 }]));
    writeFileSync(join(cwd, 'b.scn.json'), licensed([{ do: 'runWorkload', comment: 'w', descriptor: 'utf8:w', ops: 1000 }]));
    await hemkit(['scenario', 'run', 'a.scn.json', '--json', 'a.json'], { cwd });
    await hemkit(['scenario', 'run', 'b.scn.json', '--json', 'b.json'], { cwd });
    const r = await hemkit(['scenario', 'compare', 'a.json', 'b.json', '--json'], { cwd });
    expect(r.code).toBe(1);
    const c = JSON.parse(r.out) as { same: boolean; steps: { index: number; logKinds?: string[][] }[] };
    expect(c.same).toBe(false);
    expect(c.steps.map((s) => s.index)).toEqual([3]);
    expect(c.steps[0]!.logKinds).toEqual([['workloadStarted', 'workloadFinished'], ['workloadStarted', 'workloadFinished', 'licenceExhausted']]);
  });

  it('a file that is not a trace: TRACE_INVALID, exit 2', async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, 'a.json'), '{"format": "hemkit-scenario-trace/v1"}');
    const r = await hemkit(['scenario', 'compare', 'a.json', 'a.json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.err).toBe('hemkit: TRACE_INVALID: /scenario: expected a string\n');
  });
});

describe('--policy MODULE', () => {
  const GRACE = resolve(SCENARIOS, 'policies/grace-period.mjs');
  const USAGE_ONLY = resolve(SCENARIOS, 'policies/usage-only.mjs');

  it('runs the chip under the policy: the trace names it, and a step it answers differently is exit 1', async () => {
    const r = await hemkit(['scenario', 'run', join(SCENARIOS, 'session-quota-expiry.json'), '--policy', GRACE], { cwd: fresh() });
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toContain('(policy grace-period-1d)');
    expect(r.err).toBe('hemkit: SCENARIO_EXPECTATION_FAILED: step 16 (runWorkload, "at the exact second of expiry the chip locks"): expected WORKLOAD_LOCKED, got ok\n');
  });

  it('two policies on one scenario, compared from the command line', async () => {
    const cwd = fresh();
    await hemkit(['scenario', 'run', join(SCENARIOS, 'session-quota-expiry.json'), '--json', 'v1.json'], { cwd });
    await hemkit(['scenario', 'run', join(SCENARIOS, 'session-quota-expiry.json'), '--policy', GRACE, '--json', 'grace.json'], { cwd });
    const r = await hemkit(['scenario', 'compare', 'v1.json', 'grace.json', '--json'], { cwd });
    expect(r.code).toBe(1);
    const c = JSON.parse(r.out) as { first: { policy: string }; second: { policy: string }; steps: { index: number; outcome?: string[] }[] };
    expect([c.first.policy, c.second.policy]).toEqual(['hemkit-v1', 'grace-period-1d']);
    expect(c.steps.find((s) => s.outcome)).toMatchObject({ index: 16, outcome: ['WORKLOAD_LOCKED', 'ok'] });
  });

  it('module cost measures under the policy', async () => {
    const r = await hemkit(['module', 'cost', '--json', '--policy', USAGE_ONLY], { cwd: fresh() });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { policy: string }).policy).toBe('usage-only');
  });

  it.each([
    ['a module exporting no policy', 'export const x = 1;\n', 'hemkit: POLICY_MODULE_INVALID: p.mjs: exports no policy object (export it as default, or as "policy")\n'],
    ['a policy missing hooks', "export default { name: 'half', hasExpired: () => false };\n", "hemkit: POLICY_MODULE_INVALID: p.mjs: the policy has no hook 'checkLicenceWindow' (a function); spread DEFAULT_POLICY to keep the default's\n"],
  ])('%s: POLICY_MODULE_INVALID, exit 2, nothing run', async (_, source, line) => {
    const cwd = fresh();
    writeFileSync(join(cwd, 'p.mjs'), source);
    const r = await hemkit(['scenario', 'run', join(SCENARIOS, 'session-firmware.json'), '--policy', 'p.mjs'], { cwd });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(line);
  });

  it('a module that does not load: POLICY_MODULE_INVALID, exit 2', async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, 'p.mjs'), 'export default {{;\n');
    const r = await hemkit(['module', 'cost', '--policy', 'p.mjs'], { cwd });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^hemkit: POLICY_MODULE_INVALID: p\.mjs could not be loaded as an ES module: .*\n$/);
  });

  it('a missing module: exit 2, one line', async () => {
    const r = await hemkit(['scenario', 'run', join(SCENARIOS, 'session-firmware.json'), '--policy', 'nope.mjs'], { cwd: fresh() });
    expect(r.code).toBe(2);
    expect(r.err).toBe('hemkit: no such file: nope.mjs\n');
  });
});

describe('appraise steps with the verifier\'s policy', () => {
  it("a chip under the throttled baseline: flagged by a verifier expecting hemkit v1's licence rules, affirmed by one told the chip's", async () => {
    const r = await hemkit(['scenario', 'run', join(SCENARIOS, 'throttled-appraised.json'), '--json', '-'], { cwd: fresh() });
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.out) as { policy: string; steps: { appraisal?: { status: string; failed: { code: string }[] } }[] };
    expect(trace.policy).toBe('rfd032-throttled-baseline+admit-to-quota');
    const appraisals = trace.steps.flatMap((s) => (s.appraisal ? [s.appraisal] : []));
    expect(appraisals).toEqual([
      { status: 'contraindicated', failed: [{ check: 'licence', code: 'LICENCE_QUOTA_EXCEEDED' }] },
      { status: 'affirming', failed: [] },
    ]);
  });

  it('k-of-n firmware signers, then a licence with a minimum SVN: the appraisal tracks the SVN through the log and affirms', async () => {
    const r = await hemkit(['scenario', 'run', join(SCENARIOS, 'firmware-signers-appraised.json'), '--json', '-'], { cwd: fresh() });
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.out) as { steps: { outcome?: string; appraisal?: { status: string; failed: { code: string }[] } }[] };
    expect(trace.steps.map((s) => s.outcome)[2]).toBe('FIRMWARE_TOO_FEW_SIGNATURES');
    expect(trace.steps.flatMap((s) => (s.appraisal ? [s.appraisal] : []))).toEqual([{ status: 'affirming', failed: [] }]);
  });

  it('issuer rotation and revocation: the verifier, anchored on the provisioned issuers, follows the updates and affirms each appraisal', async () => {
    const r = await hemkit(['scenario', 'run', join(SCENARIOS, 'issuer-rotation-appraised.json'), '--json', '-'], { cwd: fresh() });
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.out) as { steps: { do: string; outcome: string; appraisal?: { status: string } }[] };
    expect(trace.steps.flatMap((s) => (s.appraisal ? [s.appraisal.status] : []))).toEqual(['affirming', 'affirming', 'affirming']);
    expect(trace.steps.filter((s) => s.do === 'rotate-issuers').map((s) => s.outcome)).toEqual(['ok', 'ok']);
  });

  it("a verifier policy the verifier cannot read is the step's outcome, VERIFIER_INPUT_INVALID: exit 1", async () => {
    const { r } = await runFile(licensed([{ do: 'appraise', comment: 'bad policy', nonce: { fill: 1, length: 16 }, verifierPolicy: { maxAgeSeconds: -1 } }]));
    expect(r.code).toBe(1);
    expect(r.err).toBe('hemkit: SCENARIO_EXPECTATION_FAILED: step 3 (appraise, "bad policy"): expected ok, got VERIFIER_INPUT_INVALID\n');
  });
});
