/**
 * The attacks an outside review found against the verifier (issue: "nothing false is ever affirmed"),
 * each on real evidence from the simulated chip. Each must be refused with a stable code, and a
 * refused bundle must leave what the verifier remembers of the chip exactly as it was: memory is only
 * ever made from evidence that was not contraindicated.
 */
import { describe, expect, it } from 'vitest';
import { CMD, keyThumbprint, LOCK } from '@hemkit/wire/messages';
import type { Appraisal } from '../../src/appraise.js';
import type { AppraisalInputs } from '../../src/checks/context.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { appraiseWith, authority, check, licensedChip, manufacturer, reference, T0, trust, verifierInputs } from '../support/fixture.js';
import { bundleOf, cloneOf, collect, hex, idleChip, memoryOf, rebuild, reportOf, runOn } from './chips.js';

type Evidence = { bundle: Uint8Array; nonce: Uint8Array };

/**
 * Appraises `e` and asserts that `id` fails with `code`, that the result is contraindicated with no
 * workloads handed to accounting, and that the memory of the chip did not change.
 */
function refused(e: Evidence, inputs: AppraisalInputs, ueid: Uint8Array, id: string, code: string): Appraisal {
  const before = memoryOf(inputs.store, ueid);
  const a = appraiseWith(e.bundle, e.nonce, inputs);
  expect(check(a, id)).toMatchObject({ status: 'fail', code });
  expect(a.status).toBe('contraindicated');
  expect(a.workloads).toEqual([]);
  expect(memoryOf(inputs.store, ueid)).toEqual(before);
  return a;
}

/** The same verifier, its clock moved on: a refused appraisal that wrongly became memory would show it. */
const later = (inputs: AppraisalInputs, seconds = 20): AppraisalInputs => ({ ...inputs, now: inputs.now + seconds });

describe('memory is made only of evidence that was not contraindicated', () => {
  it('a warning is remembered; a contraindication, though most of its checks passed, is not', () => {
    const chip = licensedChip('memory');
    chip.chip.state = { ...chip.chip.state!, dbgstat: 0 };
    const inputs = verifierInputs();
    const first = chip.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('warning');
    expect(memoryOf(inputs.store, chip.ueid)).toMatchObject({ totalOps: 4n * 10n ** 24n + 10n ** 20n, lastAppraisedAt: T0 + 10 });
    chip.run('more', 10n ** 20n);
    const bare = chip.evidence({ discloseFrom: 6, knownSizes: [6], withLicence: false });
    const a = refused(bare, later(inputs), chip.ueid, 'licence', 'LICENCE_NOT_PRESENTED');
    expect(check(a, 'log-consistency').status).toBe('pass');
    expect(check(a, 'counters-vs-log').status).toBe('pass');
  });
});

