/**
 * The appraisal checks (specs/verifier.md §5), in the order they run. Each takes the typed results of
 * the checks it depends on (./context.ts) and returns its own, or throws a HemkitError with its stable
 * code. A check that finds nothing to check says so with `notApplicable`, and still hands on a value.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { verifySign1, type CosePublicKey } from '@hemkit/wire/cose';
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
import { rememberingHasher, rootFromFrontier } from '@hemkit/wire/merkle';
import {
  attestationKeyCertificateClaims,
  attestationReportClaims,
  checkIssuerSignatures,
  checkpointClaims,
  consistencyReceiptSizes,
  decodeIssuerStatement,
  deviceCertificateClaims,
  EVENT,
  evidenceBundle,
  commitmentHasher,
  finishesWorkload,
  LOCK,
  licenceClaims,
  logEntry,
  logKeyCertificateClaims,
  openSignedNote,
  verifyConsistencyReceipt,
  verifyInclusionReceipt,
  ReceiptSignatures,
  workloadDescriptor,
  type CommitmentHasher,
  type IssuersUpdatedEntry,
  type LicenceClaims,
  type LicenceState,
  type LogEntry,
  type LogEntryOpening,
  type MemoryTransferredEntry,
  decodeAs,
  decodeTypedSign1,
  type SignedType,
} from '@hemkit/wire/messages';
import type { ReferenceValues } from '../inputs.js';
import type { ChipMemory } from '../store/types.js';
import type {
  Anchored,
  AppraisalInputs,
  Attested,
  Covered,
  Decoded,
  DisclosedWorkload,
  LicenceLedger,
  LogPoint,
  OpenedModelStates,
  Proven,
  Signed,
  VerifiedChain,
} from './context.js';
import { bytesEqual, concatBytes, toHex } from '@hemkit/wire/bytes';
import { appliedUpdate, followIssuerChain, issuerSetId, keyIdOf, type IssuerLink } from './issuer-chain.js';

/** What a check hands on, and whether it found anything to check. */
export interface Outcome<T> {
  readonly value: T;
  readonly notApplicable?: string;
}

const pass = <T>(value: T): Outcome<T> => ({ value });
const notApplicable = <T>(reason: string, value: T): Outcome<T> => ({ value, notApplicable: reason });

const short = (b: Uint8Array) => `${toHex(b).slice(0, 16)}…`;
const fail = (code: ErrorCode, message: string): never => {
  throw new HemkitError(code, message);
};

function signedOf<T>(type: SignedType<T>, bytes: Uint8Array): Signed<T> {
  const message = decodeTypedSign1(bytes, type);
  if (message.payload === null) throw new HemkitError('COSE_PAYLOAD_MISSING', `${type.name}: the payload is detached`);
  return { message, claims: decodeAs(type, message.payload, type.name) };
}

/** 1. encoding: the bundle and every message in it decode under the profile, once. */
export function checkEncoding(bytes: Uint8Array): Outcome<Decoded> {
  const bundle = decodeAs(evidenceBundle, bytes, 'evidence-bundle');
  const decoded: Decoded = {
    bundle,
    report: signedOf(attestationReportClaims, bundle.report),
    device: signedOf(deviceCertificateClaims, bundle.deviceCertificate),
    attestationKey: signedOf(attestationKeyCertificateClaims, bundle.attestationKeyCertificate),
    checkpoints: (bundle.checkpoints ?? []).map((c) => signedOf(checkpointClaims, c)),
    entries: (bundle.entries ?? []).map((d) => ({ bytes: d.entry, entry: decodeAs(logEntry, d.entry, 'log-entry'), receipt: d.receipt, opening: d.opening })),
    licences: (bundle.licences ?? []).map((l) => ({ bytes: l, ...decodeIssuerStatement(l, licenceClaims) })),
    logKeyCertificate: bundle.logKeyCertificate === undefined ? undefined : signedOf(logKeyCertificateClaims, bundle.logKeyCertificate),
  };
  for (const r of bundle.consistencyReceipts ?? []) consistencyReceiptSizes(r);
  return pass(decoded);
}

export function chainKey(deviceCertificate: Uint8Array, attestationKeyCertificate: Uint8Array): string {
  return toHex(sha256(concatBytes(sha256(deviceCertificate), sha256(attestationKeyCertificate))));
}

/**
 * The licence cache's key: the statement's bytes and the issuer set and threshold it was checked
 * against, so that a change of issuers (a key dropped, a threshold raised) checks every licence again.
 * The set is the verifier's anchor unless another (one an issuer-set update installed) is given by its id.
 */
export function licenceKey(bytes: Uint8Array, inputs: Pick<AppraisalInputs, 'trust'>, issuerSetId?: string): string {
  return `${toHex(sha256(bytes))}/${issuerSetId ?? trustIds(inputs.trust).issuerSet}`;
}

/**
 * The key ids of a set of trust anchors, computed once per anchors object rather than at every
 * appraisal: the caches compare them on every hit, which is the hot path they exist for.
 */
const trustIdCache = new WeakMap<AppraisalInputs['trust'], { readonly manufacturers: readonly string[]; readonly issuerSet: string }>();
function trustIds(trust: AppraisalInputs['trust']): { readonly manufacturers: readonly string[]; readonly issuerSet: string } {
  let ids = trustIdCache.get(trust);
  if (ids === undefined) {
    const issuers = trust.licenceIssuers;
    ids = {
      manufacturers: trust.manufacturers.map((m) => keyIdOf(m.key)),
      issuerSet: issuerSetId(issuers.keys, issuers.threshold),
    };
    trustIdCache.set(trust, ids);
  }
  return ids;
}

/** 2. certificate chain: manufacturer root → device certificate → attestation-key certificate. */
export function checkChain(d: Decoded, inputs: AppraisalInputs): Outcome<VerifiedChain> {
  const key = chainKey(d.bundle.deviceCertificate, d.bundle.attestationKeyCertificate);
  const cached = inputs.chainCache?.get(key);
  // A chain verified once is not verified again (the bytes are the same), but only while the root
  // that anchored it is still trusted: a cache that outlives a change of trust anchors (a
  // long-running verifier) must not keep affirming chains under a root the verifier dropped.
  const rootIds = trustIds(inputs.trust).manufacturers;
  if (cached !== undefined && rootIds.includes(cached.rootKeyId)) return pass(cached);
  const kid = d.device.message.kid;
  const rootKeyId = kid === undefined ? 'none' : toHex(kid);
  const root = inputs.trust.manufacturers[rootIds.indexOf(rootKeyId)];
  if (root === undefined) return fail('CHAIN_UNTRUSTED_ROOT', `the device certificate's signer (kid ${rootKeyId}) is not a trusted manufacturer`);
  const device = verified(d.device, root.key, inputs, 'device certificate');
  const ak = verified(d.attestationKey, device.cnf.coseKey, inputs, 'attestation-key certificate');
  if (!bytesEqual(device.ueid, ak.ueid)) fail('CHAIN_MISMATCH', 'the two certificates name different chips');
  const chain: VerifiedChain = { device, attestationKeyCertificate: ak, attestationKey: ak.cnf.coseKey, rootKeyId };
  inputs.chainCache?.set(key, chain);
  return pass(chain);
}

