/**
 * One small, coherent world for the message vectors: a manufacturer, one chip, three licence issuers
 * and a four-entry workload log, all from fixed keys. The messages that carry other messages (the
 * evidence bundle, module requests and responses) carry these, so that every nested `.cbor` of the
 * CDDL holds a real signed message.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { encode } from '@hemkit/wire/cbor';
import { getBackend } from '@hemkit/wire/crypto';
import { consistencyProof, createMerkleHasher, inclusionProof, merkleRoot } from '@hemkit/wire/merkle';
import {
  signStatement,
  type SignedType,
  attestationKeyCertificateClaims,
  attestationReportClaims,
  checkpointClaims,
  deviceCertificateClaims,
  EVENT,
  firmwareManifestClaims,
  logKeyCertificateClaims,
  noteOrigin,
  type LogKeyCertificateClaims,
  HEMKIT_EAT_PROFILE,
  LOCK,
  licenceClaims,
  licenceRequestClaims,
  logEntry,
  revocationClaims,
  issuerSetUpdateClaims,
  type IssuerSetUpdateClaims,
  signClaims,
  signConsistencyReceipt,
  signInclusionReceipt,
  signingKey,
  workloadCommitment,
  workloadDescriptor,
  type AttestationKeyCertificateClaims,
  type AttestationReportClaims,
  type CheckpointClaims,
  type Counters,
  type DeviceCertificateClaims,
  type FirmwareManifestClaims,
  type LicenceClaims,
  type LicenceRequestClaims,
  type LicenceState,
  type LogEntry,
  type RevocationClaims,
  type SigningKey,
} from '@hemkit/wire/messages';
import { seedBytes, utf8 } from '../vector-file.js';

export const T0 = 1_800_000_000;
const noble = getBackend('noble');
export const hasher = createMerkleHasher(noble.sha256);

const digestOf = (label: string) => sha256(utf8(label));
const bytes16 = (label: string) => digestOf(label).subarray(0, 16);

export const KEYS: { readonly [name: string]: SigningKey } = {
  manufacturer: signingKey(-8, seedBytes('messages manufacturer')),
  device: signingKey(-8, seedBytes('messages device identity')),
  attestation: signingKey(-8, seedBytes('messages attestation')),
  log: signingKey(-8, seedBytes('messages log key')),
  'issuer-0': signingKey(-8, seedBytes('messages issuer 0')),
  'issuer-1': signingKey(-7, seedBytes('messages issuer 1')),
  'issuer-2': signingKey(-19, seedBytes('messages issuer 2')),
};
const key = (name: string): SigningKey => KEYS[name]!;

/** UEID type 0x01 (RAND) and 16 bytes (RFC 9711 §4.2.1), as hemkit chips emit it. */
export const UEID = Uint8Array.of(0x01, ...bytes16('messages chip ueid'));
export const OTHER_UEID = Uint8Array.of(0x01, ...bytes16('messages other chip ueid'));
export const HWMODEL = utf8('hemkit-sim-a1');
/** The simulated manufacturer's OEM id (RFC 9711 §4.2.3, random form). */
export const OEMID = seedBytes('messages oemid').subarray(0, 16);
export const FIRMWARE = digestOf('hemkit simulated firmware v1');
export const FIRMWARE_V2 = digestOf('hemkit simulated firmware v2');
export const LICENCE_ID = bytes16('messages licence 1');
export const REVOCATION_ID = bytes16('messages revocation 1');
export const CHALLENGE = digestOf('messages chip challenge');
export const SALT = digestOf('messages salt 1');
export const NONCE = digestOf('messages verifier nonce').subarray(0, 16);
export const DESCRIPTOR = encode(workloadDescriptor.toCbor({ workloadId: 'pretrain-a' }));
/** Model-state digests (log-entry.md §3.1): SHA-256 over weights, here over fixed labels. */
export const MODEL_STATE_BASE = digestOf('messages model state: base');
export const MODEL_STATE_OTHER = digestOf('messages model state: other');
export const MODEL_STATE_TUNED = digestOf('messages model state: tuned');

