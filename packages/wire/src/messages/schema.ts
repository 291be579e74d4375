/**
 * A small schema language for hemkit messages: each message is a CBOR map with integer keys
 * (specs/cddl/hemkit.cddl), described once here as named fields with a key and a wire type. The same
 * description encodes a typed object to CBOR and decodes CBOR back, strictly: maps are closed
 * (an unlisted key is MESSAGE_UNKNOWN_FIELD), required fields must be present
 * (MESSAGE_MISSING_FIELD), and every value is checked by its type (MESSAGE_INVALID_FIELD), the leaf
 * constraints being zod schemas. Field names are the CDDL names in camelCase (`ops-quota` → opsQuota).
 */
import { z } from 'zod';
import { decode, type CborMapKey, type CborValue } from '../cbor/index.js';
import { CborCursor, MISS, type Miss } from '../cbor/cursor.js';
import { HemkitError } from '../errors.js';

/** Converts between a typed value and its CBOR form, checking on the way in. */
export interface WireType<T> {
  /** What the CDDL calls it, for messages. */
  readonly description: string;
  parse(value: CborValue, path: string): T;
  toCbor(value: T): CborValue;
}

export function invalid(path: string, message: string): HemkitError {
  return new HemkitError('MESSAGE_INVALID_FIELD', `${path}: ${message}`);
}

/**
 * A wire type whose CBOR form is its typed form, checked by a zod schema. `accepts`, when given, is a
 * fast test for the common case: it may say true only for a value that the schema accepts and returns
 * unchanged (test/messages/schema-fast-path.test.ts holds each one to its schema), so that a valid value skips
 * zod and an invalid one still gets zod's verdict and message. A bundle of a thousand log entries
 * parses some thirty thousand leaves.
 */
export function fromZod<T extends CborValue>(description: string, schema: z.ZodType<T>, accepts?: (value: CborValue) => boolean): WireType<T> {
  const type: WireType<T> = {
    description,
    parse(value, path) {
      if (accepts !== undefined && accepts(value)) return value as T;
      const result = schema.safeParse(value);
      if (!result.success) throw invalid(path, `expected ${description}: ${result.error.issues[0]?.message ?? 'invalid'}`);
      return result.data;
    },
    toCbor: (value) => value,
  };
  if (accepts !== undefined) {
    FAST.set(type, accepts);
    READ.set(type, (c) => {
      const v = c.value();
      return v !== MISS && accepts(v) ? (v as T) : MISS;
    });
  }
  return type;
}

/**
 * The fast tests of fromZod's types, so that a record or an array can try one before it builds the
 * path string that only a failure needs (a field's or an item's name, e.g. `log-entry.details`).
 */
const FAST = new WeakMap<WireType<unknown>, (value: CborValue) => boolean>();

/**
 * The fast path of `decodeAs`: each type's reader of its value straight from the encoding, which
 * returns what `type.parse(decode(bytes))` returns for the bytes it reads, or MISS where it cannot
 * vouch for them (it never throws). Kept beside the types rather than on them, so that a type made by
 * spreading another and replacing its `parse` (evidenceBundle) has no reader unless it registers its own.
 */
type Reader<T> = (c: CborCursor) => T | Miss;
const READ = new WeakMap<WireType<unknown>, Reader<unknown>>();

/** The fast reader of `type`, if it has one (see decodeAs). */
export function readerOf<T>(type: WireType<T>): ((c: CborCursor) => T | Miss) | undefined {
  return READ.get(type) as Reader<T> | undefined;
}

/** Registers `read` as the fast reader of `type` (a type whose parse adds checks of its own: see READ). */
export function withReader<T, W extends WireType<T>>(type: W, read: (c: CborCursor) => T | Miss): W {
  READ.set(type, read as Reader<unknown>);
  return type;
}

/**
 * `type.parse(decode(bytes), path)`, the same value or the same error, read straight from the bytes
 * where every type on the way has a reader: no CBOR maps are built, only the typed value. A verifier
 * decodes a thousand log entries a bundle this way. Where the fast path cannot vouch for the bytes
 * (a fault, or anything it does not handle), the general path decodes them again and decides.
 */
export function decodeAs<T>(type: WireType<T>, bytes: Uint8Array, path: string): T {
  const read = readerOf(type);
  const c = read === undefined ? undefined : CborCursor.over(bytes);
  if (c !== undefined) {
    const value = read!(c);
    if (value !== MISS && c.done) return value;
  }
  return type.parse(decode(bytes), path);
}

