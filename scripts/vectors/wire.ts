/**
 * The wire layer's vector files (test-vectors/README.md): the CBOR decoder, COSE_Sign1 and COSE_Sign,
 * the crypto backends' key rules, RFC 9162 proofs, and every message family. Each file is built from
 * fixed keys and seeds by its own module under wire/, which also confirms every stated outcome
 * against the implementation while it writes it.
 */
import { generateCborVectors } from './wire/cbor.js';
import { generateCoseVectors } from './wire/cose.js';
import { generateCryptoVectors } from './wire/crypto.js';
import { generateMerkleVectors } from './wire/merkle.js';
import { generateMessageVectors } from './wire/messages.js';

export function generateWireVectors(): Map<string, string> {
  return new Map([
    ...generateCborVectors(),
    ...generateCoseVectors(),
    ...generateCryptoVectors(),
    ...generateMerkleVectors(),
    ...generateMessageVectors(),
  ]);
}
