/** The scripted module sessions that become test-vectors/module/*.json. */
import { sha256 } from '@noble/hashes/sha2.js';
import { CMD, FIRMWARE_KIND, licenceClaims, REPLAY, signingKey, signStatement } from '@hemkit/wire/messages';
import type { CosePublicKey } from '@hemkit/wire/cose';
import { FirmwareSignerSet, LicenceAuthority, Manufacturer } from '../factory.js';
import { policyOfSession, SessionRecorder, sessionVectorFile, T0, utf8, vectorKey, type SessionOptions } from './sessions.js';

const descriptor = (name: string) => utf8(JSON.stringify({ run: name, data: 'corpus-v3' }));
const workload = (name: string, ops: bigint, over: Record<string, unknown> = {}) => ({
  workloadDescriptor: descriptor(name),
  precisionClass: 4 as const,
  ops,
  clusterSize: 8,
  ...over,
});

function lifecycle(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder('session-lifecycle', 'A chip from manufacture to attestation: licence, workloads, checkpoints, receipts', 'lifecycle', undefined, undefined, o);
  r.setUp();
  r.step('status: locked, no licence', CMD.status, {});
  r.step('a workload before any licence is refused', CMD.runWorkload, workload('early', 10n), 'WORKLOAD_LOCKED');
  r.step('install a 2-of-3 licence', CMD.installLicence, { licence: r.licence() });
  r.step('checkpoint after installation', CMD.checkpoint, {});
  const firstSize = r.log.size;
  r.clock.advance(3600);
  r.step('run a bf16 workload', CMD.runWorkload, workload('pretrain-a', 3n * 10n ** 21n, { busyChipSeconds: 3600, interconnectBytes: 5n * 10n ** 12n }));
  r.step('run an fp8 workload', CMD.runWorkload, workload('finetune-b', 10n ** 20n, { precisionClass: 6 }));
  r.step('checkpoint after the workloads', CMD.checkpoint, {});
  r.step('prove the first workload entry is in the log', CMD.proveInclusion, { logIndex: firstSize, treeSize: r.log.size });
  r.step('prove the log grew consistently', CMD.proveConsistency, { treeSize1: firstSize, treeSize2: r.log.size });
  r.step('attest for a verifier nonce', CMD.attest, { nonce: sha256(utf8('verifier nonce 1')) });
  r.step('a nonce of 7 bytes is refused', CMD.attest, { nonce: new Uint8Array(7) }, 'MESSAGE_INVALID_FIELD');
  // read-entries (module-commands.md §3.1), after every other step so that their request ids stay.
  const size = r.log.size;
  r.step('read the entries from the first workload on, with the frontier before them, unsigned', CMD.readEntries, { start: firstSize, end: size });
  r.step('read the whole log: no frontier before entry 0', CMD.readEntries, { start: 0, end: size });
  r.step('a range that ends before it starts is refused', CMD.readEntries, { start: 3, end: 2 }, 'MODULE_INVALID_PARAMS');
  r.step('an empty range is refused', CMD.readEntries, { start: 2, end: 2 }, 'MODULE_INVALID_PARAMS');
  r.step('1025 entries, one more than a call may ask for, are refused before the log is looked at', CMD.readEntries, { start: 0, end: 1025 }, 'MODULE_INVALID_PARAMS');
  r.step('a range past the end of the log is refused', CMD.readEntries, { start: 0, end: size + 1 }, 'MODULE_INVALID_PARAMS');
  return r;
}

