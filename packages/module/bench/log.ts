/**
 * The secure module's log store against the goals, each rate as a ratio to a baseline measured
 * in the same run (packages/wire/bench/harness.ts):
 *
 * - in-memory append at half the bare leaf-hash rate or better (hasher.hashLeaf of the same entry);
 * - durable appends (FileLogStore, a flush per entry and per 100 entries), against the same baseline;
 * - proof generation in a FileLogStore of 10^6 entries, against verifying the same proof;
 * - memory per 10^6 entries: what the process retains, and the bytes on disk.
 *
 * Run alone with `npx tsx packages/module/bench/log.ts`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { nobleBackend } from '@hemkit/wire/crypto';
import { createMerkleHasher, type MerkleHasher, verifyConsistency, verifyInclusion } from '@hemkit/wire/merkle';
import { createNodeMerkleHasher } from '@hemkit/wire/crypto/node';
import { type LogStore, MemoryLogStore } from '../src/log/index.js';
import { FileLogStore } from '../src/log/file.js';
import { type Measurement, measure, report } from '../../wire/bench/harness.js';

/**
 * About the size of a workload-finished entry (specs/messages/log-entry.md §1, §2: five keys, a
 * 32-byte commitment, counters): 80 to 100 bytes of deterministic CBOR.
 */
const ENTRY_SIZE = 96;
/** For comparison: an entry long enough that its leaf hash costs more than a node hash. */
const LONG_ENTRY_SIZE = 256;
const LARGE_LOG = 1_000_000;
/** The machine is shared: baseline and candidate alternate, and the best round of each counts. */
const ROUNDS = 5;
const SECONDS_PER_ROUND = 0.25;
const APPEND_GOAL = 0.5;
/** A fresh in-memory store every 2^20 entries, so that a long measurement does not grow without end. */
const MEMORY_STORE_RESET = 2 ** 20;

function best(measurements: readonly Measurement[]): Measurement {
  return measurements.reduce((a, b) => (b.opsPerSecond > a.opsPerSecond ? b : a));
}

/** Measures each of `candidates` in alternation, ROUNDS times, and keeps the best round of each. */
function alternate(candidates: readonly (readonly [string, () => unknown])[], seconds = SECONDS_PER_ROUND): Measurement[] {
  const rounds = candidates.map(() => [] as Measurement[]);
  for (let round = 0; round < ROUNDS; round++) {
    candidates.forEach(([name, fn], i) => rounds[i]!.push(measure(name, fn, seconds)));
  }
  return rounds.map(best);
}

function entryOf(i: number, size = ENTRY_SIZE): Uint8Array {
  const entry = new Uint8Array(size).fill(0xa5);
  new DataView(entry.buffer).setUint32(0, i);
  return entry;
}

