/** k-of-n firmware updates with a threshold per kind (specs/messages/module-commands.md §4.1). */
import { describe, expect, it } from 'vitest';
import { CMD, EVENT, FIRMWARE_KIND, REPLAY, signingKey, type FirmwareSigners } from '@hemkit/wire/messages';
import { FirmwareSignerSet, LicenceAuthority, Manufacturer } from '../../src/factory.js';
import { InProcessChip, ManualClock, seededRandom } from '../../src/in-process.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { ReferenceLog } from '../support/reference-log.js';
import { HWMODEL, scenario, seed, T0, utf8 } from '../support/scenario.js';

const K = FIRMWARE_KIND;
const signerSet = () => new FirmwareSignerSet([0, 1, 2].map((i) => seed(`fw-signer-${i}`)), new Map([[K.securityPatch, 1], [K.featureUpdate, 2], [K.governancePolicy, 3]]));
const claims = (svn: number, kind?: number) => ({ hwmodel: HWMODEL, measurement: seed(`firmware ${svn}`), svn, iat: T0, ...(kind !== undefined ? { firmwareKind: kind } : {}) });

/** A chip manufactured and about to be provisioned; `provision` sends the command with the given signers. */
function blankChip() {
  const chip = new InProcessChip({ log: new ReferenceLog(), now: new ManualClock(T0).now, random: seededRandom('fw-signers') });
  const manufacturer = new Manufacturer('hemkit-sim-fab', seed('manufacturer'));
  const authority = new LicenceAuthority([seed('issuer-0'), seed('issuer-1')], 1);
  const made = chip.send(CMD.manufacture, { hwmodel: HWMODEL, uds: seed('uds fw-signers') });
  const provision = (firmwareSigners?: FirmwareSigners) =>
    chip.send(CMD.provision, {
      deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel: HWMODEL }, T0),
      issuerKeys: authority.publicKeys,
      issuerThreshold: 1,
      replayDefence: [REPLAY.sequence],
      manufacturerKey: manufacturer.publicKey,
      ...(firmwareSigners ? { firmwareSigners } : {}),
    });
  return { chip, manufacturer, provision };
}

describe('provisioning a firmware-signer set', () => {
  it('refuses a threshold of 0, a threshold above n, repeated keys: MODULE_INVALID_PARAMS', () => {
    const set = signerSet().provisioned;
    const c = blankChip();
    expectCode(() => c.provision({ ...set, thresholds: new Map([[K.securityPatch, 0]]) }), 'MODULE_INVALID_PARAMS');
    expectCode(() => c.provision({ ...set, thresholds: new Map([[K.securityPatch, 4]]) }), 'MODULE_INVALID_PARAMS');
    expectCode(() => c.provision({ ...set, keys: [set.keys[0]!, set.keys[0]!] , thresholds: new Map([[K.securityPatch, 1]]) }), 'MODULE_INVALID_PARAMS');
    expect(c.chip.state!.provisioning).toBeUndefined();
    c.provision(set);
    expect(c.chip.state!.provisioning!.firmwareSigners!.thresholds.get(K.governancePolicy)).toBe(3);
  });
});