function licenceRefusals(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder('session-licence-refusals', 'Every licence refusal, each logged as licence-rejected with its code', 'licence-refusals', undefined, undefined, o);
  r.setUp();
  const otherChip = new Uint8Array([0x01, ...new Uint8Array(16).fill(0xee)]);
  const good = r.licenceClaims({ sequenceNumber: 10 });
  r.step('malformed bytes', CMD.installLicence, { licence: new Uint8Array([0xd8, 0x62, 0x80]) }, 'LICENCE_MALFORMED');
  r.step('one signature where the threshold is two', CMD.installLicence, { licence: r.authority.issueLicence(good, [2]) }, 'LICENCE_TOO_FEW_SIGNATURES');
  r.step('one issuer signing twice', CMD.installLicence, { licence: r.authority.issueLicence(good, [1, 1]) }, 'LICENCE_DUPLICATE_SIGNER');
  r.step('a licence for another chip', CMD.installLicence, { licence: r.licence({ ueid: otherChip }) }, 'LICENCE_WRONG_CHIP');
  r.step('not yet valid', CMD.installLicence, { licence: r.licence({ notBefore: T0 + 1 }) }, 'LICENCE_NOT_YET_VALID');
  r.step('expired at this very second', CMD.installLicence, { licence: r.licence({ expiry: T0 }) }, 'LICENCE_EXPIRED');
  r.step('valid from this very second', CMD.installLicence, { licence: r.authority.issueLicence(good, [0, 2]) });
  r.step('the same licence replayed', CMD.installLicence, { licence: r.authority.issueLicence(good, [0, 2]) }, 'LICENCE_REPLAYED');
  r.step('an older sequence number (rollback)', CMD.installLicence, { licence: r.licence({ sequenceNumber: 9 }) }, 'LICENCE_REPLAYED');
  const revocationId = sha256(utf8('revocation 1')).subarray(0, 16);
  const revocation = r.authority.issueRevocation({ revocationId, ueid: r.ueid, revokedLicences: [good.licenceId], issuedAt: T0 }, [0, 1]);
  r.step('a 2-of-3 revocation of the installed licence', CMD.applyRevocation, { revocation });
  r.step('the revocation replayed', CMD.applyRevocation, { revocation }, 'REVOCATION_REPLAYED');
  r.step('the revoked licence offered again with a new sequence number', CMD.installLicence, { licence: r.authority.issueLicence({ ...good, sequenceNumber: 11 }, [0, 1]) }, 'LICENCE_REVOKED');
  r.step('a workload under the revoked licence', CMD.runWorkload, workload('after-revocation', 1n), 'WORKLOAD_LOCKED');
  // licence.md §2: an unknown signer is refused, not skipped, even beside k good signatures.
  const stranger = signingKey(-8, vectorKey('stranger'));
  const withStranger = signStatement(licenceClaims, r.licenceClaims({ sequenceNumber: 20 }), [...r.authority.issuers.slice(0, 2), stranger]);
  r.step('two issuers and a stranger: refused whole, the stranger is not skipped', CMD.installLicence, { licence: withStranger }, 'LICENCE_UNKNOWN_SIGNER');
  return r;
}

function replayDefences(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder('session-replay-challenge', 'Challenge-response and hash-log replay defences together', 'replay-challenge', [REPLAY.hashLog, REPLAY.challenge], undefined, o);
  r.setUp();
  r.step('a licence with no challenge pending', CMD.installLicence, { licence: r.licence() }, 'LICENCE_CHALLENGE_MISMATCH');
  r.step('the chip issues a signed licence request with a fresh challenge', CMD.requestLicence, {});
  const challenge = r.chip.state!.pendingChallenge!;
  r.step('a licence answering another challenge', CMD.installLicence, { licence: r.licence({ chipChallenge: new Uint8Array(32).fill(1) }) }, 'LICENCE_CHALLENGE_MISMATCH');
  const answer = r.licence({ chipChallenge: challenge });
  r.step('the licence answering the challenge', CMD.installLicence, { licence: answer });
  r.step('the same licence again: its hash was applied', CMD.installLicence, { licence: answer }, 'LICENCE_ALREADY_APPLIED');
  return r;
}

function quotaAndExpiry(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder('session-quota-expiry', 'Quota used exactly, cluster and precision limits, expiry at the exact second, a rolled-back clock', 'quota-expiry', undefined, undefined, o);
  r.setUp();
  r.step('install a licence of 1000 operations for 1 hour', CMD.installLicence, { licence: r.licence({ opsQuota: 1000n, expiry: T0 + 3600, maxClusterSize: 16, maxInterconnectBandwidth: 10 ** 9 }) });
  r.step('fp32 is not licensed', CMD.runWorkload, workload('w-fp32', 1n, { precisionClass: 2 }), 'WORKLOAD_PRECISION_NOT_ALLOWED');
  r.step('a cluster of 17 chips is too large', CMD.runWorkload, workload('w-big', 1n, { clusterSize: 17 }), 'WORKLOAD_CLUSTER_TOO_LARGE');
  r.step('interconnect above the licensed bandwidth', CMD.runWorkload, workload('w-io', 1n, { interconnectBytes: 2n * 10n ** 9n, busyChipSeconds: 1 }), 'WORKLOAD_INTERCONNECT_EXCEEDED');
  // log-entry.md §3.1: parents without a produced state, or one state named twice, are refused.
  r.step('parent model states without a produced state', CMD.runWorkload, workload('w-parents', 1n, { parentStates: [sha256(utf8('base model'))] }), 'WORKLOAD_MODEL_STATES_INVALID');
  r.step('a workload producing the state it started from', CMD.runWorkload, workload('w-self', 1n, { parentStates: [sha256(utf8('base model'))], producedState: sha256(utf8('base model')) }), 'WORKLOAD_MODEL_STATES_INVALID');
  r.step('600 operations', CMD.runWorkload, workload('w-1', 600n));
  r.step('401 operations: one past the quota', CMD.runWorkload, workload('w-2', 401n), 'WORKLOAD_OVER_QUOTA');
  r.step('400 operations: exactly the quota, which exhausts the licence', CMD.runWorkload, workload('w-3', 400n));
  r.step('locked once exhausted', CMD.runWorkload, workload('w-4', 1n), 'WORKLOAD_LOCKED');
  r.step('a second licence, expiring at T0+7200', CMD.installLicence, { licence: r.licence({ opsQuota: 10n, expiry: T0 + 7200 }) });
  r.clock.time = T0 + 7199;
  r.step('one second before expiry the licence still admits work', CMD.runWorkload, workload('w-5', 1n));
  r.clock.time = T0 + 7200;
  r.step('at the exact second of expiry the chip locks', CMD.runWorkload, workload('w-6', 1n), 'WORKLOAD_LOCKED');
  r.clock.time = T0 + 3000;
  r.step('a clock rolled back is refused and cannot revive the licence', CMD.runWorkload, workload('w-7', 1n), 'CLOCK_WENT_BACKWARDS');
  r.clock.time = T0 + 7300;
  r.step('status: licence expired', CMD.status, {});
  return r;
}

