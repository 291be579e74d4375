/**
 * Check 12 for workload-finished-lineage entries (specs/messages/log-entry.md §3.1, §4): an opening
 * discloses exactly the model states its entry commits to, or the check fails with OPENING_MISMATCH.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '@hemkit/wire/cbor';
import { CMD, workloadDescriptor } from '@hemkit/wire/messages';
import { toHex } from '@hemkit/wire/bytes';
import { collectEvidence } from '../../../module/src/evidence.js';
import { appraiseWith, check, provisionedChip, seed, verifierInputs, type Openings } from '../support/fixture.js';
import { rebuild } from './chips.js';
import { toLineageWorkloads } from '../../src/fleet.js';

const BASE = seed('state: base');
const MERGED = seed('state: merged');
const TUNED = seed('state: tuned');

/** A chip that fine-tuned TUNED from BASE and MERGED, its opening kept as an operator keeps it. */
function lineageChip() {
  const { chip, licenceBytes } = provisionedChip('lineage-chip');
  const openings: Openings = new Map();
  const descriptor = encode(workloadDescriptor.toCbor({ workloadId: 'tune-1' }));
  const states = { parentStates: [BASE, MERGED], producedState: TUNED };
  const r = chip.send(CMD.runWorkload, { workloadDescriptor: descriptor, precisionClass: 4, ops: 10n ** 22n, busyChipSeconds: 600, ...states });
  openings.set(r.startedIndex!, { salt: r.salt!, descriptor });
  openings.set(r.finishedIndex!, { salt: r.salt!, descriptor, ...states });
  const nonce = seed('lineage nonce').subarray(0, 16);
  const bundle = collectEvidence(chip, { nonce, discloseFrom: 0, openings, licences: [licenceBytes] });
  return { bundle, nonce, finishedIndex: r.finishedIndex! };
}

describe('openings of model states', () => {
  it('an honest opening is affirmed and hands the opened states, time and busy seconds to the accounting', () => {
    const { bundle, nonce, finishedIndex } = lineageChip();
    const a = appraiseWith(bundle, nonce, verifierInputs());
    expect(a.status).toBe('affirming');
    expect(check(a, 'counters-vs-log').status).toBe('pass');
    const w = a.workloads.find((x) => x.logIndex === finishedIndex)!;
    expect(w.modelStates!.parents.map(toHex)).toEqual([BASE, MERGED].map(toHex));
    expect(toHex(w.modelStates!.produced)).toBe(toHex(TUNED));
    expect(w.busyChipSeconds).toBe(600);
    expect(w.ops).toBe(10n ** 22n);
    expect(toLineageWorkloads(a)).toEqual([
      { ueid: a.ueid, logIndex: finishedIndex, ops: 10n ** 22n, workloadId: 'tune-1', parents: [BASE, MERGED], produced: TUNED, time: w.time, busyChipSeconds: 600 },
    ]);
  });

  type Opening = { readonly producedState?: Uint8Array; readonly parentStates?: readonly Uint8Array[] };
  const change = (bundle: Uint8Array, edit: (o: Opening) => Opening) =>
    rebuild(bundle, (b) => ({
      ...b,
      entries: b.entries!.map((d) => (d.opening?.producedState !== undefined ? { ...d, opening: edit(d.opening) as NonNullable<typeof d.opening> } : d)),
    }));

  it.each([
    ['another produced state', (o: Opening): Opening => ({ ...o, producedState: BASE })],
    ['the parents swapped', (o: Opening): Opening => ({ ...o, parentStates: [...o.parentStates!].reverse() })],
    ['a parent left out', (o: Opening): Opening => ({ ...o, parentStates: o.parentStates!.slice(1) })],
    ['no produced state', ({ producedState: _, ...o }: Opening): Opening => o],
  ])('OPENING_MISMATCH: %s', (_, edit) => {
    const { bundle, nonce } = lineageChip();
    const a = appraiseWith(change(bundle, edit), nonce, verifierInputs());
    expect(check(a, 'openings').code).toBe('OPENING_MISMATCH');
    expect(a.status).toBe('contraindicated');
  });

  it('OPENING_MISMATCH: model states attached to the opening of an entry that commits to none', () => {
    const { bundle, nonce } = lineageChip();
    const lied = rebuild(bundle, (b) => ({
      ...b,
      entries: b.entries!.map((d) => (d.opening !== undefined && d.opening.producedState === undefined ? { ...d, opening: { ...d.opening, producedState: TUNED, parentStates: [] } } : d)),
    }));
    expect(check(appraiseWith(lied, nonce, verifierInputs()), 'openings').code).toBe('OPENING_MISMATCH');
  });
});
