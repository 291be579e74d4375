/**
 * What the simulation keeps of each chip once it is driven: only what accounting reads (the licence
 * register's entry, the lineage workloads an affirmed appraisal proved, the per-id view of the same
 * appraisal), in columns rather than objects, with every model-state digest, parent list and
 * workload id stored once for the fleet. A chip's bundle, log, keys and appraisal are dropped as
 * soon as it is recorded, so a run's memory grows by about 0.3 KiB a chip (the accounting's own
 * input), not by the evidence (issue 14: memory bounded but for the accounting graph).
 *
 * The accounting objects are built from the columns only when accounting runs, one kind at a time.
 */
import { toHex } from '@hemkit/wire/bytes';
import type { AppraisedChip, LineageChip, LineageWorkload } from '@hemkit/verifier/accounting';

/** One driven (or silent) chip, as it crosses from a worker to the thread that accounts. */
export interface ChipRecord {
  readonly ueid: Uint8Array;
  /** The register's licensee: an operator id. */
  readonly holder: string;
  readonly licenceExpiry: number;
  readonly unaccountedOps: bigint;
  /** Driven through module and verifier (a silent chip is not), and whether its appraisal affirmed it. */
  readonly driven: boolean;
  readonly affirmed: boolean;
  /** The per-id view of its appraisal (undefined: no appraisal, a silent chip). */
  readonly appraised?: {
    readonly affirmed: boolean;
    readonly totalOps: bigint;
    readonly workloads: readonly { readonly logIndex: number; readonly ops: bigint; readonly workloadId: string }[];
  };
  readonly lineage: readonly Omit<LineageWorkload, 'ueid'>[];
}

/** Strings and digests kept once for the whole fleet, shared by every ledger that interns into it. */
export class Interned {
  readonly strings: string[] = [];
  readonly #strings = new Map<string, number>();
  readonly digests: Uint8Array[] = [];
  readonly #digests = new Map<string, number>();
  readonly parentLists: (readonly Uint8Array[])[] = [];
  readonly #parentLists = new Map<string, number>();

  string(s: string): number {
    let i = this.#strings.get(s);
    if (i === undefined) this.#strings.set(s, (i = this.strings.push(s) - 1));
    return i;
  }

  digest(d: Uint8Array): number {
    const key = toHex(d);
    let i = this.#digests.get(key);
    if (i === undefined) this.#digests.set(key, (i = this.digests.push(d.slice()) - 1));
    return i;
  }

  parents(list: readonly Uint8Array[]): number {
    const ids = list.map((d) => this.digest(d));
    const key = ids.join(',');
    let i = this.#parentLists.get(key);
    if (i === undefined) this.#parentLists.set(key, (i = this.parentLists.push(ids.map((k) => this.digests[k]!)) - 1));
    return i;
  }
}

class Column<T extends Int32Array | Float64Array | Uint8Array> {
  length = 0;
  constructor(public data: T) {}

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(Math.max(64, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i]!;
  }
}

const int32 = () => new Column(new Int32Array(0));
const float64 = () => new Column(new Float64Array(0));

/** The chips of one consecutive range of the fleet, in order. */
export class Ledger {
  // Chips.
  readonly #ueidBytes = new Column(new Uint8Array(0));
  readonly #ueidEnd = int32();
  readonly #holder = int32();
  readonly #expiry = float64();
  readonly #unaccounted: bigint[] = [];
  /** 0: no appraisal; 1: affirmed; 2: not affirmed. */
  readonly #appraisal = new Column(new Uint8Array(0));
  readonly #totalOps: bigint[] = [];
  // Lineage workloads.
  readonly #lChip = int32();
  readonly #lIndex = int32();
  readonly #lOps: bigint[] = [];
  readonly #lId = int32();
  readonly #lParents = int32();
  readonly #lProduced = int32();
  readonly #lTime = float64();
  /** NaN: no busy seconds. */
  readonly #lBusy = float64();
  // The per-id view's workloads.
  readonly #wChip = int32();
  readonly #wIndex = int32();
  readonly #wOps: bigint[] = [];
  readonly #wId = int32();

