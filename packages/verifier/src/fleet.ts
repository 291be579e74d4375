/** From appraisals to fleet accounting: only what an appraisal proved reaches the accounting. */
import type { Appraisal } from './appraise.js';
import type { AppraisedChip, LineageWorkload } from './accounting/index.js';

/** The accounting's view of one appraisal; undefined when the evidence did not even name a chip. */
export function toAppraisedChip(appraisal: Appraisal): AppraisedChip | undefined {
  if (appraisal.ueid === undefined) return undefined;
  return {
    ueid: appraisal.ueid,
    affirmed: appraisal.status !== 'contraindicated',
    totalOps: appraisal.totalOps ?? 0n,
    ...(appraisal.memoryBytes !== undefined && appraisal.memoryBytes > 0n ? { memoryBytes: appraisal.memoryBytes } : {}),
    // An opening whose descriptor the accounting cannot read stays undisclosed work.
    workloads: appraisal.workloads.flatMap((w) => (w.descriptor ? [{ logIndex: w.logIndex, ops: w.ops, descriptor: w.descriptor }] : [])),
  };
}

/**
 * The lineage accounting's view of an affirmed appraisal (verifier.md §6.2): its opened
 * workload-finished-lineage entries whose descriptors the accounting can read. An appraisal that
 * was not affirmed gives none: its states are not evidence.
 */
export function toLineageWorkloads(appraisal: Appraisal): LineageWorkload[] {
  const ueid = appraisal.ueid;
  if (ueid === undefined || appraisal.status === 'contraindicated') return [];
  return appraisal.workloads.flatMap((w) =>
    w.descriptor !== undefined && w.modelStates !== undefined
      ? [
          {
            ueid,
            logIndex: w.logIndex,
            ops: w.ops,
            workloadId: w.descriptor.workloadId,
            parents: w.modelStates.parents,
            produced: w.modelStates.produced,
            time: w.time,
            ...(w.busyChipSeconds !== undefined ? { busyChipSeconds: w.busyChipSeconds } : {}),
          },
        ]
      : [],
  );
}
