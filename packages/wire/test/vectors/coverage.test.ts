/**
 * Every code of the error registry has a negative vector (STYLE.md §3, test-vectors/README.md §4):
 * the codes that any file under test-vectors/ (external/ excepted) expects, plus the exemptions listed
 * in test-vectors/README.md, must be all of ERROR_CODES. The exemption table is read from the README,
 * so it stays the one list.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { VECTORS } from './support.js';

const REPO = join(VECTORS, '..');
const REGISTRY: ReadonlySet<string> = new Set(ERROR_CODES);
const LOOKS_LIKE_A_CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

/** Every .json file under test-vectors/, external/ left out: others' data, not hemkit's expectations. */
function vectorFiles(dir = VECTORS): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return relative(VECTORS, path) === 'external' ? [] : vectorFiles(path);
      return entry.name.endsWith('.json') ? [path] : [];
    })
    .sort();
}

/**
 * The codes a file expects: the string value of a member named `code` or `expect`, and every string
 * inside a member named `expected` or `signatureResults` (test-vectors/README.md §4). Only strings
 * that look like codes count; "ok", "pass" and "valid" do not.
 */
function collectExpected(json: unknown, into: Map<string, string[]>, file: string): void {
  const add = (value: unknown) => {
    if (typeof value === 'string' && LOOKS_LIKE_A_CODE.test(value)) into.set(value, [...(into.get(value) ?? []), file]);
  };
  const addAll = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(addAll);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(addAll);
    else add(value);
  };
  if (Array.isArray(json)) {
    for (const item of json) collectExpected(item, into, file);
  } else if (json !== null && typeof json === 'object') {
    for (const [key, value] of Object.entries(json)) {
      if (key === 'code' || key === 'expect') add(value);
      else if (key === 'expected' || key === 'signatureResults') addAll(value);
      else collectExpected(value, into, file);
    }
  }
}

interface Exemption {
  readonly code: string;
  readonly why: string;
  readonly test: string;
}

/** The rows of the table between the coverage-exemptions markers of test-vectors/README.md. */
function exemptions(): Exemption[] {
  const readme = readFileSync(join(VECTORS, 'README.md'), 'utf8');
  const begin = readme.indexOf('<!-- coverage-exemptions:begin -->');
  const end = readme.indexOf('<!-- coverage-exemptions:end -->');
  expect(begin, 'test-vectors/README.md has the coverage-exemptions markers').toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(begin);
  return [...readme.slice(begin, end).matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|(.*)\|\s*`([^`]+)`\s*\|\s*$/gm)].map((m) => ({
    code: m[1]!,
    why: m[2]!.trim(),
    test: m[3]!,
  }));
}

const covered = new Map<string, string[]>();
for (const path of vectorFiles()) collectExpected(JSON.parse(readFileSync(path, 'utf8')), covered, relative(VECTORS, path));
const exempt = exemptions();

describe('coverage of the error registry by test vectors', () => {
  it('expects only codes that are in the registry', () => {
    const unknown = [...covered.keys()].filter((code) => !REGISTRY.has(code)).map((code) => `${code} (${covered.get(code)!.join(', ')})`);
    expect(unknown).toEqual([]);
  });

  it('exempts only registry codes that no vector covers, each with a reason and an existing test', () => {
    expect(exempt.length).toBeGreaterThan(0);
    for (const e of exempt) {
      expect(REGISTRY.has(e.code), `${e.code} is in the registry`).toBe(true);
      expect(covered.has(e.code), `${e.code} is exempt but covered by ${covered.get(e.code)?.join(', ')}: remove the exemption`).toBe(false);
      expect(e.why.length, `${e.code} says why`).toBeGreaterThan(20);
      expect(existsSync(join(REPO, e.test)), `${e.code}: ${e.test} exists`).toBe(true);
      expect(readFileSync(join(REPO, e.test), 'utf8'), `${e.test} names ${e.code}`).toContain(e.code);
    }
    expect(new Set(exempt.map((e) => e.code)).size).toBe(exempt.length);
  });

  it('has a negative vector for every code of the registry that is not exempt', () => {
    const exemptCodes = new Set(exempt.map((e) => e.code));
    const uncovered = ERROR_CODES.filter((code) => !covered.has(code) && !exemptCodes.has(code));
    const count = ERROR_CODES.filter((code) => covered.has(code)).length;
    console.log(`error codes with a vector: ${count} of ${ERROR_CODES.length}; exempt: ${exemptCodes.size}; uncovered: ${uncovered.length}${uncovered.length ? ` (${uncovered.join(', ')})` : ''}`);
    expect(uncovered).toEqual([]);
  });
});
