/**
 * read-entries (module-commands.md §3.1): the entries prove-inclusion would give, and the frontier a
 * receipt would give (merkle.md §9), without a signature; its checks in their order, each refused with
 * its code; its bounds; and that it changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '@hemkit/wire/crypto';
import { createMerkleHasher, frontierFromInclusionProof, rootFromFrontier } from '@hemkit/wire/merkle';
import { CMD, inclusionReceiptProof, READ_ENTRIES_MAX_BYTES, READ_ENTRIES_MAX_COUNT } from '@hemkit/wire/messages';
import { enterTamperState } from '../../src/firmware/chip.js';
import { InProcessChip, ManualClock, seededRandom } from '../../src/in-process.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { ReferenceLog } from '../support/reference-log.js';
import { HWMODEL, scenario, T0, workload } from '../support/scenario.js';

const hasher = createMerkleHasher(nobleBackend.sha256);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A licensed chip whose log has a few workloads in it. */
function busyChip() {
  const s = scenario();
  s.chip.send(CMD.installLicence, { licence: s.licence() });
  for (let i = 0; i < 5; i++) s.chip.send(CMD.runWorkload, workload(10n));
  return s;
}

/** A chip whose log holds `count` more tamper-detected entries, each naming a sensor of `sensorBytes` characters. */
function chipWithTamperEntries(count: number, sensorBytes = 1) {
  const s = scenario();
  for (let i = 0; i < count; i++) s.chip.state = enterTamperState(s.chip.state!, s.chip.env, `${i}`.padStart(sensorBytes, 's'));
  return s;
}

describe('read-entries reads what prove-inclusion proves', () => {
  it('the entries are prove-inclusion’s, byte for byte, and the frontier is the one read from the first entry’s receipt', () => {
    const s = busyChip();
    const size = s.log.size;
    for (let start = 0; start < size; start++) {
      const read = s.chip.send(CMD.readEntries, { start, end: size });
      expect(read.entries.map(hex)).toEqual(Array.from({ length: size - start }, (_, i) => hex(s.chip.send(CMD.proveInclusion, { logIndex: start + i, treeSize: size }).entry)));
      const proof = inclusionReceiptProof(s.chip.send(CMD.proveInclusion, { logIndex: start, treeSize: size }).receipt);
      expect(read.frontier.map(hex)).toEqual(frontierFromInclusionProof(proof.leafIndex, proof.treeSize, proof.path).map(hex));
    }
  });

  it('the frontier and the entries’ leaf hashes give the root of the log at the range’s end, which the chip signs', () => {
    const s = busyChip();
    const size = s.log.size;
    for (const [start, end] of [[0, 1], [3, 7], [5, size], [size - 1, size]] as const) {
      const { entries, frontier } = s.chip.send(CMD.readEntries, { start, end });
      expect(hex(rootFromFrontier(hasher, start, frontier, entries.map((e) => hasher.hashLeaf(e))))).toBe(hex(s.log.root(end)));
    }
  });

  it('the frontier is F(start) whatever the log grew to afterwards', () => {
    const s = busyChip();
    const before = s.chip.send(CMD.readEntries, { start: 5, end: 6 });
    s.chip.send(CMD.runWorkload, workload(10n));
    expect(s.chip.send(CMD.readEntries, { start: 5, end: 6 })).toEqual(before);
  });
});

