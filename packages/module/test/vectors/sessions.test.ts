/**
 * The module session vectors are a contract: regenerating them changes no byte, and replaying each
 * session's requests through a fresh chip (same random stream, same clock) reproduces every response
 * and every log entry exactly, as a second implementation would be asked to.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from '@hemkit/wire/cbor';
import { logEntry, parseResponse } from '@hemkit/wire/messages';
import { ReferenceLog } from '../../src/log/reference-log.js';
import { allVectorFiles } from '../../../../scripts/vector-files.js';
import { InProcessChip, seededRandom } from '../../src/in-process.js';
import { enterRollbackState, enterTamperState } from '../../src/firmware/chip.js';
import { policyOfSession, type SessionVector } from '../../src/vectors/sessions.js';

const ROOT = join(import.meta.dirname, '../../../../test-vectors');
const files = readdirSync(join(ROOT, 'module')).filter((f) => f.endsWith('.json')).sort();
const load = (f: string) => JSON.parse(readFileSync(join(ROOT, 'module', f), 'utf8')) as { numberOfSteps: number; vector: SessionVector };

describe('module session vectors', () => {
  it('are up to date: regenerating them from their seeds changes no byte', () => {
    const generated = allVectorFiles();
    for (const [path, text] of generated) {
      expect(readFileSync(join(ROOT, path), 'utf8'), `test-vectors/${path} is stale: run npm run vectors`).toBe(text);
    }
    expect(files.map((f) => `module/${f}`).sort()).toEqual([...generated.keys()].filter((p) => p.startsWith('module/')).sort());
  });

  it.each(files)('%s replays byte for byte through a fresh chip', (file) => {
    const { vector, numberOfSteps } = load(file);
    expect(vector.steps.length).toBe(numberOfSteps);
    const log = new ReferenceLog();
    let time = vector.setup.startTime;
    const chip = new InProcessChip({ log, now: () => time, random: seededRandom(vector.setup.randomSeed), policy: policyOfSession(vector.setup.policy) });
    for (const step of vector.steps) {
      time = step.time;
      if ('event' in step) {
        chip.state = step.event === 'tamper' ? enterTamperState(chip.state!, chip.env, step.sensor) : enterRollbackState(chip.state!, chip.env, step.reason);
        continue;
      }
      const response = chip.sendBytes(Buffer.from(step.request, 'hex'));
      expect(Buffer.from(response).toString('hex'), `${vector.id}: ${step.comment}`).toBe(step.response);
      const parsed = parseResponse(decode(response));
      expect(parsed.status === 1 ? parsed.error.code : 'ok').toBe(step.expect);
    }
    expect(log.entries.map((e) => Buffer.from(e).toString('hex'))).toEqual(vector.logEntries);
    for (const e of log.entries) expect(() => logEntry.parse(decode(e), 'entry')).not.toThrow();
  });

  it('cover every module refusal code that a session can provoke', () => {
    const codes = new Set(files.flatMap((f) => load(f).vector.steps.flatMap((s) => ('expect' in s ? [s.expect] : []))));
    for (const code of [
      'WORKLOAD_LOCKED', 'WORKLOAD_OVER_QUOTA', 'WORKLOAD_CLUSTER_TOO_LARGE', 'WORKLOAD_PRECISION_NOT_ALLOWED', 'WORKLOAD_INTERCONNECT_EXCEEDED',
      'LICENCE_MALFORMED', 'LICENCE_TOO_FEW_SIGNATURES', 'LICENCE_DUPLICATE_SIGNER', 'LICENCE_WRONG_CHIP', 'LICENCE_NOT_YET_VALID',
      'LICENCE_EXPIRED', 'LICENCE_REPLAYED', 'LICENCE_REVOKED', 'LICENCE_ALREADY_APPLIED', 'LICENCE_CHALLENGE_MISMATCH',
      'REVOCATION_REPLAYED', 'CLOCK_WENT_BACKWARDS', 'FIRMWARE_SIGNATURE_INVALID', 'FIRMWARE_WRONG_MODEL', 'FIRMWARE_SVN_DOWNGRADE',
      'MODULE_NOT_MANUFACTURED', 'MODULE_ALREADY_MANUFACTURED', 'MODULE_NOT_PROVISIONED', 'MODULE_ALREADY_PROVISIONED', 'MODULE_INVALID_PARAMS',
      'MODULE_REFUSING', 'DEVICE_CERTIFICATE_INVALID', 'LICENCE_UNKNOWN_SIGNER', 'LICENCE_SIGNATURE_INVALID', 'WORKLOAD_OVER_BASELINE', 'LICENCE_SVN_TOO_LOW',
      'FIRMWARE_KIND_UNKNOWN', 'FIRMWARE_TOO_FEW_SIGNATURES',
      'WORKLOAD_OVER_MEMORY_QUOTA', 'WORKLOAD_COUNTER_LIMIT',
    ]) {
      expect(codes, code).toContain(code);
    }
  });
});
