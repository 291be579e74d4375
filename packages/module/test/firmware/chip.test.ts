import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { nobleBackend } from '@hemkit/wire/crypto';
import {
  attestationKeyCertificateClaims,
  attestationReportClaims,
  checkpointClaims,
  CMD,
  deviceCertificateClaims,
  EVENT,
  LOCK,
  logEntry,
  openClaims,
  parseResponse,
  verifyConsistencyReceipt,
  verifyInclusionReceipt,
  workloadCommitment,
} from '@hemkit/wire/messages';
import { enterRollbackState, FACTORY_FIRMWARE } from '../../src/firmware/chip.js';
import { InProcessChip, ManualClock, seededRandom } from '../../src/in-process.js';
import { Manufacturer } from '../../src/factory.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { ReferenceLog } from '../support/reference-log.js';
import { HWMODEL, scenario, seed, T0, utf8, workload } from '../support/scenario.js';

/** The attestation public key, read the way a verifier reads it: through the certificate chain. */
function attestationKeyOf(s: ReturnType<typeof scenario>, akCert = s.attestationKeyCertificate) {
  const device = openClaims(deviceCertificateClaims, s.deviceCertificate, s.manufacturer.publicKey);
  return openClaims(attestationKeyCertificateClaims, akCert, device.cnf.coseKey);
}

describe('identity and provisioning', () => {
  it('chains manufacturer root → device certificate → attestation-key certificate for the running firmware', () => {
    const s = scenario();
    const ak = attestationKeyOf(s);
    expect(Buffer.from(ak.measurement).equals(Buffer.from(FACTORY_FIRMWARE))).toBe(true);
    expect(ak.svn).toBe(1);
    expect(s.entries()[0]!.kind).toBe(EVENT.boot);
    expect(s.chip.state!.bootcount).toBe(1);
  });

  it('MODULE_NOT_MANUFACTURED, MODULE_ALREADY_MANUFACTURED, MODULE_NOT_PROVISIONED, MODULE_ALREADY_PROVISIONED', () => {
    const clock = new ManualClock(T0);
    const chip = new InProcessChip({ log: new ReferenceLog(), now: clock.now, random: seededRandom('fresh') });
    expectCode(() => chip.send(CMD.status, {}), 'MODULE_NOT_MANUFACTURED');
    chip.send(CMD.manufacture, { hwmodel: HWMODEL });
    expectCode(() => chip.send(CMD.manufacture, { hwmodel: HWMODEL }), 'MODULE_ALREADY_MANUFACTURED');
    expectCode(() => chip.send(CMD.attest, { nonce: new Uint8Array(8) }), 'MODULE_NOT_PROVISIONED');
    const s = scenario();
    expectCode(
      () =>
        s.chip.send(CMD.provision, {
          deviceCertificate: s.deviceCertificate,
          issuerKeys: s.authority.publicKeys,
          issuerThreshold: 2,
          replayDefence: [1],
          manufacturerKey: s.manufacturer.publicKey,
        }),
      'MODULE_ALREADY_PROVISIONED',
    );
  });

  it('DEVICE_CERTIFICATE_INVALID: signed by another manufacturer, or naming another chip; MODULE_INVALID_PARAMS for k > n', () => {
    const clock = new ManualClock(T0);
    const chip = new InProcessChip({ log: new ReferenceLog(), now: clock.now, random: seededRandom('other') });
    const made = chip.send(CMD.manufacture, { hwmodel: HWMODEL });
    const real = new Manufacturer('fab', seed('manufacturer'));
    const rogue = new Manufacturer('rogue', seed('rogue'));
    const params = (deviceCertificate: Uint8Array, issuerThreshold = 1) => ({
      deviceCertificate,
      issuerKeys: [real.publicKey],
      issuerThreshold,
      replayDefence: [1 as const],
      manufacturerKey: real.publicKey,
    });
    expectCode(() => chip.send(CMD.provision, params(rogue.issueDeviceCertificate({ ...made, hwmodel: HWMODEL }, T0))), 'DEVICE_CERTIFICATE_INVALID');
    expectCode(
      () => chip.send(CMD.provision, params(real.issueDeviceCertificate({ ...made, ueid: new Uint8Array(17), hwmodel: HWMODEL }, T0))),
      'DEVICE_CERTIFICATE_INVALID',
    );
    expectCode(() => chip.send(CMD.provision, params(real.issueDeviceCertificate({ ...made, hwmodel: HWMODEL }, T0), 2)), 'MODULE_INVALID_PARAMS');
  });
});

