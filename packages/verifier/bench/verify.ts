/**
 * The verifier against the issue's goals, from one run (packages/wire/bench/harness.ts):
 *
 * - bundles verified per second per core, as the share of time spent in signatures: bundles/s × S over
 *   the bare rate of the same backend verifying the same S signatures, measured in the same run, where S
 *   is the number of signature verifications one appraisal makes (counted, not assumed). Goal with
 *   noble: 0.8 or better, i.e. everything but the signatures costs less than a quarter of them;
 * - the absolute rate with node:crypto, and one line with the SQLite store as a ratio to the memory one;
 * - scaling over worker threads (1 and 2, node:crypto);
 * - heap over 10^5 bundles from a fixed fleet: flat, since the store and the chain cache grow with chips.
 *
 * Run alone with `npx tsx packages/verifier/bench/verify.ts`. About 70 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { decode } from '@hemkit/wire/cbor';
import { toHex } from '@hemkit/wire/bytes';
import { decodeSign, decodeSign1 } from '@hemkit/wire/cose';
import { nobleBackend, type CryptoBackend, type SignatureScheme } from '@hemkit/wire/crypto';
import { getBackend } from '@hemkit/wire/crypto/node';
import { evidenceBundle } from '@hemkit/wire/messages';
import { formatRate, measure, report, type Measurement } from '../../wire/bench/harness.js';
import { appraise } from '../src/appraise.js';
import type { AppraisalInputs, VerifiedChain } from '../src/checks/context.js';
import { MemoryVerifierStore, type VerifierStore } from '../src/store/index.js';
import { SqliteVerifierStore } from '../src/store/sqlite.js';
import { countingBackend, fleet, licensedChip, THROUGHPUT_POLICY, verifierInputs, type ChipEvidence } from './fixture.js';
import type { RunResult, WorkerData } from './worker.js';

const GOAL_RATIO = 0.8;
const FLEET = 50;
const WORKLOADS = 3;
/** The machine is shared: candidates are measured in alternation and the best round of each is kept. */
const ROUNDS = 5;
const SECONDS_PER_ROUND = 0.3;
/** Workloads of the long bundle: two entries each, plus the licence's, about 1,000 entries. */
const LONG_WORKLOADS = 499;
/** Rounds of the per-entry section: its two forms are compared round by round too, so a few more. */
const PER_ENTRY_ROUNDS = 9;

const WORKER_ROUNDS = 3;
const WORKER_SECONDS = 1;
const MEMORY_BUNDLES = 100_000;
const MEMORY_SAMPLE_EVERY = 10_000;
/**
 * Appraisals before the first sample: V8's compiled code and type feedback (which heapUsed counts) still
 * grow by about 0.3 MiB over the first 10^4, then by a few KiB per 10^4, up or down (measured by heap space).
 */
const MEMORY_WARM_UP = 5_000;
/** Heap growth over the whole memory run below which it counts as flat: 8 bytes a bundle. */
const FLAT_BYTES_PER_BUNDLE = 8;

/**
 * A bundle with nothing disclosed covers no log growth, so it affirms only against a memory that
 * already holds its head (counters-vs-log is then not applicable): the runs prime the store with the
 * full bundle of each chip first; see report text.
 */
const BARE_POLICY = THROUGHPUT_POLICY;

function best(measurements: readonly Measurement[]): Measurement {
  return measurements.reduce((a, b) => (b.opsPerSecond > a.opsPerSecond ? b : a));
}

/** Measures each candidate in alternation, ROUNDS times, and keeps the best round of each. */
function alternate(candidates: readonly (readonly [string, () => unknown])[], seconds = SECONDS_PER_ROUND, rounds = ROUNDS): Measurement[] {
  const results = candidates.map(() => [] as Measurement[]);
  for (let round = 0; round < rounds; round++) {
    candidates.forEach(([name, fn], i) => results[i]!.push(measure(name, fn, seconds)));
  }
  return results.map(best);
}