function counterBoundaries(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder('session-counter-boundaries', 'Operation counters crossing 2^32, 2^53, 2^64-1, 2^64 (the first bignum) and reaching 2^128-1', 'counters', undefined, undefined, o);
  r.setUp();
  r.step('a licence with the largest quota, 2^128-1', CMD.installLicence, { licence: r.licence({ opsQuota: 2n ** 128n - 1n }) });
  let total = 0n;
  for (const target of [2n ** 32n, 2n ** 53n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 128n - 1n]) {
    r.step(`run to a total of ${target}`, CMD.runWorkload, workload(`to-${target}`, target - total));
    total = target;
    r.step(`status at ${target}`, CMD.status, {});
  }
  r.step('the quota is used exactly: nothing more runs', CMD.runWorkload, workload('beyond', 1n), 'WORKLOAD_LOCKED');
  r.step('attest with every counter at its boundary', CMD.attest, { nonce: new Uint8Array(64).fill(0xab) });
  // A fresh licence admits one more operation, but a lifetime counter cannot pass 2^128-1 (module-commands.md §5).
  r.step('a second licence of 1 operation', CMD.installLicence, { licence: r.licence({ opsQuota: 1n }) });
  r.step('one more operation would take the counter past 2^128-1', CMD.runWorkload, workload('past-the-counter', 1n), 'WORKLOAD_COUNTER_LIMIT');
  return r;
}

function firmware(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder('session-firmware', 'Signed firmware updates: a new attestation key; forged, wrong-model and downgrade manifests refused', 'firmware', undefined, undefined, o);
  r.setUp();
  const hwmodel = utf8('hemkit-sim-a1');
  const v2 = sha256(utf8('hemkit simulated firmware v2'));
  r.step('update to v2 (SVN 2), signed by the manufacturer', CMD.firmwareUpdate, { manifest: r.manufacturer.signFirmwareManifest(hwmodel, v2, 2, T0) });
  const rogue = new Manufacturer('rogue', vectorKey('rogue'));
  r.step('a manifest signed by another key', CMD.firmwareUpdate, { manifest: rogue.signFirmwareManifest(hwmodel, v2, 3, T0) }, 'FIRMWARE_SIGNATURE_INVALID');
  r.step('a manifest for another model', CMD.firmwareUpdate, { manifest: r.manufacturer.signFirmwareManifest(utf8('other-model'), v2, 3, T0) }, 'FIRMWARE_WRONG_MODEL');
  r.step('a downgrade to SVN 1', CMD.firmwareUpdate, { manifest: r.manufacturer.signFirmwareManifest(hwmodel, sha256(utf8('old')), 1, T0) }, 'FIRMWARE_SVN_DOWNGRADE');
  r.step('attest under the new firmware', CMD.attest, { nonce: new Uint8Array(8).fill(1) });
  // licence.md §6 step 6a: a licence may require a minimum firmware SVN.
  r.step('a licence requiring SVN 3 is refused on SVN 2', CMD.installLicence, { licence: r.licence({ minimumSvn: 3 }) }, 'LICENCE_SVN_TOO_LOW');
  r.step('a licence requiring SVN 2 is installed', CMD.installLicence, { licence: r.licence({ minimumSvn: 2 }) });
  return r;
}

