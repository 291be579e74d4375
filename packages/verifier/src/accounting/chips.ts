/**
 * One view of each chip from all of its appraisals (specs/verifier.md §6.1, "Chips"). Bundles of one
 * chip from different times overlap: their lifetime counters count the same work again, and their
 * openings may repeat. So the counter taken is the largest, and each disclosed entry (chip UEID and
 * log index) counts once, however often it is disclosed.
 */
import { HemkitError } from '@hemkit/wire/errors';
import type { CheckedAppraisal, CheckedWorkload } from './input.js';

export interface ChipView {
  readonly key: string;
  readonly ueid: Uint8Array;
  /** At least one appraisal of the chip affirmed its evidence. */
  readonly affirmed: boolean;
  /** The largest lifetime counter among its affirmed appraisals; 0 when none. */
  readonly totalOps: bigint;
  /** The largest memory-bytes counter among its affirmed appraisals; 0 when none. */
  readonly memoryBytes: bigint;
  /** Its distinct entries disclosed in affirmed appraisals, each once, by log index. */
  readonly entries: readonly CheckedWorkload[];
  /** The counter less the entries: the chip's work that no opened entry accounts for. */
  readonly sealedOps: bigint;
  /** What its appraisals that were not affirmed disclose: it names chips of runs, and counts nothing. */
  readonly unaffirmedWorkloads: readonly CheckedWorkload[];
}

export function mergeAppraisals(appraisals: readonly CheckedAppraisal[]): Map<string, ChipView> {
  const groups = new Map<string, CheckedAppraisal[]>();
  for (const a of appraisals) {
    const group = groups.get(a.key);
    if (group === undefined) groups.set(a.key, [a]);
    else group.push(a);
  }
  const chips = new Map<string, ChipView>();
  for (const [key, group] of groups) chips.set(key, mergeChip(key, group));
  return chips;
}

function mergeChip(key: string, group: readonly CheckedAppraisal[]): ChipView {
  const affirmed = group.filter((a) => a.affirmed);
  const totalOps = affirmed.reduce((max, a) => (a.totalOps > max ? a.totalOps : max), 0n);
  const memoryBytes = affirmed.reduce((max, a) => (a.memoryBytes > max ? a.memoryBytes : max), 0n);
  const entries = distinctEntries(key, affirmed.flatMap((a) => a.workloads));
  const disclosed = entries.reduce((sum, w) => sum + w.ops, 0n);
  // The lifetime counter includes every workload the chip ran, so the distinct opened entries cannot
  // add up to more: if they do, the appraisals are not of one consistent view of the chip.
  if (disclosed > totalOps) {
    throw new HemkitError(
      'ACCOUNTING_COUNTER_EXCEEDED',
      `chip ${key} (${affirmed.map((a) => a.path).join(', ')}): its distinct disclosed workloads total ${disclosed} operations, more than its largest affirmed lifetime counter ${totalOps}`,
    );
  }
  return {
    key,
    ueid: group[0]!.ueid,
    affirmed: affirmed.length > 0,
    totalOps,
    memoryBytes,
    entries,
    sealedOps: totalOps - disclosed,
    unaffirmedWorkloads: group.filter((a) => !a.affirmed).flatMap((a) => a.workloads),
  };
}

/**
 * Each entry once. A repeat is harmless. Two different disclosures of one entry cannot both be true
 * (the entry is signed, and its commitment opens to one descriptor: log-entry.md §3), so they are
 * refused rather than one of them chosen.
 */
function distinctEntries(key: string, workloads: readonly CheckedWorkload[]): CheckedWorkload[] {
  const byIndex = new Map<number, CheckedWorkload>();
  for (const w of workloads) {
    const earlier = byIndex.get(w.logIndex);
    if (earlier === undefined) {
      byIndex.set(w.logIndex, w);
    } else if (earlier.ops !== w.ops || !sameDescriptor(earlier, w)) {
      throw new HemkitError(
        'ACCOUNTING_CONFLICTING_ENTRY',
        `${w.path}: log entry ${w.logIndex} of chip ${key} is disclosed with other operations or another descriptor than at ${earlier.path}`,
      );
    }
  }
  return [...byIndex.values()].sort((a, b) => a.logIndex - b.logIndex);
}

function sameDescriptor(a: CheckedWorkload, b: CheckedWorkload): boolean {
  const da = a.descriptor;
  const db = b.descriptor;
  if (da.workloadId !== db.workloadId || da.description !== db.description) return false;
  if ((da.clusterChips === undefined) !== (db.clusterChips === undefined)) return false;
  return a.cluster.length === b.cluster.length && a.cluster.every((c, i) => c.key === b.cluster[i]!.key);
}
