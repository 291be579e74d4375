/**
 * `npm run load`: the verification service under load on loopback (a benchmark, not a test). A fleet
 * of simulated chips (the verifier tests' one fixture) runs work and answers fresh challenges
 * through the real HTTP API of `hemkit serve` (over loopback, with a lean HTTP/1.1 client: see
 * `client`): a round is POST /v1/challenges for the chip, the chip
 * runs one workload and builds its evidence against the tree size the verifier remembers (two new
 * entries disclosed and opened), and POST /v1/challenges/{nonce}/evidence. Every chip's first round
 * (its whole log) and a warm-up run live, unmeasured. The measured rounds' chip work is done ahead:
 * each chip's next bundles are built, in order, for challenges issued before the timed phase, so
 * that the simulated chips' signatures (made by real chips on their own silicon) do not take the
 * cores the service is measured on; each measured round still issues a challenge for its chip (left
 * unanswered), so the service does a live round's work. Measured per configuration (SQLite and
 * PostgreSQL, 1 and 2 workers) with concurrent clients: appraisals/s, p50/p99 latency of the evidence
 * request, errors (any answer but 200 affirming), and appraisals per worker CPU-second; beside the
 * library's bare appraisal rate of bundles of the same shape, measured in the same run.
 *
 *   npm run load                     every configuration, 10 s each
 *   npm run load -- --seconds 5 --concurrency 16 --chips 128 --only sqlite --workers 1
 *   npm run load -- --only postgres --workers 1 --profile /tmp/prof    workers write .cpuprofile files there
 *
 * Bounded: each configuration runs at most --seconds after its warm-up and at most --max rounds (the
 * bundles built ahead, default 16,000, besides --warm-rounds more, default 2,000, answered unmeasured
 * before the timed phase).
 * PostgreSQL is the server on 127.0.0.1:5432 (HEMKIT_POSTGRES_URL), in a fresh database dropped after.
 * The workers reach a local server through its Unix socket (/var/run/postgresql, or --pg-socket DIR)
 * when that socket exists, as a deployment with the database on the same machine should: over TCP
 * loopback every statement also pays the kernel's IP path on the worker's core. `--pg-socket tcp`
 * keeps TCP, to compare.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Pool } from 'undici';
import { toHex } from '@hemkit/wire/bytes';
import { appraise } from '../packages/verifier/src/appraise.js';
import { MemoryVerifierStore } from '../packages/verifier/src/store/index.js';
import { collectEvidence } from '../packages/module/src/evidence.js';
import { provisionedChip, runOn, T0, trustFileJson, verifierInputs, type Openings } from '../packages/verifier/test/support/fixture.js';

const ROOT = new URL('..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    'warm-rounds': { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    chips: { type: 'string', default: '256' },
    max: { type: 'string', default: '16000' },
    profile: { type: 'string' },
    only: { type: 'string', multiple: true },
    workers: { type: 'string', multiple: true },
    'pg-socket': { type: 'string', default: '/var/run/postgresql' },
  },
});
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
/**
 * Rounds of bundles built ahead answered after the live warm-up and before the timed phase: a
 * worker's JIT is still compiling its hot paths after a 2 s warm-up on a busy machine (a V8 code log
 * showed first optimisations of the appraisal and the HTTP path well into the timed phase), and the
 * figures are for a worker in its steady state, as the library's are.
 */
const WARM_ROUNDS = Number(args['warm-rounds']);
const CONCURRENCY = Number(args.concurrency);
const CHIPS = Number(args.chips);
const MAX_ROUNDS = Number(args.max);
const STORES = (args.only ?? ['sqlite', 'postgres']) as ('sqlite' | 'postgres')[];
const WORKERS = (args.workers ?? ['1', '2']).map(Number);
const PROFILE = args.profile === undefined ? undefined : resolve(args.profile);
const PG_ADMIN = process.env.HEMKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The directory of the local server's Unix socket the workers connect through, if any (see above). */
const PG_SOCKET = pgSocket(PG_ADMIN, args['pg-socket']!);
const NOW = T0 + 10;
const OPS = 10n ** 15n;

