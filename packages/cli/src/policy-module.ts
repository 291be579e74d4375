/**
 * `--policy FILE`: a researcher's firmware policy, an ES module (JavaScript) that exports a
 * FirmwarePolicy as its default export or as `policy` (specs/scenarios.md §7). Loaded in this process:
 * it is the researcher's own code, run as the firmware would run it.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { HemkitError } from '@hemkit/wire/errors';
import type { FirmwarePolicy } from '@hemkit/module';
import { asFirmwarePolicy } from '@hemkit/module/scenario';
import { pathOf, UsageError, type Io } from './io.js';

export async function loadPolicyModule(io: Io, file: string): Promise<FirmwarePolicy> {
  const full = pathOf(io, file);
  if (!existsSync(full)) throw new UsageError(`no such file: ${file}`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
  } catch (e) {
    throw new HemkitError('POLICY_MODULE_INVALID', `${file} could not be loaded as an ES module: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return asFirmwarePolicy(module['default'] ?? module['policy'], file);
}