function verified<T>(signed: Signed<T>, key: CosePublicKey, inputs: AppraisalInputs, what: string): T {
  try {
    verifySign1(signed.message, key, { backend: inputs.backend });
    return signed.claims;
  } catch (err) {
    if (err instanceof HemkitError && (err.code === 'COSE_SIGNATURE_INVALID' || err.code === 'COSE_KEY_ALG_MISMATCH')) {
      return fail('CHAIN_SIGNATURE_INVALID', `the ${what} does not verify under the key above it (${err.code})`);
    }
    throw err;
  }
}

/** 3. report signature, and the report agrees with its chain. */
export function checkReport(d: Decoded, chain: VerifiedChain, inputs: AppraisalInputs): Outcome<Attested> {
  try {
    verifySign1(d.report.message, chain.attestationKey, { backend: inputs.backend });
  } catch (err) {
    if (err instanceof HemkitError && (err.code === 'COSE_SIGNATURE_INVALID' || err.code === 'COSE_KEY_ALG_MISMATCH')) {
      fail('REPORT_SIGNATURE_INVALID', `the report does not verify under the certified attestation key (${err.code})`);
    }
    throw err;
  }
  const r = d.report.claims;
  const ak = chain.attestationKeyCertificate;
  if (!bytesEqual(r.ueid, chain.device.ueid)) fail('CHAIN_MISMATCH', 'the report names another chip than its certificates');
  if (!bytesEqual(r.oemid, chain.device.oemid)) fail('CHAIN_MISMATCH', 'the report names another OEM than its device certificate');
  if (!bytesEqual(r.hwmodel, chain.device.hwmodel)) fail('CHAIN_MISMATCH', 'the report names another hardware model than its device certificate');
  if (!bytesEqual(r.measurement, ak.measurement) || r.svn !== ak.svn) {
    fail('CHAIN_MISMATCH', 'the report names other firmware than its attestation key was certified for');
  }
  return pass({ decoded: d, chain, report: r });
}

/** 4. revocation of the device, or of any key of its chain, the manufacturer root included. */
export function checkRevocation(a: Attested, inputs: AppraisalInputs): Outcome<true> {
  const { ueids, keyIds } = inputs.trust.revoked;
  if (ueids.includes(toHex(a.report.ueid))) fail('DEVICE_REVOKED', `chip ${toHex(a.report.ueid)} is revoked`);
  const keys = [
    ['manufacturer root key', a.chain.rootKeyId],
    ['device identity key', keyIdOf(a.chain.device.cnf.coseKey)],
    ['attestation key', keyIdOf(a.chain.attestationKey)],
  ] as const;
  for (const [what, id] of keys) if (keyIds.includes(id)) fail('KEY_REVOKED', `the ${what} ${id} is revoked`);
  return pass(true);
}

/** 5. freshness: the verifier's own nonce, used once, and a plausible report time. */
export function checkFreshness(a: Attested, inputs: AppraisalInputs): Outcome<true> {
  const r = a.report;
  const p = inputs.policy;
  if (p.requireNonce) {
    const expected = inputs.expectedNonce;
    if (expected === undefined) return fail('NONCE_MISSING', 'the policy requires a nonce; give the one issued for this report');
    if (!bytesEqual(r.nonce, expected)) fail('NONCE_MISMATCH', `the report answers nonce ${toHex(r.nonce)}, not ${toHex(expected)}`);
    // Before the nonce is used: another chip's report must not spend the challenged chip's nonce.
    checkChallengedChip(r.ueid, inputs.expectedUeid);
    if (!inputs.store.useNonce(r.nonce, inputs.now + p.maxAgeSeconds + p.clockSkewSeconds)) {
      fail('NONCE_REUSED', `nonce ${toHex(r.nonce)} was already used: a replayed report`);
    }
  } else {
    checkChallengedChip(r.ueid, inputs.expectedUeid);
  }
  if (r.issuedAt > inputs.now + p.clockSkewSeconds) fail('REPORT_FROM_FUTURE', `the report claims time ${r.issuedAt}; the verifier's clock says ${inputs.now}`);
  if (inputs.now - r.issuedAt > p.maxAgeSeconds) fail('REPORT_STALE', `the report is ${inputs.now - r.issuedAt} s old; the policy allows ${p.maxAgeSeconds} s`);
  return pass(true);
}

/** The chip the nonce was issued for, when the verifier challenged a particular one (security.md §11). */
function checkChallengedChip(ueid: Uint8Array, expected: Uint8Array | undefined): void {
  if (expected !== undefined && !bytesEqual(ueid, expected)) {
    fail('NONCE_WRONG_CHIP', `the report comes from chip ${toHex(ueid)}; the nonce was issued for chip ${toHex(expected)}`);
  }
}

export type ModelReference = ReferenceValues['models'][number];

/**
 * 6. firmware against reference values; hands on the model's reference values. A model is its OEM id
 * and hardware model together (RFC 9711 §4.2.4: hwmodel means something only relative to an oemid),
 * so another OEM's part of the same name finds no reference values.
 */
export function checkFirmware(a: Attested, inputs: AppraisalInputs): Outcome<ModelReference> {
  const r = a.report;
  const model = new TextDecoder().decode(r.hwmodel);
  const oem = toHex(r.oemid);
  const ref = inputs.reference.models.find((m) => m.oemid === oem && m.hwmodel === model);
  if (ref === undefined) return fail('MODEL_UNKNOWN', `no reference values for hardware model '${model}' of OEM ${oem}`);
  if (!ref.firmware.some((f) => f.measurement === toHex(r.measurement))) {
    fail('FIRMWARE_UNKNOWN', `firmware ${toHex(r.measurement)} is not a known-good measurement for '${model}'`);
  }
  if (r.svn < ref.minimumSvn) fail('FIRMWARE_SVN_TOO_LOW', `SVN ${r.svn} is below the minimum ${ref.minimumSvn} for '${model}'`);
  return pass(ref);
}

/** 7. debug state. */
export function checkDebug(a: Attested, inputs: AppraisalInputs): Outcome<true> {
  if (inputs.policy.requireDebugDisabled && a.report.dbgstat < 2) {
    fail('DEBUG_ENABLED', `debug status ${a.report.dbgstat} (RFC 9711 §4.2.9): the policy requires it disabled`);
  }
  return pass(true);
}

/** 8. the chip's own verdict on its state. */
export function checkLockState(a: Attested): Outcome<true> {
  const s = a.report.lockState;
  if (s === LOCK.rollback || s === LOCK.tamper) {
    fail('CHIP_REPORTS_COMPROMISE', `the chip reports lock state ${s === LOCK.rollback ? 'rollback' : 'tamper'}: its own state was restored or tampered with`);
  }
  return pass(true);
}

/** 9. counters and boot count never lower than remembered. */
export function checkRollback(a: Attested, memory: ChipMemory | undefined): Outcome<true> {
  if (memory === undefined) return notApplicable('first appraisal of this chip: nothing remembered', true);
  const c = a.report.counters;
  if (c.totalOps < memory.totalOps) fail('COUNTERS_WENT_BACKWARDS', `total operations ${c.totalOps} < ${memory.totalOps} remembered: a stale report or a restored chip`);
  if (c.workloadsRun < memory.workloadsRun) fail('COUNTERS_WENT_BACKWARDS', `workloads run ${c.workloadsRun} < ${memory.workloadsRun} remembered: a stale report or a restored chip`);
  if (a.report.bootcount < memory.bootcount) fail('BOOTCOUNT_WENT_BACKWARDS', `boot count ${a.report.bootcount} < ${memory.bootcount} remembered`);
  return pass(true);
}

