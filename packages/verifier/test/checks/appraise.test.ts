/**
 * The verifier's checks, each with a test that proves it fires with its code and a positive test.
 * Evidence is real: produced by the simulated chip; attacks are what an operator could do to it.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import {
  attestationReportClaims,
  CMD,
  evidenceBundle,
  keyThumbprint,
  LOCK,
  signClaims,
  ZERO_COUNTERS,
} from '@hemkit/wire/messages';
import { decodeSign1 } from '@hemkit/wire/cose';
import { attestationKey, deviceIdentityKey, enterRollbackState } from '../../../module/src/firmware/chip.js';
import { collectEvidence } from '../../../module/src/evidence.js';
import { CHECKS } from '../../src/appraise.js';
import type { AppraisalInputs } from '../../src/checks/context.js';
import { parsePolicy, parseReferenceValues, type Policy } from '../../src/inputs.js';
import { MemoryVerifierStore, type ChipUpdate } from '../../src/store/index.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { appraiseWith, authority, check, licensedChip, manufacturer, reference, seed, T0, trust, verifierInputs } from '../support/fixture.js';
import { bundleOf, checkpointOf, idleChip, rebuild, reportOf, signedCheckpoint, type Bundle } from './chips.js';
import { toHex as hex } from '@hemkit/wire/bytes';


/** A verifier that remembers `fields` of a chip, as if an earlier appraisal had affirmed them. */
function remembering(ueid: Uint8Array, fields: Partial<Omit<ChipUpdate, 'ueid'>> = {}, policy: Partial<Policy> = {}): AppraisalInputs {
  const store = new MemoryVerifierStore();
  const update: ChipUpdate = { ueid, bootcount: 0, totalOps: 0n, workloadsRun: 0, checkpoints: [], appraisedAt: T0, licenceUsage: new Map(), activeLicence: undefined, ...fields };
  store.appraise(ueid, () => ({ result: 0, update }));
  return verifierInputs({ store, policy });
}

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

  it('certificate-chain: a cached chain is not affirmed once its root is no longer trusted (CHAIN_UNTRUSTED_ROOT)', () => {
    const chip = licensedChip();
    const first = chip.evidence();
    const inputs = verifierInputs();
    expect(check(appraiseWith(first.bundle, first.nonce, inputs), 'certificate-chain').status).toBe('pass');
    expect(inputs.chainCache!.size).toBe(1);
    const rogue = { name: 'rogue', key: trust().licenceIssuers.keys[0]! };
    const again = chip.evidence();
    // Same store, same cache, same chain bytes; the verifier's trust anchors no longer hold the root.
    const dropped = { ...inputs, trust: trust({ manufacturers: [rogue] }) };
    expect(check(appraiseWith(again.bundle, again.nonce, dropped), 'certificate-chain').code).toBe('CHAIN_UNTRUSTED_ROOT');
    // And with the root trusted again, the cached chain serves without a signature check.
    const third = chip.evidence();
    expect(check(appraiseWith(third.bundle, third.nonce, inputs), 'certificate-chain').status).toBe('pass');
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

  it('revocation: DEVICE_REVOKED, and KEY_REVOKED for each key of the chain, the manufacturer root included', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const revoking = (revoked: { ueids: string[]; keyIds: string[] }) => check(appraiseWith(bundle, nonce, verifierInputs({ trust: trust({ revoked }) })), 'revocation');
    expect(revoking({ ueids: [hex(chip.ueid)], keyIds: [] }).code).toBe('DEVICE_REVOKED');
    const keys = {
      'manufacturer root key': manufacturer.publicKey,
      'device identity key': deviceIdentityKey(chip.chip.state!, chip.chip.env).publicKey,
      'attestation key': attestationKey(chip.chip.state!, chip.chip.env).publicKey,
    };
    for (const [what, key] of Object.entries(keys)) {
      expect(revoking({ ueids: [], keyIds: [hex(keyThumbprint(key))] })).toMatchObject({ status: 'fail', code: 'KEY_REVOKED', message: expect.stringContaining(what) });
    }
    // another chip's keys and UEID revoke nothing here
    const other = licensedChip('chip-b');
    const otherKey = attestationKey(other.chip.state!, other.chip.env).publicKey;
    expect(revoking({ ueids: [hex(other.ueid)], keyIds: [hex(keyThumbprint(otherKey))] }).status).toBe('pass');
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

  it('freshness: NONCE_WRONG_CHIP for a report of another chip answering a nonce issued for this one, which it does not use up', () => {
    const challenged = licensedChip();
    const nonce = seed('challenge for chip-a').subarray(0, 16);
    const substitute = licensedChip('chip-b').evidence({ nonce });
    const inputs = verifierInputs({ expectedUeid: challenged.ueid });
    const wrong = appraiseWith(substitute.bundle, nonce, inputs);
    expect(check(wrong, 'freshness')).toMatchObject({ status: 'fail', code: 'NONCE_WRONG_CHIP' });
    expect(wrong.status).toBe('contraindicated');
    // The same chip's own report with that nonce is still fresh: the substitute did not spend it.
    const own = challenged.evidence({ nonce });
    expect(check(appraiseWith(own.bundle, nonce, inputs), 'freshness').status).toBe('pass');
    // NONCE_MISMATCH comes first: a report of another chip for another nonce is a mismatch.
    const elsewhere = licensedChip('chip-b').evidence();
    expect(check(appraiseWith(elsewhere.bundle, nonce, verifierInputs({ expectedUeid: challenged.ueid })), 'freshness').code).toBe('NONCE_MISMATCH');
    // Without a nonce required, the challenged chip is still compared.
    const unbound = verifierInputs({ expectedUeid: challenged.ueid, policy: { requireNonce: false } });
    expect(check(appraiseWith(substitute.bundle, undefined, unbound), 'freshness').code).toBe('NONCE_WRONG_CHIP');
  });

  it('firmware: MODEL_UNKNOWN, FIRMWARE_UNKNOWN, FIRMWARE_SVN_TOO_LOW', () => {
    const { bundle, nonce } = licensedChip().evidence();
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ reference: reference({ hwmodel: 'another-model' }) })), 'firmware').code).toBe('MODEL_UNKNOWN');
    // The same model name under another OEM is another model (RFC 9711 §4.2.4; device-certificate.md §1.1).
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ reference: reference({ oemid: 'a0'.repeat(16) }) })), 'firmware').code).toBe('MODEL_UNKNOWN');
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

  it('rollback: not applicable to a chip never seen; COUNTERS_WENT_BACKWARDS and BOOTCOUNT_WENT_BACKWARDS against what was seen', () => {
    const chip = licensedChip();
    const old = chip.evidence();
    chip.run('train-1', 10n ** 20n);
    const inputs = verifierInputs({ policy: { requireNonce: false } });
    const first = appraiseWith(chip.evidence().bundle, undefined, inputs);
    expect(first.status).toBe('affirming');
    expect(check(first, 'rollback').status).toBe('not-applicable');
    const stale = appraiseWith(old.bundle, undefined, inputs);
    expect(check(stale, 'rollback')).toMatchObject({ status: 'fail', code: 'COUNTERS_WENT_BACKWARDS', message: expect.stringContaining('total operations') });
    expect(stale.status).toBe('contraindicated');
    const now = chip.evidence().bundle;
    const moreWorkloads = appraiseWith(now, undefined, remembering(chip.ueid, { workloadsRun: 99 }, { requireNonce: false }));
    expect(check(moreWorkloads, 'rollback')).toMatchObject({ status: 'fail', code: 'COUNTERS_WENT_BACKWARDS', message: expect.stringContaining('workloads run') });
    expect(check(appraiseWith(now, undefined, remembering(chip.ueid, { bootcount: 9 }, { requireNonce: false })), 'rollback').code).toBe('BOOTCOUNT_WENT_BACKWARDS');
    expect(check(appraiseWith(now, undefined, remembering(chip.ueid, { bootcount: 1, totalOps: 1n, workloadsRun: 1 }, { requireNonce: false })), 'rollback').status).toBe('pass');
  });

  it('log-consistency: every checkpoint the bundle carries is proven and remembered', () => {
    const chip = licensedChip();
    const cp6 = chip.chip.send(CMD.checkpoint, {}).checkpoint;
    chip.run('a', 1n);
    const cp8 = chip.chip.send(CMD.checkpoint, {}).checkpoint;
    chip.run('b', 2n);
    const cp10 = chip.chip.send(CMD.checkpoint, {}).checkpoint;
    const { bundle, nonce } = chip.evidence({ knownSizes: [6, 8] });
    expect(reportOf(bundle).logHead).toEqual({ treeSize: 10, rootHash: chip.log.root(10) });
    const inputs = verifierInputs();
    const a = appraiseWith(rebuild(bundle, (b) => ({ ...b, checkpoints: [cp6, cp8, cp10] })), nonce, inputs);
    expect(check(a, 'log-consistency').status).toBe('pass');
    expect(a.status).toBe('affirming');
    const base = 4n * 10n ** 24n + 10n ** 20n;
    const memory = inputs.store.getChip(chip.ueid)!;
    expect(memory.checkpoints.map((c) => [c.treeSize, c.totalOps])).toEqual([[6, base], [8, base + 1n], [10, base + 3n]]);
    expect(memory.checkpointAt(8)!.rootHash).toEqual(chip.log.root(8));
  });

  it('log-consistency: CHECKPOINT_SIGNATURE_INVALID, CHECKPOINT_MISMATCH and LOG_FORK for carried checkpoints that do not fit the report', () => {
    const chip = licensedChip();
    const cp6 = chip.chip.send(CMD.checkpoint, {}).checkpoint;
    chip.run('a', 1n);
    const cp8 = chip.chip.send(CMD.checkpoint, {}).checkpoint;
    const { bundle, nonce } = chip.evidence({ knownSizes: [6] });
    const carrying = (...checkpoints: Uint8Array[]) =>
      check(appraiseWith(rebuild(bundle, (b) => ({ ...b, checkpoints })), nonce, verifierInputs()), 'log-consistency');
    expect(carrying(cp6, cp8).status).toBe('pass');
    // another chip's checkpoint: not signed by this chip's attestation key
    expect(carrying(licensedChip('chip-b').chip.send(CMD.checkpoint, {}).checkpoint)).toMatchObject({ status: 'fail', code: 'CHECKPOINT_SIGNATURE_INVALID' });
    // signed by this chip's key, but naming another chip
    const c6 = checkpointOf(cp6);
    expect(carrying(signedCheckpoint(chip.chip, { ...c6, ueid: licensedChip('chip-b').ueid })).code).toBe('CHECKPOINT_MISMATCH');
    // out of order, or the same size twice
    expect(carrying(cp8, cp6).code).toBe('CHECKPOINT_MISMATCH');
    expect(carrying(cp6, cp6).code).toBe('CHECKPOINT_MISMATCH');
    // counting more over a smaller log than the report over the whole
    const head = reportOf(bundle).counters;
    expect(carrying(signedCheckpoint(chip.chip, { ...c6, counters: { ...c6.counters, totalOps: head.totalOps + 1n } })).code).toBe('CHECKPOINT_MISMATCH');
    expect(carrying(signedCheckpoint(chip.chip, { ...c6, counters: { ...c6.counters, workloadsRun: head.workloadsRun + 1 } })).code).toBe('CHECKPOINT_MISMATCH');
    // at the head's size: another root is a fork, other counts a mismatch
    const c8 = checkpointOf(cp8);
    expect(carrying(signedCheckpoint(chip.chip, { ...c8, rootHash: seed('another root') }))).toMatchObject({ code: 'LOG_FORK', message: expect.stringContaining("report's log head") });
    expect(carrying(signedCheckpoint(chip.chip, { ...c8, counters: { ...c8.counters, totalOps: c8.counters.totalOps - 1n } })).code).toBe('CHECKPOINT_MISMATCH');
  });

  it('log-consistency: LOG_TRUNCATED for a carried checkpoint beyond the head; CONSISTENCY_PROOF_MISSING or LOG_INCONSISTENT for one below it', () => {
    const chip = licensedChip();
    const cp6 = chip.chip.send(CMD.checkpoint, {}).checkpoint;
    chip.run('a', 1n);
    const withReceipt = chip.evidence({ knownSizes: [6] });
    const without = chip.evidence();
    chip.run('b', 1n);
    const cp10 = chip.chip.send(CMD.checkpoint, {}).checkpoint;
    const outcome = (e: { bundle: Uint8Array; nonce: Uint8Array }, change: (b: Bundle) => Bundle) =>
      check(appraiseWith(rebuild(e.bundle, change), e.nonce, verifierInputs()), 'log-consistency');
    expect(outcome(withReceipt, (b) => ({ ...b, checkpoints: [cp6] })).status).toBe('pass');
    expect(outcome(withReceipt, (b) => ({ ...b, checkpoints: [cp10] })).code).toBe('LOG_TRUNCATED');
    expect(outcome(without, (b) => ({ ...b, checkpoints: [cp6] })).code).toBe('CONSISTENCY_PROOF_MISSING');
    const rewritten = signedCheckpoint(chip.chip, { ...checkpointOf(cp6), rootHash: seed('a history that was rewritten') });
    expect(outcome(withReceipt, (b) => ({ ...b, checkpoints: [rewritten] })).code).toBe('LOG_INCONSISTENT');
    // a receipt for the right sizes from another chip proves nothing, and beside the genuine one is ignored
    const other = licensedChip('chip-b');
    other.run('a', 1n);
    const foreign = other.chip.send(CMD.proveConsistency, { treeSize1: 6, treeSize2: 8 }).receipt;
    expect(outcome(withReceipt, (b) => ({ ...b, checkpoints: [cp6], consistencyReceipts: [foreign] })).code).toBe('LOG_INCONSISTENT');
    expect(outcome(withReceipt, (b) => ({ ...b, checkpoints: [cp6], consistencyReceipts: [foreign, ...b.consistencyReceipts!] })).status).toBe('pass');
  });

  it('log-consistency: LOG_FORK, LOG_TRUNCATED, CONSISTENCY_PROOF_MISSING and LOG_INCONSISTENT against the checkpoints remembered', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence();
    const head = reportOf(bundle).logHead;
    const remembered = (checkpoints: { treeSize: number; rootHash: Uint8Array }[]) =>
      remembering(chip.ueid, { checkpoints: checkpoints.map((c) => ({ ...c, issuedAt: T0, totalOps: 0n })) });
    const outcome = (e: { bundle: Uint8Array; nonce: Uint8Array }, inputs: AppraisalInputs) => check(appraiseWith(e.bundle, e.nonce, inputs), 'log-consistency');
    expect(outcome({ bundle, nonce }, remembered([{ treeSize: head.treeSize, rootHash: seed('other root') }]))).toMatchObject({ code: 'LOG_FORK' });
    expect(outcome({ bundle, nonce }, remembered([{ treeSize: head.treeSize, rootHash: head.rootHash }])).status).toBe('pass');
    expect(outcome({ bundle, nonce }, remembered([{ treeSize: head.treeSize + 5, rootHash: seed('bigger') }])).code).toBe('LOG_TRUNCATED');
    const smaller = { treeSize: 3, rootHash: chip.log.root(3) };
    expect(outcome({ bundle, nonce }, remembered([smaller])).code).toBe('CONSISTENCY_PROOF_MISSING');
    const withReceipt = chip.evidence({ knownSizes: [3] });
    expect(outcome(withReceipt, remembered([smaller])).status).toBe('pass');
    expect(outcome(withReceipt, remembered([{ treeSize: 3, rootHash: seed('a history that was rewritten') }])).code).toBe('LOG_INCONSISTENT');
    // the base is the largest remembered checkpoint: a receipt from a smaller one does not reach it
    expect(outcome(withReceipt, remembered([smaller, { treeSize: 4, rootHash: chip.log.root(4) }])).code).toBe('CONSISTENCY_PROOF_MISSING');
    // and never one the bundle offers: a carried checkpoint of size 4, proven to the head, does not stand in for the remembered 3
    const cp4 = signedCheckpoint(chip.chip, { ueid: chip.ueid, issuedAt: T0, bootcount: 1, treeSize: 4, rootHash: chip.log.root(4), counters: ZERO_COUNTERS });
    const offered = chip.evidence({ knownSizes: [4] });
    const offering = { bundle: rebuild(offered.bundle, (b) => ({ ...b, checkpoints: [cp4] })), nonce: offered.nonce };
    expect(outcome(offering, verifierInputs()).status).toBe('pass');
    expect(outcome(offering, remembered([smaller]))).toMatchObject({ code: 'CONSISTENCY_PROOF_MISSING', message: expect.stringContaining('largest remembered') });
    // a carried checkpoint that contradicts a remembered one of its size is a fork, though the head is proven
    const cp3 = signedCheckpoint(chip.chip, { ueid: chip.ueid, issuedAt: T0, bootcount: 1, treeSize: 3, rootHash: chip.log.root(3), counters: ZERO_COUNTERS });
    const carrying3 = { bundle: rebuild(offered.bundle, (b) => ({ ...b, checkpoints: [cp3] })), nonce: offered.nonce };
    const disagreeing = remembered([{ treeSize: 3, rootHash: seed('remembered otherwise') }, { treeSize: 4, rootHash: chip.log.root(4) }]);
    expect(outcome(carrying3, disagreeing)).toMatchObject({ code: 'LOG_FORK', message: expect.stringContaining('remembered') });
  });

  it('inclusion: ENTRY_NOT_INCLUDED when a receipt belongs to another entry', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence({ proofs: 'receipts' });
    const swapped = rebuild(bundle, (b) => {
      const entries = [...b.entries!];
      entries[2] = { ...entries[2]!, receipt: entries[3]!.receipt! };
      return { ...b, entries };
    });
    expect(check(appraiseWith(swapped, nonce, verifierInputs()), 'inclusion').code).toBe('ENTRY_NOT_INCLUDED');
  });

  it('inclusion: receipts against one head cost one signature between them, and a forged one still fails', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence({ proofs: 'receipts' });
    const disclosed = bundleOf(bundle).entries!;
    expect(disclosed.length).toBeGreaterThan(2);
    // the chip signed one head: every receipt of the bundle carries the same signature bytes
    const signatures = new Set(disclosed.map((d) => hex(decodeSign1(d.receipt!).signature)));
    expect(signatures.size).toBe(1);
    const [receiptSignature] = signatures;
    let receiptVerifications = 0;
    const base = verifierInputs().backend;
    const counting: typeof base = {
      ...base,
      verify: (scheme, key, message, signature) => {
        if (hex(signature) === receiptSignature) receiptVerifications++;
        return base.verify(scheme, key, message, signature);
      },
    };
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ backend: counting })), 'inclusion').status).toBe('pass');
    expect(receiptVerifications).toBe(1);

    // a receipt whose signature differs is verified on its own, and fails
    const forged = rebuild(bundle, (b) => {
      const list = [...b.entries!];
      const last = list.length - 1;
      const bytes = list[last]!.receipt!.slice();
      bytes[bytes.length - 1]! ^= 0x01;
      list[last] = { ...list[last]!, receipt: bytes };
      return { ...b, entries: list };
    });
    const refused = check(appraiseWith(forged, nonce, verifierInputs()), 'inclusion');
    expect(refused.code).toBe('ENTRY_NOT_INCLUDED');
    expect(refused.message).toContain('COSE_SIGNATURE_INVALID');
  });

  it('inclusion by a frontier: the entries without receipts, no signature beyond the report, and each alteration ENTRY_NOT_INCLUDED', () => {
    const chip = licensedChip();
    // from entry 3: a frontier of popcount(3) = 2 hashes, and every entry from 3 to the head
    const { bundle, nonce } = chip.evidence({ discloseFrom: 3 });
    const b = bundleOf(bundle);
    expect(b.frontier).toHaveLength(2);
    expect(b.entries!.every((d) => d.receipt === undefined)).toBe(true);
    let verifications = 0;
    const base = verifierInputs().backend;
    const counting: typeof base = { ...base, verify: (...args) => (verifications++, base.verify(...args)) };
    const honest = appraiseWith(bundle, nonce, verifierInputs({ backend: counting }));
    expect(check(honest, 'inclusion').status).toBe('pass');
    // the report and the chain's two certificates: the entries cost hashes only (issue 12)
    expect(verifications).toBe(3);
    // a chip never seen has the empty log as its base: entries from 3 on leave 0..2 uncovered
    expect(check(honest, 'counters-vs-log').code).toBe('LOG_COVERAGE_INCOMPLETE');
    const full = chip.evidence();
    expect(bundleOf(full.bundle).frontier).toEqual([]);
    // a page that stops short of the head cannot be proven by a frontier: the operator gives receipts
    const page = bundleOf(collectEvidence(chip.chip, { nonce: seed('a page').subarray(0, 16), discloseFrom: 0, discloseUntil: 3 }));
    expect(page.frontier).toBeUndefined();
    expect(page.entries!.map((d) => d.receipt === undefined)).toEqual([false, false, false]);
    expect(appraiseWith(full.bundle, full.nonce, verifierInputs()).status).toBe('affirming');

    const refused = (change: (b: Bundle) => Bundle) => check(appraiseWith(rebuild(bundle, change), nonce, verifierInputs()), 'inclusion');
    const flip = (h: Uint8Array) => Uint8Array.from(h, (x, i) => (i === 0 ? x ^ 1 : x));
    expect(refused((x) => ({ ...x, frontier: [flip(x.frontier![0]!), x.frontier![1]!] }))).toMatchObject({ code: 'ENTRY_NOT_INCLUDED', message: expect.stringContaining('not the report') });
    expect(refused((x) => ({ ...x, frontier: x.frontier!.slice(1) }))).toMatchObject({ code: 'ENTRY_NOT_INCLUDED', message: expect.stringContaining('MERKLE_PROOF_WRONG_LENGTH') });
    // an entry withheld from the end, or from the middle, or two swapped
    expect(refused((x) => ({ ...x, entries: x.entries!.slice(0, -1) }))).toMatchObject({ code: 'ENTRY_NOT_INCLUDED', message: expect.stringContaining('do not end at') });
    expect(refused((x) => ({ ...x, entries: [x.entries![0]!, ...x.entries!.slice(2)] }))).toMatchObject({ code: 'ENTRY_NOT_INCLUDED', message: expect.stringContaining('stands at index') });
    expect(refused((x) => ({ ...x, entries: [x.entries![1]!, x.entries![0]!, ...x.entries!.slice(2)] })).code).toBe('ENTRY_NOT_INCLUDED');
    // an entry of another chip's log at the same index
    const other = licensedChip('chip-b');
    const foreign = bundleOf(other.evidence({ discloseFrom: 3 }).bundle).entries![1]!;
    expect(refused((x) => ({ ...x, entries: x.entries!.map((d, i) => (i === 1 ? foreign : d)) })).code).toBe('ENTRY_NOT_INCLUDED');
  });

  it('inclusion by a frontier: a bundle mixing the two forms is not a bundle (encoding)', () => {
    const chip = licensedChip();
    const receipt = bundleOf(chip.evidence({ proofs: 'receipts' }).bundle).entries![0]!.receipt!;
    const { bundle, nonce } = chip.evidence();
    // edited as CBOR maps: the bundle's own encoder refuses to make these
    const edited = (bytes: Uint8Array, change: (map: Map<number, unknown>) => void) => {
      const map = decode(bytes) as Map<number, unknown>;
      change(map);
      return check(appraiseWith(encode(map as never), nonce, verifierInputs()), 'encoding').code;
    };
    const entriesOf = (map: Map<number, unknown>) => map.get(6) as Map<number, unknown>[];
    expect(edited(bundle, (m) => entriesOf(m)[0]!.set(2, receipt))).toBe('MESSAGE_INVALID_FIELD');
    expect(edited(bundle, (m) => m.delete(6))).toBe('MESSAGE_MISSING_FIELD');
    const withReceipts = chip.evidence({ proofs: 'receipts' });
    expect(edited(withReceipts.bundle, (m) => entriesOf(m)[1]!.delete(2))).toBe('MESSAGE_MISSING_FIELD');
    expect(() => encode(evidenceBundle.toCbor({ ...bundleOf(bundle), frontier: undefined as never }))).toThrow(/receipt/);
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

  it('counters-vs-log: LOG_COVERAGE_INCOMPLETE and COUNTERS_LOG_MISMATCH, for operations and for workloads', () => {
    const chip = licensedChip();
    // receipts prove any subset of the entries, so the rule of check 13 is what refuses the gaps
    // (a frontier proves only a range that runs to the head: its gaps are ENTRY_NOT_INCLUDED, check 11)
    const { bundle, nonce } = chip.evidence({ proofs: 'receipts' });
    const partial = rebuild(bundle, (b) => ({ ...b, entries: b.entries!.filter((_, i) => i !== 1) }));
    expect(check(appraiseWith(partial, nonce, verifierInputs()), 'counters-vs-log')).toMatchObject({ code: 'LOG_COVERAGE_INCOMPLETE', message: expect.stringContaining('first: 1') });
    // the last entry matters as much as any
    const short = rebuild(bundle, (b) => ({ ...b, entries: b.entries!.slice(0, -1) }));
    expect(check(appraiseWith(short, nonce, verifierInputs()), 'counters-vs-log').code).toBe('LOG_COVERAGE_INCOMPLETE');
    // firmware that counts work it does not log
    chip.chip.state = { ...chip.chip.state!, counters: { ...chip.chip.state!.counters, totalOps: chip.chip.state!.counters.totalOps + 5n } };
    const skewed = chip.evidence();
    expect(check(appraiseWith(skewed.bundle, skewed.nonce, verifierInputs()), 'counters-vs-log').code).toBe('COUNTERS_LOG_MISMATCH');
    // firmware that counts a workload it does not log
    const other = licensedChip('chip-e');
    other.chip.state = { ...other.chip.state!, counters: { ...other.chip.state!.counters, workloadsRun: other.chip.state!.counters.workloadsRun + 1 } };
    const extra = other.evidence();
    expect(check(appraiseWith(extra.bundle, extra.nonce, verifierInputs()), 'counters-vs-log')).toMatchObject({ code: 'COUNTERS_LOG_MISMATCH', message: expect.stringMatching(/in 2 workloads .* in 3$/) });
  });

  it('counters-vs-log: no policy relaxes coverage', () => {
    expect(parsePolicy({}).requireLogCoverage).toBe(true);
    expectCode(() => parsePolicy({ requireLogCoverage: false }), 'VERIFIER_INPUT_INVALID');
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

  it('licence: a licence whose signatures met the threshold is not verified again, until the issuer set changes', () => {
    const chip = licensedChip();
    let verifies = 0;
    const base = verifierInputs();
    const counted = { ...base.backend, verify: (...args: Parameters<typeof base.backend.verify>) => (verifies++, base.backend.verify(...args)) };
    const inputs: AppraisalInputs = { ...base, backend: counted, licenceCache: new Set() };
    const first = chip.evidence();
    verifies = 0;
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    const firstCount = verifies;
    expect(inputs.licenceCache!.size).toBe(1);
    const second = chip.evidence();
    verifies = 0;
    expect(appraiseWith(second.bundle, second.nonce, inputs).status).toBe('affirming');
    // The 2-of-3 licence's two signatures are not checked again (and the chain's two, cached already).
    expect(firstCount - verifies).toBe(2 + 2);
    // A narrower issuer set is another key: the licence is judged again, and refused.
    const narrower = { ...inputs, trust: trust({ licenceIssuers: { keys: trust().licenceIssuers.keys.slice(1), threshold: 1 } }) };
    const third = chip.evidence();
    expect(check(appraiseWith(third.bundle, third.nonce, narrower), 'licence').code).toBe('LICENCE_UNKNOWN_SIGNER');
    // A raised threshold likewise.
    const stricter = { ...inputs, trust: trust({ licenceIssuers: { keys: trust().licenceIssuers.keys, threshold: 3 } }) };
    const fourth = chip.evidence();
    expect(check(appraiseWith(fourth.bundle, fourth.nonce, stricter), 'licence').code).toBe('LICENCE_TOO_FEW_SIGNATURES');
  });

  it('licence: the ledger is remembered, usage per licence and the licence active at the head', () => {
    const chip = licensedChip();
    const id = hex(chip.licenceClaims.licenceId);
    const inputs = verifierInputs();
    const first = chip.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    expect(inputs.store.getChip(chip.ueid)).toMatchObject({ licenceUsage: new Map([[id, 4n * 10n ** 24n + 10n ** 20n]]), activeLicence: id });
    chip.run('more', 10n ** 21n);
    const second = chip.evidence({ discloseFrom: 6, knownSizes: [6] });
    expect(appraiseWith(second.bundle, second.nonce, inputs).status).toBe('affirming');
    expect(inputs.store.getChip(chip.ueid)!.licenceUsage).toEqual(new Map([[id, 4n * 10n ** 24n + 10n ** 20n + 10n ** 21n]]));
    // a licence used up: its usage stays, no licence is active any more
    const spent = licensedChip('chip-spent', { opsQuota: 4n * 10n ** 24n + 10n ** 20n });
    const s = spent.evidence();
    const spentInputs = verifierInputs();
    const a = appraiseWith(s.bundle, s.nonce, spentInputs);
    expect(a.status).toBe('affirming');
    expect(spentInputs.store.getChip(spent.ueid)).toMatchObject({ licenceUsage: new Map([[hex(spent.licenceClaims.licenceId), 4n * 10n ** 24n + 10n ** 20n]]), activeLicence: undefined });
  });

  it('licence: LICENCE_UNACCOUNTED for a licence of the same id that is not the one the log installed', () => {
    const chip = licensedChip();
    const { bundle, nonce } = chip.evidence({ withLicence: false });
    const elsewhere = authority.issueLicence({ ...chip.licenceClaims, ueid: licensedChip('chip-b').ueid }, [0, 1]);
    const a = appraiseWith(rebuild(bundle, (b) => ({ ...b, licences: [elsewhere] })), nonce, verifierInputs());
    expect(check(a, 'licence')).toMatchObject({ status: 'fail', code: 'LICENCE_UNACCOUNTED', message: expect.stringContaining('not the one the log installed') });
    // A larger quota under the same id does not stand in for the licence installed (found by review).
    const larger = authority.issueLicence({ ...chip.licenceClaims, sequenceNumber: 2, opsQuota: 10n ** 26n }, [0, 1]);
    expect(check(appraiseWith(rebuild(bundle, (b) => ({ ...b, licences: [larger] })), nonce, verifierInputs()), 'licence').code).toBe('LICENCE_UNACCOUNTED');
  });

  it('licence: LICENCE_UNACCOUNTED for a workload of a precision class the licence does not admit', () => {
    const chip = licensedChip('chip-p');
    // firmware that lets a class-8 workload through a licence for classes 4 and 6
    chip.chip.state = { ...chip.chip.state!, licence: { ...chip.chip.state!.licence!, precisionClasses: [4, 6, 8] } };
    chip.chip.send(CMD.runWorkload, { workloadDescriptor: new Uint8Array([0xa0]), precisionClass: 8, ops: 10n });
    const { bundle, nonce } = chip.evidence();
    expect(check(appraiseWith(bundle, nonce, verifierInputs()), 'licence')).toMatchObject({ code: 'LICENCE_UNACCOUNTED', message: expect.stringContaining('precision class 8') });
  });

  it('licence: LICENCE_QUOTA_EXCEEDED when the log records more work under a licence than its quota', () => {
    const chip = licensedChip('chip-q', { opsQuota: 5n * 10n ** 24n });
    // firmware that grants itself more quota than the licence did, within what it reports as the quota
    chip.chip.state = { ...chip.chip.state!, licence: { ...chip.chip.state!.licence!, remainingQuota: 10n ** 25n } };
    chip.run('over', 2n * 10n ** 24n);
    const { bundle, nonce } = chip.evidence();
    expect(check(appraiseWith(bundle, nonce, verifierInputs()), 'licence')).toMatchObject({ code: 'LICENCE_QUOTA_EXCEEDED', message: expect.stringContaining('the log records') });
  });

  it('licence: LICENCE_OUT_OF_WINDOW for a chip that runs unlocked outside its licence window', () => {
    const chip = licensedChip('chip-w', { expiry: T0 + 100 });
    chip.chip.state = { ...chip.chip.state!, licence: { ...chip.chip.state!.licence!, expiry: T0 + 10_000 } }; // it never expires the licence
    chip.clock.time = T0 + 200;
    const { bundle, nonce } = chip.evidence();
    expect(reportOf(bundle).lockState).toBe(LOCK.unlocked);
    const a = appraiseWith(bundle, nonce, verifierInputs({ now: T0 + 210 }));
    expect(check(a, 'licence')).toMatchObject({ code: 'LICENCE_OUT_OF_WINDOW', message: expect.stringContaining('runs unlocked') });
    // an honest chip expires it: locked, and the same moment is fine
    const honest = licensedChip('chip-w2', { expiry: T0 + 100 });
    honest.clock.time = T0 + 200;
    const h = honest.evidence();
    expect(reportOf(h.bundle).lockState).toBe(LOCK.licenceExpired);
    expect(appraiseWith(h.bundle, h.nonce, verifierInputs({ now: T0 + 210 })).status).toBe('affirming');
  });

  it('licence: LICENCE_UNACCOUNTED for work no licence admitted', () => {
    const chip = licensedChip('chip-x', { expiry: T0 + 100 });
    chip.clock.time = T0 + 200;
    chip.chip.send(CMD.status, {}); // the chip logs the licence's expiry
    // firmware that runs on regardless
    chip.chip.state = { ...chip.chip.state!, lockState: LOCK.unlocked, licence: { ...chip.chip.state!.licence!, expiry: T0 + 10_000 } };
    chip.run('unlicensed', 10n);
    const { bundle, nonce } = chip.evidence();
    const a = appraiseWith(bundle, nonce, verifierInputs({ now: T0 + 210 }));
    expect(check(a, 'licence')).toMatchObject({ code: 'LICENCE_UNACCOUNTED', message: expect.stringContaining('no licence admitted') });
  });

  it('licence: LICENCE_UNACCOUNTED for a report naming a licence the log never installed', () => {
    const chip = licensedChip('chip-n');
    const claims = { ...chip.licenceClaims, licenceId: seed('never installed').subarray(0, 16), sequenceNumber: 2 };
    const never = authority.issueLicence(claims, [0, 1]);
    chip.chip.state = { ...chip.chip.state!, licence: { ...chip.chip.state!.licence!, licenceId: claims.licenceId, remainingQuota: claims.opsQuota } };
    const { bundle, nonce } = chip.evidence({ withLicence: false });
    const a = appraiseWith(rebuild(bundle, (b) => ({ ...b, licences: [chip.licenceBytes, never] })), nonce, verifierInputs());
    expect(check(a, 'licence')).toMatchObject({ code: 'LICENCE_UNACCOUNTED', message: expect.stringContaining('never shows installed') });
  });

  it('licence: LICENCE_UNACCOUNTED for a chip unlocked under another licence than the log makes active', () => {
    const chip = licensedChip('chip-u');
    const before = chip.chip.state!.licence!;
    const second = authority.issueLicence({ ...chip.licenceClaims, licenceId: seed('chip-u second').subarray(0, 16), sequenceNumber: 2 }, [0, 1]);
    chip.chip.send(CMD.installLicence, { licence: second });
    // firmware that reports the first licence, its remaining quota exactly as the log has it
    chip.chip.state = { ...chip.chip.state!, licence: before };
    const { bundle, nonce } = chip.evidence({ withLicence: false });
    const a = appraiseWith(rebuild(bundle, (b) => ({ ...b, licences: [chip.licenceBytes, second] })), nonce, verifierInputs());
    expect(check(a, 'licence')).toMatchObject({ code: 'LICENCE_UNACCOUNTED', message: expect.stringContaining('runs unlocked under') });
  });

  it('usage-rate: USAGE_IMPLAUSIBLE for licensed work beyond the peak rate over the window the verifier has seen, exactly at the bound', () => {
    const peak = 10n ** 15n;
    // a chip seen first at T0 + 10 under a licence from T0 - 60: at most 130 s of work (60 s of skew)
    const appraised = (ops: bigint) => {
      const c = idleChip(`rate ${ops}`);
      c.run('job', ops);
      const e = c.evidence(0);
      return appraiseWith(e.bundle, e.nonce, verifierInputs({ reference: reference({ peakOpsPerSecond: peak }) }));
    };
    const within = appraised(130n * peak);
    expect(check(within, 'usage-rate').status).toBe('pass');
    expect(within.status).toBe('affirming');
    const beyond = appraised(130n * peak + 1n);
    expect(check(beyond, 'usage-rate')).toMatchObject({ status: 'fail', code: 'USAGE_IMPLAUSIBLE' });
    expect(beyond.status).toBe('contraindicated');
    // the fixture's frontier-scale chip is implausible at a realistic rate, plausible at the simulator's
    const { bundle, nonce } = licensedChip().evidence();
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ reference: reference({ peakOpsPerSecond: peak }) })), 'usage-rate').code).toBe('USAGE_IMPLAUSIBLE');
  });

  it('usage-rate: not applicable to a first appraisal without licensed work; not run without firmware reference values', () => {
    const idle = idleChip('rate idle').evidence(0);
    const a = appraiseWith(idle.bundle, idle.nonce, verifierInputs({ reference: reference({ peakOpsPerSecond: 1n }) }));
    expect(check(a, 'usage-rate').status).toBe('not-applicable');
    expect(a.status).toBe('affirming');
    const { bundle, nonce } = licensedChip().evidence();
    expect(check(appraiseWith(bundle, nonce, verifierInputs({ reference: reference({ hwmodel: 'another-model' }) })), 'usage-rate').status).toBe('not-run');
  });

  it('usage-rate: reference values must give a peak rate per model, a positive integer or decimal string', () => {
    const model = { oemid: 'a0'.repeat(16), hwmodel: 'm', minimumSvn: 1, firmware: [{ measurement: 'ab'.repeat(32), svn: 1 }] };
    expectCode(() => parseReferenceValues({ models: [model] }), 'VERIFIER_INPUT_INVALID');
    expectCode(() => parseReferenceValues({ models: [{ ...model, peakOpsPerSecond: 0 }] }), 'VERIFIER_INPUT_INVALID');
    expect(parseReferenceValues({ models: [{ ...model, peakOpsPerSecond: '1000000000000000000000000' }] }).models[0]!.peakOpsPerSecond).toBe(10n ** 24n);
    expect(parseReferenceValues({ models: [{ ...model, peakOpsPerSecond: 1_000_000 }] }).models[0]!.peakOpsPerSecond).toBe(1_000_000n);
  });
});

/** The payload of a COSE_Sign1, read without verifying it. */
function decodeOf(signed: Uint8Array): Uint8Array {
  return decodeSign1(signed).payload!;
}