describe('read-entries refuses a bad range (§3.1, in order)', () => {
  it('MODULE_NOT_PROVISIONED before provisioning', () => {
    const chip = new InProcessChip({ log: new ReferenceLog(), now: new ManualClock(T0).now, random: seededRandom('fresh') });
    chip.send(CMD.manufacture, { hwmodel: HWMODEL });
    expectCode(() => chip.send(CMD.readEntries, { start: 0, end: 1 }), 'MODULE_NOT_PROVISIONED');
  });

  it('MODULE_INVALID_PARAMS: start after end', () => {
    expectCode(() => busyChip().chip.send(CMD.readEntries, { start: 3, end: 2 }), 'MODULE_INVALID_PARAMS');
  });

  it('MODULE_INVALID_PARAMS: an empty range, even at the head', () => {
    const s = busyChip();
    expectCode(() => s.chip.send(CMD.readEntries, { start: 2, end: 2 }), 'MODULE_INVALID_PARAMS');
    expectCode(() => s.chip.send(CMD.readEntries, { start: s.log.size, end: s.log.size }), 'MODULE_INVALID_PARAMS');
  });

  it('MODULE_INVALID_PARAMS: an end past the log', () => {
    const s = busyChip();
    expect(s.chip.send(CMD.readEntries, { start: 0, end: s.log.size }).entries).toHaveLength(s.log.size);
    expectCode(() => s.chip.send(CMD.readEntries, { start: 0, end: s.log.size + 1 }), 'MODULE_INVALID_PARAMS');
    expectCode(() => s.chip.send(CMD.readEntries, { start: s.log.size, end: s.log.size + 1 }), 'MODULE_INVALID_PARAMS');
  });

  it('MODULE_INVALID_PARAMS: more than the read bound of 1024 entries, in a log that has them', () => {
    const s = chipWithTamperEntries(READ_ENTRIES_MAX_COUNT + 2);
    expect(s.log.size).toBeGreaterThan(READ_ENTRIES_MAX_COUNT + 1);
    expect(s.chip.send(CMD.readEntries, { start: 1, end: 1 + READ_ENTRIES_MAX_COUNT }).entries).toHaveLength(READ_ENTRIES_MAX_COUNT);
    expectCode(() => s.chip.send(CMD.readEntries, { start: 0, end: READ_ENTRIES_MAX_COUNT + 1 }), 'MODULE_INVALID_PARAMS');
  });

  it('the bound comes before the log: 1025 entries of a short log are refused for their number', () => {
    const s = busyChip();
    const refused = () => s.chip.send(CMD.readEntries, { start: 0, end: READ_ENTRIES_MAX_COUNT + 1 });
    expectCode(refused, 'MODULE_INVALID_PARAMS');
    expect(refused).toThrow(/at most 1024 entries a call, not 1025/);
  });
});

describe('the byte budget', () => {
  it('returns the longest run of entries within 1 000 000 bytes, and the caller reads on from there', () => {
    // Sensor names of 100 000 characters: about ten entries fill the budget.
    const s = chipWithTamperEntries(12, 100_000);
    const size = s.log.size;
    const first = s.chip.send(CMD.readEntries, { start: 0, end: size });
    const bytes = first.entries.reduce((n, e) => n + e.length, 0);
    expect(first.entries.length).toBeLessThan(size);
    expect(bytes).toBeLessThanOrEqual(READ_ENTRIES_MAX_BYTES);
    expect(bytes + s.log.entry(first.entries.length).length).toBeGreaterThan(READ_ENTRIES_MAX_BYTES);
    const rest = s.chip.send(CMD.readEntries, { start: first.entries.length, end: size });
    expect([...first.entries, ...rest.entries].map(hex)).toEqual(s.log.entries.map(hex));
  });

  it('an entry larger than the budget alone is still returned, alone: every call advances', () => {
    const s = chipWithTamperEntries(2, READ_ENTRIES_MAX_BYTES);
    const size = s.log.size;
    const read = s.chip.send(CMD.readEntries, { start: size - 2, end: size });
    expect(read.entries).toHaveLength(1);
    expect(read.entries[0]!.length).toBeGreaterThan(READ_ENTRIES_MAX_BYTES);
  });
});

describe('read-entries changes nothing', () => {
  it('the state and the log are as before, but for the time the chip last saw', () => {
    const s = busyChip();
    const state = s.chip.state!;
    const size = s.log.size;
    s.clock.advance(60);
    s.chip.send(CMD.readEntries, { start: 2, end: size });
    expect(s.chip.state).toEqual({ ...state, lastTime: s.clock.time });
    expect(s.clock.time).toBeGreaterThan(state.lastTime);
    expect(s.log.size).toBe(size);
  });

  it('a refused read changes nothing either', () => {
    const s = busyChip();
    const state = s.chip.state!;
    const size = s.log.size;
    expectCode(() => s.chip.send(CMD.readEntries, { start: 0, end: size + 1 }), 'MODULE_INVALID_PARAMS');
    expect(s.chip.state).toEqual(state);
    expect(s.log.size).toBe(size);
  });
});
