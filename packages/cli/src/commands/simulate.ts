/**
 * `hemkit simulate`: the issue 14 fleet through module, verifier and lineage accounting (@hemkit/sim),
 * with a progress line on stderr, the detection table on stdout, and the chart as SVG on request.
 */
import { writeFileSync } from 'node:fs';
import { DEFAULT_THRESHOLDS } from '@hemkit/verifier/accounting';
import { lineageChart, renderSimulation, simulate, simulateParallel, type SimulationResult } from '@hemkit/sim';
import { pathOf, type Io } from '../io.js';
import { progress } from '../progress.js';

export interface SimulateOptions {
  readonly chips: number;
  readonly seed: string;
  readonly workers: number;
  readonly svg?: string;
  readonly json?: boolean;
}

export async function runSimulate(io: Io, o: SimulateOptions): Promise<number> {
  const bar = progress(io, 'chips', o.chips);
  const onProgress = (done: number) => bar.tick(done);
  const result: SimulationResult =
    o.workers > 1 ? await simulateParallel({ chips: o.chips, seed: o.seed, workers: o.workers, onProgress }) : simulate({ chips: o.chips, seed: o.seed, onProgress });
  bar.done();
  if (o.svg !== undefined) {
    const thresholds = DEFAULT_THRESHOLDS.map((t) => ({ label: t.id === 'eu-ai-act-art-51-2' ? 'EU AI Act Art. 51(2): 1e25' : 'US EO 14110: 1e26', ops: t.ops }));
    writeFileSync(pathOf(io, o.svg), lineageChart(result.curves, thresholds, `Cumulative compute per lineage: ${result.chips} chips, seed ${result.seed}`));
  }
  if (o.json === true) {
    io.stdout.write(`${JSON.stringify({ ...result, report: undefined, curves: undefined, scores: result.scores }, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  } else {
    io.stdout.write(renderSimulation(result));
  }
  // Any evader missed, or any false flag on an honest operator, is a negative result.
  const clean = result.scores.every((s) => (s.evading ? s.detected === s.operators : s.falsePositives === 0));
  return clean ? 0 : 1;
}