/** Appraises the bundles round-robin; throws unless each appraisal affirms (a failing bench measures nothing). */
function cycling(bundles: readonly Uint8Array[], inputs: AppraisalInputs): () => void {
  let next = 0;
  return () => {
    const a = appraise(bundles[next++ % bundles.length]!, inputs);
    if (a.status !== 'affirming') throw new Error(`a bench bundle was appraised ${a.status}: ${JSON.stringify(a.checks.filter((c) => c.status === 'fail'))}`);
  };
}

/**
 * The inputs after one appraisal of every bundle: chains cached, the store knows every chip. A bundle
 * that discloses nothing affirms only for a chip whose log the verifier already covers (the log
 * coverage rule, specs/verifier.md §5), so `first` (the full bundles) are appraised before it.
 */
function primed(
  backend: CryptoBackend,
  bundles: readonly Uint8Array[],
  over: Partial<AppraisalInputs> = {},
  store: VerifierStore = new MemoryVerifierStore(),
  first: readonly Uint8Array[] = [],
): AppraisalInputs {
  const inputs = { ...verifierInputs(backend, store), ...over };
  for (const bundle of first) cycling([bundle], inputs)();
  const run = cycling(bundles, inputs);
  for (let i = 0; i < bundles.length; i++) run();
  return inputs;
}

