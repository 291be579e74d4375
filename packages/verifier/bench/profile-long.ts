/** Profiling aid (issue 12): appraises the ~1,000-entry bundle in a loop. `node --cpu-prof --import tsx ...` */
import { getBackend } from '@hemkit/wire/crypto/node';
import { appraise } from '../src/appraise.js';
import { MemoryVerifierStore } from '../src/store/index.js';
import { licensedChip, verifierInputs } from './fixture.js';

const backend = getBackend('node');
const long = licensedChip('bench long chip', 499, () => 10n ** 20n);
const inputs = verifierInputs(backend, new MemoryVerifierStore());
const n = Number(process.argv[2] ?? 300);
appraise(long.full, inputs);
const t = performance.now();
for (let i = 0; i < n; i++) {
  const a = appraise(long.full, inputs);
  if (a.status !== 'affirming') throw new Error(a.status);
}
const ms = performance.now() - t;
console.log(`${long.disclosed} entries, ${long.full.length} bytes: ${(n / (ms / 1000)).toFixed(1)} bundles/s`);
