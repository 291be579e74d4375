/**
 * `npm run bench -- sim` (issue 14's goals): lineage accounting over 10^6 workloads and 10^5 model
 * states (goal: under 10 s), against a bare pass that only reads every digest into a map; and the
 * simulator end to end through the built command line (goal: 10^5 chips under 5 minutes, memory
 * bounded), each size in its own process so that its peak RSS is its own. HEMKIT_SIM_CHIPS lists the
 * fleet sizes (default 1000,10000; 100000 for the goal itself, which takes minutes).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '@hemkit/wire/bytes';
import { accountLineage, type LineageWorkload } from '@hemkit/verifier/accounting';

const ROOT = join(import.meta.dirname, '../../..');

/** 10^5 states in 1000 chains of 100; every 10th state also merges the state 50 back (a diamond). */
function syntheticLineage(states: number, workloadsPerState: number): LineageWorkload[] {
  const digest = (i: number) => sha256(Uint8Array.of(i & 255, (i >> 8) & 255, (i >> 16) & 255, (i >> 24) & 255));
  const digests = Array.from({ length: states }, (_, i) => digest(i));
  const chainLength = 100;
  const chips = Array.from({ length: 10_000 }, (_, i) => Uint8Array.of(0x01, ...new Uint8Array(12), (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255));
  const nextIndex = new Int32Array(chips.length);
  const out: LineageWorkload[] = [];
  for (let s = 0; s < states; s++) {
    const step = s % chainLength;
    const parents = step === 0 ? [] : step % 10 === 0 && step >= 50 ? [digests[s - 1]!, digests[s - 50]!] : [digests[s - 1]!];
    for (let k = 0; k < workloadsPerState; k++) {
      const chip = (s * workloadsPerState + k) % chips.length;
      out.push({ ueid: chips[chip]!, logIndex: nextIndex[chip]!++, ops: 10n ** 20n, workloadId: `run-${Math.floor(s / chainLength)}-${k}`, parents, produced: digests[s]!, time: 1_800_000_000 });
    }
  }
  return out;
}

export async function benchSimulation(): Promise<void> {
  const workloads = syntheticLineage(100_000, 10);
  const t0 = performance.now();
  const seen = new Map<string, number>();
  for (const w of workloads) {
    seen.set(toHex(w.produced), seen.size);
    for (const p of w.parents) seen.set(toHex(p), seen.size);
  }
  const bare = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  const report = accountLineage({ workloads });
  const lineage = (performance.now() - t1) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(`lineage accounting, ${workloads.length} workloads, ${report.totals.states} model states, ${report.totals.edges} edges (load average ${loadavg()[0]!.toFixed(1)}):`);
  console.log(`  ${lineage.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU (goal < 10 s: ${(lineage / 10).toFixed(2)} of it); bare pass reading every digest into a map ${bare.toFixed(2)} s; ratio ${(lineage / bare).toFixed(1)}`);
  console.log(`  ${report.models.length} models itemised (default thresholds), ${report.aggregate.states} states in the aggregate`);

  const sizes = (process.env['HEMKIT_SIM_CHIPS'] ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
  if (sizes.length === 0) return;
  const bin = join(ROOT, 'packages/cli/bin/hemkit.js');
  console.log('\nhemkit simulate end to end (built CLI, 2 worker threads, node backend; each size its own process):');
  console.log('| chips | driving | CPU (all threads) | chips/s | accounting | peak RSS | every evader detected, no false flag |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const chips of sizes) {
    let text: string;
    let clean = true;
    try {
      text = execFileSync(process.execPath, [bin, 'simulate', '--chips', String(chips), '--workers', '2', '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    } catch (e) {
      const err = e as { status?: number; stdout?: string };
      if (err.status !== 1 || err.stdout === undefined) throw e;
      text = err.stdout;
      clean = false;
    }
    const r = JSON.parse(text) as { chipsDriven: number; seconds: { drive: number; driveCpu: number; accounting: number }; peakRssBytes: number };
    const projected = chips < 100_000 ? ` (10^5 at this rate: ${((r.seconds.drive * 100_000) / chips / 60).toFixed(1)} min)` : '';
    console.log(
      `| ${chips} | ${r.seconds.drive.toFixed(1)} s${projected} | ${r.seconds.driveCpu.toFixed(1)} s (${((r.seconds.driveCpu * 1000) / r.chipsDriven).toFixed(2)} ms a chip) | ${(r.chipsDriven / r.seconds.drive).toFixed(0)} | ${r.seconds.accounting.toFixed(2)} s | ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB | ${clean ? 'yes' : 'NO'} |`,
    );
  }
  console.log(`load average after: ${loadavg()[0]!.toFixed(1)} (2 cores)`);
}