export { MISS, type Miss, type CborCursor };

export interface Field<T, Optional extends boolean> {
  readonly key: number;
  readonly type: WireType<T>;
  readonly optional: Optional;
}

export function field<T>(key: number, type: WireType<T>): Field<T, false> {
  return { key, type, optional: false };
}

export function optional<T>(key: number, type: WireType<T>): Field<T, true> {
  return { key, type, optional: true };
}

type Fields = Record<string, Field<any, boolean>>;

/** The typed object a record of fields describes: optional fields may be absent. */
export type RecordOf<F extends Fields> = {
  readonly [K in keyof F as F[K] extends Field<any, false> ? K : never]: F[K] extends Field<infer T, boolean> ? T : never;
} & {
  readonly [K in keyof F as F[K] extends Field<any, true> ? K : never]?: F[K] extends Field<infer T, boolean> ? T : never;
};

export interface RecordType<T> extends WireType<T> {
  readonly name: string;
  /** Encodes to a CBOR map (not yet to bytes). */
  toCbor(value: T): Map<CborMapKey, CborValue>;
  /** The key of each field, by field name: one place that says which key a name has. */
  readonly keys: Readonly<Record<string, number>>;
}

/** A closed CBOR map with integer keys, one typed field per key. */
export function record<F extends Fields>(name: string, fields: F): RecordType<RecordOf<F>> {
  const byKey = new Map<CborMapKey, [string, Field<any, boolean>]>();
  const keys: Record<string, number> = {};
  for (const [fieldName, f] of Object.entries(fields)) {
    if (byKey.has(f.key)) throw new Error(`record ${name}: key ${f.key} used twice`);
    byKey.set(f.key, [fieldName, f]);
    keys[fieldName] = f.key;
  }
  const required = Object.entries(fields).filter(([, f]) => !f.optional);
  const fast = new Map<CborMapKey, (value: CborValue) => boolean>();
  for (const f of Object.values(fields)) {
    const accepts = FAST.get(f.type);
    if (accepts !== undefined) fast.set(f.key, accepts);
  }
  const fieldList = Object.entries(fields).map(([fieldName, f]) => ({ fieldName, key: f.key, optional: f.optional, type: f.type as WireType<unknown> }));
  const type: RecordType<RecordOf<F>> = {
    name,
    description: name,
    keys,
    parse(value, path = name) {
      if (!(value instanceof Map)) throw invalid(path, `expected a map (${name})`);
      const out: Record<string, unknown> = {};
      for (const [key, item] of value as ReadonlyMap<CborMapKey, CborValue>) {
        const entry = byKey.get(key);
        if (entry === undefined) {
          throw new HemkitError('MESSAGE_UNKNOWN_FIELD', `${path}: key ${String(key)} is not a field of ${name} (the map is closed)`);
        }
        const [fieldName, f] = entry;
        out[fieldName] = fast.get(key)?.(item) === true ? item : f.type.parse(item, `${path}.${fieldName}`);
      }
      for (const [fieldName, f] of required) {
        if (!(fieldName in out)) {
          throw new HemkitError('MESSAGE_MISSING_FIELD', `${path}: required field ${fieldName} (key ${f.key}) is missing`);
        }
      }
      return out as RecordOf<F>;
    },
    toCbor(value) {
      const map = new Map<CborMapKey, CborValue>();
      for (const [fieldName, f] of Object.entries(fields)) {
        const item = (value as Record<string, unknown>)[fieldName];
        if (item === undefined) {
          if (!f.optional) throw new HemkitError('MESSAGE_MISSING_FIELD', `${name}: required field ${fieldName} is missing`);
          continue;
        }
        map.set(f.key, f.type.toCbor(item));
      }
      return map;
    },
  };
  // The fast reader: the map's keys ascending (so no key twice), each a field, each field's value read
  // by its type's reader, every required field present; the object built in key order, as parse does.
  const readers = new Map<number, { fieldName: string; required: boolean; read: Reader<unknown> }>();
  let complete = true;
  for (const f of fieldList) {
    const read = readerOf(f.type);
    if (read === undefined) complete = false;
    else readers.set(f.key, { fieldName: f.fieldName, required: !f.optional, read });
  }
  const requiredCount = required.length;
  if (complete) {
    READ.set(type, (c) => {
      const n = c.enter(5);
      if (n < 0) return MISS;
      const out: Record<string, unknown> = {};
      let major = -1;
      let argument = 0;
      let requiredSeen = 0;
      for (let i = 0; i < n; i++) {
        const key = c.intKey();
        if (Number.isNaN(key) || !c.after(major, argument)) return MISS;
        major = c.major;
        argument = c.argument;
        const f = readers.get(key);
        if (f === undefined) return MISS;
        const v = f.read(c);
        if (v === MISS) return MISS;
        out[f.fieldName] = v;
        if (f.required) requiredSeen++;
      }
      c.leave();
      return requiredSeen === requiredCount ? (out as RecordOf<F>) : MISS;
    });
  }
  return type;
}