/** The firmware signers of session-firmware-signers: four keys, 2, 3 and 4 of them by kind (module-commands.md §4.1). */
export const SESSION_FIRMWARE_SIGNERS = () =>
  new FirmwareSignerSet(
    [0, 1, 2, 3].map((i) => vectorKey(`firmware-signer-${i}`)),
    new Map([
      [FIRMWARE_KIND.securityPatch, 2],
      [FIRMWARE_KIND.featureUpdate, 3],
      [FIRMWARE_KIND.governancePolicy, 4],
    ]),
  );

function firmwareSigners(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder('session-firmware-signers', 'k-of-n firmware updates with a threshold per kind: too few signers, an unknown kind, a repeated signer and a signer outside the set refused', 'firmware-signers', undefined, undefined, o);
  const set = SESSION_FIRMWARE_SIGNERS();
  r.setUp(undefined, undefined, set.provisioned);
  const hwmodel = utf8('hemkit-sim-a1');
  const manifest = (kind: number | undefined, svn: number, label: string) => ({
    hwmodel,
    measurement: sha256(utf8(`hemkit simulated firmware ${label}`)),
    svn,
    iat: T0,
    ...(kind !== undefined ? { firmwareKind: kind } : {}),
  });
  const K = FIRMWARE_KIND;
  const outsider = signingKey(-8, vectorKey('firmware-signer-outsider'));
  r.step('a security patch (SVN 2) signed by 2 of 4: the threshold for patches', CMD.firmwareUpdate, { manifest: set.signManifest(manifest(K.securityPatch, 2, 'v2'), [0, 1]) });
  r.step('a feature update signed by 2 of 4: features need 3', CMD.firmwareUpdate, { manifest: set.signManifest(manifest(K.featureUpdate, 3, 'v3'), [0, 1]) }, 'FIRMWARE_TOO_FEW_SIGNATURES');
  r.step('the feature update (SVN 3) signed by 3 of 4', CMD.firmwareUpdate, { manifest: set.signManifest(manifest(K.featureUpdate, 3, 'v3'), [0, 1, 3]) });
  r.step('a governance-policy change signed by 3 of 4: governance needs all 4', CMD.firmwareUpdate, { manifest: set.signManifest(manifest(K.governancePolicy, 4, 'v4'), [0, 1, 2]) }, 'FIRMWARE_TOO_FEW_SIGNATURES');
  r.step('the governance change with signer 2 twice: a repeated signer counts once', CMD.firmwareUpdate, { manifest: set.signManifest(manifest(K.governancePolicy, 4, 'v4'), [0, 1, 2, 2]) }, 'FIRMWARE_TOO_FEW_SIGNATURES');
  r.step('the governance change with a fourth signature by a key outside the set: not counted', CMD.firmwareUpdate, { manifest: set.signManifest(manifest(K.governancePolicy, 4, 'v4'), [0, 1, 2], [outsider]) }, 'FIRMWARE_TOO_FEW_SIGNATURES');
  r.step('a manifest of kind 9, which the chip has no threshold for', CMD.firmwareUpdate, { manifest: set.signManifest(manifest(9, 4, 'v4'), [0, 1, 2, 3]) }, 'FIRMWARE_KIND_UNKNOWN');
  r.step('a manifest that names no kind', CMD.firmwareUpdate, { manifest: set.signManifest(manifest(undefined, 4, 'v4'), [0, 1, 2, 3]) }, 'FIRMWARE_KIND_UNKNOWN');
  r.step('a COSE_Sign1 by the manufacturer alone, as a chip without signers takes', CMD.firmwareUpdate, { manifest: r.manufacturer.signFirmwareManifest(hwmodel, sha256(utf8('hemkit simulated firmware v4')), 4, T0) }, 'FIRMWARE_SIGNATURE_INVALID');
  r.step('the governance change (SVN 4) signed by all 4', CMD.firmwareUpdate, { manifest: set.signManifest(manifest(K.governancePolicy, 4, 'v4'), [3, 2, 1, 0]) });
  r.step('a security patch back to SVN 3, signed by 2 of 4', CMD.firmwareUpdate, { manifest: set.signManifest(manifest(K.securityPatch, 3, 'v3'), [0, 1]) }, 'FIRMWARE_SVN_DOWNGRADE');
  r.step('attest under the governance-approved firmware', CMD.attest, { nonce: new Uint8Array(8).fill(4) });
  return r;
}

/**
 * Issuer rotation and revocation (licence.md §5a): updates refused for too few current signers,
 * unknown signers, a bad new set, another chip; a rotation by k of the current issuers; then the old
 * set's licences and updates refused, the new set's accepted; a revocation of one new issuer, and a
 * replayed or older sequence number refused.
 */
