/** Lineage accounting (specs/verifier.md §6.2): cumulative compute per model state, each ancestor once. */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '@hemkit/wire/bytes';
import { accountLineage, cumulativeCompute, lineageReportToJson, type LineageChip, type LineageOptions, type LineageWorkload } from '../../src/accounting/index.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { E24, E25, ueid } from './support.js';

const state = (name: string) => sha256(new TextEncoder().encode(`model state ${name}`));
const hex = (name: string) => toHex(state(name));
const T = 1_800_000_000;

let nextIndex = 0;
/** A workload on chip `chip` producing `produced` from `parents`. */
function w(chip: number, produced: string, parents: readonly string[], ops: bigint, over: Partial<LineageWorkload> = {}): LineageWorkload {
  return { ueid: ueid(chip), logIndex: nextIndex++, ops, workloadId: `run-${produced}`, parents: parents.map(state), produced: state(produced), time: T, ...over };
}

const EU_ONLY: LineageOptions = { thresholds: [{ id: 'eu', description: 'EU AI Act Art. 51(2)', ops: E25 }], now: T };
const model = (r: ReturnType<typeof accountLineage>, name: string) => r.models.find((m) => m.state === hex(name));

describe('cumulative compute', () => {
  it('a chain adds every ancestor: base, then two continuations', () => {
    const r = accountLineage({ workloads: [w(1, 'a', [], 6n * E24), w(1, 'b', ['a'], 3n * E24), w(1, 'c', ['b'], 2n * E24)] }, EU_ONLY);
    expect(model(r, 'c')).toMatchObject({ cumulativeOps: 11n * E24, ownOps: 2n * E24, flags: ['crossed'], thresholdsPassed: ['eu'] });
    expect(model(r, 'b')).toBeUndefined(); // 9e24: below, and not itemised
  });

  it('a diamond counts the shared ancestor once: a → b, a → c, (b, c) → d', () => {
    const r = accountLineage({ workloads: [w(1, 'a', [], 4n * E24), w(2, 'b', ['a'], 2n * E24), w(3, 'c', ['a'], 2n * E24), w(4, 'd', ['b', 'c'], 3n * E24)] }, EU_ONLY);
    expect(model(r, 'd')!.cumulativeOps).toBe(11n * E24); // not 15e24: a is counted once
    expect(r.totals).toMatchObject({ states: 4, edges: 4, workloads: 4 });
  });

  it('cumulativeCompute gives every known state\'s total, missing parents left out', () => {
    const totals = cumulativeCompute({ workloads: [w(1, 'a', [], 4n), w(2, 'b', ['a'], 2n), w(3, 'c', ['a'], 2n), w(4, 'd', ['b', 'c', 'gone'], 3n)] });
    expect(Object.fromEntries(totals)).toEqual({ [hex('a')]: 4n, [hex('b')]: 6n, [hex('c')]: 6n, [hex('d')]: 11n });
  });

  it('a deeper diamond rejoining through a merge of merges still counts each ancestor once', () => {
    const ws = [w(1, 'r', [], E24), w(1, 'x', ['r'], E24), w(1, 'y', ['r'], E24), w(1, 'm1', ['x', 'y'], E24), w(1, 'm2', ['x', 'y'], E24), w(1, 'top', ['m1', 'm2', 'r'], 5n * E24 + 1n)];
    const r = accountLineage({ workloads: ws }, EU_ONLY);
    expect(model(r, 'top')!.cumulativeOps).toBe(10n * E24 + 1n);
  });

  it('a run split across chips and relabelled under several ids totals as one model', () => {
    const split = [1, 2, 3, 4, 5].map((chip, i) => w(chip, 'big', [], 21n * 10n ** 23n, { workloadId: `part-${i}` }));
    const r = accountLineage({ workloads: split }, EU_ONLY);
    expect(model(r, 'big')).toMatchObject({ cumulativeOps: 105n * 10n ** 23n, chips: 5, workloads: 5, workloadIds: ['part-0', 'part-1', 'part-2', 'part-3', 'part-4'] });
  });

  it('a total exactly at a threshold does not pass it', () => {
    const r = accountLineage({ workloads: [w(1, 'a', [], E25)] }, EU_ONLY);
    expect(r.models).toEqual([]);
    expect(r.aggregate).toEqual({ states: 1, workloads: 1, ownOps: E25 });
  });
});

