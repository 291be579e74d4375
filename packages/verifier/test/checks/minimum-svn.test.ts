/**
 * Check 14 and a licence's minimum firmware SVN (specs/verifier.md §5.2): the SVN in force, read from
 * the log's boot and firmware-updated entries, must meet the licence's minimumSvn when it is installed
 * and whenever work runs under it.
 */
import { describe, expect, it } from 'vitest';
import { CMD, type LicenceClaims } from '@hemkit/wire/messages';
import { bootChip, FACTORY_FIRMWARE } from '../../../module/src/firmware/chip.js';
import { collectEvidence } from '../../../module/src/evidence.js';
import { appraiseWith, authority, check, hex, manufacturedChip, manufacturer, reference, runOn, seed, T0, utf8, verifierInputs, type Openings } from '../support/fixture.js';

const V2 = seed('firmware v2');

/** A chip updated to SVN 2 that installs a licence requiring SVN 2; `evidence` collects from entry 0. */
function updatedChip(name: string) {
  const { chip, made } = manufacturedChip(name);
  chip.send(CMD.firmwareUpdate, { manifest: manufacturer.signFirmwareManifest(utf8('hemkit-sim-a1'), V2, 2, T0) });
  const claims: LicenceClaims = { licenceId: seed(`${name} licence`).subarray(0, 16), ueid: made.ueid, sequenceNumber: 1, notBefore: T0 - 60, expiry: T0 + 86_400, opsQuota: 10n ** 25n, precisionClasses: [4], minimumSvn: 2 };
  const licence = authority.issueLicence(claims, [0, 1]);
  chip.send(CMD.installLicence, { licence });
  const openings: Openings = new Map();
  const evidence = () => {
    const nonce = seed(`${name} nonce`).subarray(0, 16);
    return { nonce, bundle: collectEvidence(chip, { nonce, discloseFrom: 0, openings, licences: [licence] }) };
  };
  return { chip, openings, evidence, licence };
}

/** Reference values that know both firmware images. */
const bothImages = () => verifierInputs({ reference: reference({ firmware: [{ measurement: hex(FACTORY_FIRMWARE), svn: 1 }, { measurement: hex(V2), svn: 2 }] }) });

