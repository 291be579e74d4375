/**
 * Mutation: every single-byte change to a valid evidence vector is rejected. For each vector that
 * appraises as affirming (test-vectors/evidence/*.json), the vectors before it in its file are
 * replayed to rebuild the memory it was appraised against; then every byte of its bundle is replaced
 * by a few values and each mutant is appraised against a frozen copy of that memory. Under the strict
 * deterministic encoding (specs/encoding.md) every value has exactly one encoding, so no mutant can
 * mean the same as the original: each must come back contraindicated or warning, never affirming,
 * with a failing check whose code is in the registry, and appraise must never throw.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend } from '@hemkit/wire/crypto/node';
import { ERROR_CODES } from '@hemkit/wire/errors';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { appraise, parsePolicy, parseReferenceValues, parseTrustAnchors, type Appraisal } from '../../src/index.js';
import { MemoryVerifierStore } from '../../src/store/index.js';
import { RecordingStore, type FrozenStore } from './frozen-store.js';

const DIR = join(import.meta.dirname, '../../../../test-vectors/evidence');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

interface EvidenceVector {
  id: string;
  now: number;
  nonce: string;
  bundle: string;
  expected: { status: string; trustworthinessVector: Record<string, number>; checks: Record<string, string> };
}

interface EvidenceFile {
  trust: unknown;
  reference: unknown;
  policy: unknown;
  vectors: EvidenceVector[];
}

const load = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as EvidenceFile;
const backend = getBackend('node');
const hasher = createMerkleHasher((d: Uint8Array) => backend.sha256(d));
const registered = new Set<string>(ERROR_CODES);

/** The values tried at one byte: distinct, and never the byte itself. */
const replacements = (b: number): number[] => [...new Set([b ^ 0x01, b ^ 0x80, 0x00, 0xff])].filter((x) => x !== b);

/**
 * How many mutants a bundle yields, counted apart from the enumeration: four per byte, one fewer where
 * a value equals the byte (0x00, 0xff) or two coincide (0x01 and 0x80 xor to 0x00, 0xfe and 0x7f to 0xff).
 */
function expectedMutants(bundle: Uint8Array): number {
  const three = new Set([0x00, 0xff, 0x01, 0x80, 0xfe, 0x7f]);
  return bundle.reduce((n, b) => n + (three.has(b) ? 3 : 4), 0);
}

const outcome = (a: Appraisal) => ({ status: a.status, trustworthinessVector: a.trustworthinessVector, checks: Object.fromEntries(a.checks.map((c) => [c.id, c.status === 'fail' ? c.code! : c.status])) });

/** The valid vectors, each with its place in its file. */
const targets = files.flatMap((file) =>
  load(file)
    .vectors.map((v, index) => ({ file, index, id: v.id, status: v.expected.status }))
    .filter((t) => t.status === 'affirming'),
);

interface Finding {
  readonly vector: string;
  readonly offset: number;
  readonly from: number;
  readonly to: number;
  readonly what: string;
}

const totals = { run: 0, rejected: 0, expected: 0, started: performance.now() };
const firstFailures = new Map<string, number>();

describe('every single-byte mutant of a valid evidence vector is rejected', () => {
  it('there are valid vectors to mutate', () => {
    expect(targets.length).toBeGreaterThan(0);
  });

  it.each(targets)('$file: $id', ({ file, index, id }) => {
    const f = load(file);
    const inputs = { trust: parseTrustAnchors(f.trust), reference: parseReferenceValues(f.reference), policy: parsePolicy(f.policy), backend, hasher };
    const appraiseVector = (v: EvidenceVector, bytes: Uint8Array, store: RecordingStore | FrozenStore) =>
      appraise(bytes, { ...inputs, store, now: v.now, expectedNonce: Buffer.from(v.nonce, 'hex') });

    // The memory this vector was appraised against: the vectors before it, in order.
    const recorder = new RecordingStore(new MemoryVerifierStore());
    for (const v of f.vectors.slice(0, index)) {
      expect(outcome(appraiseVector(v, Buffer.from(v.bundle, 'hex'), recorder))).toEqual(v.expected);
    }
    const memory = recorder.freeze();
    const vector = f.vectors[index]!;
    const bundle = Buffer.from(vector.bundle, 'hex');
    expect(outcome(appraiseVector(vector, bundle, memory))).toEqual(vector.expected);

    const findings: Finding[] = [];
    let run = 0;
    for (let offset = 0; offset < bundle.length; offset++) {
      const from = bundle[offset]!;
      for (const to of replacements(from)) {
        const mutant = Uint8Array.from(bundle);
        mutant[offset] = to;
        run++;
        const at = { vector: `${file}#${id}`, offset, from, to };
        let a: Appraisal;
        try {
          a = appraiseVector(vector, mutant, memory);
        } catch (e) {
          findings.push({ ...at, what: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` });
          continue;
        }
        const failed = a.checks.find((c) => c.status === 'fail');
        if (a.status === 'affirming' || failed === undefined) {
          findings.push({ ...at, what: `accepted as ${a.status}` });
          continue;
        }
        if (!registered.has(failed.code!)) findings.push({ ...at, what: `check ${failed.id} failed with unregistered code ${String(failed.code)}` });
        totals.rejected++;
        const key = `${failed.id}:${failed.code}`;
        firstFailures.set(key, (firstFailures.get(key) ?? 0) + 1);
      }
    }
    totals.run += run;
    totals.expected += expectedMutants(bundle);

    expect(findings).toEqual([]);
    expect(run).toBe(expectedMutants(bundle));
    // The mutants left the memory as it was: the original still appraises as recorded.
    expect(outcome(appraiseVector(vector, bundle, memory))).toEqual(vector.expected);
  }, 300_000); // a large bundle has tens of thousands of mutants, each a full appraisal

  afterAll(() => {
    const top = [...firstFailures].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, n]) => `${k} ${n}`).join(', ');
    const seconds = ((performance.now() - totals.started) / 1000).toFixed(1);
    console.log(`mutation: ${totals.run} mutants of ${targets.length} valid vectors run (expected ${totals.expected}), ${totals.rejected} rejected, ${seconds} s; first failing check: ${top}`);
  });
});