export const COUNTERS: Counters = {
  totalOps: 3n * 10n ** 21n,
  opsByPrecision: new Map([[4, 3n * 10n ** 21n]]),
  busyChipSeconds: 3600,
  interconnectBytes: 5n * 10n ** 12n,
  workloadsRun: 1,
};

export const LICENCE_STATE: LicenceState = { licenceId: LICENCE_ID, remainingQuota: 10n ** 24n - 3n * 10n ** 21n, expiry: T0 + 86_400, sequenceNumber: 1 };

export const DEVICE_CERTIFICATE_CLAIMS: DeviceCertificateClaims = {
  iss: 'hemkit-sim-fab',
  iat: T0,
  exp: T0 + 10 * 365 * 86_400,
  ueid: UEID,
  oemid: OEMID,
  hwmodel: HWMODEL,
  cnf: { coseKey: key('device').publicKey },
};

export const AK_CERTIFICATE_CLAIMS: AttestationKeyCertificateClaims = {
  ueid: UEID,
  iat: T0,
  measurement: FIRMWARE,
  svn: 1,
  cnf: { coseKey: key('attestation').publicKey },
};

export const FIRMWARE_MANIFEST_CLAIMS: FirmwareManifestClaims = { hwmodel: HWMODEL, measurement: FIRMWARE_V2, svn: 2, iat: T0 };

export const LICENCE_CLAIMS: LicenceClaims = {
  licenceId: LICENCE_ID,
  ueid: UEID,
  sequenceNumber: 1,
  notBefore: T0,
  expiry: T0 + 86_400,
  issuedAt: T0 - 60,
  opsQuota: 10n ** 24n,
  maxClusterSize: 1024,
  maxInterconnectBandwidth: 400_000_000_000,
  precisionClasses: [4, 6],
  chipChallenge: CHALLENGE,
};

export const LICENCE_REQUEST_CLAIMS: LicenceRequestClaims = {
  ueid: UEID,
  chipChallenge: CHALLENGE,
  issuedAt: T0 + 7200,
  bootcount: 1,
  counters: COUNTERS,
  sequenceNumber: 1,
  licenceState: LICENCE_STATE,
};

export const REVOCATION_CLAIMS: RevocationClaims = { revocationId: REVOCATION_ID, ueid: UEID, revokedLicences: [LICENCE_ID], issuedAt: T0 + 3600 };

/** Issuers 0 and 1 replace the set with issuers 2, 3 and 4, 2 of 3 (licence.md §5a). */
export const ISSUER_SET_UPDATE_CLAIMS: IssuerSetUpdateClaims = {
  ueid: UEID,
  issuerSetSequence: 1,
  issuerKeys: [key('issuer-2'), signingKey(-8, seedBytes('messages issuer 3')), signingKey(-8, seedBytes('messages issuer 4'))].map((k) => k.publicKey),
  issuerThreshold: 2,
  issuedAt: T0 + 1800,
};

const commitment = workloadCommitment(SALT, DESCRIPTOR);
const licenceHash = digestOf('messages licence 1 bytes');

/** The log behind the checkpoints and receipts: boot, licence installed, workload started and finished. */
export const LOG: readonly LogEntry[] = [
  { index: 0, time: T0, bootCount: 1, kind: EVENT.boot, details: { firmwareMeasurement: FIRMWARE, svn: 1 } },
  { index: 1, time: T0, bootCount: 1, kind: EVENT.licenceInstalled, details: { licenceId: LICENCE_ID, licenceHash, sequenceNumber: 1 } },
  { index: 2, time: T0 + 10, bootCount: 1, kind: EVENT.workloadStarted, details: { workloadCommitment: commitment, precisionClass: 4, clusterSize: 8 } },
  { index: 3, time: T0 + 3610, bootCount: 1, kind: EVENT.workloadFinished, details: { workloadCommitment: commitment, ops: 3n * 10n ** 21n, busyChipSeconds: 3600, interconnectBytes: 5n * 10n ** 12n } },
];
export const LOG_BYTES = LOG.map((e) => encode(logEntry.toCbor(e)));
const leaves = LOG_BYTES.map((e) => hasher.hashLeaf(e));
export const ROOT_2 = merkleRoot(hasher, leaves.slice(0, 2));
export const ROOT_4 = merkleRoot(hasher, leaves);