describe('refusals and rules', () => {
  it('LINEAGE_CYCLE: two states each naming the other as parent', () => {
    expectCode(() => accountLineage({ workloads: [w(1, 'p', ['q'], 1n), w(1, 'q', ['p'], 1n)] }), 'LINEAGE_CYCLE');
  });

  it('LINEAGE_CYCLE: a state produced from itself', () => {
    expectCode(() => accountLineage({ workloads: [w(1, 'p', [], 1n), w(1, 'q', ['q', 'p'], 1n)] }), 'LINEAGE_CYCLE');
  });

  it('a missing parent counts as nothing and makes the totals below it lower bounds', () => {
    const r = accountLineage({ workloads: [w(1, 'tuned', ['outside'], 11n * E24)] }, EU_ONLY);
    expect(model(r, 'tuned')).toMatchObject({ cumulativeOps: 11n * E24, missingAncestors: 1 });
    expect(r.totals).toMatchObject({ states: 1, missingStates: 1 });
  });

  it('LINEAGE_PARENT_MISSING under the refuse rule; a declared model is not missing', () => {
    expectCode(() => accountLineage({ workloads: [w(1, 'tuned', ['outside'], 1n)] }, { missingParents: 'refuse' }), 'LINEAGE_PARENT_MISSING');
    const r = accountLineage({ workloads: [w(1, 'tuned', ['outside'], 1n)], declaredModels: [{ state: state('outside'), ops: 2n * E25 }] }, { ...EU_ONLY, missingParents: 'refuse' });
    expect(model(r, 'tuned')).toMatchObject({ cumulativeOps: 2n * E25 + 1n, missingAncestors: 0 });
  });

  it('the same entry disclosed twice counts once', () => {
    const once = w(1, 'a', [], 6n * E24);
    const r = accountLineage({ workloads: [once, once, { ...once }] }, EU_ONLY);
    expect(r.totals).toMatchObject({ workloads: 1, duplicateDisclosures: 2 });
    expect(r.aggregate.ownOps).toBe(6n * E24);
  });

  it.each([
    ['other operations', { ops: 1n }],
    ['another produced state', { produced: state('other') }],
    ['other parents', { parents: [state('x')] }],
    ['another workload id', { workloadId: 'relabelled' }],
  ])('LINEAGE_CONFLICTING_ENTRY: one entry disclosed with %s', (_, over) => {
    const first = w(1, 'a', [], 6n * E24);
    expectCode(() => accountLineage({ workloads: [first, { ...first, ...over }] }), 'LINEAGE_CONFLICTING_ENTRY');
  });

  it('LINEAGE_CONFLICTING_ENTRY: one declared model with two figures', () => {
    expectCode(() => accountLineage({ workloads: [], declaredModels: [{ state: state('a'), ops: 1n }, { state: state('a'), ops: 2n }] }), 'LINEAGE_CONFLICTING_ENTRY');
  });

  it.each([
    ['a 31-byte produced state', { produced: new Uint8Array(31) }],
    ['a negative operation count', { ops: -1n }],
    ['a fractional time', { time: 1.5 }],
    ['parents that are not a list', { parents: 'a' as never }],
  ])('ACCOUNTING_INVALID_INPUT: %s', (_, over) => {
    expectCode(() => accountLineage({ workloads: [{ ...w(1, 'a', [], 1n), ...over } as LineageWorkload] }), 'ACCOUNTING_INVALID_INPUT');
  });
});

describe('projected crossings (Recital 112)', () => {
  const chips = (expiry: number): LineageChip[] => [{ ueid: ueid(1), licenceExpiry: expiry }];
  // 9e24 so far at 1e19 operations per busy second: 1e24 more needs 1e5 s, about 1.2 days.
  const running = () => w(1, 'run', [], 9n * E24, { busyChipSeconds: 900_000 });

  it('flags a leaf whose rate would carry it over within its licence window and the notice period', () => {
    const r = accountLineage({ workloads: [running()], chips: chips(T + 2 * 86_400) }, EU_ONLY);
    expect(model(r, 'run')).toMatchObject({ flags: ['projected'], thresholdsProjected: ['eu'], projectedOps: 10n ** 19n * 2n * 86_400n });
  });

  it('does not when the licence ends first', () => {
    const r = accountLineage({ workloads: [running()], chips: chips(T + 50_000) }, EU_ONLY);
    expect(r.models).toEqual([]);
  });

  it('caps the horizon at the notice period, however long the licence runs', () => {
    const slow = w(1, 'slow', [], 9n * E24, { busyChipSeconds: 9 * 10 ** 12 }); // 1e12 ops/s: 1e24 needs 1e12 s
    const r = accountLineage({ workloads: [slow], chips: chips(T + 10 ** 9) }, EU_ONLY);
    expect(r.models).toEqual([]);
  });

  it('a state already built on is finished and not projected', () => {
    const r = accountLineage({ workloads: [running(), w(1, 'next', ['run'], 1n)], chips: chips(T + 2 * 86_400) }, EU_ONLY);
    expect(model(r, 'run')).toBeUndefined();
  });
});

