/**
 * The verifier's promise, as invariants checked after every appraisal against the ground truth the
 * model holds (every log any instance ever had):
 *
 *  1. consistent history: the checkpoints remembered of a chip are prefix roots of one real log.
 *  2. counters covered: an affirmed report's counters equal the workload-finished entries of the
 *     log prefix the verifier now vouches for (its remembered head), and every entry of that prefix
 *     was disclosed to this verifier's store in an affirmed bundle.
 *  3. forward only: remembered counters, boot count and largest size never decrease; no remembered
 *     (size, root) is dropped or changed.
 *  4. a refusal changes nothing remembered.
 *  5. quota: in the prefix an affirmed chip is vouched for, no licence has more operations than its
 *     quota, nor more memory transfer than its memory-transfer quota; the affirmed report's memory
 *     counter and remaining memory-transfer quota are the ones that prefix logs.
 *  6. minimum SVN: in that prefix, every licence that requires a firmware SVN was installed, and ran
 *     work, while the SVN in force (its boot and firmware-updated entries) met it.
 *  7. issuers: in that prefix, every licence was installed while the issuer set in force (its
 *     issuers-updated entries) was the set of the issuers who signed it.
 */
import { decode } from '@hemkit/wire/cbor';
import { EVENT, logEntry } from '@hemkit/wire/messages';
import type { MemoryLogStore } from '../../../module/src/index.js';
import type { VerifierStore } from '../../src/store/index.js';
import { rememberedHead, rememberedHeads, type Head, type ReportFacts } from './format.js';
import { hex, ISSUER_SETS, type ChipIdentity, type Issuers } from './world.js';
import { bytesEqual } from '@hemkit/wire/bytes';

export const INVARIANTS = {
  1: 'remembered checkpoints form one consistent history',
  2: 'affirmed counters are covered entry by entry by the accepted history',
  3: 'what the verifier remembers only moves forward',
  4: 'a refused bundle changes nothing remembered',
  5: 'no licence affirmed beyond its quota',
  6: 'no licence affirmed installed or used below its minimum SVN',
  7: 'no licence affirmed installed under an issuer set that did not sign it',
} as const;
export type InvariantId = keyof typeof INVARIANTS;

export class Violation extends Error {
  constructor(
    readonly invariant: InvariantId,
    readonly detail: string,
  ) {
    super(`invariant ${invariant} (${INVARIANTS[invariant]}): ${detail}`);
  }
}

/** One log as it exists or existed: an instance's, until the instance was restored over. */
export interface History {
  readonly label: string;
  readonly chip: ChipIdentity;
  readonly log: MemoryLogStore;
}


export function holds(h: History, head: Head): boolean {
  return head.treeSize <= h.log.size && bytesEqual(h.log.root(head.treeSize), head.rootHash);
}

/** `A@5`, or `A@5=C@5` when clones share the prefix, or `?@5` for a root no log ever had. */
export function nameHead(histories: readonly History[], chip: ChipIdentity, head: Head): string {
  const labels = histories.filter((h) => h.chip === chip && holds(h, head)).map((h) => `${h.label}@${head.treeSize}`);
  return labels.length ? labels.join('=') : `?@${head.treeSize}(${hex(head.rootHash).slice(0, 8)})`;
}

/** What a store remembers of one chip, in a form that compares by value. */
export interface Remembered {
  readonly bootcount: number;
  readonly totalOps: bigint;
  readonly workloadsRun: number;
  readonly lastAppraisedAt: number;
  readonly checkpoints: readonly { readonly treeSize: number; readonly root: string; readonly issuedAt: number; readonly totalOps: bigint }[];
}

export function remember(store: VerifierStore, chips: readonly ChipIdentity[]): Map<ChipIdentity, Remembered | undefined> {
  return new Map(
    chips.map((chip) => {
      const m = store.getChip(chip.ueid);
      const r: Remembered | undefined =
        m === undefined
          ? undefined
          : {
              bootcount: m.bootcount,
              totalOps: m.totalOps,
              workloadsRun: m.workloadsRun,
              lastAppraisedAt: m.lastAppraisedAt,
              checkpoints: m.checkpoints.map((c) => ({ treeSize: c.treeSize, root: hex(c.rootHash), issuedAt: c.issuedAt, totalOps: c.totalOps })),
            };
      return [chip, r];
    }),
  );
}

const show = (r: Remembered | undefined) =>
  r === undefined
    ? 'nothing'
    : `boot ${r.bootcount}, ops ${r.totalOps}, workloads ${r.workloadsRun}, at ${r.lastAppraisedAt}, checkpoints [${r.checkpoints.map((c) => `${c.treeSize}:${c.root.slice(0, 8)}`).join(', ')}]`;

/** 1. There is one real log whose prefix roots are all the remembered checkpoints. */
export function checkConsistentHistory(histories: readonly History[], chip: ChipIdentity, store: VerifierStore): void {
  const heads = rememberedHeads(store.getChip(chip.ueid));
  if (heads.length === 0) return;
  const mine = histories.filter((h) => h.chip === chip);
  if (mine.some((h) => heads.every((c) => holds(h, c)))) return;
  throw new Violation(1, `${chip.name}: the verifier remembers [${heads.map((c) => nameHead(histories, chip, c)).join(', ')}]; no single log has all of them`);
}

