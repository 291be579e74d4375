/**
 * Two verifier processes sharing one store file (specs/verifier.md §4): no appraisal lost to a race, no
 * lock error, and a process killed mid-stream leaves a consistent file that holds every appraisal it
 * reported as done.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SqliteVerifierStore } from '../../src/store/sqlite.js';
import { CHILD, REPO_ROOT, type TempDir, tempDir, ueid } from './support.js';

const CHIP = ueid(1);
const PER_PROCESS = 200;

let dir: TempDir;
let path: string;

beforeEach(() => {
  dir = tempDir();
  path = dir.file('shared.db');
});

afterEach(() => dir.remove());

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Complete stdout lines so far. */
  readonly lines: string[];
  /** Resolves with the exit code (or the signal) once stdout and stderr are drained. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  waitForLine(predicate: (line: string) => boolean): Promise<void>;
}

function appraiser(...args: string[]): Child {
  const child = spawn(process.execPath, ['--conditions=@hemkit/source', '--import', 'tsx', CHILD, path, ...args], { cwd: REPO_ROOT });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters: { predicate: (line: string) => boolean; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((w) => w.predicate(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  const waitForLine = (predicate: (line: string) => boolean): Promise<void> =>
    lines.some(predicate)
      ? Promise.resolve()
      : Promise.race([
          new Promise<void>((resolve) => waiters.push({ predicate, resolve })),
          exited.then(({ code, signal, stderr: err }) => {
            throw new Error(`appraiser exited (${code ?? signal}) before the expected line:\n${err}`);
          }),
        ]);
  return { process: child, lines, exited, waitForLine };
}

it(`loses no appraisal when two processes each make ${PER_PROCESS} on the same chip at once`, async () => {
  SqliteVerifierStore.open(path).close(); // so the race is over appraisals, not over creating the schema
  const children = [appraiser('count', String(PER_PROCESS)), appraiser('count', String(PER_PROCESS))];
  await Promise.all(children.map((c) => c.waitForLine((l) => l === 'ready')));
  for (const c of children) c.process.stdin.write('go\n');

  const results = await Promise.all(children.map((c) => c.exited));
  for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, signal: null });

  const store = SqliteVerifierStore.open(path);
  try {
    const memory = store.getChip(CHIP)!;
    expect(memory.totalOps).toBe(BigInt(2 * PER_PROCESS));
    expect(memory.checkpoints.map((c) => c.treeSize)).toEqual(Array.from({ length: 2 * PER_PROCESS }, (_, i) => i + 1));
    store.checkIntegrity();
  } finally {
    store.close();
  }
});

it('keeps every appraisal a killed process reported as done, and a consistent file', async () => {
  const child = appraiser('forever');
  await child.waitForLine((l) => Number(l) >= 100);
  child.process.kill('SIGKILL');
  const { signal } = await child.exited;
  expect(signal).toBe('SIGKILL');
  const reported = BigInt(child.lines.at(-1)!);

  const store = SqliteVerifierStore.open(path);
  try {
    store.checkIntegrity();
    const memory = store.getChip(CHIP)!;
    // the kill may land between a commit and its line being printed, never before a reported commit
    expect([reported, reported + 1n]).toContain(memory.totalOps);
    expect(memory.checkpoints).toHaveLength(Number(memory.totalOps));
    expect(memory.checkpoints.at(-1)?.treeSize).toBe(Number(memory.totalOps));
  } finally {
    store.close();
  }
});
