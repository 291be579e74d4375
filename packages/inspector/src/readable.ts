/**
 * Values as people read them: times as dates, counts with thousands separators and their power of
 * ten, hashes shortened (the page offers the full hex to copy), enums by name. Which reading a value
 * gets follows from its field's name, as `describe` decides it for the command line.
 */
import { toHex } from '@hemkit/wire/bytes';
import { ALGORITHMS } from '@hemkit/wire/cose';
import { COMMAND_NAMES, EVENT_NAMES, LOCK_NAMES, PRECISION_NAMES } from '@hemkit/wire/messages';
import type { LaidItem } from './layout.js';

export interface Readable {
  /** What to show. */
  readonly text: string;
  /** The exact value, when `text` abbreviates it or reads it (full hex, the raw integer). */
  readonly exact?: string;
  /** Full hex for a copy button, for byte strings. */
  readonly copy?: string;
  readonly reading: 'time' | 'count' | 'hash' | 'bytes' | 'text' | 'enum' | 'integer' | 'simple' | 'container';
}

/** Fields holding seconds since the epoch (hemkit.cddl `time`, RFC 8392 exp, nbf, iat). */
/** Seconds since the epoch shown as a date: 0 up to the end of year 9999 (a date past it has no ISO form). */
export const LAST_DATE_SECONDS = 253402300800;

export const TIME_FIELDS: ReadonlySet<string> = new Set(['iat', 'exp', 'nbf', 'issuedAt', 'notBefore', 'expiry', 'time', 'expiresAt', 'installedAt']);
/** RFC 9711 §4.2.9 debug status. */
export const DBGSTAT_NAMES: ReadonlyMap<number, string> = new Map([[0, 'enabled'], [1, 'disabled'], [2, 'disabled-since-boot'], [3, 'disabled-permanently'], [4, 'disabled-fully-and-permanently']]);
/** The algorithms of the profile (specs/cose.md §3), by id. */
const ALG_NAMES: ReadonlyMap<number, string> = new Map([...ALGORITHMS].map(([id, a]) => [id, a.name]));
/** RFC 9053 §7 and RFC 9052 §7: key types and curves of the profile's keys. */
const KTY_NAMES: ReadonlyMap<number, string> = new Map([[1, 'OKP'], [2, 'EC2']]);
const CRV_NAMES: ReadonlyMap<number, string> = new Map([[1, 'P-256'], [2, 'P-384'], [6, 'Ed25519']]);
const ENUMS: Readonly<Record<string, ReadonlyMap<number, string>>> = {
  kty: KTY_NAMES,
  crv: CRV_NAMES,
  lockState: LOCK_NAMES,
  precisionClass: PRECISION_NAMES,
  kind: EVENT_NAMES,
  dbgstat: DBGSTAT_NAMES,
  alg: ALG_NAMES,
  command: COMMAND_NAMES,
};
const HASH_SIZES: ReadonlySet<number> = new Set([32, 48, 64]);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A count for people: 1,200,000,000,000,000,000,000 (1.2 × 10^21), 100,005 (≈ 1 × 10^5); small counts as they are. */
export function count(n: bigint): string {
  const digits = (n < 0n ? -n : n).toString();
  const grouped = `${n < 0n ? '-' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
  if (digits.length < 5) return grouped;
  const mantissa = `${digits[0]}.${digits.slice(1, 4)}`.replace(/\.?0+$/, '');
  // Four significant digits: a count they do not give exactly is marked approximate.
  const exact = /^0*$/.test(digits.slice(4));
  return `${grouped} (${exact ? '' : '≈ '}${n < 0n ? '-' : ''}${mantissa} × 10^${digits.length - 1})`;
}

/** A hash shortened to its first and last 8 hex digits. */
export function shortHex(hex: string): string {
  return hex.length <= 24 ? hex : `${hex.slice(0, 8)}…${hex.slice(-8)}`;
}

/** The integer an item holds: major 0 or 1, or a bignum (RFC 8949 §3.4.3). */
export function integerOf(item: LaidItem, bytes: Uint8Array): bigint | undefined {
  if (item.kind === 'uint') return item.argument;
  if (item.kind === 'nint') return -1n - item.argument;
  if (item.kind === 'tag' && (item.argument === 2n || item.argument === 3n) && item.children[0]?.kind === 'bytes') {
    const content = item.children[0];
    const hex = toHex(bytes.subarray(content.headEnd, content.end));
    const magnitude = hex === '' ? 0n : BigInt(`0x${hex}`);
    return item.argument === 2n ? magnitude : -1n - magnitude;
  }
  return undefined;
}

/** How to show the value of `item` under the field `name`. */
export function readable(item: LaidItem, bytes: Uint8Array, name = ''): Readable {
  const integer = integerOf(item, bytes);
  if (integer !== undefined) {
    if (TIME_FIELDS.has(name) && integer >= 0n && integer < BigInt(LAST_DATE_SECONDS)) {
      return { text: new Date(Number(integer) * 1000).toISOString().replace('.000Z', 'Z'), exact: integer.toString(), reading: 'time' };
    }
    const names = ENUMS[name];
    if (names !== undefined && names.has(Number(integer))) return { text: names.get(Number(integer))!, exact: integer.toString(), reading: 'enum' };
    if (integer >= 10000n || integer <= -10000n) return { text: count(integer), exact: integer.toString(), reading: 'count' };
    return { text: integer.toString(), reading: 'integer' };
  }
  switch (item.kind) {
    case 'bytes': {
      const content = bytes.subarray(item.headEnd, item.end);
      const hex = toHex(content);
      if (name === 'hwmodel' || name === 'typ') {
        try {
          const text = utf8.decode(content);
          if (/^[\x20-\x7e]+$/.test(text)) return { text: JSON.stringify(text), exact: hex, copy: hex, reading: 'text' };
        } catch {
          // not text: shown as bytes
        }
      }
      if (HASH_SIZES.has(content.length)) return { text: shortHex(hex), exact: hex, copy: hex, reading: 'hash' };
      return { text: content.length === 0 ? "h''" : content.length > 32 ? `${shortHex(hex)} (${content.length} bytes)` : hex, exact: hex, copy: hex, reading: 'bytes' };
    }
    case 'text': {
      let text: string;
      try {
        text = utf8.decode(bytes.subarray(item.headEnd, item.end));
      } catch {
        return { text: 'text that is not UTF-8', reading: 'text' };
      }
      return { text: JSON.stringify(text), reading: 'text' };
    }
    case 'simple':
      return { text: item.argument === 20n ? 'false' : item.argument === 21n ? 'true' : item.argument === 22n ? 'null' : item.argument === 23n ? 'undefined' : `simple(${item.argument})`, reading: 'simple' };
    case 'float':
      return { text: 'a float (outside the profile)', reading: 'simple' };
    case 'array':
      return { text: `array of ${item.argument}`, reading: 'container' };
    case 'map':
      return { text: `map of ${item.argument}`, reading: 'container' };
    default:
      return { text: `tag ${item.argument}`, reading: 'container' };
  }
}
