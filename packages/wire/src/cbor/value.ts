/**
 * The CBOR data model of the hemkit encoding profile (specs/encoding.md).
 *
 * One JavaScript shape per CBOR shape, so that decode(encode(v)) is v and no information hides in
 * the JavaScript type: integers are `number` when they are safe integers and `bigint` otherwise
 * (the decoder normalises; the encoder takes either), maps are always `Map` (keys are integers or
 * text, never plain-object properties), byte strings are `Uint8Array`. There are no floats and no
 * `undefined`: the profile forbids them.
 */

export type CborMapKey = number | bigint | string;

export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | Uint8Array
  | readonly CborValue[]
  | CborMap
  | CborTag;

export type CborMap = ReadonlyMap<CborMapKey, CborValue>;

/** A tagged data item (RFC 8949 §3.4). Bignums (tags 2 and 3) never appear as CborTag: they decode to bigint. */
export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

/** Tags of RFC 8949 §3.4.3 that the codec turns into and out of `bigint`. */
export const TAG_POSITIVE_BIGNUM = 2;
export const TAG_NEGATIVE_BIGNUM = 3;
/** COSE_Sign1 (RFC 9052 §4.2), COSE_Sign (§4.1), CWT (RFC 8392 §6). */
export const TAG_COSE_SIGN1 = 18;
export const TAG_COSE_SIGN = 98;
export const TAG_CWT = 61;

/** Tags the profile allows besides bignums (specs/encoding.md §Tags). A receiver may narrow the set. */
export const PROFILE_TAGS: ReadonlySet<number> = new Set([TAG_COSE_SIGN1, TAG_COSE_SIGN, TAG_CWT]);

/** Default bounds (specs/encoding.md §Bounds). Depth counts arrays, maps and tags, bignum tags included. */
export const DEFAULT_MAX_DEPTH = 16;
export const DEFAULT_MAX_INPUT_BYTES = 1024 * 1024;

export const UINT64_MAX = (1n << 64n) - 1n;

/** Builds a map from entries; a convenience for the many messages keyed by small integers. */
export function cborMap(entries: Iterable<readonly [CborMapKey, CborValue]>): Map<CborMapKey, CborValue> {
  return new Map(entries);
}

export function isCborMap(value: CborValue | undefined): value is CborMap {
  return value instanceof Map;
}