function issuerRotation(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder('session-issuer-rotation', 'Issuer-set updates signed by k of the current issuers: rotation, revocation, and every refusal', 'issuer-rotation', undefined, undefined, o);
  r.setUp();
  r.step('install a licence signed by the provisioned issuers', CMD.installLicence, { licence: r.licence() });
  const keys = (...labels: string[]) => labels.map((l) => vectorKey(l));
  const rotated = new LicenceAuthority(keys('issuer-2', 'issuer-3', 'issuer-4'), 2);
  const strangers = new LicenceAuthority(keys('issuer-3', 'issuer-4'), 2);
  const update = (signedBy: LicenceAuthority, signers: readonly number[], set: readonly CosePublicKey[], threshold: number, issuerSetSequence: number, ueid = r.ueid) =>
    signedBy.issueIssuerSetUpdate({ ueid, issuerSetSequence, issuerKeys: set, issuerThreshold: threshold, issuedAt: T0 }, signers);
  const send = (comment: string, bytes: Uint8Array, expect = 'ok') => r.step(comment, CMD.updateIssuers, { update: bytes }, expect);
  send('an update signed by one current issuer of the two needed', update(r.authority, [0], rotated.publicKeys, 2, 1), 'LICENCE_TOO_FEW_SIGNATURES');
  send('an update signed by keys the chip does not hold', update(strangers, [0, 1], rotated.publicKeys, 2, 1), 'LICENCE_UNKNOWN_SIGNER');
  send('a new threshold of 3 over 2 keys', update(r.authority, [0, 1], strangers.publicKeys, 3, 1), 'ISSUERS_SET_INVALID');
  send('a new threshold of 0', update(r.authority, [0, 1], strangers.publicKeys, 0, 1), 'ISSUERS_SET_INVALID');
  send('a new set naming one key twice', update(r.authority, [0, 1], [strangers.publicKeys[0]!, strangers.publicKeys[0]!], 2, 1), 'ISSUERS_SET_INVALID');
  send('a malformed update: an empty new set (the set is [+ COSE_Key])', update(r.authority, [0, 1], [], 1, 1), 'LICENCE_MALFORMED');
  send('an update for another chip', update(r.authority, [0, 1], rotated.publicKeys, 2, 1, new Uint8Array([0x01, ...new Uint8Array(16).fill(0xee)])), 'LICENCE_WRONG_CHIP');
  send('an update with sequence number 0, the provisioned set\'s', update(r.authority, [0, 1], rotated.publicKeys, 2, 0), 'ISSUERS_UPDATE_REPLAYED');
  const rotation = update(r.authority, [0, 1], rotated.publicKeys, 2, 1);
  send('rotate to issuers 2, 3, 4 (2 of 3), signed by issuers 0 and 1: 0 and 1 are revoked', rotation);
  send('the same update replayed: its signers are no longer issuers', rotation, 'LICENCE_UNKNOWN_SIGNER');
  r.step('a licence signed by the old set after the rotation', CMD.installLicence, { licence: r.licence({}, [0, 1]) }, 'LICENCE_UNKNOWN_SIGNER');
  r.step('a licence signed by two issuers of the new set', CMD.installLicence, { licence: rotated.issueLicence(r.licenceClaims(), [0, 1]) });
  send('an update signed by the old set after the rotation', update(r.authority, [0, 1], r.authority.publicKeys, 2, 2), 'LICENCE_UNKNOWN_SIGNER');
  const remaining = new LicenceAuthority(keys('issuer-2', 'issuer-3'), 2);
  const revocation = update(rotated, [0, 1], remaining.publicKeys, 2, 3);
  send('revoke issuer 4: the set becomes issuers 2 and 3 (2 of 2), sequence 3', revocation);
  send('the revocation replayed, its signers still issuers', revocation, 'ISSUERS_UPDATE_REPLAYED');
  send('an update with sequence 2, below the 3 in force', update(remaining, [0, 1], rotated.publicKeys, 2, 2), 'ISSUERS_UPDATE_REPLAYED');
  r.step('a licence signed by the revoked issuer 4 and issuer 2', CMD.installLicence, { licence: rotated.issueLicence(r.licenceClaims(), [2, 0]) }, 'LICENCE_UNKNOWN_SIGNER');
  r.step('a workload under the licence the new set issued', CMD.runWorkload, workload('after-rotation', 10n ** 20n));
  r.step('attest after the rotations', CMD.attest, { nonce: sha256(utf8('issuer rotation nonce')) });
  return r;
}

