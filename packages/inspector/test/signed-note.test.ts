import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex, toHex } from '@hemkit/wire';
import { renderSignedNote, signingKey } from '@hemkit/wire/messages';
import { parseSignedNote } from '../src/signed-note.js';

// The example of specs/messages/checkpoint.md §2: attestation key seed 32 × 0x07.
const key = signingKey(-8, new Uint8Array(32).fill(7));
const ueid = fromHex('01000102030405060708090a0b0c0d0e0f');
const root = sha256(new TextEncoder().encode('example root'));
const note = renderSignedNote(`hemkit/ueid/${toHex(ueid)}`, 42, root, key);
const keys = [{ label: 'the pasted key', key: key.publicKey }];

describe('signed notes', () => {
  it('reads the note lines and the signature line', () => {
    const n = parseSignedNote(note)!;
    expect(n).toMatchObject({ origin: 'hemkit/ueid/01000102030405060708090a0b0c0d0e0f', treeSize: '42', rootHash: toHex(root) });
    expect(n.signatures).toHaveLength(1);
    expect(n.signatures[0]).toMatchObject({ name: n.origin, keyId: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(n.signatures[0]!.verified).toBeUndefined();
  });

  it('verifies the signature under the attestation key', () => {
    expect(parseSignedNote(note, keys)!.signatures[0]!.verified).toEqual({ by: 'the pasted key' });
  });

  it('finds no key for another key ID, and no signature over changed text', () => {
    const other = [{ label: 'other', key: signingKey(-8, new Uint8Array(32).fill(8)).publicKey }];
    expect(parseSignedNote(note, other)!.signatures[0]!.verified).toEqual({ reason: 'no Ed25519 key given has this key ID' });
    expect(parseSignedNote(note.replace('\n42\n', '\n43\n'), keys)!.signatures[0]!.verified).toEqual({ reason: 'the signature does not verify under the pasted key' });
  });

  it('is not a note without its empty line or signature', () => {
    expect(parseSignedNote(note.replace('\n\n', '\n'))).toBeUndefined();
    expect(parseSignedNote(note.split('\n\n')[0]!)).toBeUndefined();
    expect(parseSignedNote('hello')).toBeUndefined();
  });
});