/**
 * 10. log consistency. The head is the one the report binds (attestation-report.md §1.1). It must be
 * proven consistent with the largest checkpoint the verifier remembers, by a consistency receipt from
 * that checkpoint's root: never from a base the bundle offers. Every checkpoint the bundle carries must
 * verify, name this chip, agree with any remembered one of its size, and be proven consistent with the
 * head too, or it is refused: a carried checkpoint is either part of the one history or evidence of a
 * fork. Since every remembered checkpoint was proven consistent with the head of its day, consistency
 * with the largest is consistency with all of them (verifier.md §4, invariant 1).
 */
export function checkLogConsistency(a: Attested, memory: ChipMemory | undefined, inputs: AppraisalInputs): Outcome<Anchored> {
  const r = a.report;
  const head = {
    treeSize: r.logHead.treeSize,
    rootHash: r.logHead.rootHash,
    totalOps: r.counters.totalOps,
    workloadsRun: r.counters.workloadsRun,
    memoryBytes: r.counters.memoryBytes ?? 0n,
    issuedAt: r.issuedAt,
  };
  const receipts = (a.decoded.bundle.consistencyReceipts ?? []).map((bytes) => ({ bytes, sizes: consistencyReceiptSizes(bytes) }));
  // The frontier form's start: its frontier is the log at that size, and check 11 extends it to the
  // head. It is a link only in a bundle without consistency receipts: where receipts are carried they
  // decide, so that a receipt altered to name another pair is never left unread (the mutation test).
  const frontier = receipts.length === 0 ? a.decoded.bundle.frontier : undefined;
  const frontierStart = frontier === undefined ? undefined : a.decoded.entries[0]?.entry.index;
  const proveToHead = (from: { treeSize: number; rootHash: Uint8Array }, what: string): void => {
    const forPair = receipts.filter((x) => x.sizes.treeSize1 === from.treeSize && x.sizes.treeSize2 === head.treeSize);
    if (frontier !== undefined && frontierStart === from.treeSize) {
      // No receipt at all, and the frontier starts at this size: it is the link (verifier.md §5
      // note 10, merkle.md §9). Folded, it must give this size's root; check 11 requires the same
      // frontier, extended by the entries' leaf hashes, to give the head's root. Both hold only if the
      // head's first `from.treeSize` leaves are the ones this root commits to.
      let root: Uint8Array | undefined;
      try {
        root = rootFromFrontier(inputs.hasher, from.treeSize, frontier, []);
      } catch (err) {
        if (!(err instanceof HemkitError)) throw err;
      }
      if (root !== undefined && bytesEqual(root, from.rootHash)) return;
      fail('LOG_INCONSISTENT', `the bundle's frontier of ${from.treeSize} entries does not give the root of ${what} (${short(from.rootHash)}): the log was rewritten, or the frontier is not the log's`);
    }
    if (forPair.length === 0) {
      fail('CONSISTENCY_PROOF_MISSING', `no consistency receipt, and no frontier, leads from ${what} (size ${from.treeSize}) to the report's log head (size ${head.treeSize})`);
    }
    for (const { bytes } of forPair) {
      try {
        const proof = verifyConsistencyReceipt(bytes, a.chain.attestationKey, from.rootHash, inputs.hasher, inputs.backend);
        if (bytesEqual(proof.root2, head.rootHash)) return;
      } catch (err) {
        if (!(err instanceof HemkitError)) throw err;
      }
    }
    fail('LOG_INCONSISTENT', `the log of the report's head (size ${head.treeSize}) does not extend ${what} (size ${from.treeSize}, root ${short(from.rootHash)}): the log was rewritten`);
  };
  const compareSameSize = (c: { treeSize: number; rootHash: Uint8Array }, what: string, other: { rootHash: Uint8Array }, otherWhat: string): void => {
    if (!bytesEqual(c.rootHash, other.rootHash)) {
      fail('LOG_FORK', `two roots for size ${c.treeSize}: ${what} ${short(c.rootHash)}, ${otherWhat} ${short(other.rootHash)}`);
    }
  };

  const latest = memory?.latestCheckpoint;
  if (latest !== undefined) {
    if (latest.treeSize > head.treeSize) fail('LOG_TRUNCATED', `the report's log head has ${head.treeSize} entries; the verifier remembers ${latest.treeSize}: a stale report or a restored chip`);
    if (latest.treeSize === head.treeSize) compareSameSize(head, "the report's log head", latest, 'remembered');
    else proveToHead(latest, 'the largest remembered checkpoint');
  }
  a.decoded.checkpoints.forEach((signed, i) => {
    const c = signed.claims;
    try {
      verifySign1(signed.message, a.chain.attestationKey, { backend: inputs.backend });
    } catch (err) {
      if (err instanceof HemkitError && (err.code === 'COSE_SIGNATURE_INVALID' || err.code === 'COSE_KEY_ALG_MISMATCH')) {
        fail('CHECKPOINT_SIGNATURE_INVALID', `checkpoint ${i} does not verify under the attestation key`);
      }
      throw err;
    }
    if (!bytesEqual(c.ueid, r.ueid)) fail('CHECKPOINT_MISMATCH', `checkpoint ${i} names another chip`);
    const previous = a.decoded.checkpoints[i - 1];
    if (previous !== undefined && c.treeSize <= previous.claims.treeSize) fail('CHECKPOINT_MISMATCH', 'carried checkpoints must come in strictly ascending tree size');
    if (c.treeSize > head.treeSize) fail('LOG_TRUNCATED', `checkpoint ${i} has ${c.treeSize} entries; the report's log head has ${head.treeSize}`);
    if (c.counters.totalOps > head.totalOps || c.counters.workloadsRun > head.workloadsRun || (c.counters.memoryBytes ?? 0n) > head.memoryBytes) {
      fail('CHECKPOINT_MISMATCH', `checkpoint ${i} counts more than the later report`);
    }
    const remembered = memory?.checkpointAt(c.treeSize);
    if (remembered !== undefined) compareSameSize(c, `checkpoint ${i}`, remembered, 'remembered');
    if (c.treeSize === head.treeSize) {
      compareSameSize(c, `checkpoint ${i}`, head, "the report's log head");
      if (c.counters.totalOps !== head.totalOps || c.counters.workloadsRun !== head.workloadsRun || (c.counters.memoryBytes ?? 0n) !== head.memoryBytes) {
        fail('CHECKPOINT_MISMATCH', `checkpoint ${i} and the report count differently over the same log`);
      }
    } else {
      proveToHead(c, `checkpoint ${i}`);
    }
  });
  checkNotes(a, [{ treeSize: head.treeSize, rootHash: head.rootHash }, ...a.decoded.checkpoints.map((c) => c.claims)], inputs);
  const base: LogPoint =
    latest === undefined || memory === undefined
      ? { treeSize: 0, totalOps: 0n, workloadsRun: 0, memoryBytes: 0n }
      : { treeSize: latest.treeSize, totalOps: latest.totalOps, workloadsRun: memory.workloadsRun, ...memoryAtBase(a, memory, latest.treeSize) };
  const newCheckpoints = [
    ...a.decoded.checkpoints.filter((c) => c.claims.treeSize < head.treeSize).map(({ claims: c }) => ({ treeSize: c.treeSize, rootHash: c.rootHash, issuedAt: c.issuedAt, totalOps: c.counters.totalOps })),
    { treeSize: head.treeSize, rootHash: head.rootHash, issuedAt: head.issuedAt, totalOps: head.totalOps },
  ];
  return pass({ head, base, newCheckpoints });
}

