/**
 * test-vectors/cbor/decode.json through the strict decoder: every valid input decodes to the stated
 * value (in diagnostic notation) and re-encodes to the same bytes; every invalid input fails with
 * exactly its code.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode, toDiagnostic, type DecodeOptions } from '../../src/cbor/index.js';
import { byId, expected, fromHex, hex, loadVectors, outcome, type Vector } from './support.js';

interface DecodeVector extends Vector {
  readonly input: string;
  readonly options?: { readonly maxDepth?: number; readonly maxInputBytes?: number; readonly allowedTags?: readonly number[] };
  readonly diagnostic?: string;
}

const file = loadVectors<DecodeVector>('cbor/decode.json', 'hemkit-cbor-decode/v1');

function options(v: DecodeVector): DecodeOptions {
  const o = v.options ?? {};
  return {
    ...(o.maxDepth !== undefined ? { maxDepth: o.maxDepth } : {}),
    ...(o.maxInputBytes !== undefined ? { maxInputBytes: o.maxInputBytes } : {}),
    ...(o.allowedTags !== undefined ? { allowedTags: new Set(o.allowedTags) } : {}),
  };
}

describe('cbor/decode.json', () => {
  it.each(byId(file.vectors))('%s', (_id, v) => {
    const input = fromHex(v.input);
    expect(outcome(() => decode(input, options(v)))).toBe(expected(v));
    if (v.result === 'valid') {
      const value = decode(input, options(v));
      expect(toDiagnostic(value)).toBe(v.diagnostic);
      expect(hex(encode(value, options(v)))).toBe(v.input);
    }
  });

  it('holds the boundary integers 2^32, 2^53, 2^64-1, 2^64, 2^128-1 and their negatives', () => {
    const diagnostics = new Set(file.vectors.map((v) => v.diagnostic));
    for (const n of [2n ** 32n, 2n ** 53n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 128n - 1n]) {
      expect(diagnostics).toContain(String(n));
      expect(diagnostics).toContain(String(-n));
    }
  });
});
