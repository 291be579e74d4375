/** From appraisals to fleet accounting: only what an appraisal proved reaches the accounting. */
import type { Appraisal } from './appraise.js';
import type { AppraisedChip } from './accounting/index.js';

/** The accounting's view of one appraisal; undefined when the evidence did not even name a chip. */
export function toAppraisedChip(appraisal: Appraisal): AppraisedChip | undefined {
  if (appraisal.ueid === undefined) return undefined;
  return {
    ueid: appraisal.ueid,
    affirmed: appraisal.status !== 'contraindicated',
    totalOps: appraisal.totalOps ?? 0n,
    // An opening whose descriptor the accounting cannot read stays undisclosed work.
    workloads: appraisal.workloads.flatMap((w) => (w.descriptor ? [{ logIndex: w.logIndex, ops: w.ops, descriptor: w.descriptor }] : [])),
  };
}