/**
 * The memory-bytes counter at a remembered base (verifier.md §5, check 13): the one the verifier
 * remembers for its head; for a chip remembered before the store kept it (schema 2), the one a
 * carried checkpoint of the base's size states (its root was just compared with the remembered one);
 * else not known.
 */
function memoryAtBase(a: Attested, memory: ChipMemory, size: number): { memoryBytes?: bigint } {
  if (memory.memoryBytes !== undefined) return { memoryBytes: memory.memoryBytes };
  const atBase = a.decoded.checkpoints.find((c) => c.claims.treeSize === size);
  return atBase === undefined ? {} : { memoryBytes: atBase.claims.counters.memoryBytes ?? 0n };
}

/**
 * Part of 10: the carried signed notes (checkpoint.md §2.3). Each must open under the log key and
 * origin that the chip's device identity key certified, and state the head of a COSE checkpoint or
 * of the report of this chip: the COSE statements map the log id to the chip, since the note's
 * origin does not name it.
 */
function checkNotes(a: Attested, heads: readonly { treeSize: number; rootHash: Uint8Array }[], inputs: AppraisalInputs): void {
  const notes = a.decoded.bundle.notes ?? [];
  if (notes.length === 0) return;
  const signed = a.decoded.logKeyCertificate;
  if (signed === undefined) return fail('LOG_KEY_UNCERTIFIED', 'the bundle carries notes but no log-key certificate');
  try {
    verifySign1(signed.message, a.chain.device.cnf.coseKey, { backend: inputs.backend });
  } catch (err) {
    if (err instanceof HemkitError && (err.code === 'COSE_SIGNATURE_INVALID' || err.code === 'COSE_KEY_ALG_MISMATCH')) {
      fail('LOG_KEY_UNCERTIFIED', `the log-key certificate does not verify under the chip's device identity key (${err.code})`);
    }
    throw err;
  }
  const cert = signed.claims;
  if (!bytesEqual(cert.ueid, a.report.ueid)) fail('LOG_KEY_UNCERTIFIED', 'the log-key certificate names another chip');
  if (cert.cnf.coseKey.scheme !== 'ed25519') fail('LOG_KEY_UNCERTIFIED', 'the certified log key is not an Ed25519 key');
  notes.forEach((note, i) => {
    const stated = openSignedNote(note, cert.origin, cert.cnf.coseKey.publicKey, inputs.backend);
    const cose = heads.find((h) => h.treeSize === stated.treeSize);
    if (cose === undefined || !bytesEqual(cose.rootHash, stated.rootHash)) {
      fail('NOTE_MISMATCH', `note ${i} states size ${stated.treeSize}, root ${short(stated.rootHash)}, which no COSE checkpoint or report of this chip in the bundle states`);
    }
  });
}

/**
 * 11. each disclosed entry is proven in the report's log head: by its inclusion receipt, or, in a
 * bundle that carries a frontier, all of them together by the frontier (verifier.md §2, merkle.md §9).
 */
export function checkInclusion(a: Attested, anchored: Anchored, inputs: AppraisalInputs): Outcome<Proven> {
  const frontier = a.decoded.bundle.frontier;
  const proven = frontier === undefined ? provenByReceipts(a, anchored, inputs) : provenByFrontier(a, anchored, frontier, inputs);
  return proven.size === 0 ? notApplicable('no entries disclosed', proven) : pass(proven);
}

function provenByReceipts(a: Attested, anchored: Anchored, inputs: AppraisalInputs): Map<number, LogEntry> {
  const proven = new Map<number, LogEntry>();
  const { head } = anchored;
  // Receipts against one head share one signature: it is verified once, the rest cost their hashes.
  const signatures = new ReceiptSignatures(a.chain.attestationKey);
  // Their paths share most nodes: each distinct node is hashed once (wire merkle/remembering.ts).
  const hasher = rememberingHasher(inputs.hasher);
  for (const [i, d] of a.decoded.entries.entries()) {
    let proof;
    try {
      // Check 1 saw to it that every entry of a bundle without a frontier carries its receipt.
      proof = verifyInclusionReceipt(d.receipt!, a.chain.attestationKey, hasher.hashLeaf(d.bytes), hasher, inputs.backend, signatures);
    } catch (err) {
      if (!(err instanceof HemkitError)) throw err;
      return fail('ENTRY_NOT_INCLUDED', `disclosed entry ${i}: the receipt does not prove it (${err.code})`);
    }
    if (proof.treeSize !== head.treeSize || !bytesEqual(proof.root, head.rootHash)) fail('ENTRY_NOT_INCLUDED', `disclosed entry ${i}: proven against another tree than the report's log head`);
    if (proof.leafIndex !== d.entry.index) fail('ENTRY_NOT_INCLUDED', `disclosed entry ${i} says index ${d.entry.index}; its receipt proves index ${proof.leafIndex}`);
    proven.set(d.entry.index, d.entry); // a leaf proven twice is the same bytes: kept once
  }
  return proven;
}

/**
 * The frontier form (verifier.md §2): the entries run from the first one's index s without a gap to
 * the head, and the frontier of the s entries before them, extended by their leaf hashes, must give
 * the root the report signed (merkle.md §9). No receipt is read: each entry costs its leaf hash and,
 * amortised, one node hash. The frontier needs no signature: any other one leads to another root.
 */
function provenByFrontier(a: Attested, anchored: Anchored, frontier: readonly Uint8Array[], inputs: AppraisalInputs): Map<number, LogEntry> {
  const { head } = anchored;
  const entries = a.decoded.entries; // at least one: check 1 refuses a frontier without entries
  const start = entries[0]!.entry.index;
  const leaves: Uint8Array[] = [];
  const proven = new Map<number, LogEntry>();
  for (const [i, d] of entries.entries()) {
    if (d.entry.index !== start + i) fail('ENTRY_NOT_INCLUDED', `disclosed entry ${i} says index ${d.entry.index}; after the frontier of ${start} entries it stands at index ${start + i}`);
    leaves.push(inputs.hasher.hashLeaf(d.bytes));
    proven.set(d.entry.index, d.entry);
  }
  const end = start + entries.length;
  if (end !== head.treeSize) fail('ENTRY_NOT_INCLUDED', `the disclosed entries ${start}..${end - 1} do not end at the report's log head (size ${head.treeSize}): a frontier proves only entries that reach the head`);
  let root;
  try {
    root = rootFromFrontier(inputs.hasher, start, frontier, leaves);
  } catch (err) {
    if (!(err instanceof HemkitError)) throw err;
    return fail('ENTRY_NOT_INCLUDED', `the frontier does not prove the disclosed entries (${err.code})`);
  }
  if (!bytesEqual(root, head.rootHash)) fail('ENTRY_NOT_INCLUDED', `the frontier of ${start} entries and the ${entries.length} disclosed lead to root ${short(root)}, not the report's log head ${short(head.rootHash)}`);
  return proven;
}

/**
 * 12. each opening opens the commitment of its entry. An opening is disclosed together with the entry
 * it opens (specs/messages/log-entry.md §4), so its log index must be that entry's: the started and
 * finished entries of a workload share one commitment, and an opening re-pointed from one to the other
 * would still match while changing which workload the accounting is shown. A workload disclosed twice
 * is handed on once.
 */
