/**
 * Issue 10: a stranger must be able to implement hemkit interoperably from specs/, test-vectors/ and
 * README.md alone. test/independent/ is such an implementation, in Python 3.11's standard library,
 * written without reading hemkit's TypeScript (its README says how). This test runs it over the
 * checked-in vectors and requires it to agree with every one, and to check at least the counts
 * below per family, so that the check cannot shrink silently. A disagreement means the spec let a
 * stranger arrive at another answer than the vectors: fix the spec text (or the vector), never
 * this harness alone.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const RUN = join(HERE, 'run.py');
const VECTORS = join(HERE, '..', '..', 'test-vectors');

/** Vectors each family must check at least (the counts when the harness was written). */
const MINIMUM: Record<string, number> = {
  cbor: 138,
  cose: 139,
  merkle: 86,
  messages: 619,
  evidence: 94,
  crypto: 22,
  framing: 16,
  state: 36,
  results: 22,
  inputs: 28,
  accounting: 44,
  lineage: 20,
  cddl: 30,
  module: 212,
  external: 1093,
};

interface Summary {
  families: Record<string, { agreed: number; total: number; skipped: number; notCompared: number }>;
  disagreements: number;
}

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0 && /Python 3\.(1[1-9]|[2-9]\d)/.test(python.stdout + python.stderr);
if (!hasPython) console.log('test/independent: python3 >= 3.11 not found, the independent implementation is skipped');

function run(args: string[]): { status: number | null; stdout: string; summary: Summary } {
  const r = spawnSync('python3', ['-B', RUN, '--json', ...args], { encoding: 'utf8', timeout: 120_000 });
  const last = r.stdout.trim().split('\n').at(-1) ?? '{}';
  return { status: r.status, stdout: r.stdout + r.stderr, summary: JSON.parse(last) as Summary };
}

describe.skipIf(!hasPython)('the independent Python implementation (issue 10)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hemkit-independent-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('agrees with every checked-in vector, and checks at least the pinned count per family', () => {
    const { status, stdout, summary } = run([]);
    expect(summary.disagreements, stdout).toBe(0);
    expect(status, stdout).toBe(0);
    for (const [family, minimum] of Object.entries(MINIMUM)) {
      const counts = summary.families[family];
      expect(counts, `family ${family} missing from the summary`).toBeDefined();
      expect(counts!.total, `family ${family}`).toBeGreaterThanOrEqual(minimum);
      expect(counts!.agreed, `family ${family}`).toBe(counts!.total);
      // every outcome of every vector is compared: nothing is left to "not implemented here"
      expect(counts!.notCompared, `family ${family}`).toBe(0);
      expect(counts!.skipped, `family ${family}`).toBe(0);
    }
  }, 180_000);

  it('reports a disagreement when a vector expects another code', () => {
    // the harness must be able to fail: one negative cbor vector's code changed in a copy
    mkdirSync(join(tmp, 'cbor'), { recursive: true });
    const file = JSON.parse(readFileSync(join(VECTORS, 'cbor', 'decode.json'), 'utf8')) as {
      vectors: { id: string; code?: string }[];
    };
    const target = file.vectors.find((v) => v.id === 'non-shortest-uint-1-byte')!;
    target.code = 'CBOR_TRUNCATED';
    writeFileSync(join(tmp, 'cbor', 'decode.json'), JSON.stringify(file));
    const { status, stdout, summary } = run(['--vectors', tmp, 'cbor']);
    expect(status).toBe(1);
    expect(summary.disagreements).toBe(1);
    expect(stdout).toContain('non-shortest-uint-1-byte: got CBOR_NON_SHORTEST_HEAD');
  });

  it('refuses a vector file whose format it does not implement', () => {
    mkdirSync(join(tmp, 'merkle'), { recursive: true });
    copyFileSync(join(VECTORS, 'merkle', 'proofs.json'), join(tmp, 'merkle', 'proofs.json'));
    const file = JSON.parse(readFileSync(join(tmp, 'merkle', 'proofs.json'), 'utf8')) as { format: string };
    file.format = 'hemkit-merkle-proofs/v2';
    writeFileSync(join(tmp, 'merkle', 'proofs.json'), JSON.stringify(file));
    const { status, stdout } = run(['--vectors', tmp, 'merkle']);
    expect(status).toBe(1);
    expect(stdout).toContain('format hemkit-merkle-proofs/v2 not implemented');
  });
});
