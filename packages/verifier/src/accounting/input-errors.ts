/**
 * The one way accounting refuses malformed input: ACCOUNTING_INVALID_INPUT, naming the parameter
 * path and what was expected (`chips[2].workloads[0].ops: expected a non-negative bigint, got 1.5`).
 * The description of the value never calls the value's own methods: junk may have no toString, or
 * one that throws, and a caller must see this code, not a TypeError raised while writing the message.
 */
import { HemkitError } from '@hemkit/wire/errors';

export function invalid(path: string, expected: string, got: unknown): HemkitError {
  return new HemkitError('ACCOUNTING_INVALID_INPUT', `${path}: expected ${expected}, got ${describe(got)}`);
}

function describe(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return value.toString().length > 48 ? `a ${value < 0n ? 'negative ' : ''}bigint of ${value.toString().length} digits` : `${value}n`;
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'string':
      return JSON.stringify(value.length > 48 ? `${value.slice(0, 48)}…` : value);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      if (value instanceof Uint8Array) return `a Uint8Array of ${value.length} bytes`;
      if (Array.isArray(value)) return `an array of ${value.length}`;
      return 'an object';
  }
}

/** A non-null object that is not an array: the shape every record of the accounting input has. */
export function checkRecord(value: unknown, path: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw invalid(path, 'an object', value);
  }
  return value as Readonly<Record<string, unknown>>;
}

/** An array, read by index so that a hole is seen (as undefined) rather than skipped. */
export function checkList(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalid(path, 'an array', value);
  return Array.from({ length: value.length }, (_, i) => (value as unknown[])[i]);
}

/** Operation counts are bigints (they pass 2^53; log-entry.md counters go to 2^128 − 1), never negative. */
export function checkCount(value: unknown, path: string): bigint {
  if (typeof value !== 'bigint' || value < 0n) throw invalid(path, 'a non-negative bigint', value);
  return value;
}

export function checkText(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path, 'a string', value);
  return value;
}

export function checkBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalid(path, 'a boolean', value);
  return value;
}