export function checkOpenings(a: Attested, proven: Proven, inputs: Pick<AppraisalInputs, 'backend'>): Outcome<readonly DisclosedWorkload[]> {
  // The commitments are SHA-256 (log-entry.md §3): the backend's, one per opening.
  const commitments = commitmentHasher((data) => inputs.backend.sha256(data));
  const workloads = new Map<number, DisclosedWorkload>();
  let openings = 0;
  for (const d of a.decoded.entries) {
    const o = d.opening;
    if (o === undefined) continue;
    openings++;
    if (o.logIndex !== d.entry.index) fail('OPENING_MISMATCH', `the opening disclosed with entry ${d.entry.index} names entry ${o.logIndex}`);
    const entry = proven.get(o.logIndex);
    if (entry === undefined || (entry.kind !== EVENT.workloadStarted && !finishesWorkload(entry))) {
      return fail('OPENING_MISMATCH', `the opening for entry ${o.logIndex} does not belong to a proven workload entry`);
    }
    if (!bytesEqual(commitments.workload(o.salt, o.workloadDescriptor), entry.details.workloadCommitment)) {
      fail('OPENING_MISMATCH', `the opening for entry ${o.logIndex} does not open its commitment`);
    }
    const modelStates = openModelStates(o, entry, commitments);
    if (finishesWorkload(entry)) {
      let descriptor;
      try {
        descriptor = decodeAs(workloadDescriptor, o.workloadDescriptor, 'workload-descriptor');
      } catch {
        descriptor = undefined; // opened, but not a descriptor the accounting can read
      }
      workloads.set(o.logIndex, {
        logIndex: o.logIndex,
        ops: entry.details.ops,
        descriptor,
        time: entry.time,
        ...(entry.details.busyChipSeconds !== undefined ? { busyChipSeconds: entry.details.busyChipSeconds } : {}),
        ...(modelStates !== undefined ? { modelStates } : {}),
      });
    }
  }
  const list = [...workloads.values()].sort((x, y) => x.logIndex - y.logIndex);
  return openings === 0 ? notApplicable('no openings disclosed', list) : pass(list);
}

/**
 * The model states an opening discloses, each checked against its commitment in the entry
 * (log-entry.md §4): an entry of kind 13 must be opened with exactly its states, in its order, and
 * any other entry with none, so that an opening never shows states the chip did not commit to.
 */
function openModelStates(o: LogEntryOpening, entry: LogEntry, commitments: CommitmentHasher): OpenedModelStates | undefined {
  const opened = o.parentStates !== undefined || o.producedState !== undefined;
  if (entry.kind !== EVENT.workloadFinishedLineage) {
    if (opened) fail('OPENING_MISMATCH', `the opening for entry ${o.logIndex} discloses model states its entry does not commit to`);
    return undefined;
  }
  const parents = o.parentStates ?? [];
  if (o.producedState === undefined || parents.length !== entry.details.parentStates.length) {
    return fail('OPENING_MISMATCH', `the opening for entry ${o.logIndex} does not disclose the ${entry.details.parentStates.length} parent state(s) and the produced state its entry commits to`);
  }
  const opens = (state: Uint8Array, commitment: Uint8Array): boolean => bytesEqual(commitments.modelState(o.salt, state), commitment);
  if (!opens(o.producedState, entry.details.producedState) || parents.some((p, i) => !opens(p, entry.details.parentStates[i]!))) {
    fail('OPENING_MISMATCH', `the opening for entry ${o.logIndex} does not open its model-state commitments`);
  }
  return { parents, produced: o.producedState };
}

/**
 * 13. counters against the log: every entry from the base (the largest remembered checkpoint, or the
 * empty log of a chip never seen) to the report's head must be disclosed and proven, and the
 * workload-finished and workloads-aggregated entries among them must account exactly for the growth
 * of the report's total operations and workloads run. No policy relaxes this: a report whose counters no entries cover is
 * never affirmed (verifier.md §4, invariant 2).
 */
export function checkCountersAgainstLog(anchored: Anchored, proven: Proven): Outcome<Covered> {
  const { head, base } = anchored;
  if (head.treeSize === base.treeSize) {
    if (head.totalOps !== base.totalOps || head.workloadsRun !== base.workloadsRun || (base.memoryBytes !== undefined && head.memoryBytes !== base.memoryBytes)) {
      fail('COUNTERS_LOG_MISMATCH', `the log has not grown since size ${base.treeSize}, yet the counters moved from ${base.totalOps} operations in ${base.workloadsRun} workloads to ${head.totalOps} in ${head.workloadsRun}`);
    }
    return notApplicable('the log has not grown since the remembered head', []);
  }
  const covered: LogEntry[] = [];
  const missing: number[] = [];
  for (let i = base.treeSize; i < head.treeSize; i++) {
    const entry = proven.get(i);
    if (entry === undefined) missing.push(i);
    else covered.push(entry);
  }
  if (missing.length > 0) {
    fail('LOG_COVERAGE_INCOMPLETE', `${missing.length} of the entries ${base.treeSize}..${head.treeSize - 1} are not disclosed (first: ${missing[0]}): the counters are not covered by the log`);
  }
  let ops = 0n;
  let workloads = 0;
  let memoryBytes = 0n;
  for (const [i, entry] of covered.entries()) {
    if (entry.kind === EVENT.memoryTransferred) {
      memoryPlacement(entry, covered[i - 1]);
      memoryBytes += entry.details.memoryBytes;
    } else if (finishesWorkload(entry)) {
      ops += entry.details.ops;
      workloads++;
    } else if (entry.kind === EVENT.workloadsAggregated) {
      // Small workloads logged together (log-entry.md §5): they count as the workloads they were.
      for (const classOps of entry.details.opsByPrecision.values()) ops += classOps;
      workloads += entry.details.workloadCount;
    }
  }
  if (ops !== head.totalOps - base.totalOps || workloads !== head.workloadsRun - base.workloadsRun) {
    fail(
      'COUNTERS_LOG_MISMATCH',
      `the log records ${ops} operations in ${workloads} workloads between sizes ${base.treeSize} and ${head.treeSize}; the counters moved by ${head.totalOps - base.totalOps} in ${head.workloadsRun - base.workloadsRun}`,
    );
  }
  // Memory moved: exactly the growth when the base's counter is known, else at most the head's counter.
  const memoryMoved = base.memoryBytes === undefined ? undefined : head.memoryBytes - base.memoryBytes;
  if (memoryMoved === undefined ? memoryBytes > head.memoryBytes : memoryBytes !== memoryMoved) {
    fail(
      'COUNTERS_LOG_MISMATCH',
      `the log records ${memoryBytes} bytes of memory transfer between sizes ${base.treeSize} and ${head.treeSize}; the memory counter ${memoryMoved === undefined ? `is ${head.memoryBytes}` : `moved by ${memoryMoved}`}`,
    );
  }
  return pass(covered);
}

/**
 * A memory-transferred entry follows the entry it belongs to (log-entry.md §6): with a commitment,
 * the entry finishing that workload; without, a workloads-aggregated entry. When that entry is
 * before the base it was judged at an earlier appraisal.
 */
function memoryPlacement(entry: MemoryTransferredEntry, previous: LogEntry | undefined): void {
  if (previous === undefined) return;
  const c = entry.details.workloadCommitment;
  const follows = c === undefined ? previous.kind === EVENT.workloadsAggregated : finishesWorkload(previous) && bytesEqual(previous.details.workloadCommitment, c);
  if (!follows || entry.details.memoryBytes === 0n) {
    fail('COUNTERS_LOG_MISMATCH', `entry ${entry.index} records memory transfer that does not follow ${c === undefined ? 'a workloads-aggregated entry' : 'the entry finishing its workload'}, or records none`);
  }
}

