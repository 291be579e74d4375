/**
 * What the tests of `hemkit serve` as processes share (faults.test.ts, restart.test.ts,
 * rate-limit.test.ts): the service started as the command line starts it, an HTTP client with a
 * bounded wait, the check that every error answer is a typed problem, and chips of the verifier's
 * fixture with what the service acknowledged for each.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { toHex } from '@hemkit/wire/bytes';
import { provisionedChip, T0, type Openings } from '../../verifier/test/support/fixture.js';

const BIN = resolve(import.meta.dirname, '../../cli/bin/hemkit.js');
export const TOKEN = 'fault-test-token-0123456789';

export interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  readonly log: () => string;
  /** The pids of the forked workers. */
  workers(): number[];
  stop(): Promise<number | null>;
}

export interface ServeOptions {
  readonly trustFile: string;
  readonly database: string;
  readonly workers: number;
  /** Requests per client per 10 s (0, the default here: no limit). */
  readonly rateLimit?: number;
}

/** `hemkit serve` on a free port; resolves when every worker listens. */
export async function serve(o: ServeOptions): Promise<Server> {
  const args = [BIN, 'serve', '--trust', o.trustFile, '--database', o.database, '--port', '0', '--workers', String(o.workers), '--rate-limit', String(o.rateLimit ?? 0)];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HEMKIT_TIME: String(T0 + 10), HEMKIT_SERVICE_TOKENS: TOKEN },
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((ready, fail) => {
    const poll = setInterval(() => {
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(err);
      if (m) {
        clearInterval(poll);
        ready(m[1]!);
      }
    }, 20);
    child.once('exit', () => {
      clearInterval(poll);
      fail(new Error(`serve exited: ${err}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    child,
    log: () => err,
    workers: () =>
      spawnSync('ps', ['--ppid', String(child.pid), '-o', 'pid='], { encoding: 'utf8' })
        .stdout.split('\n')
        .map((s) => Number(s.trim()))
        .filter((n) => n > 0),
    stop: () =>
      new Promise((done) => {
        child.once('exit', (code) => done(code));
        child.kill('SIGTERM');
      }),
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/**
 * Requests with the read token, kept-alive connections (or a new one each, `fresh`), and a bound:
 * no answer in 10 s fails the request with ETIMEDOUT, so a hang is counted, never waited out.
 */
export function client(base: string, options: { fresh?: boolean } = {}) {
  const agent = new Agent({ keepAlive: options.fresh !== true, maxSockets: 16 });
  const url = new URL(base);
  return (method: string, path: string, body?: Uint8Array | string, type?: string): Promise<Reply> =>
    new Promise((done, fail) => {
      const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
      if (type) headers['content-type'] = type;
      const req = request({ agent, host: url.hostname, port: url.port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', fail);
      });
      req.on('error', fail);
      req.setTimeout(10_000, () => req.destroy(Object.assign(new Error('no answer in 10 s'), { code: 'ETIMEDOUT' })));
      req.end(body);
    });
}

/**
 * What every answer in these tests must be: a success, or a typed 503 VERIFIER_STORE_FAILED with
 * Retry-After and nothing of the cause in its detail; `alsoAllowed` names other problems a test
 * expects (status and code).
 */
export function tally(replies: readonly Reply[], transport: number, alsoAllowed: readonly { status: number; code: string }[] = []) {
  const statuses: Record<string, number> = {};
  const codes: Record<string, number> = {};
  for (const r of replies) {
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.status >= 300) {
      expect(r.headers['content-type']).toBe('application/problem+json');
      const problem = JSON.parse(r.body.toString()) as { code: string; detail: string };
      codes[problem.code] = (codes[problem.code] ?? 0) + 1;
      expect(problem.detail).not.toMatch(/terminat|ECONN|postgres|\bat /i);
      if (alsoAllowed.some((a) => a.status === r.status && a.code === problem.code)) continue;
      expect({ status: r.status, code: problem.code }).toEqual({ status: 503, code: 'VERIFIER_STORE_FAILED' });
      expect(r.headers['retry-after']).toMatch(/^[0-9]+$/);
    }
  }
  return { statuses, codes, transport };
}

export interface SimChip {
  readonly ueid: Uint8Array;
  readonly chip: ReturnType<typeof provisionedChip>['chip'];
  readonly licence: Uint8Array;
  readonly openings: Openings;
  runs: number;
  /** The total operations reported by the last bundle the service acknowledged as affirming. */
  acknowledged?: { totalOps: bigint };
}

export function chipNamed(name: string): SimChip {
  const p = provisionedChip(name);
  return { ueid: p.ueid, chip: p.chip, licence: p.licenceBytes, openings: new Map(), runs: 0 };
}

/** The operations of one fault-test workload run. */
export const OPS = 10n ** 15n;

/** Every acknowledged result is in the store: the chip's remembered counters are at least the acknowledged ones. */
export async function expectNothingLost(s: Server, chips: readonly SimChip[]): Promise<number> {
  const http = client(s.url);
  let checked = 0;
  for (const c of chips) {
    if (c.acknowledged === undefined) continue;
    const r = await http('GET', `/v1/chips/${toHex(c.ueid)}`);
    expect(r.status).toBe(200);
    const state = JSON.parse(r.body.toString()) as { totalOps: string };
    expect(BigInt(state.totalOps)).toBeGreaterThanOrEqual(c.acknowledged.totalOps);
    checked++;
  }
  return checked;
}
