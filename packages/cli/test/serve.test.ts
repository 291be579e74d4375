/**
 * `hemkit serve` as an operator runs it (specs/service.md): with no database it serves from the SQLite
 * store, says where it listens in one line, takes a challenge file that `hemkit module evidence
 * --challenge` reads, affirms the bundle answering it, and stops on SIGTERM with exit 0. Unusable
 * options are refused before anything listens.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomSource } from '../src/commands/serve.js';
import { hemkit, licensedChip } from './run.js';

const cwd = mkdtempSync(join(tmpdir(), 'hemkit-serve-'));

beforeAll(async () => {
  await licensedChip(cwd);
  const r = await hemkit(['module', 'run', 'chip', '--ops', '1e21', '--workload-id', 'serve-1'], { cwd });
  expect(r.code).toBe(0);
}, 60_000);

describe('hemkit serve', () => {
  it('serves from SQLite with no database configured, appraises a bundle, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [resolve(__dirname, '../bin/hemkit.js'), 'serve', '--trust', 'trust.json', '--store', 'service.sqlite', '--port', '0'], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, HEMKIT_DATABASE_URL: '', HEMKIT_SERVICE_TOKENS: 'serve-test-token-0123456789' },
    });
    let err = '';
    await new Promise<void>((ready, fail) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('\n')) ready();
      });
      child.on('exit', () => fail(new Error(`serve exited: ${err}`)));
    });
    expect(err).toMatch(new RegExp(`^hemkit serve: listening on http://127\\.0\\.0\\.1:\\d+ \\(SQLite ${cwd}/service\\.sqlite; 1 worker, pid ${child.pid}\\); SIGTERM or SIGINT stops it\\n$`));
    const url = /http:\/\/[0-9.:]+/.exec(err)![0];

    const challenge = (await (await fetch(`${url}/v1/challenges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { nonce: string };
    writeFileSync(join(cwd, 'challenge.json'), JSON.stringify(challenge));
    const evidence = await hemkit(['module', 'evidence', 'chip', '--challenge', 'challenge.json', '--licence', 'chip.lic', '--open', 'all', '--out', 'bundle.cbor'], { cwd });
    expect(evidence.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const result = await fetch(`${url}/v1/challenges/${challenge.nonce}/evidence`, { method: 'POST', headers: { 'content-type': 'application/cbor' }, body: readFileSync(join(cwd, 'bundle.cbor')) });
    const ear = (await result.json()) as { submods: Record<string, { 'ear_status': string }> };
    expect(Object.values(ear.submods).map((s) => s['ear_status'])).toEqual(['affirming']);
    const fleet = await fetch(`${url}/v1/fleet`, { headers: { authorization: 'Bearer serve-test-token-0123456789' } });
    expect(((await fleet.json()) as { chips: { affirmed: number } }).chips.affirmed).toBe(1);

    child.removeAllListeners('exit');
    const code = await new Promise<number | null>((done) => {
      child.on('exit', (c) => done(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(existsSync(join(cwd, 'service.sqlite'))).toBe(true);
  }, 30_000);

  it('refuses unusable options before anything listens or any store is created (exit 2, one line)', async () => {
    for (const [argv, message] of [
      [['--database', 'mysql://x'], '--database takes a postgres:// URL'],
      [['--database', 'postgres://x', '--store', 'a.sqlite'], 'give --database or --store, not both'],
    ] as const) {
      const r = await hemkit(['serve', '--trust', 'trust.json', ...argv], { cwd });
      expect({ code: r.code, err: r.err }).toEqual({ code: 2, err: expect.stringContaining(message) });
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const badToken = await hemkit(['serve', '--trust', 'trust.json', '--store', 'never.sqlite'], { cwd, env: { HEMKIT_SERVICE_TOKENS: 'short' } });
    expect(badToken.code).toBe(2);
    expect(existsSync(join(cwd, 'never.sqlite'))).toBe(false);
  });
});

describe('the nonce source of hemkit serve', () => {
  it('hands out each byte of its pool once, refills it when a request does not fit, and serves a longer request directly', () => {
    const random = randomSource(64);
    const first = Array.from({ length: 4 }, () => random(16));
    // The pool is spent; the next request refills it rather than repeating or straddling.
    const next = random(16);
    const long = random(100);
    expect(first.every((n) => n.length === 16) && next.length === 16 && long.length === 100).toBe(true);
    const hex = [...first, next].map((n) => Buffer.from(n).toString('hex'));
    expect(new Set(hex).size).toBe(5);
    // Copies, not views of the pool: a refill does not change a nonce already handed out.
    const before = hex[0];
    for (let i = 0; i < 8; i++) random(16);
    expect(Buffer.from(first[0]!).toString('hex')).toBe(before);
    expect(first[0]!.buffer.byteLength).toBe(16);
  });
});