/** The socket directory when the server is local and listens there on the URL's port; undefined for TCP. */
function pgSocket(admin: string, dir: string): string | undefined {
  if (dir === 'tcp') return undefined;
  const url = new URL(admin);
  if (url.searchParams.has('host') || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
  return existsSync(join(dir, `.s.PGSQL.${url.port || '5432'}`)) ? dir : undefined;
}

// --- the fleet ---------------------------------------------------------------------------------

interface SimChip {
  readonly name: string;
  readonly ueid: Uint8Array;
  readonly chip: ReturnType<typeof provisionedChip>['chip'];
  readonly licence: Uint8Array;
  readonly log: { readonly size: number };
  readonly openings: Openings;
  runs: number;
}

function makeFleet(count: number, label: string): SimChip[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `load ${label} chip ${i}`;
    const p = provisionedChip(name);
    return { name, ueid: p.ueid, chip: p.chip, licence: p.licenceBytes, log: p.log, openings: new Map(), runs: 0 };
  });
}

/** One round's evidence: the chip runs a workload, then answers the nonce against `knownTreeSize`. */
function freshEvidence(c: SimChip, nonce: Uint8Array, knownTreeSize: number): Uint8Array {
  runOn(c.chip, `${c.name} run ${++c.runs}`, OPS, c.openings);
  return collectEvidence(c.chip, { nonce, knownTreeSize, openings: c.openings, licences: [c.licence] });
}

// --- the bare library rate ------------------------------------------------------------------------

/**
 * appraise() alone, memory store, same bundle shape (a known chip, one new workload), only appraise
 * timed: per second of wall time, and per CPU-second (process.cpuUsage around each call), the
 * figure that a machine shared with other work does not distort.
 */
function libraryRate(seconds: number): { perSecond: number; perCpuSecond: number; count: number } {
  const fleet = makeFleet(32, 'library');
  const store = new MemoryVerifierStore();
  const inputs = verifierInputs({ store, now: NOW, licenceCache: new Set() });
  let nonceCounter = 0;
  const nonce = () => {
    const n = new Uint8Array(16);
    new DataView(n.buffer).setUint32(12, ++nonceCounter);
    return n;
  };
  // First appraisal of each chip: the whole log, to prime the memory (not timed).
  for (const c of fleet) {
    const n = nonce();
    const a = appraise(freshEvidence(c, n, 0), { ...inputs, expectedNonce: n });
    if (a.status !== 'affirming') throw new Error(`library warm-up: ${JSON.stringify(a.checks.filter((x) => x.status === 'fail'))}`);
  }
  let spent = 0;
  let cpu = 0;
  let count = 0;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    for (const c of fleet) {
      const n = nonce();
      // What the verifier remembers: the head it affirmed last time.
      const bundle = freshEvidence(c, n, c.log.size);
      const t = performance.now();
      const c0 = process.cpuUsage();
      const a = appraise(bundle, { ...inputs, expectedNonce: n });
      const c1 = process.cpuUsage(c0);
      spent += performance.now() - t;
      cpu += (c1.user + c1.system) / 1000;
      if (a.status !== 'affirming') throw new Error(`library: ${JSON.stringify(a.checks.filter((x) => x.status === 'fail'))}`);
      count++;
    }
  }
  return { perSecond: count / (spent / 1000), perCpuSecond: count / (cpu / 1000), count };
}

// --- the service under load -----------------------------------------------------------------------

interface ConfigResult {
  readonly store: string;
  readonly workers: number;
  readonly appraisals: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  readonly workerCpu: number;
  readonly postgresCpu: number;
  readonly generatorCpu: number;
  /** Bundles built ahead, and the time that took (not measured). */
  readonly prepared: number;
  readonly prepSeconds: number;
}

function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const r = spawnSync('ps', ['--ppid', String(pid), '-o', 'pid='], { encoding: 'utf8' });
  return r.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}

/**
 * The server processes of this run's database (its backends), not the whole server's: the server is
 * shared with other work on these machines. The WAL writer and checkpointer are not counted.
 */
async function postgresPids(database: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return (await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [new URL(database).pathname.slice(1)])).rows.map((r) => r.pid);
  } finally {
    await c.end();
  }
}

