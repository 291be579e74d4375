/**
 * The session vectors as scenarios (specs/scenarios.md §6): each scenario under scenarios/ named
 * like a session vector reproduces test-vectors/module/<id>.json byte for byte, and every session
 * vector has its scenario.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, sessionVectorText } from '../../src/scenario/index.js';
import { ROOT, shippedScenarios } from './support.js';

const VECTORS = join(ROOT, 'test-vectors/module');
const sessions = shippedScenarios().filter((s) => s.file.startsWith('session-'));

describe('the session vectors written as scenarios', () => {
  it('cover every module session vector', () => {
    const vectors = readdirSync(VECTORS).filter((f) => f.startsWith('session-')).sort();
    expect(sessions.map((s) => s.file)).toEqual(vectors);
  });

  it.each(sessions.map((s) => [s.file, s.value] as const))('%s reproduces its session vector byte for byte', (file, value) => {
    const scenario = parseScenario(value);
    const trace = runScenario(scenario);
    expect(trace.mismatches).toEqual([]);
    expect(sessionVectorText(scenario, trace)).toBe(readFileSync(join(VECTORS, file), 'utf8'));
  });
});

describe('the other shipped scenarios', () => {
  // Scenarios that appraise need a verifier: the command line's tests run those.
  const others = shippedScenarios().filter((s) => !s.file.startsWith('session-') && !JSON.stringify(s.value).includes('"appraise"'));

  it.each(others.map((s) => [s.file, s.value] as const))('%s runs with every step as it expects', (_, value) => {
    expect(runScenario(parseScenario(value)).mismatches).toEqual([]);
  });
});