describe('a licence with a minimum SVN', () => {
  it('is affirmed when the firmware in force met it at installation and while work ran', () => {
    const c = updatedChip('svn-ok');
    runOn(c.chip, 'train-1', 10n ** 20n, c.openings);
    const { bundle, nonce } = c.evidence();
    const a = appraiseWith(bundle, nonce, bothImages());
    expect(check(a, 'licence').status).toBe('pass');
    expect(a.status).toBe('affirming');
  });

  it('is affirmed again incrementally: a walk with no boot ran at the report\'s SVN', () => {
    const c = updatedChip('svn-incremental');
    const inputs = bothImages();
    const first = c.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    const base = inputs.store.getChip(c.chip.state!.ueid)!.latestCheckpoint!.treeSize;
    runOn(c.chip, 'train-2', 10n ** 20n, c.openings);
    const nonce = seed('svn-incremental nonce 2').subarray(0, 16);
    const later = collectEvidence(c.chip, { nonce, discloseFrom: base, knownSizes: [base], openings: c.openings, licences: [c.licence] });
    const a = appraiseWith(later, nonce, inputs);
    expect(check(a, 'licence').status).toBe('pass');
    expect(a.status).toBe('affirming');
  });

  it('LICENCE_SVN_TOO_LOW in an incremental walk with no boot: judged at the report\'s SVN', () => {
    const { chip, made } = manufacturedChip('svn-incremental-lax');
    const inputs = bothImages();
    const openings: Openings = new Map();
    const plainClaims: LicenceClaims = { licenceId: seed('plain licence').subarray(0, 16), ueid: made.ueid, sequenceNumber: 1, notBefore: T0 - 60, expiry: T0 + 86_400, opsQuota: 10n ** 25n, precisionClasses: [4] };
    const plain = authority.issueLicence(plainClaims, [0, 1]);
    chip.send(CMD.installLicence, { licence: plain });
    const nonce1 = seed('svn-incremental-lax nonce 1').subarray(0, 16);
    expect(appraiseWith(collectEvidence(chip, { nonce: nonce1, discloseFrom: 0, openings, licences: [plain] }), nonce1, inputs).status).toBe('affirming');
    const base = inputs.store.getChip(made.ueid)!.latestCheckpoint!.treeSize;
    // Firmware that skips licence.md §6 step 6a: the licence requires SVN 2, the chip runs SVN 1.
    const claims: LicenceClaims = { licenceId: seed('lax licence').subarray(0, 16), ueid: made.ueid, sequenceNumber: 2, notBefore: T0 - 60, expiry: T0 + 86_400, opsQuota: 10n ** 25n, precisionClasses: [4], minimumSvn: 2 };
    const licence = authority.issueLicence(claims, [0, 1]);
    chip.state = { ...chip.state!, svn: 2 };
    chip.send(CMD.installLicence, { licence });
    chip.state = { ...chip.state!, svn: 1 };
    runOn(chip, 'train-1', 10n ** 20n, openings);
    const nonce2 = seed('svn-incremental-lax nonce 2').subarray(0, 16);
    const a = appraiseWith(collectEvidence(chip, { nonce: nonce2, discloseFrom: base, knownSizes: [base], openings, licences: [licence] }), nonce2, inputs);
    expect(check(a, 'licence')).toMatchObject({ status: 'fail', code: 'LICENCE_SVN_TOO_LOW' });
    expect(check(a, 'licence').message).toMatch(/installs it/);
  });

  it('LICENCE_SVN_TOO_LOW before the walk\'s first boot: judged at the SVN remembered at the base (verifier.md §4)', () => {
    // Firmware that skips step 6a installs and uses a licence requiring SVN 2 at SVN 1, then updates
    // to SVN 2 before the next appraisal: the walk's boot hides the SVN before it, which only the
    // verifier's memory of the base knows. Without that memory this was affirmed.
    const { chip, made } = manufacturedChip('svn-remembered');
    const inputs = bothImages();
    const openings: Openings = new Map();
    const plainClaims: LicenceClaims = { licenceId: seed('svn-remembered plain').subarray(0, 16), ueid: made.ueid, sequenceNumber: 1, notBefore: T0 - 60, expiry: T0 + 86_400, opsQuota: 10n ** 25n, precisionClasses: [4] };
    const plain = authority.issueLicence(plainClaims, [0, 1]);
    chip.send(CMD.installLicence, { licence: plain });
    const nonce1 = seed('svn-remembered nonce 1').subarray(0, 16);
    expect(appraiseWith(collectEvidence(chip, { nonce: nonce1, discloseFrom: 0, openings, licences: [plain] }), nonce1, inputs).status).toBe('affirming');
    expect(inputs.store.getChip(made.ueid)!.svn).toBe(1);
    const base = inputs.store.getChip(made.ueid)!.latestCheckpoint!.treeSize;
    const claims: LicenceClaims = { ...plainClaims, licenceId: seed('svn-remembered demanding').subarray(0, 16), sequenceNumber: 2, minimumSvn: 2 };
    const licence = authority.issueLicence(claims, [0, 1]);
    chip.state = { ...chip.state!, svn: 2 };
    chip.send(CMD.installLicence, { licence });
    chip.state = { ...chip.state!, svn: 1 };
    runOn(chip, 'train-1', 10n ** 20n, openings);
    chip.send(CMD.firmwareUpdate, { manifest: manufacturer.signFirmwareManifest(utf8('hemkit-sim-a1'), V2, 2, T0) });
    const nonce2 = seed('svn-remembered nonce 2').subarray(0, 16);
    const second = collectEvidence(chip, { nonce: nonce2, discloseFrom: base, knownSizes: [base], openings, licences: [licence] });
    const a = appraiseWith(second, nonce2, inputs);
    expect(check(a, 'licence')).toMatchObject({ status: 'fail', code: 'LICENCE_SVN_TOO_LOW' });
    expect(check(a, 'licence').message).toMatch(/installs it.*SVN in force was 1/);
  });

  it('an honest upgrade around a licence installation is affirmed across appraisals, and the SVN at the head remembered', () => {
    const { chip, made } = manufacturedChip('svn-upgrade');
    const inputs = bothImages();
    const openings: Openings = new Map();
    const plainClaims: LicenceClaims = { licenceId: seed('svn-upgrade plain').subarray(0, 16), ueid: made.ueid, sequenceNumber: 1, notBefore: T0 - 60, expiry: T0 + 86_400, opsQuota: 10n ** 25n, precisionClasses: [4] };
    const plain = authority.issueLicence(plainClaims, [0, 1]);
    chip.send(CMD.installLicence, { licence: plain });
    runOn(chip, 'train-0', 10n ** 20n, openings);
    const nonce1 = seed('svn-upgrade nonce 1').subarray(0, 16);
    expect(appraiseWith(collectEvidence(chip, { nonce: nonce1, discloseFrom: 0, openings, licences: [plain] }), nonce1, inputs).status).toBe('affirming');
    const base = inputs.store.getChip(made.ueid)!.latestCheckpoint!.treeSize;
    chip.send(CMD.firmwareUpdate, { manifest: manufacturer.signFirmwareManifest(utf8('hemkit-sim-a1'), V2, 2, T0) });
    const licence = authority.issueLicence({ ...plainClaims, licenceId: seed('svn-upgrade demanding').subarray(0, 16), sequenceNumber: 2, minimumSvn: 2 }, [0, 1]);
    chip.send(CMD.installLicence, { licence });
    runOn(chip, 'train-1', 10n ** 20n, openings);
    const nonce2 = seed('svn-upgrade nonce 2').subarray(0, 16);
    const a = appraiseWith(collectEvidence(chip, { nonce: nonce2, discloseFrom: base, knownSizes: [base], openings, licences: [plain, licence] }), nonce2, inputs);
    expect(a.status).toBe('affirming');
    expect(inputs.store.getChip(made.ueid)!.svn).toBe(2);
  });

  it('LICENCE_SVN_TOO_LOW: firmware that boots back to SVN 1 and runs a workload under the licence', () => {
    const c = updatedChip('svn-downgraded');
    // Firmware that ignores FIRMWARE_SVN_DOWNGRADE: the factory image again, logged by its boot entry.
    c.chip.state = bootChip({ ...c.chip.state!, firmwareMeasurement: FACTORY_FIRMWARE, svn: 1 }, c.chip.env);
    runOn(c.chip, 'train-1', 10n ** 20n, c.openings);
    const { bundle, nonce } = c.evidence();
    const a = appraiseWith(bundle, nonce, bothImages());
    expect(check(a, 'licence')).toMatchObject({ status: 'fail', code: 'LICENCE_SVN_TOO_LOW' });
    expect(check(a, 'licence').message).toMatch(/started a workload/);
    expect(a.status).toBe('contraindicated');
  });

  it('LICENCE_SVN_TOO_LOW: the report shows the chip unlocked under it at a lower SVN', () => {
    const c = updatedChip('svn-report');
    // Back at SVN 1 and no work run since: only the report's own SVN (and its licence state) tells.
    c.chip.state = bootChip({ ...c.chip.state!, firmwareMeasurement: FACTORY_FIRMWARE, svn: 1 }, c.chip.env);
    const { bundle, nonce } = c.evidence();
    const a = appraiseWith(bundle, nonce, bothImages());
    expect(check(a, 'licence')).toMatchObject({ status: 'fail', code: 'LICENCE_SVN_TOO_LOW' });
    expect(check(a, 'licence').message).toMatch(/runs unlocked/);
  });
});
