/**
 * Fault injection over every byte of every file of a chip (specs/security.md §10.1, M1 and M2).
 *
 * A small licensed chip is built once (a boot, a licence, workloads, a checkpoint: 12 log entries).
 * Then, for each of its files, for every byte: the byte's bit (i mod 8) is flipped, or the file is cut
 * at that byte (at 0: emptied); and each file is deleted; and the emptied and deleted files are also
 * met on a full disk and on a read-only medium. After each fault the chip is opened, and:
 *
 * - either it refuses, with the code its file calls for, and then it answered every command with
 *   that code (no signature) and wrote nothing;
 * - or it opened, and then every acknowledged entry reads back byte-equal, the entries file still
 *   begins with the acknowledged entries, and the checkpoint, report, inclusion receipt and
 *   consistency receipt it signs verify under the chip's attestation key against the acknowledged
 *   log: same entries, same roots, same counters.
 *
 * Damage to a derived file (offsets, level-kk) must never make the chip refuse: they are rebuilt.
 * All files here are under 1 KiB, so every byte is covered; the run takes a few seconds.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend } from '@hemkit/wire/crypto/node';
import { createMerkleHasher, merkleRoot } from '@hemkit/wire/merkle';
import {
  attestationKeyCertificateClaims,
  attestationReportClaims,
  checkpointClaims,
  CMD,
  LOCK,
  openClaims,
  peekClaims,
  verifyConsistencyReceipt,
  verifyInclusionReceipt,
} from '@hemkit/wire/messages';
import type { CosePublicKey } from '@hemkit/wire/cose';
import { Device } from '../../src/device/index.js';
import type { ChipState } from '../../src/firmware/state.js';
import { faultyFs, type MediumFault } from '../support/faulty-fs.js';
import { call, code, licensedChip, NOW, snapshot } from './support.js';

const backend = getBackend('node');
const hasher = createMerkleHasher((d) => backend.sha256(d));
const REFUSALS = ['STATE_CORRUPT', 'COUNTER_CORRUPT', 'LOG_INTEGRITY_FAILED', 'LOG_ENTRIES_MISSING', 'MODULE_REFUSING', 'STORAGE_FULL', 'STORAGE_IO_FAILED'];

/** The chip as it was acknowledged: its files, entries and state, and the key its statements verify under. */
interface Acknowledged {
  readonly dir: string;
  readonly files: ReadonlyMap<string, Buffer>;
  readonly entries: readonly Uint8Array[];
  readonly state: ChipState;
  readonly key: CosePublicKey;
}
let acknowledged: Acknowledged;
let scratch: string;

