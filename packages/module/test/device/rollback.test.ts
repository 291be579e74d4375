import { cpSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import {
  attestationReportClaims,
  CMD,
  encodeRequest,
  EVENT,
  LOCK,
  logEntry,
  parseResponse,
  peekClaims,
  REPLAY,
  STATUS_OK,
  type CommandId,
  type ParamsOf,
  type ResultOf,
} from '@hemkit/wire/messages';
import { Device } from '../../src/device/index.js';
import type { VerifiedLog } from '../../src/log/index.js';
import { LicenceAuthority, Manufacturer } from '../../src/factory.js';
import { seededRandom } from '../../src/in-process.js';
import { seed, utf8 } from '../support/scenario.js';

let id = 0;
function call<C extends CommandId>(device: Device, command: C, params: ParamsOf<C>): ResultOf<C> {
  const response = parseResponse(decode(device.handle(encode(encodeRequest({ command, requestId: ++id, params })))), command);
  if (response.status !== STATUS_OK) throw Object.assign(new Error(response.error.message), { code: response.error.code });
  return response.result;
}
function code(device: Device, command: CommandId, params: unknown): string {
  const response = parseResponse(decode(device.handle(encode(encodeRequest({ command, requestId: ++id, params } as never)))));
  return response.status === STATUS_OK ? 'ok' : response.error.code;
}

const now = 1_800_000_000;
function licensedChip(dir: string): { device: Device; authority: LicenceAuthority; ueid: Uint8Array } {
  const device = Device.open(dir, { now: () => now, random: seededRandom('rollback') });
  const manufacturer = new Manufacturer('fab', seed('manufacturer'));
  const authority = new LicenceAuthority([seed('issuer-0'), seed('issuer-1')], 2);
  const hwmodel = utf8('hemkit-sim-a1');
  const made = call(device, CMD.manufacture, { hwmodel });
  call(device, CMD.provision, {
    deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, now),
    issuerKeys: authority.publicKeys,
    issuerThreshold: 2,
    replayDefence: [REPLAY.sequence],
    manufacturerKey: manufacturer.publicKey,
  });
  return { device, authority, ueid: made.ueid };
}
const licence = (authority: LicenceAuthority, ueid: Uint8Array, sequenceNumber: number, opsQuota: bigint) =>
  authority.issueLicence({ licenceId: seed(`lic ${sequenceNumber}`).subarray(0, 16), ueid, sequenceNumber, notBefore: now - 1, expiry: now + 3600, opsQuota, precisionClasses: [4] }, [0, 1]);
const work = (ops: bigint) => ({ workloadDescriptor: utf8('w'), precisionClass: 4 as const, ops });

describe('state rollback and damage', () => {
  it('detects a state restored from a backup, logs it, refuses, and reports lock state rollback, across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-rb-'));
    const { device, authority, ueid } = licensedChip(dir);
    call(device, CMD.installLicence, { licence: licence(authority, ueid, 1, 1000n) });
    call(device, CMD.runWorkload, work(100n));
    device.close();
    const backup = mkdtempSync(join(tmpdir(), 'hemkit-rb-backup-'));
    cpSync(join(dir, 'state'), backup, { recursive: true }); // the operator keeps a copy: 900 ops left
    const again = Device.open(dir, { now: () => now });
    call(again, CMD.runWorkload, work(900n)); // quota used up
    expect(again.chipState!.lockState).toBe(LOCK.licenceExhausted);
    again.close();
    rmSync(join(dir, 'state'), { recursive: true });
    cpSync(backup, join(dir, 'state'), { recursive: true }); // restore the copy to get the quota back

    const restored = Device.open(dir, { now: () => now });
    expect(restored.chipState!.refusing).toBe(true);
    expect(restored.chipState!.lockState).toBe(LOCK.rollback);
    expect(code(restored, CMD.runWorkload, work(1n))).toBe('MODULE_REFUSING');
    const { report } = call(restored, CMD.attest, { nonce: new Uint8Array(8) });
    expect(peekClaims(attestationReportClaims, report).claims.lockState).toBe(LOCK.rollback);
    const entries = Array.from({ length: restored.env.log.size }, (_, i) => logEntry.parse(decode(restored.env.log.entry(i)), 'e'));
    expect(entries.some((e) => e.kind === EVENT.stateRollbackDetected)).toBe(true);
    // the newer entries that prove the quota was spent are still there
    expect(entries.filter((e) => e.kind === EVENT.workloadFinished)).toHaveLength(2);
    restored.close();
    const later = Device.open(dir, { now: () => now });
    expect(later.chipState!.refusing).toBe(true);
    later.close();
  });

  it('refuses everything when the state record is gone but the counter shows the chip was in use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-rb-'));
    licensedChip(dir).device.close();
    rmSync(join(dir, 'state'), { recursive: true });
    const device = Device.open(dir, { now: () => now });
    expect(code(device, CMD.status, {})).toBe('MODULE_REFUSING');
    expect(code(device, CMD.manufacture, { hwmodel: utf8('x') })).toBe('MODULE_REFUSING');
    device.close();
  });

  it('refuses every command with STATE_CORRUPT, not a crash, for a damaged or truncated state record, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-rb-'));
    licensedChip(dir).device.close();
    const file = join(dir, 'state', 'state.bin');
    const bytes = readFileSync(file);
    const damaged = [bytes.subarray(0, bytes.length - 5), Buffer.from(bytes).fill(bytes[40]! ^ 1, 40, 41)];
    for (const record of damaged) {
      writeFileSync(file, record);
      const device = Device.open(dir, { now: () => now });
      expect(device.fault?.code).toBe('STATE_CORRUPT');
      expect(code(device, CMD.status, {})).toBe('STATE_CORRUPT');
      expect(code(device, CMD.attest, { nonce: new Uint8Array(8) })).toBe('STATE_CORRUPT');
      device.close();
      expect(readFileSync(file)).toEqual(record);
    }
  });

  it('drops log entries that were appended but never acknowledged (a crash before the state commit)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-rb-'));
    const { device } = licensedChip(dir);
    const committed = device.env.log.size;
    const log = device.env.log as VerifiedLog;
    log.append(utf8('appended, then the power failed'));
    log.store.flush();
    device.close();
    const reopened = Device.open(dir, { now: () => now });
    expect(reopened.env.log.size).toBe(committed);
    expect(reopened.chipState!.refusing).toBe(false);
    reopened.close();
  });
});
