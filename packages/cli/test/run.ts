/** Runs the CLI in process with its own streams, environment and working directory. */
import { main } from '../src/main.js';
import type { Io } from '../src/io.js';

export interface Ran {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly bytes: Uint8Array;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  readonly stdin?: Uint8Array | string;
  readonly tty?: boolean;
}

export async function hemkit(argv: readonly string[], options: RunOptions): Promise<Ran> {
  const out: Uint8Array[] = [];
  const err: string[] = [];
  const enc = new TextEncoder();
  const io: Io = {
    stdout: { write: (t) => out.push(typeof t === 'string' ? enc.encode(t) : t) },
    stderr: { write: (t) => err.push(typeof t === 'string' ? t : new TextDecoder().decode(t)), isTTY: options.tty ?? false },
    env: { HEMKIT_TIME: undefined, XDG_STATE_HOME: `${options.cwd}/.state`, HOME: options.cwd, ...options.env },
    cwd: options.cwd,
    readStdin: async () => (typeof options.stdin === 'string' ? enc.encode(options.stdin) : (options.stdin ?? new Uint8Array(0))),
  };
  const code = await main(argv, io);
  const bytes = new Uint8Array(Buffer.concat(out));
  return { code, out: new TextDecoder().decode(bytes), err: err.join(''), bytes };
}

/** A factory and a licensed chip, built with the CLI, in `dir`. */
export async function licensedChip(dir: string, chip = 'chip'): Promise<void> {
  const steps = [
    ['module', 'init-factory', 'fab'],
    ['module', 'export-trust', 'fab', '--out', 'trust.json'],
    ['module', 'manufacture', chip, '--factory', 'fab'],
    ['module', 'licence', chip, '--factory', 'fab', '--ops', '1e24', '--days', '30', '--out', `${chip}.lic`],
    ['module', 'install', chip, `${chip}.lic`],
  ];
  for (const argv of steps) {
    if (argv[1] === 'init-factory' || argv[1] === 'export-trust') {
      const { existsSync } = await import('node:fs');
      if (existsSync(`${dir}/fab/factory.json`) && argv[1] === 'init-factory') continue;
    }
    const r = await hemkit(argv, { cwd: dir });
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: exit ${r.code}: ${r.err}`);
  }
}
