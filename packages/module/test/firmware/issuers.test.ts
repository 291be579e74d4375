/**
 * update-issuers (specs/messages/licence.md §5a): the chip's side of issuer rotation and revocation.
 * Every refusal code has its step in the session vector module/session-issuer-rotation; these tests
 * pin what the vector cannot show: the state and log an accepted update leaves, what a refused one
 * leaves, the refusing state, revocations and updates checked against the new set, and the bound.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeSign } from '@hemkit/wire/cose';
import { CMD, EVENT, MAX_ISSUER_KEYS, type IssuerSetUpdateClaims } from '@hemkit/wire/messages';
import { LicenceAuthority } from '../../src/factory.js';
import { enterTamperState } from '../../src/firmware/chip.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { scenario, seed, T0 } from '../support/scenario.js';

const rotated = new LicenceAuthority([seed('new-0'), seed('new-1'), seed('new-2')], 2);

function setUp() {
  const s = scenario();
  const claims = (over: Partial<IssuerSetUpdateClaims> = {}): IssuerSetUpdateClaims => ({
    ueid: s.ueid,
    issuerSetSequence: 1,
    issuerKeys: rotated.publicKeys,
    issuerThreshold: 2,
    issuedAt: T0,
    ...over,
  });
  return { s, claims, update: (over: Partial<IssuerSetUpdateClaims> = {}, signers = [0, 1], by = s.authority) => by.issueIssuerSetUpdate(claims(over), signers) };
}

describe('update-issuers', () => {
  it('replaces the issuer set and logs issuers-updated with the sequence number and the payload hash', () => {
    const { s, update } = setUp();
    const bytes = update();
    const { logIndex } = s.chip.send(CMD.updateIssuers, { update: bytes });
    const entry = s.entries()[logIndex]!;
    expect(entry.kind).toBe(EVENT.issuersUpdated);
    expect(entry.kind === EVENT.issuersUpdated && entry.details).toEqual({ issuerSetSequence: 1, updateHash: sha256(decodeSign(bytes).payload!) });
    expect(s.chip.state!.issuerSetSequence).toBe(1);
    expect(s.chip.state!.provisioning!.issuerKeys).toEqual(rotated.publicKeys);
    expect(s.chip.state!.provisioning!.issuerThreshold).toBe(2);
  });

  it('a refused update changes no state and logs nothing', () => {
    const { s, update } = setUp();
    const before = s.chip.state!;
    const size = s.log.size;
    expectCode(() => s.chip.send(CMD.updateIssuers, { update: update({ issuerThreshold: 4 }) }), 'ISSUERS_SET_INVALID');
    expect(s.log.size).toBe(size);
    expect(s.chip.state!.provisioning).toEqual(before.provisioning);
    expect(s.chip.state!.issuerSetSequence).toBeUndefined();
  });

  it('checks later revocations and updates against the new set: the old set is an unknown signer', () => {
    const { s, update } = setUp();
    const licence = s.licence();
    s.chip.send(CMD.installLicence, { licence });
    s.chip.send(CMD.updateIssuers, { update: update() });
    const revocation = { revocationId: seed('revocation').subarray(0, 16), ueid: s.ueid, revokedLicences: [s.licenceClaimsFor().licenceId], issuedAt: T0 };
    expectCode(() => s.chip.send(CMD.applyRevocation, { revocation: s.authority.issueRevocation(revocation, [0, 1]) }), 'LICENCE_UNKNOWN_SIGNER');
    s.chip.send(CMD.applyRevocation, { revocation: rotated.issueRevocation(revocation, [1, 2]) });
    expectCode(() => s.chip.send(CMD.updateIssuers, { update: update({ issuerSetSequence: 2 }, [0, 1], s.authority) }), 'LICENCE_UNKNOWN_SIGNER');
    // The new set may lower its own threshold, k of it signing.
    s.chip.send(CMD.updateIssuers, { update: update({ issuerSetSequence: 2, issuerThreshold: 1 }, [0, 2], rotated) });
    expect(s.chip.state!.provisioning!.issuerThreshold).toBe(1);
  });

  it('MODULE_REFUSING once the chip has seen a tamper', () => {
    const { s, update } = setUp();
    s.chip.state = enterTamperState(s.chip.state!, s.chip.env, 'lid');
    expectCode(() => s.chip.send(CMD.updateIssuers, { update: update() }), 'MODULE_REFUSING');
  });

  it(`bounds the set at ${MAX_ISSUER_KEYS} keys: a larger one is refused when it is decoded`, () => {
    const { s, update } = setUp();
    const keys = Array.from({ length: MAX_ISSUER_KEYS + 1 }, (_, i) => new LicenceAuthority([seed(`many ${i}`)], 1).publicKeys[0]!);
    expectCode(() => s.chip.send(CMD.updateIssuers, { update: update({ issuerKeys: keys }) }), 'LICENCE_MALFORMED');
    s.chip.send(CMD.updateIssuers, { update: update({ issuerKeys: keys.slice(0, MAX_ISSUER_KEYS) }) });
    expect(s.chip.state!.provisioning!.issuerKeys).toHaveLength(MAX_ISSUER_KEYS);
  });
});