describe('a chip with firmware signers', () => {
  const provisioned = () => {
    const c = blankChip();
    const set = signerSet();
    c.provision(set.provisioned);
    return { ...c, set };
  };

  it('installs an update once the kind\'s threshold of distinct signers is reached, and logs it', () => {
    const { chip, set } = provisioned();
    chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(2, K.securityPatch), [2]) });
    chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(3, K.governancePolicy), [0, 1, 2]) });
    expect(chip.state!.svn).toBe(3);
  });

  it('FIRMWARE_TOO_FEW_SIGNATURES: a repeated signer, a key outside the set and an invalid signature are not counted', () => {
    const { chip, set } = provisioned();
    const outsider = signingKey(-8, seed('outsider'));
    expectCode(() => chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(2, K.featureUpdate), [0, 0]) }), 'FIRMWARE_TOO_FEW_SIGNATURES');
    expectCode(() => chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(2, K.featureUpdate), [0], [outsider]) }), 'FIRMWARE_TOO_FEW_SIGNATURES');
    // Signer 1's kid on a signature made by another key: a listed signer, an invalid signature.
    const forged = { ...outsider, kid: set.signers[1]!.kid };
    expectCode(() => chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(2, K.featureUpdate), [0], [forged]) }), 'FIRMWARE_TOO_FEW_SIGNATURES');
    // Only a signer's first signature is judged: a valid one after an invalid one is not counted.
    expectCode(() => chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(2, K.featureUpdate), [0], [forged, set.signers[1]!]) }), 'FIRMWARE_TOO_FEW_SIGNATURES');
    // The same two signatures, both valid, are enough: the refusals above were for what was not counted.
    chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(2, K.featureUpdate), [0, 1]) });
    expect(chip.state!.svn).toBe(2);
  });

  it('FIRMWARE_KIND_UNKNOWN for a kind with no threshold and for a manifest with no kind', () => {
    const { chip, set } = provisioned();
    expectCode(() => chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(2, 7), [0, 1, 2]) }), 'FIRMWARE_KIND_UNKNOWN');
    expectCode(() => chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(2), [0, 1, 2]) }), 'FIRMWARE_KIND_UNKNOWN');
  });

  it('a kind the provisioner left out is never installed', () => {
    const c = blankChip();
    const set = new FirmwareSignerSet([seed('fw-signer-0')], new Map([[K.securityPatch, 1]]));
    c.provision(set.provisioned);
    expectCode(() => c.chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(2, K.governancePolicy), [0]) }), 'FIRMWARE_KIND_UNKNOWN');
  });

  it('FIRMWARE_SIGNATURE_INVALID for the manufacturer\'s COSE_Sign1; FIRMWARE_WRONG_MODEL and FIRMWARE_SVN_DOWNGRADE as before', () => {
    const { chip, set, manufacturer } = provisioned();
    expectCode(() => chip.send(CMD.firmwareUpdate, { manifest: manufacturer.signFirmwareManifest(HWMODEL, seed('x'), 2, T0, K.securityPatch) }), 'FIRMWARE_SIGNATURE_INVALID');
    expectCode(() => chip.send(CMD.firmwareUpdate, { manifest: set.signManifest({ ...claims(2, K.securityPatch), hwmodel: utf8('other') }, [0]) }), 'FIRMWARE_WRONG_MODEL');
    chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(3, K.securityPatch), [0]) });
    expectCode(() => chip.send(CMD.firmwareUpdate, { manifest: set.signManifest(claims(2, K.securityPatch), [0]) }), 'FIRMWARE_SVN_DOWNGRADE');
  });
});

describe('a chip without firmware signers (the default)', () => {
  it('takes a manufacturer manifest that names a registered kind, and refuses an unregistered one: FIRMWARE_KIND_UNKNOWN', () => {
    const s = scenario();
    expectCode(() => s.chip.send(CMD.firmwareUpdate, { manifest: s.manufacturer.signFirmwareManifest(HWMODEL, seed('fw'), 2, T0, 4) }), 'FIRMWARE_KIND_UNKNOWN');
    s.chip.send(CMD.firmwareUpdate, { manifest: s.manufacturer.signFirmwareManifest(HWMODEL, seed('fw'), 2, T0, K.governancePolicy) });
    expect(s.chip.state!.svn).toBe(2);
    expect(s.entries().slice(-2).map((e) => e.kind)).toEqual([EVENT.firmwareUpdated, EVENT.boot]);
  });

  it('refuses a k-of-n COSE_Sign: FIRMWARE_SIGNATURE_INVALID', () => {
    const s = scenario();
    expectCode(() => s.chip.send(CMD.firmwareUpdate, { manifest: signerSet().signManifest(claims(2, K.securityPatch), [0, 1, 2]) }), 'FIRMWARE_SIGNATURE_INVALID');
  });
});
