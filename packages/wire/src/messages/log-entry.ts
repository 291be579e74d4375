/**
 * Workload-log entries (specs/messages/log-entry.md). An RFC 9162 leaf is the deterministic
 * encoding of one entry; entries about workloads carry only a salted commitment to the workload
 * descriptor, which the operator may open selectively.
 */
import { concatBytes } from '../bytes.js';
import { utf8Encoder } from '../text.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { licenceId, precisionClass, revocationId, salt, type PrecisionClass } from './common.js';
import {
  anyBytes,
  arrayOf,
  bytes,
  counter,
  digest,
  field,
  literal,
  optional,
  record,
  text,
  time,
  uint,
  union,
  mapOf,
  type RecordType,
} from './schema.js';

export const EVENT = {
  boot: 1,
  licenceInstalled: 2,
  licenceRejected: 3,
  licenceExpired: 4,
  licenceExhausted: 5,
  workloadStarted: 6,
  workloadFinished: 7,
  workloadRefused: 8,
  firmwareUpdated: 9,
  tamperDetected: 10,
  stateRollbackDetected: 11,
  revocationApplied: 12,
  workloadFinishedLineage: 13,
  workloadsAggregated: 14,
  issuersUpdated: 15,
  memoryTransferred: 16,
} as const;
export type EventKind = (typeof EVENT)[keyof typeof EVENT];
export const EVENT_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(EVENT).map(([n, v]) => [v, n]));

/** One key space for all detail maps (hemkit.cddl §7): a field has the same key in every kind. */
const D = {
  licenceId: 1,
  licenceHash: 2,
  sequenceNumber: 3,
  reason: 4,
  workloadCommitment: 5,
  precisionClass: 6,
  clusterSize: 7,
  ops: 8,
  busyChipSeconds: 9,
  interconnectBytes: 10,
  firmwareMeasurement: 11,
  svn: 12,
  previousMeasurement: 13,
  revocationId: 14,
  licenceIds: 15,
  sensor: 16,
  parentStates: 17,
  producedState: 18,
  workloadCount: 19,
  opsByPrecision: 20,
  firstTime: 21,
  lastTime: 22,
  issuerSetSequence: 23,
  updateHash: 24,
  memoryBytes: 25,
} as const;

/**
 * The most parent model states one workload may name (log-entry.md §3.1): a merge of a few models is
 * real, an unbounded list is a way to grow an entry without limit.
 */
export const MAX_PARENT_STATES = 16;

function entryKind<K extends EventKind, Details>(name: string, kind: K, details: RecordType<Details>) {
  return record(name, {
    index: field(1, uint),
    time: field(2, time),
    bootCount: field(3, uint),
    kind: field(4, literal(kind)),
    details: field(5, details),
  });
}

export const bootEntry = entryKind('boot-entry', EVENT.boot, record('boot-details', {
  firmwareMeasurement: field(D.firmwareMeasurement, digest),
  svn: field(D.svn, uint),
}));
export const licenceInstalledEntry = entryKind('licence-installed-entry', EVENT.licenceInstalled, record('licence-installed-details', {
  licenceId: field(D.licenceId, licenceId),
  licenceHash: field(D.licenceHash, digest),
  sequenceNumber: field(D.sequenceNumber, uint),
}));
export const licenceRejectedEntry = entryKind('licence-rejected-entry', EVENT.licenceRejected, record('licence-rejected-details', {
  licenceHash: field(D.licenceHash, digest),
  reason: field(D.reason, text),
}));
export const licenceExpiredEntry = entryKind('licence-expired-entry', EVENT.licenceExpired, record('licence-expired-details', {
  licenceId: field(D.licenceId, licenceId),
}));
export const licenceExhaustedEntry = entryKind('licence-exhausted-entry', EVENT.licenceExhausted, record('licence-exhausted-details', {
  licenceId: field(D.licenceId, licenceId),
}));
export const workloadStartedEntry = entryKind('workload-started-entry', EVENT.workloadStarted, record('workload-started-details', {
  workloadCommitment: field(D.workloadCommitment, digest),
  precisionClass: field(D.precisionClass, precisionClass),
  clusterSize: optional(D.clusterSize, uint),
}));
export const workloadFinishedEntry = entryKind('workload-finished-entry', EVENT.workloadFinished, record('workload-finished-details', {
  workloadCommitment: field(D.workloadCommitment, digest),
  ops: field(D.ops, counter),
  busyChipSeconds: optional(D.busyChipSeconds, uint),
  interconnectBytes: optional(D.interconnectBytes, counter),
}));
export const workloadRefusedEntry = entryKind('workload-refused-entry', EVENT.workloadRefused, record('workload-refused-details', {
  workloadCommitment: optional(D.workloadCommitment, digest),
  reason: field(D.reason, text),
}));
export const firmwareUpdatedEntry = entryKind('firmware-updated-entry', EVENT.firmwareUpdated, record('firmware-updated-details', {
  previousMeasurement: field(D.previousMeasurement, digest),
  firmwareMeasurement: field(D.firmwareMeasurement, digest),
  svn: field(D.svn, uint),
}));
export const tamperDetectedEntry = entryKind('tamper-detected-entry', EVENT.tamperDetected, record('tamper-detected-details', {
  sensor: optional(D.sensor, text),
}));
export const stateRollbackDetectedEntry = entryKind('state-rollback-detected-entry', EVENT.stateRollbackDetected, record('state-rollback-detected-details', {
  reason: optional(D.reason, text),
}));
export const revocationAppliedEntry = entryKind('revocation-applied-entry', EVENT.revocationApplied, record('revocation-applied-details', {
  revocationId: field(D.revocationId, revocationId),
  licenceIds: field(D.licenceIds, arrayOf(licenceId, { min: 1 })),
}));

