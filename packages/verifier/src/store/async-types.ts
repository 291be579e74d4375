/**
 * The asynchronous store contract (specs/verifier.md §4.1): what a verifier needs from a memory that
 * lives behind a network connection (PostgreSQL), where nothing can be synchronous. The memory and
 * SQLite stores satisfy it through `asAsyncStore`; `@hemkit/verifier/store/postgres` satisfies it
 * natively. The checks themselves stay synchronous: an appraisal names beforehand what of the chip's
 * memory it may read (its plan), the store fetches exactly that inside its transaction, and `decide`
 * runs on the fetched values while the chip is locked.
 */
import type { ChipMemory, ChipUpdate, RememberedIssuerSet, SeenCheckpoint } from './types.js';

/** What an appraisal may read of a chip's memory and which nonce it may use, named before it starts. */
export interface AppraisalPlan {
  /**
   * The checkpoint sizes `decide` may look up with `checkpointAt` (the sizes the bundle carries).
   * The largest remembered checkpoint is always fetched. Looking up any other size throws
   * VERIFIER_STORE_INVALID_INPUT: a plan that misses a size is a bug, never a silent "not remembered".
   */
  readonly checkpointSizes: readonly number[];
  /**
   * The nonce `decide` may use, with the expiry it will be recorded with. The store claims it inside
   * the chip's transaction, so two appraisals racing with one nonce (on any chips, in any processes)
   * see it fresh at most once. If `decide` does not use it, the claim is withdrawn before commit.
   */
  readonly nonce?: { readonly nonce: Uint8Array; readonly expiresAt: number };
  /**
   * The challenge `decide` may see: the store reads it in the same transaction, as `getChallenge`
   * would at `now`, and hands it to `decide` (undefined when never issued, or expired). A service
   * answering evidence against a challenge so saves the round trip of reading it first.
   */
  readonly challenge?: { readonly nonce: Uint8Array; readonly now: number };
}

/** The nonce ledger `decide` sees: synchronous, answering for the nonce the plan claimed. */
export interface NonceLedger {
  /** True when the nonce is fresh (and now used), false when it was used before. */
  useNonce(nonce: Uint8Array, expiresAt: number): boolean;
}

/** `challenge` is the plan's challenge as found (always undefined when the plan names none). */
export type AsyncDecide<T> = (memory: ChipMemory | undefined, nonces: NonceLedger, challenge: StoredChallenge | undefined) => { result: T; update?: ChipUpdate };

/**
 * A chip's remembered state, as the read endpoints show it: everything but the checkpoint list, which
 * grows with the chip's life (an hourly chip adds 8,760 a year) and which no read needs.
 */
export interface ChipState {
  readonly ueid: Uint8Array;
  readonly bootcount: number;
  readonly totalOps: bigint;
  readonly workloadsRun: number;
  readonly latestCheckpoint: SeenCheckpoint | undefined;
  readonly lastAppraisedAt: number;
  readonly licenceUsage: ReadonlyMap<string, bigint>;
  readonly activeLicence: string | undefined;
  /** The state at the remembered head, where the store knows it (ChipMemory). */
  readonly svn?: number;
  readonly issuerSet?: RememberedIssuerSet;
  readonly memoryBytes?: bigint;
  readonly licenceMemoryUsage?: ReadonlyMap<string, bigint>;
}

/** A challenge the verifier issued and remembers until it expires (RATS background-check model). */
export interface StoredChallenge {
  readonly nonce: Uint8Array;
  /** The chip it was issued for, when the caller named one: a report of another chip is NONCE_WRONG_CHIP. */
  readonly ueid: Uint8Array | undefined;
  /** The tree size the verifier remembered for that chip when it issued the challenge (0 if none). */
  readonly knownTreeSize: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** A challenge to remember: everything but what the store knows, the chip's remembered tree size. */
export type ChallengeRequest = Omit<StoredChallenge, 'knownTreeSize'>;

/** One chip's line in the fleet listing: what fleet accounting reads of the memory. */
export interface RememberedChip {
  readonly ueid: Uint8Array;
  readonly totalOps: bigint;
  readonly lastAppraisedAt: number;
}

export interface AsyncVerifierStore {
  /**
   * Appraises and records as one transaction per chip: the chip is locked against every other
   * appraisal of it (in any process sharing the store) from before its memory is read until the
   * update is committed; the plan's nonce is claimed in the same transaction. `decide` is synchronous
   * and runs on what the plan fetched; its update merges as in `VerifierStore.appraise`. If `decide`
   * throws, nothing is recorded (not the nonce either) and the error passes through unchanged.
   * Store failures are VERIFIER_STORE_FAILED, and then nothing is recorded.
   */
  appraise<T>(ueid: Uint8Array, plan: AppraisalPlan, decide: AsyncDecide<T>): Promise<T>;
  /** Records a nonce as used outside an appraisal; false if it was used before. */
  useNonce(nonce: Uint8Array, expiresAt: number): Promise<boolean>;
  /** A chip's state, or undefined for a chip never affirmed. */
  getChip(ueid: Uint8Array): Promise<ChipState | undefined>;
  /** Every chip remembered, by UEID ascending (bytewise), at most `limit` after `after`. */
  listChips(options?: { readonly after?: Uint8Array; readonly limit?: number }): Promise<readonly RememberedChip[]>;
  /**
   * Remembers an issued challenge and returns it with `knownTreeSize` filled in: the largest
   * checkpoint size the store remembers for the chip it names (0 for a chip never affirmed, or when it
   * names none), read in the same statement. A nonce is issued once (VERIFIER_STORE_INVALID_INPUT).
   */
  issueChallenge(challenge: ChallengeRequest): Promise<StoredChallenge>;
  /** The challenge issued with this nonce, if it is remembered and has not expired at `now`. */
  getChallenge(nonce: Uint8Array, now: number): Promise<StoredChallenge | undefined>;
  close(): Promise<void>;
}
