/**
 * Every vector-file format under test-vectors/ has its own section in specs/test-vectors.md (a
 * heading naming the format), and every directory of others' vectors is named in §3 there; the
 * formats table lists no format that no file has.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { read, SPECS, VECTORS, vectorFiles } from './support.js';

const doc = read(join(SPECS, 'test-vectors.md'));

/** True when a heading (## to ####) of `text` names `format` in backticks. */
export function hasSection(text: string, format: string): boolean {
  return text.split('\n').some((line) => /^#{2,4} /.test(line) && line.includes(`\`${format}\``));
}

/** The formats named in backticks in the first column of the §2 formats table. */
function tableFormats(text: string): string[] {
  const start = text.indexOf('## 2. Formats');
  const table = text.slice(start, text.indexOf('\n\n', text.indexOf('| format |', start)));
  return table
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => [...l.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

const formats = [...new Set(vectorFiles().map((f) => f.json.format as string))].sort();

describe('specs/test-vectors.md', () => {
  it('finds the vector files', () => {
    expect(formats.length).toBeGreaterThanOrEqual(13);
  });

  it.each(formats)('has a section for %s', (format) => {
    expect(hasSection(doc, format), `no heading names \`${format}\``).toBe(true);
  });

  it('the section check can fail: an unknown format, or one named only in prose, has no section', () => {
    expect(hasSection(doc, 'hemkit-no-such-format/v1')).toBe(false);
    expect(hasSection('## 2.1 Something\n\nthe `hemkit-cbor-decode/v1` format', 'hemkit-cbor-decode/v1')).toBe(false);
  });

  it('lists exactly the formats the files have', () => {
    expect([...new Set(tableFormats(doc))].sort()).toEqual(formats);
  });

  it('names every directory of external vectors in its section on others\' files', () => {
    const section = doc.slice(doc.indexOf('## 3. Files of others'), doc.indexOf('## 4.'));
    for (const dir of readdirSync(join(VECTORS, 'external'))) expect(section, dir).toContain(`\`external/${dir}\``);
  });
});