/**
 * 14. licences. Walking the covered entries in order, every finished workload is charged to the licence
 * installed before it; a licence id is installed at most once in a chip's life; each licence used is
 * presented, signed by k distinct listed issuers, for this chip, its usage (remembered plus new) within
 * its quota and every workload inside its window. The licence the report names must be presented and
 * agree with the log: its remaining quota is its quota less its logged usage.
 */
export function checkLicence(a: Attested, covered: Covered, memory: ChipMemory | undefined, inputs: AppraisalInputs): Outcome<LicenceLedger> {
  const r = a.report;
  const rules = inputs.policy.licenceRules;
  const usage = new Map(memory?.licenceUsage ?? []);
  const fresh = new Map<string, { ops: bigint; claims: LicenceClaims }>();
  let active = memory?.activeLicence;
  const checked = new Map<string, LicenceClaims>();
  /** The licence hash (SHA-256 of the payload, licence.md §3) each installation in the walk logged. */
  const installedHash = new Map<string, Uint8Array>();
  /** Under the carry rule: what each licence installed in the walk carried in from the one it replaced. */
  const carriedIn = new Map<string, bigint>();
  /** Licences whose carried-in quota this walk cannot know (their predecessor was installed before its base). */
  const carryUnknown = new Set<string>();
  /** The licence last installed (active or lapsed), and whether it was revoked: a revoked one carries nothing. */
  let installed = memory?.activeLicence;
  let installedRevoked = false;
  /** Why no licence admits work: a revocation locks fully; a lapse may leave the throttled baseline (§5.1). */
  let revoked = false;
  const precisionOf = new Map<string, number>();
  /**
   * The firmware SVN in force (verifier.md §5.2): set by every boot and firmware-updated entry walked.
   * At the base it is the one the verifier remembers for its head (§4); a walk from entry 0 begins
   * with the provisioning boot. For a chip remembered before the store kept it, the SVN changes only
   * at a logged boot, so a walk with none ran wholly at the report's SVN, and one with a boot has the
   * SVN before it unknown.
   */
  const walkBoots = covered.some((e) => e.kind === EVENT.boot || e.kind === EVENT.firmwareUpdated);
  const rememberedSvn = memory?.svn;
  let svn: number | undefined = rememberedSvn !== undefined ? (walkBoots ? rememberedSvn : Math.min(rememberedSvn, r.svn)) : walkBoots ? undefined : r.svn;
  const meetsMinimumSvn = (claims: LicenceClaims, id: string, what: string, inForce: number | undefined): void => {
    if (claims.minimumSvn !== undefined && inForce !== undefined && inForce < claims.minimumSvn) {
      fail('LICENCE_SVN_TOO_LOW', `${what} under licence ${id}, which requires firmware SVN ${claims.minimumSvn}; the SVN in force was ${inForce}`);
    }
  };
  // The issuer sets the chip has held (licence.md §5a): the anchor, then the bundle's updates, each
  // checked against the one before. The set in force at the walk's base is the one before the first
  // update the walk applies; with none, the anchor for a walk from the empty log, else the last.
  const chain = followIssuerChain(inputs.trust.licenceIssuers, a.decoded.bundle.issuerUpdates ?? [], r.ueid, inputs.backend);
  const baseSet = setAtBase(chain, covered, memory);
  // Whether the set in force at the head is known exactly, to be remembered: from a known base, or
  // from the last update the walk applied.
  const issuersKnown = memory === undefined || memory.issuerSet !== undefined || covered.some((e) => e.kind === EVENT.issuersUpdated);
  let inForce = baseSet;
  /** The chain's index of the set in force when each licence of the walk was installed. */
  const installedUnder = new Map<string, number>();
  const signedBy = (licence: (typeof a.decoded.licences)[number], link: IssuerLink) => {
    const cacheKey = inputs.licenceCache === undefined ? undefined : licenceKey(licence.bytes, inputs, link.id);
    if (cacheKey === undefined || !inputs.licenceCache!.has(cacheKey)) {
      checkIssuerSignatures(licence.message, link.set.keys, link.set.threshold, inputs.backend);
      if (cacheKey !== undefined) inputs.licenceCache!.add(cacheKey);
    }
  };
  /**
   * Memory bytes logged under each licence (licence.md §1): exact for one installed in this walk, and
   * for one whose usage the verifier remembers (§4). Any other (installed before a store kept it) has
   * usage this walk cannot know.
   */
  const memoryUsage = new Map<string, bigint>(memory?.licenceMemoryUsage ?? []);
  const presented = (id: string, why: string): LicenceClaims => {
    const known = checked.get(id);
    if (known !== undefined) return known;
    const withId = a.decoded.licences.filter((l) => toHex(l.claims.licenceId) === id);
    if (withId.length === 0) return fail('LICENCE_NOT_PRESENTED', `${why} licence ${id}; the bundle does not carry it`);
    // The licence judged must be the one the chip installed, not another statement reusing its id.
    const logged = installedHash.get(id);
    const licence = logged === undefined ? withId[0]! : withId.find((l) => bytesEqual(sha256(l.message.payload!), logged));
    if (licence === undefined) return fail('LICENCE_UNACCOUNTED', `the licence presented as ${id} is not the one the log installed (licence hash ${short(logged!)})`);
    // Judged against the set the log shows in force at its installation (licence.md §5a). One
    // installed before the walk's base was installed under the set then in force or an earlier one:
    // any of those may have signed it, and the newest is tried first, its refusal the one reported.
    const under = installedUnder.get(id);
    if (under !== undefined) signedBy(licence, chain[under]!);
    else {
      let refusal: unknown;
      for (let i = baseSet; i >= 0; i--) {
        try {
          signedBy(licence, chain[i]!);
          refusal = undefined;
          break;
        } catch (e) {
          if (!(e instanceof HemkitError)) throw e;
          refusal ??= e;
        }
      }
      if (refusal !== undefined) throw refusal;
    }
    if (!bytesEqual(licence.claims.ueid, r.ueid)) fail('LICENCE_WRONG_CHIP', `licence ${id} is for another chip`);
    checked.set(id, licence.claims);
    return licence.claims;
  };
  const allowance = (id: string, claims: LicenceClaims) => claims.opsQuota + (carriedIn.get(id) ?? 0n);
  const cost = (ops: bigint, precisionClass: number | undefined) => {
    const weight = precisionClass === undefined ? undefined : rules.precisionWeights?.[String(precisionClass)];
    return weight === undefined ? ops : (ops * BigInt(weight) + 999n) / 1000n;
  };
  /** Operations the throttled baseline allows in a workload's busy time (at least 1 s), or undefined without one. */
  const baseline = (busyChipSeconds: number | undefined) =>
    rules.throttledBaselineOpsPerSecond === undefined ? undefined : rules.throttledBaselineOpsPerSecond * BigInt(Math.max(1, busyChipSeconds ?? 1));
  for (const entry of covered) {
    if (entry.kind === EVENT.boot || entry.kind === EVENT.firmwareUpdated) {
      svn = entry.details.svn;
    } else if (entry.kind === EVENT.licenceInstalled) {
      const id = toHex(entry.details.licenceId);
      if (usage.has(id)) fail('LICENCE_REINSTALLED', `entry ${entry.index} installs licence ${id}, which this chip installed before: its quota would be granted twice`);
      if (rules.unusedQuota === 'carry' && installed !== undefined && !installedRevoked) {
        if (carryUnknown.has(installed) || !installedHash.has(installed)) carryUnknown.add(id);
        const previous = presented(installed, `entry ${entry.index} carries quota from`);
        const left = allowance(installed, previous) - (usage.get(installed) ?? 0n);
        if (left > 0n) carriedIn.set(id, left);
      }
      usage.set(id, 0n);
      memoryUsage.set(id, 0n);
      installedHash.set(id, entry.details.licenceHash);
      // The payload the log installed, if carried: its hash binds the claims, signed or not (§5.2).
      const carried = a.decoded.licences.find((l) => bytesEqual(sha256(l.message.payload!), entry.details.licenceHash));
      if (carried !== undefined) meetsMinimumSvn(carried.claims, id, `entry ${entry.index} installs it`, svn);
      installedUnder.set(id, inForce);
      // Every licence the walk installs is judged, used or not (licence.md §5a): one the set in force
      // did not sign, installed and replaced before any work, would otherwise go unseen (found by
      // the adversary, test/adversary).
      presented(id, `entry ${entry.index} installs`);
      active = id;
      installed = id;
      installedRevoked = false;
      revoked = false;
    } else if (entry.kind === EVENT.workloadStarted) {
      precisionOf.set(toHex(entry.details.workloadCommitment), entry.details.precisionClass);
      if (active === undefined) {
        if (!revoked && baseline(0) !== undefined) continue; // throttled work: judged when it finishes
        return fail('LICENCE_UNACCOUNTED', `entry ${entry.index} started a workload while no licence admitted workloads`);
      }
      const claims = presented(active, `entry ${entry.index} ran under`);
      meetsMinimumSvn(claims, active, `entry ${entry.index} started a workload`, svn);
      if (!claims.precisionClasses.includes(entry.details.precisionClass)) {
        fail('LICENCE_UNACCOUNTED', `entry ${entry.index} ran precision class ${entry.details.precisionClass}, which licence ${active} does not admit (${claims.precisionClasses.join(', ')})`);
      }
      if (claims.maxClusterSize !== undefined && (entry.details.clusterSize ?? 1) > claims.maxClusterSize) {
        fail('LICENCE_UNACCOUNTED', `entry ${entry.index} ran on a cluster of ${entry.details.clusterSize}, above licence ${active}'s maximum ${claims.maxClusterSize}`);
      }
    } else if (finishesWorkload(entry)) {
      const ops = entry.details.ops;
      const allowed = baseline(entry.details.busyChipSeconds);
      if (active === undefined) {
        if (revoked || allowed === undefined) return fail('LICENCE_UNACCOUNTED', `entry ${entry.index} finished a workload while no licence admitted workloads`);
        if (ops > allowed) fail('LICENCE_UNACCOUNTED', `entry ${entry.index} ran ${ops} operations with no licence, above the throttled baseline's ${allowed}`);
        continue;
      }
      const claims = presented(active, `entry ${entry.index} ran under`);
      if (rules.clock && (entry.time < claims.notBefore || entry.time >= claims.expiry)) {
        fail('LICENCE_OUT_OF_WINDOW', `entry ${entry.index} ran at ${entry.time}, outside the window [${claims.notBefore}, ${claims.expiry}) of licence ${active}`);
      }
      const charge = cost(ops, precisionOf.get(toHex(entry.details.workloadCommitment)));
      const limit = allowance(active, claims);
      let used = (usage.get(active) ?? 0n) + charge;
      if (used > limit && rules.admitToQuota && allowed !== undefined) {
        // Admitted to the quota, the excess at the baseline (module-commands.md §5.1).
        const beyond = (ops * (used - limit) + charge - 1n) / charge;
        if (beyond <= allowed) used = limit;
      }
      if (used > limit) fail('LICENCE_QUOTA_EXCEEDED', `the log records ${used} operations under licence ${active}, whose quota is ${limit}`);
      usage.set(active, used);
      fresh.set(active, { ops: (fresh.get(active)?.ops ?? 0n) + ops, claims });
    } else if (entry.kind === EVENT.workloadsAggregated) {
      // Small workloads logged together: all ran under the licence active at the entry (the chip
      // writes an aggregate before any licence change, log-entry.md §5).
      const d = entry.details;
      let ops = 0n;
      for (const classOps of d.opsByPrecision.values()) ops += classOps;
      if (active === undefined) {
        // Each workload at the baseline for at least 1 s.
        const allowed = baseline(Math.max(d.busyChipSeconds ?? 0, d.workloadCount));
        if (revoked || allowed === undefined) return fail('LICENCE_UNACCOUNTED', `entry ${entry.index} aggregates workloads run while no licence admitted workloads`);
        if (ops > allowed) fail('LICENCE_UNACCOUNTED', `entry ${entry.index} aggregates ${ops} operations with no licence, above the throttled baseline's ${allowed}`);
        continue;
      }
      const claims = presented(active, `entry ${entry.index} aggregates workloads run under`);
      meetsMinimumSvn(claims, active, `entry ${entry.index} aggregates workloads run`, svn);
      const outside = [...d.opsByPrecision.keys()].filter((c) => !claims.precisionClasses.includes(c));
      if (outside.length > 0) fail('LICENCE_UNACCOUNTED', `entry ${entry.index} aggregates precision classes ${outside.join(', ')}, which licence ${active} does not admit`);
      if (rules.clock && (d.firstTime < claims.notBefore || d.lastTime >= claims.expiry)) {
        fail('LICENCE_OUT_OF_WINDOW', `entry ${entry.index} aggregates workloads run from ${d.firstTime} to ${d.lastTime}, outside the window [${claims.notBefore}, ${claims.expiry}) of licence ${active}`);
      }
      let charge = 0n;
      for (const [c, classOps] of d.opsByPrecision) charge += cost(classOps, c);
      const used = (usage.get(active) ?? 0n) + charge;
      const limit = allowance(active, claims);
      if (used > limit) fail('LICENCE_QUOTA_EXCEEDED', `the log records ${used} operations under licence ${active}, whose quota is ${limit}`);
      usage.set(active, used);
      fresh.set(active, { ops: (fresh.get(active)?.ops ?? 0n) + ops, claims });
    } else if (entry.kind === EVENT.memoryTransferred) {
      // Drawn from the memory-transfer quota of the licence the workload ran under (licence.md §1).
      if (active === undefined) continue;
      const claims = presented(active, `entry ${entry.index} moved memory under`);
      const used = memoryUsage.get(active);
      if (used === undefined) continue;
      const total = used + entry.details.memoryBytes;
      if (claims.memoryQuota !== undefined && total > claims.memoryQuota) {
        fail('LICENCE_QUOTA_EXCEEDED', `the log records ${total} bytes of memory transfer under licence ${active}, whose memory-transfer quota is ${claims.memoryQuota}`);
      }
      memoryUsage.set(active, total);
    } else if (entry.kind === EVENT.licenceExpired || entry.kind === EVENT.licenceExhausted) {
      if (active === toHex(entry.details.licenceId)) active = undefined;
    } else if (entry.kind === EVENT.issuersUpdated) {
      inForce = appliedUpdate(chain, entry, inForce);
    } else if (entry.kind === EVENT.revocationApplied) {
      const ids = entry.details.licenceIds.map(toHex);
      if (active !== undefined && ids.includes(active)) {
        active = undefined;
        revoked = true;
      }
      if (installed !== undefined && ids.includes(installed)) installedRevoked = true;
    }
  }
  const state = r.licenceState;
  if (state !== undefined) {
    const id = toHex(state.licenceId);
    const claims = presented(id, 'the report names');
    const used = usage.get(id);
    if (used === undefined) return fail('LICENCE_UNACCOUNTED', `the report names licence ${id}, which the log never shows installed`);
    const limit = allowance(id, claims);
    if (state.remainingQuota > limit && !carryUnknown.has(id)) fail('LICENCE_QUOTA_EXCEEDED', `the chip reports ${state.remainingQuota} remaining of a ${limit} quota`);
    // A carry from a licence installed before this appraisal's base is not known here: the remaining
    // quota is then only bounded below (verifier.md §5.1).
    if (carryUnknown.has(id) ? state.remainingQuota < limit - used : state.remainingQuota !== limit - used) {
      fail('LICENCE_UNACCOUNTED', `the chip reports ${state.remainingQuota} remaining of licence ${id}; its quota ${limit} less the ${used} operations logged leaves ${limit - used}`);
    }
    checkMemoryQuotaState(state, id, claims, memoryUsage.get(id));
    if (r.lockState === LOCK.unlocked) {
      meetsMinimumSvn(claims, id, 'the chip runs unlocked', r.svn);
      if (active !== id) fail('LICENCE_UNACCOUNTED', `the chip runs unlocked under licence ${id}; the log says ${active ?? 'no licence'} admits workloads`);
      if (rules.clock && (r.issuedAt < claims.notBefore || r.issuedAt >= claims.expiry)) {
        fail('LICENCE_OUT_OF_WINDOW', `the chip runs unlocked at ${r.issuedAt}, outside the licence window [${claims.notBefore}, ${claims.expiry})`);
      }
    }
  } else if (r.lockState === LOCK.unlocked) {
    fail('LICENCE_UNACCOUNTED', 'the chip runs unlocked and names no licence');
  }
  const inForceAtHead = chain[inForce]!;
  const ledger: LicenceLedger = {
    usage,
    fresh,
    active,
    svn: svn === undefined ? r.svn : Math.min(svn, r.svn),
    issuerSet: issuersKnown ? { sequence: inForceAtHead.set.sequence, updateHash: inForceAtHead.hash } : undefined,
    memoryUsage,
  };
  return state === undefined && fresh.size === 0 && usage.size === (memory?.licenceUsage.size ?? 0)
    ? notApplicable('no licence named, installed or used', ledger)
    : pass(ledger);
}

