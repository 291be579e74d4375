/**
 * CBOR data as CDDL sees it: one node per data item, keeping what the wire says and what CDDL
 * distinguishes (RFC 8610 §3.6, Appendix D). Integers keep their major type, so `uint` (major type 0)
 * and `biguint` (tag 2) stay apart; tags keep their number and content, bignums included; maps are
 * lists of entries, since CDDL matches entries, not keys.
 *
 * Data decoded by @hemkit/wire's strict decoder is turned into this form by fromCborValue. That is
 * exact, not a guess: the profile accepts a bignum only in preferred serialisation (RFC 8949
 * §3.4.3: beyond 64 bits, no leading zero byte), so every bigint beyond 64 bits came from exactly
 * one tag-2 or tag-3 item, which fromCborValue writes back.
 */
import { CborTag, UINT64_MAX, type CborValue } from '@hemkit/wire/cbor';
import { HemkitError } from '@hemkit/wire/errors';
import { fromHex } from '@hemkit/wire/bytes';

export type RawItem =
  | { readonly kind: 'uint'; readonly value: bigint }
  /** Major type 1; `value` is the integer itself, -1 - argument. */
  | { readonly kind: 'nint'; readonly value: bigint }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly RawItem[] }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [RawItem, RawItem])[] }
  | { readonly kind: 'tag'; readonly tag: bigint; readonly content: RawItem }
  /** Major type 7 without a float: 20 false, 21 true, 22 null, 23 undefined, others unassigned. */
  | { readonly kind: 'simple'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number; readonly bits: 16 | 32 | 64 };

const SIMPLE_FALSE = 20;
const SIMPLE_TRUE = 21;
const SIMPLE_NULL = 22;

const TWO_POW_64 = 1n << 64n;
/** Enough for any message of the profile (whose decoder stops at 16) and stops cyclic input. */
const MAX_DEPTH = 64;

/** An integer as the profile encodes it: major type 0 or 1 within 64 bits, tag 2 or 3 beyond. */
function integerItem(n: bigint): RawItem {
  if (n >= 0n) return n <= UINT64_MAX ? { kind: 'uint', value: n } : bignum(2n, n);
  return n >= -TWO_POW_64 ? { kind: 'nint', value: n } : bignum(3n, -1n - n);
}

function bignum(tag: bigint, magnitude: bigint): RawItem {
  let hex = magnitude.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return { kind: 'tag', tag, content: { kind: 'bytes', value: fromHex(hex) } };
}

/** The raw form of a value in @hemkit/wire's data model (see the module comment). */
export function fromCborValue(value: CborValue, depth = 0): RawItem {
  if (depth > MAX_DEPTH) throw new HemkitError('CBOR_DEPTH_EXCEEDED', `values nest deeper than ${MAX_DEPTH} levels`);
  switch (typeof value) {
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new HemkitError('CBOR_UNSUPPORTED_VALUE', `${value} is not a safe integer; the profile has no floats (pass a bigint for large integers)`);
      }
      return integerItem(BigInt(value));
    case 'bigint':
      return integerItem(value);
    case 'string':
      return { kind: 'text', value };
    case 'boolean':
      return { kind: 'simple', value: value ? SIMPLE_TRUE : SIMPLE_FALSE };
    default:
  }
  if (value === null) return { kind: 'simple', value: SIMPLE_NULL };
  if (value instanceof Uint8Array) return { kind: 'bytes', value };
  if (Array.isArray(value)) return { kind: 'array', items: value.map((v: CborValue) => fromCborValue(v, depth + 1)) };
  if (value instanceof Map) {
    const entries: [RawItem, RawItem][] = [];
    for (const [k, v] of value) entries.push([fromCborValue(k, depth + 1), fromCborValue(v, depth + 1)]);
    return { kind: 'map', entries };
  }
  if (value instanceof CborTag) return { kind: 'tag', tag: BigInt(value.tag), content: fromCborValue(value.value, depth + 1) };
  throw new HemkitError('CBOR_UNSUPPORTED_VALUE', `a ${describeJs(value)} is not in the CBOR data model of the profile`);
}

function describeJs(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** A short description of an item for error messages: kind, and value or size. */
export function describe(item: RawItem): string {
  switch (item.kind) {
    case 'uint':
      return `unsigned integer ${item.value}`;
    case 'nint':
      return `negative integer ${item.value}`;
    case 'bytes':
      return `byte string of ${item.value.length} byte${item.value.length === 1 ? '' : 's'}`;
    case 'text':
      return `text ${JSON.stringify(item.value.length > 40 ? `${item.value.slice(0, 40)}…` : item.value)}`;
    case 'array':
      return `array of ${item.items.length} item${item.items.length === 1 ? '' : 's'}`;
    case 'map':
      return `map of ${item.entries.length} entr${item.entries.length === 1 ? 'y' : 'ies'}`;
    case 'tag':
      return `tag ${item.tag} (${describe(item.content)})`;
    case 'simple':
      return ['false', 'true', 'null', 'undefined'][item.value - SIMPLE_FALSE] ?? `simple value ${item.value}`;
    case 'float':
      return `float${item.bits} ${item.value}`;
  }
}

/** A map key as it appears in a path: integers in decimal, text quoted, anything else described. */
export function renderKey(item: RawItem): string {
  if (item.kind === 'uint' || item.kind === 'nint') return String(item.value);
  if (item.kind === 'text') return JSON.stringify(item.value);
  return describe(item);
}

