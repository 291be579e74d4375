/** Shared by the store tests: the two stores under one factory, temporary files, and a typed-error matcher. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryVerifierStore, type ChipUpdate, type SeenCheckpoint, type VerifierStore } from '../../src/store/index.js';
import { SqliteVerifierStore } from '../../src/store/sqlite.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CHILD = fileURLToPath(new URL('./appraiser.ts', import.meta.url));

export interface TempDir {
  readonly path: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'hemkit-store-'));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface StoreKind {
  readonly name: string;
  readonly open: (dir: TempDir, options?: { nonceSweepInterval?: number }) => VerifierStore;
}

export const STORE_KINDS: readonly StoreKind[] = [
  { name: 'MemoryVerifierStore', open: (_dir, options) => new MemoryVerifierStore(options) },
  { name: 'SqliteVerifierStore', open: (dir, options) => SqliteVerifierStore.open(dir.file('verifier.db'), options) },
];

/** A 17-byte RAND UEID (RFC 9711 §4.2.1.1, type 0x01), distinct per `n`. */
export function ueid(n: number): Uint8Array {
  const u = new Uint8Array(17);
  u[0] = 0x01;
  new DataView(u.buffer).setUint32(13, n);
  return u;
}

export function root(fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill);
}

export function checkpoint(treeSize: number, fill = treeSize, totalOps = BigInt(treeSize) * 1000n): SeenCheckpoint {
  return { treeSize, rootHash: root(fill), issuedAt: 1_800_000_000 + treeSize, totalOps };
}

export function update(id: Uint8Array, fields: Partial<Omit<ChipUpdate, 'ueid'>> = {}): ChipUpdate {
  return { ueid: id, bootcount: 1, totalOps: 0n, workloadsRun: 0, checkpoints: [], appraisedAt: 1_800_000_000, licenceUsage: new Map(), activeLicence: undefined, ...fields };
}

/** Records `u` through an appraisal that affirms whatever it sees. */
export function record(store: VerifierStore, u: ChipUpdate): void {
  store.appraise(u.ueid, () => ({ result: undefined, update: u }));
}

/** One assertion for typed errors, shared by every package's tests. */
export { expectCode, expectRejection } from '../../../wire/test/support/expect-code.js';