/** One record type chosen by the value of a discriminating field (log entries by event kind). */
export function union<T>(name: string, discriminant: number, variants: ReadonlyMap<number, RecordType<T>>): WireType<T> {
  const type: WireType<T> = {
    description: name,
    parse(value, path) {
      if (!(value instanceof Map)) throw invalid(path, `expected a map (${name})`);
      const tag = (value as ReadonlyMap<CborMapKey, CborValue>).get(discriminant);
      const variant = typeof tag === 'number' ? variants.get(tag) : undefined;
      if (variant === undefined) {
        if (tag === undefined) throw new HemkitError('MESSAGE_MISSING_FIELD', `${path}: ${name} needs key ${discriminant}`);
        throw invalid(path, `${String(tag)} is not a known ${name} kind`);
      }
      return variant.parse(value, path);
    },
    toCbor(value) {
      const tag = (value as Record<string, unknown>).kind;
      const variant = typeof tag === 'number' ? variants.get(tag) : undefined;
      if (variant === undefined) throw new HemkitError('MESSAGE_INVALID_FIELD', `${name}: unknown kind ${String(tag)}`);
      return variant.toCbor(value);
    },
  };
  // The fast reader finds the discriminant first (skipping the entries before it), then reads the
  // whole map again with the variant's reader.
  READ.set(type, (c) => {
    const start = c.pos;
    const depth = c.depth;
    const n = c.enter(5);
    if (n < 0) return MISS;
    let tag: CborValue | Miss = MISS;
    for (let i = 0; i < n && tag === MISS; i++) {
      const key = c.intKey();
      if (Number.isNaN(key)) return MISS;
      if (key === discriminant) {
        tag = c.value();
        if (tag === MISS) return MISS;
      } else if (!c.skip()) return MISS;
    }
    const variant = typeof tag === 'number' ? variants.get(tag) : undefined;
    const read = variant === undefined ? undefined : readerOf(variant);
    if (read === undefined) return MISS;
    c.pos = start;
    c.depth = depth;
    return read(c);
  });
  return type;
}

// ----- common wire types (specs/cddl/hemkit.cddl §1) -----

const UINT64_MAX = (1n << 64n) - 1n;
const UINT128_MAX = (1n << 128n) - 1n;

const isUint = (v: CborValue): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
export const uint: WireType<number> = fromZod('uint (a safe integer)', z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), isUint);
export const int: WireType<number> = fromZod('int (a safe integer)', z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER), (v) => typeof v === 'number' && Number.isSafeInteger(v));
export const time: WireType<number> = fromZod('time (integer seconds since the epoch)', z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), isUint);
export const bool: WireType<boolean> = fromZod('bool', z.boolean(), (v) => typeof v === 'boolean');
export const text: WireType<string> = fromZod('tstr', z.string(), (v) => typeof v === 'string');

/** A usage counter or quota: 0..2^128-1, always a bigint in code (uint / biguint-128 on the wire). */
export const counter: WireType<bigint> = withReader<bigint, WireType<bigint>>({
  description: 'counter (0..2^128-1)',
  parse(value, path) {
    const n = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
    if (typeof n !== 'bigint' || n < 0n || n > UINT128_MAX) throw invalid(path, 'expected a counter, an integer in 0..2^128-1');
    return n;
  },
  toCbor(value) {
    if (value < 0n || value > UINT128_MAX) throw invalid('counter', `${value} is outside 0..2^128-1`);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  },
}, (c) => unsignedUpTo(c.value(), UINT128_MAX));

/** The fast reader of counter and uint64: parse's conversion, MISS where parse would refuse. */
function unsignedUpTo(value: CborValue | Miss, max: bigint): bigint | Miss {
  const n = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
  return typeof n !== 'bigint' || n < 0n || n > max ? MISS : n;
}

