/**
 * A checkpoint rendered as a C2SP signed note (specs/messages/checkpoint.md §2): three lines of note
 * text (origin, tree size, base64 root), an empty line, and signature lines `— <name> <base64(key ID
 * ‖ signature)>`. Each signature is checked against the Ed25519 keys given: the key ID must be the
 * key's (SHA-256 of name ‖ 0x0A ‖ 0x01 ‖ public key, first 4 bytes) and the signature must verify
 * over the note text.
 */
import { bytesEqual, fromBase64, toHex } from '@hemkit/wire/bytes';
import { getBackend } from '@hemkit/wire/crypto';
import { noteKeyId } from '@hemkit/wire/messages';
import type { NamedKey } from './signatures.js';

export interface NoteSignature {
  readonly name: string;
  readonly keyId: string;
  readonly signature: string;
  /** Set when keys were given: the key that verified it, or why none did. */
  readonly verified?: { readonly by: string } | { readonly reason: string };
}

export interface SignedNote {
  readonly origin: string;
  readonly treeSize: string;
  readonly rootHash: string;
  readonly signatures: readonly NoteSignature[];
}

const NOTE = /^([^\n]+)\n(0|[1-9]\d*)\n([A-Za-z0-9+/]+={0,2})\n\n((?:\u2014 [^\n]+\n?)+)$/;

/** The note in `text`, or undefined when the text is not one. */
export function parseSignedNote(text: string, keys: readonly NamedKey[] = []): SignedNote | undefined {
  const m = NOTE.exec(text.replace(/\r\n/g, '\n'));
  if (m === null) return undefined;
  const [, origin, treeSize, root] = m as unknown as [string, string, string, string, string];
  const body = new TextEncoder().encode(`${origin}\n${treeSize}\n${root}\n`);
  const backend = getBackend('noble');
  const signatures = m[4]!
    .split('\n')
    .filter((l) => l !== '')
    .map((line): NoteSignature | undefined => {
      const [, name, blob] = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line) ?? [];
      if (name === undefined || blob === undefined) return undefined;
      const bytes = fromBase64(blob);
      const keyId = bytes.subarray(0, 4);
      const signature = bytes.subarray(4);
      const base = { name, keyId: toHex(keyId), signature: toHex(signature) };
      if (keys.length === 0) return base;
      const ed = keys.filter((k) => k.key.scheme === 'ed25519');
      const named = ed.find((k) => bytesEqual(noteKeyId(name, k.key.publicKey), keyId));
      if (named === undefined) return { ...base, verified: { reason: 'no Ed25519 key given has this key ID' } };
      return backend.verify('ed25519', named.key.publicKey, body, signature) ? { ...base, verified: { by: named.label } } : { ...base, verified: { reason: `the signature does not verify under ${named.label}` } };
    });
  if (signatures.some((s) => s === undefined)) return undefined;
  let rootHash: string;
  try {
    rootHash = toHex(fromBase64(root));
  } catch {
    return undefined;
  }
  return { origin, treeSize, rootHash, signatures: signatures as NoteSignature[] };
}
