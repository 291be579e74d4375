/**
 * The stages of an appraisal (specs/verifier.md §5). Each check receives what the checks before it
 * proved, as a value of its own type, so that no check can run on something not yet verified: the
 * chain exists only once the certificate-chain check made it, the report's claims are `Attested` only
 * once their signature verified, and entries are `Proven` only once their receipts did.
 */
import type { CosePublicKey, CoseSign, CoseSign1 } from '@hemkit/wire/cose';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import type { MerkleHasher } from '@hemkit/wire/merkle';
import type {
  AttestationKeyCertificateClaims,
  AttestationReportClaims,
  CheckpointClaims,
  LogKeyCertificateClaims,
  DeviceCertificateClaims,
  EvidenceBundle,
  LicenceClaims,
  LogEntry,
  LogEntryOpening,
  WorkloadDescriptor,
} from '@hemkit/wire/messages';
import type { Policy, ReferenceValues, TrustAnchors } from '../inputs.js';
import type { ChipMemory, RememberedIssuerSet, SeenCheckpoint, VerifierStore } from '../store/types.js';

export interface AppraisalInputs {
  readonly trust: TrustAnchors;
  readonly reference: ReferenceValues;
  readonly policy: Policy;
  readonly store: VerifierStore;
  /** Seconds since the epoch, the verifier's clock. */
  readonly now: number;
  /** The nonce this verifier issued for the report; required when the policy requires a nonce. */
  readonly expectedNonce?: Uint8Array;
  /**
   * The UEID of the chip the nonce was issued for, when the verifier challenged a particular chip: a
   * report from any other chip fails freshness with NONCE_WRONG_CHIP, and does not use the nonce up.
   */
  readonly expectedUeid?: Uint8Array;
  readonly backend: CryptoBackend;
  readonly hasher: MerkleHasher;
  /** Certificate chains already verified, by the hash of their bytes (see chainKey). */
  readonly chainCache?: Map<string, VerifiedChain>;
  /**
   * Licences whose issuer signatures already met the threshold, by the hash of their bytes and of the
   * issuer set they were checked against (see licenceKey): a licence a chip presents at every
   * appraisal costs its k signatures once, not every time.
   */
  readonly licenceCache?: Set<string>;
}

export interface VerifiedChain {
  readonly device: DeviceCertificateClaims;
  readonly attestationKeyCertificate: AttestationKeyCertificateClaims;
  readonly attestationKey: CosePublicKey;
  /** RFC 9679 thumbprint (hex) of the manufacturer root the chain verified under. */
  readonly rootKeyId: string;
}

export interface DisclosedWorkload {
  readonly logIndex: number;
  readonly ops: bigint;
  readonly descriptor: WorkloadDescriptor | undefined;
  /** The entry's time (the chip's clock): when the workload finished. */
  readonly time: number;
  /** Busy chip-seconds the entry records, when it records them. */
  readonly busyChipSeconds?: number;
  /** The model states a workload-finished-lineage entry commits to, as opened (log-entry.md §3.1). */
  readonly modelStates?: OpenedModelStates;
}

export interface OpenedModelStates {
  readonly parents: readonly Uint8Array[];
  readonly produced: Uint8Array;
}

/** A signed message decoded once, with its claims: later checks verify the decoded form. */
export interface Signed<T> {
  readonly message: CoseSign1;
  readonly claims: T;
}

/** A disclosed entry as decoded by the encoding check: its bytes (what its proof proves) and claims. */
export interface DecodedEntry {
  readonly bytes: Uint8Array;
  readonly entry: LogEntry;
  /** Its inclusion receipt; absent when the bundle's frontier proves the entries (verifier.md §2). */
  readonly receipt: Uint8Array | undefined;
  readonly opening: LogEntryOpening | undefined;
}

export interface DecodedLicence {
  /** The statement as carried (the key of the licence cache). */
  readonly bytes: Uint8Array;
  readonly message: CoseSign;
  readonly claims: LicenceClaims;
}

/** 1. encoding: the bundle and every message in it, decoded under the profile and nothing verified. */
export interface Decoded {
  readonly bundle: EvidenceBundle;
  readonly report: Signed<AttestationReportClaims>;
  readonly device: Signed<DeviceCertificateClaims>;
  readonly attestationKey: Signed<AttestationKeyCertificateClaims>;
  readonly checkpoints: readonly Signed<CheckpointClaims>[];
  readonly entries: readonly DecodedEntry[];
  readonly licences: readonly DecodedLicence[];
  /** The log-key certificate carried with signed notes (checkpoint.md §2.1). */
  readonly logKeyCertificate: Signed<LogKeyCertificateClaims> | undefined;
}

/** 3. the report's claims, verified under the certified attestation key of this chip. */
export interface Attested {
  readonly decoded: Decoded;
  readonly chain: VerifiedChain;
  readonly report: AttestationReportClaims;
}

/** A point in the chip's log with the counters at it. */
export interface LogPoint {
  readonly treeSize: number;
  readonly totalOps: bigint;
  readonly workloadsRun: number;
  /**
   * The memory-bytes counter at this point (attestation-report.md §2), when known: always at a
   * report's head; at a base for the empty log, when the verifier remembers it (verifier.md §4), or
   * when the bundle carries a checkpoint of that size.
   */
  readonly memoryBytes?: bigint;
}

/**
 * 10. log consistency: the head the report binds, proven consistent with everything the verifier
 * remembers; the base is the largest remembered checkpoint, or the empty log for a chip never seen.
 */
export interface Anchored {
  readonly head: LogPoint & { readonly rootHash: Uint8Array; readonly issuedAt: number; readonly memoryBytes: bigint };
  readonly base: LogPoint;
  /** What becomes memory if the appraisal affirms: the checkpoints carried (all proven) and the head. */
  readonly newCheckpoints: readonly SeenCheckpoint[];
}

/** 11. entries proven in the head, by their inclusion receipts or by the bundle's frontier, by log index. */
export type Proven = ReadonlyMap<number, LogEntry>;

/** 13. every entry from the base to the head, proven, in order: the counters are covered by them. */
export type Covered = readonly LogEntry[];

/** 14. what the licence check established: usage per licence, and which are new in this appraisal. */
export interface LicenceLedger {
  /** Total usage per licence id (hex), remembered plus this appraisal's. */
  readonly usage: ReadonlyMap<string, bigint>;
  /** Usage first seen in this appraisal, per licence, with the licence's claims. */
  readonly fresh: ReadonlyMap<string, { readonly ops: bigint; readonly claims: LicenceClaims }>;
  /** The licence workloads run under at the head. */
  readonly active: string | undefined;
  /** The firmware SVN in force at the head (verifier.md §5.2), remembered for the next appraisal's base. */
  readonly svn: number;
  /** The issuer set in force at the head (licence.md §5a), when the walk knows it exactly. */
  readonly issuerSet: RememberedIssuerSet | undefined;
  /** Memory bytes logged under each licence whose usage is known: remembered plus this appraisal's. */
  readonly memoryUsage: ReadonlyMap<string, bigint>;
}

export type { ChipMemory };
