/**
 * The one assertion on typed errors, shared by every package's tests (they import it by a relative
 * path; it is not part of any package's exports).
 */
import { assert, expect } from 'vitest';
import { HemkitError, type ErrorCode } from '../../src/errors.js';
export { fromHex, toHex as hex } from '../../src/bytes.js';

/** What `fn` throws, or undefined when it returns. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Asserts that `fn` throws a HemkitError with exactly `code`, and returns it for further checks. */
export function expectCode(fn: () => unknown, code: ErrorCode): HemkitError {
  return hasCode(thrownBy(fn), code, 'nothing was thrown');
}

/** Asserts that `promise` rejects with a HemkitError with exactly `code`, and returns it. */
export async function expectRejection(promise: Promise<unknown>, code: ErrorCode): Promise<HemkitError> {
  const thrown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  return hasCode(thrown, code, 'it resolved');
}

/**
 * What running `fn` comes to: `accepted` ('valid' unless named) when it returns, the code when it
 * throws a HemkitError; anything else it throws is rethrown, a test failure.
 */
export function outcome(fn: () => unknown, accepted = 'valid'): string {
  const thrown = thrownBy(fn);
  if (thrown === undefined) return accepted;
  if (thrown instanceof HemkitError) return thrown.code;
  throw thrown;
}

function hasCode(thrown: unknown, code: ErrorCode, otherwise: string): HemkitError {
  if (!(thrown instanceof HemkitError)) assert.fail(`expected HemkitError ${code}, but ${thrown === undefined ? otherwise : String(thrown)}`);
  expect(thrown.code, String(thrown)).toBe(code);
  return thrown;
}

