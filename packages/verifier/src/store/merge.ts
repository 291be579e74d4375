/**
 * The rules both stores share (specs/verifier.md §4): which inputs can be recorded exactly, and how
 * an affirming appraisal's update merges into the memory of a chip. Kept pure and in one place so that
 * the SQLite store and the in-memory baseline cannot drift apart.
 */
import { HemkitError } from '@hemkit/wire/errors';
import type { ChipMemory, ChipUpdate, RememberedIssuerSet, SeenCheckpoint } from './types.js';
import { bytesEqual } from '@hemkit/wire/bytes';

/** Counters are CBOR `counter`s: at most 2^128-1 (specs/cddl/hemkit.cddl). */
export const MAX_COUNTER = (1n << 128n) - 1n;

/** The counters of a chip after merging an update: each the maximum of old and new, so never lowered. */
export interface MergedCounters {
  readonly bootcount: number;
  readonly totalOps: bigint;
  readonly workloadsRun: number;
  readonly lastAppraisedAt: number;
}

function invalid(message: string): never {
  throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', message);
}

function checkCount(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    invalid(`"${name}" expected a non-negative safe integer, got ${String(value)}`);
  }
}

function checkCounter(name: string, value: unknown): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_COUNTER) {
    invalid(`"${name}" expected a bigint in [0, 2^128-1], got ${String(value)}`);
  }
}

function checkBytes(name: string, value: unknown): void {
  if (!(value instanceof Uint8Array) || value.length === 0) invalid(`"${name}" expected a non-empty Uint8Array`);
}

export function checkUeid(ueid: Uint8Array): void {
  checkBytes('ueid', ueid);
}

export function checkNonce(nonce: Uint8Array, expiresAt: number): void {
  checkBytes('nonce', nonce);
  checkCount('expiresAt', expiresAt);
}

function checkCheckpoint(name: string, c: SeenCheckpoint): void {
  checkCount(`${name}.treeSize`, c.treeSize);
  checkBytes(`${name}.rootHash`, c.rootHash);
  checkCount(`${name}.issuedAt`, c.issuedAt);
  checkCounter(`${name}.totalOps`, c.totalOps);
}

/**
 * Refuses what the store could not record exactly or that names another chip. Two checkpoints of one
 * size with different roots in a single update are refused too: keeping whichever came first would make
 * the stored root depend on the order of the list.
 */
export function checkUpdate(ueid: Uint8Array, update: ChipUpdate): void {
  checkBytes('update.ueid', update.ueid);
  if (!bytesEqual(ueid, update.ueid)) invalid('"update.ueid" differs from the UEID of the chip being appraised');
  checkCount('update.bootcount', update.bootcount);
  checkCounter('update.totalOps', update.totalOps);
  checkCount('update.workloadsRun', update.workloadsRun);
  checkCount('update.appraisedAt', update.appraisedAt);
  for (const [id, used] of update.licenceUsage) {
    if (!/^([0-9a-f]{2}){1,64}$/.test(id)) invalid(`"update.licenceUsage" has a key that is not a lowercase hex licence id: ${id}`);
    checkCounter(`update.licenceUsage[${id}]`, used);
  }
  if (update.activeLicence !== undefined && !/^([0-9a-f]{2}){1,64}$/.test(update.activeLicence)) {
    invalid(`"update.activeLicence" is not a lowercase hex licence id: ${update.activeLicence}`);
  }
  if (update.svn !== undefined) checkCount('update.svn', update.svn);
  if (update.issuerSet !== undefined) checkIssuerSet(update.issuerSet);
  if (update.memoryBytes !== undefined) checkCounter('update.memoryBytes', update.memoryBytes);
  for (const [id, used] of update.licenceMemoryUsage ?? []) {
    if (!/^([0-9a-f]{2}){1,64}$/.test(id)) invalid(`"update.licenceMemoryUsage" has a key that is not a lowercase hex licence id: ${id}`);
    checkCounter(`update.licenceMemoryUsage[${id}]`, used);
  }
  const roots = new Map<number, Uint8Array>();
  update.checkpoints.forEach((c, i) => {
    checkCheckpoint(`update.checkpoints[${i}]`, c);
    const root = roots.get(c.treeSize);
    if (root !== undefined && !bytesEqual(root, c.rootHash)) {
      invalid(`"update.checkpoints" gives tree size ${c.treeSize} twice with different roots`);
    }
    roots.set(c.treeSize, c.rootHash);
  });
}