/**
 * A workload-finished entry that also names, as salted commitments, the model states the workload
 * started from and the one it produced (log-entry.md §3.1). A new kind rather than new fields of
 * kind 7: a kind keeps its detail map for ever (decisions.md §2).
 */
export const workloadFinishedLineageEntry = entryKind('workload-finished-lineage-entry', EVENT.workloadFinishedLineage, record('workload-finished-lineage-details', {
  workloadCommitment: field(D.workloadCommitment, digest),
  ops: field(D.ops, counter),
  busyChipSeconds: optional(D.busyChipSeconds, uint),
  interconnectBytes: optional(D.interconnectBytes, counter),
  parentStates: field(D.parentStates, arrayOf(digest, { max: MAX_PARENT_STATES })),
  producedState: field(D.producedState, digest),
}));

/**
 * Workloads below the itemisation threshold, run since the last aggregate, as one entry
 * (log-entry.md §5; decisions.md §7): how many, their operations per precision class, their usage,
 * and the span of their start times. No commitment: nothing in it can be opened.
 */
export const workloadsAggregatedEntry = entryKind('workloads-aggregated-entry', EVENT.workloadsAggregated, record('workloads-aggregated-details', {
  workloadCount: field(D.workloadCount, uint),
  opsByPrecision: field(D.opsByPrecision, mapOf(precisionClass, counter)),
  busyChipSeconds: optional(D.busyChipSeconds, uint),
  interconnectBytes: optional(D.interconnectBytes, counter),
  firstTime: field(D.firstTime, time),
  lastTime: field(D.lastTime, time),
}));

/**
 * The issuers were replaced by a signed issuer-set update (licence.md §5a): the new set's sequence
 * number and the hash of the update's payload, by which a verifier finds the update in a bundle and
 * knows which issuers were in force at every later licence-installed entry.
 */
export const issuersUpdatedEntry = entryKind('issuers-updated-entry', EVENT.issuersUpdated, record('issuers-updated-details', {
  issuerSetSequence: field(D.issuerSetSequence, uint),
  updateHash: field(D.updateHash, digest),
}));

/**
 * Bytes a workload moved between the chip and its attached memory (log-entry.md §6), written right
 * after the entry that finishes it (kind 7 or 13, with that entry's commitment) or right after the
 * workloads-aggregated entry it sums (no commitment). A kind of its own, not a new field of kinds 7,
 * 13 and 14: a kind keeps its detail map for ever (decisions.md §2), and a chip that meters no memory
 * writes none, so its log is byte for byte what it was.
 */
export const memoryTransferredEntry = entryKind('memory-transferred-entry', EVENT.memoryTransferred, record('memory-transferred-details', {
  workloadCommitment: optional(D.workloadCommitment, digest),
  memoryBytes: field(D.memoryBytes, counter),
}));

