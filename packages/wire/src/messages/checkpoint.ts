/** Checkpoints: the signed head of a chip's workload log (specs/messages/checkpoint.md). */
import { utf8Encoder } from '../text.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64, toHex } from '../bytes.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { nobleBackend } from '../crypto/noble.js';
import { HemkitError } from '../errors.js';
import { CLAIM, counters, ueid } from './common.js';
import { digest, field, record, time, uint } from './schema.js';
import type { SigningKey } from './signed.js';
import { signedType, TYP } from './typed.js';

export const checkpointClaims = signedType(
  record('checkpoint-claims', {
    ueid: field(CLAIM.ueid, ueid),
    issuedAt: field(CLAIM.iat, time),
    bootcount: field(CLAIM.bootcount, uint),
    treeSize: field(CLAIM.treeSize, uint),
    rootHash: field(CLAIM.rootHash, digest),
    counters: field(CLAIM.counters, counters),
  }),
  TYP.checkpoint,
);
export type CheckpointClaims = ReturnType<typeof checkpointClaims.parse>;

const utf8 = utf8Encoder;

/** The note's origin line (PROVISIONAL in the spec): `hemkit/ueid/` and the UEID in lowercase hex. */
export function noteOrigin(chipUeid: Uint8Array): string {
  return `hemkit/ueid/${toHex(chipUeid)}`;
}

/**
 * Renders a checkpoint as a C2SP tlog-checkpoint signed note (c2sp.org/signed-note), signed with
 * the Ed25519 attestation key: three lines of text, an empty line, one signature line.
 */
export function renderSignedNote(
  chipUeid: Uint8Array,
  treeSize: number,
  rootHash: Uint8Array,
  key: SigningKey,
  backend: CryptoBackend = nobleBackend,
): string {
  if (key.publicKey.scheme !== 'ed25519') {
    throw new HemkitError('COSE_KEY_ALG_MISMATCH', 'signed notes need an Ed25519 key (type 0x01); ECDSA notes identify keys by DER, which hemkit does not produce');
  }
  const origin = noteOrigin(chipUeid);
  const body = `${origin}\n${treeSize}\n${toBase64(rootHash)}\n`;
  const signature = backend.sign('ed25519', key.privateKey, utf8.encode(body));
  const keyId = noteKeyId(origin, key.publicKey.publicKey);
  const blob = new Uint8Array([...keyId, ...signature]);
  return `${body}\n\u2014 ${origin} ${toBase64(blob)}\n`;
}

/** signed-note key ID: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ Ed25519 public key). */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(new Uint8Array([...utf8.encode(name), 0x0a, 0x01, ...publicKey])).subarray(0, 4);
}
