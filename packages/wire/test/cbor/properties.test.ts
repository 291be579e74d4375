/**
 * Property tests for the codec (fast-check), and a differential test against cbor-x as an
 * independent decoder: what we write, another implementation reads as the same value.
 */
import fc from 'fast-check';
import { Encoder as CborXEncoder, Tag as CborXTag } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { CborTag, decode, encode, type CborMapKey, type CborValue } from '../../src/cbor/index.js';
import { ERROR_CODES, HemkitError } from '../../src/errors.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const boundaryIntegers = [0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]
  .flatMap((n) => [n, -n, -n - 1])
  .filter(Number.isSafeInteger);
const boundaryBigints = [2n ** 53n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 128n - 1n].flatMap((n) => [n, -n, -n - 1n]);

const integer: fc.Arbitrary<number | bigint> = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(...boundaryIntegers),
  fc.constantFrom(...boundaryBigints),
  fc.bigInt({ min: -(2n ** 140n), max: 2n ** 140n }),
);
const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !LONE_SURROGATE.test(s));
// Map keys are integers of at most 64 bits, or text (specs/encoding.md §Maps).
const key: fc.Arbitrary<CborMapKey> = fc.oneof(
  fc.integer(),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
  text,
);

/** Normalises a key so that 1 and 1n, which encode alike, count as one key. */
const keyIdentity = (k: CborMapKey): string => (typeof k === 'string' ? `s:${k}` : `i:${BigInt(k)}`);

const { value: cborValue } = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    integer,
    text,
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .uniqueArray(fc.tuple(key, tie('value')), { maxLength: 5, selector: ([k]) => keyIdentity(k) })
      .map((entries) => new Map(entries)),
    fc.tuple(fc.constantFrom(18, 98, 61), tie('value')).map(([t, v]) => new CborTag(t, v)),
  ),
}));

/** What decode gives back for a value: safe-range bigints become numbers, -0 becomes 0, Buffers plain Uint8Arrays. */
function normalize(v: CborValue): CborValue {
  if (typeof v === 'number') return v === 0 ? 0 : v; // -0 is the integer 0
  if (typeof v === 'bigint') return v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v;
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return (v as readonly CborValue[]).map(normalize);
  if (v instanceof Map) {
    return new Map([...(v as Map<CborMapKey, CborValue>)].map(([k, x]) => [normalize(k) as CborMapKey, normalize(x)]));
  }
  if (v instanceof CborTag) return new CborTag(v.tag, normalize(v.value));
  return v;
}

function depthOf(v: CborValue): number {
  if (typeof v === 'bigint') return v > 2n ** 64n - 1n || v < -(2n ** 64n) ? 1 : 0;
  if (Array.isArray(v)) return 1 + Math.max(0, ...(v as readonly CborValue[]).map(depthOf));
  if (v instanceof Map) return 1 + Math.max(0, ...[...(v as Map<CborMapKey, CborValue>).values()].map(depthOf));
  if (v instanceof CborTag) return 1 + depthOf(v.value);
  return 0;
}

const shallow = cborValue.filter((v) => depthOf(v) <= 16);

describe('codec properties', () => {
  it('decode(encode(v)) gives v back (bigints in the safe range come back as numbers)', () => {
    fc.assert(
      fc.property(shallow, (v) => {
        expect(decode(encode(v))).toEqual(normalize(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('encoding is a function of the value: re-encoding the decoded value gives the same bytes', () => {
    fc.assert(
      fc.property(shallow, (v) => {
        const bytes = encode(v);
        expect(Buffer.from(encode(decode(bytes))).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  /** Any byte string either decodes to a value whose encoding is exactly those bytes, or fails with a code. */
  function decodesCanonicallyOrFailsWithCode(bytes: Uint8Array): void {
    let value: CborValue;
    try {
      value = decode(bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(HemkitError);
      expect(ERROR_CODES).toContain((e as HemkitError).code);
      return;
    }
    expect(Buffer.from(encode(value)).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
  }

  it('random byte strings: canonical, or a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 48 }), decodesCanonicallyOrFailsWithCode), { numRuns: 20000 });
  });

  it('near-valid byte strings (one byte changed, cut, or inserted): canonical, or a typed error', () => {
    const mutated = fc
      .tuple(shallow, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert'))
      .map(([v, at, byte, how]) => {
        const bytes = Array.from(encode(v));
        const i = at % (bytes.length + (how === 'insert' ? 1 : 0));
        if (how === 'set') bytes[i] = byte;
        else if (how === 'cut') bytes.length = i;
        else bytes.splice(i, 0, byte);
        return new Uint8Array(bytes);
      });
    fc.assert(fc.property(mutated, decodesCanonicallyOrFailsWithCode), { numRuns: 20000 });
  });
});

describe('differential: cbor-x reads what we write as the same value', () => {
  // cbor-x configured as a plain RFC 8949 decoder (no records, Maps kept as Maps; it reads 64-bit ints as bigint).
  const cborx = new CborXEncoder({ useRecords: false, mapsAsObjects: false });

  function fromCborX(v: unknown): CborValue {
    if (typeof v === 'bigint') return normalize(v);
    if (v instanceof Uint8Array) return new Uint8Array(v);
    if (Array.isArray(v)) return v.map(fromCborX);
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [fromCborX(k) as CborMapKey, fromCborX(x)]));
    if (v instanceof CborXTag) return new CborTag(v.tag, fromCborX(v.value));
    return v as CborValue;
  }

  it('agrees on every generated value', () => {
    fc.assert(
      fc.property(shallow, (v) => {
        expect(fromCborX(cborx.decode(Buffer.from(encode(v))))).toEqual(normalize(v));
      }),
      { numRuns: 2000 },
    );
  });
});
