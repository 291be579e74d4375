/**
 * `hemkit spec check <cddl-file> <cbor-or-vector-file>... [--rule NAME] [--well-formed]`: checks
 * CBOR data against a CDDL schema, one line per data item. Exit status as for every hemkit
 * command: 0 all items match, 1 an item does not, 2 unusable input or usage (no item is checked
 * then, so a typo cannot pass for a result).
 *
 * Inputs:
 *   - a CBOR file, raw or hex text (a file of nothing but hex digits and white space is hex);
 *   - a JSON file (name ending in .json) holding test vectors: its `output.cbor` (the COSE working
 *     group's example format) and the `cbor` field of each element of a top-level `vectors` array,
 *     each a hex string. A JSON file with neither is unusable input.
 *
 * The rule is the schema's first (RFC 8610 §3.1) unless --rule names one. Data is decoded with
 * the hemkit profile's strict decoder, so an item outside the profile fails with the decoder's
 * code; --well-formed accepts any well-formed CBOR, for others' data.
 */
import { readFileSync } from 'node:fs';
import { isHemkitError } from '@hemkit/wire/errors';
import { parseCddl } from './schema/link.js';
import type { CddlSchema } from './schema/schema.js';
import type { DecodingMode } from './validate/match.js';
import { checkCbor } from './validate/validate.js';
import { fromHex } from '@hemkit/wire/bytes';

export const SPEC_CHECK_USAGE = `usage: hemkit spec check <cddl-file> <cbor-or-vector-file>... [--rule NAME] [--well-formed]

  <cddl-file>            the schema (RFC 8610 CDDL)
  <cbor-or-vector-file>  raw CBOR, hex text, or JSON test vectors (output.cbor, vectors[].cbor)
  --rule NAME            the rule to check against (default: the schema's first rule)
  --well-formed          accept any well-formed CBOR, not only the hemkit encoding profile

exit status: 0 every item matches, 1 an item does not, 2 unusable input or usage`;

/** Where specCheck reads and writes; tests pass their own. */
export interface SpecCheckIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly readFile: (path: string) => Uint8Array;
}

const nodeIo: SpecCheckIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  readFile: (path) => new Uint8Array(readFileSync(path)),
};

/** A problem with the command's input, as opposed to a data item that does not match. */
class UnusableInput extends Error {}

interface Item {
  readonly label: string;
  readonly bytes: Uint8Array;
}

interface Options {
  readonly cddlFile: string;
  readonly dataFiles: readonly string[];
  readonly rule: string | undefined;
  readonly decoding: DecodingMode;
}

export async function specCheck(args: readonly string[], io: SpecCheckIo = nodeIo): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UnusableInput)) throw e;
    io.err(`hemkit spec check: ${e.message}\n\n${SPEC_CHECK_USAGE}`);
    return 2;
  }
  if (options === 'help') {
    io.out(SPEC_CHECK_USAGE);
    return 0;
  }

  let schema: CddlSchema;
  let rule: string;
  let items: Item[];
  try {
    schema = loadSchema(options.cddlFile, io);
    rule = options.rule ?? schema.root;
    if (!schema.has(rule)) throw new UnusableInput(`${options.cddlFile} defines no rule '${rule}'`);
    items = options.dataFiles.flatMap((file) => readItems(file, io));
  } catch (e) {
    if (e instanceof UnusableInput) {
      io.err(`hemkit spec check: ${e.message}`);
      return 2;
    }
    throw e;
  }
  for (const warning of schema.warnings) io.err(`warning: ${options.cddlFile}:${warning}`);

  let failed = 0;
  for (const item of items) {
    const line = checkItem(schema, rule, item, options.decoding);
    if (line.startsWith('FAIL')) failed++;
    io.out(line);
  }
  io.out(`${items.length} item${items.length === 1 ? '' : 's'} checked against '${rule}': ${items.length - failed} ok, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function parseArgs(args: readonly string[]): Options | 'help' {
  let rule: string | undefined;
  let decoding: DecodingMode = 'profile';
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--rule') {
      rule = args[++i];
      if (rule === undefined || rule.startsWith('-')) throw new UnusableInput('--rule needs a rule name');
    } else if (arg.startsWith('--rule=')) {
      rule = arg.slice('--rule='.length);
      if (rule === '') throw new UnusableInput('--rule needs a rule name');
    } else if (arg === '--well-formed') {
      decoding = 'well-formed';
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UnusableInput(`unknown option '${arg}'`);
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) throw new UnusableInput('no CDDL file given');
  if (files.length === 1) throw new UnusableInput('no CBOR or vector file given');
  return { cddlFile: files[0]!, dataFiles: files.slice(1), rule, decoding };
}

function read(path: string, io: SpecCheckIo): Uint8Array {
  try {
    return io.readFile(path);
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? `${String(e.code)}` : String(e);
    throw new UnusableInput(`cannot read ${path}: ${reason}`);
  }
}

function loadSchema(path: string, io: SpecCheckIo): CddlSchema {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(read(path, io));
  try {
    return parseCddl(text);
  } catch (e) {
    if (isHemkitError(e)) throw new UnusableInput(`${path}:${e.message} (${e.code})`);
    throw e;
  }
}

const HEX_TEXT = /^[\s0-9a-fA-F]+$/;

function hexToBytes(text: string): Uint8Array | undefined {
  const digits = text.replace(/\s+/g, '');
  if (!HEX_TEXT.test(text) || digits.length % 2 !== 0) return undefined;
  return fromHex(digits);
}

function readItems(path: string, io: SpecCheckIo): Item[] {
  const raw = read(path, io);
  if (!path.toLowerCase().endsWith('.json')) {
    const text = Buffer.from(raw).toString('latin1');
    const hex = raw.length > 0 ? hexToBytes(text) : undefined;
    return [{ label: path, bytes: hex ?? raw }];
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch (e) {
    throw new UnusableInput(`${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const items: Item[] = [];
  const hexField = (value: unknown, where: string): Uint8Array => {
    const bytes = typeof value === 'string' && value.length > 0 ? hexToBytes(value) : undefined;
    if (!bytes) throw new UnusableInput(`${path}: ${where} is not a hex string`);
    return bytes;
  };
  if (isRecord(json) && isRecord(json['output']) && 'cbor' in json['output']) {
    items.push({ label: `${path} output.cbor`, bytes: hexField(json['output']['cbor'], 'output.cbor') });
  }
  if (isRecord(json) && Array.isArray(json['vectors'])) {
    json['vectors'].forEach((v: unknown, i) => {
      const name = isRecord(v) && typeof (v['name'] ?? v['title']) === 'string' ? ` (${String(v['name'] ?? v['title'])})` : '';
      items.push({ label: `${path} vectors[${i}]${name}`, bytes: hexField(isRecord(v) ? v['cbor'] : undefined, `vectors[${i}].cbor`) });
    });
  }
  if (items.length === 0) throw new UnusableInput(`${path} holds no output.cbor and no vectors[].cbor to check`);
  return items;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkItem(schema: CddlSchema, rule: string, item: Item, decoding: DecodingMode): string {
  try {
    const result = checkCbor(schema, item.bytes, rule, { decoding });
    if (result.ok) return `ok   ${item.label}`;
    const [first] = result.errors;
    return `FAIL ${item.label}: ${first!.path}: ${first!.message}`;
  } catch (e) {
    if (isHemkitError(e)) return `FAIL ${item.label}: ${e.code}: ${e.message}`;
    throw e;
  }
}
