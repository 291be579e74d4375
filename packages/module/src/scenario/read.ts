/**
 * A cursor over a parsed JSON value that names where it is (an RFC 6901 JSON pointer), so that every
 * fault of a scenario file is one line with its place: `SCENARIO_INVALID: /steps/3/ops: expected …`.
 * The JSON Schema (specs/schemas/scenario.schema.json) states the same shape for other tools; this
 * reader is what the runner trusts, so it checks everything itself (specs/scenarios.md §2).
 */
import { HemkitError } from '@hemkit/wire/errors';

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

export class Cursor {
  constructor(
    readonly value: unknown,
    readonly pointer: string = '',
    /** The code of every fault this cursor finds: a scenario's, or a trace's. */
    readonly code: 'SCENARIO_INVALID' | 'TRACE_INVALID' = 'SCENARIO_INVALID',
  ) {}

  fail(expected: string): never {
    throw new HemkitError(this.code, `${this.pointer || '/'}: expected ${expected}`);
  }

  /** An object whose keys are all in `allowed`; `required` must be present. */
  object(allowed: readonly string[], required: readonly string[] = []): Cursor {
    const v = this.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail('an object');
    for (const key of Object.keys(v)) {
      if (!allowed.includes(key)) this.at(key).fail(`no member '${key}' here (allowed: ${allowed.join(', ')})`);
    }
    for (const key of required) if (!(key in v)) this.fail(`a member '${key}'`);
    return this;
  }

  has(key: string): boolean {
    return typeof this.value === 'object' && this.value !== null && key in this.value && (this.value as Record<string, unknown>)[key] !== undefined;
  }

  at(key: string | number): Cursor {
    const container = this.value as Record<string, unknown> | unknown[];
    const child = Array.isArray(container) ? container[key as number] : (container as Record<string, unknown>)[key as string];
    return new Cursor(child, `${this.pointer}/${escape(String(key))}`, this.code);
  }

  /** The member `key` read by `read`, or undefined when it is absent. */
  optional<T>(key: string, read: (c: Cursor) => T): T | undefined {
    return this.has(key) ? read(this.at(key)) : undefined;
  }

  array(options: { min?: number; max?: number } = {}): Cursor[] {
    if (!Array.isArray(this.value)) this.fail('an array');
    const { min = 0, max = Infinity } = options;
    if (this.value.length < min || this.value.length > max) this.fail(`an array of ${min} to ${max} items, not ${this.value.length}`);
    return this.value.map((_, i) => this.at(i));
  }

  string(pattern?: RegExp, what = 'a string'): string {
    if (typeof this.value !== 'string' || (pattern !== undefined && !pattern.test(this.value))) this.fail(what);
    return this.value;
  }

  oneOf<T extends string>(choices: readonly T[]): T {
    if (typeof this.value !== 'string' || !(choices as readonly string[]).includes(this.value)) this.fail(`one of ${choices.map((c) => `'${c}'`).join(', ')}`);
    return this.value as T;
  }

  integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof this.value !== 'number' || !Number.isSafeInteger(this.value) || this.value < min || this.value > max) this.fail(`an integer from ${min} to ${max}`);
    return this.value;
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail('true or false');
    return this.value;
  }

  /**
   * A count of operations or bytes: an integer, or a string of decimal digits (counts reach 2^128,
   * beyond JSON numbers), optionally with an exponent: "1e24".
   */
  count(max: bigint = 2n ** 128n - 1n): bigint {
    const v = this.value;
    let n: bigint | undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) n = BigInt(v);
    if (typeof v === 'string') {
      const m = /^(0|[1-9][0-9]*)(?:e([0-9]{1,3}))?$/.exec(v);
      if (m) n = BigInt(m[1]!) * 10n ** BigInt(m[2] ?? 0);
    }
    if (n === undefined || n > max) this.fail(`a count: a non-negative integer or a decimal string such as "1e24", at most ${max}`);
    return n;
  }
}