/**
 * The chain's index of the issuer set in force at the walk's base (licence.md §5a): the anchor for a
 * walk from the empty log; for a remembered chip, the set the verifier remembers in force at its head
 * (verifier.md §4), which the bundle must carry (ISSUERS_UPDATE_NOT_PRESENTED). For a chip remembered
 * before the store kept the set (schema 2): the one before the first update the walk applies (which
 * must be in the chain); with none, the last set the bundle carries.
 */
function setAtBase(chain: readonly IssuerLink[], covered: Covered, memory: ChipMemory | undefined): number {
  if (memory === undefined) return 0;
  const remembered = memory.issuerSet;
  if (remembered !== undefined) {
    const at = remembered.updateHash === undefined ? 0 : chain.findIndex((link) => link.hash === remembered.updateHash);
    if (at < 0 || chain[at]!.set.sequence !== remembered.sequence) {
      fail(
        'ISSUERS_UPDATE_NOT_PRESENTED',
        `the verifier remembers issuer-set update ${remembered.updateHash?.slice(0, 16) ?? '(none)'}… (sequence ${remembered.sequence}) in force at the chip's remembered head; the bundle's chain of updates does not carry it`,
      );
    }
    return at;
  }
  const first = covered.find((e): e is IssuersUpdatedEntry => e.kind === EVENT.issuersUpdated);
  if (first === undefined) return chain.length - 1;
  const at = chain.findIndex((link) => link.hash === toHex(first.details.updateHash));
  return appliedUpdate(chain, first, at < 0 ? -2 : at - 1) - 1;
}

