import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CborTag, type CborValue } from '../../src/cbor/index.js';
import { HemkitError } from '../../src/errors.js';
import { anyBytes, bool, bytes, digest, int, literal, oneOf, text, time, uint, type WireType } from '../../src/messages/schema.js';

/**
 * The leaf types answer a valid value without asking zod (schema.ts fromZod): each must give exactly
 * zod's verdict, on values at and around every edge, and hand back the value itself.
 */
const VALUES: readonly CborValue[] = [
  0, -0, 1, -1, 5, 7, 1.5, -1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.MIN_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER - 1, 2 ** 60, NaN, Infinity, -Infinity, 0n, 5n, 2n ** 64n, '', 'x', '5', true, false, null,
  new Uint8Array(0), new Uint8Array(6), new Uint8Array(7), new Uint8Array(32), new Uint8Array(33), new Uint8Array(34),
  Buffer.alloc(32), [], [1], new Map(), new CborTag(18, 1),
];

const CASES: readonly (readonly [string, WireType<unknown>, z.ZodType])[] = [
  ['uint', uint, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)],
  ['int', int, z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER)],
  ['time', time, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)],
  ['bool', bool, z.boolean()],
  ['text', text, z.string()],
  ['digest', digest, z.instanceof(Uint8Array).refine((b) => b.length === 32)],
  ['bytes(7, 33)', bytes(7, 33), z.instanceof(Uint8Array).refine((b) => b.length >= 7 && b.length <= 33)],
  ['anyBytes', anyBytes, z.instanceof(Uint8Array)],
  ['oneOf 1, 5', oneOf('one-of', [1, 5]), z.number().refine((v) => v === 1 || v === 5)],
  ['literal 5', literal(5), z.literal(5)],
  ['literal "x"', literal('x'), z.literal('x')],
];

describe.each(CASES)('the %s fast path', (_name, type, reference) => {
  it.each(VALUES.map((v, i) => [i, v] as const))('gives zod\'s verdict on value %i, and the value itself', (_i, value) => {
    const expected = reference.safeParse(value);
    let result: unknown;
    let error: unknown;
    try {
      result = type.parse(value, 'field');
    } catch (e) {
      error = e;
    }
    if (expected.success) {
      expect(error).toBeUndefined();
      expect(Object.is(result, value)).toBe(true);
    } else {
      expect(error).toBeInstanceOf(HemkitError);
      expect((error as HemkitError).code).toBe('MESSAGE_INVALID_FIELD');
    }
  });
});