interface Tally {
  readonly totalOps: bigint;
  readonly workloadsRun: number;
  /** Operations under each licence id (hex): each finished workload counts under the licence installed last before it. */
  readonly byLicence: ReadonlyMap<string, bigint>;
  /** Memory bytes logged in all, and under each licence id as operations are. */
  readonly memoryBytes: bigint;
  readonly memoryByLicence: ReadonlyMap<string, bigint>;
  /** Each licence installation and workload start, with the SVN and issuer set in force then. */
  readonly installed: readonly { readonly index: number; readonly licence: string; readonly svn: number; readonly issuers: Issuers }[];
  readonly started: readonly { readonly index: number; readonly licence: string; readonly svn: number }[];
}

function tally(log: MemoryLogStore, size: number): Tally {
  let totalOps = 0n;
  let workloadsRun = 0;
  let memoryBytes = 0n;
  let licence: string | undefined;
  let svn = 0;
  let issuers: Issuers = 'provisioned';
  const byLicence = new Map<string, bigint>();
  const memoryByLicence = new Map<string, bigint>();
  const installed: { index: number; licence: string; svn: number; issuers: Issuers }[] = [];
  const started: { index: number; licence: string; svn: number }[] = [];
  for (let i = 0; i < size; i++) {
    const e = logEntry.parse(decode(log.entry(i)), 'log-entry');
    if (e.kind === EVENT.boot || e.kind === EVENT.firmwareUpdated) svn = e.details.svn;
    if (e.kind === EVENT.issuersUpdated) issuers = ISSUER_SETS[e.details.issuerSetSequence]?.issuers ?? issuers;
    if (e.kind === EVENT.licenceInstalled) {
      licence = hex(e.details.licenceId);
      installed.push({ index: i, licence, svn, issuers });
    }
    if (e.kind === EVENT.workloadStarted && licence !== undefined) started.push({ index: i, licence, svn });
    if (e.kind === EVENT.workloadFinished) {
      totalOps += e.details.ops;
      workloadsRun++;
      const key = licence ?? '(none)';
      byLicence.set(key, (byLicence.get(key) ?? 0n) + e.details.ops);
    }
    if (e.kind === EVENT.memoryTransferred) {
      memoryBytes += e.details.memoryBytes;
      const key = licence ?? '(none)';
      memoryByLicence.set(key, (memoryByLicence.get(key) ?? 0n) + e.details.memoryBytes);
    }
  }
  return { totalOps, workloadsRun, byLicence, memoryBytes, memoryByLicence, installed, started };
}

/** The log prefix the verifier vouches for once it affirmed: its remembered head, or the empty log. */
function vouched(histories: readonly History[], chip: ChipIdentity, store: VerifierStore): { head: Head | undefined; history: History | undefined; name: string } {
  const head = rememberedHead(store.getChip(chip.ueid));
  if (head === undefined) return { head, history: undefined, name: 'the empty log (no checkpoint remembered)' };
  const history = histories.find((h) => h.chip === chip && holds(h, head));
  return { head, history, name: nameHead(histories, chip, head) };
}

/**
 * 2. The affirmed report's counters are exactly the finished workloads of the vouched-for prefix,
 * and each entry of that prefix was disclosed (in an affirmed bundle) to this store.
 */
export function checkCountersCovered(
  histories: readonly History[],
  chip: ChipIdentity,
  store: VerifierStore,
  report: ReportFacts,
  disclosed: ReadonlyMap<number, ReadonlySet<string>>,
): void {
  const { head, history, name } = vouched(histories, chip, store);
  if (head !== undefined && history === undefined) throw new Violation(2, `${chip.name}: the verifier vouches for ${name}, a root no log ever had`);
  const t = history === undefined ? { totalOps: 0n, workloadsRun: 0, memoryBytes: 0n } : tally(history.log, head!.treeSize);
  if (t.totalOps !== report.totalOps || t.workloadsRun !== report.workloadsRun || t.memoryBytes !== report.memoryBytes) {
    throw new Violation(
      2,
      `${chip.name}: affirmed a report of ${report.totalOps} ops in ${report.workloadsRun} workloads moving ${report.memoryBytes} bytes; the history it vouches for, ${name}, logs ${t.totalOps} ops in ${t.workloadsRun} moving ${t.memoryBytes}`,
    );
  }
  if (history === undefined) return;
  const hidden: number[] = [];
  for (let i = 0; i < head!.treeSize; i++) if (!disclosed.get(i)?.has(hex(history.log.entry(i)))) hidden.push(i);
  if (hidden.length > 0) {
    throw new Violation(2, `${chip.name}: vouches for ${name}, but entries [${hidden.join(', ')}] of it were never disclosed to this verifier's store`);
  }
}

