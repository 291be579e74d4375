import { expect } from 'vitest';
import { HemkitError, type ErrorCode } from '../../src/errors.js';
export { fromHex, toHex as hex } from '../../src/bytes.js';

/** Asserts that `fn` throws a HemkitError with exactly `code`, and returns it for further checks. */
export function expectCode(fn: () => unknown, code: ErrorCode): HemkitError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected HemkitError ${code}, but nothing was thrown`).toBeInstanceOf(HemkitError);
  expect((thrown as HemkitError).code).toBe(code);
  return thrown as HemkitError;
}