/** A full garbage collection: V8 accepts --expose-gc at run time, and a new context then has gc(). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function retainedBytes(gc: () => void): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function benchMemoryAppend(name: string, hasher: MerkleHasher, entrySize: number): void {
  const entry = entryOf(0, entrySize);
  const node = hasher.hashLeaf(entry);
  let store = new MemoryLogStore(hasher);
  const [leaf, append, ceiling] = alternate([
    [`${name} hashLeaf, ${entrySize} B`, () => hasher.hashLeaf(entry)],
    [
      `MemoryLogStore append, ${entrySize} B, ${name}`,
      () => {
        if (store.size === MEMORY_STORE_RESET) store = new MemoryLogStore(hasher);
        store.append(entry);
      },
    ],
    // n leaves have n − 1 interior nodes, so every append costs a leaf hash and, on average, one node
    // hash: no store that keeps its tree up to date can beat this.
    [
      `${name} hashLeaf + one hashChildren`,
      () => {
        hasher.hashLeaf(entry);
        hasher.hashChildren(node, node);
      },
    ],
  ]);
  report(append!, leaf!, APPEND_GOAL);
  report(ceiling!, leaf!);
  report(append!, ceiling!);
}

function benchDurableAppend(dir: string, hasher: MerkleHasher, leaf: Measurement): void {
  const store = FileLogStore.open(dir, hasher);
  const entry = entryOf(0);
  const one = measure('FileLogStore append + flush, node:crypto', () => {
    store.append(entry);
    store.flush();
  });
  const batch = measure('FileLogStore 100 appends + 1 flush, node:crypto', () => {
    for (let i = 0; i < 100; i++) store.append(entry);
    store.flush();
  });
  store.close();
  report(one, leaf);
  // Per entry, so that the ratio compares like with like.
  report({ name: 'FileLogStore append, flush per 100, node:crypto', opsPerSecond: batch.opsPerSecond * 100 }, leaf);
}

function benchLargeLog(dir: string, hasher: MerkleHasher, gc: () => void): void {
  const before = retainedBytes(gc);
  const started = performance.now();
  const store = FileLogStore.open(dir, hasher);
  for (let i = 0; i < LARGE_LOG; i++) store.append(entryOf(i));
  store.flush();
  const buildSeconds = (performance.now() - started) / 1000;
  const retained = retainedBytes(gc) - before;
  const onDisk = fs.readdirSync(dir).reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
  console.log(`  built a FileLogStore of 10^6 ${ENTRY_SIZE}-byte entries in ${buildSeconds.toFixed(1)} s (node:crypto, one flush at the end)`);
  const perEntry = (onDisk / LARGE_LOG).toFixed(0);
  console.log(`  memory per 10^6 entries: FileLogStore retains ${mib(retained)} (heap + ArrayBuffers after GC)`);
  console.log(`  on disk per 10^6 entries: ${mib(onDisk)}, ${perEntry} B per entry (${ENTRY_SIZE} entry + 8 offset + 2 × 32 hash)`);

  // The same pseudo-random indices and first sizes for generation and verification (a fixed LCG, so
  // that runs compare).
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const indices = Array.from({ length: 1024 }, () => next() % LARGE_LOG);
  const sizes1 = Array.from({ length: 1024 }, () => 1 + (next() % (LARGE_LOG - 1)));
  const root = store.root();
  const inclusion = indices.map((i) => ({ index: i, leaf: store.leafHash(i), proof: store.inclusionProof(i) }));
  const consistency = sizes1.map((m) => ({ m, root1: store.root(m), proof: store.consistencyProof(m) }));
  let k = 0;
  const [generate, verify] = alternate([
    ['FileLogStore inclusionProof, 10^6, node:crypto', () => store.inclusionProof(indices[k++ % 1024]!)],
    [
      'verifyInclusion, 10^6, node:crypto',
      () => {
        const c = inclusion[k++ % 1024]!;
        verifyInclusion(hasher, c.index, LARGE_LOG, c.leaf, c.proof, root);
      },
    ],
  ]);
  report(generate!, verify!);
  const [generate2, verify2] = alternate([
    ['FileLogStore consistencyProof m→10^6, node:crypto', () => store.consistencyProof(sizes1[k++ % 1024]!)],
    [
      'verifyConsistency m→10^6, node:crypto',
      () => {
        const c = consistency[k++ % 1024]!;
        verifyConsistency(hasher, c.m, LARGE_LOG, c.proof, c.root1, root);
      },
    ],
  ]);
  report(generate2!, verify2!);
  const [rootAt, rootNow] = alternate([
    ['FileLogStore root(m), earlier size, node:crypto', () => store.root(sizes1[k++ % 1024]!)],
    ['FileLogStore root(), current size, node:crypto', () => store.root()],
  ]);
  report(rootAt!, rootNow!);
  store.close();
}

function benchMemoryStoreFootprint(hasher: MerkleHasher, gc: () => void): void {
  const before = retainedBytes(gc);
  const store: LogStore = new MemoryLogStore(hasher);
  for (let i = 0; i < LARGE_LOG; i++) store.append(entryOf(i));
  const retained = retainedBytes(gc) - before;
  console.log(`  memory per 10^6 entries: MemoryLogStore retains ${mib(retained)} (for comparison: it keeps entries and every subtree hash)`);
  store.close();
}

export async function benchLog(): Promise<void> {
  const started = performance.now();
  console.log(`Workload log store (RFC 9162 tree over stored subtree hashes), ${ENTRY_SIZE}-byte entries`);
  const nodeHasher = createNodeMerkleHasher();
  const nobleHasher = createMerkleHasher(nobleBackend.sha256);
  benchMemoryAppend('node:crypto', nodeHasher, ENTRY_SIZE);
  benchMemoryAppend('noble', nobleHasher, ENTRY_SIZE);
  // A node hash is two SHA-256 blocks; a leaf of up to 118 bytes is two blocks too, and only longer
  // entries make the leaf hash the larger share of an append.
  benchMemoryAppend('node:crypto', nodeHasher, LONG_ENTRY_SIZE);
  benchMemoryAppend('noble', nobleHasher, LONG_ENTRY_SIZE);

  const entry = entryOf(0);
  const [leaf] = alternate([[`node:crypto hashLeaf, ${ENTRY_SIZE} B`, () => nodeHasher.hashLeaf(entry)]]);
  const gc = collector();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hemkit-bench-log-'));
  try {
    benchDurableAppend(path.join(dir, 'durable'), nodeHasher, leaf!);
    benchLargeLog(path.join(dir, 'large'), nodeHasher, gc);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  benchMemoryStoreFootprint(nodeHasher, gc);
  console.log(`  (whole log bench: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchLog();
