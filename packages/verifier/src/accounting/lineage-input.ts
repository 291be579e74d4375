/**
 * The input of lineage accounting (specs/verifier.md §6.2), checked once before any arithmetic: a
 * malformed field is ACCOUNTING_INVALID_INPUT naming it. What comes out is indexed for the graph:
 * every model state a dense integer, every chip its holder.
 */
import { toHex } from '@hemkit/wire/bytes';
import { HemkitError } from '@hemkit/wire/errors';
import { checkCount, checkList, checkRecord, checkText, invalid } from './input-errors.js';
import type { OpsBound } from './account.js';
import { checkUeid, ueidHex } from './ueid.js';

/** One disclosed workload that produced a model state: a workload-finished-lineage entry, opened. */
export interface LineageWorkload {
  readonly ueid: Uint8Array;
  /** Index of its workload-finished-lineage entry in the chip's log. */
  readonly logIndex: number;
  readonly ops: bigint;
  /** The run's workload id, from the opened descriptor: reported, never used to group work. */
  readonly workloadId: string;
  /** Digests (32 bytes) of the states it started from, as opened. */
  readonly parents: readonly Uint8Array[];
  /** Digest (32 bytes) of the state it produced. */
  readonly produced: Uint8Array;
  /** The entry's time (epoch seconds). */
  readonly time: number;
  /** Busy chip-seconds the entry records; a workload without them adds nothing to a projection. */
  readonly busyChipSeconds?: number;
}

/** What the verifier knows of a chip beyond its disclosed workloads. */
export interface LineageChip {
  readonly ueid: Uint8Array;
  /** Who holds the chip (the licence register's licensee); a chip without one is its own holder. */
  readonly holder?: string;
  /** The latest expiry (epoch seconds) among the chip's licences: the end of the window it may run in. */
  readonly licenceExpiry?: number;
  /**
   * The chip's work no disclosed lineage workload accounts for: its sealed work when its evidence
   * was affirmed, its licences' quotas when it handed in none, `unbounded` when nothing bounds it.
   */
  readonly unaccountedOps?: OpsBound;
}

/** A model state produced outside the evidence, with the compute its provider declares for it. */
export interface DeclaredModel {
  readonly state: Uint8Array;
  readonly ops: bigint;
}

export interface LineageEvidence {
  readonly workloads: readonly LineageWorkload[];
  readonly chips?: readonly LineageChip[];
  readonly declaredModels?: readonly DeclaredModel[];
}

export const STATE_DIGEST_LENGTH = 32;

/** The checked input: states interned as dense ids (`stateKeys[id]` is the digest's hex). */
export interface CheckedLineage {
  readonly stateKeys: string[];
  readonly stateIds: Map<string, number>;
  /** Distinct workloads, each once. */
  readonly workloads: readonly IndexedWorkload[];
  /** Repeats of a workload already given, dropped. */
  readonly duplicates: number;
  readonly declared: Map<number, bigint>;
  /** Per holder: the sum of its chips' unaccounted work. */
  readonly holderUnaccounted: Map<string, OpsBound>;
  readonly chipHolder: Map<string, string>;
  readonly chipExpiry: Map<string, number>;
}

export interface IndexedWorkload {
  /** Its position in the input's `workloads`. */
  readonly index: number;
  readonly chip: string;
  readonly logIndex: number;
  readonly ops: bigint;
  readonly workloadId: string;
  readonly parents: readonly number[];
  readonly produced: number;
  readonly time: number;
  readonly busyChipSeconds: number | undefined;
}

