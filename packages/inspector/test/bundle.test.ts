/**
 * The built page as a file: one self-contained document that a browser can open from disk, with
 * nothing of Node in it and nothing it could fetch.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensurePage, PAGE_PATH } from './page.js';

let html: string;

beforeAll(async () => {
  await ensurePage();
  html = readFileSync(PAGE_PATH, 'utf8');
}, 120_000);

describe('the built page', () => {
  it('imports no Node module: no node: specifier, no require, not the SQLite store', () => {
    expect(html).not.toMatch(/["'`]node:[a-z_/]+["'`]/);
    expect(html).not.toMatch(/\brequire\(\s*["'`]/);
    expect(html).not.toContain('better-sqlite3');
    expect(html).not.toContain('createNodeMerkleHasher');
  });

  it('is one document: its script and styles inline, a classic script (file:// cannot load modules)', () => {
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script>']);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/);
    expect(html).not.toMatch(/<link[^>]*rel="stylesheet"/);
    expect(html).not.toMatch(/\b(?:src|href)="(?!data:|#|\.\.\/|\/specs\/)[^"]+"/);
  });

  it('forbids itself every connection (Content-Security-Policy)', () => {
    expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'"`);
  });

  it('carries the project vectors it lists', () => {
    expect(html).toContain('evidence/evidence-honest.json');
    expect(html).toContain('messages/module-request.json');
  });
});
