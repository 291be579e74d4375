/**
 * The memory-transfer counter and quota (licence.md §1, log-entry.md §6, module-commands.md §4) and
 * the limits of the lifetime counters (hemkit.cddl `counter`, `lifetime-count`).
 */
import { describe, expect, it } from 'vitest';
import { attestationKeyCertificateClaims, attestationReportClaims, CMD, deviceCertificateClaims, EVENT, LOCK, openClaims } from '@hemkit/wire/messages';
import { DEFAULT_POLICY, type FirmwarePolicy } from '../../src/firmware/policy/index.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { scenario, workload } from '../support/scenario.js';

const kinds = (s: ReturnType<typeof scenario>) => s.entries().map((e) => e.kind);
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

describe('the memory-bytes counter', () => {
  it('counts what a workload declares and logs it right after the entry that finishes the workload, under its commitment', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    s.chip.send(CMD.runWorkload, workload(10n, { memoryBytes: 5000n }));
    expect(s.chip.state!.counters.memoryBytes).toBe(5000n);
    const entries = s.entries();
    const [finished, memory] = entries.slice(-2);
    expect(kinds(s).slice(-3)).toEqual([EVENT.workloadStarted, EVENT.workloadFinished, EVENT.memoryTransferred]);
    if (finished!.kind !== EVENT.workloadFinished || memory!.kind !== EVENT.memoryTransferred) throw new Error('unexpected kinds');
    expect(memory!.details).toEqual({ workloadCommitment: finished!.details.workloadCommitment, memoryBytes: 5000n });
  });

  it('stays absent, and no entry is written, while no workload moves memory', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    s.chip.send(CMD.runWorkload, workload(10n, { memoryBytes: 0n }));
    expect(s.chip.state!.counters.memoryBytes).toBeUndefined();
    expect(kinds(s)).not.toContain(EVENT.memoryTransferred);
  });

  it('is carried in the signed report', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ memoryQuota: 100n }) });
    s.chip.send(CMD.runWorkload, workload(10n, { memoryBytes: 60n }));
    const { report, attestationKeyCertificate } = s.chip.send(CMD.attest, { nonce: new Uint8Array(8) });
    const device = openClaims(deviceCertificateClaims, s.deviceCertificate, s.manufacturer.publicKey);
    const key = openClaims(attestationKeyCertificateClaims, attestationKeyCertificate, device.cnf.coseKey).cnf.coseKey;
    const claims = openClaims(attestationReportClaims, report, key);
    expect(claims.counters.memoryBytes).toBe(60n);
    expect(claims.licenceState?.remainingMemoryQuota).toBe(40n);
  });

  it('aggregated workloads log their memory in one entry without a commitment, after the aggregate', () => {
    const s = scenario();
    s.chip.state = { ...s.chip.state!, provisioning: { ...s.chip.state!.provisioning!, itemisationThreshold: 1000n } };
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    s.chip.send(CMD.runWorkload, workload(1n, { memoryBytes: 3n }));
    s.chip.send(CMD.runWorkload, workload(1n, { memoryBytes: 4n }));
    s.chip.send(CMD.attest, { nonce: new Uint8Array(8) });
    expect(kinds(s).slice(-2)).toEqual([EVENT.workloadsAggregated, EVENT.memoryTransferred]);
    expect(s.lastEntry().details).toEqual({ memoryBytes: 7n });
  });
});

