/**
 * The chip lock under contention, as two shells on one machine would contend for it: several
 * processes take and release the lock of one directory in a loop. At no moment may two hold it,
 * whether they found it free, held, or stale.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LOCK_JS = resolve(__dirname, '../dist/lock.js');

// Each contender takes the lock `rounds` times; while it holds it, it appends "+pid" and "-pid" to a
// journal with a pause between, so an overlap shows as two "+" in a row.
const contender = `
const { lockChip } = await import(${JSON.stringify(LOCK_JS)});
const { appendFileSync } = await import('node:fs');
const [dir, journal, rounds] = process.argv.slice(1);
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
let taken = 0, refused = 0;
while (taken < Number(rounds)) {
  let lock;
  try { lock = lockChip(dir); } catch (e) { refused++; continue; }
  appendFileSync(journal, '+' + process.pid + '\\n');
  await pause(2);
  appendFileSync(journal, '-' + process.pid + '\\n');
  lock.release();
  taken++;
}
console.log(refused);
`;

function run(dir: string, journal: string, rounds: number): Promise<{ code: number; refused: number }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', contender, dir, journal, String(rounds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => done({ code: code ?? -1, refused: Number(out.trim()) }));
  });
}

describe('the chip lock', () => {
  it('is held by one process at a time while six contend for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-lock-'));
    const journal = join(dir, 'journal');
    writeFileSync(journal, '');
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => run(dir, journal, 40)));
    for (const r of results) expect(r.code).toBe(0);
    expect(results.reduce((n, r) => n + r.refused, 0)).toBeGreaterThan(0); // they did contend
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6 * 40 * 2);
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]!.startsWith('+'), `line ${i}`).toBe(true);
      expect(lines[i + 1], `line ${i + 1}`).toBe(`-${lines[i]!.slice(1)}`);
    }
  }, 60_000);

  it('taken over from a dead holder by exactly one of the processes that find it stale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-lock-'));
    const journal = join(dir, 'journal');
    writeFileSync(journal, '');
    writeFileSync(join(dir, 'hemkit.lock'), '999999999\n'); // no such process
    const results = await Promise.all([1, 2, 3, 4].map(() => run(dir, journal, 5)));
    for (const r of results) expect(r.code).toBe(0);
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4 * 5 * 2);
    for (let i = 0; i < lines.length; i += 2) expect(lines[i + 1]).toBe(`-${lines[i]!.slice(1)}`);
  }, 60_000);
});
