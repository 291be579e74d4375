/**
 * Aggregation of small workloads (log-entry.md §5, decisions.md §7). A workload the policy does not
 * itemise is counted like any other but logged only inside a workloads-aggregated entry, written when
 * the aggregation period has passed since its first workload, and always before anything that signs
 * the counters or changes which licence admits work: so a report's counters are always covered by its
 * log, and every aggregate falls under one licence (or none).
 */
import { CMD, type CommandId } from '@hemkit/wire/messages';
import type { WorkloadParams } from './policy/types.js';
import type { PendingAggregate } from './state.js';
import { policyOf, type Work } from './work.js';

/** Commands before which a pending aggregate is written: they sign counters or change the licence. */
const FLUSH_BEFORE: ReadonlySet<CommandId> = new Set([CMD.attest, CMD.checkpoint, CMD.requestLicence, CMD.installLicence, CMD.applyRevocation, CMD.firmwareUpdate]);

/** Adds an admitted, non-itemised workload to the pending aggregate. */
export function aggregate(w: Work, workload: WorkloadParams): void {
  const p: PendingAggregate | undefined = w.state.pendingAggregate;
  const now = w.state.lastTime;
  const byPrecision = new Map(p?.opsByPrecision ?? []);
  const memoryBytes = (p?.memoryBytes ?? 0n) + (workload.memoryBytes ?? 0n);
  byPrecision.set(workload.precisionClass, (byPrecision.get(workload.precisionClass) ?? 0n) + workload.ops);
  w.state = {
    ...w.state,
    pendingAggregate: {
      workloadCount: (p?.workloadCount ?? 0) + 1,
      opsByPrecision: new Map([...byPrecision].sort(([a], [b]) => a - b)),
      busyChipSeconds: (p?.busyChipSeconds ?? 0) + (workload.busyChipSeconds ?? 0),
      interconnectBytes: (p?.interconnectBytes ?? 0n) + (workload.interconnectBytes ?? 0n),
      firstTime: p?.firstTime ?? now,
      lastTime: now,
      ...(memoryBytes > 0n ? { memoryBytes } : {}),
    },
  };
}

/**
 * Writes the pending aggregate, if any, as one workloads-aggregated entry, followed by one
 * memory-transferred entry without a commitment when its workloads moved memory (log-entry.md §6).
 */
export function flushAggregate(w: Work): void {
  const p = w.state.pendingAggregate;
  if (p === undefined) return;
  const { pendingAggregate: _written, ...rest } = w.state;
  w.state = rest;
  w.log(14, {
    workloadCount: p.workloadCount,
    opsByPrecision: p.opsByPrecision,
    ...(p.busyChipSeconds > 0 ? { busyChipSeconds: p.busyChipSeconds } : {}),
    ...(p.interconnectBytes > 0n ? { interconnectBytes: p.interconnectBytes } : {}),
    firstTime: p.firstTime,
    lastTime: p.lastTime,
  });
  if (p.memoryBytes !== undefined && p.memoryBytes > 0n) w.log(16, { memoryBytes: p.memoryBytes });
}

/** At the start of a command: the aggregate is written when its period is over, or before `command` if it must be. */
export function flushIfDue(w: Work, command: CommandId): void {
  const p = w.state.pendingAggregate;
  if (p === undefined) return;
  if (FLUSH_BEFORE.has(command) || w.state.lastTime - p.firstTime >= policyOf(w.env).aggregationPeriod) flushAggregate(w);
}
