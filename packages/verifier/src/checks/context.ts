/** What the checks share: the decoded evidence, the verifier's inputs, and what each check learned. */
import type { CosePublicKey, CoseSign1 } from '@hemkit/wire/cose';
import type { HemkitError } from '@hemkit/wire/errors';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import type { MerkleHasher } from '@hemkit/wire/merkle';
import type {
  AttestationKeyCertificateClaims,
  AttestationReportClaims,
  CheckpointClaims,
  DeviceCertificateClaims,
  EvidenceBundle,
  LogEntry,
  WorkloadDescriptor,
} from '@hemkit/wire/messages';
import type { Policy, ReferenceValues, TrustAnchors } from '../inputs.js';
import type { ChipMemory, SeenCheckpoint, VerifierStore } from '../store/types.js';

export interface AppraisalInputs {
  readonly trust: TrustAnchors;
  readonly reference: ReferenceValues;
  readonly policy: Policy;
  readonly store: VerifierStore;
  /** Seconds since the epoch, the verifier's clock. */
  readonly now: number;
  /** The nonce this verifier issued for the report; required when the policy requires a nonce. */
  readonly expectedNonce?: Uint8Array;
  readonly backend: CryptoBackend;
  readonly hasher: MerkleHasher;
  /** Certificate chains already verified, by the hash of their bytes (see chainKey). */
  readonly chainCache?: Map<string, VerifiedChain>;
}

export interface VerifiedChain {
  readonly device: DeviceCertificateClaims;
  readonly attestationKeyCertificate: AttestationKeyCertificateClaims;
  readonly attestationKey: CosePublicKey;
}

export interface DisclosedWorkload {
  readonly logIndex: number;
  readonly ops: bigint;
  readonly descriptor: WorkloadDescriptor | undefined;
}

/** Filled in as the checks run; later checks read what earlier ones established. */
/** A signed message decoded once, with its claims: later checks verify the decoded form. */
export interface Signed<T> {
  readonly message: CoseSign1;
  readonly claims: T;
}

export interface Evidence {
  /** Why the bundle did not decode, when it did not (the encoding check reports it). */
  encodingError?: HemkitError;
  bundle?: EvidenceBundle;
  /** The signed messages of the bundle, decoded by the encoding check. */
  signed?: {
    readonly report: Signed<AttestationReportClaims>;
    readonly device: Signed<DeviceCertificateClaims>;
    readonly attestationKey: Signed<AttestationKeyCertificateClaims>;
    readonly checkpoints: readonly Signed<CheckpointClaims>[];
  };
  report?: AttestationReportClaims;
  chain?: VerifiedChain;
  checkpoints?: CheckpointClaims[];
  head?: CheckpointClaims;
  /** Disclosed entries whose inclusion in the head was proven, by log index. */
  entries?: Map<number, LogEntry>;
  workloads?: DisclosedWorkload[];
  memory?: ChipMemory;
  /** Checkpoints to remember if the appraisal affirms. */
  newCheckpoints?: SeenCheckpoint[];
}