const sumCpu = (pids: readonly number[]) => pids.reduce((s, p) => s + cpuSecondsOf(p), 0);

async function startServer(dir: string, workers: number, database: string | undefined): Promise<{ child: ChildProcess; url: string; workerPids: number[] }> {
  const argv = ['packages/cli/bin/hemkit.js', 'serve', '--trust', join(dir, 'trust.json'), '--port', '0', '--workers', String(workers), '--rate-limit', '0'];
  if (database) argv.push('--database', database);
  else argv.push('--store', join(dir, `load-${workers}.sqlite`));
  // Forked workers inherit these node options (cluster's default execArgv).
  const child = spawn(process.execPath, [...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []), ...argv], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HEMKIT_TIME: String(NOW), HEMKIT_DATABASE_URL: '' } });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`hemkit serve exited (${code}): ${err}`)));
  });
  child.removeAllListeners('exit');
  return { child, url, workerPids: workers === 1 ? [child.pid!] : childrenOf(child.pid!) };
}

async function stopServer(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * The load generator's HTTP/1.1 client: undici's Pool, keep-alive connections over loopback, at most
 * `sockets`, one request in flight on each. The service parses and answers the same requests as from
 * node:http, through its real API; undici costs the shared cores about half of node:http's CPU per
 * round (its request and response objects, streams and agent bookkeeping), which the figures of the
 * service should not carry.
 */
function client(base: string, sockets: number) {
  const pool = new Pool(base, { connections: sockets, pipelining: 1 });
  const send = async (method: 'POST' | 'GET', path: string, body: Uint8Array | string | undefined, type?: string): Promise<{ status: number; body: Buffer }> => {
    const r = await pool.request({ method, path, body: body === undefined ? null : typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength), headers: type ? { 'content-type': type } : {} });
    return { status: r.statusCode, body: Buffer.from(await r.body.arrayBuffer()) };
  };
  return Object.assign(send, { close: () => pool.destroy() });
}

/** A bundle built ahead for a challenge issued ahead: the chip's work done before the timed phase. */
interface Prepared {
  readonly nonce: string;
  readonly bundle: Uint8Array;
}

