/**
 * `hemkit inspect <file>`: shows any CBOR file in diagnostic notation (RFC 8949 §8), after checking
 * it against the encoding profile; a COSE_Sign1 or COSE_Sign also gets its headers checked and its
 * payload shown, decoded when it is CBOR. Input may be raw CBOR or hex text.
 */
import { readFileSync } from 'node:fs';
import {
  CborTag,
  decode,
  decodeSign,
  decodeSign1,
  HemkitError,
  TAG_COSE_SIGN,
  TAG_COSE_SIGN1,
  toDiagnostic,
  type CborValue,
} from '@hemkit/wire';
import { CLAIM_NAMES } from '@hemkit/wire/messages';
import { bold, dim } from './output.js';

/** Names the top-level claims of a claims set (registries.md §b); nested maps keep their numbers. */
const annotate = (path: readonly unknown[], key: CborValue) =>
  path.length === 0 && typeof key === 'number' ? CLAIM_NAMES.get(key) : undefined;

const HEX_TEXT = /^[\s0-9a-fA-F]+$/;

/** Reads a file as raw bytes, or as hex when it is nothing but hex digits and white space. */
export function readCborFile(path: string): Uint8Array {
  const raw = readFileSync(path);
  const text = raw.toString('latin1');
  if (raw.length > 0 && HEX_TEXT.test(text) && text.replace(/\s+/g, '').length % 2 === 0) {
    return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
  }
  return new Uint8Array(raw);
}

export function inspect(bytes: Uint8Array): string {
  const value = decode(bytes);
  const lines = [toDiagnostic(value, { indent: 2 })];
  if (value instanceof CborTag && value.tag === TAG_COSE_SIGN1) {
    const message = decodeSign1(bytes);
    lines.push('', dim(`COSE_Sign1, alg ${message.alg.id} (${message.alg.name}); signature not verified (no key given)`));
    if (message.payload) lines.push(...describePayload(message.payload));
  } else if (value instanceof CborTag && value.tag === TAG_COSE_SIGN) {
    const message = decodeSign(bytes);
    const algs = message.signatures.map((s) => `${s.alg.id} (${s.alg.name})`).join(', ');
    lines.push('', dim(`COSE_Sign with ${message.signatures.length} signer(s): ${algs}; signatures not verified`));
    if (message.payload) lines.push(...describePayload(message.payload));
  }
  return lines.join('\n');
}

function describePayload(payload: Uint8Array): string[] {
  let inner: CborValue;
  try {
    inner = decode(payload);
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    return [bold('payload'), `  ${payload.length} bytes, not CBOR of the profile (${e.code})`];
  }
  return [bold('payload (decoded)'), toDiagnostic(inner, { indent: 2, annotate })];
}
