/**
 * An evidence bundle's inclusion receipts walked step by step (RFC 9162 §2.1.3.2, specs/merkle.md §3):
 * for each disclosed entry, the leaf hash, every sibling on the audit path with the side it joins
 * from and the hash it gives, and the root reached, against the root of the checkpoint of the same
 * tree size. The walk is for people to follow; the wire layer's `rootFromInclusionProof` decides,
 * and the walk reports its verdict beside its own result. Receipt signatures are the appraisal's
 * inclusion check (verifier.md §5), which certifies the key first. A bundle that proves its entries
 * by a frontier instead (verifier.md §2) is shown by walkFrontier.
 */
import { bytesEqual, fromHex, toHex } from '@hemkit/wire/bytes';
import { decode } from '@hemkit/wire/cbor';
import { decodeSign1 } from '@hemkit/wire/cose';
import { getBackend } from '@hemkit/wire/crypto';
import { isHemkitError } from '@hemkit/wire/errors';
import { createMerkleHasher, foldFrontier, frontierSubtreeSizes, rootFromConsistencyProof, rootFromFrontier, rootFromInclusionProof, type MerkleHasher } from '@hemkit/wire/merkle';
import { attestationReportClaims, checkpointClaims, evidenceBundle, HEADER_VDP, logEntry, peekClaims, VDP_CONSISTENCY, VDP_INCLUSION } from '@hemkit/wire/messages';

export interface WalkStep {
  /** The sibling hash from the proof. */
  readonly sibling: string;
  /** Which side the sibling joins from: `left` gives H(0x01 ‖ sibling ‖ r), `right` H(0x01 ‖ r ‖ sibling). */
  readonly side: 'left' | 'right';
  /** The node hash after this step. */
  readonly result: string;
}

export interface ReceiptWalk {
  /** Position of the entry in the bundle's `entries`. */
  readonly position: number;
  /** The entry's own log index (its `index` field), when it parses. */
  readonly entryIndex: number | undefined;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly steps: readonly WalkStep[];
  /** Where the walk ends. */
  readonly root: string;
  /** The root of the bundle's checkpoint (or the report's log head) of the same tree size. */
  readonly expectedRoot: string | undefined;
  /** The wire layer's verdict on the proof: the root it computes (the walk's, unless the walk is wrong), or the code it refused with. */
  readonly wire: { readonly root: string } | { readonly code: string; readonly message: string };
  readonly matches: boolean;
}

/** The walk of every disclosed entry of a bundle; throws HemkitError when the bundle does not parse. */
export function walkReceipts(bundleBytes: Uint8Array): readonly ReceiptWalk[] {
  const bundle = evidenceBundle.parse(decode(bundleBytes), 'evidence-bundle');
  const backend = getBackend('noble');
  const hasher = createMerkleHasher((d) => backend.sha256(d));
  const roots = headRoots(bundle.checkpoints ?? [], bundle.report);
  // A bundle with a frontier proves its entries together (walkFrontier); its entries carry no receipts.
  return (bundle.entries ?? []).flatMap((disclosed, position) => {
    if (disclosed.receipt === undefined) return [];
    const leafHash = hasher.hashLeaf(disclosed.entry);
    const proof = readInclusionProof(disclosed.receipt);
    const steps = walk(hasher, proof.leafIndex, proof.treeSize, leafHash, proof.path);
    const root = steps.length === 0 ? toHex(leafHash) : steps[steps.length - 1]!.result;
    const expectedRoot = roots.get(proof.treeSize);
    let wire: ReceiptWalk['wire'];
    try {
      wire = { root: toHex(rootFromInclusionProof(hasher, proof.leafIndex, proof.treeSize, leafHash, proof.path)) };
    } catch (e) {
      if (!isHemkitError(e)) throw e;
      wire = { code: e.code, message: e.message };
    }
    return [{
      position,
      entryIndex: entryIndexOf(disclosed.entry),
      leafIndex: proof.leafIndex,
      treeSize: proof.treeSize,
      leafHash: toHex(leafHash),
      steps,
      root,
      expectedRoot: expectedRoot === undefined ? undefined : toHex(expectedRoot),
      wire,
      matches: 'root' in wire && wire.root === root && expectedRoot !== undefined && bytesEqual(expectedRoot, fromHex(root)),
    }];
  });
}

