import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cborMap, encode, signSign1 } from '@hemkit/wire';
import { hemkit } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'hemkit-cli-'));

describe('hemkit inspect', () => {
  const message = signSign1(encode(cborMap([[256, new Uint8Array([1, 2])]])), { alg: -8, privateKey: new Uint8Array(32).fill(1) });

  it('shows a raw COSE_Sign1 file in diagnostic notation with its decoded payload', async () => {
    writeFileSync(join(dir, 'report.cbor'), message);
    const r = await hemkit(['inspect', 'report.cbor'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.out).toContain("18([\n  h'a10127',");
    expect(r.out).toContain('COSE_Sign1, alg -8 (EdDSA)');
    expect(r.out).toContain("256 / ueid /: h'0102'");
  });

  it('reads hex text too, and standard input for -', async () => {
    writeFileSync(join(dir, 'report.hex'), Buffer.from(message).toString('hex') + '\n');
    expect((await hemkit(['inspect', 'report.hex'], { cwd: dir })).out).toContain('COSE_Sign1');
    const piped = await hemkit(['inspect', '-'], { cwd: dir, stdin: message });
    expect(piped.code).toBe(0);
    expect(piped.out).toContain('COSE_Sign1');
  });

  it('gives one line with the code, and exit status 2, for a file that is not profile CBOR', async () => {
    writeFileSync(join(dir, 'bad.cbor'), Buffer.from([0x18, 0x01]));
    const r = await hemkit(['inspect', 'bad.cbor'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^hemkit: CBOR_NON_SHORTEST_HEAD: /);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 2 with one line for a missing file and for bad usage', async () => {
    const missing = await hemkit(['inspect', 'absent.cbor'], { cwd: dir });
    expect(missing).toMatchObject({ code: 2, err: 'hemkit: no such file: absent.cbor\n' });
    expect((await hemkit(['inspect'], { cwd: dir })).code).toBe(2);
    const unknown = await hemkit(['frobnicate'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
  });
});

describe('hemkit demo wire', () => {
  it('runs the wire tour and every attack in it is refused', async () => {
    const r = await hemkit(['demo', 'wire'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Summary: .*5 checks passed.*7 attacks refused/);
    expect(r.out).not.toContain('accepted');
  });
});

describe('hemkit demo (the main job)', () => {
  it('runs end to end: the fleet is affirmed, every attack is caught with its code, the split run is flagged', async () => {
    const r = await hemkit(['demo'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const code of ['WORKLOAD_LOCKED', 'WORKLOAD_OVER_QUOTA', 'LICENCE_REPLAYED', 'MODULE_REFUSING', 'CHIP_REPORTS_COMPROMISE', 'LOG_FORK', 'OPENING_MISMATCH']) {
      expect(r.out, code).toContain(`caught ${code}`);
    }
    expect(r.out).toMatch(/Summary: 4 of 4 chips affirmed, 7 attacks caught, 1 run over a reporting threshold \(frontier-run-1\)/);
    expect(r.out).toContain('run "frontier-run-1"');
    expect(r.out).not.toContain('finetune-small"'); // below every threshold: never itemised
  }, 60_000);

  it('--service: the same tour, every bundle appraised by the verification service over HTTP', async () => {
    const local = await hemkit(['demo'], { cwd: dir });
    const served = await hemkit(['demo', '--service'], { cwd: dir });
    expect({ code: served.code, err: served.err }).toEqual({ code: 0, err: '' });
    const line = /^.*\(the verifier is the verification service, hemkit serve, on http:\/\/127\.0\.0\.1:\d+ with SQLite: every bundle goes over HTTP\).*\n/m;
    expect(served.out).toMatch(line);
    expect(served.out.replace(line, '')).toBe(local.out);
  }, 60_000);

  it('--service is refused for the wire tour: a usage error', async () => {
    const r = await hemkit(['demo', 'wire', '--service'], { cwd: dir });
    expect({ code: r.code, err: r.err.trim() }).toEqual({ code: 2, err: expect.stringContaining('--service is for the main demo, not the wire tour') });
  });
});

describe('conventions', () => {
  it('-- ends the options: a file named like a flag', async () => {
    const message = signSign1(encode(cborMap([[256, new Uint8Array([1, 2])]])), { alg: -8, privateKey: new Uint8Array(32).fill(1) });
    writeFileSync(join(dir, '-odd.cbor'), message);
    expect((await hemkit(['inspect', '-odd.cbor'], { cwd: dir })).code).toBe(2);
    expect((await hemkit(['inspect', '--', '-odd.cbor'], { cwd: dir })).code).toBe(0);
  });

  it('--flag=value and --flag value are the same', async () => {
    const a = await hemkit(['module', 'run', 'nochip', '--ops=1'], { cwd: dir });
    const b = await hemkit(['module', 'run', 'nochip', '--ops', '1'], { cwd: dir });
    expect(a).toEqual(b);
    expect(a.err).toMatch(/no chip directory nochip/);
  });

  it('keeps heavy imports out of the start-up path (hemkit --help loads commander and, of hemkit, only the byte helpers)', () => {
    for (const file of ['main.ts', 'io.ts', 'options.ts']) {
      const source = readFileSync(join(__dirname, '../src', file), 'utf8');
      const statics = [...source.matchAll(/^import [^;]*? from '([^']+)';$/gms)].map((m) => m[1]);
      for (const s of statics) // @hemkit/wire/bytes is one module that imports nothing (options.ts parses hex with it).
      expect(['commander', 'node:path', './io.js', './options.js', '@hemkit/wire/bytes'], `${file} imports ${s}`).toContain(s);
    }
  });

  it('stops quietly when the reader of its output goes away (hemkit … | head)', () => {
    const r = spawnSync('bash', ['-c', `node ${join(__dirname, '../bin/hemkit.js')} demo wire | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0');
  });
});

describe('counts for people', () => {
  it('long counts get their scientific form beside the exact digits', async () => {
    const { count } = await import('../src/output.js');
    expect(count(1234567n)).toBe('1234567');
    expect(count(10n ** 24n)).toBe('1000000000000000000000000 (1e24)');
    expect(count(35n * 10n ** 23n)).toBe('3500000000000000000000000 (3.5e24)');
    expect(count(1234567891n)).toBe('1234567891 (1.234e9)');
  });
});
