/** Types shared by several message families (specs/cddl/hemkit.cddl §1, §2). */
import { sha256 } from '@noble/hashes/sha2.js';
import { encode } from '../cbor/index.js';
import { decodeCoseKey, encodeCoseKey, type CosePublicKey } from '../cose/index.js';
import { HemkitError } from '../errors.js';
import {
  arrayOf,
  bytes,
  counter,
  digest,
  field,
  invalid,
  mapOf,
  MISS,
  oneOf,
  optional,
  record,
  time,
  uint,
  withReader,
  type WireType,
} from './schema.js';

/** Claim keys (registries.md §b): registered CWT/EAT claims and hemkit's private-use block. */
export const CLAIM = {
  iss: 1,
  aud: 3,
  exp: 4,
  nbf: 5,
  iat: 6,
  cti: 7,
  cnf: 8,
  eatNonce: 10,
  ueid: 256,
  oemid: 258,
  hwmodel: 259,
  dbgstat: 263,
  eatProfile: 265,
  submods: 266,
  bootcount: 267,
  earStatus: 1000,
  earTrustworthinessVector: 1001,
  earRawEvidence: 1002,
  earAppraisalPolicyIds: 1003,
  earVerifierId: 1004,
  counters: -72001,
  logHead: -72002,
  licenceState: -72003,
  lockState: -72004,
  treeSize: -72005,
  rootHash: -72006,
  sequenceNumber: -72017,
  opsQuota: -72018,
  maxClusterSize: -72019,
  maxInterconnectBandwidth: -72020,
  precisionClasses: -72021,
  chipChallenge: -72022,
  revokedLicences: -72023,
  minimumSvn: -72024,
  issuerKeys: -72025,
  issuerThreshold: -72026,
  issuerSetSequence: -72027,
  memoryQuota: -72028,
  svn: -72033,
  measurement: -72034,
  logOrigin: -72035,
  firmwareKind: -72036,
  checks: -72049,
} as const;

export const ueid = bytes(7, 33);
export const nonce = bytes(8, 64);
/**
 * RFC 9711 §4.2.3 oemid, profiled to its random form: 16 bytes the manufacturer draws once
 * (specs/messages/device-certificate.md §1.1). The IEEE (3-byte) and PEN (integer) forms are refused.
 */
export const oemid = bytes(16);
/** RFC 9711 §4.2.4: meaningful only relative to the oemid beside it. */
export const hwmodel = bytes(1, 32);
export const licenceId = bytes(16);
export const revocationId = bytes(16);
export const chipChallenge = bytes(32);
export const salt = bytes(32);

/** Precision classes (registries.md §e). */
export const PRECISION = { fp64: 1, fp32: 2, tf32: 3, bf16: 4, fp16: 5, fp8: 6, fp4: 7, int8: 8, int4: 9 } as const;
export type PrecisionClass = (typeof PRECISION)[keyof typeof PRECISION];
export const precisionClass: WireType<PrecisionClass> = oneOf('precision-class', Object.values(PRECISION));
export const PRECISION_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(PRECISION).map(([n, v]) => [v, n]));

/** Lock states (specs/messages/attestation-report.md). */
export const LOCK = {
  unlocked: 0,
  noLicence: 1,
  licenceExpired: 2,
  licenceExhausted: 3,
  licenceRevoked: 4,
  tamper: 5,
  rollback: 6,
} as const;
export type LockState = (typeof LOCK)[keyof typeof LOCK];
export const lockState: WireType<LockState> = oneOf('lock-state', Object.values(LOCK));
export const LOCK_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(LOCK).map(([n, v]) => [v, n]));
export const CLAIM_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(CLAIM).map(([n, v]) => [v, n]));

export const counters = record('counters', {
  totalOps: field(1, counter),
  opsByPrecision: field(2, mapOf(precisionClass, counter)),
  busyChipSeconds: field(3, uint),
  interconnectBytes: field(4, counter),
  workloadsRun: field(5, uint),
  /** Bytes moved between the chip and its attached memory (attestation-report.md §2); absent while 0. */
  memoryBytes: optional(6, counter),
});
export type Counters = ReturnType<typeof counters.parse>;

