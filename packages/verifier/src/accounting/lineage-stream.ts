/**
 * Lineage accounting (specs/verifier.md §6.2) one chip at a time: each chip's register entry and its
 * disclosed workloads are checked and summed per model state as they come, and dropped. What is held
 * is the graph's own data (per state: work, parents, producers' holders, workload ids, counts) and
 * the set of chips seen, so that a fleet far larger than memory can be accounted as its evidence
 * streams in (issue 14). The report is the one accountLineage gives on the same chips and workloads,
 * with `now` given (it cannot default to the latest workload's time before the last chip).
 */
import { HemkitError } from '@hemkit/wire/errors';
import { toHex } from '@hemkit/wire/bytes';
import { invalid } from './input-errors.js';
import { checkLineageOptions, cumulativeOf, lineageReport, type CheckedLineageOptions, type LineageOptions, type LineageReport } from './lineage.js';
import { checkLineageEvidence, STATE_DIGEST_LENGTH, type DeclaredModel, type LineageChip, type LineageWorkload } from './lineage-input.js';
import { StateSums, type ChipWorkload } from './lineage-sums.js';

export interface LineageStreamOptions extends LineageOptions {
  /** The accounting's clock (epoch seconds): required, since projections are made as chips arrive. */
  readonly now: number;
  readonly declaredModels?: readonly DeclaredModel[];
}

export class LineageAccumulator {
  readonly #sums: StateSums;
  readonly #options: CheckedLineageOptions;
  readonly #chips = new Set<string>();

  constructor(options: LineageStreamOptions) {
    this.#options = checkLineageOptions(options, () => {
      throw invalid('options.now', 'epoch seconds (a non-negative integer): a stream of chips has no latest workload to default to', undefined);
    });
    this.#sums = new StateSums(this.#options.now, this.#options.noticeSeconds);
    const declared = checkLineageEvidence({ workloads: [], declaredModels: options.declaredModels ?? [] });
    for (const [id, ops] of declared.declared) this.#sums.declared.set(this.#sums.state(declared.stateKeys[id]!), ops);
  }

  /** Chips added so far. */
  get chips(): number {
    return this.#chips.size;
  }

  /**
   * Names a model state before any chip does. States are numbered as they are first seen, and which
   * of two bases of equal compute a report names follows that order: a caller whose chips arrive in
   * no fixed order (worker threads) names its states first, and gets the same report every run.
   */
  state(digest: Uint8Array): void {
    if (!(digest instanceof Uint8Array) || digest.length !== STATE_DIGEST_LENGTH) throw invalid('state', `a model-state digest (Uint8Array of ${STATE_DIGEST_LENGTH} bytes)`, digest);
    this.#sums.state(toHex(digest));
  }

  /**
   * One chip: its register entry and every workload it disclosed, all at once (a chip added twice
   * is ACCOUNTING_INVALID_INPUT; one entry disclosed twice, alike, counts once, and otherwise is
   * LINEAGE_CONFLICTING_ENTRY, as in accountLineage).
   */
  addChip(chip: LineageChip, workloads: readonly Omit<LineageWorkload, 'ueid'>[]): void {
    const ueid = typeof chip === 'object' && chip !== null ? chip.ueid : undefined;
    const checked = checkLineageEvidence({ workloads: Array.isArray(workloads) ? workloads.map((w) => ({ ...w, ueid })) : workloads, chips: [chip] });
    const [key, holder] = [...checked.chipHolder][0]!;
    if (this.#chips.has(key!)) throw new HemkitError('ACCOUNTING_INVALID_INPUT', `chip ${key} is added twice`);
    this.#chips.add(key!);
    const sums = this.#sums;
    const ids = checked.stateKeys.map((k) => sums.state(k));
    const mapped: ChipWorkload[] = checked.workloads.map((w) => ({
      ops: w.ops,
      workloadId: w.workloadId,
      parents: w.parents.map((p) => ids[p]!),
      produced: ids[w.produced]!,
      busyChipSeconds: w.busyChipSeconds,
    }));
    sums.addUnaccounted(holder!, checked.holderUnaccounted.get(holder!)!);
    sums.addChip(holder!, checked.chipExpiry.get(key!), mapped);
    sums.duplicates += checked.duplicates;
  }

  /** The report on every chip added so far. */
  report(): LineageReport {
    return lineageReport(this.#sums, this.#options);
  }

  /** cumulativeCompute of every chip added so far (not for an auditor: it names every state). */
  cumulativeCompute(): Map<string, bigint> {
    return cumulativeOf(this.#sums);
  }
}
