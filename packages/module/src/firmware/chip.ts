/**
 * The secure module's firmware logic: a deterministic state machine that takes a command and returns
 * a response, like a TPM or an SPDM responder (specs/messages/module-commands.md). Pure apart from
 * the injected environment: the same state, request, clock, entropy and log give the same result.
 *
 * Every refusal is a HemkitError with a stable code; refusals that matter for governance (licences,
 * workloads) are also logged, so the state changes even when the response is an error.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decode, encode } from '@hemkit/wire/cbor';
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
import {
  attestationKeyCertificateClaims,
  attestationReportClaims,
  checkpointClaims,
  CMD,
  deviceCertificateClaims,
  encodeResponse,
  firmwareManifestClaims,
  HEMKIT_EAT_PROFILE,
  LOCK,
  LOCK_NAMES,
  licenceRequestClaims,
  openClaims,
  parseRequest,
  renderSignedNote,
  signClaims,
  signConsistencyReceipt,
  signInclusionReceipt,
  STATUS_ERROR,
  STATUS_OK,
  workloadCommitment,
  ZERO_COUNTERS,
  type CommandId,
  type Counters,
  type LicenceState,
  type ModuleRequest,
  type ModuleResponse,
  type ParamsOf,
  type ResultOf,
  type SigningKey,
} from '@hemkit/wire/messages';
import type { ModuleEnv } from './env.js';
import { deriveAttestationKey, deriveDeviceIdentityKey } from './keys.js';
import { checkLicence, checkRevocation, licenceHash } from './licence.js';
import { appendEntry } from './log.js';
import type { ChipState, Provisioning } from './state.js';
import { bytesEqual, toHex } from '@hemkit/wire/bytes';

/** The firmware a simulated chip ships with: its measurement is the SHA-256 of this label. */
export const FACTORY_FIRMWARE = sha256(new TextEncoder().encode('hemkit simulated firmware v1'));
export const FACTORY_SVN = 1;
/**
 * The simulated part's datasheet peak: operations per second, all precision classes together. It is a
 * simulation's fast-forward (about 10^9 times a 2025 accelerator's dense BF16 rate), so that the
 * frontier-scale runs of the demo and the vectors fit in simulated seconds; verifiers take it as the
 * model's reference value (specs/verifier.md §3), which bounds reported usage by their own clock. The
 * tests of that bound use a realistic rate.
 */
export const SIM_PEAK_OPS_PER_SECOND = 10n ** 24n;

export interface Outcome {
  readonly state: ChipState | undefined;
  readonly response: ModuleResponse;
}

