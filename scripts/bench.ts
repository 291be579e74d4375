/**
 * `npm run bench`: every benchmark of the project, each printing ratios to a baseline measured in the
 * same run. `npm run bench -- wire module verifier` picks sections.
 */
import { benchCbor } from '../packages/wire/bench/cbor.js';
import { benchCose } from '../packages/wire/bench/cose.js';
import { benchCrypto } from '../packages/wire/bench/crypto.js';
import { benchMerkle } from '../packages/wire/bench/merkle.js';
import { benchModule } from '../packages/module/bench/module.js';
import { benchSimulation } from '../packages/sim/bench/sim.js';
import { benchStore } from '../packages/verifier/bench/store.js';
import { benchVerifier } from '../packages/verifier/bench/verify.js';

const sections: Record<string, () => Promise<void>> = {
  wire: async () => {
    await benchCbor();
    console.log();
    await benchCose();
    console.log();
    await benchCrypto();
    console.log();
    await benchMerkle();
  },
  module: benchModule,
  verifier: async () => {
    await benchVerifier();
    console.log();
    await benchStore();
  },
  sim: benchSimulation,
};

const only = process.argv.slice(2);
console.log(`hemkit benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
for (const [name, run] of Object.entries(sections)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`==== ${name} ====\n`);
  await run();
  console.log();
}
