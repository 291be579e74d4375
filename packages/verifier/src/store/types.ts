/**
 * The verifier's memory of each chip (specs/verifier.md §Store): what it has accepted before, so that
 * it can catch counters or boot counts going backwards and logs that fork, shrink or are rewritten.
 */

/** One checkpoint the verifier has accepted from a chip. */
export interface SeenCheckpoint {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly issuedAt: number;
  /** Total operations the checkpoint reported (its counters.totalOps). */
  readonly totalOps: bigint;
}

export interface ChipMemory {
  readonly ueid: Uint8Array;
  /** Highest values accepted so far; never lowered. */
  readonly bootcount: number;
  readonly totalOps: bigint;
  readonly workloadsRun: number;
  /**
   * Every checkpoint accepted, ascending by tree size. Read on access: an appraisal needs only the
   * two lookups below, so a chip checkpointed hourly for years costs nothing extra to appraise.
   */
  readonly checkpoints: readonly SeenCheckpoint[];
  /** The accepted checkpoint of the largest tree size. */
  readonly latestCheckpoint: SeenCheckpoint | undefined;
  /** The accepted checkpoint of exactly this tree size, if any (what a fork is found against). */
  checkpointAt(treeSize: number): SeenCheckpoint | undefined;
  /** Last appraisal time (verifier clock, seconds). */
  readonly lastAppraisedAt: number;
  /**
   * Operations run so far under each licence ever installed on the chip, by licence id in lowercase
   * hex, as far as the remembered log shows (specs/verifier.md §4). A licence id is installed once.
   */
  readonly licenceUsage: ReadonlyMap<string, bigint>;
  /** The licence workloads run under at the remembered head (hex id), or undefined if none admits them. */
  readonly activeLicence: string | undefined;
  /**
   * What the chip was at the remembered head (specs/verifier.md §4): the firmware SVN in force, the
   * issuer set in force and the memory-bytes counter. Each is absent when not known: a chip first
   * affirmed by a store of schema 2, before these were kept (the checks then fall back to what the
   * bundle alone shows, §5).
   */
  readonly svn?: number;
  readonly issuerSet?: RememberedIssuerSet;
  readonly memoryBytes?: bigint;
  /**
   * Memory bytes logged under each licence whose every memory transfer the verifier has walked (hex
   * id), so that its memory-transfer quota is judged exactly at every later appraisal. A licence
   * missing here has usage not known (installed before the store kept it).
   */
  readonly licenceMemoryUsage?: ReadonlyMap<string, bigint>;
}

/**
 * The issuer set in force at the remembered head (licence.md §5a): the provisioned set (sequence 0,
 * no update) or the one an issuer-set update installed, named by its sequence number and update hash.
 */
export interface RememberedIssuerSet {
  readonly sequence: number;
  /** SHA-256 of the update's payload, lowercase hex; undefined for the provisioned set. */
  readonly updateHash: string | undefined;
}

/** What an affirming appraisal adds to the memory of one chip. */
export interface ChipUpdate {
  readonly ueid: Uint8Array;
  readonly bootcount: number;
  readonly totalOps: bigint;
  readonly workloadsRun: number;
  readonly checkpoints: readonly SeenCheckpoint[];
  readonly appraisedAt: number;
  /** The usage of every licence the appraisal saw used or installed: the new totals, never lower. */
  readonly licenceUsage: ReadonlyMap<string, bigint>;
  /** The licence workloads run under at the new head. */
  readonly activeLicence: string | undefined;
  /** The SVN, issuer set and memory-bytes counter at the new head, where the appraisal knows them (§4). */
  readonly svn?: number;
  readonly issuerSet?: RememberedIssuerSet;
  readonly memoryBytes?: bigint;
  /** The memory bytes logged under each licence whose usage the appraisal knows: the new totals, never lower. */
  readonly licenceMemoryUsage?: ReadonlyMap<string, bigint>;
}

export interface VerifierStore {
  /** The memory of one chip, or undefined for a chip never appraised. */
  getChip(ueid: Uint8Array): ChipMemory | undefined;
  /**
   * Appraises and records atomically: `decide` sees the current memory inside one write transaction
   * (no other process can commit in between), and its return value, if any, is merged in: the
   * counters and boot count become the maximum of old and new, new checkpoints are added (an
   * existing size keeps its root), licence usage takes the maximum per licence, and the active
   * licence is the update's. Of the head's state, the SVN and issuer set are the update's where it
   * knows them (else kept), the memory-bytes counter and each licence's memory usage the maximum. Returns what `decide` returned.
   */
  appraise<T>(ueid: Uint8Array, decide: (memory: ChipMemory | undefined) => { result: T; update?: ChipUpdate }): T;
  /**
   * Records a verifier nonce as used; returns false if it was used before (a replayed report).
   * Nonces older than `expiresAt` may be forgotten.
   */
  useNonce(nonce: Uint8Array, expiresAt: number): boolean;
  close(): void;
}
