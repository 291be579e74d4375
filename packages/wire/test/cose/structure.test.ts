import { describe, expect, it } from 'vitest';
import { encode } from '../../src/cbor/index.js';
import { sigStructure } from '../../src/cose/structure.js';
import { hex } from '../support/expect-code.js';

/** Bytes of a given length, distinct per length. */
const bytesOf = (n: number): Uint8Array => new Uint8Array(n).fill(n % 251);

describe('Sig_structure (RFC 9052 §4.4) written in one pass', () => {
  // Every length of head a byte string can take: 1, 2, 3 and 5 bytes (the 9-byte form needs 4 GiB).
  const LENGTHS = [0, 1, 23, 24, 255, 256, 65535, 65536];

  it.each(LENGTHS)('is the deterministic encoding of ["Signature1", protected, aad, payload] with a %i-byte payload', (n) => {
    const fields = [bytesOf(3), new Uint8Array(0), bytesOf(n)];
    expect(hex(sigStructure('Signature1', fields))).toBe(hex(encode(['Signature1', ...fields])));
  });

  it.each(LENGTHS)('is the deterministic encoding of ["Signature", body, signer, aad, payload] with %i-byte headers', (n) => {
    const fields = [bytesOf(n), bytesOf(n + 1), bytesOf(5), bytesOf(40)];
    expect(hex(sigStructure('Signature', fields))).toBe(hex(encode(['Signature', ...fields])));
  });

  it('encodes a field that is not bytes the general way (as encode does), not as a byte string', () => {
    const odd = ['text' as unknown as Uint8Array, new Uint8Array(0), bytesOf(4)];
    expect(hex(sigStructure('Signature1', odd))).toBe(hex(encode(['Signature1', 'text', new Uint8Array(0), bytesOf(4)])));
  });
});
