/** `hemkit simulate`: the fleet simulator from the command line (issue 14). */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hemkit } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'hemkit-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hemkit simulate', () => {
  it('prints the detection table, writes the chart, exits 0 when every evader is caught and no honest operator flagged', async () => {
    const r = await hemkit(['simulate', '--chips', '150', '--seed', 'cli', '--workers', '1', '--svg', 'chart.svg'], { cwd: dir });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| evade-relabel \| 2 \| \d+ \| 2\/2 \(100 %\) \| 0\/2 \(0 %\) \|/);
    expect(readFileSync(join(dir, 'chart.svg'), 'utf8')).toContain('EU AI Act Art. 51(2): 1e25');
  });

  it('draws a progress line on a terminal\'s stderr only', async () => {
    const r = await hemkit(['simulate', '--chips', '150', '--seed', 'cli', '--workers', '1', '--json'], { cwd: dir, tty: true });
    expect(r.err).toMatch(/chips: \d+\/150/);
    expect(JSON.parse(r.out).scores).toHaveLength(9);
  });

  it('usage errors exit 2: too few chips', async () => {
    const r = await hemkit(['simulate', '--chips', '149'], { cwd: dir });
    expect(r.code).toBe(2);
  });

  // Worker threads run the built JavaScript: the same seed gives the same numbers as one thread.
  it.skipIf(!existsSync(join(import.meta.dirname, '../../sim/dist/worker.js')))('on two worker threads gives what one thread gives', () => {
    const bin = join(import.meta.dirname, '../bin/hemkit.js');
    const run = (workers: string) => JSON.parse(execFileSync(process.execPath, [bin, 'simulate', '--chips', '150', '--seed', 'cli', '--workers', workers, '--json'], { encoding: 'utf8' })) as { scores: unknown; workloads: number };
    const [one, two] = [run('1'), run('2')];
    expect(two.scores).toEqual(one.scores);
    expect(two.workloads).toBe(one.workloads);
  });
});