export const uint64: WireType<bigint> = withReader<bigint, WireType<bigint>>({
  description: 'uint (64-bit)',
  parse(value, path) {
    const n = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
    if (typeof n !== 'bigint' || n < 0n || n > UINT64_MAX) throw invalid(path, 'expected an integer in 0..2^64-1');
    return n;
  },
  toCbor: (value) => (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value),
}, (c) => unsignedUpTo(c.value(), UINT64_MAX));

export function bytes(min: number, max = min): WireType<Uint8Array> {
  const description = min === max ? `bstr .size ${min}` : `bstr .size (${min}..${max})`;
  return fromZod(
    description,
    z.instanceof(Uint8Array).refine((b) => b.length >= min && b.length <= max, `length must be ${min === max ? min : `${min} to ${max}`}`),
    (v) => v instanceof Uint8Array && v.length >= min && v.length <= max,
  );
}

export const anyBytes: WireType<Uint8Array> = fromZod('bstr', z.instanceof(Uint8Array), (v) => v instanceof Uint8Array);
export const digest = bytes(32);

export function oneOf<T extends number>(description: string, values: readonly T[]): WireType<T> {
  const allowed = new Set<number>(values);
  return fromZod(
    description,
    z.number().refine((v) => allowed.has(v), `must be one of ${values.join(', ')}`) as unknown as z.ZodType<T>,
    (v) => typeof v === 'number' && allowed.has(v),
  );
}

export function arrayOf<T>(item: WireType<T>, options: { min?: number; max?: number } = {}): WireType<readonly T[]> {
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const type: WireType<readonly T[]> = {
    description: `[${min > 0 ? '+' : '*'} ${item.description}]`,
    parse(value, path) {
      if (!Array.isArray(value)) throw invalid(path, `expected an array of ${item.description}`);
      if (value.length < min || value.length > max) throw invalid(path, `expected ${min} to ${max} items, found ${value.length}`);
      const accepts = FAST.get(item);
      return (value as readonly CborValue[]).map((v, i) => (accepts?.(v) === true ? (v as T) : item.parse(v, `${path}[${i}]`)));
    },
    toCbor: (values) => values.map((v) => item.toCbor(v)),
  };
  const read = readerOf(item);
  if (read !== undefined) {
    READ.set(type, (c) => {
      const n = c.enter(4);
      if (n < min || n > max) return MISS;
      const out = new Array<T>(n);
      for (let i = 0; i < n; i++) {
        const v = read(c);
        if (v === MISS) return MISS;
        out[i] = v;
      }
      c.leave();
      return out;
    });
  }
  return type;
}

/** A map from integer keys to values, e.g. operations per precision class. */
export function mapOf<K extends number, V>(key: WireType<K>, value: WireType<V>): WireType<ReadonlyMap<K, V>> {
  const type: WireType<ReadonlyMap<K, V>> = {
    description: `{ * ${key.description} => ${value.description} }`,
    parse(v, path) {
      if (!(v instanceof Map)) throw invalid(path, 'expected a map');
      const out = new Map<K, V>();
      for (const [k, x] of v as ReadonlyMap<CborMapKey, CborValue>) {
        out.set(key.parse(k, `${path}.key`), value.parse(x, `${path}[${String(k)}]`));
      }
      return out;
    },
    toCbor(m) {
      return new Map<CborMapKey, CborValue>([...m].map(([k, x]) => [key.toCbor(k) as CborMapKey, value.toCbor(x)]));
    },
  };
  // Fast only for integer keys, in the profile's order, that the key type takes as they are.
  const acceptsKey = FAST.get(key);
  const readValue = readerOf(value);
  if (acceptsKey !== undefined && readValue !== undefined) {
    READ.set(type, (c) => {
      const n = c.enter(5);
      if (n < 0) return MISS;
      const out = new Map<K, V>();
      let major = -1;
      let argument = 0;
      for (let i = 0; i < n; i++) {
        const k = c.intKey();
        if (Number.isNaN(k) || !c.after(major, argument) || !acceptsKey(k)) return MISS;
        major = c.major;
        argument = c.argument;
        const x = readValue(c);
        if (x === MISS) return MISS;
        out.set(k as K, x);
      }
      c.leave();
      return out;
    });
  }
  return type;
}

/** A fixed literal value (e.g. the EAT profile string). */
export function literal<T extends string | number>(value: T): WireType<T> {
  return fromZod(JSON.stringify(value), z.literal(value) as unknown as z.ZodType<T>, (v) => v === value);
}
