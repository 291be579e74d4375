/**
 * A worker thread of the simulation: drives its range of the fleet (regenerated from the seed, so
 * nothing but numbers crosses the thread boundary on the way in) and posts progress and its result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generateFleet } from './scenario.js';
import { driveRange } from './simulate.js';

export interface WorkerJob {
  readonly seed: string;
  readonly chips: number;
  readonly from: number;
  readonly to: number;
}

export type WorkerMessage = { readonly kind: 'progress'; readonly done: number } | { readonly kind: 'done'; readonly result: ReturnType<typeof driveRange> };

const job = workerData as WorkerJob;
const fleet = generateFleet(job.seed, job.chips);
let done = 0;
const result = driveRange(fleet, job.from, job.to, () => {
  if (++done % 50 === 0) parentPort!.postMessage({ kind: 'progress', done: 50 } satisfies WorkerMessage);
});
parentPort!.postMessage({ kind: 'progress', done: done % 50 } satisfies WorkerMessage);
parentPort!.postMessage({ kind: 'done', result } satisfies WorkerMessage);