/** 3. Forward only. */
export function checkForwardOnly(chip: ChipIdentity, before: Remembered | undefined, after: Remembered | undefined): void {
  if (before === undefined) return;
  const fail = (what: string) => {
    throw new Violation(3, `${chip.name}: ${what}; before: ${show(before)}; after: ${show(after)}`);
  };
  if (after === undefined) return fail('the chip was forgotten');
  if (after.bootcount < before.bootcount) fail('the boot count went down');
  if (after.totalOps < before.totalOps) fail('total operations went down');
  if (after.workloadsRun < before.workloadsRun) fail('workloads run went down');
  const largest = (r: Remembered) => Math.max(0, ...r.checkpoints.map((c) => c.treeSize));
  if (largest(after) < largest(before)) fail('the largest remembered tree size went down');
  for (const c of before.checkpoints) {
    const now = after.checkpoints.find((x) => x.treeSize === c.treeSize);
    if (now === undefined) fail(`the checkpoint of size ${c.treeSize} was dropped`);
    if (now!.root !== c.root) fail(`the root remembered at size ${c.treeSize} was replaced`);
  }
}

const sameRemembered = (a: Remembered | undefined, b: Remembered | undefined) =>
  JSON.stringify(a, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)) === JSON.stringify(b, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));

/** 4. A contraindicated appraisal leaves every chip's memory as it was. */
export function checkRefusalInert(chip: ChipIdentity, before: Remembered | undefined, after: Remembered | undefined): void {
  if (!sameRemembered(before, after)) throw new Violation(4, `${chip.name}: a refused bundle changed memory from ${show(before)} to ${show(after)}`);
}

type Licences = ReadonlyMap<string, { readonly name: string; readonly quota: bigint; readonly memoryQuota: bigint | undefined; readonly minimumSvn: number | undefined; readonly issuers: Issuers }>;

/**
 * 5. Within the vouched-for prefix, each licence's operations and memory transfer are within its
 * quotas, and the report's remaining memory-transfer quota is the named licence's quota less them.
 */
export function checkQuota(histories: readonly History[], chip: ChipIdentity, store: VerifierStore, licences: Licences, report?: ReportFacts): void {
  const { head, history, name } = vouched(histories, chip, store);
  if (history === undefined) return; // invariant 2 speaks for a root no log had
  const t = tally(history.log, head!.treeSize);
  for (const [licence, used] of t.byLicence) {
    const issued = licences.get(licence);
    const quota = issued?.quota ?? 0n;
    if (used > quota) throw new Violation(5, `${chip.name}: affirmed with ${name}, which logs ${used} ops under licence ${issued?.name ?? licence} of quota ${quota}`);
  }
  for (const [licence, used] of t.memoryByLicence) {
    const issued = licences.get(licence);
    const quota = issued === undefined ? 0n : issued.memoryQuota;
    if (quota !== undefined && used > quota) throw new Violation(5, `${chip.name}: affirmed with ${name}, which logs ${used} bytes of memory transfer under licence ${issued?.name ?? licence} of memory-transfer quota ${quota}`);
  }
  const named = report?.licenceId === undefined ? undefined : hex(report.licenceId);
  const issued = named === undefined ? undefined : licences.get(named);
  if (report !== undefined && issued?.memoryQuota !== undefined && report.remainingMemoryQuota !== issued.memoryQuota - (t.memoryByLicence.get(named!) ?? 0n)) {
    throw new Violation(5, `${chip.name}: affirmed a report of ${String(report.remainingMemoryQuota)} bytes remaining under ${issued.name}; ${name} logs ${t.memoryByLicence.get(named!) ?? 0n} of its ${issued.memoryQuota}`);
  }
}

/** 6. Within the vouched-for prefix, licences that require an SVN were installed and used at it or above. */
export function checkMinimumSvn(histories: readonly History[], chip: ChipIdentity, store: VerifierStore, licences: Licences): void {
  const { head, history, name } = vouched(histories, chip, store);
  if (history === undefined) return;
  const t = tally(history.log, head!.treeSize);
  for (const x of [...t.installed, ...t.started]) {
    const issued = licences.get(x.licence);
    if (issued?.minimumSvn !== undefined && x.svn < issued.minimumSvn) {
      throw new Violation(6, `${chip.name}: affirmed with ${name}, whose entry ${x.index} ${'issuers' in x ? 'installs' : 'starts work under'} ${issued.name} (minimum SVN ${issued.minimumSvn}) at SVN ${x.svn}`);
    }
  }
}

/** 7. Within the vouched-for prefix, every licence was installed under the issuers who signed it. */
export function checkIssuers(histories: readonly History[], chip: ChipIdentity, store: VerifierStore, licences: Licences): void {
  const { head, history, name } = vouched(histories, chip, store);
  if (history === undefined) return;
  for (const x of tally(history.log, head!.treeSize).installed) {
    const issued = licences.get(x.licence);
    if (issued !== undefined && issued.issuers !== x.issuers) {
      throw new Violation(7, `${chip.name}: affirmed with ${name}, whose entry ${x.index} installs ${issued.name}, signed by the ${issued.issuers} issuers, while the ${x.issuers} issuers were in force`);
    }
  }
}
