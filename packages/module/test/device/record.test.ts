/**
 * The device's own encodings (specs/security.md §10): the state record's body, the comparison that
 * decides whether a command is committed, and how entries are found without the offsets file.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '@hemkit/wire/cbor';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { delimitLogEntry } from '../../src/device/log-entries.js';
import { decodeDeviceRecord, encodeDeviceRecord, sameButTimes } from '../../src/device/record.js';
import type { ChipState } from '../../src/firmware/state.js';
import { licensedChip } from './support.js';

const chip = licensedChip({ workloads: 1 });
const state = chip.device.chipState!;
const log = chip.device.env.log;
const entries = Array.from({ length: log.size }, (_, i) => log.entry(i));
chip.device.close();
chip.cleanup();

describe('the device record', () => {
  it('round-trips the chip state and the log root', () => {
    const record = { chip: state, logRoot: new Uint8Array(32).fill(7) };
    expect(decodeDeviceRecord(encodeDeviceRecord(record))).toEqual(record);
  });

  it('refuses a body that is not a device record with STATE_CORRUPT: a bare chip state, a short root, not CBOR', () => {
    const bare = encode(new Map([[1, new Uint8Array(32)]]));
    expect(expectCode(() => decodeDeviceRecord(bare), 'STATE_CORRUPT').message).toMatch(/not a device record/);
    const shortRoot = encodeDeviceRecord({ chip: state, logRoot: new Uint8Array(32) }).slice();
    expect(shortRoot[shortRoot.length - 33]).toBe(32); // the root's head is 0x58 0x20: a byte string of 32
    shortRoot[shortRoot.length - 33] = 31; // now of 31, and one byte left over
    expectCode(() => decodeDeviceRecord(shortRoot), 'STATE_CORRUPT');
    expectCode(() => decodeDeviceRecord(Uint8Array.of(0xff)), 'STATE_CORRUPT');
  });
});

describe('sameButTimes: what a command must commit', () => {
  it('leaves out lastTime', () => {
    expect(sameButTimes(state, { ...state, lastTime: state.lastTime + 100 })).toBe(true);
  });

  it('sees every other change', () => {
    const changed: ChipState[] = [
      { ...state, logSize: state.logSize + 1 },
      { ...state, bootcount: state.bootcount + 1 },
      { ...state, counters: { ...state.counters, totalOps: state.counters.totalOps + 1n } },
      { ...state, counters: { ...state.counters, opsByPrecision: new Map([[4 as const, 1n]]) } },
      { ...state, pendingChallenge: new Uint8Array(32) },
      { ...state, appliedLicenceHashes: [...state.appliedLicenceHashes, new Uint8Array(32)] },
      { ...state, refusing: true },
    ];
    for (const other of changed) expect(sameButTimes(state, other)).toBe(false);
  });
});

describe('delimitLogEntry: entries found without the offsets file', () => {
  const file = Buffer.concat(entries);

  it('gives the length of each entry from where it starts, followed by others or not', () => {
    let at = 0;
    entries.forEach((entry, i) => {
      expect(delimitLogEntry(file.subarray(at), i)).toBe(entry.length);
      at += entry.length;
    });
    expect(delimitLogEntry(entries[0]!, 0)).toBe(entries[0]!.length);
  });

  it('finds no entry with another index, in a cut entry, in garbage, or in CBOR that is not a log entry', () => {
    expect(delimitLogEntry(file, 1)).toBeUndefined();
    expect(delimitLogEntry(file.subarray(0, entries[0]!.length - 1), 0)).toBeUndefined();
    expect(delimitLogEntry(Uint8Array.of(0xff, 0x00), 0)).toBeUndefined();
    expect(delimitLogEntry(encode(new Map([[1, 0]])), 0)).toBeUndefined();
  });
});
