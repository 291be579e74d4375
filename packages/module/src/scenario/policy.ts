/**
 * A firmware policy that comes from outside the module (a researcher's policy module, loaded by the
 * command line): checked to be one before any chip runs under it, so that a typo in a hook's name is
 * one clear line rather than the default behaviour silently kept or a crash mid-scenario
 * (specs/scenarios.md §7).
 */
import { HemkitError } from '@hemkit/wire/errors';
import { DEFAULT_POLICY } from '../firmware/policy/default.js';
import type { FirmwarePolicy } from '../firmware/policy/types.js';

/** The hooks every policy has: those of the default policy, which implements the whole interface. */
export const POLICY_HOOKS: readonly string[] = Object.keys(DEFAULT_POLICY).filter((k) => typeof (DEFAULT_POLICY as unknown as Record<string, unknown>)[k] === 'function');
/** The numeric settings every policy has (the aggregation period). */
export const POLICY_SETTINGS: readonly string[] = Object.keys(DEFAULT_POLICY).filter((k) => typeof (DEFAULT_POLICY as unknown as Record<string, unknown>)[k] === 'number');

/** `value` as a FirmwarePolicy, or POLICY_MODULE_INVALID naming what is wrong; `where` names the source. */
export function asFirmwarePolicy(value: unknown, where: string): FirmwarePolicy {
  const fail = (why: string): never => {
    throw new HemkitError('POLICY_MODULE_INVALID', `${where}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('exports no policy object (export it as default, or as "policy")');
  const record = value as Record<string, unknown>;
  if (typeof record['name'] !== 'string' || record['name'] === '') fail('the policy has no name (a non-empty string, shown in traces)');
  for (const hook of POLICY_HOOKS) {
    if (typeof record[hook] !== 'function') fail(`the policy has no hook '${hook}' (a function); spread DEFAULT_POLICY to keep the default's`);
  }
  for (const setting of POLICY_SETTINGS) {
    const v = record[setting];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`the policy's '${setting}' is not a whole number of seconds; spread DEFAULT_POLICY to keep the default's`);
  }
  const unknown = Object.keys(record).find((k) => k !== 'name' && !POLICY_HOOKS.includes(k) && !POLICY_SETTINGS.includes(k));
  if (unknown !== undefined) fail(`the policy has a member '${unknown}' that the interface does not (its hooks: ${POLICY_HOOKS.join(', ')})`);
  return value as FirmwarePolicy;
}
