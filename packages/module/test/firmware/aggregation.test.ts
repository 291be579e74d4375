/** Small workloads aggregated below the itemisation threshold (log-entry.md §5, decisions.md §7). */
import { describe, expect, it } from 'vitest';
import { CMD, EVENT, LOCK, REPLAY } from '@hemkit/wire/messages';
import { DEFAULT_POLICY } from '../../src/firmware/policy/index.js';
import { expectCode } from '../../../wire/test/support/expect-code.js';
import { scenario, workload } from '../support/scenario.js';

/** A licensed chip provisioned with an itemisation threshold of 1000 operations. */
function thresholdChip(policy = DEFAULT_POLICY) {
  const s = scenario({ policy, seed: 'aggregation' });
  // scenario() provisions without a threshold: re-provisioning is refused, so build the chip's state with one.
  s.chip.state = { ...s.chip.state!, provisioning: { ...s.chip.state!.provisioning!, itemisationThreshold: 1000n } };
  s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 10_000n, expiry: s.clock.time + 2 * 86_400 }) });
  return s;
}
const kinds = (s: ReturnType<typeof scenario>) => s.entries().map((e) => e.kind);

describe('the itemisation threshold', () => {
  it('a workload below it is counted and draws quota but gets no entry and no salt', () => {
    const s = thresholdChip();
    const before = s.log.size;
    const r = s.chip.send(CMD.runWorkload, workload(999n));
    expect(r).toEqual({ remainingQuota: 9001n });
    expect(s.log.size).toBe(before);
    expect(s.chip.state!.counters.totalOps).toBe(999n);
    expect(s.chip.state!.counters.workloadsRun).toBe(1);
  });

  it('a workload at the threshold is itemised', () => {
    const s = thresholdChip();
    const r = s.chip.send(CMD.runWorkload, workload(1000n));
    expect(r.salt).toBeDefined();
    expect(kinds(s).slice(-2)).toEqual([EVENT.workloadStarted, EVENT.workloadFinished]);
  });

  it('attest writes the aggregate first: count, operations per class, busy time, the span of times', () => {
    const s = thresholdChip();
    s.chip.send(CMD.runWorkload, workload(100n, { busyChipSeconds: 5 }));
    s.clock.advance(30);
    s.chip.send(CMD.runWorkload, workload(200n, { precisionClass: 6, interconnectBytes: 7n }));
    s.clock.advance(30);
    s.chip.send(CMD.attest, { nonce: new Uint8Array(8) });
    const entry = s.lastEntry();
    expect(entry.kind).toBe(EVENT.workloadsAggregated);
    expect(entry.details).toEqual({
      workloadCount: 2,
      opsByPrecision: new Map([[4, 100n], [6, 200n]]),
      busyChipSeconds: 5,
      interconnectBytes: 7n,
      firstTime: s.clock.time - 60,
      lastTime: s.clock.time - 30,
    });
    expect(s.chip.state!.pendingAggregate).toBeUndefined();
  });

  it('the aggregate is written at the first command after its period, and not before', () => {
    const s = thresholdChip();
    s.chip.send(CMD.runWorkload, workload(100n));
    const size = s.log.size;
    s.clock.advance(DEFAULT_POLICY.aggregationPeriod - 1);
    s.chip.send(CMD.status, {});
    expect(s.log.size).toBe(size);
    s.clock.advance(1);
    s.chip.send(CMD.status, {});
    expect(kinds(s).slice(-1)).toEqual([EVENT.workloadsAggregated]);
  });

  it('before the licence expires, is replaced, or is used up, the aggregate under it is written first', () => {
    const s = thresholdChip();
    s.chip.send(CMD.runWorkload, workload(100n));
    s.chip.send(CMD.installLicence, { licence: s.licence({ opsQuota: 500n }) });
    expect(kinds(s).slice(-2)).toEqual([EVENT.workloadsAggregated, EVENT.licenceInstalled]);
    s.chip.send(CMD.runWorkload, workload(500n));
    expect(kinds(s).slice(-2)).toEqual([EVENT.workloadsAggregated, EVENT.licenceExhausted]);
    expect(s.chip.state!.lockState).toBe(LOCK.licenceExhausted);
    const t = thresholdChip();
    t.chip.send(CMD.runWorkload, workload(100n));
    t.clock.advance(3 * 86_400);
    expectCode(() => t.chip.send(CMD.runWorkload, workload(1n)), 'WORKLOAD_LOCKED');
    expect(kinds(t).slice(-3)).toEqual([EVENT.workloadsAggregated, EVENT.licenceExpired, EVENT.workloadRefused]);
  });

  it('a refused small workload is still logged as workload-refused', () => {
    const s = thresholdChip();
    expectCode(() => s.chip.send(CMD.runWorkload, workload(10n, { precisionClass: 2 })), 'WORKLOAD_PRECISION_NOT_ALLOWED');
    expect(s.lastEntry().kind).toBe(EVENT.workloadRefused);
  });

  it('with no threshold provisioned every workload is itemised (hemkit v1 as before)', () => {
    const s = scenario({ replay: [REPLAY.sequence] });
    s.chip.send(CMD.installLicence, { licence: s.licence() });
    expect(s.chip.send(CMD.runWorkload, workload(1n)).salt).toBeDefined();
  });

  it('a policy that itemises everything ignores the threshold', () => {
    const s = thresholdChip({ ...DEFAULT_POLICY, name: 'itemise-all', itemise: () => true });
    expect(s.chip.send(CMD.runWorkload, workload(1n)).salt).toBeDefined();
  });
});
