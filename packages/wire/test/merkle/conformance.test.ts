/**
 * transparency-dev/merkle's proof vectors (test-vectors/external/transparency-dev-merkle), run through
 * hemkit's own verifiers with both hashers. Every vector's `wantErr` is honoured except the few named
 * in DELIBERATE_DIFFERENCES, where hemkit's outcome is asserted instead, with the reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HemkitError, type ErrorCode } from '../../src/errors.js';
import { type MerkleHasher, verifyConsistency, verifyInclusion, verifySubtreeInclusion } from '../../src/merkle/index.js';
import { HASHERS, thrownBy } from './support.js';

const TESTDATA = fileURLToPath(new URL('../../../../test-vectors/external/transparency-dev-merkle/testdata/', import.meta.url));

interface Common {
  readonly proof: readonly string[] | null;
  readonly desc: string;
  readonly wantErr: boolean;
}
interface InclusionVector extends Common {
  readonly leafIdx: number;
  readonly treeSize: number;
  readonly root: string;
  readonly leafHash: string;
}
interface ConsistencyVector extends Common {
  readonly size1: number;
  readonly size2: number;
  readonly root1: string;
  readonly root2: string;
}
interface SubtreeInclusionVector extends Common {
  readonly leafIdx: number;
  readonly start: number;
  readonly end: number;
  readonly root: string;
  readonly leafHash: string;
}
interface SubtreeConsistencyVector extends Common {
  readonly start: number;
  readonly end: number;
  readonly size: number;
  readonly root1: string;
  readonly root2: string;
}

/** Every JSON file under `folder`, by path relative to testdata/, in a stable order. */
function load<T>(folder: string): (readonly [path: string, vector: T])[] {
  const files = readdirSync(TESTDATA + folder, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
  // Numbers beyond 2^53 (Go's uint64 wrap-arounds) lose precision in JSON.parse; the verifiers refuse
  // every such number anyway, with MERKLE_INVALID_TREE_SIZE.
  return files.sort().map((f) => [`${folder}/${f}`, JSON.parse(readFileSync(`${TESTDATA}${folder}/${f}`, 'utf8')) as T] as const);
}

const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
const proofOf = (v: Common): Uint8Array[] => (v.proof ?? []).map(b64);

/**
 * Where hemkit deliberately disagrees with `wantErr`. hemkit requires every hash, roots included, to
 * be 32 bytes; transparency-dev checks the length of the leaf hash only, and some of its vectors use
 * 12-byte placeholder roots ("don't care 1", "don't care 2"). hemkit's roots are always SHA-256 hashes,
 * so a 12-byte root can only be a mistake or an attack, and refusing it costs nothing.
 */
const DELIBERATE_DIFFERENCES: Readonly<Record<string, { readonly code: ErrorCode; readonly why: string }>> = {
  'consistency/additional/sizes-are-equal-one-and-proof-is-empty.json': {
    code: 'MERKLE_INVALID_HASH_LENGTH',
    why: 'a happy path whose two (equal) roots are 12-byte placeholders; hemkit refuses any root that is not 32 bytes',
  },
  'subtreeconsistency/additional/sizes-are-equal-one-and-proof-is-empty.json': {
    code: 'MERKLE_INVALID_HASH_LENGTH',
    why: 'the same vector in the subtree form ([0, 1) of a tree of 1 leaf), same 12-byte placeholder roots',
  },
  'subtreeconsistency/additional/subtree-is-empty-sizes-are-equal-zero-subtree-root-valid-proof-is-empty.json': {
    code: 'MERKLE_EMPTY_TREE_CONSISTENCY',
    why:
      'the vector treats the empty subtree [0, 0) as consistent with the empty tree; as an RFC 9162 proof that is a ' +
      'consistency proof from size 0, which RFC 9162 §2.1.4.2 does not define (0 < first) and which hemkit refuses, as ' +
      'transparency-dev itself does in consistency/additional (every size1 = 0 vector there has wantErr: true)',
  },
  'subtreeconsistency/additional/subtree-is-empty-sizes-are-equal-zero-subtree-root-valid-tree-root-random-proof-is-empty.json': {
    code: 'MERKLE_INVALID_HASH_LENGTH',
    why:
      'as the previous one (a consistency proof from size 0), and its tree root is a 12-byte placeholder, which hemkit ' +
      'checks first',
  },
};

/**
 * What kind of corruption each probe makes, and so which check must catch it, for the probes whose
 * outcome does not depend on the tree's shape. A well-formed proof that is wrong must reach the root
 * comparison; a hash of the wrong length must be refused before any hashing.
 */
const CAUGHT_BY: readonly (readonly [RegExp, ErrorCode])[] = [
  [/^(modified proof|random root$|swapped roots$)/, 'MERKLE_ROOT_MISMATCH'],
  [/^(trailing garbage|preceding garbage|wrong leaf|wrong root[12]|empty leaf$|empty root and leaf$)$/, 'MERKLE_INVALID_HASH_LENGTH'],
  [/^(trailing root|preceding root|preceding proof @0|removed component|inserted component|truncated proof|empty proof)/, 'MERKLE_PROOF_WRONG_LENGTH'],
];

interface Outcome {
  readonly path: string;
  readonly desc: string;
  readonly wantErr: boolean;
  readonly thrown: unknown;
}

function checkOutcome({ path, desc, wantErr, thrown }: Outcome): void {
  const deliberate = DELIBERATE_DIFFERENCES[path];
  if (deliberate !== undefined) {
    expect(wantErr, `${path} is listed as a deliberate difference, so hemkit must differ from it`).toBe(false);
    expect(thrown, path).toBeInstanceOf(HemkitError);
    expect((thrown as HemkitError).code, path).toBe(deliberate.code);
    return;
  }
  if (!wantErr) {
    expect(thrown, `${path}: ${String(thrown)}`).toBeUndefined();
    return;
  }
  // No raw exception may escape: every failure is a HemkitError with a Merkle code.
  expect(thrown, path).toBeInstanceOf(HemkitError);
  const code = (thrown as HemkitError).code;
  expect(code, path).toMatch(/^MERKLE_/);
  const rule = CAUGHT_BY.find(([pattern]) => pattern.test(desc.replace(/ - subtree$/, '')));
  if (rule !== undefined) expect(code, `${path} (${desc})`).toBe(rule[1]);
}

const inclusion = load<InclusionVector>('inclusion');
const consistency = load<ConsistencyVector>('consistency');
const subtreeInclusion = load<SubtreeInclusionVector>('subtreeinclusion');
const subtreeConsistency = load<SubtreeConsistencyVector>('subtreeconsistency');

// A subtree consistency proof (draft-ietf-plants-merkle-tree-certs) for [0, end) in a tree of `size`
// leaves is the RFC 9162 consistency proof PROOF(end, D[size]); those vectors are run as such. For
// start > 0 the draft defines a different algorithm, with its own proof shape, that hemkit does not
// implement: its logs only ever prove that one version of a log extends an earlier version.
const subtreeConsistencyFromZero = subtreeConsistency.filter(([, v]) => v.start === 0);
const subtreeConsistencyOutOfScope = subtreeConsistency.filter(([, v]) => v.start !== 0);

describe('the transparency-dev/merkle vectors', () => {
  it('are all present, and those out of scope are exactly the subtree consistency vectors with start > 0', () => {
    expect(inclusion).toHaveLength(98);
    expect(consistency).toHaveLength(98);
    expect(subtreeInclusion).toHaveLength(204);
    expect(subtreeConsistency).toHaveLength(118);
    expect(subtreeConsistencyFromZero).toHaveLength(102);
    expect(subtreeConsistencyOutOfScope.map(([path]) => path)).toEqual([
      'subtreeconsistency/1/invalid-subtree.json',
      'subtreeconsistency/2/invalid-subtree.json',
      'subtreeconsistency/3/invalid-subtree.json',
      'subtreeconsistency/4/invalid-subtree.json',
      'subtreeconsistency/additional/invalid-subtree-start-1-end-15-size-15.json',
      'subtreeconsistency/additional/invalid-subtree-start-1-end-3-size-8.json',
      'subtreeconsistency/additional/invalid-subtree-start-2-end-5-size-8.json',
      'subtreeconsistency/additional/invalid-subtree-start-2-end-6-size-8.json',
      'subtreeconsistency/additional/subtree-is-empty-roots-match-but-not-valid.json',
      'subtreeconsistency/additional/subtree-is-empty-roots-valid-but-proof-is-not-empty.json',
      'subtreeconsistency/additional/subtree-is-empty-sizes-are-equal-one-roots-match-but-not-valid.json',
      'subtreeconsistency/additional/subtree-is-empty-sizes-are-equal-one-roots-valid-but-proof-is-not-empty.json',
      'subtreeconsistency/additional/subtree-is-empty-sizes-are-equal-one-subtree-root-valid-proof-is-empty.json',
      'subtreeconsistency/additional/subtree-is-empty-sizes-are-equal-one-subtree-root-valid-tree-root-random-proof-is-empty.json',
      'subtreeconsistency/additional/subtree-is-empty-subtree-root-valid-proof-is-empty.json',
      'subtreeconsistency/additional/subtree-is-empty-subtree-root-valid-tree-root-random-proof-is-empty.json',
    ]);
  });

  it('have, for each kind of corruption whose check is asserted, at least one probe of that kind', () => {
    const descs = [...inclusion, ...consistency, ...subtreeInclusion, ...subtreeConsistencyFromZero].map(([, v]) =>
      v.desc.replace(/ - subtree$/, ''),
    );
    for (const [pattern] of CAUGHT_BY) expect(descs.some((d) => pattern.test(d)), String(pattern)).toBe(true);
  });

  it('name every deliberate difference by a file that exists', () => {
    const paths = new Set([...consistency, ...subtreeConsistencyFromZero].map(([path]) => path));
    for (const path of Object.keys(DELIBERATE_DIFFERENCES)) expect(paths.has(path), path).toBe(true);
  });
});

describe.each(HASHERS)('transparency-dev/merkle vectors with %s', (_name, hasher: MerkleHasher) => {
  it('honours wantErr on all 98 inclusion vectors', () => {
    let ran = 0;
    for (const [path, v] of inclusion) {
      const thrown = thrownBy(() => verifyInclusion(hasher, v.leafIdx, v.treeSize, b64(v.leafHash), proofOf(v), b64(v.root)));
      checkOutcome({ path, desc: v.desc, wantErr: v.wantErr, thrown });
      ran++;
    }
    expect(ran).toBe(98);
  });

  it('honours wantErr on all 98 consistency vectors, except the one named deliberate difference', () => {
    let ran = 0;
    for (const [path, v] of consistency) {
      const thrown = thrownBy(() => verifyConsistency(hasher, v.size1, v.size2, proofOf(v), b64(v.root1), b64(v.root2)));
      checkOutcome({ path, desc: v.desc, wantErr: v.wantErr, thrown });
      ran++;
    }
    expect(ran).toBe(98);
  });

  it('honours wantErr on all 204 subtree inclusion vectors', () => {
    let ran = 0;
    for (const [path, v] of subtreeInclusion) {
      const thrown = thrownBy(() =>
        verifySubtreeInclusion(hasher, v.leafIdx, v.start, v.end, b64(v.leafHash), proofOf(v), b64(v.root)),
      );
      checkOutcome({ path, desc: v.desc, wantErr: v.wantErr, thrown });
      ran++;
    }
    expect(ran).toBe(204);
  });

  it('honours wantErr on the 102 subtree consistency vectors from start 0, except the three named deliberate differences', () => {
    let ran = 0;
    for (const [path, v] of subtreeConsistencyFromZero) {
      const thrown = thrownBy(() => verifyConsistency(hasher, v.end, v.size, proofOf(v), b64(v.root1), b64(v.root2)));
      checkOutcome({ path, desc: v.desc, wantErr: v.wantErr, thrown });
      ran++;
    }
    expect(ran).toBe(102);
  });

  // The happy paths of the numbered folders, single-entry and the one subtree form of each, less the
  // deliberate differences: 6 inclusion, 6 - 1 consistency, 12 subtree inclusion, 8 - 3 subtree consistency.
  it('accepts exactly 28 of the 502 vectors run', () => {
    const accepted = (run: () => void): number => (thrownBy(run) === undefined ? 1 : 0);
    let count = 0;
    for (const [, v] of inclusion) count += accepted(() => verifyInclusion(hasher, v.leafIdx, v.treeSize, b64(v.leafHash), proofOf(v), b64(v.root)));
    expect(count).toBe(6);
    count = 0;
    for (const [, v] of consistency) count += accepted(() => verifyConsistency(hasher, v.size1, v.size2, proofOf(v), b64(v.root1), b64(v.root2)));
    expect(count).toBe(5);
    count = 0;
    for (const [, v] of subtreeInclusion) {
      count += accepted(() => verifySubtreeInclusion(hasher, v.leafIdx, v.start, v.end, b64(v.leafHash), proofOf(v), b64(v.root)));
    }
    expect(count).toBe(12);
    count = 0;
    for (const [, v] of subtreeConsistencyFromZero) count += accepted(() => verifyConsistency(hasher, v.end, v.size, proofOf(v), b64(v.root1), b64(v.root2)));
    expect(count).toBe(5);
  });
});
