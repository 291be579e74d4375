/**
 * Strict parsers for option values, one place for every command. A bad value is one line naming the
 * option and what it takes (commander prints it and the CLI exits 2): never an internal code, never
 * a long computation (exponents are bounded before any arithmetic).
 */
import { InvalidArgumentError } from 'commander';
import { fromHex } from '@hemkit/wire/bytes';

/** A whole number from `min` to `max` (both safe integers): digits only, `_` allowed between them. */
export function integer(min: number, max: number) {
  return (text: string): number => {
    const clean = text.replace(/(?<=\d)_(?=\d)/g, '');
    if (!/^\d{1,16}$/.test(clean)) throw new InvalidArgumentError(`takes a whole number from ${min} to ${max}, not '${short(text)}'`);
    const n = Number(clean);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`takes a whole number from ${min} to ${max}, not '${short(text)}'`);
    return n;
  };
}

export const positive = (max: number) => integer(1, max);

const MAX_BIG = (1n << 128n) - 1n;

/**
 * A positive integer of up to 128 bits, in digits or as `Me` + exponent with a whole mantissa
 * (1e24, 35e23, 1_000_000): what operation counts take. The exponent has at most two digits.
 */
export function bigCount(text: string): bigint {
  const clean = text.replace(/(?<=\d)_(?=\d)/g, '');
  const m = /^(\d{1,39})(?:e(\d{1,2}))?$/i.exec(clean);
  if (!m) throw new InvalidArgumentError(`takes a positive whole number such as 1000000 or 1e24, not '${short(text)}'`);
  const n = BigInt(m[1]!) * 10n ** BigInt(m[2] ?? '0');
  if (n === 0n) throw new InvalidArgumentError(`takes a positive whole number, not '${short(text)}'`);
  if (n > MAX_BIG) throw new InvalidArgumentError(`is at most 2^128-1, not '${short(text)}'`);
  return n;
}

/** Hex bytes, `min` to `max` bytes long. */
export function hexBytes(min: number, max: number) {
  return (text: string): Uint8Array => {
    if (!/^([0-9a-fA-F]{2})*$/.test(text) || text.length / 2 < min || text.length / 2 > max) {
      throw new InvalidArgumentError(`takes ${min === max ? min : `${min} to ${max}`} bytes of hex, not '${short(text)}'`);
    }
    return fromHex(text);
  };
}

/** A comma-separated choice from `names`, each at most once. */
export function choices<T>(names: Readonly<Record<string, T>>) {
  return (text: string): T[] => {
    const out: T[] = [];
    for (const name of text.split(',')) {
      const v = names[name];
      if (v === undefined) throw new InvalidArgumentError(`takes ${Object.keys(names).join(', ')} (comma-separated), not '${short(name)}'`);
      if (!out.includes(v)) out.push(v);
    }
    return out;
  };
}

/** Collects a repeatable option into a list. */
export const repeatable =
  <T>(parse: (text: string) => T) =>
  (text: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(text)];

export const text = (text: string): string => text;

/** A comma-separated list of numbers, or `all`. */
export function indicesOrAll(text: string): number[] | 'all' {
  if (text === 'all') return 'all';
  return text.split(',').map(integer(0, Number.MAX_SAFE_INTEGER));
}

/** A value quoted back in a message, cut short so that a megabyte argument gives one short line. */
export const short = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/**
 * The JSON Schemas `hemkit spec check --json-schema` knows: specs/schemas/<name>.schema.json, shipped
 * in the package's schemas/ (common holds shared definitions only). A constant, so that --help lists
 * them without reading a directory; test/json-schema.test.ts keeps it equal to the shipped files.
 */
export const JSON_SCHEMAS = [
  'trust-anchors',
  'reference-values',
  'policy',
  'scenario',
  'scenario-trace',
  'attestation-result',
  'accounting-input',
  'accounting-report',
  'lineage-report',
  'vectors-accounting',
  'vectors-attestation-result',
  'vectors-cbor-decode',
  'vectors-cddl',
  'vectors-cose',
  'vectors-crypto-keys',
  'vectors-evidence',
  'vectors-frames',
  'vectors-lineage',
  'vectors-merkle-proofs',
  'vectors-message',
  'vectors-module-session',
  'vectors-state-records',
  'vectors-verifier-inputs',
] as const;

export type JsonSchemaName = (typeof JSON_SCHEMAS)[number];