describe('1. a clone that diverges from what the verifier remembers', () => {
  it('is refused (LOG_FORK, LOG_INCONSISTENT, CONSISTENCY_PROOF_MISSING) whatever checkpoint and receipt it offers; the honest chip is still affirmed', () => {
    const honest = licensedChip('victim');
    const inputs = verifierInputs();
    const first = honest.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    // the operator snapshots the chip, state and log, when the verifier has seen 6 entries
    const clone = cloneOf(honest.chip, honest.clock);
    honest.run('honest-1', 10n ** 20n);
    const second = honest.evidence({ discloseFrom: 6, knownSizes: [6] });
    expect(appraiseWith(second.bundle, second.nonce, inputs).status).toBe('affirming');
    expect(memoryOf(inputs.store, honest.ueid)!.checkpoints.map((c) => c.treeSize)).toEqual([6, 8]);

    // the clone does unreported work from the same point: another history of sizes 7 and 8
    runOn(clone, 'unreported-1', 10n ** 15n); // less than the honest chip ran, so no count gives it away
    expect(clone.env.log.size).toBe(8);
    expect(clone.env.log.root(6)).toEqual(honest.log.root(6));
    expect(clone.env.log.root(8)).not.toEqual(honest.log.root(8));
    const cloneCheckpoint8 = clone.send(CMD.checkpoint, {}).checkpoint;
    const licences = [honest.licenceBytes];

    // at the remembered size itself, with a receipt from 6, where the two histories still agree
    const atSize = collect(clone, { knownTreeSize: 6, licences });
    refused({ ...atSize, bundle: rebuild(atSize.bundle, (b) => ({ ...b, checkpoints: [cloneCheckpoint8] })) }, later(inputs), honest.ueid, 'log-consistency', 'LOG_FORK');
    // past it, offering its own checkpoint of the remembered size as the base, with a receipt from it
    runOn(clone, 'unreported-2', 10n ** 22n);
    const past = collect(clone, { knownTreeSize: 8, licences, proofs: 'receipts' });
    expect(bundleReceipts(past.bundle)).toBe(1);
    refused({ ...past, bundle: rebuild(past.bundle, (b) => ({ ...b, checkpoints: [cloneCheckpoint8] })) }, later(inputs), honest.ueid, 'log-consistency', 'LOG_INCONSISTENT');
    // the same in the operator's default frontier form: no receipt, so its frontier at 8 is the link,
    // and it folds to the clone's root of size 8, not the remembered one (verifier.md §5 note 10)
    const pastByFrontier = collect(clone, { knownTreeSize: 8, licences });
    expect(bundleReceipts(pastByFrontier.bundle)).toBe(0);
    refused(pastByFrontier, later(inputs), honest.ueid, 'log-consistency', 'LOG_INCONSISTENT');
    // past it, with a receipt only from where both histories agree
    const fromCommon = collect(clone, { knownTreeSize: 6, licences });
    refused(fromCommon, later(inputs), honest.ueid, 'log-consistency', 'CONSISTENCY_PROOF_MISSING');
    // the clone's checkpoint carried in the honest chip's own bundle is evidence of the fork
    honest.run('honest-2', 10n ** 20n);
    const mixed = honest.evidence({ discloseFrom: 8, knownSizes: [8] });
    refused({ ...mixed, bundle: rebuild(mixed.bundle, (b) => ({ ...b, checkpoints: [cloneCheckpoint8] })) }, later(inputs), honest.ueid, 'log-consistency', 'LOG_FORK');

    const third = honest.evidence({ discloseFrom: 8, knownSizes: [8] });
    const a = appraiseWith(third.bundle, third.nonce, later(inputs));
    expect(a.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(a.status).toBe('affirming');
    expect(memoryOf(inputs.store, honest.ueid)!.checkpoints.map((c) => [c.treeSize, c.rootHash])).toEqual([
      [6, honest.log.root(6)],
      [8, honest.log.root(8)],
      [10, honest.log.root(10)],
    ]);
  });
});

describe('2. withholding the log', () => {
  it('a chip with history that shows no receipt and no entry is refused: CONSISTENCY_PROOF_MISSING', () => {
    const chip = licensedChip('withholder');
    const inputs = verifierInputs();
    const first = chip.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    chip.run('hidden', 10n ** 22n);
    const nothing = collect(chip.chip, { licences: [chip.licenceBytes] });
    const shown = bundleOf(nothing.bundle);
    expect([shown.consistencyReceipts, shown.entries, shown.checkpoints]).toEqual([undefined, undefined, undefined]);
    expect(reportOf(nothing.bundle).counters.totalOps).toBeGreaterThan(memoryOf(inputs.store, chip.ueid)!.totalOps);
    const a = refused(nothing, later(inputs), chip.ueid, 'log-consistency', 'CONSISTENCY_PROOF_MISSING');
    expect(check(a, 'counters-vs-log').status).toBe('not-run');
    // the receipt alone, without the entries it leads over
    const receiptOnly = collect(chip.chip, { knownSizes: [6], licences: [chip.licenceBytes] });
    refused(receiptOnly, later(inputs), chip.ueid, 'counters-vs-log', 'LOG_COVERAGE_INCOMPLETE');
  });

  it('a chip never seen that shows no entry is refused: LOG_COVERAGE_INCOMPLETE, and nothing is remembered', () => {
    const chip = licensedChip('withholder-new');
    const inputs = verifierInputs();
    const nothing = collect(chip.chip, { licences: [chip.licenceBytes] });
    refused(nothing, inputs, chip.ueid, 'counters-vs-log', 'LOG_COVERAGE_INCOMPLETE');
    expect(inputs.store.getChip(chip.ueid)).toBeUndefined();
  });
});

describe('3. work after the last checkpoint', () => {
  it('is covered: the report binds the live head, and omitting the entries after a checkpoint is LOG_COVERAGE_INCOMPLETE', () => {
    const chip = licensedChip('late-work');
    const checkpoint6 = chip.chip.send(CMD.checkpoint, {}).checkpoint;
    chip.run('after-the-checkpoint', 10n ** 22n);
    // by receipts, which prove the entries a checkpoint covers on their own (a frontier reaches the head or nothing)
    const full = chip.evidence({ knownSizes: [6], proofs: 'receipts' });
    const report = reportOf(full.bundle);
    expect(report.logHead).toEqual({ treeSize: 8, rootHash: chip.log.root(8) });
    expect(report.counters.totalOps).toBe(4n * 10n ** 24n + 10n ** 20n + 10n ** 22n);

    // the checkpoint, and only the entries it covers
    const inputs = verifierInputs();
    const omitted = { ...full, bundle: rebuild(full.bundle, (b) => ({ ...b, checkpoints: [checkpoint6], entries: b.entries!.slice(0, 6) })) };
    const a = refused(omitted, inputs, chip.ueid, 'counters-vs-log', 'LOG_COVERAGE_INCOMPLETE');
    expect(check(a, 'log-consistency').status).toBe('pass');
    expect(check(a, 'counters-vs-log').message).toContain('first: 6');
    expect(inputs.store.getChip(chip.ueid)).toBeUndefined();

    // entries proven in the checkpoint's tree rather than the head's are not proof
    const inOldTree = Array.from({ length: 6 }, (_, i) => chip.chip.send(CMD.proveInclusion, { logIndex: i, treeSize: 6 }));
    const oldProofs = { ...full, nonce: full.nonce, bundle: rebuild(full.bundle, (b) => ({ ...b, checkpoints: [checkpoint6], entries: inOldTree })) };
    refused(oldProofs, verifierInputs(), chip.ueid, 'inclusion', 'ENTRY_NOT_INCLUDED');

    // everything: affirmed, and the work after the checkpoint is accounted for
    const honest = chip.evidence({ knownSizes: [6] });
    const affirmed = appraiseWith(rebuild(honest.bundle, (b) => ({ ...b, checkpoints: [checkpoint6] })), honest.nonce, inputs);
    expect(affirmed.status).toBe('affirming');
    expect(affirmed.workloads.map((w) => w.descriptor?.workloadId)).toEqual(['train-1', 'eval-7', 'after-the-checkpoint']);
    expect(memoryOf(inputs.store, chip.ueid)).toMatchObject({ totalOps: report.counters.totalOps, workloadsRun: 3 });
  });
});

describe('4. a revoked manufacturer root', () => {
  it('is KEY_REVOKED, for a chip seen before as for a new one', () => {
    const chip = licensedChip('revoked-root');
    const inputs = verifierInputs();
    const first = chip.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    chip.run('more', 10n ** 20n);
    const rootRevoked = trust({ revoked: { ueids: [], keyIds: [hex(keyThumbprint(manufacturer.publicKey))] } });
    const next = chip.evidence({ discloseFrom: 6, knownSizes: [6] });
    const a = refused(next, { ...later(inputs), trust: rootRevoked }, chip.ueid, 'revocation', 'KEY_REVOKED');
    expect(check(a, 'revocation').message).toContain('manufacturer root key');
    const fresh = chip.evidence();
    refused(fresh, verifierInputs({ trust: rootRevoked }), chip.ueid, 'revocation', 'KEY_REVOKED');
    // the same chip, its root not revoked: affirmed
    const again = chip.evidence({ discloseFrom: 6, knownSizes: [6] });
    expect(appraiseWith(again.bundle, again.nonce, later(inputs)).status).toBe('affirming');
  });
});

describe('5. a chip never seen that offers its own older checkpoint as the base', () => {
  it('is LOG_COVERAGE_INCOMPLETE: the base of a new chip is the empty log', () => {
    const chip = licensedChip('newcomer');
    const checkpoint6 = chip.chip.send(CMD.checkpoint, {}).checkpoint;
    chip.run('x', 10n ** 21n);
    const offered = chip.evidence({ discloseFrom: 6, knownSizes: [6] });
    const offering = { ...offered, bundle: rebuild(offered.bundle, (b) => ({ ...b, checkpoints: [checkpoint6] })) };
    const inputs = verifierInputs();
    const a = refused(offering, inputs, chip.ueid, 'counters-vs-log', 'LOG_COVERAGE_INCOMPLETE');
    // the checkpoint itself is genuine and proven: it is only not a base
    expect(check(a, 'log-consistency').status).toBe('pass');
    expect(check(a, 'counters-vs-log').message).toMatch(/6 of the entries 0\.\.7 .*first: 0/);
    expect(inputs.store.getChip(chip.ueid)).toBeUndefined();
    // with every entry from the empty log: affirmed, and both the checkpoint and the head remembered
    const all = chip.evidence({ discloseFrom: 0, knownSizes: [6] });
    expect(appraiseWith(rebuild(all.bundle, (b) => ({ ...b, checkpoints: [checkpoint6] })), all.nonce, inputs).status).toBe('affirming');
    expect(memoryOf(inputs.store, chip.ueid)!.checkpoints.map((c) => c.treeSize)).toEqual([6, 8]);
  });
});

describe('8. licences', () => {
  /** A second licence with the first one's id (another sequence number and quota), which a chip defending replay by sequence number accepts. */
  function reinstall(chip: ReturnType<typeof licensedChip>) {
    const again = authority.issueLicence({ ...chip.licenceClaims, sequenceNumber: 2, opsQuota: 10n ** 26n }, [0, 1]);
    chip.chip.send(CMD.installLicence, { licence: again });
    expect(reportOf(chip.evidence().bundle).licenceState).toMatchObject({ licenceId: chip.licenceClaims.licenceId, remainingQuota: 10n ** 26n });
    return again;
  }

  it('a licence id installed twice in one bundle is LICENCE_REINSTALLED', () => {
    const chip = licensedChip('twice');
    const again = reinstall(chip);
    chip.run('on-the-second-grant', 10n ** 24n);
    const e = collect(chip.chip, { knownTreeSize: 0, licences: [chip.licenceBytes, again] });
    const inputs = verifierInputs();
    refused(e, inputs, chip.ueid, 'licence', 'LICENCE_REINSTALLED');
    expect(inputs.store.getChip(chip.ueid)).toBeUndefined();
  });

  it('a licence id installed again after an appraisal is LICENCE_REINSTALLED, from memory', () => {
    const chip = licensedChip('twice-later');
    const inputs = verifierInputs();
    const first = chip.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    expect(memoryOf(inputs.store, chip.ueid)!.licenceUsage.has(hex(chip.licenceClaims.licenceId))).toBe(true);
    const again = reinstall(chip);
    chip.run('on-the-second-grant', 10n ** 24n);
    const e = collect(chip.chip, { knownTreeSize: 6, licences: [again] });
    refused(e, later(inputs), chip.ueid, 'licence', 'LICENCE_REINSTALLED');
  });

  it('a remaining quota that disagrees with the log is LICENCE_UNACCOUNTED, more or less than the log leaves', () => {
    const chip = licensedChip('quota-lie');
    const inputs = verifierInputs();
    const first = chip.evidence();
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    chip.run('more', 10n ** 20n);
    const honestRemaining = chip.chip.state!.licence!.remainingQuota;
    expect(honestRemaining).toBe(10n ** 25n - 4n * 10n ** 24n - 2n * 10n ** 20n);
    for (const remainingQuota of [honestRemaining + 10n ** 24n, honestRemaining - 1n]) {
      chip.chip.state = { ...chip.chip.state!, licence: { ...chip.chip.state!.licence!, remainingQuota } };
      const e = chip.evidence({ discloseFrom: 6, knownSizes: [6] });
      const a = refused(e, later(inputs), chip.ueid, 'licence', 'LICENCE_UNACCOUNTED');
      expect(check(a, 'licence').message).toContain(`leaves ${honestRemaining}`);
    }
    // and the same when the log has not grown at all since it was seen
    const still = licensedChip('quota-lie-still');
    const stillInputs = verifierInputs();
    const s1 = still.evidence();
    expect(appraiseWith(s1.bundle, s1.nonce, stillInputs).status).toBe('affirming');
    still.chip.state = { ...still.chip.state!, licence: { ...still.chip.state!.licence!, remainingQuota: still.chip.state!.licence!.remainingQuota + 1n } };
    refused(still.evidence({ discloseFrom: 6, knownSizes: [6] }), later(stillInputs), still.ueid, 'licence', 'LICENCE_UNACCOUNTED');
    chip.chip.state = { ...chip.chip.state!, licence: { ...chip.chip.state!.licence!, remainingQuota: honestRemaining } };
    const honest = chip.evidence({ discloseFrom: 6, knownSizes: [6] });
    expect(appraiseWith(honest.bundle, honest.nonce, later(inputs)).status).toBe('affirming');
  });
});

describe('9. a chip clock that does not keep time', () => {
  const peak = 10n ** 15n; // a realistic accelerator: 10^15 operations a second
  const realistic = () => verifierInputs({ reference: reference({ peakOpsPerSecond: peak }) });

  /**
   * A chip seen at T0 + 10 with no work, that then runs 5 * 10^19 operations (50 000 s at the peak
   * rate) and reports when its own clock has moved `elapsed` seconds; the verifier appraises 10 s later.
   */
  function scenario(elapsed: number) {
    const chip = idleChip('clock');
    const inputs = realistic();
    const first = chip.evidence(0);
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    const seen = chip.chip.env.log.size;
    chip.run('big-run', 5n * 10n ** 19n);
    chip.clock.advance(elapsed);
    const e = chip.evidence(seen);
    const at = { ...inputs, now: T0 + elapsed + 10 };
    return { chip, e, at };
  }

  it('work beyond the peak rate over the verifier time since the last appraisal is USAGE_IMPLAUSIBLE; the same work with the clock advanced honestly is affirmed', () => {
    const frozen = scenario(100);
    const a = refused(frozen.e, frozen.at, frozen.chip.ueid, 'usage-rate', 'USAGE_IMPLAUSIBLE');
    expect(a.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['usage-rate']);
    expect(check(a, 'usage-rate').message).toContain('since the appraisal at');

    const honest = scenario(60_000);
    const h = appraiseWith(honest.e.bundle, honest.e.nonce, honest.at);
    expect(h.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(h.status).toBe('affirming');
    expect(memoryOf(honest.at.store, honest.chip.ueid)).toMatchObject({ totalOps: 5n * 10n ** 19n, lastAppraisedAt: T0 + 60_010 });
  });

  it('a clock held inside the licence window while work runs past its expiry is USAGE_IMPLAUSIBLE, though every entry is dated inside the window', () => {
    const chip = idleChip('held-clock', { expiry: T0 + 86_400 });
    const inputs = realistic();
    const first = chip.evidence(0);
    expect(appraiseWith(first.bundle, first.nonce, inputs).status).toBe('affirming');
    const seen = chip.chip.env.log.size;
    chip.clock.advance(100); // held here by the operator ...
    chip.run('eleven-days-of-work', 10n ** 21n); // ... while 10^6 s of work at the peak rate runs: the licence lasts a day
    chip.clock.time = T0 + 1_000_000; // then let go, for a fresh report
    const e = chip.evidence(seen);
    expect(reportOf(e.bundle).lockState).toBe(LOCK.licenceExpired);
    const at = { ...inputs, now: T0 + 1_000_010 };
    const a = refused(e, at, chip.ueid, 'usage-rate', 'USAGE_IMPLAUSIBLE');
    expect(check(a, 'licence').status).toBe('pass');
    expect(check(a, 'usage-rate').message).toContain('under licence');
    // at the simulator's fast-forward peak the same evidence is plausible: it is the rate that refuses it
    const again = chip.evidence(seen);
    expect(reportOf(again.bundle).logHead).toEqual(reportOf(e.bundle).logHead);
    expect(appraiseWith(again.bundle, again.nonce, { ...at, reference: reference() }).status).toBe('affirming');
    // and a chip whose clock keeps time cannot do the work at all: the licence expires first
    const honest = idleChip('kept-clock', { expiry: T0 + 86_400 });
    honest.clock.time = T0 + 86_400;
    expectCode(() => honest.run('eleven-days-of-work', 10n ** 21n), 'WORKLOAD_LOCKED');
  });
});

function bundleReceipts(bytes: Uint8Array): number {
  return bundleOf(bytes).consistencyReceipts?.length ?? 0;
}