function provisioningRefusals(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder('session-provisioning-refusals', 'A chip refusing commands out of order, bad provisioning, unknown signers, forged signatures, and a detected rollback', 'provisioning', undefined, undefined, o);
  const hwmodel = utf8('hemkit-sim-a1');
  r.step('status before manufacture', CMD.status, {}, 'MODULE_NOT_MANUFACTURED');
  const made = r.step('manufacture', CMD.manufacture, { hwmodel, uds: vectorKey('uds provisioning') }) as { ueid: Uint8Array; deviceIdentityKey: import('@hemkit/wire/cose').CosePublicKey };
  r.ueid = made.ueid;
  r.step('manufacture again', CMD.manufacture, { hwmodel }, 'MODULE_ALREADY_MANUFACTURED');
  r.step('a licence before provisioning', CMD.installLicence, { licence: r.licence() }, 'MODULE_NOT_PROVISIONED');
  const rogue = new Manufacturer('rogue', vectorKey('rogue'));
  const params = (deviceCertificate: Uint8Array, issuerThreshold = 2) => ({
    deviceCertificate,
    issuerKeys: r.authority.publicKeys,
    issuerThreshold,
    replayDefence: [REPLAY.sequence],
    manufacturerKey: r.manufacturer.publicKey,
  });
  r.step('a device certificate signed by another manufacturer', CMD.provision, params(rogue.issueDeviceCertificate({ ...made, hwmodel }, T0)), 'DEVICE_CERTIFICATE_INVALID');
  r.step('a threshold of 4 of 3 issuers', CMD.provision, params(r.manufacturer.issueDeviceCertificate({ ...made, hwmodel }, T0), 4), 'MODULE_INVALID_PARAMS');
  r.step('provision', CMD.provision, params(r.manufacturer.issueDeviceCertificate({ ...made, hwmodel }, T0)));
  r.step('provision again', CMD.provision, params(r.manufacturer.issueDeviceCertificate({ ...made, hwmodel }, T0)), 'MODULE_ALREADY_PROVISIONED');
  const stranger = new LicenceAuthority([vectorKey('stranger')], 1);
  const claims = r.licenceClaims();
  r.step('a licence signed by an issuer the chip does not know', CMD.installLicence, { licence: stranger.issueLicence(claims, [0]) }, 'LICENCE_UNKNOWN_SIGNER');
  const good = r.authority.issueLicence(claims, [0, 1]);
  const forged = good.slice();
  forged[forged.length - 1]! ^= 0x01;
  r.step('a licence whose last signature was altered', CMD.installLicence, { licence: forged }, 'LICENCE_SIGNATURE_INVALID');
  r.step('a proof for a tree larger than the log', CMD.proveInclusion, { logIndex: 0, treeSize: 1000 }, 'MODULE_INVALID_PARAMS');
  r.step('install the licence', CMD.installLicence, { licence: good });
  r.rollbackEvent('power-on: the state was restored from an older copy', 'state generation 3 vs monotonic counter 5 (state-older-than-counter)');
  r.step('a workload after the rollback', CMD.runWorkload, workload('after-rollback', 1n), 'MODULE_REFUSING');
  r.step('the report shows lock state rollback', CMD.attest, { nonce: new Uint8Array(8).fill(7) });
  return r;
}

function tamper(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder('session-tamper', 'The tamper input: a sensor fires, the chip logs tamper-detected, refuses, and reports lock state tamper', 'tamper', undefined, undefined, o);
  r.setUp();
  r.step('install a licence', CMD.installLicence, { licence: r.licence() });
  r.step('a workload before the attack', CMD.runWorkload, workload('before', 10n ** 20n));
  r.clock.advance(60);
  r.tamperEvent('the enclosure switch fires', 'enclosure-open');
  r.step('a workload after the tamper is refused', CMD.runWorkload, workload('after', 1n), 'MODULE_REFUSING');
  r.step('a new licence is refused too', CMD.installLicence, { licence: r.licence() }, 'MODULE_REFUSING');
  r.step('a licence request is refused', CMD.requestLicence, {}, 'MODULE_REFUSING');
  r.tamperEvent('a second sensor: a voltage glitch', 'voltage-glitch');
  r.step('status: lock state tamper', CMD.status, {});
  r.step('the report shows lock state tamper; the log shows both sensors', CMD.attest, { nonce: sha256(utf8('tamper nonce')) });
  return r;
}

