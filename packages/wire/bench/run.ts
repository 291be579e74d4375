/** `npm run bench`: every wire-layer benchmark, each reporting ratios to a baseline measured in this run. */
import { benchCbor } from './cbor.js';
import { benchCose } from './cose.js';
import { benchCrypto } from './crypto.js';
import { benchMerkle } from './merkle.js';

const benches: Record<string, () => Promise<void>> = {
  cbor: benchCbor,
  cose: benchCose,
  crypto: benchCrypto,
  merkle: benchMerkle,
};

const only = process.argv.slice(2);
console.log(`hemkit wire-layer benchmarks — node ${process.version}, single thread\n`);
for (const [name, run] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  await run();
  console.log();
}