/**
 * Part of 14: the remaining memory-transfer quota the report states (licence.md §1) is present exactly
 * when the licence has a memory quota, and is that quota less the memory logged under it when its
 * installation is covered; otherwise it is only bounded by the quota.
 */
function checkMemoryQuotaState(state: LicenceState, id: string, claims: LicenceClaims, used: bigint | undefined): void {
  const remaining = state.remainingMemoryQuota;
  const quota = claims.memoryQuota;
  if (quota === undefined) {
    if (remaining !== undefined) fail('LICENCE_UNACCOUNTED', `the chip reports ${remaining} remaining of a memory-transfer quota licence ${id} does not have`);
    return;
  }
  if (remaining === undefined) return fail('LICENCE_UNACCOUNTED', `the chip reports no remaining memory-transfer quota for licence ${id}, whose quota is ${quota}`);
  if (remaining > quota) fail('LICENCE_QUOTA_EXCEEDED', `the chip reports ${remaining} remaining of a ${quota} memory-transfer quota`);
  if (used !== undefined && remaining !== quota - used) {
    fail('LICENCE_UNACCOUNTED', `the chip reports ${remaining} memory-transfer bytes remaining of licence ${id}; its quota ${quota} less the ${used} bytes logged leaves ${quota - used}`);
  }
}

/**
 * 15. usage rate against the verifier's own clock (specs/security.md §4, frozen clock). The chip's
 * clock is the operator's; the verifier's is not. Work a chip did since the last affirmed appraisal
 * cannot exceed its model's peak rate times the verifier's elapsed time, and work under a licence
 * cannot exceed the peak rate times the part of the licence's window that lies after that appraisal.
 * The report signed at the previous appraisal may predate it by up to the policy's maximum age and
 * skew, so the window is widened by both.
 */
export function checkUsageRate(a: Attested, model: ModelReference, ledger: LicenceLedger, memory: ChipMemory | undefined, inputs: AppraisalInputs): Outcome<true> {
  const peak = model.peakOpsPerSecond;
  const slack = inputs.policy.maxAgeSeconds + inputs.policy.clockSkewSeconds;
  const since = memory === undefined ? undefined : memory.lastAppraisedAt - slack;
  if (memory !== undefined) {
    const delta = a.report.counters.totalOps - memory.totalOps;
    const seconds = Math.max(0, inputs.now - memory.lastAppraisedAt + slack);
    if (delta > peak * BigInt(seconds)) {
      fail('USAGE_IMPLAUSIBLE', `${delta} operations since the appraisal at ${memory.lastAppraisedAt}; at most ${peak * BigInt(seconds)} at the peak rate of ${peak}/s in ${seconds} s of verifier time`);
    }
  }
  for (const [id, { ops, claims }] of ledger.fresh) {
    // A chip with no clock (verifier.md §5.1) has no licence window: only the appraisals bound it.
    if (!inputs.policy.licenceRules.clock) continue;
    const start = Math.max(claims.notBefore, since ?? claims.notBefore);
    const end = Math.min(inputs.now, claims.expiry) + inputs.policy.clockSkewSeconds;
    const seconds = Math.max(0, end - start);
    if (ops > peak * BigInt(seconds)) {
      fail('USAGE_IMPLAUSIBLE', `${ops} operations under licence ${id} appeared after verifier time ${start}, but only ${seconds} s of its window remained by the verifier's clock (at most ${peak * BigInt(seconds)} at ${peak}/s): the chip's clock did not keep time`);
    }
  }
  return memory === undefined && ledger.fresh.size === 0 ? notApplicable('first appraisal and no licensed work to time', true) : pass(true);
}