beforeAll(() => {
  const chip = licensedChip({ workloads: 5 });
  call(chip.device, CMD.checkpoint, {});
  const log = chip.device.env.log;
  const entries = Array.from({ length: log.size }, (_, i) => log.entry(i));
  const state = chip.device.chipState!;
  chip.device.close();
  const files = new Map<string, Buffer>();
  for (const name of (readdirSync(chip.dir, { recursive: true }) as string[]).sort()) {
    if (statSync(join(chip.dir, name)).isFile()) files.set(name, readFileSync(join(chip.dir, name)));
  }
  const key = peekClaims(attestationKeyCertificateClaims, state.attestationKeyCertificate!).claims.cnf.coseKey;
  acknowledged = { dir: chip.dir, files, entries, state, key };
  // On a RAM disk when there is one: the test is about the module's logic, and its repairs fsync.
  scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'hemkit-faults-'));
});
afterAll(() => {
  rmSync(acknowledged.dir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** Files of the scratch chip that may differ from the acknowledged ones: all of them after a chip opened. */
let dirty: 'all' | string = 'all';

/**
 * The scratch chip: the acknowledged files with `name` replaced by `bytes` (undefined: deleted), and
 * what its files hold. Only what an earlier case may have changed is written again.
 */
function damaged(name: string, bytes: Uint8Array | undefined): { dir: string; files: Map<string, string> } {
  const dir = join(scratch, 'chip');
  if (dirty === 'all') rmSync(dir, { recursive: true, force: true });
  const files = new Map<string, string>();
  for (const [file, content] of acknowledged.files) {
    const replacement = file === name ? bytes : content;
    if (replacement !== undefined) files.set(file, Buffer.from(replacement).toString('hex'));
    if (dirty !== 'all' && file !== dirty && file !== name) continue;
    if (replacement === undefined) {
      rmSync(join(dir, file), { force: true });
      continue;
    }
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), replacement);
  }
  dirty = name;
  return { dir, files };
}

/** What a case must end in, by the file it damaged. */
type Expectation = 'opens' | 'opens-or-refuses' | readonly string[];

function expectationFor(name: string, fault: 'flip' | 'cut' | 'delete'): Expectation {
  if (name === 'state/state.bin') return fault === 'delete' ? ['MODULE_REFUSING'] : ['STATE_CORRUPT'];
  // A deleted counter reads as 0, below the state's generation: a restored-counter rollback (security.md §4).
  if (name === 'nvcounter/counter.bin') return fault === 'delete' ? 'opens' : ['COUNTER_CORRUPT'];
  if (name === 'log/entries') return ['LOG_INTEGRITY_FAILED', 'LOG_ENTRIES_MISSING'];
  return 'opens'; // offsets and level files are derived: always rebuilt
}

/** MTH of `entries` (RFC 9162 §2.1.1), from the reference tree of the wire layer. */
const rootOf = (entries: readonly Uint8Array[]) => merkleRoot(hasher, entries.map((e) => hasher.hashLeaf(e)));

let caseNumber = 0;
const outcomes = new Map<string, number>();

/** Opens the damaged chip and checks the outcome (see the module comment). */
function check(chip: { dir: string; files: Map<string, string> }, expectation: Expectation, label: string, fs?: ReturnType<typeof faultyFs>): void {
  caseNumber++;
  const { dir, files: before } = chip;
  const device = Device.open(dir, { now: () => NOW, ...(fs ? { fs } : {}) });
  try {
    const fault = device.fault;
    if (fault === undefined) dirty = 'all'; // an opened chip may have repaired its files
    outcomes.set(fault?.code ?? 'opened', (outcomes.get(fault?.code ?? 'opened') ?? 0) + 1);
    if (fault !== undefined) {
      if (expectation === 'opens') expect.fail(`${label}: expected the chip to open, it refused with ${fault.code}: ${fault.message}`);
      expect(Array.isArray(expectation) ? expectation : REFUSALS, label).toContain(fault.code);
      expect(code(device, CMD.attest, { nonce: new Uint8Array(8) }), label).toBe(fault.code);
      expect(code(device, CMD.checkpoint, {}), label).toBe(fault.code);
      expect(snapshot(dir), `${label}: a refusing chip writes nothing`).toEqual(before);
      return;
    }
    if (Array.isArray(expectation)) expect.fail(`${label}: expected a refusal with ${expectation.join(' or ')}, the chip opened`);
    checkAcknowledged(device, label);
  } finally {
    device.close();
  }
  const entries = Buffer.concat(acknowledged.entries);
  expect(readFileSync(join(dir, 'log', 'entries')).subarray(0, entries.length).equals(entries), `${label}: acknowledged entries on disk`).toBe(true);
}

/** An opened chip holds the acknowledged log and state, and signs only over them. */
function checkAcknowledged(device: Device, label: string): void {
  const n = acknowledged.entries.length;
  const log = device.env.log;
  expect(log.size, label).toBeGreaterThanOrEqual(n);
  const entries = Array.from({ length: log.size }, (_, i) => log.entry(i));
  entries.slice(0, n).forEach((entry, i) => expect(entry, `${label}: entry ${i}`).toEqual(acknowledged.entries[i]));
  // Beyond n only the chip's own record of a detected rollback may follow (a deleted counter).
  const rollback = log.size > n;
  if (rollback) expect(device.chipState!.lockState, label).toBe(LOCK.rollback);

  const { checkpoint } = call(device, CMD.checkpoint, {});
  const head = openClaims(checkpointClaims, checkpoint, acknowledged.key, backend);
  expect(head.treeSize, label).toBe(log.size);
  expect(head.rootHash, label).toEqual(rootOf(entries));
  if (!rollback) expect(head.rootHash, label).toEqual(rootOf(acknowledged.entries));

  const { report } = call(device, CMD.attest, { nonce: new Uint8Array(8) });
  const claims = openClaims(attestationReportClaims, report, acknowledged.key, backend);
  expect(claims.counters, label).toEqual(acknowledged.state.counters);
  expect(claims.lockState, label).toBe(rollback ? LOCK.rollback : acknowledged.state.lockState);
  expect(claims.logHead, label).toEqual({ treeSize: head.treeSize, rootHash: head.rootHash });

  const index = caseNumber % n;
  const proven = call(device, CMD.proveInclusion, { logIndex: index, treeSize: log.size });
  expect(proven.entry, label).toEqual(acknowledged.entries[index]);
  expect(verifyInclusionReceipt(proven.receipt, acknowledged.key, hasher.hashLeaf(acknowledged.entries[index]!), hasher, backend).root, label).toEqual(head.rootHash);

  const size1 = 1 + (caseNumber % (n - 1));
  const { receipt } = call(device, CMD.proveConsistency, { treeSize1: size1, treeSize2: log.size });
  const consistency = verifyConsistencyReceipt(receipt, acknowledged.key, rootOf(acknowledged.entries.slice(0, size1)), hasher, backend);
  expect(consistency.root2, label).toEqual(head.rootHash);
}

const fileNames = () => [...acknowledged.files.keys()];

describe('every byte of every chip file', () => {
  beforeAll(() => {
    expect(acknowledged.entries).toHaveLength(12);
    expect(fileNames()).toEqual(['log/entries', 'log/level-00', 'log/level-01', 'log/level-02', 'log/level-03', 'log/offsets', 'nvcounter/counter.bin', 'state/state.bin']);
  });

  it.each(['log/entries', 'log/offsets', 'log/level-00', 'log/level-01', 'log/level-02', 'log/level-03', 'nvcounter/counter.bin', 'state/state.bin'])(
    '%s: each byte flipped, the file cut at each byte, emptied and deleted',
    (name) => {
      const original = acknowledged.files.get(name)!;
      for (let at = 0; at < original.length; at++) {
        const flipped = Buffer.from(original);
        flipped[at]! ^= 1 << at % 8;
        check(damaged(name, flipped), expectationFor(name, 'flip'), `${name}: bit ${at % 8} of byte ${at} flipped`);
        check(damaged(name, original.subarray(0, at)), expectationFor(name, 'cut'), `${name}: cut at byte ${at}`);
      }
      check(damaged(name, undefined), expectationFor(name, 'delete'), `${name}: deleted`);
    },
    60_000,
  );

  it('the chip opens unchanged when nothing is damaged, and some cases of each kind occurred', () => {
    const chip = damaged('', undefined);
    check(chip, 'opens', 'undamaged');
    expect(snapshot(chip.dir)).toEqual(chip.files);
    console.log(`fault injection: ${caseNumber} cases: ${[...outcomes].map(([outcome, count]) => `${outcome} ${count}`).join(', ')}`);
    for (const outcome of ['opened', 'STATE_CORRUPT', 'COUNTER_CORRUPT', 'LOG_INTEGRITY_FAILED', 'LOG_ENTRIES_MISSING', 'MODULE_REFUSING']) {
      expect(outcomes.get(outcome), outcome).toBeGreaterThan(0);
    }
  });
});

describe('damage met on a failing medium', () => {
  const MEDIA: readonly (readonly [string, MediumFault])[] = [
    ['a full disk', 'ENOSPC'],
    ['a read-only medium', 'EROFS'],
  ];

  it.each(MEDIA)('%s: every file emptied or deleted, and an undamaged chip', (_name, fault) => {
    const cases: [string, Uint8Array | undefined][] = [['', undefined]];
    for (const name of fileNames()) cases.push([name, new Uint8Array(0)], [name, undefined]);
    for (const [name, bytes] of cases) {
      const label = `${fault}, ${name || 'undamaged'} ${bytes === undefined ? 'deleted' : 'emptied'}`;
      const medium = faultyFs();
      medium.fail(fault);
      const chip = damaged(name, bytes);
      // A repair needs a write the medium refuses: refusing with the storage code is then the answer.
      check(chip, name === '' ? 'opens' : 'opens-or-refuses', label, medium);
      // Once the medium works again, the chip opens as it would have.
      const expectation = name === '' ? 'opens' : expectationFor(name, bytes === undefined ? 'delete' : 'cut');
      check({ dir: chip.dir, files: snapshot(chip.dir) }, expectation, `${label}, then healed`);
    }
  });

  it.each(MEDIA)('%s: a command that must write is refused with a storage code, and the acknowledged chip is intact', (_name, fault) => {
    const medium = faultyFs();
    const chip = damaged('', undefined);
    const device = Device.open(chip.dir, { now: () => NOW + 1, fs: medium });
    medium.fail(fault);
    expect(code(device, CMD.runWorkload, { workloadDescriptor: new Uint8Array(4), precisionClass: 4, ops: 5n })).toBe(fault === 'ENOSPC' ? 'STORAGE_FULL' : 'STORAGE_IO_FAILED');
    device.close();
    check({ dir: chip.dir, files: snapshot(chip.dir) }, 'opens', `${fault}: after a refused workload`);
  });
});
