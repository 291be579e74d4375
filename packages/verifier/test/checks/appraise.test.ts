/**
 * The verifier's checks, each with a test that proves it fires with its code and a positive test.
 * Evidence is real: produced by the simulated chip; attacks are what an operator could do to it.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import {
  attestationReportClaims,
  checkpointClaims,
  CMD,
  evidenceBundle,
  keyThumbprint,
  LOCK,
  signClaims,
} from '@hemkit/wire/messages';
import { decodeSign1 } from '@hemkit/wire/cose';
import { attestationKey, enterRollbackState } from '../../../module/src/firmware/chip.js';
import { CHECKS } from '../../src/appraise.js';
import { MemoryVerifierStore } from '../../src/store/index.js';
import { appraiseWith, check, licensedChip, reference, seed, T0, trust, verifierInputs } from '../support/fixture.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bundleOf = (bytes: Uint8Array) => evidenceBundle.parse(decode(bytes), 'bundle');
const rebuild = (bytes: Uint8Array, change: (b: ReturnType<typeof bundleOf>) => ReturnType<typeof bundleOf>) =>
  encode(evidenceBundle.toCbor(change(bundleOf(bytes))));

describe('an honest chip', () => {
  it('is affirmed: every check passes or has nothing to check, and the store remembers it', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const inputs = verifierInputs();
    const a = appraiseWith(bundle, nonce, inputs);
    expect(a.checks.filter((c) => c.status === 'fail' || c.status === 'not-run')).toEqual([]);
    expect(a.status).toBe('affirming');
    expect(a.checks.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
    expect(check(a, 'counters-vs-log').status).toBe('pass');
    expect(check(a, 'licence').status).toBe('pass');
    expect(a.workloads.map((w) => w.descriptor?.workloadId)).toEqual(['train-1', 'eval-7']);
    expect(inputs.store.getChip(chip.ueid)!.totalOps).toBe(4n * 10n ** 24n + 10n ** 20n);
    expect(a.trustworthinessVector['instance-identity']).toBe(2);
  });

  it('is affirmed again later, linked to what was seen by a consistency receipt', () => {
    const chip = licensedChip();
    const inputs = verifierInputs();
    const first = chip.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    const seenSize = inputs.store.getChip(chip.ueid)!.checkpoints.at(-1)!.treeSize;
    chip.run('train-1', 10n ** 24n);
    const second = chip.evidence({ discloseFrom: seenSize, knownSizes: [seenSize] });
    const a = appraiseWith(second.bundle, second.nonce, inputs);
    expect(a.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(a.status).toBe('affirming');
  });
});

describe('a chip that has done nothing since', () => {
  it('is affirmed again with nothing disclosed: its log has not grown', () => {
    const chip = licensedChip();
    const inputs = verifierInputs();
    const first = chip.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    const size = inputs.store.getChip(chip.ueid)!.checkpoints.at(-1)!.treeSize;
    const again = chip.evidence({ discloseFrom: size, knownSizes: [size] });
    const a = appraiseWith(again.bundle, again.nonce, inputs);
    expect(check(a, 'counters-vs-log')).toMatchObject({ status: 'not-applicable' });
    expect(a.status).toBe('affirming');
  });

  it('COUNTERS_LOG_MISMATCH when the counters moved but the log did not', () => {
    const chip = licensedChip();
    const inputs = verifierInputs();
    const first = chip.evidence();
    appraiseWith(first.bundle, first.nonce, inputs);
    const size = inputs.store.getChip(chip.ueid)!.checkpoints.at(-1)!.treeSize;
    chip.chip.state = { ...chip.chip.state!, counters: { ...chip.chip.state!.counters, totalOps: chip.chip.state!.counters.totalOps + 1n } };
    const again = chip.evidence({ discloseFrom: size, knownSizes: [size] });
    expect(check(appraiseWith(again.bundle, again.nonce, inputs), 'counters-vs-log').code).toBe('COUNTERS_LOG_MISMATCH');
  });
});

describe('each check fires with its code', () => {
  it('encoding: bytes that are not a bundle, and nothing after it runs', () => {
    const a = appraiseWith(new Uint8Array([0xa1, 0x01]), undefined, verifierInputs());
    expect(check(a, 'encoding')).toMatchObject({ status: 'fail', code: 'CBOR_TRUNCATED' });
    expect(a.checks.slice(1).every((c) => c.status === 'not-run')).toBe(true);
    expect(a.status).toBe('contraindicated');
  });

  it('certificate-chain: CHAIN_UNTRUSTED_ROOT and CHAIN_SIGNATURE_INVALID', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const rogue = { name: 'rogue', key: trust().licenceIssuers.keys[0]! }; // a key that signed no device certificate
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ trust: trust({ manufacturers: [rogue] }) })), 'certificate-chain').code).toBe('CHAIN_UNTRUSTED_ROOT');
    const other = licensedChip('chip-b').evidence();
    const swapped = rebuild(bundle, (b) => ({ ...b, attestationKeyCertificate: bundleOf(other.bundle).attestationKeyCertificate }));
    expect(check(appraiseWith(swapped, nonce, verifierInputs()), 'certificate-chain').code).toBe('CHAIN_SIGNATURE_INVALID');
  });

  it('report-signature: REPORT_SIGNATURE_INVALID for a report of another chip; CHAIN_MISMATCH for claims that contradict the chain', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const other = licensedChip('chip-b').evidence({ nonce });
    const swapped = rebuild(bundle, (b) => ({ ...b, report: bundleOf(other.bundle).report }));
    expect(check(appraiseWith(swapped, nonce, verifierInputs()), 'report-signature').code).toBe('REPORT_SIGNATURE_INVALID');
    // firmware that signs with its real key but claims another model
    const claims = attestationReportClaims.parse(decode(decodeOf(bundleOf(bundle).report)), 'r');
    const forged = signClaims(attestationReportClaims, { ...claims, hwmodel: new TextEncoder().encode('other') }, attestationKey(chip.chip.state!, chip.chip.env));
    const lying = rebuild(bundle, (b) => ({ ...b, report: forged }));
    expect(check(appraiseWith(lying, nonce, verifierInputs()), 'report-signature').code).toBe('CHAIN_MISMATCH');
  });

  it('revocation: DEVICE_REVOKED and KEY_REVOKED', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const ak = attestationKey(chip.chip.state!, chip.chip.env).publicKey;
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ trust: trust({ revoked: { ueids: [hex(chip.ueid)], keyIds: [] } }) })), 'revocation').code).toBe('DEVICE_REVOKED');
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ trust: trust({ revoked: { ueids: [], keyIds: [hex(keyThumbprint(ak))] } }) })), 'revocation').code).toBe('KEY_REVOKED');
  });

  it('freshness: NONCE_MISSING, NONCE_MISMATCH, NONCE_REUSED, REPORT_STALE, REPORT_FROM_FUTURE', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    expect(check(appraiseWith(bundle, undefined, verifierInputs()), 'freshness').code).toBe('NONCE_MISSING');
    expect(check(appraiseWith(bundle, seed('other').subarray(0, 16), verifierInputs()), 'freshness').code).toBe('NONCE_MISMATCH');
    const inputs = verifierInputs();
    expect(appraiseWith(bundle, nonce, inputs).status).toBe('affirming');
    expect(check(appraiseWith(bundle, nonce, inputs), 'freshness').code).toBe('NONCE_REUSED');
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ now: T0 + 601 })), 'freshness').code).toBe('REPORT_STALE');
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ now: T0 - 61 })), 'freshness').code).toBe('REPORT_FROM_FUTURE');
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ now: T0 + 600 })), 'freshness').status).toBe('pass');
  });

  it('firmware: MODEL_UNKNOWN, FIRMWARE_UNKNOWN, FIRMWARE_SVN_TOO_LOW', () => {
    const { bundle, nonce } = licensedChip().evidence();
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ reference: reference({ hwmodel: 'another-model' }) })), 'firmware').code).toBe('MODEL_UNKNOWN');
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ reference: reference({ firmware: [{ measurement: 'ab'.repeat(32), svn: 1 }] }) })), 'firmware').code).toBe('FIRMWARE_UNKNOWN');
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ reference: reference({ minimumSvn: 2 }) })), 'firmware').code).toBe('FIRMWARE_SVN_TOO_LOW');
  });

  it('debug: DEBUG_ENABLED makes the result a warning, not a contraindication', () => {
    const chip = licensedChip();
    chip.chip.state = { ...chip.chip.state!, dbgstat: 0 };
    const { bundle, nonce } = chip.evidence();
    const a = appraiseWith(bundle, nonce, verifierInputs());
    expect(check(a, 'debug').code).toBe('DEBUG_ENABLED');
    expect(a.status).toBe('warning');
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ policy: { requireDebugDisabled: false } })), 'debug').status).toBe('pass');
  });

  it('lock-state: CHIP_REPORTS_COMPROMISE when the chip reports a rolled-back state', () => {
    const chip = licensedChip();
    chip.chip.state = enterRollbackState(chip.chip.state!, chip.chip.env, 'test');
    const { bundle, nonce } = chip.evidence();
    const a = appraiseWith(bundle, nonce, verifierInputs());
    expect(check(a, 'lock-state').code).toBe('CHIP_REPORTS_COMPROMISE');
    expect(a.status).toBe('contraindicated');
  });

  it('rollback: COUNTERS_WENT_BACKWARDS and BOOTCOUNT_WENT_BACKWARDS against what was seen', () => {
    const chip = licensedChip();
    const old = chip.evidence();
    chip.run('train-1', 10n ** 20n);
    const inputs = verifierInputs({ policy: { requireNonce: false, requireLogCoverage: false } });
    expect(appraiseWith(chip.evidence().bundle, undefined, inputs).status).toBe('affirming');
    const stale = appraiseWith(old.bundle, undefined, inputs);
    expect(check(stale, 'rollback').code).toBe('COUNTERS_WENT_BACKWARDS');
    const store = new MemoryVerifierStore();
    store.appraise(chip.ueid, () => ({ result: 0, update: { ueid: chip.ueid, bootcount: 9, totalOps: 0n, workloadsRun: 0, checkpoints: [], appraisedAt: T0 } }));
    expect(check(appraiseWith(chip.evidence().bundle, undefined, verifierInputs({ store, policy: { requireNonce: false } })), 'rollback').code).toBe('BOOTCOUNT_WENT_BACKWARDS');
  });

  it('checkpoints: CHECKPOINT_SIGNATURE_INVALID and CHECKPOINT_MISMATCH', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const other = licensedChip('chip-b').evidence();
    const foreign = rebuild(bundle, (b) => ({ ...b, checkpoints: bundleOf(other.bundle).checkpoints! }));
    expect(check(appraiseWith(foreign, nonce, verifierInputs()), 'checkpoints').code).toBe('CHECKPOINT_SIGNATURE_INVALID');
    const earlier = chip.chip.send(CMD.checkpoint, {}).checkpoint; // not the report's latest once more is logged
    chip.run('eval-7', 1n);
    const later = chip.evidence();
    const mismatched = rebuild(later.bundle, (b) => ({ ...b, checkpoints: [earlier] }));
    expect(check(appraiseWith(mismatched, later.nonce, verifierInputs()), 'checkpoints').code).toBe('CHECKPOINT_MISMATCH');
  });

  it('checkpoints: LOG_FORK, LOG_TRUNCATED, CONSISTENCY_PROOF_MISSING and LOG_INCONSISTENT against the checkpoints seen', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const head = checkpointClaims.parse(decode(decodeOf(bundleOf(bundle).checkpoints![0]!)), 'c');
    const remembered = (checkpoints: { treeSize: number; rootHash: Uint8Array }[]) => {
      const store = new MemoryVerifierStore();
      store.appraise(chip.ueid, () => ({
        result: 0,
        update: { ueid: chip.ueid, bootcount: 0, totalOps: 0n, workloadsRun: 0, checkpoints: checkpoints.map((c) => ({ ...c, issuedAt: T0, totalOps: 0n })), appraisedAt: T0 },
      }));
      return verifierInputs({ store, policy: { requireLogCoverage: false } });
    };
    expect(check(appraiseWith(bundle, nonce, remembered([{ treeSize: head.treeSize, rootHash: seed('other root') }])), 'checkpoints').code).toBe('LOG_FORK');
    expect(check(appraiseWith(bundle, nonce, remembered([{ treeSize: head.treeSize + 5, rootHash: seed('bigger') }])), 'checkpoints').code).toBe('LOG_TRUNCATED');
    const smaller = { treeSize: 3, rootHash: chip.log.root(3) };
    expect(check(appraiseWith(bundle, nonce, remembered([smaller])), 'checkpoints').code).toBe('CONSISTENCY_PROOF_MISSING');
    const withReceipt = chip.evidence({ knownSizes: [3] });
    expect(check(appraiseWith(withReceipt.bundle, withReceipt.nonce, remembered([smaller])), 'checkpoints').status).toBe('pass');
    const rewritten = { treeSize: 3, rootHash: seed('a history that was rewritten') };
    expect(check(appraiseWith(withReceipt.bundle, withReceipt.nonce, remembered([rewritten])), 'checkpoints').code).toBe('LOG_INCONSISTENT');
  });

  it('inclusion: ENTRY_NOT_INCLUDED when a receipt belongs to another entry', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const swapped = rebuild(bundle, (b) => {
      const entries = [...b.entries!];
      entries[2] = { ...entries[2]!, receipt: entries[3]!.receipt };
      return { ...b, entries };
    });
    expect(check(appraiseWith(swapped, nonce, verifierInputs()), 'inclusion').code).toBe('ENTRY_NOT_INCLUDED');
  });

  it('openings: OPENING_MISMATCH for a descriptor the commitment does not hold', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const lied = rebuild(bundle, (b) => ({
      ...b,
      entries: b.entries!.map((d) => (d.opening ? { ...d, opening: { ...d.opening, workloadDescriptor: new TextEncoder().encode('a smaller run') } } : d)),
    }));
    expect(check(appraiseWith(lied, nonce, verifierInputs()), 'openings').code).toBe('OPENING_MISMATCH');
  });

  it('openings: OPENING_MISMATCH for an opening that names another entry than the one it is disclosed with', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const moved = rebuild(bundle, (b) => ({
      ...b,
      entries: b.entries!.map((d) => (d.opening ? { ...d, opening: { ...d.opening, logIndex: d.opening.logIndex - 1 } } : d)),
    }));
    expect(check(appraiseWith(moved, nonce, verifierInputs()), 'openings').code).toBe('OPENING_MISMATCH');
  });

  it('counters-vs-log: LOG_COVERAGE_INCOMPLETE and COUNTERS_LOG_MISMATCH', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const partial = rebuild(bundle, (b) => ({ ...b, entries: b.entries!.filter((_, i) => i !== 1) }));
    expect(check(appraiseWith(partial, nonce, verifierInputs()), 'counters-vs-log').code).toBe('LOG_COVERAGE_INCOMPLETE');
    // firmware that counts work it does not log
    chip.chip.state = { ...chip.chip.state!, counters: { ...chip.chip.state!.counters, totalOps: chip.chip.state!.counters.totalOps + 5n } };
    const skewed = chip.evidence();
    expect(check(appraiseWith(skewed.bundle, skewed.nonce, verifierInputs()), 'counters-vs-log').code).toBe('COUNTERS_LOG_MISMATCH');
  });

  it('licence: LICENCE_NOT_PRESENTED, LICENCE_TOO_FEW_SIGNATURES, LICENCE_UNKNOWN_SIGNER, LICENCE_QUOTA_EXCEEDED, LICENCE_OUT_OF_WINDOW', () => {
    const chip = licensedChip();
    const bare = chip.evidence({ withLicence: false });
    expect(check(appraiseWith(bare.bundle, bare.nonce, verifierInputs()), 'licence').code).toBe('LICENCE_NOT_PRESENTED');
    const { bundle, nonce } = chip.evidence();
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ trust: trust({ licenceIssuers: { keys: trust().licenceIssuers.keys, threshold: 3 } }) })), 'licence').code).toBe('LICENCE_TOO_FEW_SIGNATURES');
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ trust: trust({ licenceIssuers: { keys: trust().licenceIssuers.keys.slice(1), threshold: 1 } }) })), 'licence').code).toBe('LICENCE_UNKNOWN_SIGNER');
    // firmware that reports more quota than the licence granted
    const generous = licensedChip('chip-c');
    generous.chip.state = { ...generous.chip.state!, licence: { ...generous.chip.state!.licence!, remainingQuota: 10n ** 26n } };
    const g = generous.evidence();
    expect(check(appraiseWith(g.bundle, g.nonce, verifierInputs()), 'licence').code).toBe('LICENCE_QUOTA_EXCEEDED');
    // firmware that keeps running after expiry
    const late = licensedChip('chip-d', { expiry: T0 + 100 });
    late.chip.state = { ...late.chip.state!, licence: { ...late.chip.state!.licence!, expiry: T0 + 10_000 } };
    late.clock.time = T0 + 200;
    late.run('train-9', 10n);
    const l = late.evidence();
    const a = appraiseWith(l.bundle, l.nonce, verifierInputs({ now: T0 + 210 }));
    expect(check(a, 'licence').code).toBe('LICENCE_OUT_OF_WINDOW');
    expect(a.status).toBe('contraindicated');
    expect(LOCK.unlocked).toBe(0);
  });
});

/** The payload of a COSE_Sign1, read without verifying it. */
function decodeOf(signed: Uint8Array): Uint8Array {
  return decodeSign1(signed).payload!;
}
