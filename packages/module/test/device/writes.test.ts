/**
 * What the device writes (module-commands.md §4, device.ts): only commands that change the chip's
 * state or its log are committed, so queries write nothing, leave the monotonic counter alone and
 * work on a full or read-only medium; how the clock is kept; and how a failing medium is reported,
 * as a typed response, with the chip as it was before the command.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import { CMD, encodeRequest, LOCK, parseResponse, STATUS_ERROR } from '@hemkit/wire/messages';
import { Device } from '../../src/device/index.js';
import { collectEvidence } from '../../src/evidence.js';
import { faultyFs } from '../support/faulty-fs.js';
import { call, code, counterValue, licensedChip, NOW, respond, snapshot, work, type LicensedChip } from './support.js';

let template: LicensedChip;
beforeAll(() => {
  template = licensedChip({ workloads: 2 });
  call(template.device, CMD.checkpoint, {});
  template.device.close();
});
afterAll(() => template.cleanup());

const dirs: string[] = [];
const devices: Device[] = [];
afterEach(() => {
  for (const device of devices.splice(0)) device.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the template chip, opened with the given clock and file system. */
function chip(options: { now?: () => number; fs?: ReturnType<typeof faultyFs> } = {}): { dir: string; device: Device } {
  const dir = mkdtempSync(join(tmpdir(), 'hemkit-writes-'));
  dirs.push(dir);
  cpSync(template.dir, dir, { recursive: true });
  const device = Device.open(dir, { now: options.now ?? (() => NOW), ...(options.fs ? { fs: options.fs } : {}) });
  devices.push(device);
  return { dir, device };
}

const QUERIES = [
  ['status', CMD.status, {}],
  ['attest', CMD.attest, { nonce: new Uint8Array(16) }],
  ['prove-inclusion', CMD.proveInclusion, { logIndex: 3, treeSize: 6 }],
  ['prove-consistency', CMD.proveConsistency, { treeSize1: 2, treeSize2: 6 }],
  ['read-entries', CMD.readEntries, { start: 3, end: 6 }],
  ['a checkpoint that records nothing new', CMD.checkpoint, {}],
] as const;