export function checkLineageEvidence(value: unknown): CheckedLineage {
  const evidence = checkRecord(value, 'evidence');
  const stateKeys: string[] = [];
  const stateIds = new Map<string, number>();
  // Callers usually hand the same array for one state (or chip, or parent list) to many workloads:
  // those are read once, by identity, which keeps a million workloads from a million hex strings.
  const byArray = new Map<Uint8Array, number>();
  const intern = (v: unknown, path: () => string): number => {
    if (v instanceof Uint8Array) {
      const known = byArray.get(v);
      if (known !== undefined && v.length === STATE_DIGEST_LENGTH) return known;
    }
    if (!(v instanceof Uint8Array) || v.length !== STATE_DIGEST_LENGTH) throw invalid(path(), `a model-state digest (Uint8Array of ${STATE_DIGEST_LENGTH} bytes)`, v);
    const key = toHex(v);
    let id = stateIds.get(key);
    if (id === undefined) {
      id = stateKeys.length;
      stateKeys.push(key);
      stateIds.set(key, id);
    }
    byArray.set(v, id);
    return id;
  };
  const chipKeys = new Map<Uint8Array, string>();
  const chipOf = (v: unknown, path: () => string): string => {
    const known = v instanceof Uint8Array ? chipKeys.get(v) : undefined;
    if (known !== undefined && (v as Uint8Array).length === known.length / 2) return known;
    const key = ueidHex(checkUeid(v, path()));
    chipKeys.set(v as Uint8Array, key);
    return key;
  };
  const parentLists = new Map<unknown, readonly number[]>();

  const byEntry = new Map<string, Map<number, IndexedWorkload>>();
  const workloads: IndexedWorkload[] = [];
  let duplicates = 0;
  const list = checkList(evidence['workloads'], 'workloads');
  for (let i = 0; i < list.length; i++) {
    const w = checkWorkload(list[i], i, intern, chipOf, parentLists);
    let entries = byEntry.get(w.chip);
    if (entries === undefined) byEntry.set(w.chip, (entries = new Map()));
    const earlier = entries.get(w.logIndex);
    if (earlier === undefined) {
      entries.set(w.logIndex, w);
      workloads.push(w);
    } else if (sameWorkload(earlier, w)) {
      duplicates++; // the same entry disclosed again (another bundle of the chip): counted once
    } else {
      throw new HemkitError(
        'LINEAGE_CONFLICTING_ENTRY',
        `${pathOf(w)}: log entry ${w.logIndex} of chip ${w.chip} is disclosed with other operations, states or workload id than at ${pathOf(earlier)}`,
      );
    }
  }

  const chipHolder = new Map<string, string>();
  const chipExpiry = new Map<string, number>();
  const holderUnaccounted = new Map<string, OpsBound>();
  const chips = evidence['chips'] === undefined ? [] : checkList(evidence['chips'], 'chips');
  for (let i = 0; i < chips.length; i++) {
    const path = `chips[${i}]`;
    const c = checkRecord(chips[i], path);
    const key = ueidHex(checkUeid(c['ueid'], `${path}.ueid`));
    if (chipHolder.has(key)) throw new HemkitError('ACCOUNTING_INVALID_INPUT', `${path}.ueid: chip ${key} is listed twice`);
    const holder = c['holder'] === undefined ? `chip:${key}` : `holder:${checkText(c['holder'], `${path}.holder`)}`;
    chipHolder.set(key, holder);
    if (c['licenceExpiry'] !== undefined) chipExpiry.set(key, checkTime(c['licenceExpiry'], `${path}.licenceExpiry`));
    const u = c['unaccountedOps'];
    const unaccounted: OpsBound = u === undefined ? 0n : u === 'unbounded' ? 'unbounded' : checkCount(u, `${path}.unaccountedOps`);
    const sum = holderUnaccounted.get(holder) ?? 0n;
    holderUnaccounted.set(holder, sum === 'unbounded' || unaccounted === 'unbounded' ? 'unbounded' : sum + unaccounted);
  }

  const declared = new Map<number, bigint>();
  const models = evidence['declaredModels'] === undefined ? [] : checkList(evidence['declaredModels'], 'declaredModels');
  for (let i = 0; i < models.length; i++) {
    const m = checkRecord(models[i], `declaredModels[${i}]`);
    const id = intern(m['state'], () => `declaredModels[${i}].state`);
    const ops = checkCount(m['ops'], `declaredModels[${i}].ops`);
    const earlier = declared.get(id);
    if (earlier !== undefined && earlier !== ops) {
      throw new HemkitError('LINEAGE_CONFLICTING_ENTRY', `declaredModels[${i}]: model state ${stateKeys[id]} is declared with ${ops} operations and with ${earlier}`);
    }
    declared.set(id, ops);
  }
  return { stateKeys, stateIds, workloads, duplicates, declared, holderUnaccounted, chipHolder, chipExpiry };
}

function checkWorkload(
  value: unknown,
  i: number,
  intern: (v: unknown, path: () => string) => number,
  chipOf: (v: unknown, path: () => string) => string,
  parentLists: Map<unknown, readonly number[]>,
): IndexedWorkload {
  const path = `workloads[${i}]`;
  const w = checkRecord(value, path);
  const chip = chipOf(w['ueid'], () => `${path}.ueid`);
  const logIndex = w['logIndex'];
  if (typeof logIndex !== 'number' || !Number.isSafeInteger(logIndex) || logIndex < 0) throw invalid(`${path}.logIndex`, 'a non-negative integer', logIndex);
  const given = w['parents'];
  let parents = parentLists.get(given);
  if (parents === undefined) {
    parents = checkList(given, `${path}.parents`).map((p, j) => intern(p, () => `${path}.parents[${j}]`));
    if (Array.isArray(given)) parentLists.set(given, parents);
  }
  const busy = w['busyChipSeconds'];
  if (busy !== undefined && (typeof busy !== 'number' || !Number.isSafeInteger(busy) || busy < 0)) throw invalid(`${path}.busyChipSeconds`, 'a non-negative integer', busy);
  const workloadId = w['workloadId'];
  return {
    index: i,
    chip,
    logIndex,
    ops: checkCount(w['ops'], `${path}.ops`),
    workloadId: typeof workloadId === 'string' ? workloadId : checkText(workloadId, `${path}.workloadId`),
    parents,
    produced: intern(w['produced'], () => `${path}.produced`),
    time: checkTime(w['time'], `${path}.time`),
    busyChipSeconds: busy,
  };
}

/** Where a workload was given, for messages: paths are built only when one is needed. */
export function pathOf(w: IndexedWorkload): string {
  return `workloads[${w.index}]`;
}

function checkTime(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(path, 'epoch seconds (a non-negative integer)', value);
  return value;
}

function sameWorkload(a: IndexedWorkload, b: IndexedWorkload): boolean {
  return (
    a.ops === b.ops &&
    a.produced === b.produced &&
    a.workloadId === b.workloadId &&
    a.time === b.time &&
    a.busyChipSeconds === b.busyChipSeconds &&
    a.parents.length === b.parents.length &&
    a.parents.every((p, i) => p === b.parents[i])
  );
}