describe('usage metering', () => {
  it('counts exactly, past 2^64, per precision class, and never backwards', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 2n ** 70n }) });
    s.chip.send(CMD.runWorkload, workload(2n ** 64n - 1n, { busyChipSeconds: 3600, interconnectBytes: 10n }));
    s.chip.send(CMD.runWorkload, workload(1n, { precisionClass: 6 }));
    const c = s.chip.state!.counters;
    expect(c.totalOps).toBe(2n ** 64n);
    expect(c.opsByPrecision.get(4)).toBe(2n ** 64n - 1n);
    expect(c.opsByPrecision.get(6)).toBe(1n);
    expect(c.workloadsRun).toBe(2);
    expect(c.busyChipSeconds).toBe(3600);
    expect(c.interconnectBytes).toBe(10n);
  });

  it('logs started and finished with a salted commitment that the returned salt opens', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    const params = workload(500n);
    const result = s.chip.send(CMD.runWorkload, params);
    const started = s.entries()[result.startedIndex!]!;
    const finished = s.entries()[result.finishedIndex!]!;
    const commitment = workloadCommitment(result.salt!, params.workloadDescriptor);
    expect(started.kind === EVENT.workloadStarted && Buffer.from(started.details.workloadCommitment).equals(Buffer.from(commitment))).toBe(true);
    expect(finished.kind === EVENT.workloadFinished && finished.details.ops).toBe(500n);
    // the log carries no trace of the descriptor itself
    expect(Buffer.concat(s.log.entries).includes(Buffer.from('pretrain-7'))).toBe(false);
  });

  it.each([
    ['WORKLOAD_PRECISION_NOT_ALLOWED', { precisionClass: 2 }],
    ['WORKLOAD_CLUSTER_TOO_LARGE', { clusterSize: 65 }],
    ['WORKLOAD_INTERCONNECT_EXCEEDED', { interconnectBytes: 1001n, busyChipSeconds: 1 }],
  ] as const)('%s: refused, logged, nothing counted', (code, over) => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ maxInterconnectBandwidth: 1000 }) });
    const before = s.chip.state!.counters;
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n, over)), code);
    const entry = s.lastEntry();
    expect(entry.kind === EVENT.workloadRefused && entry.details.reason).toBe(code);
    expect(s.chip.state!.counters).toEqual(before);
  });

  it('WORKLOAD_OVER_QUOTA one operation past the quota; exactly the quota runs and exhausts the licence', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 1000n }) });
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1001n)), 'WORKLOAD_OVER_QUOTA');
    expect(s.lastEntry().kind).toBe(EVENT.workloadRefused);
    expect(s.chip.send(CMD.runWorkload, workload(1000n)).remainingQuota).toBe(0n);
    expect(s.lastEntry().kind).toBe(EVENT.licenceExhausted);
    expect(s.chip.state!.lockState).toBe(LOCK.licenceExhausted);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n)), 'WORKLOAD_LOCKED');
  });
});

