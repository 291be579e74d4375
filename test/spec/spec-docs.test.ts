/**
 * specs/examples.md and specs/implementers-guide.md quote bytes from the vectors; scripts/spec-docs.ts
 * writes those quotes (the regions between `<!-- gen:… -->` comments) from the vector files. As for
 * the vectors themselves, the checked-in documents must be exactly what regenerating gives: a stale
 * quote, a hand edit inside a region, or a region the generator does not know fails here.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENTS, fill, generatedDocs, regions } from '../../scripts/spec-docs.js';
import { read, REPO } from './support.js';

describe('the byte-quoting documents are what scripts/spec-docs.ts generates', () => {
  const generated = generatedDocs();

  it.each(Object.keys(DOCUMENTS))('%s is up to date (run npm run spec-docs)', (rel) => {
    expect(read(join(REPO, rel)) === generated.get(rel), `${rel} differs from its regeneration: run npm run spec-docs`).toBe(true);
  });

  it.each(Object.keys(DOCUMENTS))('%s quotes its long byte strings only inside generated regions', (rel) => {
    // Outside the regions, only prose: a hex string of 32 digits or more there was typed by hand.
    const outside = read(join(REPO, rel)).replace(/<!-- gen:[\w.-]+ -->[\s\S]*?<!-- \/gen -->/g, '');
    expect(outside.match(/[0-9a-f]{32,}/g) ?? []).toEqual([]);
  });

  it.each(Object.keys(DOCUMENTS))('%s: an inline region never starts a line, and a block region sits on lines of its own', (rel) => {
    // CommonMark: a line starting with `<!--` (up to 3 spaces in) opens an HTML block, even inside a
    // paragraph, so the inline quote on it would be shown as raw text rather than as code.
    const lines = read(join(REPO, rel)).split('\n');
    expect(lines.filter((line) => /^ {0,3}<!-- gen:[\w.-]+ -->./.test(line))).toEqual([]);
    expect(lines.filter((line) => /.<!-- gen:[\w.-]+ -->$/.test(line))).toEqual([]);
  });

  it('the documents have many regions (every signed family, every check of the guide)', () => {
    expect(regions(read(join(REPO, 'specs/examples.md'))).length).toBeGreaterThan(40);
    expect(regions(read(join(REPO, 'specs/implementers-guide.md'))).length).toBeGreaterThan(40);
  });

  it('the check can fail: a stale quote is rewritten, so the document differs from its regeneration', () => {
    const rel = 'specs/examples.md';
    const current = read(join(REPO, rel));
    const [region] = regions(current).filter((r) => r.name === 'checkpoint.hex');
    expect(region).toBeDefined();
    const stale = current.replace(region!.content, region!.content.replace(/[0-9a-f]{8}/, '00000000'));
    expect(stale).not.toBe(current);
    const regenerated = generatedDocs((r) => (r === rel ? stale : read(join(REPO, r)))).get(rel);
    expect(regenerated).not.toBe(stale);
    expect(regenerated).toBe(generated.get(rel));
  });

  it('the check can fail: an unknown region, or a value with no region, is an error', () => {
    expect(() => fill('<!-- gen:no-such-thing -->x<!-- /gen -->', new Map())).toThrow(/no-such-thing/);
    expect(() => fill('no regions', new Map([['orphan', 'x']]))).toThrow(/orphan/);
  });
});