export const ZERO_COUNTERS: Counters = {
  totalOps: 0n,
  opsByPrecision: new Map(),
  busyChipSeconds: 0,
  interconnectBytes: 0n,
  workloadsRun: 0,
};

export const licenceState = record('licence-state', {
  licenceId: field(1, licenceId),
  remainingQuota: field(2, counter),
  expiry: field(3, time),
  sequenceNumber: field(4, uint),
  /** What remains of the licence's memory-transfer quota; absent when the licence has none. */
  remainingMemoryQuota: optional(5, counter),
});
export type LicenceState = ReturnType<typeof licenceState.parse>;

/**
 * The module's live log head when it signed a report (specs/messages/attestation-report.md §1): the
 * report is itself a checkpoint, so no counted work can sit after the last one a verifier sees.
 */
export const logHead = record('log-head', {
  treeSize: field(1, uint),
  rootHash: field(2, digest),
});
export type LogHead = ReturnType<typeof logHead.parse>;

/**
 * Hash algorithms a measurement may name: the IANA "Named Information Hash Algorithm" registry, as
 * RFC 9393 (hash-entry) and CoRIM's digest use it. v1 admits SHA-256 only; the identifier is
 * on the wire so that a later profile can add another without reinterpreting v1 bytes.
 */
export const HASH_ALG = { sha256: 1 } as const;

/**
 * The firmware measurement (specs/messages/device-certificate.md §2): an RFC 9393 hash-entry
 * `[hash-alg-id, hash-value]`, the SHA-256 digest of the firmware image. Not RFC 9711's measurements
 * claim, which needs a Content-Format for its content (decisions.md §3(d)).
 */
export const firmwareMeasurement: WireType<Uint8Array> = withReader<Uint8Array, WireType<Uint8Array>>({
  description: '[1, digest]',
  parse(value, path) {
    const [alg, hash] = arrayOf(bytesOrInt, { min: 2, max: 2 }).parse(value, path) as [number | Uint8Array, number | Uint8Array];
    if (alg !== HASH_ALG.sha256) throw invalid(`${path}[0]`, `hash algorithm must be ${HASH_ALG.sha256} (sha-256)`);
    if (!(hash instanceof Uint8Array)) throw invalid(`${path}[1]`, 'expected a byte string');
    return digest.parse(hash, `${path}[1]`);
  },
  toCbor: (value) => [HASH_ALG.sha256, value],
}, (c) => {
  // Only what parse accepts as it is: [1, a 32-byte string].
  if (c.enter(4) !== 2 || c.value() !== HASH_ALG.sha256) return MISS;
  const hash = c.value();
  if (!(hash instanceof Uint8Array) || hash.length !== 32) return MISS;
  c.leave();
  return hash;
});
const bytesOrInt: WireType<number | Uint8Array> = {
  description: 'int / bstr',
  parse(value, path) {
    if (typeof value === 'number' || value instanceof Uint8Array) return value;
    throw invalid(path, 'expected an integer or a byte string');
  },
  toCbor: (v) => v,
};

/** A public COSE_Key as hemkit accepts it (specs/cose.md §7). */
export const publicKey: WireType<CosePublicKey> = {
  description: 'hemkit-public-key',
  parse(value, path) {
    try {
      return decodeCoseKey(value);
    } catch (e) {
      if (e instanceof HemkitError) throw invalid(path, e.message);
      throw e;
    }
  },
  toCbor: (key) => encodeCoseKey(key),
};

/** RFC 8747 cnf claim holding a COSE_Key (cnf key 1). */
export const cnfKey = record('cnf-cose-key', { coseKey: field(1, publicKey) });

/**
 * The kid of a key: its COSE Key Thumbprint (RFC 9679) with SHA-256 over the deterministic encoding
 * of the required public parameters only (specs/cose.md §7.1).
 */
export function keyThumbprint(key: CosePublicKey, hash: (data: Uint8Array) => Uint8Array = sha256): Uint8Array {
  const { keyType, curve, scheme, publicKey: raw } = key;
  return hash(encode(encodeCoseKey({ keyType, curve, scheme, publicKey: raw })));
}