async function runConfig(dir: string, storeName: 'sqlite' | 'postgres', workers: number, database: string | undefined): Promise<ConfigResult> {
  const { child, url, workerPids } = await startServer(dir, workers, database);
  const http = client(url, CONCURRENCY);
  const fleet = makeFleet(CHIPS, `${storeName} ${workers}`);
  const errorKinds: Record<string, number> = {};
  const latencies: number[] = [];
  let rounds = 0;
  let errors = 0;

  const challenge = async (c: SimChip): Promise<{ nonce: string; knownTreeSize: number }> => {
    const ch = await http('POST', '/v1/challenges', JSON.stringify({ ueid: toHex(c.ueid) }), 'application/json');
    if (ch.status !== 201) throw new Error(`challenge: ${ch.status} ${ch.body.toString().slice(0, 200)}`);
    return JSON.parse(ch.body.toString()) as { nonce: string; knownTreeSize: number };
  };
  /** Submits evidence; undefined when affirmed, else what went wrong. */
  const submit = async (nonce: string, bundle: Uint8Array): Promise<{ kind: string | undefined; ms: number }> => {
    const t = performance.now();
    const r = await http('POST', `/v1/challenges/${nonce}/evidence`, bundle, 'application/cbor');
    const ms = performance.now() - t;
    if (r.status !== 200) return { kind: `${r.status} ${(JSON.parse(r.body.toString()) as { code?: string }).code ?? ''}`, ms };
    // The result of one bundle has one submodule: affirmed when its one status says so (the service
    // writes compact JSON). Only a result that is not is parsed in full, to name what failed.
    const text = r.body.toString();
    const at = text.indexOf('"ear_status":');
    if (at >= 0 && at === text.lastIndexOf('"ear_status":') && text.startsWith('"ear_status":"affirming"', at)) return { kind: undefined, ms };
    const ear = JSON.parse(text) as { submods: Record<string, { 'ear_status': string; 'hemkit.checks': { status: string; code?: string }[] }> };
    const sub = Object.values(ear.submods)[0]!;
    return { kind: sub['ear_status'] === 'affirming' ? undefined : (sub['hemkit.checks'].find((x) => x.status === 'fail')?.code ?? sub['ear_status']), ms };
  };
  /** An unmeasured round built live: a challenge, the chip's work and evidence, the appraisal. */
  const liveRound = async (c: SimChip): Promise<void> => {
    const ch = await challenge(c);
    const { kind } = await submit(ch.nonce, freshEvidence(c, new Uint8Array(Buffer.from(ch.nonce, 'hex')), ch.knownTreeSize));
    if (kind) throw new Error(`warm-up round not affirmed: ${kind}`);
  };
  const ahead = new Map<SimChip, Prepared[]>();
  /**
   * A measured round: a challenge issued for the chip, as in a live round, and the chip's next bundle
   * built ahead (answering a challenge issued ahead). The challenge issued here is left unanswered:
   * the service does the same work per round as in a live round, and the chips' signatures, which
   * real chips make on their own silicon, do not take the cores the service is measured on.
   */
  const measuredRound = async (c: SimChip): Promise<boolean> => {
    const next = ahead.get(c)?.shift();
    if (next === undefined) return false;
    await challenge(c);
    const { kind, ms } = await submit(next.nonce, next.bundle);
    rounds++;
    latencies.push(ms);
    if (kind) {
      errors++;
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    }
    return true;
  };

  // Every chip once first (its whole log, a new chip to the verifier), then the warm-up, unmeasured.
  const queue = [...fleet];
  /** Rounds on the chips in turn, each chip in one round at a time, until `until`; a round that returns false drops its chip. */
  const drain = async (round: (c: SimChip) => Promise<boolean | void>, until: () => boolean) => {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (!until()) {
          const c = queue.shift();
          if (c === undefined) return;
          let keep = true;
          try {
            keep = (await round(c)) !== false;
          } finally {
            if (keep) queue.push(c);
          }
        }
      }),
    );
  };
  let primed = 0;
  await drain(liveRound, () => ++primed > CHIPS);
  const warmEnd = performance.now() + WARMUP * 1000;
  await drain(liveRound, () => performance.now() > warmEnd);

  // The measured rounds' challenges and bundles, ahead: each chip's in order, each against the tree
  // size the verifier will remember once the chip's previous bundle is affirmed.
  const perChip = Math.ceil((MAX_ROUNDS + WARM_ROUNDS) / CHIPS);
  const prepStarted = performance.now();
  let prepared = 0;
  await drain(async (c) => {
    if (ahead.has(c)) return false;
    const list: Prepared[] = [];
    ahead.set(c, list);
    for (let i = 0; i < perChip; i++) {
      const ch = await challenge(c);
      const known = c.log.size;
      if (i === 0 && ch.knownTreeSize !== known) throw new Error(`challenge names tree size ${ch.knownTreeSize}, the chip's affirmed head is ${known}`);
      list.push({ nonce: ch.nonce, bundle: freshEvidence(c, new Uint8Array(Buffer.from(ch.nonce, 'hex')), known) });
      prepared++;
    }
    return false;
  }, () => false);
  const prepSeconds = (performance.now() - prepStarted) / 1000;

  let warmed = 0;
  queue.splice(0, queue.length, ...fleet);
  await drain(async (c) => {
    const next = ahead.get(c)?.shift();
    if (next === undefined) return false;
    await challenge(c);
    const { kind } = await submit(next.nonce, next.bundle);
    if (kind) throw new Error(`warm-up round not affirmed: ${kind}`);
    return true;
  }, () => ++warmed > WARM_ROUNDS);

  const cpu0 = sumCpu(workerPids);
  const backends = database ? await postgresPids(database) : [];
  const pg0 = sumCpu(backends);
  const gen0 = process.cpuUsage();
  const started = performance.now();
  const end = started + SECONDS * 1000;
  queue.splice(0, queue.length, ...fleet);
  await drain(measuredRound, () => performance.now() > end || rounds >= MAX_ROUNDS);
  const seconds = (performance.now() - started) / 1000;
  const gen = process.cpuUsage(gen0);
  const workerCpu = sumCpu(workerPids) - cpu0;
  const postgresCpu = sumCpu(backends) - pg0;
  await stopServer(child);
  await http.close();

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { store: storeName, workers, appraisals: rounds, seconds, p50: pct(0.5), p99: pct(0.99), errors, errorKinds, workerCpu, postgresCpu, generatorCpu: (gen.user + gen.system) / 1e6, prepared, prepSeconds };
}