/** One hash of a frontier: the perfect subtree of leaves [from, to) it is the root of (merkle.md §9). */
export interface FrontierHash {
  readonly hash: string;
  readonly from: number;
  readonly to: number;
}

export interface FrontierWalk {
  /** The first disclosed entry's log index: the frontier stands for the entries before it. */
  readonly start: number;
  readonly frontier: readonly FrontierHash[];
  /** The root of the tree of `start` entries the frontier folds to, for comparison with a remembered one. */
  readonly frontierRoot: string;
  readonly entries: number;
  /** start + entries: the tree the walk ends at. */
  readonly treeSize: number;
  /** The root of the report's log head, when the report parses. */
  readonly expectedRoot: string | undefined;
  readonly expectedSize: number | undefined;
  /** The wire layer's root from the frontier and the entries' leaf hashes, or the code it refused with. */
  readonly wire: { readonly root: string } | { readonly code: string; readonly message: string };
  readonly matches: boolean;
}

/**
 * The frontier of a bundle that carries one (verifier.md §2, merkle.md §9): each of its hashes with the
 * leaves it covers, the root it folds to, and the root reached by appending the disclosed entries,
 * against the report's log head. Undefined for a bundle whose entries carry receipts.
 */
export function walkFrontier(bundleBytes: Uint8Array): FrontierWalk | undefined {
  const bundle = evidenceBundle.parse(decode(bundleBytes), 'evidence-bundle');
  if (bundle.frontier === undefined || bundle.entries === undefined) return undefined;
  const backend = getBackend('noble');
  const hasher = createMerkleHasher((d) => backend.sha256(d));
  const start = entryIndexOf(bundle.entries[0]!.entry) ?? 0;
  const sizes = frontierSubtreeSizes(start);
  let from = 0;
  const frontier = bundle.frontier.map((h, i) => {
    const size = sizes[i] ?? 0;
    const item = { hash: toHex(h), from, to: from + size };
    from += size;
    return item;
  });
  const roots = headRoots([], bundle.report);
  const [expectedSize, expected] = [...roots][0] ?? [undefined, undefined];
  let wire: FrontierWalk['wire'];
  try {
    wire = { root: toHex(rootFromFrontier(hasher, start, bundle.frontier, bundle.entries.map((d) => hasher.hashLeaf(d.entry)))) };
  } catch (e) {
    if (!isHemkitError(e)) throw e;
    wire = { code: e.code, message: e.message };
  }
  const treeSize = start + bundle.entries.length;
  return {
    start,
    frontier,
    frontierRoot: toHex(foldFrontier(hasher, bundle.frontier)),
    entries: bundle.entries.length,
    treeSize,
    expectedRoot: expected === undefined ? undefined : toHex(expected),
    expectedSize,
    wire,
    matches: 'root' in wire && expected !== undefined && expectedSize === treeSize && wire.root === toHex(expected),
  };
}

