/** Scenario test helpers: the shipped scenario files, and a small scenario to vary. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
export { expectCode } from '../../../wire/test/support/expect-code.js';

export const ROOT = join(import.meta.dirname, '../../../..');
export const SCENARIOS = join(ROOT, 'scenarios');

/** Every scenario file shipped under scenarios/, by file name. */
export function shippedScenarios(): { file: string; value: unknown }[] {
  return readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, value: JSON.parse(readFileSync(join(SCENARIOS, file), 'utf8')) as unknown }));
}

/** A licensed chip in three steps, with `steps` after them: the base most tests vary. */
export function licensed(steps: readonly object[], over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'hemkit-scenario/v1',
    id: 'test',
    description: 'a licensed chip',
    seed: 'test',
    startTime: 1_800_000_000,
    chip: { uds: { key: 'uds test' } },
    workload: { precision: 'bf16' },
    steps: [
      { do: 'manufacture', comment: 'manufacture' },
      { do: 'provision', comment: 'provision' },
      { do: 'installLicence', comment: 'licence', licence: { claims: { opsQuota: 1000 } } },
      ...steps,
    ],
    ...over,
  };
}

export const run = (name: string, ops: number | string, over: Record<string, unknown> = {}) => ({
  do: 'runWorkload',
  comment: `run ${name}`,
  descriptor: `utf8:${name}`,
  ops,
  ...over,
});