function itemisation(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder(
    'session-itemisation',
    'The itemisation threshold: small workloads counted but logged only as a daily workloads-aggregated entry, written before a report and before a licence change',
    'itemisation',
    undefined,
    undefined,
    o,
  );
  r.setUp(undefined, 10n ** 18n);
  r.step('install a licence', CMD.installLicence, { licence: r.licence() });
  r.step('a workload at the threshold is itemised', CMD.runWorkload, workload('large', 10n ** 18n));
  r.step('a small bf16 workload is counted, not itemised', CMD.runWorkload, workload('small-1', 4n * 10n ** 17n, { busyChipSeconds: 20 }));
  r.clock.advance(600);
  r.step('a small fp8 workload', CMD.runWorkload, workload('small-2', 10n ** 17n, { precisionClass: 6 }));
  r.step('status: the counters include both; the log has no entry for them yet', CMD.status, {});
  r.step('attest: the aggregate is written first, so the report binds a log that covers its counters', CMD.attest, { nonce: sha256(utf8('itemisation nonce 1')) });
  r.step('another small workload', CMD.runWorkload, workload('small-3', 10n ** 17n));
  r.clock.advance(86_400);
  r.step('a day later the first command writes the aggregate: its period is over', CMD.status, {});
  r.step('a small workload', CMD.runWorkload, workload('small-4', 10n ** 16n));
  r.step('a new licence: the aggregate under the old one is written first', CMD.installLicence, { licence: r.licence({ opsQuota: 10n ** 16n }) });
  r.step('a small workload that uses the new licence up: aggregated, then exhausted', CMD.runWorkload, workload('small-5', 10n ** 16n));
  r.step('attest', CMD.attest, { nonce: sha256(utf8('itemisation nonce 2')) });
  return r;
}

/** The throttled-baseline example (module-commands.md §5.1) as a session vector names it. */
export const THROTTLED_SESSION_POLICY = {
  name: 'rfd032-throttled-baseline',
  parameters: { baselineOpsPerSecond: '1000', precisionWeights: 'width', admitToQuota: 'true' },
} as const;

function throttledBaseline(): SessionRecorder {
  const r = new SessionRecorder(
    'session-throttled-baseline',
    'RFD 032 under the throttled-baseline policy: a baseline rate when unlicensed or lapsed, per-precision weights, admit to the quota then throttle',
    'throttled-baseline',
    undefined,
    undefined,
    { policy: { ...THROTTLED_SESSION_POLICY, policy: policyOfSession(THROTTLED_SESSION_POLICY) } },
  );
  r.setUp();
  r.step('unlicensed: 1000 operations in 1 s run at the baseline', CMD.runWorkload, workload('baseline-a', 1000n));
  r.step('unlicensed: 2001 operations in 2 s exceed the baseline', CMD.runWorkload, workload('baseline-b', 2001n, { busyChipSeconds: 2 }), 'WORKLOAD_OVER_BASELINE');
  r.step('install a licence of 1000 quota operations', CMD.installLicence, { licence: r.licence({ opsQuota: 1000n }) });
  r.step('1000 fp8 operations draw 500 (weight 500/1000)', CMD.runWorkload, workload('fp8', 1000n, { precisionClass: 6 }));
  r.step('501 bf16 operations: 500 within the quota, 1 more at the baseline; the licence is exhausted', CMD.runWorkload, workload('cross', 501n));
  r.step('exhausted: 3000 operations in 3 s at the baseline', CMD.runWorkload, workload('lapsed', 3000n, { busyChipSeconds: 3 }));
  r.step('exhausted: 3001 operations in 3 s exceed it', CMD.runWorkload, workload('lapsed-over', 3001n, { busyChipSeconds: 3 }), 'WORKLOAD_OVER_BASELINE');
  const claims = r.licenceClaims({ opsQuota: 10n });
  r.step('a second licence', CMD.installLicence, { licence: r.authority.issueLicence(claims, [0, 1]) });
  const revocation = r.authority.issueRevocation({ revocationId: sha256(utf8('throttled revocation')).subarray(0, 16), ueid: r.ueid, revokedLicences: [claims.licenceId], issuedAt: T0 }, [0, 1]);
  r.step('revoke it', CMD.applyRevocation, { revocation });
  r.step('revoked is a sanction, not a lapse: no baseline', CMD.runWorkload, workload('revoked', 1n), 'WORKLOAD_LOCKED');
  r.step('attest', CMD.attest, { nonce: sha256(utf8('throttled nonce')) });
  return r;
}

export const USAGE_ONLY_SESSION_POLICY = { name: 'usage-only' } as const;

