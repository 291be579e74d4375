/** Shared helpers of the spec-consistency tests: the repository's spec documents and vector files. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const REPO = join(import.meta.dirname, '../..');
export const SPECS = join(REPO, 'specs');
export const VECTORS = join(REPO, 'test-vectors');

export const read = (path: string): string => readFileSync(path, 'utf8');

/** Every file under `dir` (recursively) whose name ends with `suffix`, as absolute paths, sorted. */
export function filesUnder(dir: string, suffix: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (skip(relative(dir, path))) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(suffix)) out.push(path);
    }
  };
  walk(dir);
  return out;
}

/** The generated vector files: every JSON file under test-vectors/ outside external/. */
export function vectorFiles(): { path: string; rel: string; json: Record<string, unknown> }[] {
  return filesUnder(VECTORS, '.json', (rel) => rel === 'external').map((path) => ({ path, rel: relative(VECTORS, path), json: JSON.parse(read(path)) as Record<string, unknown> }));
}

/** The spec's Markdown documents, by path relative to specs/. */
export function specDocuments(): { rel: string; text: string }[] {
  return filesUnder(SPECS, '.md').map((path) => ({ rel: relative(SPECS, path), text: read(path) }));
}
