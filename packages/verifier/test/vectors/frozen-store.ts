/**
 * Two verifier stores for replaying evidence vectors (specs/verifier.md §4): one that notes which chips
 * and nonces a real store took in, and one that serves a frozen snapshot of that memory and records
 * nothing. Many appraisals against the frozen store each see exactly the memory one vector was
 * appraised against, whatever the others did.
 */
import { checkNonce, checkUeid, checkUpdate, copyCheckpoint } from '../../src/store/merge.js';
import type { ChipMemory, ChipUpdate, VerifierStore } from '../../src/store/types.js';
import { toHex as hex } from '@hemkit/wire/bytes';


const copyMemory = (m: ChipMemory): ChipMemory => {
  const checkpoints = m.checkpoints.map(copyCheckpoint);
  return {
    ueid: m.ueid.slice(),
    bootcount: m.bootcount,
    totalOps: m.totalOps,
    workloadsRun: m.workloadsRun,
    lastAppraisedAt: m.lastAppraisedAt,
    checkpoints,
    latestCheckpoint: checkpoints.at(-1),
    // Lookups over the frozen copy, never over the live store.
    checkpointAt: (treeSize: number) => checkpoints.find((c) => c.treeSize === treeSize),
    licenceUsage: new Map(m.licenceUsage),
    activeLicence: m.activeLicence,
    // The state at the remembered head (verifier.md §4), where the store knows it.
    ...(m.svn !== undefined ? { svn: m.svn } : {}),
    ...(m.issuerSet !== undefined ? { issuerSet: { ...m.issuerSet } } : {}),
    ...(m.memoryBytes !== undefined ? { memoryBytes: m.memoryBytes } : {}),
    licenceMemoryUsage: new Map(m.licenceMemoryUsage ?? []),
  };
};

/** Passes everything to a real store and notes the chips it was asked about and the nonces it kept. */
export class RecordingStore implements VerifierStore {
  readonly #inner: VerifierStore;
  readonly #ueids = new Map<string, Uint8Array>();
  readonly #nonces = new Set<string>();
  /** Nonces used inside the running appraisal: kept only if it commits, as the real store does. */
  #pending: string[] = [];

  constructor(inner: VerifierStore) {
    this.#inner = inner;
  }

  getChip(ueid: Uint8Array): ChipMemory | undefined {
    return this.#inner.getChip(ueid);
  }

  appraise<T>(ueid: Uint8Array, decide: (memory: ChipMemory | undefined) => { result: T; update?: ChipUpdate }): T {
    this.#ueids.set(hex(ueid), ueid.slice());
    this.#pending = [];
    const result = this.#inner.appraise(ueid, decide);
    for (const n of this.#pending) this.#nonces.add(n);
    return result;
  }

  useNonce(nonce: Uint8Array, expiresAt: number): boolean {
    const fresh = this.#inner.useNonce(nonce, expiresAt);
    if (fresh) this.#pending.push(hex(nonce));
    return fresh;
  }

  close(): void {
    this.#inner.close();
  }

  /** What the real store remembers now, as a store that never changes. */
  freeze(): FrozenStore {
    const chips = new Map<string, ChipMemory>();
    for (const [key, ueid] of this.#ueids) {
      const memory = this.#inner.getChip(ueid);
      if (memory !== undefined) chips.set(key, memory);
    }
    return new FrozenStore(chips, new Set(this.#nonces));
  }
}

/**
 * A snapshot of a verifier's memory. It validates its inputs as the real stores do (so an appraisal
 * that would make them throw throws here too) and then discards every update and every nonce.
 */
export class FrozenStore implements VerifierStore {
  readonly #chips: ReadonlyMap<string, ChipMemory>;
  readonly #nonces: ReadonlySet<string>;

  constructor(chips: ReadonlyMap<string, ChipMemory>, nonces: ReadonlySet<string>) {
    this.#chips = chips;
    this.#nonces = nonces;
  }

  getChip(ueid: Uint8Array): ChipMemory | undefined {
    checkUeid(ueid);
    const memory = this.#chips.get(hex(ueid));
    return memory === undefined ? undefined : copyMemory(memory);
  }

  appraise<T>(ueid: Uint8Array, decide: (memory: ChipMemory | undefined) => { result: T; update?: ChipUpdate }): T {
    const { result, update } = decide(this.getChip(ueid));
    if (update !== undefined) checkUpdate(ueid, update);
    return result;
  }

  useNonce(nonce: Uint8Array, expiresAt: number): boolean {
    checkNonce(nonce, expiresAt);
    return !this.#nonces.has(hex(nonce));
  }

  close(): void {}
}
