/**
 * The firmware policy: the rules a governance chip's firmware applies that a hardware researcher may
 * want to change without forking the module (issue 11). The command handlers (../commands/) keep what
 * every design shares: decoding, signatures and the threshold, the chip binding, the log, the
 * counters. A policy decides the rest, at five points:
 *
 * - licence acceptance: the time window (licence.md §6 steps 7–8) and the replay defences (steps
 *   10–12, and what the chip remembers of an accepted licence);
 * - lapse: when an installed licence stops admitting work, and what a lapsed or unlicensed chip
 *   still admits;
 * - metering and quota: what a workload draws from the quota, what a new licence's quota starts at,
 *   and what happens to a workload larger than what remains;
 * - what gets logged about a workload.
 *
 * Every hook is a pure function of its arguments. A policy is a plain object, so an alternative is
 * usually the default spread with a few hooks replaced (examples/).
 */
import type { ErrorCode } from '@hemkit/wire/errors';
import type { CMD, LicenceClaims, LockState, ParamsOf, ReplayMode } from '@hemkit/wire/messages';
import type { ActiveLicence, ChipState } from '../state.js';

export type WorkloadParams = ParamsOf<typeof CMD.runWorkload>;

/** A policy's verdict on a workload: admitted drawing `charge` from the installed licence's quota, or refused. */
export type Admission =
  | { readonly admit: true; readonly charge: bigint }
  | { readonly admit: false; readonly code: ErrorCode; readonly message: string };

/** What a policy sees of a workload the installed licence does not admit as it stands. */
export interface WorkloadContext {
  readonly workload: WorkloadParams;
  readonly lockState: LockState;
  /** The installed licence, if any (expired, exhausted and revoked licences stay installed). */
  readonly licence: ActiveLicence | undefined;
  /** What the workload would draw from the quota (the policy's own `quotaCost`). */
  readonly cost: bigint;
}

export interface FirmwarePolicy {
  /** A short name, for traces and reports. */
  readonly name: string;

  // Licence acceptance (licence.md §6).
  /** Steps 7–8: throws LICENCE_NOT_YET_VALID or LICENCE_EXPIRED when the chip's time is outside the window. */
  checkLicenceWindow(claims: LicenceClaims, now: number): void;
  /** Steps 10–12: throws LICENCE_REPLAYED, LICENCE_ALREADY_APPLIED or LICENCE_CHALLENGE_MISMATCH. */
  checkReplay(state: ChipState, defences: ReadonlySet<ReplayMode>, claims: LicenceClaims, hash: Uint8Array): void;
  /** What the chip remembers of an accepted licence against its replay (sequence, hash log, challenge used). */
  rememberLicence(state: ChipState, defences: ReadonlySet<ReplayMode>, claims: LicenceClaims, hash: Uint8Array): ChipState;
  /**
   * The unused-quota rule: the remaining quota a licence starts with, given the licence it replaces
   * and the lock state that licence left (revoked, expired, exhausted or unlocked). At most 2^128 − 1.
   */
  initialQuota(claims: LicenceClaims, replaced: ActiveLicence | undefined, lockState: LockState): bigint;

  /**
   * The unused-quota rule for the memory-transfer quota (licence.md §1): what a licence's memory quota
   * starts at, or undefined when the licence meters no memory transfer. At most 2^128 − 1.
   */
  initialMemoryQuota(claims: LicenceClaims, replaced: ActiveLicence | undefined, lockState: LockState): bigint | undefined;

  // Lapse.
  /** Whether the installed licence has lapsed by time at the chip's time `now` (logged as licence-expired). */
  hasExpired(licence: ActiveLicence, now: number): boolean;
  /** A workload while the chip is locked (no licence, expired, exhausted, revoked): refuse, or admit with charge 0. */
  whenLocked(context: WorkloadContext): Admission;

  // Metering and quota.
  /** What a workload draws from the quota. */
  quotaCost(workload: WorkloadParams): bigint;
  /** A workload whose cost exceeds the remaining quota: refuse, or admit drawing at most what remains. */
  whenOverQuota(context: WorkloadContext & { readonly licence: ActiveLicence }): Admission;

  /** What a workload draws from the memory-transfer quota (licence.md §1). */
  memoryCost(workload: WorkloadParams): bigint;
  /**
   * A workload whose memory cost exceeds the remaining memory-transfer quota: refuse, or admit with
   * `charge` the memory drawn (at most what remains is drawn).
   */
  whenOverMemoryQuota(context: WorkloadContext & { readonly licence: ActiveLicence; readonly memoryCost: bigint }): Admission;

  // What gets logged (log-entry.md §5).
  /**
   * Whether an admitted workload gets its own workload-started and workload-finished entries, given the
   * provisioned itemisation threshold; one that does not is counted into the next workloads-aggregated entry.
   */
  itemise(workload: WorkloadParams, itemisationThreshold: bigint | undefined): boolean;
  /** Seconds after the first workload of an aggregate at which the aggregate is written (at the next command). */
  readonly aggregationPeriod: number;
}
