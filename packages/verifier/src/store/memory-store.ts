/**
 * The verifier store held in memory (specs/verifier.md §4): the same semantics as the SQLite store, for
 * tests and as the baseline its benchmark is judged against. Nothing survives the process.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { checkNonce, checkUeid, checkUpdate, copyCheckpoint, mergeCounters, mergeHead, mergeLicenceMemoryUsage, mergeLicenceUsage } from './merge.js';
import type { ChipMemory, ChipUpdate, RememberedIssuerSet, SeenCheckpoint, VerifierStore } from './types.js';
import type { ChallengeRequest, RememberedChip, StoredChallenge } from './async-types.js';
import { checkChallenge, compareBytes, copyChallenge, type ServiceRecords } from './service-records.js';
import { toHex } from '@hemkit/wire/bytes';

export interface MemoryStoreOptions {
  /** Expired nonces are swept once every this many `useNonce` calls (default 256). */
  readonly nonceSweepInterval?: number;
}

interface ChipRecord {
  readonly ueid: Uint8Array;
  bootcount: number;
  totalOps: bigint;
  workloadsRun: number;
  lastAppraisedAt: number;
  /** Ascending by tree size, as `ChipMemory.checkpoints` must be. */
  readonly checkpoints: SeenCheckpoint[];
  licenceUsage: Map<string, bigint>;
  activeLicence: string | undefined;
  /** The head's state (types.ts), undefined where not known. */
  svn: number | undefined;
  issuerSet: RememberedIssuerSet | undefined;
  memoryBytes: bigint | undefined;
  licenceMemoryUsage: Map<string, bigint>;
}

