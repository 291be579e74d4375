/**
 * RFC 9942 COSE Receipts over the RFC 9162 workload log (specs/messages/receipts.md): a COSE_Sign1
 * by the attestation key whose detached payload is a Merkle root, with vds = RFC9162_SHA256 in the
 * protected header and the proof in vdp, unprotected. The verifier recomputes the root from the
 * proof and verifies the signature over that root: proof first, then signature (RFC 9942 §5.2.1).
 */
import { CborTag, decode, encode, TAG_COSE_SIGN1, type CborMapKey, type CborValue } from '../cbor/index.js';
import { bytesEqual } from '../bytes.js';
import { decodeSign1, verifySign1, type CoseSign1, type CosePublicKey } from '../cose/index.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { nobleBackend } from '../crypto/noble.js';
import { HemkitError } from '../errors.js';
import { rootFromConsistencyProof, rootFromInclusionProof, type MerkleHasher } from '../merkle/index.js';
import { arrayOf, digest, invalid, uint } from './schema.js';
import type { SigningKey } from './signed.js';

export const HEADER_VDS = 395;
export const HEADER_VDP = 396;
export const VDS_RFC9162_SHA256 = 1;
export const VDP_INCLUSION = -1;
export const VDP_CONSISTENCY = -2;

const path = arrayOf(digest, { min: 1 });

export interface InclusionProof {
  readonly treeSize: number;
  readonly leafIndex: number;
  readonly path: readonly Uint8Array[];
}

export interface ConsistencyProof {
  readonly treeSize1: number;
  readonly treeSize2: number;
  readonly path: readonly Uint8Array[];
}

function sign(key: SigningKey, root: Uint8Array, label: number, proof: CborValue[], backend: CryptoBackend): Uint8Array {
  const protectedBytes = encode(new Map<CborMapKey, CborValue>([[1, key.alg], [4, key.kid], [HEADER_VDS, VDS_RFC9162_SHA256]]));
  const toBeSigned = encode(['Signature1', protectedBytes, new Uint8Array(0), root]);
  const scheme = key.publicKey.scheme;
  const signature = backend.sign(scheme, key.privateKey, toBeSigned);
  const unprotected = new Map<CborMapKey, CborValue>([[HEADER_VDP, new Map<CborMapKey, CborValue>([[label, [encode(proof)]]])]]);
  return encode(new CborTag(TAG_COSE_SIGN1, [protectedBytes, unprotected, null, signature]));
}

/** RFC 9942 §5.2 needs a non-empty path: a one-leaf tree or an equal-size pair has no receipt. */
function requirePath(proof: readonly Uint8Array[], what: string): void {
  if (proof.length === 0) {
    throw new HemkitError('MERKLE_PROOF_WRONG_LENGTH', `${what}: RFC 9942 receipts carry a non-empty path; this proof is empty`);
  }
}

export function signInclusionReceipt(key: SigningKey, proof: InclusionProof, root: Uint8Array, backend: CryptoBackend = nobleBackend): Uint8Array {
  requirePath(proof.path, 'inclusion receipt');
  return sign(key, root, VDP_INCLUSION, [proof.treeSize, proof.leafIndex, [...proof.path]], backend);
}

export function signConsistencyReceipt(key: SigningKey, proof: ConsistencyProof, root2: Uint8Array, backend: CryptoBackend = nobleBackend): Uint8Array {
  requirePath(proof.path, 'consistency receipt');
  return sign(key, root2, VDP_CONSISTENCY, [proof.treeSize1, proof.treeSize2, [...proof.path]], backend);
}

function readProof(bytes: Uint8Array, label: number, name: string): { message: CoseSign1; content: readonly CborValue[] } {
  const message = decodeSign1(bytes);
  if (message.protectedHeaders.get(HEADER_VDS) !== VDS_RFC9162_SHA256) {
    throw invalid(name, `protected header vds must be ${VDS_RFC9162_SHA256} (RFC9162_SHA256)`);
  }
  if (message.payload !== null) throw invalid(name, 'the payload must be detached (nil): the verifier recomputes the root');
  const vdp = message.unprotectedHeaders.get(HEADER_VDP);
  if (!(vdp instanceof Map) || vdp.size !== 1 || !vdp.has(label)) {
    throw invalid(name, `unprotected vdp must hold exactly the proof label ${label}`);
  }
  const proofs = vdp.get(label);
  if (!Array.isArray(proofs) || proofs.length !== 1 || !(proofs[0] instanceof Uint8Array)) {
    throw invalid(name, 'vdp must carry exactly one proof, as a byte string');
  }
  const content = decode(proofs[0]);
  if (!Array.isArray(content) || content.length !== 3) throw invalid(name, 'a proof is [size, size-or-index, [+ digest]]');
  return { message, content: content as readonly CborValue[] };
}

