/**
 * A worker thread of the simulation: drives its range of the fleet (regenerated from the seed, so
 * nothing but numbers crosses the thread boundary on the way in) and posts its chips' records in
 * batches as they are driven, keeping none: a worker's memory does not grow with its range.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generateFleet } from './scenario.js';
import { driveRange } from './simulate.js';
import type { ChipRecord } from './account.js';

export interface WorkerJob {
  readonly seed: string;
  readonly chips: number;
  readonly from: number;
  readonly to: number;
}

export type WorkerMessage = { readonly kind: 'chips'; readonly records: readonly ChipRecord[] } | { readonly kind: 'done' };

/** Chips per message: small enough to keep a worker's heap flat, large enough that posting costs nothing. */
const BATCH = 50;

const job = workerData as WorkerJob;
const fleet = generateFleet(job.seed, job.chips);
let batch: ChipRecord[] = [];
driveRange(fleet, job.from, job.to, (record) => {
  batch.push(record);
  if (batch.length === BATCH) {
    parentPort!.postMessage({ kind: 'chips', records: batch } satisfies WorkerMessage);
    batch = [];
  }
});
if (batch.length > 0) parentPort!.postMessage({ kind: 'chips', records: batch } satisfies WorkerMessage);
parentPort!.postMessage({ kind: 'done' } satisfies WorkerMessage);
