import { describe, expect, it } from 'vitest';
import { CMD, EVENT, LOCK, REPLAY } from '@hemkit/wire/messages';
import { signSign, signSign1 } from '@hemkit/wire/cose';
import { encode } from '@hemkit/wire/cbor';
import { licenceClaims, signingKey, signStatement } from '@hemkit/wire/messages';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { scenario, seed, workload } from '../support/scenario.js';

/** Asserts the refusal's code and that the chip logged it as licence-rejected with that reason. */
function refusedAndLogged(s: ReturnType<typeof scenario>, licence: Uint8Array, code: Parameters<typeof expectCode>[1]): void {
  const before = s.log.size;
  const lockBefore = s.chip.state!.lockState;
  expectCode(() => s.chip.send(CMD.installLicence, { licence }), code);
  expect(s.log.size).toBe(before + 1);
  const entry = s.lastEntry();
  expect(entry.kind).toBe(EVENT.licenceRejected);
  expect(entry.kind === EVENT.licenceRejected && entry.details.reason).toBe(code);
  expect(s.chip.state!.lockState).toBe(lockBefore); // a refusal changes nothing but the log
}

describe('licence-gated unlocking', () => {
  it('starts locked, unlocks with a 2-of-3 licence, and logs the installation', () => {
    const s = scenario();
    expect(s.chip.state!.lockState).toBe(LOCK.noLicence);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n)), 'WORKLOAD_LOCKED');
    const { logIndex } = s.chip.send(CMD.installLicence, { licence: s.licence() });
    expect(s.entries()[logIndex]!.kind).toBe(EVENT.licenceInstalled);
    expect(s.chip.state!.lockState).toBe(LOCK.unlocked);
    expect(s.chip.send(CMD.runWorkload, workload(1000n)).remainingQuota).toBe(10n ** 18n - 1000n);
  });

  it('LICENCE_MALFORMED: not a COSE_Sign, or a COSE_Sign of something else', () => {
    const s = scenario();
    refusedAndLogged(s, new Uint8Array([1, 2, 3]), 'LICENCE_MALFORMED');
    refusedAndLogged(s, signSign1(new Uint8Array(4), { alg: -8, privateKey: seed('x') }), 'LICENCE_MALFORMED');
    refusedAndLogged(s, signSign(encode(new Map([[1, 2]])), [{ alg: -8, privateKey: seed('issuer-0') }]), 'LICENCE_MALFORMED');
  });

  it('LICENCE_UNKNOWN_SIGNER: a signature by a key outside the issuer set', () => {
    const s = scenario();
    const stranger = signingKey(-8, seed('stranger'));
    const issuer = s.authority.issuers[0]!;
    const licence = signStatement(licenceClaims, s.licenceClaimsFor(), [issuer, stranger]);
    refusedAndLogged(s, licence, 'LICENCE_UNKNOWN_SIGNER');
  });

  it('LICENCE_DUPLICATE_SIGNER: one issuer signing twice does not make two', () => {
    const s = scenario();
    refusedAndLogged(s, s.licence({}, [0, 0]), 'LICENCE_DUPLICATE_SIGNER');
  });

  it('LICENCE_SIGNATURE_INVALID: a listed issuer whose signature does not verify', () => {
    const s = scenario();
    const good = s.licence();
    const forged = good.slice();
    forged[forged.length - 1]! ^= 0x01;
    refusedAndLogged(s, forged, 'LICENCE_SIGNATURE_INVALID');
  });

  it('LICENCE_TOO_FEW_SIGNATURES: one issuer where the threshold is two', () => {
    const s = scenario();
    refusedAndLogged(s, s.licence({}, [2]), 'LICENCE_TOO_FEW_SIGNATURES');
  });

  it('LICENCE_WRONG_CHIP: a licence for another chip', () => {
    const s = scenario();
    refusedAndLogged(s, s.licence({ ueid: new Uint8Array(17).fill(9) }), 'LICENCE_WRONG_CHIP');
  });

  it('LICENCE_NOT_YET_VALID and LICENCE_EXPIRED, at the exact second', () => {
    const s = scenario();
    refusedAndLogged(s, s.licence({ notBefore: s.clock.time + 1 }), 'LICENCE_NOT_YET_VALID');
    refusedAndLogged(s, s.licence({ expiry: s.clock.time }), 'LICENCE_EXPIRED');
    expect(() => s.chip.send(CMD.installLicence, { licence: s.licence({ notBefore: s.clock.time, expiry: s.clock.time + 1 }) })).not.toThrow();
  });

  it('LICENCE_REPLAYED: a sequence number not greater than the last accepted', () => {
    const s = scenario();
    const first = s.licence({ sequenceNumber: 5 });
    s.chip.send(CMD.installLicence, { licence: first });
    refusedAndLogged(s, first, 'LICENCE_REPLAYED');
    refusedAndLogged(s, s.licence({ sequenceNumber: 4 }), 'LICENCE_REPLAYED');
    expect(() => s.chip.send(CMD.installLicence, { licence: s.licence({ sequenceNumber: 6 }) })).not.toThrow();
  });

  it('LICENCE_ALREADY_APPLIED: the hash-log defence refuses the same licence twice, whatever its sequence', () => {
    const s = scenario({ replay: [REPLAY.hashLog] });
    const licence = s.licence({ sequenceNumber: 1 });
    s.chip.send(CMD.installLicence, { licence });
    refusedAndLogged(s, licence, 'LICENCE_ALREADY_APPLIED');
    expect(() => s.chip.send(CMD.installLicence, { licence: s.licence({ sequenceNumber: 1 }) })).not.toThrow();
  });

  it('LICENCE_CHALLENGE_MISMATCH: the challenge defence wants the chip\'s fresh challenge, once', () => {
    const s = scenario({ replay: [REPLAY.challenge] });
    refusedAndLogged(s, s.licence(), 'LICENCE_CHALLENGE_MISMATCH'); // no challenge pending
    s.chip.send(CMD.requestLicence, {});
    refusedAndLogged(s, s.licence({ chipChallenge: new Uint8Array(32).fill(1) }), 'LICENCE_CHALLENGE_MISMATCH');
    const challenge = s.chip.state!.pendingChallenge!;
    const answered = s.licence({ chipChallenge: challenge });
    s.chip.send(CMD.installLicence, { licence: answered });
    refusedAndLogged(s, s.licence({ chipChallenge: challenge }), 'LICENCE_CHALLENGE_MISMATCH'); // single use
  });

  it('LICENCE_REVOKED and REVOCATION_REPLAYED: a k-of-n revocation withdraws a licence, once', () => {
    const s = scenario();
    const claims = s.licenceClaimsFor();
    s.chip.send(CMD.installLicence, { licence: s.authority.issueLicence(claims, [0, 1]) });
    const revocation = s.authority.issueRevocation(
      { revocationId: seed('rev 1').subarray(0, 16), ueid: s.ueid, revokedLicences: [claims.licenceId], issuedAt: s.clock.time },
      [1, 2],
    );
    const { logIndex } = s.chip.send(CMD.applyRevocation, { revocation });
    expect(s.entries()[logIndex]!.kind).toBe(EVENT.revocationApplied);
    expect(s.chip.state!.lockState).toBe(LOCK.licenceRevoked);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n)), 'WORKLOAD_LOCKED');
    expectCode(() => s.chip.send(CMD.applyRevocation, { revocation }), 'REVOCATION_REPLAYED');
    refusedAndLogged(s, s.authority.issueLicence({ ...claims, sequenceNumber: 99 }, [0, 1]), 'LICENCE_REVOKED');
  });

  it('revocations need k of n too, for this chip', () => {
    const s = scenario();
    const rev = (ueid: Uint8Array, signers: number[]) =>
      s.authority.issueRevocation({ revocationId: seed('r').subarray(0, 16), ueid, revokedLicences: [new Uint8Array(16)], issuedAt: 1 }, signers);
    expectCode(() => s.chip.send(CMD.applyRevocation, { revocation: rev(s.ueid, [0]) }), 'LICENCE_TOO_FEW_SIGNATURES');
    expectCode(() => s.chip.send(CMD.applyRevocation, { revocation: rev(new Uint8Array(17), [0, 1]) }), 'LICENCE_WRONG_CHIP');
  });

  it('locks again at expiry, and a clock rolled back cannot revive the licence', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ expiry: s.clock.time + 100 }) });
    s.clock.advance(100);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n)), 'WORKLOAD_LOCKED');
    expect(s.chip.state!.lockState).toBe(LOCK.licenceExpired);
    expect(s.entries().some((e) => e.kind === EVENT.licenceExpired)).toBe(true);
    s.clock.advance(-50);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n)), 'CLOCK_WENT_BACKWARDS');
    expect(s.chip.state!.lockState).toBe(LOCK.licenceExpired);
  });
});
