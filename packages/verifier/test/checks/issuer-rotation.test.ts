/**
 * Check 14 across issuer rotations (specs/messages/licence.md §5a, specs/verifier.md §5): the bundle
 * carries the chip's issuer-set updates, the verifier follows them from its anchor, and judges each
 * licence against the set the log shows in force at its installation.
 */
import { describe, expect, it } from 'vitest';
import { CMD, type IssuerSetUpdateClaims, type LicenceClaims } from '@hemkit/wire/messages';
import { LicenceAuthority } from '../../../module/src/factory.js';
import { appraiseWith, authority, backend, check, provisionedChip, runOn, seed, T0, verifierInputs } from '../support/fixture.js';
import { collect, rebuild } from './chips.js';

const rotated = new LicenceAuthority([seed('new-0'), seed('new-1'), seed('new-2')], 2, -8, backend);

/**
 * A chip licensed by the fixture's issuers (L1), with work done; then the issuers rotate to
 * `rotated` (update U1) and, unless told not to, a second licence (L2) by the new set admits more work.
 */
function rotatedChip(name: string, options: { secondLicence?: boolean } = {}) {
  const { chip, clock, ueid, licenceBytes } = provisionedChip(name);
  runOn(chip, 'before', 10n ** 20n);
  const claims: IssuerSetUpdateClaims = { ueid, issuerSetSequence: 1, issuerKeys: rotated.publicKeys, issuerThreshold: 2, issuedAt: T0 };
  const update = authority.issueIssuerSetUpdate(claims, [0, 1]);
  chip.send(CMD.updateIssuers, { update });
  const licence2Claims: LicenceClaims = {
    licenceId: seed(`${name} licence 2`).subarray(0, 16),
    ueid,
    sequenceNumber: 2,
    notBefore: T0 - 60,
    expiry: T0 + 86_400,
    opsQuota: 10n ** 25n,
    precisionClasses: [4],
  };
  const licence2 = rotated.issueLicence(licence2Claims, [0, 1]);
  if (options.secondLicence !== false) {
    chip.send(CMD.installLicence, { licence: licence2 });
    runOn(chip, 'after', 10n ** 20n);
  }
  return { chip, clock, ueid, licence1: licenceBytes, licence2, licence2Claims, update, claims };
}

