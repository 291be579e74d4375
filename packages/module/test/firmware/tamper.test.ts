import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import { CMD, encodeRequest, EVENT, LOCK, parseResponse, REPLAY, STATUS_OK } from '@hemkit/wire/messages';
import { enterRollbackState, enterTamperState } from '../../src/firmware/chip.js';
import { Device } from '../../src/device/index.js';
import { LicenceAuthority, Manufacturer } from '../../src/factory.js';
import { seededRandom } from '../../src/in-process.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { scenario, seed, utf8, workload } from '../support/scenario.js';

describe('the tamper input (module-commands.md §4)', () => {
  it('logs tamper-detected with the sensor, locks in tamper and refuses: MODULE_REFUSING', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    s.chip.state = enterTamperState(s.chip.state!, s.chip.env, 'enclosure-open');
    const entry = s.lastEntry();
    expect(entry.kind).toBe(EVENT.tamperDetected);
    expect(entry.kind === EVENT.tamperDetected && entry.details.sensor).toBe('enclosure-open');
    expect(s.chip.state.lockState).toBe(LOCK.tamper);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n)), 'MODULE_REFUSING');
    expectCode(() => s.chip.send(CMD.installLicence, { licence: s.licence() }), 'MODULE_REFUSING');
    expect(s.chip.send(CMD.status, {}).lockState).toBe(LOCK.tamper);
  });

  it('after a rollback the lock state stays rollback, and the tamper is still logged', () => {
    const s = scenario();
    s.chip.state = enterRollbackState(s.chip.state!, s.chip.env, 'test');
    s.chip.state = enterTamperState(s.chip.state, s.chip.env);
    expect(s.chip.state.lockState).toBe(LOCK.rollback);
    const entry = s.lastEntry();
    expect(entry.kind).toBe(EVENT.tamperDetected);
    expect(entry.details).toEqual({});
  });

  it('a device records a tamper durably: after a restart it still refuses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-tamper-'));
    try {
      const now = 1_800_000_000;
      let id = 0;
      const send = (device: Device, command: number, params: unknown) =>
        parseResponse(decode(device.handle(encode(encodeRequest({ command, requestId: ++id, params } as never)))));
      const device = Device.open(dir, { now: () => now, random: seededRandom('tamper') });
      const manufacturer = new Manufacturer('fab', seed('manufacturer'));
      const authority = new LicenceAuthority([seed('issuer-0')], 1);
      const hwmodel = utf8('hemkit-sim-a1');
      const made = send(device, CMD.manufacture, { hwmodel });
      if (made.status !== STATUS_OK || made.command !== CMD.manufacture) throw new Error('manufacture failed');
      send(device, CMD.provision, {
        deviceCertificate: manufacturer.issueDeviceCertificate({ ...made.result, hwmodel }, now),
        issuerKeys: authority.publicKeys,
        issuerThreshold: 1,
        replayDefence: [REPLAY.sequence],
        manufacturerKey: manufacturer.publicKey,
      });
      device.tamper('light-sensor');
      device.close();
      const reopened = Device.open(dir, { now: () => now + 1, random: seededRandom('tamper 2') });
      const refused = send(reopened, CMD.runWorkload, workload(1n));
      expect(refused.status === STATUS_OK ? 'ok' : refused.error.code).toBe('MODULE_REFUSING');
      const status = send(reopened, CMD.status, {});
      expect(status.status === STATUS_OK && status.command === CMD.status && status.result.lockState).toBe(LOCK.tamper);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