describe('attestation, checkpoints and receipts', () => {
  it('signs an EAT for the verifier\'s nonce with the attestation key, carrying counters, licence and lock state', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 5000n }) });
    s.chip.send(CMD.runWorkload, workload(1200n));
    s.chip.send(CMD.checkpoint, {});
    const nonce = seed('nonce').subarray(0, 16);
    const { report, attestationKeyCertificate, deviceCertificate } = s.chip.send(CMD.attest, { nonce });
    expect(Buffer.from(deviceCertificate).equals(Buffer.from(s.deviceCertificate))).toBe(true);
    const claims = openClaims(attestationReportClaims, report, attestationKeyOf(s, attestationKeyCertificate).cnf.coseKey);
    expect(Buffer.from(claims.nonce).equals(Buffer.from(nonce))).toBe(true);
    expect(claims.counters.totalOps).toBe(1200n);
    expect(claims.licenceState!.remainingQuota).toBe(3800n);
    expect(claims.lockState).toBe(LOCK.unlocked);
    // The report binds the live head: its tree size and root are the log's as it signed.
    expect(claims.logHead.treeSize).toBe(s.log.size);
    expect(Buffer.from(claims.logHead.rootHash).equals(Buffer.from(s.log.root(s.log.size)))).toBe(true);
    expect(claims.bootcount).toBe(1);
  });

  it('refuses a nonce shorter than 8 or longer than 64 bytes', () => {
    const s = scenario();
    expectCode(() => s.chip.send(CMD.attest, { nonce: new Uint8Array(7) }), 'MESSAGE_INVALID_FIELD');
    expectCode(() => s.chip.send(CMD.attest, { nonce: new Uint8Array(65) }), 'MESSAGE_INVALID_FIELD');
  });

  it('checkpoints bind size, root and counters; receipts prove inclusion and consistency against them', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    const first = openClaims(checkpointClaims, s.chip.send(CMD.checkpoint, {}).checkpoint, attestationKeyOf(s).cnf.coseKey);
    for (let i = 0; i < 5; i++) s.chip.send(CMD.runWorkload, workload(10n));
    const { checkpoint, note } = s.chip.send(CMD.checkpoint, {});
    const key = attestationKeyOf(s).cnf.coseKey;
    const second = openClaims(checkpointClaims, checkpoint, key);
    expect(second.treeSize).toBe(s.log.size);
    expect(Buffer.from(second.rootHash).equals(Buffer.from(s.log.root()))).toBe(true);
    expect(note).toContain(`\n${second.treeSize}\n`);
    const hasher = createMerkleHasher(nobleBackend.sha256);
    const { receipt, entry } = s.chip.send(CMD.proveInclusion, { logIndex: 3, treeSize: second.treeSize });
    const proven = verifyInclusionReceipt(receipt, key, hasher.hashLeaf(entry), hasher);
    expect(Buffer.from(proven.root).equals(Buffer.from(second.rootHash))).toBe(true);
    expect(logEntry.parse(decode(entry), 'e').index).toBe(3);
    const consistency = s.chip.send(CMD.proveConsistency, { treeSize1: first.treeSize, treeSize2: second.treeSize }).receipt;
    expect(Buffer.from(verifyConsistencyReceipt(consistency, key, first.rootHash, hasher).root2).equals(Buffer.from(second.rootHash))).toBe(true);
  });

  it('MODULE_INVALID_PARAMS: proofs beyond the log or of an empty range', () => {
    const s = scenario();
    expectCode(() => s.chip.send(CMD.proveInclusion, { logIndex: 0, treeSize: 99 }), 'MODULE_INVALID_PARAMS');
    expectCode(() => s.chip.send(CMD.proveInclusion, { logIndex: 1, treeSize: 1 }), 'MODULE_INVALID_PARAMS');
    expectCode(() => s.chip.send(CMD.proveConsistency, { treeSize1: 1, treeSize2: 1 }), 'MODULE_INVALID_PARAMS');
  });
});