describe('the memory-transfer quota', () => {
  it('WORKLOAD_OVER_MEMORY_QUOTA one byte past what remains, and the refusal is logged', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ memoryQuota: 100n }) });
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n, { memoryBytes: 101n })), 'WORKLOAD_OVER_MEMORY_QUOTA');
    expect(s.lastEntry()).toMatchObject({ kind: EVENT.workloadRefused, details: { reason: 'WORKLOAD_OVER_MEMORY_QUOTA' } });
    expect(s.chip.state!.counters.memoryBytes).toBeUndefined();
    expect(s.chip.state!.licence!.remainingMemoryQuota).toBe(100n);
  });

  it('exactly what remains is admitted and exhausts the licence', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ memoryQuota: 100n }) });
    s.chip.send(CMD.runWorkload, workload(1n, { memoryBytes: 100n }));
    expect(s.chip.state!.lockState).toBe(LOCK.licenceExhausted);
    expect(kinds(s).slice(-2)).toEqual([EVENT.memoryTransferred, EVENT.licenceExhausted]);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n)), 'WORKLOAD_LOCKED');
  });

  it('a licence with a memory quota of 0 installs exhausted', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence({ memoryQuota: 0n }) });
    expect(s.chip.state!.lockState).toBe(LOCK.licenceExhausted);
  });

  it('a licence without one meters nothing against a quota and reports none', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    s.chip.send(CMD.runWorkload, workload(1n, { memoryBytes: 10n ** 30n }));
    expect(s.chip.state!.licence!.remainingMemoryQuota).toBeUndefined();
    expect(s.chip.state!.lockState).toBe(LOCK.unlocked);
  });

  it('a policy may admit a workload over the memory quota, drawing only what remains', () => {
    const lenient: FirmwarePolicy = { ...DEFAULT_POLICY, name: 'lenient-memory', whenOverMemoryQuota: ({ memoryCost }) => ({ admit: true, charge: memoryCost }) };
    const s = scenario({ policy: lenient });
    s.chip.send(CMD.installLicence, { licence: s.licence({ memoryQuota: 100n }) });
    s.chip.send(CMD.runWorkload, workload(1n, { memoryBytes: 150n }));
    expect(s.chip.state!.licence!.remainingMemoryQuota).toBe(0n);
    expect(s.chip.state!.counters.memoryBytes).toBe(150n);
    expect(s.chip.state!.lockState).toBe(LOCK.licenceExhausted);
  });

  it('a policy may weigh memory differently: here only half of it is drawn', () => {
    const half: FirmwarePolicy = { ...DEFAULT_POLICY, name: 'half-memory', memoryCost: (w) => (w.memoryBytes ?? 0n) / 2n };
    const s = scenario({ policy: half });
    s.chip.send(CMD.installLicence, { licence: s.licence({ memoryQuota: 100n }) });
    s.chip.send(CMD.runWorkload, workload(1n, { memoryBytes: 150n }));
    expect(s.chip.state!.licence!.remainingMemoryQuota).toBe(25n);
    expect(s.chip.state!.counters.memoryBytes).toBe(150n);
  });
});

describe('the lifetime counters stop at their maxima (module-commands.md §4; attestation-report.md §2)', () => {
  it('busy chip-seconds: up to 2^53 - 1 is counted exactly, one more is WORKLOAD_COUNTER_LIMIT', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    s.chip.send(CMD.runWorkload, workload(1n, { busyChipSeconds: MAX_COUNT - 1 }));
    s.chip.send(CMD.runWorkload, workload(1n, { busyChipSeconds: 1 }));
    expect(s.chip.state!.counters.busyChipSeconds).toBe(MAX_COUNT);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n, { busyChipSeconds: 1 })), 'WORKLOAD_COUNTER_LIMIT');
    expect(s.chip.state!.counters.busyChipSeconds).toBe(MAX_COUNT);
    // A workload that adds no busy time still runs.
    s.chip.send(CMD.runWorkload, workload(1n));
  });

  it('workloads run: the 2^53 - 1st runs, the next is WORKLOAD_COUNTER_LIMIT', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    // Reaching 2^53 - 2 workloads takes too long to run: the state is set there, as a restored chip would be.
    s.chip.state = { ...s.chip.state!, counters: { ...s.chip.state!.counters, workloadsRun: MAX_COUNT - 1 } };
    s.chip.send(CMD.runWorkload, workload(1n));
    expect(s.chip.state!.counters.workloadsRun).toBe(MAX_COUNT);
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n)), 'WORKLOAD_COUNTER_LIMIT');
    expect(s.chip.state!.counters.workloadsRun).toBe(MAX_COUNT);
    s.chip.send(CMD.attest, { nonce: new Uint8Array(8) });
  });

  it('memory bytes: up to 2^128 - 1, then WORKLOAD_COUNTER_LIMIT', () => {
    const s = scenario();
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    s.chip.send(CMD.runWorkload, workload(1n, { memoryBytes: 2n ** 128n - 1n }));
    expectCode(() => s.chip.send(CMD.runWorkload, workload(1n, { memoryBytes: 1n })), 'WORKLOAD_COUNTER_LIMIT');
    expect(s.chip.state!.counters.memoryBytes).toBe(2n ** 128n - 1n);
  });
});