function usageOnly(): SessionRecorder {
  const r = new SessionRecorder(
    'session-usage-only',
    'A usage-only licence for a chip with no clock: the window is not read, nothing expires, unused quota is carried',
    'usage-only',
    [REPLAY.sequence, REPLAY.hashLog],
    undefined,
    { policy: { ...USAGE_ONLY_SESSION_POLICY, policy: policyOfSession(USAGE_ONLY_SESSION_POLICY) } },
  );
  r.setUp();
  const first = r.licence({ opsQuota: 1000n, notBefore: T0 + 100, expiry: T0 + 3600 });
  r.step('a licence whose window has not begun is installed: the window is not read', CMD.installLicence, { licence: first });
  r.step('600 operations', CMD.runWorkload, workload('u-1', 600n));
  r.clock.time = T0 + 10 * 86_400;
  r.step('ten days later, past the expiry, the licence still admits work', CMD.runWorkload, workload('u-2', 100n));
  r.step('a second licence of 1000 adds to the 300 left', CMD.installLicence, { licence: r.licence({ opsQuota: 1000n }) });
  r.step('status: 1300 remain', CMD.status, {});
  r.step('the first licence again: refused by sequence number', CMD.installLicence, { licence: first }, 'LICENCE_REPLAYED');
  r.step('1301 operations: over the carried quota', CMD.runWorkload, workload('u-3', 1301n), 'WORKLOAD_OVER_QUOTA');
  r.step('attest', CMD.attest, { nonce: sha256(utf8('usage-only nonce')) });
  return r;
}

function memoryTransfer(o: SessionOptions = {}): SessionRecorder {
  const r = new SessionRecorder(
    'session-memory-transfer',
    'Memory transfer metered: a memory-transfer quota used exactly, one byte over refused, the counter at 2^128-1, busy chip-seconds at 2^53-1',
    'memory-transfer',
    undefined,
    undefined,
    o,
  );
  r.setUp();
  // licence.md §3: a memory-transfer quota is drawn like the operations quota; either used up exhausts the licence.
  r.step('a licence of 1000 operations and 10^6 bytes of memory transfer', CMD.installLicence, { licence: r.licence({ opsQuota: 1000n, memoryQuota: 10n ** 6n }) });
  r.step('100 operations moving 400000 bytes', CMD.runWorkload, workload('m-1', 100n, { memoryBytes: 400_000n }));
  r.step('600001 bytes: one past the memory-transfer quota', CMD.runWorkload, workload('m-2', 10n, { memoryBytes: 600_001n }), 'WORKLOAD_OVER_MEMORY_QUOTA');
  r.step('status: 600000 bytes of memory transfer remain', CMD.status, {});
  r.step('600000 bytes: exactly the memory-transfer quota, which exhausts the licence', CMD.runWorkload, workload('m-3', 10n, { memoryBytes: 600_000n }));
  r.step('locked once the memory-transfer quota is used up', CMD.runWorkload, workload('m-4', 1n), 'WORKLOAD_LOCKED');
  // module-commands.md §4: the lifetime counters stop at their maxima whatever a licence admits.
  r.step('a licence with no memory-transfer quota', CMD.installLicence, { licence: r.licence({ opsQuota: 1000n }) });
  r.step('memory transfer to 2^128-1 and busy chip-seconds to 2^53-1', CMD.runWorkload, workload('m-5', 1n, { memoryBytes: 2n ** 128n - 1n - 1_000_000n, busyChipSeconds: Number.MAX_SAFE_INTEGER }));
  r.step('one more byte would take the memory counter past 2^128-1', CMD.runWorkload, workload('m-6', 1n, { memoryBytes: 1n }), 'WORKLOAD_COUNTER_LIMIT');
  r.step('one more busy second would take busy chip-seconds past 2^53-1', CMD.runWorkload, workload('m-7', 1n, { busyChipSeconds: 1 }), 'WORKLOAD_COUNTER_LIMIT');
  r.step('a workload moving no memory still runs', CMD.runWorkload, workload('m-8', 1n));
  r.step('attest with the memory counter at 2^128-1', CMD.attest, { nonce: sha256(utf8('memory-transfer nonce')) });
  return r;
}

/**
 * The shipped session scripts. Each runs under the default policy to make its vector; run with
 * another policy and `record`, it shows where that policy behaves differently (the recorder's
 * `differences`).
 */
export const MODULE_SESSIONS: readonly ((options?: SessionOptions) => SessionRecorder)[] = [lifecycle, licenceRefusals, replayDefences, quotaAndExpiry, counterBoundaries, firmware, firmwareSigners, provisioningRefusals, tamper, itemisation, issuerRotation, memoryTransfer];

/** Sessions that exist to show a mechanism of a non-default policy: each names its policy in its setup. */
export const POLICY_SESSIONS: readonly (() => SessionRecorder)[] = [throttledBaseline, usageOnly];

/** Every module vector file, by path under test-vectors/, as the exact text to write. */
export function generateModuleVectors(): Map<string, string> {
  const files = new Map<string, string>();
  for (const make of [...MODULE_SESSIONS, ...POLICY_SESSIONS]) {
    const vector = make().vector();
    files.set(`module/${vector.id}.json`, sessionVectorFile(vector));
  }
  return files;
}
