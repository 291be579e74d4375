/**
 * The AR4SI trustworthiness vector (specs/messages/attestation-result.md §3): claims only where AR4SI
 * gives a check's outcome a meaning, AR4SI's specific values per failure code, 1 when the evidence
 * could not be read, -1 when the verifier itself failed, and a status never better than the vector.
 * Each value of the table of §3.2 is reached here by a real appraisal; the evidence vectors pin the
 * same values for every check code (test-vectors/evidence/evidence-checks.json).
 */
import { describe, expect, it } from 'vitest';
import { HemkitError } from '@hemkit/wire/errors';
import { tierOf, trustworthinessVector } from '../../src/ar4si.js';
import type { CheckResult } from '../../src/appraise.js';
import { MemoryVerifierStore } from '../../src/store/index.js';
import { appraiseWith, licensedChip, reference, seed, trust, verifierInputs } from '../support/fixture.js';

const chip = licensedChip('ar4si-chip');

describe('the trustworthiness vector of an appraisal', () => {
  it('affirms the four claims hemkit can speak to, and sets no other (AR4SI values 2 and 3)', () => {
    const { bundle, nonce } = chip.evidence();
    const a = appraiseWith(bundle, nonce, verifierInputs());
    expect(a.status).toBe('affirming');
    expect(a.trustworthinessVector).toEqual({ 'instance-identity': 2, configuration: 2, executables: 3, hardware: 2 });
  });

  it('an unknown firmware is AR4SI executables 33 (not recognised); the status stays contraindicated by hemkit policy', () => {
    const { bundle, nonce } = chip.evidence();
    const a = appraiseWith(bundle, nonce, verifierInputs({ reference: reference({ firmware: [{ measurement: '00'.repeat(32), svn: 1 }] }) }));
    expect(a.checks.find((c) => c.id === 'firmware')).toMatchObject({ status: 'fail', code: 'FIRMWARE_UNKNOWN' });
    expect(a.trustworthinessVector.executables).toBe(33);
    expect(a.status).toBe('contraindicated');
  });

  it('an untrusted manufacturer is AR4SI hardware 97, and the claims its not-run checks would have made are absent', () => {
    const { bundle, nonce } = chip.evidence();
    const a = appraiseWith(bundle, nonce, verifierInputs({ trust: trust({ manufacturers: [] }) }));
    expect(a.trustworthinessVector).toEqual({ hardware: 97 });
  });

  it('bytes that are not evidence are AR4SI 1 (unknown elements) under every claim', () => {
    const a = appraiseWith(new Uint8Array([0xa1, 0x01]), seed('n').subarray(0, 16), verifierInputs());
    expect(a.trustworthinessVector).toEqual({ 'instance-identity': 1, configuration: 1, executables: 1, hardware: 1 });
    expect(a.status).toBe('contraindicated');
  });

  it('a verifier whose store fails during the appraisal says -1 (verifier malfunction) where it would have affirmed', () => {
    const store = new MemoryVerifierStore();
    store.useNonce = () => {
      throw new HemkitError('VERIFIER_STORE_FAILED', 'disk full');
    };
    const { bundle, nonce } = chip.evidence();
    const a = appraiseWith(bundle, nonce, verifierInputs({ store }));
    expect(a.checks.find((c) => c.id === 'freshness')).toMatchObject({ status: 'fail', code: 'VERIFIER_STORE_FAILED' });
    expect(a.trustworthinessVector).toEqual({ 'instance-identity': -1, configuration: -1, executables: -1, hardware: -1 });
    expect(a.status).toBe('contraindicated');
  });

  it('keeps the first value of the worst tier when two checks speak to one claim', () => {
    const r = (id: CheckResult['id'], status: CheckResult['status'], code?: CheckResult['code']): CheckResult => ({ id, status, message: '', ...(code ? { code } : {}) });
    const checks = [r('encoding', 'pass'), r('certificate-chain', 'pass'), r('report-signature', 'pass'), r('revocation', 'pass'), r('firmware', 'fail', 'MODEL_UNKNOWN'), r('lock-state', 'fail', 'CHIP_REPORTS_COMPROMISE')];
    expect(trustworthinessVector(checks)).toEqual({ 'instance-identity': 2, hardware: 97 });
    // A warning does not hide a contraindication given later; a fault does not hide either.
    const later = [r('encoding', 'pass'), r('debug', 'fail', 'DEBUG_ENABLED'), r('freshness', 'fail', 'VERIFIER_STORE_CORRUPT'), r('firmware', 'fail', 'FIRMWARE_SVN_TOO_LOW')];
    expect(trustworthinessVector(later)).toEqual({ configuration: 32, executables: 96 });
  });

  it('places values in AR4SI\'s tiers, the non-standard negative ranges included', () => {
    expect([0, 1, -1, 2, 31, -2, -32, 32, 95, -33, -96, 96, 127, -97, -128].map(tierOf)).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  });

  it('a revoked chip is AR4SI instance-identity 96', () => {
    const { bundle, nonce } = chip.evidence();
    const a = appraiseWith(bundle, nonce, verifierInputs({ trust: trust({ revoked: { ueids: [Buffer.from(chip.ueid).toString('hex')], keyIds: [] } }) }));
    expect(a.checks.find((c) => c.id === 'revocation')).toMatchObject({ status: 'fail', code: 'DEVICE_REVOKED' });
    expect(a.trustworthinessVector['instance-identity']).toBe(96);
  });
});
