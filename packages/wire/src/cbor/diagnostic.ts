/**
 * CBOR diagnostic notation (RFC 8949 §8), for people reading hemkit messages.
 *
 * Integers of any size print as decimal literals (a bignum is shown by value, since the profile's
 * preferred serialisation fixes its bytes), byte strings as h'…', text as JSON-style strings,
 * tags as N(…). An optional `annotate` callback adds EDN comments (/ … /), which is how
 * `hemkit inspect` names the claims behind integer keys.
 */
import { toHex } from '../bytes.js';
import { CborTag, type CborValue } from './value.js';

export interface DiagnosticOptions {
  /** Indentation per level; 0 (default) prints everything on one line. */
  readonly indent?: number;
  /** Returns a comment for a map key at a path of keys and array indices, e.g. ['claims', 256] → 'ueid'. */
  readonly annotate?: (path: readonly (string | number | bigint)[], key: CborValue) => string | undefined;
}

export function toDiagnostic(value: CborValue, options: DiagnosticOptions = {}): string {
  return render(value, options, 0, []);
}

function render(value: CborValue, o: DiagnosticOptions, level: number, path: (string | number | bigint)[]): string {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `h'${toHex(value)}'`;
  if (value instanceof CborTag) return `${value.tag}(${render(value.value, o, level, path)})`;
  const indent = o.indent ?? 0;
  const open = indent > 0 ? '\n' + ' '.repeat(indent * (level + 1)) : '';
  const close = indent > 0 ? '\n' + ' '.repeat(indent * level) : '';
  const sep = indent > 0 ? ',' + open : ', ';
  if (Array.isArray(value)) {
    const items = (value as readonly CborValue[]).map((item, i) => render(item, o, level + 1, [...path, i]));
    return items.length === 0 ? '[]' : `[${open}${items.join(sep)}${close}]`;
  }
  const entries: string[] = [];
  for (const [k, v] of value as ReadonlyMap<string | number | bigint, CborValue>) {
    const note = o.annotate?.(path, k);
    const keyText = render(k, o, level + 1, path) + (note ? ` / ${note} /` : '');
    entries.push(`${keyText}: ${render(v, o, level + 1, [...path, k])}`);
  }
  return entries.length === 0 ? '{}' : `{${open}${entries.join(sep)}${close}}`;
}

