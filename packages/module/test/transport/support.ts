/** Assertions on error codes and a temporary directory for the transport tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
export { concatBytes as concat } from '@hemkit/wire/bytes';

/** One assertion for typed errors, shared by every package's tests. */
export { expectCode } from '../../../wire/test/support/expect-code.js';

/** Asserts that `promise` rejects with a HemkitError with exactly `code`. */
export async function expectRejection(promise: Promise<unknown>, code: ErrorCode): Promise<HemkitError> {
  const thrown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown, `expected a rejection with HemkitError ${code}`).toBeInstanceOf(HemkitError);
  expect((thrown as HemkitError).code).toBe(code);
  return thrown as HemkitError;
}

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