interface Call {
  readonly scheme: SignatureScheme;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** The signature verifications one appraisal makes, as (scheme, key, message, signature), in order. */
function signaturesOf(bundle: Uint8Array, inputs: AppraisalInputs): Call[] {
  const calls: Call[] = [];
  const backend = inputs.backend;
  const recording: CryptoBackend = {
    name: backend.name,
    sha256: (d) => backend.sha256(d),
    sha384: (d) => backend.sha384(d),
    sign: (scheme, key, message) => backend.sign(scheme, key, message),
    publicKey: (scheme, key) => backend.publicKey(scheme, key),
    verify(scheme, publicKey, message, signature) {
      calls.push({ scheme, publicKey: publicKey.slice(), message: message.slice(), signature: signature.slice() });
      return backend.verify(scheme, publicKey, message, signature);
    },
  };
  appraise(bundle, { ...inputs, backend: recording });
  return calls;
}

/** The same verifications, bare: the backend alone, round-robin over the calls. */
function bareVerify(backend: CryptoBackend, calls: readonly Call[]): () => void {
  let next = 0;
  return () => {
    const c = calls[next++ % calls.length]!;
    if (!backend.verify(c.scheme, c.publicKey, c.message, c.signature)) throw new Error('a recorded signature no longer verifies');
  };
}

/** What a bundle carries that needs a signature checked, from its own encoding. */
function describe(bundle: Uint8Array): { text: string; expected: number } {
  const b = evidenceBundle.parse(decode(bundle), 'evidence-bundle');
  const checkpoints = b.checkpoints?.length ?? 0;
  // Receipts against one head carry one signature between them (specs/messages/receipts.md §4); a
  // bundle with a frontier carries none (verifier.md §2).
  const withReceipts = (b.entries ?? []).flatMap((d) => (d.receipt === undefined ? [] : [d.receipt]));
  const receipts = new Set(withReceipts.map((r) => toHex(decodeSign1(r).signature))).size;
  const consistency = b.consistencyReceipts?.length ?? 0;
  const licence = (b.licences ?? []).reduce((n, l) => n + decodeSign(l).signatures.length, 0);
  const proofs = b.frontier !== undefined ? `inclusion 0 (${b.entries?.length ?? 0} entries proven by a frontier of ${b.frontier.length} hashes)` : `inclusion receipts ${receipts} (${withReceipts.length} receipts, one head)`;
  const parts = [`report 1`, `checkpoint ${checkpoints}`, proofs, ...(consistency ? [`consistency receipts ${consistency}`] : [])];
  // The licence's signatures are checked at a chip's first appraisal and then cached (licenceCache).
  return { text: `${parts.join(' + ')} (+ licence ${licence}, first appraisal only)`, expected: 1 + checkpoints + receipts + consistency };
}

/** Counts the verify calls of one appraisal, on a chip whose chain is cached or not. */
function countSignatures(bundle: Uint8Array, policy: AppraisalInputs['policy'], before?: Uint8Array): { first: number; again: number } {
  const counting = countingBackend(nobleBackend);
  const inputs: AppraisalInputs = { ...verifierInputs(counting.backend, new MemoryVerifierStore()), policy };
  if (before !== undefined) {
    appraise(before, inputs);
    counting.reset();
  }
  appraise(bundle, inputs);
  const first = counting.calls;
  counting.reset();
  const a = appraise(bundle, inputs);
  if (a.status !== 'affirming') throw new Error(`the bench bundle was appraised ${a.status}: ${a.checks.filter((c) => c.status === 'fail').map((c) => `${c.id} ${c.code}: ${c.message}`).join('; ')}`);
  return { first, again: counting.calls };
}

function line(name: string, value: string): void {
  console.log(`  ${name.padEnd(46)} ${value}`);
}

function baselineLine(m: Measurement, note = ''): void {
  console.log(`  ${m.name.padEnd(46)} ${formatRate(m.opsPerSecond).padStart(10)}${note}`);
}

/** Bundles/s, and the signatures checked per second inside them as a ratio to the bare rate. */
function reportShare(bundles: Measurement, signatures: number, bare: Measurement, goal?: number): void {
  baselineLine(bundles, `   bundles, ${signatures} signatures each`);
  report({ name: `  in signatures: ${signatures} × bundles/s`, opsPerSecond: bundles.opsPerSecond * signatures }, bare, goal);
}

function benchThroughput(chips: readonly ChipEvidence[], S: { full: number; bare: number; uncached: number }): Measurement {
  const full = chips.map((c) => c.full);
  const bare = chips.map((c) => c.bare);
  let nodeFull: Measurement | undefined;
  for (const backend of [nobleBackend, getBackend('node')]) {
    const name = backend.name;
    const inputs = primed(backend, full);
    const bareInputs = primed(backend, bare, { policy: BARE_POLICY }, new MemoryVerifierStore(), full);
    const calls = signaturesOf(full[0]!, inputs);
    const candidates: [string, () => unknown][] = [
      [`${name} ed25519 verify, bare (a bundle's ${calls.length})`, bareVerify(backend, calls)],
      [`${name} appraise, ${chips[0]!.disclosed} entries disclosed`, cycling(full, inputs)],
      [`${name} appraise, nothing disclosed`, cycling(bare, bareInputs)],
    ];
    // One line for the chain cache's worth, with noble only (its signatures are the costly ones).
    if (backend === nobleBackend) candidates.push([`${name} appraise, ${chips[0]!.disclosed} disclosed, no chain cache`, cycling(full, withoutChainCache(inputs))]);
    const [baseline, withEntries, without, uncached] = alternate(candidates);
    console.log(`\n  ${name === 'noble' ? 'noble (@noble/curves, pure JavaScript)' : 'node:crypto'}, MemoryVerifierStore, best of ${ROUNDS} alternating rounds`);
    baselineLine(baseline!, '   verifications (the baseline)');
    reportShare(withEntries!, S.full, baseline!, backend === nobleBackend ? GOAL_RATIO : undefined);
    reportShare(without!, S.bare, baseline!);
    if (uncached !== undefined) reportShare(uncached, S.uncached, baseline!);
    if (backend !== nobleBackend) nodeFull = withEntries;
  }
  return nodeFull!;
}

function benchSqlite(chips: readonly ChipEvidence[], memoryRate: Measurement): void {
  const dir = mkdtempSync(join(tmpdir(), 'hemkit-bench-verify-'));
  const full = chips.map((c) => c.full);
  const node = getBackend('node');
  const sqlite = SqliteVerifierStore.open(join(dir, 'verifier.db'));
  try {
    const onSqlite = primed(node, full, {}, sqlite);
    const onMemory = primed(node, full);
    const [memory, disk] = alternate(
      [
        [`node appraise, MemoryVerifierStore`, cycling(full, onMemory)],
        [`node appraise, SqliteVerifierStore (temp file)`, cycling(full, onSqlite)],
      ],
      0.5,
      2,
    );
    console.log(`\n  store: the same bundles with node:crypto, each appraisal one SQLite transaction (WAL, synchronous FULL)`);
    report(memory!, memory!);
    report(disk!, memory!);
    line('', `(memory-store rate in the section above: ${formatRate(memoryRate.opsPerSecond)})`);
  } finally {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

class Pool {
  private constructor(private readonly workers: Worker[]) {}

  static async start(size: number, bundles: readonly Uint8Array[]): Promise<Pool> {
    // tsx compiles the worker's TypeScript. On Node 20, hooks that `--import tsx` registers do not reach
    // a worker's entry point (ERR_UNKNOWN_FILE_EXTENSION), so a small script registers tsx first and then
    // imports worker.ts. Both are resolved here, so the bench runs from any directory.
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./worker.ts', import.meta.url).href;
    const script = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    const workers = Array.from({ length: size }, () => new Worker(script, { eval: true, execArgv: [], workerData: { bundles } satisfies WorkerData }));
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    })));
    return new Pool(workers);
  }

  /** Runs the first `count` workers together for `seconds`; returns their summed bundles per second. */
  async run(count: number, seconds: number): Promise<number> {
    const results = await Promise.all(
      this.workers.slice(0, count).map(
        (w) =>
          new Promise<RunResult>((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
            w.postMessage({ seconds });
          }),
      ),
    );
    return results.reduce((sum, r) => sum + (r.count * 1000) / r.milliseconds, 0);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

async function benchWorkers(chips: readonly ChipEvidence[]): Promise<void> {
  const [load] = loadavg();
  const started = performance.now();
  const pool = await Pool.start(2, chips.map((c) => c.full));
  try {
    const startup = performance.now() - started;
    await pool.run(2, 0.3); // warm-up: JIT in both workers
    const one: number[] = [];
    const two: number[] = [];
    for (let round = 0; round < WORKER_ROUNDS; round++) {
      one.push(await pool.run(1, WORKER_SECONDS));
      two.push(await pool.run(2, WORKER_SECONDS));
    }
    const m1: Measurement = { name: 'node appraise, 1 worker thread', opsPerSecond: Math.max(...one) };
    const m2: Measurement = { name: 'node appraise, 2 worker threads', opsPerSecond: Math.max(...two) };
    console.log(
      `\n  worker threads (node:worker_threads, each its own MemoryVerifierStore), ${chips[0]!.disclosed} entries disclosed, best of ${WORKER_ROUNDS}; ` +
        `started in ${startup.toFixed(0)} ms`,
    );
    report(m1, m1);
    report(m2, m1);
    line('scaling, 2 workers over 1', `${(m2.opsPerSecond / m1.opsPerSecond).toFixed(2)} (ideal 2.00 on this machine's ${availableParallelism()} cores)`);
    line('', `1-min load average ${load!.toFixed(2)} before this section, this bench counting for about 1: other processes share the cores`);
  } finally {
    await pool.stop();
  }
}

/** A full garbage collection: V8 accepts --expose-gc at run time, and a new context then has gc(). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function benchMemory(chips: readonly ChipEvidence[]): void {
  const gc = collector();
  const chainCache = new Map<string, VerifiedChain>();
  // Mostly bundles with nothing disclosed (4 signatures) so that 10^5 fit the bench's time; one in ten
  // discloses all entries, so the inclusion and openings paths run too.
  const bundles = Array.from({ length: chips.length * 10 }, (_, i) => (i < chips.length ? chips[i]!.full : chips[i % chips.length]!.bare));
  const inputs = primed(getBackend('node'), bundles, { policy: BARE_POLICY, chainCache });
  const run = cycling(bundles, inputs);
  for (let i = 0; i < MEMORY_WARM_UP; i++) run();
  const heap = (): number => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const samples = [heap()];
  const started = performance.now();
  for (let done = 0; done < MEMORY_BUNDLES; ) {
    for (let i = 0; i < MEMORY_SAMPLE_EVERY; i++) run();
    done += MEMORY_SAMPLE_EVERY;
    samples.push(heap());
  }
  const seconds = (performance.now() - started) / 1000;
  const growth = samples.at(-1)! - samples[0]!;
  const mib = (b: number) => (b / 2 ** 20).toFixed(2);
  console.log(
    `\n  memory: ${MEMORY_BUNDLES} appraisals with node:crypto over ${chips.length} chips (1 in 10 with entries disclosed), ` +
      `heapUsed after gc every ${MEMORY_SAMPLE_EVERY} (after ${MEMORY_WARM_UP} to warm up), in MiB (${seconds.toFixed(0)} s, ${formatRate(MEMORY_BUNDLES / seconds)})`,
  );
  line('', samples.map(mib).join(' '));
  const flat = growth <= FLAT_BYTES_PER_BUNDLE * MEMORY_BUNDLES;
  line(
    'growth, first to last sample',
    `${growth >= 0 ? '+' : ''}${(growth / 1024).toFixed(0)} KiB (${(growth / MEMORY_BUNDLES).toFixed(2)} B per bundle)  ${flat ? 'flat' : 'GROWS'}`,
  );
  line('chain cache entries', `${chainCache.size} (one per chip: ${chips.length} chips; it is keyed by the certificates' hash)`);
}

export async function benchVerifier(): Promise<void> {
  const started = performance.now();
  console.log('verifier: appraisals of real evidence, signatures as the baseline of the same backend in the same run');
  const chips = fleet(FLEET, WORKLOADS);
  const sample = chips[0]!;
  const withEntries = describe(sample.full);
  const without = describe(sample.bare);
  const full = countSignatures(sample.full, THROUGHPUT_POLICY);
  const bare = countSignatures(sample.bare, BARE_POLICY, sample.full);
  const S = { full: full.again, bare: bare.again, uncached: full.first };
  line('fleet', `${FLEET} licensed chips, ${WORKLOADS} workloads each, built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  line(
    'bundle',
    `a report and its log head, ${sample.disclosed} log entries disclosed, proven by a frontier (verifier.md §2; ${2 * WORKLOADS} with openings), ` +
      `a 2-of-3 licence; ${sample.full.length} bytes`,
  );
  line('signatures checked per bundle (S, counted)', `${S.full} = ${withEntries.text}${withEntries.expected === S.full ? '' : ' (MISMATCH)'}`);
  line('  first appraisal of a chip', `${full.first}: + 2 for the certificate chain and + 2 for the licence, then cached and not verified again`);
  line('  nothing disclosed', `${S.bare} = ${without.text}${without.expected === S.bare ? '' : ' (MISMATCH)'}; ${sample.bare.length} bytes`);
  line('policy', 'the default, but requireNonce off: a nonce is single-use, and the runs re-appraise the same bundles');
  line('', 'nothing disclosed: appraised against a memory that already holds the head (counters-vs-log not applicable)');
  line('ratio', `(bundles/s × S) / (bare verifications/s of the bundle's own ${S.full} signatures): the share of time in signatures`);

  const nodeRate = benchThroughput(chips, S);
  benchPerEntry(sample);
  benchSqlite(chips, nodeRate);
  await benchWorkers(chips);
  benchMemory(chips);
  console.log(`  (whole verifier bench: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchVerifier();

/**
 * The cost of one more disclosed entry (issue 12's goal: hashes, not a signature). A bundle with about
 * 1,000 entries against the fleet's short one, node:crypto, the chain and licence cached, in both
 * forms of verifier.md §2: the entries proven by a frontier (the default) and each by its inclusion
 * receipt (the form before). The baseline is what the same bundle would cost if every entry paid one
 * signature, as it did before receipts of one head were verified once: the receipts bundle's time plus
 * one bare verification per entry, all measured in this run.
 */
function benchPerEntry(short: ChipEvidence): void {
  const backend = getBackend('node');
  // small workloads, so that 499 of them fit the licence's quota
  const long = licensedChip('bench long chip', LONG_WORKLOADS, () => 10n ** 20n);
  const longReceipts = licensedChip('bench long chip', LONG_WORKLOADS, () => 10n ** 20n, 'receipts');
  const shortReceipts = licensedChip(short.name, WORKLOADS, undefined, 'receipts');
  const longInputs = primed(backend, [long.full]);
  const longReceiptsInputs = primed(backend, [longReceipts.full]);
  const shortInputs = primed(backend, [short.full]);
  const shortReceiptsInputs = primed(backend, [shortReceipts.full]);
  const calls = signaturesOf(short.full, shortInputs);
  const candidates: (readonly [string, () => unknown])[] = [
    ['node ed25519 verify, bare', bareVerify(backend, calls)],
    [`node appraise, ${short.disclosed} entries, frontier`, cycling([short.full], shortInputs)],
    [`node appraise, ${long.disclosed} entries, frontier`, cycling([long.full], longInputs)],
    [`node appraise, ${short.disclosed} entries, receipts`, cycling([shortReceipts.full], shortReceiptsInputs)],
    [`node appraise, ${long.disclosed} entries, receipts`, cycling([longReceipts.full], longReceiptsInputs)],
  ];
  // As alternate(), keeping every round: on a shared machine the two forms' ratio within a round is
  // steadier than the ratio of their best rounds.
  const rounds = candidates.map(() => [] as Measurement[]);
  for (let round = 0; round < PER_ENTRY_ROUNDS; round++) candidates.forEach(([name, fn], i) => rounds[i]!.push(measure(name, fn, SECONDS_PER_ROUND)));
  const [bare, shortRate, longRate, shortReceiptsRate, longReceiptsRate] = rounds.map(best);
  const perRound = rounds[2]!.map((m, i) => m.opsPerSecond / rounds[4]![i]!.opsPerSecond).sort((a, b) => a - b);
  const signature = 1 / bare!.opsPerSecond;
  const perEntry = (longR: Measurement, shortR: Measurement) => (1 / longR.opsPerSecond - 1 / shortR.opsPerSecond) / (long.disclosed - short.disclosed);
  const oneSignatureEach = 1 / (1 / longReceiptsRate!.opsPerSecond + (long.disclosed - 1) * signature);
  console.log(`\n  per disclosed entry: node:crypto, chain and licence cached, best of ${PER_ENTRY_ROUNDS} alternating rounds; ${long.full.length} bytes with a frontier, ${longReceipts.full.length} with receipts`);
  baselineLine(bare!, '   verifications');
  for (const m of [shortRate!, longRate!, shortReceiptsRate!, longReceiptsRate!]) baselineLine(m, '   bundles');
  for (const [form, longR, shortR] of [['frontier', longRate!, shortRate!], ['receipts', longReceiptsRate!, shortReceiptsRate!]] as const) {
    const e = perEntry(longR, shortR);
    line(`one more entry costs (${form})`, `${(e * 1e6).toFixed(1)} µs = ${(e / signature).toFixed(3)} bare signature verifications (goal: hashes, well under 1)`);
  }
  const modelled = { name: `  the same with one signature per entry (modelled)`, opsPerSecond: oneSignatureEach };
  report({ name: `  ${long.disclosed} entries, receipts (one signature)`, opsPerSecond: longReceiptsRate!.opsPerSecond }, modelled, 20);
  report({ name: `  ${long.disclosed} entries, frontier`, opsPerSecond: longRate!.opsPerSecond }, modelled, 20);
  line(
    `frontier over receipts, ${long.disclosed} entries`,
    `${(longRate!.opsPerSecond / longReceiptsRate!.opsPerSecond).toFixed(2)} (best rounds); per round: median ${perRound[Math.floor(perRound.length / 2)]!.toFixed(2)}, from ${perRound[0]!.toFixed(2)} to ${perRound.at(-1)!.toFixed(2)}`,
  );
}

/** The inputs without a chain cache (omitted, not undefined: exactOptionalPropertyTypes). */
function withoutChainCache<T extends { chainCache?: unknown }>(inputs: T): Omit<T, 'chainCache'> {
  const { chainCache: _omitted, ...rest } = inputs;
  return rest;
}
