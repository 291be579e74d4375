/**
 * Lineage accounting one chip at a time (LineageAccumulator, issue 14): the report is accountLineage's
 * on the same chips and workloads, whatever order the chips come in; a chip added twice, an entry
 * disclosed two ways and a stream without a clock are refused with accountLineage's codes.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { accountLineage, LineageAccumulator, type LineageChip, type LineageWorkload } from '../../src/accounting/index.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { E24, ueid } from './support.js';

const state = (name: string) => sha256(new TextEncoder().encode(`model state ${name}`));
const T = 1_800_000_000;

/** mulberry32: a seeded evidence of `chips` chips over a few lineages, with handovers, declared models, sealed work and projections. */
function evidence(seed: number, chips: number): { chips: LineageChip[]; workloads: LineageWorkload[] } {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const states = Array.from({ length: 12 }, (_, i) => `s${i}`);
  const list: LineageChip[] = [];
  const workloads: LineageWorkload[] = [];
  for (let c = 0; c < chips; c++) {
    const holder = pick(['alpha', 'beta', 'gamma', undefined]);
    const sealed = random() < 0.2 ? BigInt(Math.floor(random() * 9)) * E24 : random() < 0.05 ? 'unbounded' : 0n;
    list.push({ ueid: ueid(c), ...(holder !== undefined ? { holder } : {}), ...(random() < 0.7 ? { licenceExpiry: T + Math.floor(random() * 30 * 86_400) } : {}), unaccountedOps: sealed });
    const n = Math.floor(random() * 4);
    for (let k = 0; k < n; k++) {
      const i = 1 + Math.floor(random() * (states.length - 1));
      const parents = random() < 0.8 ? [state(states[Math.floor(random() * i)]!)] : random() < 0.5 ? [state('open')] : [];
      workloads.push({ ueid: ueid(c), logIndex: k, ops: BigInt(1 + Math.floor(random() * 40)) * E24 / 10n, workloadId: `run-${pick(['x', 'y', 'z'])}`, parents, produced: state(states[i]!), time: T - 100, ...(random() < 0.8 ? { busyChipSeconds: 1 + Math.floor(random() * 1000) } : {}) });
    }
    if (n > 0 && random() < 0.2) workloads.push({ ...workloads.at(-1)! }); // disclosed twice: counted once
  }
  return { chips: list, workloads };
}

const declaredModels = [{ state: state('open'), ops: 3n * E24 }];

function streamed(e: ReturnType<typeof evidence>, order: readonly number[]): LineageAccumulator {
  const acc = new LineageAccumulator({ now: T, declaredModels });
  for (const c of order) {
    const chip = e.chips[c]!;
    acc.addChip(chip, e.workloads.filter((w) => w.ueid === chip.ueid || w.ueid.every((b, i) => b === chip.ueid[i])).map(({ ueid: _, ...w }) => w));
  }
  return acc;
}

describe('lineage accounting one chip at a time', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`gives accountLineage's report and totals (seed ${seed}), in fleet order and reversed`, () => {
      const e = evidence(seed, 60);
      const batch = accountLineage({ ...e, declaredModels }, { now: T });
      expect(batch.models.length).toBeGreaterThan(0); // something is itemised, or the comparison says little
      const order = e.chips.map((_, i) => i);
      const forward = streamed(e, order);
      expect(forward.report()).toEqual(batch);
      expect(forward.chips).toBe(60);
      const reversed = streamed(e, [...order].reverse()).report();
      // Reversed, states are numbered in another order: only which of two equal bases is named could differ.
      expect(reversed.models.map((m) => [m.state, m.flags, m.cumulativeOps, m.modification?.modificationOps])).toEqual(batch.models.map((m) => [m.state, m.flags, m.cumulativeOps, m.modification?.modificationOps]));
      expect(reversed.totals).toEqual(batch.totals);
      expect(reversed.aggregate).toEqual(batch.aggregate);
    });
  }

  it('a chip added twice is ACCOUNTING_INVALID_INPUT', () => {
    const acc = new LineageAccumulator({ now: T });
    acc.addChip({ ueid: ueid(1), holder: 'alpha' }, []);
    expectCode(() => acc.addChip({ ueid: ueid(1), holder: 'alpha' }, []), 'ACCOUNTING_INVALID_INPUT');
  });

  it('one entry disclosed with other operations is LINEAGE_CONFLICTING_ENTRY', () => {
    const acc = new LineageAccumulator({ now: T });
    const w = { logIndex: 4, ops: E24, workloadId: 'run', parents: [], produced: state('a'), time: T };
    expectCode(() => acc.addChip({ ueid: ueid(1) }, [w, { ...w, ops: 2n * E24 }]), 'LINEAGE_CONFLICTING_ENTRY');
  });

  it('a stream without a clock is ACCOUNTING_INVALID_INPUT', () => {
    expectCode(() => new LineageAccumulator({} as { now: number }), 'ACCOUNTING_INVALID_INPUT');
  });
});
