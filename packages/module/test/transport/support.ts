/** Assertions on error codes and a temporary directory for the transport tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export { concatBytes as concat } from '@hemkit/wire/bytes';

/** The one assertion on typed errors (and its asynchronous form), shared by every package's tests. */
export { expectCode, expectRejection } from '../../../wire/test/support/expect-code.js';

/** A short directory for socket files (their paths are limited to about 100 bytes). */
export function socketDirectory(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hk-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const u8 = (...values: number[]): Uint8Array => Uint8Array.from(values);


/** The 4-byte big-endian length prefix alone. */
export function header(length: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, length);
  return bytes;
}
