/**
 * The module's persistent state: everything the firmware remembers between commands and across
 * restarts, except the log itself (kept in the log store, whose committed size is recorded here).
 * Encoded with the same schema language as the messages, so a corrupt state file is refused field by
 * field. Not a wire message: its format is internal to the simulation (specs/messages/module-commands.md §4).
 */
import {
  arrayOf,
  anyBytes,
  bool,
  counter,
  counters,
  digest,
  field,
  firmwareSigners,
  hwmodel,
  licenceId,
  logDomain,
  lockState,
  mapOf,
  oneOf,
  optional,
  precisionClass,
  publicKey,
  record,
  replayMode,
  time,
  ueid,
  uint,
  type Counters,
  type LockState,
  type PrecisionClass,
  type ReplayMode,
} from '@hemkit/wire/messages';
import type { CosePublicKey, CoseAlgorithm } from '@hemkit/wire/cose';

/**
 * The bounds of every list the firmware keeps (module-commands.md §4, "Storage bounds"). When a list is
 * full, the oldest item is forgotten to make room; the spec states what each forgetting costs.
 */
export const LIST_BOUNDS = {
  /** Hashes of applied licences (the hash-log replay defence). */
  appliedLicenceHashes: 64,
  /** Ids of revoked licences. */
  revokedLicences: 256,
  /** Ids of applied revocations. */
  appliedRevocations: 256,
} as const;

/** Appends to a bounded list, forgetting the oldest items past `bound`. */
export function appendBounded<T>(list: readonly T[], items: readonly T[], bound: number): T[] {
  const all = [...list, ...items];
  return all.length > bound ? all.slice(all.length - bound) : all;
}

/** The largest counter or quota (hemkit.cddl `counter`: uint or biguint up to 2^128 − 1). */
export const COUNTER_MAX = 2n ** 128n - 1n;

/**
 * The largest busy chip-seconds and workloads run (hemkit.cddl `lifetime-count`, 2^53 − 1): kept as
 * exact JavaScript numbers, refused before they could round (module-commands.md §4; attestation-report.md §2).
 */
export const COUNT_MAX = Number.MAX_SAFE_INTEGER;

const keyAlg = oneOf('hemkit-alg', [-8, -19, -7, -9, -35, -51] as const);

const activeLicence = record('active-licence', {
  licenceId: field(1, licenceId),
  sequenceNumber: field(2, uint),
  notBefore: field(3, time),
  expiry: field(4, time),
  opsQuota: field(5, counter),
  remainingQuota: field(6, counter),
  maxClusterSize: optional(7, uint),
  maxInterconnectBandwidth: optional(8, uint),
  precisionClasses: field(9, arrayOf(precisionClass, { min: 1 })),
  /** The licence's memory-transfer quota and what remains of it (licence.md §1); absent: unmetered. */
  memoryQuota: optional(10, counter),
  remainingMemoryQuota: optional(11, counter),
});

/** Sub-threshold workloads not yet logged (log-entry.md §5): written as one workloads-aggregated entry. */
const pendingAggregate = record('pending-aggregate', {
  workloadCount: field(1, uint),
  opsByPrecision: field(2, mapOf(precisionClass, counter)),
  busyChipSeconds: field(3, uint),
  interconnectBytes: field(4, counter),
  firstTime: field(5, time),
  lastTime: field(6, time),
  memoryBytes: optional(7, counter),
});

const provisioning = record('provisioning', {
  deviceCertificate: field(1, anyBytes),
  manufacturerKey: field(2, publicKey),
  issuerKeys: field(3, arrayOf(publicKey, { min: 1 })),
  issuerThreshold: field(4, uint),
  replayDefence: field(5, arrayOf(replayMode, { min: 1 })),
  itemisationThreshold: optional(6, counter),
  logDomain: optional(7, logDomain),
  /** The log-key certificate, made once at provisioning (checkpoint.md §2.1). */
  logKeyCertificate: field(8, anyBytes),
  /** k-of-n firmware signers per kind of update (module-commands.md §4.1); absent: the manufacturer, 1 of 1. */
  firmwareSigners: optional(9, firmwareSigners),
});

export const chipStateCodec = record('chip-state', {
  // Fuses: set at manufacture, never changed (in silicon they would not live in the state file).
  uds: field(1, anyBytes),
  ueid: field(2, ueid),
  hwmodel: field(3, hwmodel),
  keyAlg: field(4, keyAlg),
  // Firmware and boot
  firmwareMeasurement: field(5, digest),
  svn: field(6, uint),
  bootcount: field(7, uint),
  dbgstat: field(8, uint),
  attestationKeyCertificate: optional(9, anyBytes),
  provisioning: optional(10, provisioning),
  // Metering and licensing
  counters: field(11, counters),
  licence: optional(12, activeLicence),
  lockState: field(13, lockState),
  highestSequence: optional(14, uint),
  appliedLicenceHashes: field(15, arrayOf(digest, { max: LIST_BOUNDS.appliedLicenceHashes })),
  pendingChallenge: optional(16, anyBytes),
  revokedLicences: field(17, arrayOf(licenceId, { max: LIST_BOUNDS.revokedLicences })),
  appliedRevocations: field(18, arrayOf(licenceId, { max: LIST_BOUNDS.appliedRevocations })),
  // Time and log
  lastTime: field(19, time),
  logSize: field(20, uint),
  // 21 is retired: the last signed checkpoint, which reports no longer name (they bind the live head).
  refusing: field(22, bool),
  pendingAggregate: optional(23, pendingAggregate),
  // The sequence number of the issuer-set update in force (licence.md §5a); absent: 0, the provisioned set.
  issuerSetSequence: optional(24, uint),
});

export type ChipState = ReturnType<typeof chipStateCodec.parse>;
export type ActiveLicence = ReturnType<typeof activeLicence.parse>;
export type Provisioning = ReturnType<typeof provisioning.parse>;
export type PendingAggregate = ReturnType<typeof pendingAggregate.parse>;
export type { Counters, LockState, PrecisionClass, ReplayMode, CosePublicKey, CoseAlgorithm };
