/**
 * What lineage accounting (specs/verifier.md §6.2) reads of the disclosed workloads, summed per
 * model state as each chip's workloads are added: a state's own work, its parents, its producers'
 * holders, its workload ids, how many chips and workloads produced it, and what its producers'
 * rates project. Everything the graph and the judgement need is here, so the workloads themselves
 * can be dropped once added: memory grows with the graph (states, their holders and ids), not
 * with the chips (issue 14). accountLineage adds a whole evidence at once; a LineageAccumulator
 * adds one chip at a time.
 */
import type { OpsBound } from './account.js';

/** One checked workload of a chip, its states as dense ids. */
export interface ChipWorkload {
  readonly ops: bigint;
  readonly workloadId: string;
  readonly parents: readonly number[];
  readonly produced: number;
  readonly busyChipSeconds: number | undefined;
}

export class StateSums {
  /** Each state's digest, hex, by id; and the id of each. */
  readonly stateKeys: string[] = [];
  readonly stateIds = new Map<string, number>();
  readonly ownOps: bigint[] = [];
  /** 1 when a disclosed workload produced the state. */
  readonly produced: number[] = [];
  readonly parentSets: (Set<number> | undefined)[] = [];
  /** Holders (as chipHolder names them: `holder:…` or `chip:…`) of the chips that produced the state. */
  readonly producers: (Set<string> | undefined)[] = [];
  readonly workloadIds: (Set<string> | undefined)[] = [];
  readonly chips: number[] = [];
  readonly workloads: number[] = [];
  /**
   * Per state, its producers' projection (§6.2, "Projection"): per chip, its rate on the state
   * times what is left of its licences' window, capped at the notice period. It counts only for a
   * state nothing was built on, which is known at the end.
   */
  readonly projected: bigint[] = [];
  readonly declared = new Map<number, bigint>();
  /** Per holder: the sum of its chips' unaccounted work. */
  readonly holderUnaccounted = new Map<string, OpsBound>();
  /** Distinct workloads added, and repeats of one already added, dropped. */
  workloadCount = 0;
  duplicates = 0;

  constructor(
    readonly now: number,
    readonly noticeSeconds: number,
  ) {}

  get size(): number {
    return this.stateKeys.length;
  }

  /** The id of the state with digest `key` (hex), a new one if unseen. */
  state(key: string): number {
    let id = this.stateIds.get(key);
    if (id === undefined) {
      id = this.stateKeys.length;
      this.stateKeys.push(key);
      this.stateIds.set(key, id);
      this.ownOps.push(0n);
      this.produced.push(0);
      this.parentSets.push(undefined);
      this.producers.push(undefined);
      this.workloadIds.push(undefined);
      this.chips.push(0);
      this.workloads.push(0);
      this.projected.push(0n);
    }
    return id;
  }

  /** A chip's unaccounted work, added to its holder's (a chip listed without workloads adds this only). */
  addUnaccounted(holder: string, unaccounted: OpsBound): void {
    const sum = this.holderUnaccounted.get(holder) ?? 0n;
    this.holderUnaccounted.set(holder, sum === 'unbounded' || unaccounted === 'unbounded' ? 'unbounded' : sum + unaccounted);
  }

  /**
   * Every distinct workload of one chip, all at once (a chip's per-state counts and projection are
   * per chip). `expiry` is the latest expiry of its licences, if the register lists one.
   */
  addChip(holder: string, expiry: number | undefined, workloads: readonly ChipWorkload[]): void {
    const rates = new Map<number, { ops: bigint; busy: number }>();
    const states = new Set<number>();
    for (const w of workloads) {
      const s = w.produced;
      this.ownOps[s]! += w.ops;
      this.produced[s] = 1;
      (this.producers[s] ??= new Set()).add(holder);
      (this.workloadIds[s] ??= new Set()).add(w.workloadId);
      this.workloads[s]!++;
      states.add(s);
      if (w.parents.length > 0) {
        const set = (this.parentSets[s] ??= new Set());
        for (const p of w.parents) set.add(p);
      }
      if (w.busyChipSeconds !== undefined && w.busyChipSeconds !== 0) {
        const r = rates.get(s);
        if (r === undefined) rates.set(s, { ops: w.ops, busy: w.busyChipSeconds });
        else {
          r.ops += w.ops;
          r.busy += w.busyChipSeconds;
        }
      }
    }
    this.workloadCount += workloads.length;
    for (const s of states) this.chips[s]!++;
    if (expiry === undefined) return;
    const horizon = BigInt(Math.min(this.noticeSeconds, Math.max(0, expiry - this.now)));
    for (const [s, { ops, busy }] of rates) this.projected[s]! += (ops * horizon) / BigInt(busy);
  }
}
