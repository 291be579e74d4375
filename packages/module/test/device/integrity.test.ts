/**
 * The device checks its own files (specs/security.md §10): what it repairs, what it refuses with
 * which code, that a refusing device writes nothing and signs nothing, and that the log files of a
 * running device are checked again when it reads them.
 */
import { appendFileSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decode } from '@hemkit/wire/cbor';
import { CMD, logEntry, LOCK } from '@hemkit/wire/messages';
import { Device } from '../../src/device/index.js';
import { call, code, licensedChip, NOW, snapshot, type LicensedChip } from './support.js';

const chips: LicensedChip[] = [];
afterEach(() => {
  for (const chip of chips.splice(0)) chip.cleanup();
});

/** A licensed chip with a few workloads, closed, with its log entries as they were acknowledged. */
function closedChip(): { dir: string; entries: Uint8Array[] } {
  const chip = licensedChip({ workloads: 5 });
  chips.push(chip);
  const entries = Array.from({ length: chip.device.env.log.size }, (_, i) => chip.device.env.log.entry(i));
  chip.device.close();
  return { dir: chip.dir, entries };
}

const open = (dir: string) => Device.open(dir, { now: () => NOW });
const logFile = (dir: string, name: string) => join(dir, 'log', name);

/** Opens `dir` and checks that it holds exactly `entries`, and answers. */
function expectIntact(dir: string, entries: readonly Uint8Array[]): Device {
  const device = open(dir);
  expect(device.fault).toBeUndefined();
  expect(device.env.log.size).toBe(entries.length);
  entries.forEach((entry, i) => expect(device.env.log.entry(i), `entry ${i}`).toEqual(entry));
  expect(readFileSync(logFile(dir, 'entries'))).toEqual(Buffer.concat(entries));
  expect(code(device, CMD.attest, { nonce: new Uint8Array(8) })).toBe('ok');
  return device;
}

describe('the device rebuilds derived log files from its entries and keeps every acknowledged entry', () => {
  it('an emptied offsets file (the issue: it used to wipe every entry)', () => {
    const { dir, entries } = closedChip();
    expect(entries.length).toBe(12);
    truncateSync(logFile(dir, 'offsets'), 0);
    const device = expectIntact(dir, entries);
    expect(device.repairs).toEqual([`rebuilt ${logFile(dir, 'offsets')} from the entries`]);
    expect(device.chipState!.refusing).toBe(false);
    expect(device.chipState!.lockState).toBe(LOCK.unlocked);
    device.close();
  });

  it('a last offset lowered by 4 (the issue: it used to cut the tail off an acknowledged entry)', () => {
    const { dir, entries } = closedChip();
    const offsets = readFileSync(logFile(dir, 'offsets'));
    const last = offsets.length - 4;
    offsets.writeUInt32BE(offsets.readUInt32BE(last) - 4, last);
    writeFileSync(logFile(dir, 'offsets'), offsets);
    const device = expectIntact(dir, entries);
    expect(device.repairs).toEqual([`rebuilt ${logFile(dir, 'offsets')} from the entries`]);
    device.close();
  });

  it('a damaged and a deleted level file', () => {
    const { dir, entries } = closedChip();
    const level0 = readFileSync(logFile(dir, 'level-00'));
    level0[3]! ^= 0xff;
    writeFileSync(logFile(dir, 'level-00'), level0);
    rmSync(logFile(dir, 'level-01'));
    expectIntact(dir, entries).close();
  });

  it('and drops the entries of a command that was never acknowledged', () => {
    const { dir, entries } = closedChip();
    const device = open(dir);
    device.env.log.append(entries[entries.length - 1]!); // as if the process died before its commit
    device.close();
    expect(readFileSync(logFile(dir, 'entries')).length).toBeGreaterThan(Buffer.concat(entries).length);
    expectIntact(dir, entries).close();
  });
});

