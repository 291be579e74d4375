/**
 * The graph of model states (specs/verifier.md §6.2, "Graph"): a node per state, an edge from each
 * parent a disclosed workload names to the state it produced. A state's own work is the work of
 * every workload that produced it, on whatever chip and under whatever workload id; its cumulative
 * work adds every ancestor's own work once, however many paths lead to the ancestor.
 *
 * Pure and linear in the graph except at merges: a state with one parent adds its parent's
 * cumulative work (their ancestries are disjoint by construction); a state with several walks its
 * ancestry once, with an epoch-stamped visited array, so that an ancestor reached twice counts once.
 */
import { HemkitError } from '@hemkit/wire/errors';
import type { StateSums } from './lineage-sums.js';

const NONE: readonly number[] = Object.freeze([]);

export interface LineageGraph {
  readonly size: number;
  /** Parents of each state, distinct, ascending. */
  readonly parents: readonly (readonly number[])[];
  readonly children: readonly (readonly number[])[];
  readonly ownOps: readonly bigint[];
  readonly cumulativeOps: readonly bigint[];
  /** No disclosed workload produced the state and no declared model gives its compute. */
  readonly missing: Uint8Array;
  /** How many missing states are among each state's ancestors. */
  readonly missingAncestors: Int32Array;
  /** Holders the register names of the chips that produced each state. */
  readonly holders: readonly ReadonlySet<string>[];
  /** Holders with unaccounted work among the producers of the state and of its ancestors. */
  readonly lineageHolders: readonly ReadonlySet<string>[];
  /** The base model with the least cumulative work among the state's base ancestors (§6.2, "Modification"). */
  readonly base: Int32Array;
  /** Topological order: every parent before its children. */
  readonly order: Int32Array;
}

export function buildLineageGraph(input: StateSums): LineageGraph {
  const n = input.size;
  const ownOps: bigint[] = input.ownOps.slice();
  const produced = input.produced;
  const parentSets = input.parentSets;
  // Two holder sets per state, kept small: the holders the register names (for handovers), and the
  // holders with unaccounted work (for bounds). A chip of neither kind adds to neither.
  const holders: (Set<string> | undefined)[] = new Array(n);
  const bounded: (Set<string> | undefined)[] = new Array(n);
  for (let s = 0; s < n; s++) {
    const producers = input.producers[s];
    if (producers === undefined) continue;
    for (const holder of producers) {
      if (holder.startsWith('holder:')) (holders[s] ??= new Set()).add(holder);
      const u = input.holderUnaccounted.get(holder);
      if (u !== undefined && u !== 0n) (bounded[s] ??= new Set()).add(holder);
    }
  }
  // A declared model's figure is its provider's statement; disclosed work on the same state can only
  // add evidence, so the larger of the two is kept (never a lower total).
  for (const [id, ops] of input.declared) if (ops > ownOps[id]!) ownOps[id] = ops;

  const parents: (readonly number[])[] = new Array(n);
  const childLists: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const set = parentSets[s];
    parents[s] = set === undefined ? NONE : [...set].sort((a, b) => a - b);
    indegree[s] = parents[s]!.length;
    for (const p of parents[s]!) childLists[p]!.push(s);
  }
  const order = topologicalOrder(n, indegree, childLists, parents, input.stateKeys);

  const missing = new Uint8Array(n);
  for (let s = 0; s < n; s++) missing[s] = produced[s] === 0 && !input.declared.has(s) ? 1 : 0;

  const cumulativeOps: bigint[] = new Array<bigint>(n).fill(0n);
  const missingAncestors = new Int32Array(n);
  const lineageHolders: ReadonlySet<string>[] = new Array(n);
  const base = new Int32Array(n).fill(-1);
  const stamp = new Int32Array(n);
  let epoch = 0;
  const stack: number[] = [];
  const empty: ReadonlySet<string> = new Set();
  for (let k = 0; k < n; k++) {
    const s = order[k]!;
    const ps = parents[s]!;
    const own = holders[s] ?? empty;
    const ownBounded = bounded[s] ?? empty;
    if (ps.length === 1) {
      const p = ps[0]!;
      cumulativeOps[s] = ownOps[s]! + cumulativeOps[p]!;
      missingAncestors[s] = missingAncestors[p]! + missing[p]!;
    } else if (ps.length > 1) {
      // A merge: walk the ancestry once, each ancestor counted once (diamonds rejoin here).
      epoch++;
      let sum = ownOps[s]!;
      let missed = 0;
      for (const p of ps) {
        stamp[p] = epoch;
        stack.push(p);
      }
      while (stack.length > 0) {
        const a = stack.pop()!;
        sum += ownOps[a]!;
        missed += missing[a]!;
        for (const q of parents[a]!) {
          if (stamp[q] !== epoch) {
            stamp[q] = epoch;
            stack.push(q);
          }
        }
      }
      cumulativeOps[s] = sum;
      missingAncestors[s] = missed;
    } else {
      cumulativeOps[s] = ownOps[s]!;
    }
    lineageHolders[s] = unionHolders(ownBounded, ps.map((p) => lineageHolders[p]!), empty);
    base[s] = baseOf(ps, own, holders, missing, input.declared, cumulativeOps, base);
  }
  return {
    size: n,
    parents,
    children: childLists,
    ownOps,
    cumulativeOps,
    missing,
    missingAncestors,
    holders: holders.map((h) => h ?? empty),
    lineageHolders,
    base,
    order,
  };
}