// --- main ---------------------------------------------------------------------------------------

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hemkit_load_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  // node-postgres takes the socket directory as the `host` parameter, in place of the URL's host.
  if (PG_SOCKET !== undefined) url.searchParams.set('host', PG_SOCKET);
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function writeTrust(dir: string): void {
  writeFileSync(join(dir, 'trust.json'), trustFileJson());
}

const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--build', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed');

console.log(`hemkit load — node ${process.version}, ${cpus()[0]?.model ?? '?'} × ${availableParallelism()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
console.log(`fleet ${CHIPS} chips, ${CONCURRENCY} concurrent clients, ${SECONDS} s per configuration after ${WARMUP} s warm-up and ${WARM_ROUNDS} warm rounds; node:crypto backend${STORES.includes('postgres') ? `; workers reach PostgreSQL ${PG_SOCKET === undefined ? 'over TCP' : `through its Unix socket in ${PG_SOCKET}`}` : ''}\n`);
const lib = libraryRate(Math.min(SECONDS, 5));
console.log(`library, bare appraise() (memory store, in process): ${lib.perSecond.toFixed(0)} appraisals/s, ${lib.perCpuSecond.toFixed(0)} per CPU-second (${lib.count} appraisals)\n`);

const dir = mkdtempSync(join(tmpdir(), 'hemkit-load-'));
writeTrust(dir);
const results: ConfigResult[] = [];
try {
  for (const store of STORES) {
    for (const workers of WORKERS) {
      const db = store === 'postgres' ? await freshDatabase() : undefined;
      try {
        const r = await runConfig(dir, store, workers, db?.url);
        results.push(r);
        console.log(line(r));
      } finally {
        await db?.drop();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function line(r: ConfigResult): string {
  const rate = r.appraisals / r.seconds;
  const perCpu = r.workerCpu > 0 ? (r.appraisals / r.workerCpu).toFixed(0) : '?';
  const kinds = Object.entries(r.errorKinds).map(([k, n]) => `${k}×${n}`).join(', ');
  const cpuRatio = r.workerCpu > 0 ? (r.appraisals / r.workerCpu / lib.perCpuSecond).toFixed(2) : '?';
  return `${r.store.padEnd(8)} ${r.workers} worker${r.workers === 1 ? ' ' : 's'}: ${rate.toFixed(0).padStart(5)} appraisals/s (${(rate / lib.perSecond).toFixed(2)} of the library's wall rate), p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}${kinds ? ` (${kinds})` : ''}; ${perCpu} appraisals per worker CPU-second (${cpuRatio} of the library's) (workers ${r.workerCpu.toFixed(1)} s, generator ${r.generatorCpu.toFixed(1)} s${r.store === 'postgres' ? `, PostgreSQL backends ${r.postgresCpu.toFixed(1)} s` : ''} of CPU; ${r.store === 'postgres' ? `${(((r.workerCpu + r.postgresCpu) / r.appraisals) * 1000).toFixed(2)} ms of worker and database CPU per appraisal; ` : ''}${r.prepared} bundles built ahead in ${r.prepSeconds.toFixed(1)} s, not measured)`;
}

for (const store of STORES) {
  const one = results.find((r) => r.store === store && r.workers === 1);
  const two = results.find((r) => r.store === store && r.workers === 2);
  if (one && two && one.workerCpu > 0 && two.workerCpu > 0) {
    const a = one.appraisals / one.workerCpu;
    const b = two.appraisals / two.workerCpu;
    console.log(`${store}: appraisals per worker CPU-second, 2 workers over 1: ${(b / a).toFixed(2)}`);
  }
}