describe('firmware updates', () => {
  const measurement = seed('firmware v2');

  it('accepts a manufacturer-signed manifest, reboots, and changes the attestation key (DICE)', () => {
    const s = scenario();
    const oldKey = attestationKeyOf(s).cnf.coseKey.publicKey;
    const manifest = s.manufacturer.signFirmwareManifest(HWMODEL, measurement, 2, T0);
    const { logIndex } = s.chip.send(CMD.firmwareUpdate, { manifest });
    expect(s.entries()[logIndex]!.kind).toBe(EVENT.firmwareUpdated);
    expect(s.lastEntry().kind).toBe(EVENT.boot);
    expect(s.chip.state!.bootcount).toBe(2);
    const ak = attestationKeyOf(s, s.chip.state!.attestationKeyCertificate!);
    expect(ak.svn).toBe(2);
    expect(Buffer.from(ak.cnf.coseKey.publicKey).equals(Buffer.from(oldKey))).toBe(false);
  });

  it('FIRMWARE_SIGNATURE_INVALID, FIRMWARE_WRONG_MODEL, FIRMWARE_SVN_DOWNGRADE', () => {
    const s = scenario();
    s.chip.send(CMD.firmwareUpdate, { manifest: s.manufacturer.signFirmwareManifest(HWMODEL, measurement, 3, T0) });
    const rogue = new Manufacturer('rogue', seed('rogue'));
    expectCode(() => s.chip.send(CMD.firmwareUpdate, { manifest: rogue.signFirmwareManifest(HWMODEL, measurement, 9, T0) }), 'FIRMWARE_SIGNATURE_INVALID');
    expectCode(() => s.chip.send(CMD.firmwareUpdate, { manifest: s.manufacturer.signFirmwareManifest(utf8('other'), measurement, 9, T0) }), 'FIRMWARE_WRONG_MODEL');
    expectCode(() => s.chip.send(CMD.firmwareUpdate, { manifest: s.manufacturer.signFirmwareManifest(HWMODEL, measurement, 2, T0) }), 'FIRMWARE_SVN_DOWNGRADE');
    expect(s.chip.state!.svn).toBe(3);
  });
});

describe('refusing state and bad requests', () => {
  it('MODULE_REFUSING after a detected state rollback, and reports show lock state rollback', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    s.chip.state = enterRollbackState(s.chip.state!, s.chip.env, 'generation 3 is below the monotonic counter 5');
    expect(s.lastEntry().kind).toBe(EVENT.stateRollbackDetected);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n)), 'MODULE_REFUSING');
    expectCode(() => s.chip.send(CMD.installLicence, { licence: s.licence() }), 'MODULE_REFUSING');
    const { report } = s.chip.send(CMD.attest, { nonce: new Uint8Array(8) });
    expect(openClaims(attestationReportClaims, report, attestationKeyOf(s).cnf.coseKey).lockState).toBe(LOCK.rollback);
  });

  it('answers malformed request bytes with an error response carrying the code, and changes nothing', () => {
    const s = scenario();
    const before = s.chip.state;
    for (const [bytes, code] of [
      [new Uint8Array([0xa1, 0x01]), 'CBOR_TRUNCATED'],
      [new Uint8Array([0x18, 0x01]), 'CBOR_NON_SHORTEST_HEAD'],
      [encode(new Map([[1, 99], [2, 1]])), 'MESSAGE_INVALID_FIELD'],
      [encode([1, 2]), 'MESSAGE_INVALID_FIELD'],
    ] as const) {
      const response = parseResponse(decode(s.chip.sendBytes(bytes)));
      expect(response.status).toBe(1);
      expect(response.status === 1 && response.error.code).toBe(code);
    }
    expect(s.chip.state).toBe(before);
  });

  it('is deterministic: the same scenario gives the same bytes', () => {
    const run = () => {
      const s = scenario();
      s.chip.send(CMD.installLicence, { licence: s.licence() });
      s.chip.send(CMD.runWorkload, workload(7n));
      s.chip.send(CMD.attest, { nonce: new Uint8Array(8) });
      return Buffer.concat(s.chip.transcript.flatMap((x) => [x.request, x.response])).toString('hex');
    };
    expect(run()).toBe(run());
  });
});
