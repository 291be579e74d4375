/**
 * A verifier in a worker thread, for the scaling benchmark (verify.ts): it appraises the bundles it was
 * given with node:crypto against its own in-memory store, and on each request verifies them round-robin
 * for the time asked and posts how many it did. Loaded through tsx, which verify.ts registers in the worker first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getBackend } from '@hemkit/wire/crypto/node';
import { appraise } from '../src/appraise.js';
import { MemoryVerifierStore } from '../src/store/index.js';
import { verifierInputs } from './fixture.js';

export interface WorkerData {
  readonly bundles: readonly Uint8Array[];
}
export interface RunRequest {
  readonly seconds: number;
}
export interface RunResult {
  readonly count: number;
  readonly milliseconds: number;
}

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread (verify.ts starts it)');
const { bundles } = workerData as WorkerData;
const inputs = verifierInputs(getBackend('node'), new MemoryVerifierStore());
// The first round verifies each chain once (then cached) and fills the store, as in the main thread.
for (const bundle of bundles) {
  const a = appraise(bundle, inputs);
  if (a.status !== 'affirming') throw new Error(`worker: a bench bundle was appraised ${a.status}`);
}

const BATCH = 16;
let next = 0;
port.on('message', ({ seconds }: RunRequest) => {
  let count = 0;
  const start = performance.now();
  const stopAt = start + seconds * 1000;
  let now = start;
  while (now < stopAt) {
    for (let i = 0; i < BATCH; i++) appraise(bundles[next++ % bundles.length]!, inputs);
    count += BATCH;
    now = performance.now();
  }
  port.postMessage({ count, milliseconds: now - start } satisfies RunResult);
});
port.postMessage('ready');