export class MemoryVerifierStore implements VerifierStore, ServiceRecords {
  readonly #chips = new Map<string, ChipRecord>();
  readonly #challenges = new Map<string, StoredChallenge>();
  readonly #nonces = new Map<string, number>();
  readonly #sweepInterval: number;
  #nonceCalls = 0;
  #challengeCalls = 0;
  /**
   * The latest verifier time any appraisal recorded. Nonces expire against it rather than the wall
   * clock, so a verifier running on a simulated clock never sees its nonces forgotten early.
   */
  #clock = 0;
  /** Nonces recorded inside the running appraisal: forgotten again if its `decide` throws, as a rollback would. */
  #journal: string[] | undefined;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#sweepInterval = options.nonceSweepInterval ?? 256;
  }

  getChip(ueid: Uint8Array): ChipMemory | undefined {
    this.#checkOpen();
    checkUeid(ueid);
    const record = this.#chips.get(toHex(ueid));
    if (record === undefined) return undefined;
    return {
      ueid: record.ueid.slice(),
      bootcount: record.bootcount,
      totalOps: record.totalOps,
      workloadsRun: record.workloadsRun,
      // Read on access, as in the SQLite store: appraisals use the two lookups, not the whole list.
      get checkpoints() {
        return record.checkpoints.map(copyCheckpoint);
      },
      latestCheckpoint: record.checkpoints.length > 0 ? copyCheckpoint(record.checkpoints[record.checkpoints.length - 1]!) : undefined,
      checkpointAt: (treeSize: number) => {
        const found = findBySize(record.checkpoints, treeSize);
        return found === undefined ? undefined : copyCheckpoint(found);
      },
      lastAppraisedAt: record.lastAppraisedAt,
      licenceUsage: new Map(record.licenceUsage),
      activeLicence: record.activeLicence,
      ...(record.svn !== undefined ? { svn: record.svn } : {}),
      ...(record.issuerSet !== undefined ? { issuerSet: { ...record.issuerSet } } : {}),
      ...(record.memoryBytes !== undefined ? { memoryBytes: record.memoryBytes } : {}),
      licenceMemoryUsage: new Map(record.licenceMemoryUsage),
    };
  }

  appraise<T>(ueid: Uint8Array, decide: (memory: ChipMemory | undefined) => { result: T; update?: ChipUpdate }): T {
    const memory = this.getChip(ueid);
    const outer = this.#journal;
    const journal: string[] = [];
    this.#journal = journal;
    try {
      const { result, update } = decide(memory);
      if (update !== undefined) {
        checkUpdate(ueid, update);
        this.#merge(memory, update);
      }
      outer?.push(...journal);
      return result;
    } catch (e) {
      for (const key of journal) this.#nonces.delete(key);
      throw e;
    } finally {
      this.#journal = outer;
    }
  }

  useNonce(nonce: Uint8Array, expiresAt: number): boolean {
    this.#checkOpen();
    checkNonce(nonce, expiresAt);
    if (++this.#nonceCalls % this.#sweepInterval === 0) {
      for (const [key, expiry] of this.#nonces) if (expiry < this.#clock) this.#nonces.delete(key);
    }
    const key = toHex(nonce);
    if (this.#nonces.has(key)) return false;
    this.#nonces.set(key, expiresAt);
    this.#journal?.push(key);
    return true;
  }

  listChips(options: { readonly after?: Uint8Array; readonly limit?: number } = {}): RememberedChip[] {
    this.#checkOpen();
    const after = options.after;
    return [...this.#chips.values()]
      .filter((r) => after === undefined || compareBytes(r.ueid, after) > 0)
      .sort((a, b) => compareBytes(a.ueid, b.ueid))
      .slice(0, options.limit ?? Number.MAX_SAFE_INTEGER)
      .map((r) => ({ ueid: r.ueid.slice(), totalOps: r.totalOps, lastAppraisedAt: r.lastAppraisedAt }));
  }

  issueChallenge(request: ChallengeRequest): StoredChallenge {
    this.#checkOpen();
    checkChallenge(request);
    const record = request.ueid === undefined ? undefined : this.#chips.get(toHex(request.ueid));
    const challenge: StoredChallenge = { ...request, knownTreeSize: record?.checkpoints.at(-1)?.treeSize ?? 0 };
    const key = toHex(challenge.nonce);
    if (this.#challenges.has(key)) throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', `a challenge with nonce ${key} was already issued`);
    // Expired challenges are swept as nonces are: once every sweep interval, against the issuing clock.
    if (++this.#challengeCalls % this.#sweepInterval === 0) {
      for (const [k, c] of this.#challenges) if (c.expiresAt < challenge.issuedAt) this.#challenges.delete(k);
    }
    this.#challenges.set(key, copyChallenge(challenge));
    return copyChallenge(challenge);
  }

  getChallenge(nonce: Uint8Array, now: number): StoredChallenge | undefined {
    this.#checkOpen();
    const found = this.#challenges.get(toHex(nonce));
    return found === undefined || found.expiresAt < now ? undefined : copyChallenge(found);
  }

  close(): void {
    this.#closed = true;
  }

  #merge(memory: ChipMemory | undefined, update: ChipUpdate): void {
    const counters = mergeCounters(memory, update);
    const licences = { licenceUsage: mergeLicenceUsage(memory, update), activeLicence: update.activeLicence, ...mergeHead(memory, update), licenceMemoryUsage: mergeLicenceMemoryUsage(memory, update) };
    const key = toHex(update.ueid);
    let record = this.#chips.get(key);
    if (record === undefined) {
      record = { ueid: update.ueid.slice(), ...counters, checkpoints: [], ...licences };
      this.#chips.set(key, record);
    } else {
      Object.assign(record, counters, licences);
    }
    for (const c of update.checkpoints) insertCheckpoint(record.checkpoints, c);
    if (counters.lastAppraisedAt > this.#clock) this.#clock = counters.lastAppraisedAt;
  }

  #checkOpen(): void {
    if (this.#closed) throw new HemkitError('VERIFIER_STORE_FAILED', 'the verifier store is closed');
  }
}

/** Keeps the list ascending; a size already present keeps its root (the caller detects forks first). */
function insertCheckpoint(list: SeenCheckpoint[], c: SeenCheckpoint): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.treeSize < c.treeSize) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo]?.treeSize === c.treeSize) return;
  list.splice(lo, 0, copyCheckpoint(c));
}

/** Binary search in the ascending list. */
function findBySize(list: readonly SeenCheckpoint[], treeSize: number): SeenCheckpoint | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const size = list[mid]!.treeSize;
    if (size === treeSize) return list[mid];
    if (size < treeSize) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
