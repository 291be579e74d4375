/** Checkpoints: the signed head of a chip's workload log, and its signed-note form (specs/messages/checkpoint.md). */
import { z } from 'zod';
import { utf8Encoder } from '../text.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, fromBase64, toBase64, toHex } from '../bytes.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { nobleBackend } from '../crypto/noble.js';
import { HemkitError } from '../errors.js';
import { CLAIM, cnfKey, counters, ueid } from './common.js';
import { digest, field, fromZod, record, time, uint, type WireType } from './schema.js';
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

// A lowercase DNS name (checkpoint.md §2.2): dot-separated labels of a-z, 0-9 and '-', each 1 to 63
// characters and neither starting nor ending with '-', at most 253 characters, no final dot.
const DNS_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DNS_NAME = `(?:${DNS_LABEL}\\.)*${DNS_LABEL}`;
const MAX_DNS_NAME = 253;

/**
 * The domain-style name that starts a chip's note origin (specs/messages/checkpoint.md §2.2): a DNS
 * name in lowercase, as C2SP recommends origins be schema-less URLs. Provisioned; `hemkit.invalid`
 * (RFC 2606) when the provisioner named none, so that no domain is borrowed.
 */
export const logDomain: WireType<string> = fromZod(
  'log-domain (a lowercase DNS name)',
  z.string().max(MAX_DNS_NAME).regex(new RegExp(`^${DNS_NAME}$`)),
);
export const DEFAULT_LOG_DOMAIN = 'hemkit.invalid';

// The domain part obeys the log-domain grammar (checkpoint.md §2.2); the suffix has a fixed length,
// so the bound on the whole string is the domain's bound plus '/hemkit/' and 32 hex digits.
/** A note origin: `<domain>/hemkit/<log id in lowercase hex>` (checkpoint.md §2.2). */
export const logOrigin: WireType<string> = fromZod(
  'log-origin',
  z.string().max(MAX_DNS_NAME + 8 + 32).regex(new RegExp(`^${DNS_NAME}/hemkit/[0-9a-f]{32}$`)),
);

/** The origin of a chip's notes; the log id is a keyed hash of the chip's secret, never its UEID. */
export function noteOrigin(domain: string, logId: Uint8Array): string {
  return `${domain}/hemkit/${toHex(logId)}`;
}

/**
 * The log-key certificate (checkpoint.md §2.1), signed once by the device identity key: it binds the
 * chip's long-lived log key, which depends on the UDS only, to the chip and to its note origin, so
 * that a witness's pinned (origin, key) survives firmware updates.
 */
export const logKeyCertificateClaims = signedType(
  record('log-key-certificate-claims', {
    ueid: field(CLAIM.ueid, ueid),
    cnf: field(CLAIM.cnf, cnfKey),
    origin: field(CLAIM.logOrigin, logOrigin),
  }),
  TYP.logKeyCertificate,
);
export type LogKeyCertificateClaims = ReturnType<typeof logKeyCertificateClaims.parse>;

/**
 * Renders a checkpoint as a C2SP tlog-checkpoint@v1.0.0 signed note (signed-note@v1.0.0), signed with
 * the chip's Ed25519 log key: three lines of text, an empty line, one signature line.
 */
export function renderSignedNote(
  origin: string,
  treeSize: number,
  rootHash: Uint8Array,
  key: SigningKey,
  backend: CryptoBackend = nobleBackend,
): string {
  if (key.publicKey.scheme !== 'ed25519') {
    throw new HemkitError('COSE_KEY_ALG_MISMATCH', 'signed notes need an Ed25519 key (type 0x01); ECDSA notes identify keys by DER, which hemkit does not produce');
  }
  const body = `${origin}\n${treeSize}\n${toBase64(rootHash)}\n`;
  const signature = backend.sign('ed25519', key.privateKey, utf8.encode(body));
  const keyId = noteKeyId(origin, key.publicKey.publicKey, (data) => backend.sha256(data));
  const blob = new Uint8Array([...keyId, ...signature]);
  return `${body}\n\u2014 ${origin} ${toBase64(blob)}\n`;
}

/** signed-note key ID: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ Ed25519 public key). */
export function noteKeyId(name: string, publicKey: Uint8Array, hash: (data: Uint8Array) => Uint8Array = sha256): Uint8Array {
  return hash(new Uint8Array([...utf8.encode(name), 0x0a, 0x01, ...publicKey])).subarray(0, 4);
}

/** The log head a verified note states. */
export interface NoteHead {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
}

/**
 * Opens a chip's checkpoint note (checkpoint.md §2.3): the text must be a tlog-checkpoint of exactly
 * three lines whose origin is `origin`, and one of its signature lines, under the name `origin` with
 * the key ID of `logKey`, must verify. Signature lines of other keys (witness cosignatures) are
 * ignored, as signed-note@v1.0.0 requires.
 */
export function openSignedNote(note: string, origin: string, logKey: Uint8Array, backend: CryptoBackend = nobleBackend): NoteHead {
  const malformed = (why: string): never => {
    throw new HemkitError('NOTE_MALFORMED', `the note ${why}`);
  };
  const split = note.indexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return malformed('is not text, an empty line and signature lines, each ending in a newline');
  const body = note.slice(0, split + 1);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length !== 3) return malformed(`has ${lines.length} text lines; a hemkit checkpoint has exactly 3`);
  const [first, sizeLine, rootLine] = lines as [string, string, string];
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeLine) || Number(sizeLine) > Number.MAX_SAFE_INTEGER) return malformed(`has tree size ${JSON.stringify(sizeLine)}`);
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(rootLine);
  } catch {
    return malformed('has a root hash that is not base64');
  }
  if (rootHash.length !== 32 || toBase64(rootHash) !== rootLine) return malformed('has a root hash that is not 32 bytes in padded standard base64');
  if (first !== origin) throw new HemkitError('NOTE_MISMATCH', `the note's origin is ${JSON.stringify(first)}; the chip's certified origin is ${JSON.stringify(origin)}`);
  const keyId = noteKeyId(origin, logKey);
  const signed = utf8.encode(body);
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (m === null) return malformed(`has a signature line that is not "— <name> <base64>": ${JSON.stringify(line)}`);
    if (m[1] !== origin) continue;
    let blob: Uint8Array;
    try {
      blob = fromBase64(m[2]!);
    } catch {
      return malformed('has a signature that is not base64');
    }
    // One encoding per value: base64 with other unused bits, or unpadded, would decode to the same bytes.
    if (toBase64(blob) !== m[2]) return malformed('has a signature that is not padded standard base64');
    if (blob.length !== 68 || !bytesEqual(blob.subarray(0, 4), keyId)) continue;
    if (backend.verify('ed25519', logKey, signed, blob.subarray(4))) return { treeSize: Number(sizeLine), rootHash };
  }
  throw new HemkitError('NOTE_SIGNATURE_INVALID', `no signature line of the note verifies under the certified log key ${toHex(keyId)} for ${origin}`);
}