export type BootEntry = ReturnType<typeof bootEntry.parse>;
export type LicenceInstalledEntry = ReturnType<typeof licenceInstalledEntry.parse>;
export type LicenceRejectedEntry = ReturnType<typeof licenceRejectedEntry.parse>;
export type LicenceExpiredEntry = ReturnType<typeof licenceExpiredEntry.parse>;
export type LicenceExhaustedEntry = ReturnType<typeof licenceExhaustedEntry.parse>;
export type WorkloadStartedEntry = ReturnType<typeof workloadStartedEntry.parse>;
export type WorkloadFinishedEntry = ReturnType<typeof workloadFinishedEntry.parse>;
export type WorkloadRefusedEntry = ReturnType<typeof workloadRefusedEntry.parse>;
export type FirmwareUpdatedEntry = ReturnType<typeof firmwareUpdatedEntry.parse>;
export type TamperDetectedEntry = ReturnType<typeof tamperDetectedEntry.parse>;
export type StateRollbackDetectedEntry = ReturnType<typeof stateRollbackDetectedEntry.parse>;
export type RevocationAppliedEntry = ReturnType<typeof revocationAppliedEntry.parse>;
export type WorkloadFinishedLineageEntry = ReturnType<typeof workloadFinishedLineageEntry.parse>;
export type WorkloadsAggregatedEntry = ReturnType<typeof workloadsAggregatedEntry.parse>;
export type IssuersUpdatedEntry = ReturnType<typeof issuersUpdatedEntry.parse>;
export type MemoryTransferredEntry = ReturnType<typeof memoryTransferredEntry.parse>;

export type LogEntry =
  | BootEntry
  | LicenceInstalledEntry
  | LicenceRejectedEntry
  | LicenceExpiredEntry
  | LicenceExhaustedEntry
  | WorkloadStartedEntry
  | WorkloadFinishedEntry
  | WorkloadRefusedEntry
  | FirmwareUpdatedEntry
  | TamperDetectedEntry
  | StateRollbackDetectedEntry
  | RevocationAppliedEntry
  | WorkloadFinishedLineageEntry
  | WorkloadsAggregatedEntry
  | IssuersUpdatedEntry
  | MemoryTransferredEntry;

/** The entries that finish a workload and carry its operations: kinds 7 and 13 (log-entry.md §2). */
export type WorkloadFinishingEntry = WorkloadFinishedEntry | WorkloadFinishedLineageEntry;

export function finishesWorkload(entry: LogEntry): entry is WorkloadFinishingEntry {
  return entry.kind === EVENT.workloadFinished || entry.kind === EVENT.workloadFinishedLineage;
}

const variants = [
  bootEntry,
  licenceInstalledEntry,
  licenceRejectedEntry,
  licenceExpiredEntry,
  licenceExhaustedEntry,
  workloadStartedEntry,
  workloadFinishedEntry,
  workloadRefusedEntry,
  firmwareUpdatedEntry,
  tamperDetectedEntry,
  stateRollbackDetectedEntry,
  revocationAppliedEntry,
  workloadFinishedLineageEntry,
  workloadsAggregatedEntry,
  issuersUpdatedEntry,
  memoryTransferredEntry,
] as unknown as RecordType<LogEntry>[];

export const logEntry = union<LogEntry>(
  'log-entry',
  4,
  new Map(variants.map((v, i) => [i + 1, v])),
);

/** Selective disclosure of one workload entry: given by the operator, not signed. */
export const logEntryOpening = record('log-entry-opening', {
  logIndex: field(1, uint),
  salt: field(2, salt),
  workloadDescriptor: field(3, anyBytes),
  // The model-state digests a workload-finished-lineage entry commits to, in its order (§4).
  parentStates: optional(4, arrayOf(digest, { max: MAX_PARENT_STATES })),
  producedState: optional(5, digest),
});
export type LogEntryOpening = ReturnType<typeof logEntryOpening.parse>;

// The label with its 0x00 terminator (specs/messages/log-entry.md §3).
const COMMITMENT_LABEL = utf8Encoder.encode('hemkit/v1/workload-commitment\u0000');

