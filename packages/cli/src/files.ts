/** Files named on the command line: relative to the injected working directory, `-` for stdin or stdout. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathOf, UsageError, type Io } from './io.js';
import { toHex } from '@hemkit/wire/bytes';

/** Reads a file argument (`-` is standard input). A missing file is unusable input (exit 2). */
export async function readInput(io: Io, path: string): Promise<Uint8Array> {
  if (path === '-') return io.readStdin();
  const full = pathOf(io, path);
  if (!existsSync(full)) throw new UsageError(`no such file: ${path}`);
  return new Uint8Array(readFileSync(full));
}

export async function readText(io: Io, path: string): Promise<string> {
  return new TextDecoder().decode(await readInput(io, path));
}

/** JSON from a file argument; anything that is not JSON is one line and exit 2. */
export async function readJson(io: Io, path: string): Promise<unknown> {
  const text = await readText(io, path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not JSON: ${(e as Error).message}`);
  }
}

/** Writes an output file (`-` is standard output). */
export function writeOutput(io: Io, path: string, data: Uint8Array | string): void {
  if (path === '-') {
    io.stdout.write(data);
    return;
  }
  writeFileSync(pathOf(io, path), data);
}

/** Only one argument may be standard input. */
export function atMostOneStdin(paths: readonly (string | undefined)[]): void {
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('only one file argument can be - (standard input)');
}

/** JSON for programs: big integers as decimal strings, bytes as hex, maps as objects. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? toHex(v) : v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [String(k), x])) : v,
    2,
  );
}
