/**
 * `npm run vectors [-- --check]`: the vector generator (scripts/generate-vectors.ts), then the spec
 * documents that quote the vectors (scripts/spec-docs.ts), with the same arguments, so that one
 * command regenerates, or checks, both. The documents come second: they are read from the vectors.
 */
import { writeDocs } from './spec-docs.js';

await import('./generate-vectors.js'); // exits 1 itself when --check finds a stale vector
const check = process.argv.includes('--check');
const stale = writeDocs(check);
if (check && stale > 0) {
  console.error(`${stale} spec document(s) out of date: run npm run vectors`);
  process.exit(1);
}
console.log(check ? 'spec documents are up to date' : `${stale} spec document(s) written`);
