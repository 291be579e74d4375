/**
 * The appraisal checks (specs/verifier.md §5), in the order they run. Each throws a HemkitError
 * with its stable code when it fails, or returns a 'not-applicable' reason when the evidence gives
 * it nothing to check; anything else is a pass.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decode } from '@hemkit/wire/cbor';
import { decodeSign1, verifySign1, type CosePublicKey } from '@hemkit/wire/cose';
import { HemkitError } from '@hemkit/wire/errors';
import {
  attestationKeyCertificateClaims,
  attestationReportClaims,
  checkIssuerSignatures,
  checkpointClaims,
  decodeIssuerStatement,
  deviceCertificateClaims,
  EVENT,
  evidenceBundle,
  keyThumbprint,
  LOCK,
  licenceClaims,
  logEntry,
  verifyConsistencyReceipt,
  verifyInclusionReceipt,
  workloadCommitment,
  workloadDescriptor,
  type LogEntry,
  type RecordType,
} from '@hemkit/wire/messages';
import type { AppraisalInputs, DisclosedWorkload, Evidence, Signed, VerifiedChain } from './context.js';

export type CheckOutcome = void | { readonly notApplicable: string };

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
const fail = (code: ConstructorParameters<typeof HemkitError>[0], message: string): never => {
  throw new HemkitError(code, message);
};

function signedOf<T>(type: RecordType<T>, bytes: Uint8Array): Signed<T> {
  const message = decodeSign1(bytes);
  if (message.payload === null) throw new HemkitError('COSE_PAYLOAD_MISSING', `${type.name}: the payload is detached`);
  return { message, claims: type.parse(decode(message.payload), type.name) };
}

/** 1. encoding: the bundle and every message in it decode under the profile, once. */
export function checkEncoding(e: Evidence, bytes: Uint8Array): CheckOutcome {
  e.bundle = evidenceBundle.parse(decode(bytes), 'evidence-bundle');
  const b = e.bundle;
  e.signed = {
    report: signedOf(attestationReportClaims, b.report),
    device: signedOf(deviceCertificateClaims, b.deviceCertificate),
    attestationKey: signedOf(attestationKeyCertificateClaims, b.attestationKeyCertificate),
    checkpoints: (b.checkpoints ?? []).map((c) => signedOf(checkpointClaims, c)),
  };
  e.report = e.signed.report.claims;
  e.checkpoints = e.signed.checkpoints.map((c) => c.claims);
  e.entries = new Map();
  for (const d of b.entries ?? []) logEntry.parse(decode(d.entry), 'log-entry');
  for (const l of b.licences ?? []) decodeIssuerStatement(l, licenceClaims);
}

export function chainKey(deviceCertificate: Uint8Array, attestationKeyCertificate: Uint8Array): string {
  return hexOf(sha256(new Uint8Array([...sha256(deviceCertificate), ...sha256(attestationKeyCertificate)])));
}

