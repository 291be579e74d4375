import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cborMap, encode, signSign1 } from '@hemkit/wire';
import { main } from '../src/main.js';

const dir = mkdtempSync(join(tmpdir(), 'hemkit-cli-'));

function capture(): { out: () => string; err: () => string } {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  return {
    out: () => log.mock.calls.map((c) => c.join(' ')).join('\n'),
    err: () => error.mock.calls.map((c) => c.join(' ')).join('\n'),
  };
}

afterEach(() => vi.restoreAllMocks());

describe('hemkit inspect', () => {
  const message = signSign1(encode(cborMap([[256, new Uint8Array([1, 2])]])), { alg: -8, privateKey: new Uint8Array(32).fill(1) });

  it('shows a raw COSE_Sign1 file in diagnostic notation with its decoded payload', async () => {
    const file = join(dir, 'report.cbor');
    writeFileSync(file, message);
    const io = capture();
    expect(await main(['inspect', file])).toBe(0);
    expect(io.out()).toContain("18([\n  h'a10127',");
    expect(io.out()).toContain('COSE_Sign1, alg -8 (EdDSA)');
    expect(io.out()).toContain("256 / ueid /: h'0102'");
  });

  it('reads hex text too', async () => {
    const file = join(dir, 'report.hex');
    writeFileSync(file, Buffer.from(message).toString('hex') + '\n');
    const io = capture();
    expect(await main(['inspect', file])).toBe(0);
    expect(io.out()).toContain('COSE_Sign1');
  });

  it('gives one line with the code, and exit status 2, for a file that is not profile CBOR', async () => {
    const file = join(dir, 'bad.cbor');
    writeFileSync(file, Buffer.from([0x18, 0x01]));
    const io = capture();
    expect(await main(['inspect', file])).toBe(2);
    expect(io.err()).toMatch(/^hemkit: CBOR_NON_SHORTEST_HEAD: /);
    expect(io.err().split('\n')).toHaveLength(1);
  });

  it('exits 2 with one line for a missing file and for bad usage', async () => {
    const io = capture();
    expect(await main(['inspect', join(dir, 'absent.cbor')])).toBe(2);
    expect(io.err()).toMatch(/^hemkit: ENOENT/);
    expect(await main(['inspect'])).toBe(2);
    expect(await main(['frobnicate'])).toBe(2);
    expect(io.err()).toContain("unknown command 'frobnicate'");
  });
});

describe('hemkit demo wire', () => {
  it('runs the wire tour and every attack in it is refused', async () => {
    const io = capture();
    expect(await main(['demo', 'wire'])).toBe(0);
    expect(io.out()).toMatch(/Summary: .*5 checks passed.*7 attacks refused/);
    expect(io.out()).not.toContain('accepted');
  });
});

describe('hemkit demo (the main job)', () => {
  it('runs end to end: the fleet is affirmed, every attack is caught with its code, the split run is flagged', async () => {
    const io = capture();
    expect(await main(['demo'])).toBe(0);
    const out = io.out();
    for (const code of ['WORKLOAD_LOCKED', 'WORKLOAD_OVER_QUOTA', 'LICENCE_REPLAYED', 'MODULE_REFUSING', 'CHIP_REPORTS_COMPROMISE', 'LOG_FORK', 'OPENING_MISMATCH']) {
      expect(out, code).toContain(`caught ${code}`);
    }
    expect(out).toMatch(/Summary: 4 of 4 chips affirmed, 7 attacks caught, 1 run over a reporting threshold \(frontier-run-1\)/);
    expect(out).toContain('run "frontier-run-1"');
    expect(out).not.toContain('finetune-small"'); // below every threshold: never itemised
  }, 60_000);
});
