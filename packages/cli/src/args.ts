/** A small argument parser: positionals and --flag value pairs (and bare --flags), nothing clever. */
import { HemkitError } from '@hemkit/wire';

export class UsageError extends Error {}

export interface Args {
  readonly positionals: readonly string[];
  flag(name: string): string | undefined;
  required(name: string): string;
  has(name: string): boolean;
}

export function parseArgs(argv: readonly string[], booleanFlags: readonly string[] = ['json']): Args {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const name = a.slice(2);
    if (booleanFlags.includes(name)) {
      flags.set(name, 'true');
      continue;
    }
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    flags.set(name, v);
    i++;
  }
  return {
    positionals,
    flag: (n) => flags.get(n),
    required(n) {
      const v = flags.get(n);
      if (v === undefined) throw new UsageError(`--${n} is required`);
      return v;
    },
    has: (n) => flags.has(n),
  };
}

export function parseBigint(text: string, what: string): bigint {
  const clean = text.replace(/_/g, '');
  const m = /^(\d+)(?:e(\d+))?$/.exec(clean);
  if (!m) throw new UsageError(`${what} must be a non-negative integer (e.g. 1000000 or 1e24), not '${text}'`);
  return BigInt(m[1]!) * 10n ** BigInt(m[2] ?? '0');
}

export function parseHex(text: string, what: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new UsageError(`${what} must be hex, not '${text}'`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export { HemkitError };