/** 2. certificate chain: manufacturer root → device certificate → attestation-key certificate. */
export function checkChain(e: Evidence, inputs: AppraisalInputs): CheckOutcome {
  const b = e.bundle!;
  const key = chainKey(b.deviceCertificate, b.attestationKeyCertificate);
  const cached = inputs.chainCache?.get(key);
  if (cached !== undefined) {
    e.chain = cached; // a chain verified once is not verified again: the bytes are the same
    return;
  }
  const signed = e.signed!;
  const kid = signed.device.message.kid;
  const root = inputs.trust.manufacturers.find((m) => kid !== undefined && same(keyThumbprint(m.key), kid));
  if (root === undefined) fail('CHAIN_UNTRUSTED_ROOT', `the device certificate's signer (kid ${kid ? hexOf(kid) : 'none'}) is not a trusted manufacturer`);
  const device = verified(signed.device, root!.key, inputs, 'device certificate');
  const ak = verified(signed.attestationKey, device.cnf.coseKey, inputs, 'attestation-key certificate');
  if (!same(device.ueid, ak.ueid)) fail('CHAIN_MISMATCH', 'the two certificates name different chips');
  e.chain = { device, attestationKeyCertificate: ak, attestationKey: ak.cnf.coseKey } satisfies VerifiedChain;
  inputs.chainCache?.set(key, e.chain);
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
export function checkReport(e: Evidence, inputs: AppraisalInputs): CheckOutcome {
  const chain = e.chain!;
  try {
    verifySign1(e.signed!.report.message, chain.attestationKey, { backend: inputs.backend });
  } catch (err) {
    if (err instanceof HemkitError && (err.code === 'COSE_SIGNATURE_INVALID' || err.code === 'COSE_KEY_ALG_MISMATCH')) {
      fail('REPORT_SIGNATURE_INVALID', `the report does not verify under the certified attestation key (${err.code})`);
    }
    throw err;
  }
  const r = e.report!;
  const ak = chain.attestationKeyCertificate;
  if (!same(r.ueid, chain.device.ueid)) fail('CHAIN_MISMATCH', 'the report names another chip than its certificates');
  if (!same(r.hwmodel, chain.device.hwmodel)) fail('CHAIN_MISMATCH', 'the report names another hardware model than its device certificate');
  if (!same(r.measurement, ak.measurement) || r.svn !== ak.svn) {
    fail('CHAIN_MISMATCH', 'the report names other firmware than its attestation key was certified for');
  }
}

/** 4. revocation of the device or of a key in its chain. */
export function checkRevocation(e: Evidence, inputs: AppraisalInputs): CheckOutcome {
  const { ueids, keyIds } = inputs.trust.revoked;
  if (ueids.includes(hexOf(e.report!.ueid))) fail('DEVICE_REVOKED', `chip ${hexOf(e.report!.ueid)} is revoked`);
  for (const [what, key] of [['device identity key', e.chain!.device.cnf.coseKey], ['attestation key', e.chain!.attestationKey]] as const) {
    if (keyIds.includes(hexOf(keyThumbprint(key)))) fail('KEY_REVOKED', `the ${what} ${hexOf(keyThumbprint(key))} is revoked`);
  }
}

/** 5. freshness: the verifier's own nonce, used once, and a plausible report time. */
export function checkFreshness(e: Evidence, inputs: AppraisalInputs): CheckOutcome {
  const r = e.report!;
  const p = inputs.policy;
  if (p.requireNonce) {
    if (inputs.expectedNonce === undefined) fail('NONCE_MISSING', 'the policy requires a nonce; give the one issued for this report');
    if (!same(r.nonce, inputs.expectedNonce!)) fail('NONCE_MISMATCH', `the report answers nonce ${hexOf(r.nonce)}, not ${hexOf(inputs.expectedNonce!)}`);
    if (!inputs.store.useNonce(r.nonce, inputs.now + p.maxAgeSeconds + p.clockSkewSeconds)) {
      fail('NONCE_REUSED', `nonce ${hexOf(r.nonce)} was already used: a replayed report`);
    }
  }
  if (r.issuedAt > inputs.now + p.clockSkewSeconds) fail('REPORT_FROM_FUTURE', `the report claims time ${r.issuedAt}; the verifier's clock says ${inputs.now}`);
  if (inputs.now - r.issuedAt > p.maxAgeSeconds) fail('REPORT_STALE', `the report is ${inputs.now - r.issuedAt} s old; the policy allows ${p.maxAgeSeconds} s`);
}

/** 6. firmware against reference values. */
export function checkFirmware(e: Evidence, inputs: AppraisalInputs): CheckOutcome {
  const r = e.report!;
  const model = new TextDecoder().decode(r.hwmodel);
  const ref = inputs.reference.models.find((m) => m.hwmodel === model);
  if (ref === undefined) fail('MODEL_UNKNOWN', `no reference values for hardware model '${model}'`);
  if (!ref!.firmware.some((f) => f.measurement === hexOf(r.measurement))) {
    fail('FIRMWARE_UNKNOWN', `firmware ${hexOf(r.measurement)} is not a known-good measurement for '${model}'`);
  }
  if (r.svn < ref!.minimumSvn) fail('FIRMWARE_SVN_TOO_LOW', `SVN ${r.svn} is below the minimum ${ref!.minimumSvn} for '${model}'`);
}

/** 7. debug state. */
export function checkDebug(e: Evidence, inputs: AppraisalInputs): CheckOutcome {
  if (inputs.policy.requireDebugDisabled && e.report!.dbgstat < 2) {
    fail('DEBUG_ENABLED', `debug status ${e.report!.dbgstat} (RFC 9711 §4.2.9): the policy requires it disabled`);
  }
}

/** 8. the chip's own verdict on its state. */
export function checkLockState(e: Evidence): CheckOutcome {
  const s = e.report!.lockState;
  if (s === LOCK.rollback || s === LOCK.tamper) {
    fail('CHIP_REPORTS_COMPROMISE', `the chip reports lock state ${s === LOCK.rollback ? 'rollback' : 'tamper'}: its own state was restored or tampered with`);
  }
}

/** 9. counters and boot count never lower than last seen. */
export function checkRollback(e: Evidence): CheckOutcome {
  const m = e.memory;
  if (m === undefined) return { notApplicable: 'first appraisal of this chip: nothing seen before' };
  const c = e.report!.counters;
  if (c.totalOps < m.totalOps) fail('COUNTERS_WENT_BACKWARDS', `total operations ${c.totalOps} < ${m.totalOps} seen before`);
  if (c.workloadsRun < m.workloadsRun) fail('COUNTERS_WENT_BACKWARDS', `workloads run ${c.workloadsRun} < ${m.workloadsRun} seen before`);
  if (e.report!.bootcount < m.bootcount) fail('BOOTCOUNT_WENT_BACKWARDS', `boot count ${e.report!.bootcount} < ${m.bootcount} seen before`);
}

/**
 * 10. checkpoints: signed by the attestation key, naming this chip, the last one the report's head,
 * and consistent with every checkpoint seen before. Consistency is checked against the largest
 * earlier checkpoint (bundle or memory) by an RFC 9942 receipt; every stored checkpoint was itself
 * proven consistent with its predecessors when it was accepted, so the chain covers them all, and a
 * stored checkpoint of the head's size must have the head's root (else a fork).
 */
export function checkCheckpoints(e: Evidence, inputs: AppraisalInputs): CheckOutcome {
  const list = e.checkpoints!;
  if (list.length === 0) return { notApplicable: 'the bundle carries no checkpoint' };
  list.forEach((c, i) => {
    try {
      verifySign1(e.signed!.checkpoints[i]!.message, e.chain!.attestationKey, { backend: inputs.backend });
    } catch (err) {
      if (err instanceof HemkitError && err.code === 'COSE_SIGNATURE_INVALID') fail('CHECKPOINT_SIGNATURE_INVALID', `checkpoint ${i} does not verify under the attestation key`);
      throw err;
    }
    if (!same(c.ueid, e.report!.ueid)) fail('CHECKPOINT_MISMATCH', `checkpoint ${i} names another chip`);
    if (i > 0 && c.treeSize < list[i - 1]!.treeSize) fail('CHECKPOINT_MISMATCH', 'checkpoints must come in ascending tree size');
  });
  const head = list[list.length - 1]!;
  e.head = head;
  const latest = e.report!.latestCheckpoint;
  if (latest === undefined || latest.treeSize !== head.treeSize || !same(latest.rootHash, head.rootHash)) {
    fail('CHECKPOINT_MISMATCH', 'the report does not name the bundle\'s last checkpoint as its latest');
  }
  if (head.counters.totalOps > e.report!.counters.totalOps) fail('CHECKPOINT_MISMATCH', 'the head checkpoint counts more operations than the later report');
  // What was seen before, as far as it matters: the largest (truncation, and the base), and any of
  // the sizes in the bundle (forks). The stored ones form one consistent chain, so these suffice.
  const seen = e.memory;
  const seenRelevant = seen === undefined ? [] : [seen.latestCheckpoint, ...list.map((c) => seen.checkpointAt(c.treeSize))];
  const earlier = [
    ...list.slice(0, -1).map((c) => ({ treeSize: c.treeSize, rootHash: c.rootHash, source: 'bundle' })),
    ...seenRelevant.flatMap((c) => (c === undefined ? [] : [{ treeSize: c.treeSize, rootHash: c.rootHash, source: 'seen before' }])),
  ];
  for (const c of earlier) {
    if (c.treeSize === head.treeSize && !same(c.rootHash, head.rootHash)) {
      fail('LOG_FORK', `two checkpoints of size ${c.treeSize} with different roots (${c.source}: ${hexOf(c.rootHash).slice(0, 16)}…, head: ${hexOf(head.rootHash).slice(0, 16)}…)`);
    }
    if (c.treeSize > head.treeSize) fail('LOG_TRUNCATED', `the head has ${head.treeSize} entries; a checkpoint ${c.source} had ${c.treeSize}`);
  }
  const base = earlier.filter((c) => c.treeSize < head.treeSize).sort((a, b) => b.treeSize - a.treeSize)[0];
  if (base !== undefined) {
    const receipts = (e.bundle!.consistencyReceipts ?? []).map((bytes) => ({ bytes, message: decodeSign1(bytes) }));
    let proven = false;
    for (const { bytes } of receipts) {
      let result;
      try {
        result = verifyConsistencyReceipt(bytes, e.chain!.attestationKey, base.rootHash, inputs.hasher, inputs.backend);
      } catch (err) {
        if (!(err instanceof HemkitError)) throw err;
        continue; // a receipt for another pair, or one that does not verify from this base
      }
      if (result.treeSize1 !== base.treeSize || result.treeSize2 !== head.treeSize) continue;
      if (!same(result.root2, head.rootHash)) fail('LOG_INCONSISTENT', 'the consistency receipt leads to another root than the head');
      proven = true;
    }
    if (!proven) {
      const claimed = receipts.some((r) => (r.message.unprotectedHeaders.get(396) as Map<number, unknown> | undefined) !== undefined);
      fail(
        claimed ? 'LOG_INCONSISTENT' : 'CONSISTENCY_PROOF_MISSING',
        claimed
          ? `no consistency receipt leads from the checkpoint of size ${base.treeSize} (${base.source}) to the head: the log was rewritten`
          : `no consistency receipt links the checkpoint of size ${base.treeSize} (${base.source}) to the head of size ${head.treeSize}`,
      );
    }
  }
  e.newCheckpoints = list.map((c) => ({ treeSize: c.treeSize, rootHash: c.rootHash, issuedAt: c.issuedAt, totalOps: c.counters.totalOps }));
}

/** 11. each disclosed entry is proven in the head by its inclusion receipt. */
export function checkInclusion(e: Evidence, inputs: AppraisalInputs): CheckOutcome {
  const disclosed = e.bundle!.entries ?? [];
  if (disclosed.length === 0) return { notApplicable: 'no entries disclosed' };
  const head = e.head;
  if (head === undefined) fail('ENTRY_NOT_INCLUDED', 'entries are disclosed but no checkpoint gives a root to prove them against');
  for (const [i, d] of disclosed.entries()) {
    const entry = logEntry.parse(decode(d.entry), 'log-entry');
    let proof;
    try {
      proof = verifyInclusionReceipt(d.receipt, e.chain!.attestationKey, inputs.hasher.hashLeaf(d.entry), inputs.hasher, inputs.backend);
    } catch (err) {
      if (!(err instanceof HemkitError)) throw err;
      return fail('ENTRY_NOT_INCLUDED', `disclosed entry ${i}: the receipt does not prove it (${err.code})`);
    }
    if (proof.treeSize !== head!.treeSize || !same(proof.root, head!.rootHash)) fail('ENTRY_NOT_INCLUDED', `disclosed entry ${i}: proven against another tree than the head`);
    if (proof.leafIndex !== entry.index) fail('ENTRY_NOT_INCLUDED', `disclosed entry ${i} says index ${entry.index}; its receipt proves index ${proof.leafIndex}`);
    e.entries!.set(entry.index, entry);
  }
}

/**
 * 12. each opening opens the commitment of its entry. An opening is disclosed together with the entry
 * it opens (specs/messages/log-entry.md §4), so its log index must be that entry's: the started and
 * finished entries of a workload share one commitment, and an opening re-pointed from one to the other
 * would still match while changing which workload the accounting is shown.
 */
export function checkOpenings(e: Evidence): CheckOutcome {
  const withOpening = (e.bundle!.entries ?? []).filter((d) => d.opening !== undefined);
  if (withOpening.length === 0) return { notApplicable: 'no openings disclosed' };
  const workloads: DisclosedWorkload[] = [];
  for (const d of withOpening) {
    const o = d.opening!;
    const disclosedWith = logEntry.parse(decode(d.entry), 'log-entry').index;
    if (o.logIndex !== disclosedWith) fail('OPENING_MISMATCH', `the opening disclosed with entry ${disclosedWith} names entry ${o.logIndex}`);
    const entry = e.entries!.get(o.logIndex);
    if (entry === undefined || (entry.kind !== EVENT.workloadStarted && entry.kind !== EVENT.workloadFinished)) {
      fail('OPENING_MISMATCH', `the opening for entry ${o.logIndex} does not belong to a proven workload entry`);
    }
    const commitment = (entry as Extract<LogEntry, { kind: 6 | 7 }>).details.workloadCommitment;
    if (!same(workloadCommitment(o.salt, o.workloadDescriptor), commitment)) {
      fail('OPENING_MISMATCH', `the opening for entry ${o.logIndex} does not open its commitment`);
    }
    if (entry!.kind === EVENT.workloadFinished) {
      let descriptor;
      try {
        descriptor = workloadDescriptor.parse(decode(o.workloadDescriptor), 'workload-descriptor');
      } catch {
        descriptor = undefined; // opened, but not a descriptor the accounting can read
      }
      workloads.push({ logIndex: o.logIndex, ops: entry!.details.ops, descriptor });
    }
  }
  e.workloads = workloads;
}

/**
 * 13. counters against the log: the operations in the workload-finished entries between the base
 * checkpoint (the largest earlier one, or the empty log of a chip never seen) and the head equal the
 * head's counter minus the base's.
 */
export function checkCountersAgainstLog(e: Evidence, inputs: AppraisalInputs): CheckOutcome {
  const head = e.head;
  if (head === undefined) return { notApplicable: 'no checkpoint to count against' };
  const earlier = [
    ...e.checkpoints!.slice(0, -1).map((c) => ({ treeSize: c.treeSize, totalOps: c.counters.totalOps })),
    ...(e.memory?.latestCheckpoint ? [{ treeSize: e.memory.latestCheckpoint.treeSize, totalOps: e.memory.latestCheckpoint.totalOps }] : []),
  ].filter((c) => c.treeSize <= head.treeSize);
  const base = earlier.sort((a, b) => b.treeSize - a.treeSize)[0] ?? { treeSize: 0, totalOps: 0n };
  if (base.treeSize === head.treeSize) {
    // The same log (the checkpoints check proved the roots equal) must carry the same count.
    if (base.totalOps !== head.counters.totalOps) {
      fail('COUNTERS_LOG_MISMATCH', `the log has not grown since size ${base.treeSize}, yet the counters moved from ${base.totalOps} to ${head.counters.totalOps}`);
    }
    return { notApplicable: 'the log has not grown since the base checkpoint' };
  }
  const missing: number[] = [];
  let logged = 0n;
  for (let i = base.treeSize; i < head.treeSize; i++) {
    const entry = e.entries!.get(i);
    if (entry === undefined) missing.push(i);
    else if (entry.kind === EVENT.workloadFinished) logged += entry.details.ops;
  }
  if (missing.length > 0) {
    if (!inputs.policy.requireLogCoverage) return { notApplicable: `entries ${missing[0]}… between the base and the head are not disclosed` };
    fail('LOG_COVERAGE_INCOMPLETE', `${missing.length} of the entries ${base.treeSize}..${head.treeSize - 1} are not disclosed (first: ${missing[0]})`);
  }
  const delta = head.counters.totalOps - base.totalOps;
  if (logged !== delta) {
    fail('COUNTERS_LOG_MISMATCH', `the log records ${logged} operations between sizes ${base.treeSize} and ${head.treeSize}; the counters moved by ${delta}`);
  }
}

/** 14. the licence the chip runs under: k of n distinct issuers, this chip, within quota and window. */
export function checkLicence(e: Evidence, inputs: AppraisalInputs): CheckOutcome {
  const state = e.report!.licenceState;
  if (state === undefined) return { notApplicable: 'the chip reports no licence' };
  const presented = (e.bundle!.licences ?? []).map((bytes) => ({ bytes, ...decodeIssuerStatement(bytes, licenceClaims) }));
  const licence = presented.find((l) => same(l.claims.licenceId, state.licenceId));
  if (licence === undefined) fail('LICENCE_NOT_PRESENTED', `the report names licence ${hexOf(state.licenceId)}; the bundle does not carry it`);
  const { claims, message } = licence!;
  checkIssuerSignatures(message, inputs.trust.licenceIssuers.keys, inputs.trust.licenceIssuers.threshold, inputs.backend);
  if (!same(claims.ueid, e.report!.ueid)) fail('LICENCE_WRONG_CHIP', 'the licence is for another chip');
  if (state.remainingQuota > claims.opsQuota) fail('LICENCE_QUOTA_EXCEEDED', `the chip reports ${state.remainingQuota} remaining of a ${claims.opsQuota} quota`);
  if (e.report!.lockState === LOCK.unlocked && (e.report!.issuedAt < claims.notBefore || e.report!.issuedAt >= claims.expiry)) {
    fail('LICENCE_OUT_OF_WINDOW', `the chip runs unlocked at ${e.report!.issuedAt}, outside the licence window [${claims.notBefore}, ${claims.expiry})`);
  }
  // Disclosed usage under this licence: from its installation entry on, within quota and window.
  const installed = [...e.entries!.values()].find((x) => x.kind === EVENT.licenceInstalled && same(x.details.licenceId, claims.licenceId));
  if (installed === undefined) return;
  let used = 0n;
  for (const x of e.entries!.values()) {
    if (x.index <= installed.index || x.kind !== EVENT.workloadFinished) continue;
    const replaced = [...e.entries!.values()].some((y) => y.kind === EVENT.licenceInstalled && y.index > installed.index && y.index < x.index);
    if (replaced) continue;
    used += x.details.ops;
    if (x.time >= claims.expiry || x.time < claims.notBefore) fail('LICENCE_OUT_OF_WINDOW', `entry ${x.index} ran at ${x.time}, outside the licence window`);
  }
  if (used > claims.opsQuota) fail('LICENCE_QUOTA_EXCEEDED', `the log records ${used} operations under a ${claims.opsQuota} quota`);
}
