/**
 * `hemkit inspect <file>`: any CBOR file (raw or hex text) in diagnostic notation (RFC 8949 §8),
 * checked against the encoding profile, and then, for every hemkit message it recognises, every
 * level named: a COSE message's headers and payload, the payload's claims by name down to nested
 * maps, times as ISO dates, enums by name; an evidence bundle with each member labelled and each
 * inner message inspected in turn. `--json` gives the same tree as JSON (big integers as strings).
 */
import { readInput } from '../files.js';
import type { Io } from '../io.js';
import { describe, render } from '../inspect.js';
import { fromHex } from '@hemkit/wire/bytes';

export async function inspectCommand(io: Io, file: string, opts: { json?: boolean }): Promise<number> {
  const bytes = fromHexText(await readInput(io, file));
  const d = describe(bytes);
  io.stdout.write(`${opts.json ? JSON.stringify(d.tree, null, 2) : render(d)}\n`);
  return 0;
}

const HEX_TEXT = /^[\s0-9a-fA-F]+$/;

/** A file of nothing but hex digits and white space is hex text. */
export function fromHexText(raw: Uint8Array): Uint8Array {
  const text = new TextDecoder('latin1').decode(raw);
  if (raw.length > 0 && HEX_TEXT.test(text) && text.replace(/\s+/g, '').length % 2 === 0) return fromHex(text);
  return raw;
}