describe('check 14 (licence) after an issuer rotation', () => {
  it('affirms the licence installed before the rotation under the anchor, and the one after under the new set', () => {
    const c = rotatedChip('rot-a');
    const { bundle, nonce } = collect(c.chip, { discloseFrom: 0, licences: [c.licence1, c.licence2], issuerUpdates: [c.update] });
    const a = appraiseWith(bundle, nonce, verifierInputs());
    expect(check(a, 'licence').status).toBe('pass');
    expect(a.status).toBe('affirming');
  });

  it('keeps the licence installed under the old set in force after the rotation', () => {
    const c = rotatedChip('rot-b', { secondLicence: false });
    runOn(c.chip, 'after', 10n ** 20n);
    const { bundle, nonce } = collect(c.chip, { discloseFrom: 0, licences: [c.licence1], issuerUpdates: [c.update] });
    expect(appraiseWith(bundle, nonce, verifierInputs()).status).toBe('affirming');
  });

  it('ISSUERS_UPDATE_NOT_PRESENTED: the log applies an update the bundle does not carry', () => {
    const c = rotatedChip('rot-c');
    const { bundle, nonce } = collect(c.chip, { discloseFrom: 0, licences: [c.licence1, c.licence2] });
    expect(check(appraiseWith(bundle, nonce, verifierInputs()), 'licence')).toMatchObject({ status: 'fail', code: 'ISSUERS_UPDATE_NOT_PRESENTED' });
    // Another update, validly signed by the anchor, is not the one the log applied.
    const other = authority.issueIssuerSetUpdate({ ...c.claims, issuedAt: T0 + 1 }, [1, 2]);
    const swapped = rebuild(bundle, (b) => ({ ...b, issuerUpdates: [other] }));
    expect(check(appraiseWith(swapped, nonce, verifierInputs()), 'licence').code).toBe('ISSUERS_UPDATE_NOT_PRESENTED');
  });

  it('the chain is checked by the chip\'s rule: an update not signed by k of the set before it fails with the chip\'s code', () => {
    const c = rotatedChip('rot-d');
    const { bundle, nonce } = collect(c.chip, { discloseFrom: 0, licences: [c.licence1, c.licence2], issuerUpdates: [c.update] });
    const selfSigned = rotated.issueIssuerSetUpdate(c.claims, [0, 1]);
    const forged = rebuild(bundle, (b) => ({ ...b, issuerUpdates: [selfSigned] }));
    expect(check(appraiseWith(forged, nonce, verifierInputs()), 'licence')).toMatchObject({ code: 'LICENCE_UNKNOWN_SIGNER', message: expect.stringContaining('issuer-set update 0 of the bundle') });
    const oneSigner = rebuild(bundle, (b) => ({ ...b, issuerUpdates: [authority.issueIssuerSetUpdate(c.claims, [0])] }));
    expect(check(appraiseWith(oneSigner, nonce, verifierInputs()), 'licence').code).toBe('LICENCE_TOO_FEW_SIGNATURES');
    const replayed = rebuild(bundle, (b) => ({ ...b, issuerUpdates: [c.update, c.update] }));
    expect(check(appraiseWith(replayed, nonce, verifierInputs()), 'licence').code).toBe('LICENCE_UNKNOWN_SIGNER');
  });

  it('never affirms a licence signed only by revoked issuers and installed after the revocation', () => {
    // Firmware that kept the old issuers (a bug, or an attack) installs a licence the old set signed
    // after logging the rotation: the log says the new set was in force, so the verifier refuses it.
    const c = rotatedChip('rot-e', { secondLicence: false });
    const stale = c.chip.state!;
    c.chip.state = { ...stale, provisioning: { ...stale.provisioning!, issuerKeys: authority.publicKeys, issuerThreshold: 2 } };
    const oldClaims: LicenceClaims = { ...c.licence2Claims, licenceId: seed('rot-e old-set licence').subarray(0, 16) };
    const byRevoked = authority.issueLicence(oldClaims, [0, 1]);
    c.chip.send(CMD.installLicence, { licence: byRevoked });
    runOn(c.chip, 'under revoked issuers', 10n ** 20n);
    const { bundle, nonce } = collect(c.chip, { discloseFrom: 0, licences: [c.licence1, byRevoked], issuerUpdates: [c.update] });
    const a = appraiseWith(bundle, nonce, verifierInputs());
    expect(check(a, 'licence')).toMatchObject({ status: 'fail', code: 'LICENCE_UNKNOWN_SIGNER' });
    expect(a.status).not.toBe('affirming');
    // Without the update in the bundle the log still names it: still refused.
    const withheld = collect(c.chip, { discloseFrom: 0, licences: [c.licence1, byRevoked] });
    expect(check(appraiseWith(withheld.bundle, withheld.nonce, verifierInputs()), 'licence').code).toBe('ISSUERS_UPDATE_NOT_PRESENTED');
  });

  it('LICENCE_UNKNOWN_SIGNER: a licence of the revoked issuers installed after the rotation and replaced before any work (found by the adversary)', () => {
    const c = rotatedChip('rot-h', { secondLicence: false });
    const stale = c.chip.state!;
    c.chip.state = { ...stale, provisioning: { ...stale.provisioning!, issuerKeys: authority.publicKeys, issuerThreshold: 2 } };
    const byRevoked = authority.issueLicence({ ...c.licence2Claims, licenceId: seed('rot-h old-set licence').subarray(0, 16) }, [0, 1]);
    c.chip.send(CMD.installLicence, { licence: byRevoked });
    c.chip.state = { ...c.chip.state!, provisioning: stale.provisioning! };
    const licence3 = rotated.issueLicence({ ...c.licence2Claims, licenceId: seed('rot-h licence 3').subarray(0, 16), sequenceNumber: 3 }, [0, 1]);
    c.chip.send(CMD.installLicence, { licence: licence3 });
    runOn(c.chip, 'under the new set', 10n ** 20n);
    const { bundle, nonce } = collect(c.chip, { discloseFrom: 0, licences: [c.licence1, byRevoked, licence3], issuerUpdates: [c.update] });
    expect(check(appraiseWith(bundle, nonce, verifierInputs()), 'licence')).toMatchObject({ status: 'fail', code: 'LICENCE_UNKNOWN_SIGNER', message: expect.any(String) });
    // Withheld, the installed licence cannot be judged: the bundle must carry it.
    const withheld = collect(c.chip, { discloseFrom: 0, licences: [c.licence1, licence3], issuerUpdates: [c.update] });
    expect(check(appraiseWith(withheld.bundle, withheld.nonce, verifierInputs()), 'licence').code).toBe('LICENCE_NOT_PRESENTED');
  });

  it('follows the set across appraisals: the set in force at the remembered head is remembered, and must be carried', () => {
    const c = rotatedChip('rot-f');
    const inputs = verifierInputs();
    const first = collect(c.chip, { discloseFrom: 0, licences: [c.licence1, c.licence2], issuerUpdates: [c.update] });
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    expect(inputs.store.getChip(c.ueid)!.issuerSet).toEqual({ sequence: 1, updateHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const known = c.chip.env.log.size;
    runOn(c.chip, 'later', 10n ** 20n);
    const second = collect(c.chip, { knownTreeSize: known, licences: [c.licence2], issuerUpdates: [c.update] });
    expect(appraiseWith(second.bundle, second.nonce, inputs).status).toBe('affirming');
    // Without the update the verifier remembers in force, the bundle is refused by name (it was
    // refused before too, as the new set's licence judged against the anchor: LICENCE_UNKNOWN_SIGNER).
    const third = collect(c.chip, { knownTreeSize: known, licences: [c.licence2] });
    expect(check(appraiseWith(third.bundle, third.nonce, inputs), 'licence').code).toBe('ISSUERS_UPDATE_NOT_PRESENTED');
  });

  it('ISSUERS_UPDATE_NOT_PRESENTED: a later bundle withholds the rotation the verifier saw, to have a revoked set\'s licence judged against the anchor', () => {
    // The rotation is before the base; firmware that kept the old issuers then installs a licence the
    // revoked set signed. Without the remembered set this bundle was affirmed: the walk applies no
    // update, so its base set was the last one the bundle carried, here the anchor.
    const c = rotatedChip('rot-g', { secondLicence: false });
    const inputs = verifierInputs();
    const first = collect(c.chip, { discloseFrom: 0, licences: [c.licence1], issuerUpdates: [c.update] });
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    const known = c.chip.env.log.size;
    const stale = c.chip.state!;
    c.chip.state = { ...stale, provisioning: { ...stale.provisioning!, issuerKeys: authority.publicKeys, issuerThreshold: 2 } };
    const byRevoked = authority.issueLicence({ ...c.licence2Claims, licenceId: seed('rot-g old-set licence').subarray(0, 16) }, [0, 1]);
    c.chip.send(CMD.installLicence, { licence: byRevoked });
    runOn(c.chip, 'under revoked issuers', 10n ** 20n);
    const withheld = collect(c.chip, { knownTreeSize: known, licences: [byRevoked] });
    expect(check(appraiseWith(withheld.bundle, withheld.nonce, inputs), 'licence')).toMatchObject({ status: 'fail', code: 'ISSUERS_UPDATE_NOT_PRESENTED' });
    const carried = collect(c.chip, { knownTreeSize: known, licences: [byRevoked], issuerUpdates: [c.update] });
    expect(check(appraiseWith(carried.bundle, carried.nonce, inputs), 'licence')).toMatchObject({ status: 'fail', code: 'LICENCE_UNKNOWN_SIGNER' });
  });
});
