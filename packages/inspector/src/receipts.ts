/**
 * An evidence bundle's inclusion receipts walked step by step (RFC 9162 §2.1.3.2, specs/merkle.md §3):
 * for each disclosed entry, the leaf hash, every sibling on the audit path with the side it joins
 * from and the hash it gives, and the root reached, against the root of the checkpoint of the same
 * tree size. The walk is for people to follow; the wire layer's `rootFromInclusionProof` decides,
 * and the walk reports its verdict beside its own result. Receipt signatures are the appraisal's
 * inclusion check (verifier.md §5), which certifies the key first.
 */
import { bytesEqual, fromHex, toHex } from '@hemkit/wire/bytes';
import { decode } from '@hemkit/wire/cbor';
import { decodeSign1 } from '@hemkit/wire/cose';
import { getBackend } from '@hemkit/wire/crypto';
import { isHemkitError } from '@hemkit/wire/errors';
import { createMerkleHasher, rootFromInclusionProof, type MerkleHasher } from '@hemkit/wire/merkle';
import { attestationReportClaims, checkpointClaims, evidenceBundle, HEADER_VDP, logEntry, peekClaims, VDP_INCLUSION } from '@hemkit/wire/messages';

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
  return (bundle.entries ?? []).map((disclosed, position) => {
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
    return {
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
    };
  });
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

/** The proof an RFC 9942 inclusion receipt carries in its unprotected vdp header (receipts.md §2). */
function readInclusionProof(receipt: Uint8Array): { treeSize: number; leafIndex: number; path: Uint8Array[] } {
  const vdp = decodeSign1(receipt).unprotectedHeaders.get(HEADER_VDP);
  const proofs = vdp instanceof Map ? vdp.get(VDP_INCLUSION) : undefined;
  const content = Array.isArray(proofs) && proofs[0] instanceof Uint8Array ? decode(proofs[0]) : undefined;
  if (!Array.isArray(content) || typeof content[0] !== 'number' || typeof content[1] !== 'number' || !Array.isArray(content[2])) {
    return { treeSize: 0, leafIndex: 0, path: [] };
  }
  return { treeSize: content[0], leafIndex: content[1], path: content[2].filter((h): h is Uint8Array => h instanceof Uint8Array) };
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

