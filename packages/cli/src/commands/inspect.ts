/**
 * `hemkit inspect <file>`: any CBOR file (raw or hex text) in diagnostic notation (RFC 8949 §8),
 * checked against the encoding profile, and then, for every hemkit message it recognises, every
 * level named: a COSE message's headers and payload, the payload's claims by name down to nested
 * maps, times as ISO dates, enums by name; an evidence bundle with each member labelled and each
 * inner message inspected in turn. `--json` gives the same tree as JSON (big integers as strings).
 * `--web` serves the inspector page (packages/inspector) on localhost instead.
 */
import { describe, readFile } from '@hemkit/inspector';
import { readInput } from '../files.js';
import type { Io } from '../io.js';
import { render } from '../inspect.js';

export async function inspectCommand(io: Io, file: string, opts: { json?: boolean }): Promise<number> {
  const bytes = readFile(await readInput(io, file)).bytes;
  const d = describe(bytes);
  io.stdout.write(`${opts.json ? JSON.stringify(d.tree, null, 2) : render(d)}\n`);
  return 0;
}
