/**
 * Bad scenario files (specs/scenarios.md §2): each fault is refused with its code and a message that
 * names its JSON pointer, before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/index.js';
import { expectCode, licensed, run } from './support.js';

describe('parseScenario refuses', () => {
  it('another format, with SCENARIO_FORMAT_UNSUPPORTED', () => {
    const e = expectCode(() => parseScenario(licensed([], { format: 'hemkit-scenario/v2' })), 'SCENARIO_FORMAT_UNSUPPORTED');
    expect(e.message).toBe('/format: "hemkit-scenario/v2" is not "hemkit-scenario/v1", the one format this runner reads');
  });

  it('a value that is not an object', () => {
    expect(expectCode(() => parseScenario([]), 'SCENARIO_INVALID').message).toBe('/: expected a scenario object');
  });

  it('an unknown top-level member, naming it', () => {
    expect(expectCode(() => parseScenario(licensed([], { colour: 'red' })), 'SCENARIO_INVALID').message).toMatch(/^\/colour: expected no member 'colour' here/);
  });

  it('a missing required member', () => {
    const value = licensed([]);
    delete value['seed'];
    expect(expectCode(() => parseScenario(value), 'SCENARIO_INVALID').message).toBe("/: expected a member 'seed'");
  });

  it('an unknown step kind', () => {
    const e = expectCode(() => parseScenario(licensed([{ do: 'dance', comment: 'x' }])), 'SCENARIO_INVALID');
    expect(e.message).toMatch(/^\/steps\/3\/do: expected one of 'manufacture'/);
  });

  it('a step member the step does not take', () => {
    const e = expectCode(() => parseScenario(licensed([{ do: 'status', comment: 'x', nonce: 'hex:00' }])), 'SCENARIO_INVALID');
    expect(e.message).toMatch(/^\/steps\/3\/nonce: expected no member 'nonce' here/);
  });

  it('a count that is neither an integer nor a decimal string', () => {
    const e = expectCode(() => parseScenario(licensed([run('w', '12abc')])), 'SCENARIO_INVALID');
    expect(e.message).toMatch(/^\/steps\/3\/ops: expected a count/);
  });

  it('a count above 2^128-1', () => {
    expectCode(() => parseScenario(licensed([run('w', (2n ** 128n).toString())])), 'SCENARIO_INVALID');
  });

  it('bytes in upper-case hex or of an odd length', () => {
    expect(expectCode(() => parseScenario(licensed([{ do: 'attest', comment: 'x', nonce: 'hex:ABCD' }])), 'SCENARIO_INVALID').message).toMatch(/^\/steps\/3\/nonce: expected bytes/);
    expectCode(() => parseScenario(licensed([{ do: 'attest', comment: 'x', nonce: 'hex:abc' }])), 'SCENARIO_INVALID');
  });

  it('an unknown precision class', () => {
    expect(expectCode(() => parseScenario(licensed([run('w', 1, { precision: 'fp12' })])), 'SCENARIO_INVALID').message).toMatch(/^\/steps\/3\/precision: expected one of/);
  });

  it("firmware-update 'signers' without a set of firmware signers in 'by', and a kind name not registered", () => {
    const fw = { do: 'firmwareUpdate', comment: 'x', measurement: 'utf8:v2', svn: 2 };
    expect(expectCode(() => parseScenario(licensed([{ ...fw, signers: [0] }])), 'SCENARIO_INVALID').message).toMatch(/'signers' and 'outsiders' need 'by' to name a set of firmware signers/);
    const parties = { parties: { fw: { firmwareSigners: ['a', 'b'], thresholds: { 'security-patch': 1 } } } };
    expect(expectCode(() => parseScenario(licensed([{ ...fw, by: 'fw', kind: 'hotfix' }], parties)), 'SCENARIO_INVALID').message).toMatch(/^\/steps\/3\/kind: expected one of/);
    expect(expectCode(() => parseScenario(licensed([{ do: 'provision', comment: 'x', firmwareSigners: 'issuers' }])), 'SCENARIO_UNKNOWN_NAME').message).toMatch(/is an authority, not a set of firmware signers/);
    const ok = parseScenario(licensed([{ ...fw, by: 'fw', kind: 9, signers: [1, 1], outsiders: ['c'] }], parties));
    expect(ok.steps[3]).toMatchObject({ kind: 9, signers: [1, 1] });
  });

  it('an expectation that is neither ok nor an error code', () => {
    expectCode(() => parseScenario(licensed([{ do: 'status', comment: 'x', expect: 'fine' }])), 'SCENARIO_INVALID');
  });

  it('a clock step with two moves', () => {
    expect(expectCode(() => parseScenario(licensed([{ do: 'clock', comment: 'x', set: 1, advance: 2 }])), 'SCENARIO_INVALID').message).toMatch(/exactly one of 'set', 'advance'/);
  });

  it('a licence both named and like another', () => {
    expectCode(() => parseScenario(licensed([{ do: 'installLicence', comment: 'x', licence: { name: 'a', like: 'b' } }])), 'SCENARIO_INVALID');
  });

  it('a licence name defined twice', () => {
    const twice = { do: 'installLicence', comment: 'x', licence: { name: 'a' } };
    expect(expectCode(() => parseScenario(licensed([twice, twice])), 'SCENARIO_INVALID').message).toMatch(/^\/steps\/4\/licence\/name: expected a licence name not used before/);
  });

  it('a licence like one never named, with SCENARIO_UNKNOWN_NAME', () => {
    const e = expectCode(() => parseScenario(licensed([{ do: 'installLicence', comment: 'x', licence: { like: 'ghost' } }])), 'SCENARIO_UNKNOWN_NAME');
    expect(e.message).toBe("/steps/3/licence/like: no licence 'ghost' defined by an earlier step");
  });

  it('a licence named only by a later step', () => {
    const later = [
      { do: 'installLicence', comment: 'uses', licence: { like: 'late' } },
      { do: 'installLicence', comment: 'defines', licence: { name: 'late' } },
    ];
    expectCode(() => parseScenario(licensed(later)), 'SCENARIO_UNKNOWN_NAME');
  });

  it('an unknown party, and a party of the wrong kind', () => {
    expect(expectCode(() => parseScenario(licensed([{ do: 'installLicence', comment: 'x', licence: { by: 'nobody' } }])), 'SCENARIO_UNKNOWN_NAME').message).toBe(
      "/steps/3/licence/by: no party 'nobody' in \"parties\"",
    );
    const e = expectCode(() => parseScenario(licensed([{ do: 'installLicence', comment: 'x', licence: { by: 'manufacturer' } }])), 'SCENARIO_UNKNOWN_NAME');
    expect(e.message).toBe("/steps/3/licence/by: party 'manufacturer' is a manufacturer, not an authority");
  });

  it('a restore of a snapshot never taken, and a mark never set', () => {
    expectCode(() => parseScenario(licensed([{ do: 'restore', comment: 'x', name: 'before' }])), 'SCENARIO_UNKNOWN_NAME');
    expectCode(() => parseScenario(licensed([{ do: 'proveInclusion', comment: 'x', logIndex: { mark: 'm' }, treeSize: 'log-size' }])), 'SCENARIO_UNKNOWN_NAME');
  });

  it('a threshold above the number of issuers', () => {
    expect(expectCode(() => parseScenario(licensed([], { threshold: 4 })), 'SCENARIO_INVALID').message).toBe('/threshold: expected an integer from 1 to 3');
  });
});

describe('parseScenario reads', () => {
  it('counts as integers, decimal strings and exponents', () => {
    const s = parseScenario(licensed([run('a', 7), run('b', '340282366920938463463374607431768211455'), run('c', '3e21')]));
    const ops = s.steps.slice(3).map((step) => (step.do === 'command' && 'workload' in step ? step.workload.ops : undefined));
    expect(ops).toEqual([7n, 2n ** 128n - 1n, 3n * 10n ** 21n]);
  });

  it("workload defaults from the scenario, overridden by the step's own members", () => {
    const s = parseScenario(licensed([run('a', 1, { clusterSize: 4 })], { workload: { precision: 'fp8', clusterSize: 8, busyChipSeconds: 5 } }));
    const step = s.steps[3]!;
    expect(step.do === 'command' && 'workload' in step && step.workload).toMatchObject({ precisionClass: 6, clusterSize: 4, busyChipSeconds: 5 });
  });
});

describe('the JSON Schema of scenario files (specs/schemas/scenario.schema.json)', async () => {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ROOT, shippedScenarios } = await import('./support.js');
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'specs/schemas/scenario.schema.json'), 'utf8')) as object);

  it.each(shippedScenarios().map((s) => [s.file, s.value] as const))('accepts %s, which the runner parses', (_, value) => {
    expect(validate(value), ajv.errorsText(validate.errors)).toBe(true);
    expect(() => parseScenario(value)).not.toThrow();
  });

  it.each([
    ['an unknown step kind', licensed([{ do: 'dance', comment: 'x' }])],
    ['an unknown member of a step', licensed([{ do: 'status', comment: 'x', nonce: 'hex:00' }])],
    ['a count that is not one', licensed([run('w', '12abc')])],
    ['upper-case hex', licensed([{ do: 'attest', comment: 'x', nonce: 'hex:ABCD' }])],
    ['a clock step with two moves', licensed([{ do: 'clock', comment: 'x', set: 1, advance: 2 }])],
    ['another format', licensed([], { format: 'hemkit-scenario/v2' })],
  ])('rejects %s, as the runner does', (_, value) => {
    expect(validate(value)).toBe(false);
    expect(() => parseScenario(value)).toThrow();
  });
});

describe('the JSON Schema of traces (specs/schemas/scenario-trace.schema.json)', async () => {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { runScenario } = await import('../../src/scenario/index.js');
  const { ROOT, shippedScenarios } = await import('./support.js');
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'specs/schemas/scenario-trace.schema.json'), 'utf8')) as object);
  const traceJson = (value: unknown) => JSON.parse(JSON.stringify(runScenario(parseScenario(value)))) as Record<string, unknown>;

  it.each(shippedScenarios().filter((s) => !JSON.stringify(s.value).includes('"appraise"')).map((s) => [s.file, s.value] as const))('accepts the trace of %s', (_, value) => {
    expect(validate(traceJson(value)), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('rejects a step with both a response and a power cut, and a cost figure below 0', () => {
    const t = traceJson(licensed([]));
    const steps = t['steps'] as Record<string, unknown>[];
    expect(validate({ ...t, steps: [{ ...steps[0], powerLost: 'before-write' }] })).toBe(false);
    expect(validate({ ...t, totals: { ...(t['totals'] as object), hashes: -1 } })).toBe(false);
  });
});
