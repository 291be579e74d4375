/** `inspect` names every level of every message (and --json); `serve` says where it listens. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hemkit, licensedChip } from './run.js';

const cwd = mkdtempSync(join(tmpdir(), 'hemkit-inspect-'));

describe('hemkit inspect', () => {
  beforeAll(async () => {
    await licensedChip(cwd);
    const env = {};
    await hemkit(['module', 'run', 'chip', '--ops', '1e21', '--workload-id', 'train-7'], { cwd, env });
    await hemkit(['module', 'attest', 'chip', '--nonce', '00'.repeat(16), '--out', 'r.cbor'], { cwd, env });
    await hemkit(['module', 'evidence', 'chip', '--nonce', '11'.repeat(16), '--licence', 'chip.lic', '--open', 'all', '--out', 'b.cbor'], { cwd, env });
    await hemkit(['module', 'evidence', 'chip', '--nonce', '22'.repeat(16), '--licence', 'chip.lic', '--receipts', '--out', 'br.cbor'], { cwd, env });
  }, 60_000);

  it('names nested claims, shows times as ISO dates and enums by name', async () => {
    const r = await hemkit(['inspect', 'r.cbor'], { cwd });
    expect(r.code).toBe(0);
    expect(r.out).toContain('payload (decoded): attestation-report-claims');
    expect(r.out).toMatch(/\n  issuedAt: 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z\n/);
    expect(r.out).toMatch(/  counters:\n    totalOps: 1000000000000000000000\n    opsByPrecision:\n      bf16: 1000000000000000000000/);
    expect(r.out).toMatch(/  logHead:\n    treeSize: \d+\n    rootHash: [0-9a-f]{64}/);
    expect(r.out).toContain('  lockState: unlocked');
    expect(r.out).toContain('  hwmodel: hemkit-sim-a1');
    expect(r.out).toContain('  dbgstat: disabled-permanently');
  });

  it('labels every member of a bundle and inspects each inner message', async () => {
    const r = await hemkit(['inspect', 'b.cbor'], { cwd });
    expect(r.code).toBe(0);
    for (const label of ['evidence-bundle', '  report:', '  deviceCertificate:', '  attestationKeyCertificate:', '  entries:', '  licences:', 'payloadKind: licence-claims', 'kind: workloadStarted', 'workloadId: train-7', 'frontier:']) {
      expect(r.out, label).toContain(label);
    }
  });

  it('shows entries proven by a frontier (the default) without receipts, and with --receipts each with its own', async () => {
    const frontier = (await hemkit(['inspect', 'b.cbor'], { cwd })).out;
    expect(frontier).toContain('  frontier: []');
    expect(frontier).not.toContain('receipt:');
    const receipts = await hemkit(['inspect', 'br.cbor'], { cwd });
    expect(receipts.code).toBe(0);
    expect(receipts.out).toContain('receipt:');
    expect(receipts.out).not.toContain('frontier:');
  });

  it('--json: enums as names, big integers as strings, times as ISO dates', async () => {
    const j = JSON.parse((await hemkit(['inspect', 'b.cbor', '--json'], { cwd })).out);
    expect(j.message).toBe('evidence-bundle');
    expect(j.report.payload).toMatchObject({ lockState: 'unlocked', issuedAt: expect.stringMatching(/^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/), counters: { totalOps: '1000000000000000000000' } });
    expect(j.licences[0].payload.opsQuota).toBe('1000000000000000000000000');
    expect(j.licences[0].payload.precisionClasses).toEqual(['bf16', 'fp8']);
    const started = j.entries.find((e: { entry: { kind: string } }) => e.entry.kind === 'workloadStarted');
    expect(started.entry.details.precisionClass).toBe('bf16');
    expect(started.opening.workloadDescriptor.workloadId).toBe('train-7');
  });
});

describe('hemkit module serve', () => {
  it('prints where it listens on start, and stops on SIGTERM', async () => {
    const socket = join(cwd, 'chip.sock');
    const child = spawn(process.execPath, [resolve(__dirname, '../bin/hemkit.js'), 'module', 'serve', 'chip', '--socket', socket], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    await new Promise<void>((ready, fail) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('\n')) ready();
      });
      child.on('exit', () => fail(new Error(`serve exited: ${err}`)));
    });
    expect(err).toBe(`hemkit: serving chip chip on ${socket} (framed CBOR); SIGTERM or SIGINT stops it\n`);
    // While it serves, the chip is locked against other processes.
    const busy = await hemkit(['module', 'status', 'chip'], { cwd });
    expect(busy.code).toBe(2);
    expect(busy.err).toContain(`is in use by process ${child.pid}`);
    child.removeAllListeners('exit');
    const code = await new Promise<number | null>((done) => {
      child.on('exit', (c) => done(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect((await hemkit(['module', 'status', 'chip'], { cwd })).code).toBe(0);
  }, 30_000);
});

describe('hemkit inspect --web', () => {
  it('says where it serves the inspector page, serves it there, and stops on SIGTERM', async () => {
    const { ensurePage, PAGE_PATH } = await import('../../../test/packaging/build.js');
    await ensurePage();
    const child = spawn(process.execPath, [resolve(__dirname, '../bin/hemkit.js'), 'inspect', '--web', '--no-open'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    await new Promise<void>((ready, fail) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('\n')) ready();
      });
      child.on('exit', () => fail(new Error(`inspect --web exited: ${err}`)));
    });
    const url = /the inspector is at (http:\/\/127\.0\.0\.1:\d+\/) /.exec(err)?.[1];
    expect(err).toMatch(/^hemkit: the inspector is at http:\/\/127\.0\.0\.1:\d+\/ \(it works offline; SIGINT or SIGTERM stops it\)\n$/);
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(readFileSync(PAGE_PATH, 'utf8'));
    child.removeAllListeners('exit');
    const code = await new Promise<number | null>((done) => {
      child.on('exit', (c) => done(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 60_000);
});