/**
 * The salted commitment a workload entry carries: SHA-256(label ‖ 0x00 ‖ salt ‖ descriptor). The
 * fixed-length label and salt make the split unambiguous, so one commitment opens to one descriptor.
 * `hash` is SHA-256 (noble's by default; a verifier checking many openings passes its backend's).
 */
export function workloadCommitment(saltBytes: Uint8Array, descriptor: Uint8Array, hash: (data: Uint8Array) => Uint8Array = sha256): Uint8Array {
  return hash(concatBytes(COMMITMENT_LABEL, saltBytes, descriptor));
}

// Its own label: a state commitment can never be read as a workload commitment, even under one salt.
const STATE_COMMITMENT_LABEL = utf8Encoder.encode('hemkit/v1/model-state-commitment\u0000');

/**
 * The salted commitment to one model state (log-entry.md §3.1): SHA-256(label ‖ 0x00 ‖ salt ‖
 * state digest), under the salt of the workload that names the state. The digest is 32 bytes, so
 * the split is as unambiguous as the workload commitment's.
 */
export function modelStateCommitment(saltBytes: Uint8Array, stateDigest: Uint8Array, hash: (data: Uint8Array) => Uint8Array = sha256): Uint8Array {
  return hash(concatBytes(STATE_COMMITMENT_LABEL, saltBytes, stateDigest));
}

/** Commitment inputs up to this size (label, salt and descriptor) are written to a reused buffer. */
const COMMITMENT_SCRATCH_SIZE = 512;

/** What a verifier checking one opening per disclosed entry computes: both commitments of §3 and §3.1. */
export interface CommitmentHasher {
  /** workloadCommitment(salt, descriptor), with this hasher's `hash`. */
  workload(saltBytes: Uint8Array, descriptor: Uint8Array): Uint8Array;
  /** modelStateCommitment(salt, stateDigest), with this hasher's `hash`. */
  modelState(saltBytes: Uint8Array, stateDigest: Uint8Array): Uint8Array;
}

/**
 * The commitments of workloadCommitment and modelStateCommitment, the same digests, with label ‖
 * salt ‖ data written into one buffer reused from call to call rather than a new array each (an
 * array past 64 bytes lives outside V8's heap, dearer to make and to collect than the hash; a bundle
 * of a thousand entries opens about as many). `hash` must return a digest that does not share its
 * input's memory, as every SHA-256 function does (one that does is found by a probe, and its digests
 * copied); inputs past the buffer get an array of their own.
 */
export function commitmentHasher(hash: (data: Uint8Array) => Uint8Array = sha256): CommitmentHasher {
  const scratch = new Uint8Array(COMMITMENT_SCRATCH_SIZE);
  // The buffer's view of each length met, made once (openings of one chip are mostly of one length).
  const views: Uint8Array[] = [];
  // A digest that shares the buffer's memory would change under the caller at the next call: a hash
  // that returns a view of its input is found by one probe (merkle/hash.ts says why not at every call).
  const copies = hash(scratch.subarray(0, 64)).buffer === scratch.buffer;
  const commit = (label: Uint8Array, saltBytes: Uint8Array, data: Uint8Array): Uint8Array => {
    const n = label.length + saltBytes.length + data.length;
    if (n > scratch.length) return hash(concatBytes(label, saltBytes, data));
    scratch.set(label, 0);
    scratch.set(saltBytes, label.length);
    scratch.set(data, label.length + saltBytes.length);
    const digest = hash((views[n] ??= scratch.subarray(0, n)));
    return copies ? new Uint8Array(digest) : digest;
  };
  return {
    workload: (saltBytes, descriptor) => commit(COMMITMENT_LABEL, saltBytes, descriptor),
    modelState: (saltBytes, stateDigest) => commit(STATE_COMMITMENT_LABEL, saltBytes, stateDigest),
  };
}

export type { PrecisionClass };

/**
 * The workload descriptor an operator discloses in an opening (specs/messages/log-entry.md §4). The
 * module treats descriptors as opaque bytes and only commits to them; a verifier that accounts
 * compute reads this structure: which run the work belongs to, and which chips the run used.
 */
export const workloadDescriptor = record('workload-descriptor', {
  workloadId: field(1, text),
  clusterChips: optional(2, arrayOf(bytes(7, 33), { min: 1 })),
  description: optional(3, text),
});
export type WorkloadDescriptor = ReturnType<typeof workloadDescriptor.parse>;