/**
 * Receipt signatures already verified under one key. A receipt's signature covers only its protected
 * header and the root (the proof is unprotected), so every receipt the chip issues against one tree
 * head carries the same signature over the same bytes. Verifying a signature is a function of the key,
 * the protected bytes, the root and the signature, so once one of them verified, the others with the
 * same four inputs need only their proofs recomputed (specs/messages/receipts.md §4): a bundle's
 * disclosed entries then cost hashes, not one signature each. Scope a memo to one appraisal or to one
 * key; it is ignored for any other key.
 */
export class ReceiptSignatures {
  // Verified (protected bytes, root, signature) triples, most often one: a bundle's receipts share a head.
  readonly #verified: (readonly [Uint8Array, Uint8Array, Uint8Array])[] = [];
  constructor(readonly key: CosePublicKey) {}

  /** Verifies `message` over `root` unless these exact bytes already verified under this key. */
  verify(message: CoseSign1, key: CosePublicKey, root: Uint8Array, backend: CryptoBackend | undefined): void {
    const remembered = key === this.key;
    if (remembered && this.#verified.some(([p, r, s]) => bytesEqual(s, message.signature) && bytesEqual(r, root) && bytesEqual(p, message.protectedBytes))) return;
    verifySign1(message, key, { detachedPayload: root, ...(backend ? { backend } : {}) });
    if (remembered && this.#verified.length < MEMO_LIMIT) this.#verified.push([message.protectedBytes, root, message.signature]);
  }
}

/** Distinct signatures a memo keeps: a bundle's receipts share one head, so one suffices; a few spare. */
const MEMO_LIMIT = 8;

function verifyOver(message: CoseSign1, key: CosePublicKey, root: Uint8Array, backend: CryptoBackend | undefined, memo: ReceiptSignatures | undefined): void {
  if (memo !== undefined) memo.verify(message, key, root, backend);
  else verifySign1(message, key, { detachedPayload: root, ...(backend ? { backend } : {}) });
}

/** Verifies an inclusion receipt for `leafHash`; returns the proof and the root it commits to. */
export function verifyInclusionReceipt(
  bytes: Uint8Array,
  key: CosePublicKey,
  leafHash: Uint8Array,
  hasher: MerkleHasher,
  backend?: CryptoBackend,
  memo?: ReceiptSignatures,
): InclusionProof & { readonly root: Uint8Array } {
  const { message, content } = readProof(bytes, VDP_INCLUSION, 'inclusion receipt');
  const [size, index, p] = content;
  const proof = { treeSize: uint.parse(size!, 'tree-size'), leafIndex: uint.parse(index!, 'leaf-index'), path: path.parse(p!, 'inclusion-path') };
  const root = rootFromInclusionProof(hasher, proof.leafIndex, proof.treeSize, leafHash, proof.path);
  verifyOver(message, key, root, backend, memo);
  return { ...proof, root };
}

/**
 * The proof an inclusion receipt carries, read from its structure without verifying it: whoever holds
 * a receipt can read the frontier before its entry from it (merkle.md §9). hemkit's operator asks the
 * chip for the frontier instead (read-entries, module-commands.md §3.1), which costs no signature.
 */
export function inclusionReceiptProof(bytes: Uint8Array): InclusionProof {
  const [size, index, p] = readProof(bytes, VDP_INCLUSION, 'inclusion receipt').content;
  return { treeSize: uint.parse(size!, 'tree-size'), leafIndex: uint.parse(index!, 'leaf-index'), path: path.parse(p!, 'inclusion-path') };
}

/**
 * The two tree sizes a consistency receipt names, read from its structure without verifying it: a
 * verifier uses them to tell a receipt for another pair of sizes (irrelevant) from one for the pair it
 * needs that does not verify (a log rewritten between them).
 */
export function consistencyReceiptSizes(bytes: Uint8Array): { readonly treeSize1: number; readonly treeSize2: number } {
  const [size1, size2] = readProof(bytes, VDP_CONSISTENCY, 'consistency receipt').content;
  return { treeSize1: uint.parse(size1!, 'tree-size-1'), treeSize2: uint.parse(size2!, 'tree-size-2') };
}

/** Verifies a consistency receipt from a tree whose root `root1` the caller trusts; returns the newer root. */
export function verifyConsistencyReceipt(
  bytes: Uint8Array,
  key: CosePublicKey,
  root1: Uint8Array,
  hasher: MerkleHasher,
  backend?: CryptoBackend,
  memo?: ReceiptSignatures,
): ConsistencyProof & { readonly root2: Uint8Array } {
  const { message, content } = readProof(bytes, VDP_CONSISTENCY, 'consistency receipt');
  const [size1, size2, p] = content;
  const proof = { treeSize1: uint.parse(size1!, 'tree-size-1'), treeSize2: uint.parse(size2!, 'tree-size-2'), path: path.parse(p!, 'consistency-path') };
  const root2 = rootFromConsistencyProof(hasher, proof.treeSize1, proof.treeSize2, proof.path, root1);
  verifyOver(message, key, root2, backend, memo);
  return { ...proof, root2 };
}
