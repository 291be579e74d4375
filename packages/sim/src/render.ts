/** The simulation's result as text: the detection table, the accounting's totals, time and memory. */
import type { SimulationResult } from './simulate.js';

const pct = (n: number, of: number) => (of === 0 ? '—' : `${((100 * n) / of).toFixed(0)} %`);

/** The detection table in Markdown, as the README shows it. */
export function detectionTable(r: SimulationResult): string {
  const lines = [
    '| strategy | operators | chips | detected (lineage) | detected (per workload id, §6.1) | false positives | correct flags |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of r.scores) {
    lines.push(
      s.evading
        ? `| ${s.strategy} | ${s.operators} | ${s.chips} | ${s.detected}/${s.operators} (${pct(s.detected, s.operators)}) | ${s.detectedById}/${s.operators} (${pct(s.detectedById, s.operators)}) | — | — |`
        : `| ${s.strategy} | ${s.operators} | ${s.chips} | — | — | ${s.falsePositives}/${s.operators} (${pct(s.falsePositives, s.operators)}) | ${s.trueFlags} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderSimulation(r: SimulationResult): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const rate = r.chipsDriven / Math.max(r.seconds.drive, 1e-9);
  return [
    `Fleet simulation (seed ${JSON.stringify(r.seed)}): ${r.chips} chips, ${r.chipsDriven} driven through module, evidence and appraisal, ${r.affirmed} affirmed`,
    `Lineage accounting: ${r.workloads} workloads, ${r.states} model states; ${r.report.models.length} itemised, ${r.report.aggregate.states} states in the aggregate`,
    '',
    detectionTable(r),
    `Time: ${r.seconds.drive.toFixed(1)} s driving chips (${rate.toFixed(0)} chips/s; ${r.seconds.driveCpu.toFixed(1)} s of CPU in all threads), ${r.seconds.accounting.toFixed(2)} s lineage accounting of the evidence; peak RSS ${mib(r.peakRssBytes)}`,
    '',
  ].join('\n');
}
