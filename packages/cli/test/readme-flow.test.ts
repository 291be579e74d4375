/**
 * The README's command line runs as written (issue 9): every ```sh block is taken from README.md
 * and run, in order, in one shell from the top of the clone, each command exactly as the README
 * shows it. A command whose comment says `(exit N)` must exit with N; every other must exit 0.
 * The flow must be complete with the CLI alone: a new factory, a chip, a run, evidence, an
 * affirmed appraisal, a second affirmed appraisal, and a flagged (replayed) bundle.
 *
 * The quick-start block (`npm install && npm run demo`, `npm test`) is the one block not run here:
 * it would run this test suite from inside itself; the demo test covers `npm run demo`.
 * Scratch files go to hemkit-work/ and hemkit-packs/ (the README names them, .gitignore covers
 * them), removed first and last.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../../..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');

/** Each ```sh block's commands, with `\`-continued lines joined. */
export function shellBlocks(markdown: string): string[][] {
  const blocks: string[][] = [];
  for (const m of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const lines = m[1]!.replace(/\\\n\s*/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    blocks.push(lines);
  }
  return blocks;
}

/** The exit status a command's comment promises: `(exit N)`, else 0. */
export const expectedExit = (line: string): number => Number(/#.*\(exit (\d+)\)/.exec(line)?.[1] ?? 0);

describe('README.md, run as written', () => {
  const blocks = shellBlocks(README);
  const quickStart = blocks.filter((b) => b.some((l) => l.startsWith('npm install')));
  const flow = blocks.filter((b) => !quickStart.includes(b));
  const commands = flow.flat();

  it('keeps the two-command quick start', () => {
    expect(quickStart).toHaveLength(1);
    expect(quickStart[0]!.map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['npm install && npm run demo', 'npm test']);
  });

  it('shows the whole flow with the CLI alone', () => {
    const steps = [
      /^mkdir hemkit-work && cd hemkit-work/,
      /^npx hemkit module init-factory /,
      /^npx hemkit module export-trust /,
      /^npx hemkit module manufacture /,
      /^npx hemkit module licence /,
      /^npx hemkit module install /,
      /^npx hemkit module run /,
      /^npx hemkit challenge /,
      /^npx hemkit module evidence .*--challenge/,
      /^npx hemkit verify .*--challenge .*# AFFIRMING/,
      /^npx hemkit challenge .*--for /,
      /^npx hemkit verify .*# AFFIRMING/,
      /^npx hemkit verify .*\(exit 1\)/,
    ];
    let at = 0;
    for (const step of steps) {
      const found = commands.findIndex((c, i) => i >= at && step.test(c));
      expect(found, `${step} after command ${at}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
    expect(commands.filter((c) => /^npx hemkit verify .*# AFFIRMING/.test(c))).toHaveLength(2);
  });

  it('runs every command block as written, each with the exit status it promises', () => {
    const scratch = ['hemkit-work', 'hemkit-packs'].map((d) => join(REPO, d));
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
    const script = ['set -u'];
    commands.forEach((command, i) => {
      script.push(`echo "\\$ ${command.replace(/["\\$`]/g, '\\$&')}"`);
      script.push(command);
      script.push(`rc=$?; if [ $rc -ne ${expectedExit(command)} ]; then echo "README command ${i + 1} exited $rc, expected ${expectedExit(command)}: ${command.replace(/["\\$`]/g, '\\$&')}" >&2; exit 99; fi`);
    });
    const r = spawnSync('bash', ['-c', script.join('\n')], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HEMKIT_TIME: '' }, timeout: 480_000 });
    expect(r.status, `${r.stderr}\n${r.stdout.slice(-3000)}`).toBe(0);
    expect(r.stdout.match(/: AFFIRMING/g)).toHaveLength(2);
    expect(r.stdout).toContain('NONCE_REUSED');
    expect(r.stderr).toContain('LICENCE_REPLAYED');
    expect(r.stdout).toMatch(/Flagged runs .*: 1\n[\s\S]*train-1/);
    expect(existsSync(join(REPO, 'hemkit-work', 'chip1', 'openings.jsonl'))).toBe(true);
    expect(existsSync(join(REPO, 'hemkit-packs', 'hemkit-wire-0.1.0.tgz'))).toBe(true);
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  }, 600_000);
});
