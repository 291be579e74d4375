/**
 * The on-disk record shared by the state file and the counter file:
 *
 *   magic (4) ‖ version (uint16) ‖ number (uint64) ‖ length (uint32) ‖ body (length bytes) ‖ SHA-256
 *
 * all integers big-endian, the SHA-256 taken over every byte before it. For the state file the
 * number is the generation and the body the state; the counter file carries its value and no body.
 *
 * The checksum catches torn writes and media errors, not forgery: anyone who can write the file can
 * recompute it. A real chip would MAC the record under a key held in fuses; the simulation keeps no
 * secret outside its persisted state (keys.md §2), so it has none to MAC with.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { nobleBackend } from '@hemkit/wire/crypto';
import { toHex } from '@hemkit/wire/bytes';

export const RECORD_VERSION = 1;
export const RECORD_HEADER_BYTES = 4 + 2 + 8 + 4;
export const RECORD_CHECKSUM_BYTES = 32;
export const UINT64_MAX = (1n << 64n) - 1n;

export interface RecordFormat {
  /** Four ASCII bytes that say which file this is, so that a counter file copied over the state file is refused. */
  readonly magic: string;
  readonly code: 'STATE_CORRUPT' | 'COUNTER_CORRUPT';
  /** How messages name the record: "state record", "counter record". */
  readonly name: string;
  readonly maxBodyBytes: number;
}

export interface DecodedRecord {
  readonly number: bigint;
  readonly body: Uint8Array;
}

export function recordBytes(bodyBytes: number): number {
  return RECORD_HEADER_BYTES + bodyBytes + RECORD_CHECKSUM_BYTES;
}

export function encodeRecord(format: RecordFormat, number: bigint, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(recordBytes(body.length));
  const view = new DataView(bytes.buffer);
  bytes.set(magicBytes(format), 0);
  view.setUint16(4, RECORD_VERSION);
  view.setBigUint64(6, number);
  view.setUint32(14, body.length);
  bytes.set(body, RECORD_HEADER_BYTES);
  const end = RECORD_HEADER_BYTES + body.length;
  bytes.set(nobleBackend.sha256(bytes.subarray(0, end)), end);
  return bytes;
}

/**
 * Checks in the order a reader meets the bytes (header, then length against the file size, then the
 * checksum), so that one damaged file always gets the same message.
 */
export function decodeRecord(format: RecordFormat, bytes: Uint8Array): DecodedRecord {
  const fail = (reason: string, offset?: number): HemkitError =>
    new HemkitError(format.code, `${format.name}: ${reason}`, offset === undefined ? {} : { offset });

  if (bytes.length < RECORD_HEADER_BYTES) {
    throw fail(`truncated: ${bytes.length} bytes, the header alone is ${RECORD_HEADER_BYTES}`);
  }
  const magic = magicBytes(format);
  if (!magic.every((byte, i) => bytes[i] === byte)) {
    throw fail(`bad magic ${toHex(bytes.subarray(0, 4))}, expected ${toHex(magic)} ("${format.magic}")`, 0);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4);
  if (version !== RECORD_VERSION) {
    throw fail(`format version ${version}, this implementation reads version ${RECORD_VERSION}`, 4);
  }
  const number = view.getBigUint64(6);
  const length = view.getUint32(14);
  if (length > format.maxBodyBytes) {
    throw fail(`declares ${length} body bytes, above the bound of ${format.maxBodyBytes}`, 14);
  }
  const expected = recordBytes(length);
  if (bytes.length < expected) throw fail(`truncated: ${bytes.length} bytes, the header declares ${expected}`);
  if (bytes.length > expected) throw fail(`${bytes.length - expected} bytes after the checksum`, expected);

  const end = RECORD_HEADER_BYTES + length;
  const checksum = nobleBackend.sha256(bytes.subarray(0, end));
  if (!checksum.every((byte, i) => bytes[end + i] === byte)) throw fail('checksum mismatch', end);
  return { number, body: bytes.slice(RECORD_HEADER_BYTES, end) };
}

function magicBytes(format: RecordFormat): Uint8Array {
  return new TextEncoder().encode(format.magic);
}