/** RFC 9162 §2.1.3.2 steps 2 to 4, recording each step; the length checks are the wire layer's. */
function walk(hasher: MerkleHasher, leafIndex: number, treeSize: number, leafHash: Uint8Array, path: readonly Uint8Array[]): WalkStep[] {
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  const steps: WalkStep[] = [];
  for (const p of path) {
    if (sn === 0) break;
    const left = fn % 2 === 1 || fn === sn;
    r = left ? hasher.hashChildren(p, r) : hasher.hashChildren(r, p);
    if (left) {
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
    steps.push({ sibling: toHex(p), side: left ? 'left' : 'right', result: toHex(r) });
  }
  return steps;
}

/** The proof an RFC 9942 receipt carries in its unprotected vdp header under `label` (receipts.md §2): [size, size-or-index, path]. */
function readProof(receipt: Uint8Array, label: number): { first: number; second: number; path: Uint8Array[] } {
  const vdp = decodeSign1(receipt).unprotectedHeaders.get(HEADER_VDP);
  const proofs = vdp instanceof Map ? vdp.get(label) : undefined;
  const content = Array.isArray(proofs) && proofs[0] instanceof Uint8Array ? decode(proofs[0]) : undefined;
  if (!Array.isArray(content) || typeof content[0] !== 'number' || typeof content[1] !== 'number' || !Array.isArray(content[2])) {
    return { first: 0, second: 0, path: [] };
  }
  return { first: content[0], second: content[1], path: content[2].filter((h): h is Uint8Array => h instanceof Uint8Array) };
}

function readInclusionProof(receipt: Uint8Array): { treeSize: number; leafIndex: number; path: Uint8Array[] } {
  const { first, second, path } = readProof(receipt, VDP_INCLUSION);
  return { treeSize: first, leafIndex: second, path };
}

export interface ConsistencyCheck {
  readonly treeSize1: number;
  readonly treeSize2: number;
  readonly pathLength: number;
  /** The roots of the bundle's checkpoints (or report head) of the two sizes, where it has them. */
  readonly root1: string | undefined;
  readonly root2: string | undefined;
  /** The root the wire layer reaches from root1 along the proof, or the code it refused with. */
  readonly wire: { readonly root: string } | { readonly code: string; readonly message: string } | undefined;
  readonly matches: boolean;
}

/**
 * Each consistency receipt of a bundle (RFC 9162 §2.1.4, merkle.md §4): the older checkpoint's root
 * carried along the proof by the wire layer, against the newer checkpoint's root.
 */
export function checkConsistencyReceipts(bundleBytes: Uint8Array): readonly ConsistencyCheck[] {
  const bundle = evidenceBundle.parse(decode(bundleBytes), 'evidence-bundle');
  const backend = getBackend('noble');
  const hasher = createMerkleHasher((d) => backend.sha256(d));
  const roots = headRoots(bundle.checkpoints ?? [], bundle.report);
  return (bundle.consistencyReceipts ?? []).map((receipt) => {
    const { first: treeSize1, second: treeSize2, path } = readProof(receipt, VDP_CONSISTENCY);
    const root1 = roots.get(treeSize1);
    const root2 = roots.get(treeSize2);
    let wire: ConsistencyCheck['wire'];
    if (root1 !== undefined) {
      try {
        wire = { root: toHex(rootFromConsistencyProof(hasher, treeSize1, treeSize2, path, root1)) };
      } catch (e) {
        if (!isHemkitError(e)) throw e;
        wire = { code: e.code, message: e.message };
      }
    }
    return {
      treeSize1,
      treeSize2,
      pathLength: path.length,
      root1: root1 === undefined ? undefined : toHex(root1),
      root2: root2 === undefined ? undefined : toHex(root2),
      wire,
      matches: wire !== undefined && 'root' in wire && root2 !== undefined && wire.root === toHex(root2),
    };
  });
}

/** Roots by tree size: the bundle's checkpoints and the report's log head, read without verifying. */
function headRoots(checkpoints: readonly Uint8Array[], report: Uint8Array): Map<number, Uint8Array> {
  const roots = new Map<number, Uint8Array>();
  for (const c of checkpoints) {
    try {
      const claims = peekClaims(checkpointClaims, c).claims;
      roots.set(claims.treeSize, claims.rootHash);
    } catch (e) {
      if (!isHemkitError(e)) throw e;
    }
  }
  try {
    const head = peekClaims(attestationReportClaims, report).claims.logHead;
    roots.set(head.treeSize, head.rootHash);
  } catch (e) {
    if (!isHemkitError(e)) throw e;
  }
  return roots;
}

function entryIndexOf(entry: Uint8Array): number | undefined {
  try {
    return logEntry.parse(decode(entry), 'log-entry').index;
  } catch (e) {
    if (!isHemkitError(e)) throw e;
    return undefined;
  }
}