describe('modifications (more than a third of the base model)', () => {
  const lab: LineageChip = { ueid: ueid(1), holder: 'lab' };
  const other: LineageChip = { ueid: ueid(2), holder: 'other' };
  const base = () => w(1, 'base', [], 3n * E25);

  it('flags another holder\'s fine-tune of just over a third, and names the base', () => {
    const r = accountLineage({ workloads: [base(), w(2, 'tune', ['base'], E25 + 1n)], chips: [lab, other] }, EU_ONLY);
    expect(model(r, 'tune')).toMatchObject({ flags: ['crossed', 'modification'], modification: { base: hex('base'), baseOps: 3n * E25, modificationOps: E25 + 1n } });
  });

  it('a fine-tune of exactly a third is not a modification', () => {
    const r = accountLineage({ workloads: [base(), w(2, 'tune', ['base'], E25)], chips: [lab, other] }, EU_ONLY);
    expect(model(r, 'tune')!.flags).toEqual(['crossed']);
  });

  it('a fine-tune split into steps and relabelled still adds up from the base', () => {
    const steps = [w(2, 's1', ['base'], 4n * E24, { workloadId: 'a' }), w(2, 's2', ['s1'], 4n * E24, { workloadId: 'b' }), w(2, 's3', ['s2'], 3n * E24, { workloadId: 'c' })];
    const r = accountLineage({ workloads: [base(), ...steps], chips: [lab, other] }, EU_ONLY);
    expect(model(r, 's3')!.modification).toEqual({ base: hex('base'), baseOps: 3n * E25, modificationOps: 11n * E24 });
    expect(model(r, 's2')!.flags).not.toContain('modification');
  });

  it('the holder continuing its own training is not a modification', () => {
    const r = accountLineage({ workloads: [base(), w(1, 'more', ['base'], 2n * E25)], chips: [lab, other] }, EU_ONLY);
    expect(model(r, 'more')!.flags).toEqual(['crossed']);
  });

  it('chips without a known holder make no handover: a pipeline across two chips is not a modification', () => {
    const r = accountLineage({ workloads: [w(1, 'stage1', [], 3n * E25), w(2, 'stage2', ['stage1'], 2n * E25)] }, EU_ONLY);
    expect(model(r, 'stage2')!.flags).toEqual(['crossed']);
  });

  it('a fine-tune of a declared model from outside is measured against the declared figure', () => {
    const r = accountLineage({ workloads: [w(2, 'tune', ['open-weights'], 2n * E24)], declaredModels: [{ state: state('open-weights'), ops: 5n * E24 }] }, EU_ONLY);
    expect(model(r, 'tune')).toMatchObject({ flags: ['modification'], modification: { baseOps: 5n * E24, modificationOps: 2n * E24 } });
  });
});

describe('undetermined: unaccounted work of the lineage\'s holders', () => {
  it('flags a model below the threshold that its holder\'s silent chips could carry over; not another holder\'s', () => {
    const chips: LineageChip[] = [
      { ueid: ueid(1), holder: 'evader' },
      { ueid: ueid(9), holder: 'evader', unaccountedOps: 4n * E24 },
      { ueid: ueid(2), holder: 'honest' },
    ];
    const r = accountLineage({ workloads: [w(1, 'hidden', [], 8n * E24), w(2, 'fine', [], 8n * E24)], chips }, EU_ONLY);
    expect(model(r, 'hidden')).toMatchObject({ flags: ['undetermined'], unaccountedOps: 4n * E24, thresholdsUndetermined: ['eu'] });
    expect(model(r, 'fine')).toBeUndefined();
  });

  it('an unbounded chip makes every lineage of its holder undetermined', () => {
    const r = accountLineage({ workloads: [w(1, 'small', [], 1n)], chips: [{ ueid: ueid(1), holder: 'h' }, { ueid: ueid(3), holder: 'h', unaccountedOps: 'unbounded' }] }, EU_ONLY);
    expect(model(r, 'small')!.unaccountedOps).toBe('unbounded');
  });
});

describe('privacy: only itemised lineages are named', () => {
  it('edges of flagged lineages only; everything else an aggregate', () => {
    const ws = [w(1, 'a', [], 6n * E24), w(1, 'b', ['a'], 5n * E24), w(2, 'x', [], E24), w(2, 'y', ['x'], E24)];
    const r = accountLineage({ workloads: ws }, EU_ONLY);
    expect(r.models.map((m) => m.state)).toEqual([hex('b')]);
    expect(r.edges).toEqual([[hex('a'), hex('b')]]);
    expect(r.aggregate).toEqual({ states: 2, workloads: 2, ownOps: 2n * E24 });
    const json = JSON.stringify(lineageReportToJson(r));
    expect(json.includes(hex('x'))).toBe(false);
    expect(json.includes(hex('y'))).toBe(false);
    expect(json.includes('run-y')).toBe(false);
  });

  it('ACCOUNTING_INVALID_INPUT: a look-alike report is not rendered', () => {
    const r = accountLineage({ workloads: [] });
    expectCode(() => lineageReportToJson({ ...r }), 'ACCOUNTING_INVALID_INPUT');
  });
});
