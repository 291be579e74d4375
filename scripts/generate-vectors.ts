/**
 * `npm run vectors`: regenerates every test vector from fixed seeds and writes test-vectors/.
 * `npm run vectors -- --check`: writes nothing; exits 1 if any checked-in file would change.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allVectorFiles } from './vector-files.js';

const root = join(import.meta.dirname, '..', 'test-vectors');
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, text] of allVectorFiles()) {
  const target = join(root, path);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (current === text) continue;
  stale++;
  if (check) {
    console.error(`test-vectors/${path}: ${current === undefined ? 'missing' : 'differs from what the generator writes'}`);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    console.log(`wrote test-vectors/${path}`);
  }
}
if (check && stale > 0) {
  console.error(`${stale} vector file(s) out of date: run npm run vectors`);
  process.exit(1);
}
console.log(check ? 'test vectors are up to date' : `${stale} file(s) written`);