  driven = 0;
  affirmed = 0;

  constructor(readonly interned: Interned) {}

  get chips(): number {
    return this.#holder.length;
  }

  get lineageWorkloads(): number {
    return this.#lChip.length;
  }

  add(r: ChipRecord): void {
    const chip = this.chips;
    for (const b of r.ueid) this.#ueidBytes.push(b);
    this.#ueidEnd.push(this.#ueidBytes.length);
    this.#holder.push(this.interned.string(r.holder));
    this.#expiry.push(r.licenceExpiry);
    this.#unaccounted.push(r.unaccountedOps);
    const a = r.appraised;
    this.#appraisal.push(a === undefined ? 0 : a.affirmed ? 1 : 2);
    this.#totalOps.push(a?.totalOps ?? 0n);
    if (r.driven) this.driven++;
    if (r.affirmed) this.affirmed++;
    if (a !== undefined) {
      for (const w of a.workloads) {
        this.#wChip.push(chip);
        this.#wIndex.push(w.logIndex);
        this.#wOps.push(w.ops);
        this.#wId.push(this.interned.string(w.workloadId));
      }
    }
    for (const w of r.lineage) {
      this.#lChip.push(chip);
      this.#lIndex.push(w.logIndex);
      this.#lOps.push(w.ops);
      this.#lId.push(this.interned.string(w.workloadId));
      this.#lParents.push(this.interned.parents(w.parents));
      this.#lProduced.push(this.interned.digest(w.produced));
      this.#lTime.push(w.time);
      this.#lBusy.push(w.busyChipSeconds ?? Number.NaN);
    }
  }

  /** Each chip's UEID, one view per chip into the ledger's bytes, shared by everything built from it. */
  ueids(): Uint8Array[] {
    const bytes = this.#ueidBytes.data;
    const out: Uint8Array[] = new Array(this.chips);
    for (let i = 0, start = 0; i < this.chips; i++) {
      const end = this.#ueidEnd.get(i);
      out[i] = bytes.subarray(start, end);
      start = end;
    }
    return out;
  }

  /** The register, as lineage accounting reads it. */
  lineageChips(ueids: readonly Uint8Array[], into: LineageChip[]): void {
    const s = this.interned.strings;
    for (let i = 0; i < this.chips; i++) {
      into.push({ ueid: ueids[i]!, holder: s[this.#holder.get(i)]!, licenceExpiry: this.#expiry.get(i), unaccountedOps: this.#unaccounted[i]! });
    }
  }

  lineage(ueids: readonly Uint8Array[], into: LineageWorkload[]): void {
    const { strings, digests, parentLists } = this.interned;
    for (let i = 0; i < this.#lChip.length; i++) {
      const busy = this.#lBusy.get(i);
      into.push({
        ueid: ueids[this.#lChip.get(i)]!,
        logIndex: this.#lIndex.get(i),
        ops: this.#lOps[i]!,
        workloadId: strings[this.#lId.get(i)]!,
        parents: parentLists[this.#lParents.get(i)]!,
        produced: digests[this.#lProduced.get(i)]!,
        time: this.#lTime.get(i),
        ...(Number.isNaN(busy) ? {} : { busyChipSeconds: busy }),
      });
    }
  }

  /** The appraisals, as per-id fleet accounting (§6.1) reads them. */
  appraised(ueids: readonly Uint8Array[], into: AppraisedChip[]): void {
    const s = this.interned.strings;
    const workloads: { logIndex: number; ops: bigint; descriptor: { workloadId: string } }[][] = Array.from({ length: this.chips }, () => []);
    for (let i = 0; i < this.#wChip.length; i++) {
      workloads[this.#wChip.get(i)]!.push({ logIndex: this.#wIndex.get(i), ops: this.#wOps[i]!, descriptor: { workloadId: s[this.#wId.get(i)]! } });
    }
    for (let i = 0; i < this.chips; i++) {
      const a = this.#appraisal.get(i);
      if (a !== 0) into.push({ ueid: ueids[i]!, affirmed: a === 1, totalOps: this.#totalOps[i]!, workloads: workloads[i]! });
    }
  }
}