describe('the device refuses, with the code, files it cannot reconcile; it writes and signs nothing', () => {
  const CASES: readonly (readonly [string, string, (dir: string) => void])[] = [
    [
      'a changed byte inside an acknowledged entry',
      'LOG_INTEGRITY_FAILED',
      (dir) => {
        const bytes = readFileSync(logFile(dir, 'entries'));
        bytes[bytes.length - 3]! ^= 0x01;
        writeFileSync(logFile(dir, 'entries'), bytes);
      },
    ],
    ['the last acknowledged entry cut short', 'LOG_ENTRIES_MISSING', (dir) => truncateSync(logFile(dir, 'entries'), readFileSync(logFile(dir, 'entries')).length - 1)],
    ['an emptied entries file', 'LOG_ENTRIES_MISSING', (dir) => truncateSync(logFile(dir, 'entries'), 0)],
    ['a deleted log directory', 'LOG_ENTRIES_MISSING', (dir) => rmSync(join(dir, 'log'), { recursive: true })],
    ['a damaged state record', 'STATE_CORRUPT', (dir) => appendFileSync(join(dir, 'state', 'state.bin'), 'x')],
    ['a damaged counter record', 'COUNTER_CORRUPT', (dir) => truncateSync(join(dir, 'nvcounter', 'counter.bin'), 10)],
    ['a deleted state record', 'MODULE_REFUSING', (dir) => rmSync(join(dir, 'state'), { recursive: true })],
    [
      'a log whose state and counter were both deleted',
      'MODULE_REFUSING',
      (dir) => {
        rmSync(join(dir, 'state'), { recursive: true });
        rmSync(join(dir, 'nvcounter'), { recursive: true });
      },
    ],
  ];

  it.each(CASES)('%s: %s', (_name, expected, damage) => {
    const { dir } = closedChip();
    damage(dir);
    const before = snapshot(dir);
    const device = open(dir);
    expect(device.fault?.code).toBe(expected);
    for (const [command, params] of [
      [CMD.status, {}],
      [CMD.attest, { nonce: new Uint8Array(8) }],
      [CMD.checkpoint, {}],
      [CMD.proveInclusion, { logIndex: 0, treeSize: 1 }],
      [CMD.runWorkload, { workloadDescriptor: new Uint8Array(1), precisionClass: 4, ops: 1n }],
      [CMD.manufacture, { hwmodel: new Uint8Array(1) }],
    ] as const) {
      expect(code(device, command, params), `command ${command}`).toBe(expected);
    }
    device.close();
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('the running device checks what it reads from its log files', () => {
  it('refuses a proof over a changed node with LOG_INTEGRITY_FAILED, then rebuilds the file and proves it', () => {
    const faults: string[] = [];
    const chip = licensedChip({ workloads: 3, onFault: (e) => faults.push(e.code) });
    chips.push(chip);
    const { device, dir } = chip;
    const size = device.env.log.size;
    // The leaf hash of entry 2, changed under the open store.
    const level0 = readFileSync(logFile(dir, 'level-00'));
    level0[2 * 32]! ^= 0x01;
    writeFileSync(logFile(dir, 'level-00'), level0);
    expect(code(device, CMD.proveInclusion, { logIndex: 2, treeSize: size })).toBe('LOG_INTEGRITY_FAILED');
    // The next command reopens the device from disk, which rebuilds level-00 from the entries.
    const { entry } = call(device, CMD.proveInclusion, { logIndex: 2, treeSize: size });
    expect(logEntry.parse(decode(entry), 'entry').index).toBe(2);
    expect(device.repairs).toEqual([`rebuilt ${logFile(dir, 'level-00')} from the entries`]);
    expect(faults).toEqual(['LOG_INTEGRITY_FAILED']);
    device.close();
  });

  it('refuses an entry whose bytes changed, and then refuses everything: the entry cannot be rebuilt', () => {
    const chip = licensedChip({ workloads: 3 });
    chips.push(chip);
    const { device, dir } = chip;
    const size = device.env.log.size;
    const entries = readFileSync(logFile(dir, 'entries'));
    entries[entries.length - 2]! ^= 0x01;
    writeFileSync(logFile(dir, 'entries'), entries);
    expect(code(device, CMD.proveInclusion, { logIndex: size - 1, treeSize: size })).toBe('LOG_INTEGRITY_FAILED');
    expect(code(device, CMD.status, {})).toBe('LOG_INTEGRITY_FAILED');
    expect(device.fault?.code).toBe('LOG_INTEGRITY_FAILED');
    device.close();
  });

  it('read-entries checks the run it reads against the root: a changed entry is LOG_INTEGRITY_FAILED', () => {
    const chip = licensedChip({ workloads: 3 });
    chips.push(chip);
    const { device, dir } = chip;
    const size = device.env.log.size;
    expect(call(device, CMD.readEntries, { start: 2, end: size }).entries).toHaveLength(size - 2);
    const entries = readFileSync(logFile(dir, 'entries'));
    entries[entries.length - 2]! ^= 0x01;
    writeFileSync(logFile(dir, 'entries'), entries);
    expect(code(device, CMD.readEntries, { start: 2, end: size })).toBe('LOG_INTEGRITY_FAILED');
    device.close();
  });

  it('read-entries checks the frontier it reads: a changed node of it is LOG_INTEGRITY_FAILED', () => {
    const faults: string[] = [];
    const chip = licensedChip({ workloads: 3, onFault: (e) => faults.push(e.code) });
    chips.push(chip);
    const { device, dir } = chip;
    const size = device.env.log.size;
    // F(2) is node 0 of level 1, MTH(entries 0 and 1): not on the tree's right edge, so read from disk.
    const level1 = readFileSync(logFile(dir, 'level-01'));
    level1[0]! ^= 0x01;
    writeFileSync(logFile(dir, 'level-01'), level1);
    expect(code(device, CMD.readEntries, { start: 2, end: size })).toBe('LOG_INTEGRITY_FAILED');
    expect(faults).toEqual(['LOG_INTEGRITY_FAILED']);
    device.close();
  });
});