const keyCache = new Map<string, SigningKey>();
/** The attestation key for the running firmware (DICE: UDS and measurement), cached per pair. */
export function attestationKey(state: ChipState, env: ModuleEnv): SigningKey {
  const id = `${toHex(state.uds)}/${toHex(state.firmwareMeasurement)}/${state.keyAlg}`;
  let key = keyCache.get(id);
  if (key === undefined) {
    key = deriveAttestationKey(state.uds, state.firmwareMeasurement, state.keyAlg, env.backend);
    if (keyCache.size > 1024) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

export function deviceIdentityKey(state: ChipState, env: ModuleEnv): SigningKey {
  return deriveDeviceIdentityKey(state.uds, state.keyAlg, env.backend);
}

/** Decodes and executes one request; never throws for bad input, only for bugs. */
export function handleBytes(state: ChipState | undefined, request: Uint8Array, env: ModuleEnv): { state: ChipState | undefined; response: Uint8Array } {
  let parsed: ModuleRequest;
  try {
    parsed = parseRequest(decode(request));
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    return { state, response: encode(encodeResponse({ status: STATUS_ERROR, error: { code: e.code, message: e.message } })) };
  }
  const outcome = handle(state, parsed, env);
  return { state: outcome.state, response: encode(encodeResponse(outcome.response)) };
}

/** Executes one decoded request. */
export function handle(state: ChipState | undefined, request: ModuleRequest, env: ModuleEnv): Outcome {
  const fail = (s: ChipState | undefined, e: HemkitError): Outcome => ({
    state: s,
    response: { command: request.command, requestId: request.requestId, status: STATUS_ERROR, error: { code: e.code, message: e.message } },
  });
  try {
    if (request.command === CMD.manufacture) {
      if (state !== undefined) throw new HemkitError('MODULE_ALREADY_MANUFACTURED', 'this chip already has an identity');
      const [s, result] = manufacture(request.params as ParamsOf<typeof CMD.manufacture>, env);
      return ok(s, request, result);
    }
    if (state === undefined) throw new HemkitError('MODULE_NOT_MANUFACTURED', 'the chip has no identity: manufacture it first');
    const now = env.now();
    if (now < state.lastTime) {
      throw new HemkitError('CLOCK_WENT_BACKWARDS', `time ${now} is earlier than ${state.lastTime}, the latest the chip has seen`);
    }
    let s: ChipState = { ...state, lastTime: now };
    s = expireLicence(s, env);
    const work = new Work(s, env);
    try {
      const result = dispatch(work, request);
      return ok(work.state, request, result as ResultOf<CommandId>);
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      // Time and any entries logged before the refusal (licence-rejected, workload-refused) persist.
      return fail(work.state, e);
    }
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    return fail(state, e);
  }
}

function ok<C extends CommandId>(state: ChipState, request: ModuleRequest, result: ResultOf<C>): Outcome {
  return { state, response: { command: request.command, requestId: request.requestId, status: STATUS_OK, result } as ModuleResponse };
}

/** A command in progress: the state as it changes, and the environment. */
class Work {
  constructor(
    public state: ChipState,
    readonly env: ModuleEnv,
  ) {}

  log<K extends Parameters<typeof appendEntry>[2]>(kind: K, details: Parameters<typeof appendEntry<K>>[3]): number {
    const { state, index } = appendEntry(this.state, this.env, kind, details);
    this.state = state;
    return index;
  }

  provisioned(): Provisioning {
    if (this.state.provisioning === undefined) throw new HemkitError('MODULE_NOT_PROVISIONED', 'provision the chip first');
    return this.state.provisioning;
  }

  /** Metering and unlocking stop once the chip has seen a rollback or tamper. */
  notRefusing(): void {
    if (this.state.refusing) {
      throw new HemkitError('MODULE_REFUSING', `the chip is in a refusing state (lock state ${LOCK_NAMES.get(this.state.lockState)}): its state was rolled back or tampered with`);
    }
  }
}

function dispatch(w: Work, request: ModuleRequest): unknown {
  switch (request.command) {
    case CMD.provision:
      return provision(w, request.params as ParamsOf<typeof CMD.provision>);
    case CMD.installLicence:
      return installLicence(w, request.params as ParamsOf<typeof CMD.installLicence>);
    case CMD.requestLicence:
      return requestLicence(w);
    case CMD.applyRevocation:
      return applyRevocation(w, request.params as ParamsOf<typeof CMD.applyRevocation>);
    case CMD.runWorkload:
      return runWorkload(w, request.params as ParamsOf<typeof CMD.runWorkload>);
    case CMD.attest:
      return attest(w, request.params as ParamsOf<typeof CMD.attest>);
    case CMD.checkpoint:
      return checkpoint(w);
    case CMD.proveInclusion:
      return proveInclusion(w, request.params as ParamsOf<typeof CMD.proveInclusion>);
    case CMD.proveConsistency:
      return proveConsistency(w, request.params as ParamsOf<typeof CMD.proveConsistency>);
    case CMD.status:
      return status(w);
    case CMD.firmwareUpdate:
      return firmwareUpdate(w, request.params as ParamsOf<typeof CMD.firmwareUpdate>);
    case CMD.manufacture:
      throw new HemkitError('MODULE_ALREADY_MANUFACTURED', 'this chip already has an identity');
  }
}

// ----- manufacture, provision, boot -----

function manufacture(params: ParamsOf<typeof CMD.manufacture>, env: ModuleEnv): [ChipState, ResultOf<typeof CMD.manufacture>] {
  const uds = params.uds ?? env.random(32);
  if (uds.length !== 32) throw new HemkitError('MODULE_INVALID_PARAMS', 'the UDS must be 32 bytes');
  // RFC 9711 §4.2.1: UEID type 0x01 (RAND) and 16 random bytes.
  const ueid = new Uint8Array([0x01, ...env.random(16)]);
  const state: ChipState = {
    uds,
    ueid,
    hwmodel: params.hwmodel,
    keyAlg: params.keyAlg ?? -8,
    firmwareMeasurement: FACTORY_FIRMWARE,
    svn: FACTORY_SVN,
    bootcount: 0,
    dbgstat: 3, // disabled permanently: a production part
    counters: ZERO_COUNTERS,
    lockState: LOCK.noLicence,
    appliedLicenceHashes: [],
    revokedLicences: [],
    appliedRevocations: [],
    lastTime: env.now(),
    logSize: 0,
    refusing: false,
  };
  return [state, { ueid, deviceIdentityKey: deviceIdentityKey(state, env).publicKey }];
}

function provision(w: Work, params: ParamsOf<typeof CMD.provision>): ResultOf<typeof CMD.provision> {
  const s = w.state;
  if (s.provisioning !== undefined) throw new HemkitError('MODULE_ALREADY_PROVISIONED', 'this chip is already provisioned');
  let cert;
  try {
    cert = openClaims(deviceCertificateClaims, params.deviceCertificate, params.manufacturerKey, w.env.backend);
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    throw new HemkitError('DEVICE_CERTIFICATE_INVALID', `the device certificate does not verify under the manufacturer key: ${e.code}`, { cause: e });
  }
  const identity = deviceIdentityKey(s, w.env);
  if (!bytesEqual(cert.ueid, s.ueid) || !bytesEqual(cert.hwmodel, s.hwmodel) || !bytesEqual(cert.cnf.coseKey.publicKey, identity.publicKey.publicKey)) {
    throw new HemkitError('DEVICE_CERTIFICATE_INVALID', 'the device certificate names another chip, model or key');
  }
  const n = params.issuerKeys.length;
  if (params.issuerThreshold < 1 || params.issuerThreshold > n) {
    throw new HemkitError('MODULE_INVALID_PARAMS', `the issuer threshold must be between 1 and ${n}`);
  }
  w.state = {
    ...s,
    provisioning: {
      deviceCertificate: params.deviceCertificate,
      manufacturerKey: params.manufacturerKey,
      issuerKeys: params.issuerKeys,
      issuerThreshold: params.issuerThreshold,
      replayDefence: [...new Set(params.replayDefence)].sort(),
      ...(params.itemisationThreshold !== undefined ? { itemisationThreshold: params.itemisationThreshold } : {}),
    },
  };
  boot(w);
  return { attestationKeyCertificate: w.state.attestationKeyCertificate! };
}

/**
 * A boot: the boot count goes up, the attestation key for the running firmware is derived and
 * certified by the device identity key, and the boot is logged with the measurement and SVN.
 */
function boot(w: Work): void {
  const s = w.state;
  w.state = { ...s, bootcount: s.bootcount + 1 };
  const key = attestationKey(w.state, w.env);
  const certificate = signClaims(
    attestationKeyCertificateClaims,
    { ueid: s.ueid, iat: s.lastTime, measurement: s.firmwareMeasurement, svn: s.svn, cnf: { coseKey: key.publicKey } },
    deviceIdentityKey(s, w.env),
    w.env.backend,
  );
  w.state = { ...w.state, attestationKeyCertificate: certificate };
  w.log(1, { firmwareMeasurement: s.firmwareMeasurement, svn: s.svn });
}

/** Boots a manufactured and provisioned chip at the start of a device process. */
export function bootChip(state: ChipState, env: ModuleEnv): ChipState {
  const now = env.now();
  const w = new Work({ ...state, lastTime: Math.max(now, state.lastTime) }, env);
  if (state.provisioning !== undefined) boot(w);
  return w.state;
}

/**
 * Records a detected state rollback: logged, and the chip refuses to meter or unlock from then on
 * (its reports show lock state `rollback`). Called by the device adapter when its state store finds
 * a restored older copy.
 */
export function enterRollbackState(state: ChipState, env: ModuleEnv, reason: string): ChipState {
  const w = new Work({ ...state, lastTime: Math.max(env.now(), state.lastTime) }, env);
  w.state = { ...w.state, refusing: true, lockState: LOCK.rollback };
  w.log(11, { reason });
  return w.state;
}

// ----- licences -----

function expireLicence(s: ChipState, env: ModuleEnv): ChipState {
  if (s.licence === undefined || s.lastTime < s.licence.expiry || s.lockState !== LOCK.unlocked) return s;
  const w = new Work({ ...s, lockState: LOCK.licenceExpired }, env);
  w.log(4, { licenceId: s.licence.licenceId });
  return w.state;
}

function installLicence(w: Work, params: ParamsOf<typeof CMD.installLicence>): ResultOf<typeof CMD.installLicence> {
  w.notRefusing();
  const policy = w.provisioned();
  let accepted;
  try {
    accepted = checkLicence(w.state, policy, params.licence, w.env);
  } catch (e) {
    if (e instanceof HemkitError) w.log(3, { licenceHash: licenceHash(params.licence), reason: e.code });
    throw e;
  }
  const c = accepted.claims;
  w.state = {
    ...w.state,
    licence: {
      licenceId: c.licenceId,
      sequenceNumber: c.sequenceNumber,
      notBefore: c.notBefore,
      expiry: c.expiry,
      opsQuota: c.opsQuota,
      remainingQuota: c.opsQuota,
      precisionClasses: c.precisionClasses,
      ...(c.maxClusterSize !== undefined ? { maxClusterSize: c.maxClusterSize } : {}),
      ...(c.maxInterconnectBandwidth !== undefined ? { maxInterconnectBandwidth: c.maxInterconnectBandwidth } : {}),
    },
    lockState: c.opsQuota === 0n ? LOCK.licenceExhausted : LOCK.unlocked,
    highestSequence: Math.max(c.sequenceNumber, w.state.highestSequence ?? 0),
    appliedLicenceHashes: [...w.state.appliedLicenceHashes, accepted.hash],
  };
  // The challenge is single-use: answered once, it cannot admit a second licence.
  const { pendingChallenge: _answered, ...rest } = w.state;
  w.state = rest;
  const logIndex = w.log(2, { licenceId: c.licenceId, licenceHash: accepted.hash, sequenceNumber: c.sequenceNumber });
  return { licenceId: c.licenceId, logIndex };
}

function requestLicence(w: Work): ResultOf<typeof CMD.requestLicence> {
  w.notRefusing();
  w.provisioned();
  const challenge = w.env.random(32);
  w.state = { ...w.state, pendingChallenge: challenge };
  const s = w.state;
  const request = signClaims(
    licenceRequestClaims,
    {
      ueid: s.ueid,
      chipChallenge: challenge,
      issuedAt: s.lastTime,
      bootcount: s.bootcount,
      counters: s.counters,
      ...(s.highestSequence !== undefined ? { sequenceNumber: s.highestSequence } : {}),
      ...(licenceStateOf(s) ? { licenceState: licenceStateOf(s)! } : {}),
    },
    attestationKey(s, w.env),
    w.env.backend,
  );
  return { licenceRequest: request };
}

function applyRevocation(w: Work, params: ParamsOf<typeof CMD.applyRevocation>): ResultOf<typeof CMD.applyRevocation> {
  w.notRefusing();
  const claims = checkRevocation(w.state, w.provisioned(), params.revocation, w.env);
  const ids = claims.revokedLicences;
  const active = w.state.licence;
  const hitsActive = active !== undefined && ids.some((id) => bytesEqual(id, active.licenceId));
  w.state = {
    ...w.state,
    revokedLicences: [...w.state.revokedLicences, ...ids],
    appliedRevocations: [...w.state.appliedRevocations, claims.revocationId],
    ...(hitsActive ? { lockState: LOCK.licenceRevoked } : {}),
  };
  return { logIndex: w.log(12, { revocationId: claims.revocationId, licenceIds: ids }) };
}

function licenceStateOf(s: ChipState): LicenceState | undefined {
  const l = s.licence;
  if (l === undefined) return undefined;
  return { licenceId: l.licenceId, remainingQuota: l.remainingQuota, expiry: l.expiry, sequenceNumber: l.sequenceNumber };
}

// ----- workloads -----

function runWorkload(w: Work, params: ParamsOf<typeof CMD.runWorkload>): ResultOf<typeof CMD.runWorkload> {
  w.notRefusing();
  w.provisioned();
  const salt = w.env.random(32);
  const commitment = workloadCommitment(salt, params.workloadDescriptor);
  const refuse = (code: ErrorCode, message: string): never => {
    w.log(8, { workloadCommitment: commitment, reason: code });
    throw new HemkitError(code, message);
  };
  const licence = w.state.licence;
  if (licence === undefined || w.state.lockState !== LOCK.unlocked) {
    return refuse('WORKLOAD_LOCKED', `the chip is locked (${LOCK_NAMES.get(w.state.lockState)}): no licence admits workloads`);
  }
  if (!licence.precisionClasses.includes(params.precisionClass)) {
    refuse('WORKLOAD_PRECISION_NOT_ALLOWED', `precision class ${params.precisionClass} is not in the licence (${licence.precisionClasses.join(', ')})`);
  }
  if (licence.maxClusterSize !== undefined && (params.clusterSize ?? 1) > licence.maxClusterSize) {
    refuse('WORKLOAD_CLUSTER_TOO_LARGE', `cluster size ${params.clusterSize} exceeds the licence's maximum ${licence.maxClusterSize}`);
  }
  if (licence.maxInterconnectBandwidth !== undefined && params.interconnectBytes !== undefined) {
    const seconds = BigInt(Math.max(1, params.busyChipSeconds ?? 1));
    if (params.interconnectBytes > BigInt(licence.maxInterconnectBandwidth) * seconds) {
      refuse('WORKLOAD_INTERCONNECT_EXCEEDED', `${params.interconnectBytes} interconnect bytes in ${seconds} s exceed ${licence.maxInterconnectBandwidth} bytes/s`);
    }
  }
  if (params.ops > licence.remainingQuota) {
    refuse('WORKLOAD_OVER_QUOTA', `the workload declares ${params.ops} operations; ${licence.remainingQuota} remain in the quota`);
  }
  const startedIndex = w.log(6, {
    workloadCommitment: commitment,
    precisionClass: params.precisionClass,
    ...(params.clusterSize !== undefined ? { clusterSize: params.clusterSize } : {}),
  });
  w.state = { ...w.state, counters: addUsage(w.state.counters, params) };
  const finishedIndex = w.log(7, {
    workloadCommitment: commitment,
    ops: params.ops,
    ...(params.busyChipSeconds !== undefined ? { busyChipSeconds: params.busyChipSeconds } : {}),
    ...(params.interconnectBytes !== undefined ? { interconnectBytes: params.interconnectBytes } : {}),
  });
  const remainingQuota = licence.remainingQuota - params.ops;
  w.state = { ...w.state, licence: { ...licence, remainingQuota } };
  if (remainingQuota === 0n) {
    w.state = { ...w.state, lockState: LOCK.licenceExhausted };
    w.log(5, { licenceId: licence.licenceId });
  }
  return { salt, startedIndex, finishedIndex, remainingQuota };
}

/** Counters only go up: each is a sum of non-negative declared usage. */
function addUsage(c: Counters, p: ParamsOf<typeof CMD.runWorkload>): Counters {
  const byPrecision = new Map(c.opsByPrecision);
  byPrecision.set(p.precisionClass, (byPrecision.get(p.precisionClass) ?? 0n) + p.ops);
  return {
    totalOps: c.totalOps + p.ops,
    opsByPrecision: new Map([...byPrecision].sort(([a], [b]) => a - b)),
    busyChipSeconds: c.busyChipSeconds + (p.busyChipSeconds ?? 0),
    interconnectBytes: c.interconnectBytes + (p.interconnectBytes ?? 0n),
    workloadsRun: c.workloadsRun + 1,
  };
}

// ----- attestation, checkpoints, proofs -----

function attest(w: Work, params: ParamsOf<typeof CMD.attest>): ResultOf<typeof CMD.attest> {
  const policy = w.provisioned();
  const s = w.state;
  const licenceState = licenceStateOf(s);
  const report = signClaims(
    attestationReportClaims,
    {
      nonce: params.nonce,
      ueid: s.ueid,
      hwmodel: s.hwmodel,
      measurement: s.firmwareMeasurement,
      dbgstat: s.dbgstat as 0 | 1 | 2 | 3 | 4,
      bootcount: s.bootcount,
      profile: HEMKIT_EAT_PROFILE,
      issuedAt: s.lastTime,
      svn: s.svn,
      counters: s.counters,
      lockState: s.lockState,
      // The live head, not the last checkpoint: the counters above are exactly the work its entries
      // record (specs/messages/attestation-report.md §1.1).
      logHead: { treeSize: w.env.log.size, rootHash: w.env.log.root(w.env.log.size) },
      ...(licenceState ? { licenceState } : {}),
    },
    attestationKey(s, w.env),
    w.env.backend,
  );
  return { report, attestationKeyCertificate: s.attestationKeyCertificate!, deviceCertificate: policy.deviceCertificate };
}

function checkpoint(w: Work): ResultOf<typeof CMD.checkpoint> {
  w.provisioned();
  const s = w.state;
  const treeSize = w.env.log.size;
  const rootHash = w.env.log.root(treeSize);
  const key = attestationKey(s, w.env);
  const bytes = signClaims(
    checkpointClaims,
    { ueid: s.ueid, issuedAt: s.lastTime, bootcount: s.bootcount, treeSize, rootHash, counters: s.counters },
    key,
    w.env.backend,
  );
  const note = key.publicKey.scheme === 'ed25519' ? renderSignedNote(s.ueid, treeSize, rootHash, key, w.env.backend) : undefined;
  return { checkpoint: bytes, ...(note ? { note } : {}) };
}

function checkSize(w: Work, size: number): void {
  if (size > w.env.log.size) {
    throw new HemkitError('MODULE_INVALID_PARAMS', `tree size ${size} is beyond the log's ${w.env.log.size} entries`);
  }
}

function proveInclusion(w: Work, params: ParamsOf<typeof CMD.proveInclusion>): ResultOf<typeof CMD.proveInclusion> {
  w.provisioned();
  checkSize(w, params.treeSize);
  if (params.logIndex >= params.treeSize) {
    throw new HemkitError('MODULE_INVALID_PARAMS', `log index ${params.logIndex} is not below tree size ${params.treeSize}`);
  }
  const path = w.env.log.inclusionProof(params.logIndex, params.treeSize);
  const root = w.env.log.root(params.treeSize);
  const receipt = signInclusionReceipt(attestationKey(w.state, w.env), { treeSize: params.treeSize, leafIndex: params.logIndex, path }, root, w.env.backend);
  return { receipt, entry: w.env.log.entry(params.logIndex) };
}

function proveConsistency(w: Work, params: ParamsOf<typeof CMD.proveConsistency>): ResultOf<typeof CMD.proveConsistency> {
  w.provisioned();
  checkSize(w, params.treeSize2);
  if (params.treeSize1 < 1 || params.treeSize1 >= params.treeSize2) {
    throw new HemkitError('MODULE_INVALID_PARAMS', `a consistency receipt needs 0 < size1 < size2 (got ${params.treeSize1}, ${params.treeSize2})`);
  }
  const path = w.env.log.consistencyProof(params.treeSize1, params.treeSize2);
  const root = w.env.log.root(params.treeSize2);
  const receipt = signConsistencyReceipt(
    attestationKey(w.state, w.env),
    { treeSize1: params.treeSize1, treeSize2: params.treeSize2, path },
    root,
    w.env.backend,
  );
  return { receipt };
}

function status(w: Work): ResultOf<typeof CMD.status> {
  const s = w.state;
  const licenceState = licenceStateOf(s);
  return {
    ueid: s.ueid,
    lockState: s.lockState,
    counters: s.counters,
    treeSize: w.env.log.size,
    bootcount: s.bootcount,
    svn: s.svn,
    ...(licenceState ? { licenceState } : {}),
  };
}

// ----- firmware -----

function firmwareUpdate(w: Work, params: ParamsOf<typeof CMD.firmwareUpdate>): ResultOf<typeof CMD.firmwareUpdate> {
  const policy = w.provisioned();
  let manifest;
  try {
    manifest = openClaims(firmwareManifestClaims, params.manifest, policy.manufacturerKey, w.env.backend);
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    throw new HemkitError('FIRMWARE_SIGNATURE_INVALID', `the firmware manifest does not verify under the manufacturer key: ${e.code}`, { cause: e });
  }
  const s = w.state;
  if (!bytesEqual(manifest.hwmodel, s.hwmodel)) {
    throw new HemkitError('FIRMWARE_WRONG_MODEL', 'the firmware manifest is for another hardware model');
  }
  if (manifest.svn < s.svn) {
    throw new HemkitError('FIRMWARE_SVN_DOWNGRADE', `the manifest's SVN ${manifest.svn} is lower than the running SVN ${s.svn}`);
  }
  const logIndex = w.log(9, { previousMeasurement: s.firmwareMeasurement, firmwareMeasurement: manifest.measurement, svn: manifest.svn });
  w.state = { ...w.state, firmwareMeasurement: manifest.measurement, svn: manifest.svn };
  // The update completes with a reboot into the new firmware: a new attestation key (DICE).
  boot(w);
  return { logIndex };
}