describe('commands that only read', () => {
  it.each(QUERIES)('%s writes nothing and leaves the counter alone', (_name, command, params) => {
    const { dir, device } = chip();
    const before = snapshot(dir);
    const counter = counterValue(dir);
    expect(code(device, command, params)).toBe('ok');
    expect(code(device, command, params)).toBe('ok');
    expect(snapshot(dir)).toEqual(before);
    expect(counterValue(dir)).toBe(counter);
  });

  it('a checkpoint writes nothing: reports bind the live head, so the state keeps no checkpoint', () => {
    let now = NOW;
    const { dir, device } = chip({ now: () => now });
    const before = snapshot(dir);
    now += 600;
    call(device, CMD.checkpoint, {});
    expect(snapshot(dir)).toEqual(before);
  });

  it('collecting evidence from a chip that did no work writes nothing (the issue: every evidence call wrote)', () => {
    let now = NOW;
    const { dir, device } = chip({ now: () => now });
    const before = snapshot(dir);
    now += 3000;
    const bundle = collectEvidence(
      { send: (command, params) => call(device, command, params) },
      { nonce: new Uint8Array(16), knownSizes: [2], discloseFrom: 3 },
    );
    expect(bundle.length).toBeGreaterThan(1000);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a refusal that logs nothing, and a request that does not decode, write nothing', () => {
    const { dir, device } = chip();
    const before = snapshot(dir);
    expect(code(device, CMD.proveInclusion, { logIndex: 0, treeSize: 1000 })).toBe('MODULE_INVALID_PARAMS');
    expect(parseResponse(decode(device.handle(Uint8Array.of(0x18, 0x01))))).toMatchObject({ status: STATUS_ERROR, error: { code: 'CBOR_NON_SHORTEST_HEAD' } });
    expect(snapshot(dir)).toEqual(before);
  });

  it.each(QUERIES)('%s is answered on a read-only medium', (_name, command, params) => {
    const medium = faultyFs();
    medium.fail('EROFS');
    const { dir, device } = chip({ fs: medium });
    const before = snapshot(dir);
    expect(device.fault).toBeUndefined();
    expect(code(device, command, params)).toBe('ok');
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('commands that change the chip', () => {
  it('are committed once each: one state generation, one counter step', () => {
    const { dir, device } = chip();
    const counter = counterValue(dir);
    call(device, CMD.runWorkload, work(100n));
    expect(counterValue(dir)).toBe(counter + 1n);
    call(device, CMD.checkpoint, {}); // signs the live head and keeps nothing: no write
    expect(counterValue(dir)).toBe(counter + 1n);
    call(device, CMD.requestLicence, {}); // a new pending challenge
    expect(counterValue(dir)).toBe(counter + 2n);
    expect(code(device, CMD.runWorkload, work(1n << 40n))).toBe('WORKLOAD_OVER_QUOTA'); // refused, and logged
    expect(counterValue(dir)).toBe(counter + 3n);
  });
});

describe('the clock', () => {
  it('a time-only change is not committed; within the process the clock still never goes back', () => {
    let now = NOW + 100;
    const { dir, device } = chip({ now: () => now });
    const counter = counterValue(dir);
    expect(code(device, CMD.status, {})).toBe('ok');
    expect(device.chipState!.lastTime).toBe(NOW + 100);
    expect(counterValue(dir)).toBe(counter);
    now = NOW + 50;
    expect(code(device, CMD.status, {})).toBe('CLOCK_WENT_BACKWARDS');
    device.close();
    devices.splice(0);
    // After a restart the floor is the committed time, the time of the last change the chip recorded.
    const restarted = Device.open(dir, { now: () => now });
    devices.push(restarted);
    expect(restarted.chipState!.lastTime).toBe(NOW);
    expect(code(restarted, CMD.status, {})).toBe('ok');
    now = NOW - 1;
    expect(code(restarted, CMD.status, {})).toBe('CLOCK_WENT_BACKWARDS');
  });

  it('a time that changes what the chip allows is committed with the change, and is the floor after a restart', () => {
    let now = NOW + 4000; // past the licence's expiry at NOW + 3600
    const { dir, device } = chip({ now: () => now });
    const counter = counterValue(dir);
    expect(call(device, CMD.status, {}).lockState).toBe(LOCK.licenceExpired);
    expect(counterValue(dir)).toBe(counter + 1n);
    device.close();
    devices.splice(0);
    now = NOW + 3000;
    const restarted = Device.open(dir, { now: () => now });
    devices.push(restarted);
    expect(restarted.chipState!.lastTime).toBe(NOW + 4000);
    expect(code(restarted, CMD.runWorkload, work(1n))).toBe('CLOCK_WENT_BACKWARDS');
  });
});

describe('a failing medium is answered with a typed response', () => {
  it('a full disk: STORAGE_FULL for the command, with its command and request id; queries still answered; nothing counted', () => {
    const medium = faultyFs();
    const { dir, device } = chip({ fs: medium });
    const faults: string[] = [];
    const before = call(device, CMD.status, {});
    medium.fail('ENOSPC');
    const response = parseResponse(decode(device.handle(encode(encodeRequest({ command: CMD.runWorkload, requestId: 4242, params: work(100n) })))));
    expect(response).toMatchObject({ command: CMD.runWorkload, requestId: 4242, status: STATUS_ERROR, error: { code: 'STORAGE_FULL' } });
    expect(call(device, CMD.status, {})).toEqual(before);
    expect(code(device, CMD.attest, { nonce: new Uint8Array(8) })).toBe('ok');
    medium.heal();
    expect(call(device, CMD.runWorkload, work(100n)).remainingQuota).toBe(before.licenceState!.remainingQuota - 100n);
    device.close();
    devices.splice(0);
    const reopened = Device.open(dir, { now: () => NOW, onFault: (e) => faults.push(e.code) });
    devices.push(reopened);
    expect(reopened.chipState!.counters.totalOps).toBe(before.counters.totalOps + 100n);
    expect(faults).toEqual([]);
  });

  it('a read-only medium: STORAGE_IO_FAILED for a command that must write, and the files untouched', () => {
    const medium = faultyFs();
    medium.fail('EROFS');
    const { dir, device } = chip({ fs: medium });
    const before = snapshot(dir);
    expect(respond(device, CMD.runWorkload, work(100n))).toMatchObject({ command: CMD.runWorkload, status: STATUS_ERROR, error: { code: 'STORAGE_IO_FAILED' } });
    expect(code(device, CMD.status, {})).toBe('ok');
    expect(snapshot(dir)).toEqual(before);
  });

  it('a boot that cannot be recorded: the device refuses with the code, and boots once the medium recovers', () => {
    const medium = faultyFs();
    const { device } = chip({ fs: medium });
    const bootcount = device.chipState!.bootcount;
    medium.fail('ENOSPC');
    device.boot();
    expect(device.fault?.code).toBe('STORAGE_FULL');
    expect(code(device, CMD.status, {})).toBe('STORAGE_FULL');
    medium.heal();
    expect(call(device, CMD.status, {}).bootcount).toBe(bootcount + 1);
  });

  it('a medium that fails at any write of a command: the answer is the result or a storage code, and nothing acknowledged is lost', () => {
    const reference = chip();
    const entriesBefore = Array.from({ length: reference.device.env.log.size }, (_, i) => reference.device.env.log.entry(i));
    const totalBefore = reference.device.chipState!.counters.totalOps;
    let answered = false;
    let failures = 0;
    for (let step = 1; !answered; step++) {
      const medium = faultyFs();
      const { dir, device } = chip({ fs: medium });
      medium.failAt(step, step % 3 === 0 ? 'EIO' : 'ENOSPC');
      const response = respond(device, CMD.runWorkload, work(100n));
      answered = response.status !== STATUS_ERROR;
      if (!answered) {
        failures++;
        expect(response.status === STATUS_ERROR && response.error.code).toMatch(/^STORAGE_(FULL|IO_FAILED)$/);
      }
      medium.heal();
      expect(code(device, CMD.status, {})).toBe('ok');
      device.close();
      devices.splice(0);
      const reopened = Device.open(dir, { now: () => NOW });
      devices.push(reopened);
      expect(reopened.fault).toBeUndefined();
      entriesBefore.forEach((entry, i) => expect(reopened.env.log.entry(i), `step ${step}, entry ${i}`).toEqual(entry));
      const total = reopened.chipState!.counters.totalOps;
      // Acknowledged: counted. Refused: counted or not, as after a crash mid-commit (security.md §10.4).
      expect(answered ? [totalBefore + 100n] : [totalBefore, totalBefore + 100n]).toContain(total);
      expect(reopened.env.log.size).toBe(entriesBefore.length + (total === totalBefore ? 0 : 2));
      expect(step).toBeLessThan(60);
    }
    expect(failures).toBeGreaterThan(5);
  });
});
