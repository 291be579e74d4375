/**
 * The simulation on worker threads: the fleet is cut into consecutive ranges of chips, one per
 * worker; each worker streams its chips' records here as it drives them, and each is accounted as
 * it arrives (account.ts). Accounting sums are the same in any order of arrival, and the plan's
 * states are numbered before any chip, so the seed alone still decides every number but time.
 */
import { Worker } from 'node:worker_threads';
import { generateFleet } from './scenario.js';
import { FleetAccounting } from './account.js';
import { cpuSince, DEFAULT_CHIPS, DEFAULT_SEED, type SimulationOptions, type SimulationResult } from './simulate.js';
import type { WorkerJob, WorkerMessage } from './worker.js';

export interface ParallelOptions extends SimulationOptions {
  /** Worker threads (default 2). */
  readonly workers?: number;
  /**
   * How to start a worker on `job`: by default the compiled worker beside this file. A caller that
   * runs from TypeScript sources (tests, the bench under tsx) supplies its own.
   */
  readonly startWorker?: (job: WorkerJob) => Worker;
}

export async function simulateParallel(options: ParallelOptions = {}): Promise<SimulationResult> {
  const seed = options.seed ?? DEFAULT_SEED;
  const fleet = generateFleet(seed, options.chips ?? DEFAULT_CHIPS);
  const count = Math.max(1, Math.min(options.workers ?? 2, 64));
  const start = options.startWorker ?? ((job: WorkerJob) => new Worker(new URL('./worker.js', import.meta.url), { workerData: job }));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const bounds = Array.from({ length: count + 1 }, (_, i) => Math.round((fleet.chips * i) / count));
  const accounting = new FleetAccounting(fleet);
  await Promise.all(
    bounds.slice(0, -1).map(
      (from, i) =>
        new Promise<void>((resolve, reject) => {
          const worker = start({ seed, chips: fleet.chips, from, to: bounds[i + 1]! });
          worker.on('message', (m: WorkerMessage) => {
            if (m.kind === 'chips') {
              for (const r of m.records) accounting.add(r);
              options.onProgress?.(accounting.chips, fleet.chips);
            } else {
              resolve();
              void worker.terminate();
            }
          });
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`simulation worker ${i} exited with ${code}`));
          });
        }),
    ),
  );
  return accounting.finish({ wall: (performance.now() - started) / 1000, cpu: cpuSince(cpu) });
}