export const CHECKPOINT_CLAIMS: CheckpointClaims = { ueid: UEID, issuedAt: T0 + 3620, bootcount: 1, treeSize: 4, rootHash: ROOT_4, counters: COUNTERS };

export const REPORT_CLAIMS: AttestationReportClaims = {
  nonce: NONCE,
  ueid: UEID,
  oemid: OEMID,
  hwmodel: HWMODEL,
  measurement: FIRMWARE,
  dbgstat: 3,
  bootcount: 1,
  profile: HEMKIT_EAT_PROFILE,
  issuedAt: T0 + 3630,
  svn: 1,
  counters: COUNTERS,
  logHead: { treeSize: 4, rootHash: ROOT_4 },
  licenceState: LICENCE_STATE,
  lockState: LOCK.unlocked,
};

/** The signed messages, as the chip, the manufacturer and the issuers would emit them. */
/** A chip's note origin and log-key certificate claims (checkpoint.md §2.1, §2.2). */
export const LOG_ORIGIN = noteOrigin('example.com', bytes16('messages log id'));
export const LOG_KEY_CERTIFICATE_CLAIMS: LogKeyCertificateClaims = { ueid: UEID, cnf: { coseKey: key('log').publicKey }, origin: LOG_ORIGIN };
export const LOG_KEY = key('log');

export const SIGNED = (() => {
  const issuers = ['issuer-0', 'issuer-1', 'issuer-2'].map(key);
  const kOfN = <T>(type: SignedType<T>, claims: T, which: readonly number[]) => signStatement(type, claims, which.map((i) => issuers[i]!));
  const ak = key('attestation');
  return {
    deviceCertificate: signClaims(deviceCertificateClaims, DEVICE_CERTIFICATE_CLAIMS, key('manufacturer')),
    attestationKeyCertificate: signClaims(attestationKeyCertificateClaims, AK_CERTIFICATE_CLAIMS, key('device')),
    firmwareManifest: signClaims(firmwareManifestClaims, FIRMWARE_MANIFEST_CLAIMS, key('manufacturer')),
    licence: kOfN(licenceClaims, LICENCE_CLAIMS, [0, 1]),
    revocation: kOfN(revocationClaims, REVOCATION_CLAIMS, [1, 2]),
    issuerSetUpdate: kOfN(issuerSetUpdateClaims, ISSUER_SET_UPDATE_CLAIMS, [0, 1]),
    licenceRequest: signClaims(licenceRequestClaims, LICENCE_REQUEST_CLAIMS, ak),
    checkpoint2: signClaims(checkpointClaims, { ...CHECKPOINT_CLAIMS, issuedAt: T0 + 5, treeSize: 2, rootHash: ROOT_2, counters: { ...COUNTERS, totalOps: 0n, opsByPrecision: new Map(), busyChipSeconds: 0, interconnectBytes: 0n, workloadsRun: 0 } }, ak),
    checkpoint4: signClaims(checkpointClaims, CHECKPOINT_CLAIMS, ak),
    consistency2to4: signConsistencyReceipt(ak, { treeSize1: 2, treeSize2: 4, path: consistencyProof(hasher, leaves, 2, 4) }, ROOT_4),
    inclusion2: signInclusionReceipt(ak, { treeSize: 4, leafIndex: 2, path: inclusionProof(hasher, leaves, 2) }, ROOT_4),
    inclusion3: signInclusionReceipt(ak, { treeSize: 4, leafIndex: 3, path: inclusionProof(hasher, leaves, 3) }, ROOT_4),
    report: signClaims(attestationReportClaims, REPORT_CLAIMS, ak),
    logKeyCertificate: signClaims(logKeyCertificateClaims, LOG_KEY_CERTIFICATE_CLAIMS, key('device')),
  };
})();

export const ISSUER_KEYS = ['issuer-0', 'issuer-1', 'issuer-2'].map((n) => key(n).publicKey);
export const MANUFACTURER_KEY = key('manufacturer').publicKey;
export const DEVICE_KEY = key('device').publicKey;
export const ATTESTATION_KEY = key('attestation');