/** Kahn's algorithm; the states it cannot order lie on or below a cycle, which is refused. */
function topologicalOrder(n: number, indegree: Int32Array, children: readonly (readonly number[])[], parents: readonly (readonly number[])[], keys: readonly string[]): Int32Array {
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let s = 0; s < n; s++) if (indegree[s] === 0) order[tail++] = s;
  while (head < tail) {
    const s = order[head++]!;
    for (const c of children[s]!) if (--indegree[c]! === 0) order[tail++] = c;
  }
  if (tail < n) {
    const cycle = findCycle(indegree, parents);
    throw new HemkitError(
      'LINEAGE_CYCLE',
      `the model states form a cycle (${cycle.map((s) => keys[s]!.slice(0, 16)).join(' → ')}): a state cannot descend from itself; ${n - tail} state(s) cannot be ordered`,
    );
  }
  return order;
}

/** Following unordered parents from an unordered state must return to a state already seen. */
function findCycle(indegree: Int32Array, parents: readonly (readonly number[])[]): number[] {
  let s = indegree.findIndex((d) => d > 0);
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  while (!seenAt.has(s)) {
    seenAt.set(s, path.length);
    path.push(s);
    s = parents[s]!.find((p) => indegree[p]! > 0)!;
  }
  return [...path.slice(seenAt.get(s)!), s].reverse();
}

function unionHolders(own: ReadonlySet<string>, inherited: readonly ReadonlySet<string>[], empty: ReadonlySet<string>): ReadonlySet<string> {
  // Most states continue one lineage: share a parent's set rather than copy it when it holds the rest.
  const widest = inherited.reduce<ReadonlySet<string>>((a, b) => (b.size > a.size ? b : a), empty);
  const covers = (set: ReadonlySet<string>) => set.size === 0 || [...set].every((h) => widest.has(h));
  if (covers(own) && inherited.every((set) => set === widest || covers(set))) return widest;
  if (inherited.length === 0) return own;
  const out = new Set(own);
  for (const set of inherited) for (const h of set) out.add(h);
  return out;
}

/**
 * Another holder's model: both sides have holders the register names, and they share none. A chip
 * the register gives no holder is nobody's in particular, so an edge it is on is no handover: a
 * pipeline of one operator's chips must not read as one chip modifying another's model.
 */
function handedOver(parent: ReadonlySet<string> | undefined, child: ReadonlySet<string>): boolean {
  const named = (set: ReadonlySet<string>) => [...set].filter((h) => h.startsWith('holder:'));
  const p = named(parent ?? new Set());
  const c = named(child);
  return p.length > 0 && c.length > 0 && !p.some((h) => c.includes(h));
}

/**
 * A parent is a base model for its child when it was handed over (another holder's model,
 * modified) or when it is a declared model from outside the evidence. The base kept
 * is the one with the least cumulative work, inherited down the lineage: the modification measured
 * against it is the largest (§6.2, "Modification").
 */
function baseOf(
  ps: readonly number[],
  own: ReadonlySet<string>,
  holders: readonly (Set<string> | undefined)[],
  missing: Uint8Array,
  declared: ReadonlyMap<number, bigint>,
  cumulative: readonly bigint[],
  base: Int32Array,
): number {
  let best = -1;
  const consider = (b: number) => {
    if (b >= 0 && (best < 0 || cumulative[b]! < cumulative[best]!)) best = b;
  };
  for (const p of ps) {
    consider(base[p]!);
    if (missing[p] === 1) continue; // unknown compute: no fraction of it can be stood behind
    if (declared.has(p) || handedOver(holders[p], own)) consider(p);
  }
  return best;
}
