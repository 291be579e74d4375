/**
 * The operator's collection of an evidence bundle (evidence.ts, verifier.md §2): the frontier form
 * reads its entries with read-entries and asks the chip for no receipt, so it costs no signature per
 * entry; the receipts form keeps one prove-inclusion per entry. Commands are counted through a
 * CommandPort that wraps the chip.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import { nobleBackend } from '@hemkit/wire/crypto';
import { createMerkleHasher, frontierFromInclusionProof, rootFromFrontier } from '@hemkit/wire/merkle';
import {
  attestationReportClaims,
  CMD,
  COMMAND_NAMES,
  evidenceBundle,
  inclusionReceiptProof,
  peekClaims,
  READ_ENTRIES_MAX_COUNT,
  type CommandId,
  type ParamsOf,
  type ResultOf,
} from '@hemkit/wire/messages';
import { collectEvidence, type CollectOptions, type CommandPort } from '../src/evidence.js';
import { enterTamperState } from '../src/firmware/chip.js';
import { scenario, workload } from './support/scenario.js';

const hasher = createMerkleHasher(nobleBackend.sha256);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A CommandPort that passes every command on to the chip and counts them by name. */
function counting(chip: CommandPort): { port: CommandPort; sent: Map<string, number> } {
  const sent = new Map<string, number>();
  return {
    sent,
    port: {
      send<C extends CommandId>(command: C, params: ParamsOf<C>): ResultOf<C> {
        const name = COMMAND_NAMES.get(command)!;
        sent.set(name, (sent.get(name) ?? 0) + 1);
        return chip.send(command, params);
      },
    },
  };
}

function busyChip(workloads = 6) {
  const s = scenario();
  s.chip.send(CMD.installLicence, { licence: s.licence() });
  for (let i = 0; i < workloads; i++) s.chip.send(CMD.runWorkload, workload(10n));
  return s;
}

const nonce = new Uint8Array(16).fill(7);

function collect(chip: CommandPort, options: Omit<CollectOptions, 'nonce'>) {
  const { port, sent } = counting(chip);
  const bytes = collectEvidence(port, { nonce, ...options });
  return { bytes, bundle: evidenceBundle.parse(decode(bytes), 'bundle'), sent: Object.fromEntries(sent) };
}

describe('collectEvidence, frontier form', () => {
  it('sends no prove-inclusion and, its frontier linking the known size, no prove-consistency: one attest, one read-entries', () => {
    const s = busyChip();
    const { bundle, sent } = collect(s.chip, { knownTreeSize: 3 });
    expect(sent).toEqual({ attest: 1, readEntries: 1 });
    expect(bundle.entries).toHaveLength(s.log.size - 3);
    expect(bundle.entries!.every((e) => e.receipt === undefined)).toBe(true);
    expect(bundle.consistencyReceipts).toBeUndefined();
  });

  it('asks for consistency receipts where the frontier is not the link: another known size, or disclosure from elsewhere', () => {
    const s = busyChip();
    const twoKnown = collect(s.chip, { knownTreeSize: 3, knownSizes: [2] });
    expect(twoKnown.sent).toEqual({ attest: 1, proveConsistency: 2, readEntries: 1 });
    expect(twoKnown.bundle.consistencyReceipts).toHaveLength(2);
    const fromElsewhere = collect(s.chip, { knownSizes: [3], discloseFrom: 2 });
    expect(fromElsewhere.sent).toEqual({ attest: 1, proveConsistency: 1, readEntries: 1 });
  });

  it('the bundle is, byte for byte, the one made from the receipts form’s entries and the frontier of its first receipt, without its consistency receipt', () => {
    const s = busyChip();
    const frontierForm = collect(s.chip, { knownTreeSize: 3 }).bytes;
    const { consistencyReceipts, ...receiptsForm } = collect(s.chip, { knownTreeSize: 3, proofs: 'receipts' }).bundle;
    expect(consistencyReceipts).toHaveLength(1);
    const first = inclusionReceiptProof(receiptsForm.entries![0]!.receipt!);
    const expected = encode(
      evidenceBundle.toCbor({
        ...receiptsForm,
        entries: receiptsForm.entries!.map(({ receipt: _receipt, ...entry }) => entry),
        frontier: frontierFromInclusionProof(first.leafIndex, first.treeSize, first.path),
      }),
    );
    expect(hex(frontierForm)).toBe(hex(expected));
  });

  it('the frontier and the entries lead to the root the report signs', () => {
    const s = busyChip();
    const { bundle } = collect(s.chip, { knownTreeSize: 5 });
    const head = peekClaims(attestationReportClaims, bundle.report).claims.logHead;
    expect(hex(rootFromFrontier(hasher, 5, bundle.frontier!, bundle.entries!.map((e) => hasher.hashLeaf(e.entry))))).toBe(hex(head.rootHash));
  });

  it('pages by the read bound: a disclosure of more than 1024 entries takes two read-entries and still no prove-inclusion', () => {
    const s = scenario();
    for (let i = 0; i < READ_ENTRIES_MAX_COUNT + 40; i++) s.chip.state = enterTamperState(s.chip.state!, s.chip.env, `sensor ${i}`);
    const heard: [number, number][] = [];
    const { bundle, sent } = collect(s.chip, { discloseFrom: 7, onEntry: (done, total) => heard.push([done, total]) });
    const total = s.log.size - 7;
    expect(total).toBeGreaterThan(READ_ENTRIES_MAX_COUNT);
    expect(sent).toEqual({ attest: 1, readEntries: 2 });
    expect(bundle.entries!.map((e) => hex(e.entry))).toEqual(s.log.entries.slice(7).map(hex));
    expect(heard).toEqual(Array.from({ length: total }, (_, i) => [i + 1, total]));
  });

  it('discloses nothing and reads nothing when the verifier already holds the head', () => {
    const s = busyChip();
    const { bundle, sent } = collect(s.chip, { knownTreeSize: s.log.size });
    expect(sent).toEqual({ attest: 1 });
    expect(bundle.entries).toBeUndefined();
  });
});

describe('collectEvidence, receipts form', () => {
  it('asks for one prove-inclusion an entry, and reads no entries otherwise', () => {
    const s = busyChip();
    const { bundle, sent } = collect(s.chip, { knownTreeSize: 3, proofs: 'receipts' });
    expect(sent).toEqual({ attest: 1, proveConsistency: 1, proveInclusion: s.log.size - 3 });
    expect(bundle.frontier).toBeUndefined();
  });

  it('a page short of the head is proven by receipts even in the default form', () => {
    const s = busyChip();
    const { bundle, sent } = collect(s.chip, { discloseFrom: 2, discloseUntil: 6 });
    expect(sent).toEqual({ attest: 1, proveInclusion: 4 });
    expect(bundle.entries!.every((e) => e.receipt !== undefined)).toBe(true);
  });
});