function checkIssuerSet(set: RememberedIssuerSet): void {
  checkCount('update.issuerSet.sequence', set.sequence);
  if (!isIssuerSet(set.sequence, set.updateHash)) {
    invalid(`"update.issuerSet" expected sequence 0 without an update hash, or a sequence above 0 with a 64-digit lowercase hex hash; got ${set.sequence} and ${String(set.updateHash)}`);
  }
}

/**
 * The rule of a remembered issuer set, for an update and for what a store reads back: the
 * provisioned set is sequence 0 with no update; every update has a sequence above 0 and a SHA-256
 * hash (lowercase hex).
 */
export function isIssuerSet(sequence: number, updateHash: string | undefined): boolean {
  return sequence === 0 ? updateHash === undefined : updateHash !== undefined && /^[0-9a-f]{64}$/.test(updateHash);
}

const max = <N extends number | bigint>(a: N, b: N): N => (a > b ? a : b);

/** The state at the head after merging an update (types.ts): each field known if either side knows it. */
export interface MergedHead {
  readonly svn: number | undefined;
  readonly issuerSet: RememberedIssuerSet | undefined;
  readonly memoryBytes: bigint | undefined;
}

/**
 * An affirmed update's head is never below the remembered one (a smaller head is LOG_TRUNCATED), so
 * its SVN and issuer set replace the remembered ones; where it does not know them the remembered ones
 * stand. The memory-bytes counter only grows, so it takes the maximum, as the other counters do.
 */
export function mergeHead(memory: ChipMemory | undefined, update: ChipUpdate): MergedHead {
  const a = memory?.memoryBytes;
  const b = update.memoryBytes;
  return {
    svn: update.svn ?? memory?.svn,
    issuerSet: update.issuerSet ?? memory?.issuerSet,
    memoryBytes: a === undefined ? b : b === undefined ? a : max(a, b),
  };
}

/** Memory usage per licence after merging an update: per licence, the maximum of old and new. */
export function mergeLicenceMemoryUsage(memory: ChipMemory | undefined, update: ChipUpdate): Map<string, bigint> {
  const merged = new Map(memory?.licenceMemoryUsage ?? []);
  for (const [id, used] of update.licenceMemoryUsage ?? []) merged.set(id, max(merged.get(id) ?? 0n, used));
  return merged;
}

/**
 * Verifier clocks of several processes need not agree, so the last-appraisal time also takes the
 * maximum: memory only moves forward, whichever process writes last.
 */
export function mergeCounters(memory: ChipMemory | undefined, update: ChipUpdate): MergedCounters {
  if (memory === undefined) {
    return {
      bootcount: update.bootcount,
      totalOps: update.totalOps,
      workloadsRun: update.workloadsRun,
      lastAppraisedAt: update.appraisedAt,
    };
  }
  return {
    bootcount: max(memory.bootcount, update.bootcount),
    totalOps: max(memory.totalOps, update.totalOps),
    workloadsRun: max(memory.workloadsRun, update.workloadsRun),
    lastAppraisedAt: max(memory.lastAppraisedAt, update.appraisedAt),
  };
}

/** Licence usage after merging an update: per licence, the maximum of old and new (usage only grows). */
export function mergeLicenceUsage(memory: ChipMemory | undefined, update: ChipUpdate): Map<string, bigint> {
  const merged = new Map(memory?.licenceUsage ?? []);
  for (const [id, used] of update.licenceUsage) merged.set(id, max(merged.get(id) ?? 0n, used));
  return merged;
}

/** A copy the caller may keep or mutate without touching what the store holds. */
export function copyCheckpoint(c: SeenCheckpoint): SeenCheckpoint {
  return { treeSize: c.treeSize, rootHash: c.rootHash.slice(), issuedAt: c.issuedAt, totalOps: c.totalOps };
}
