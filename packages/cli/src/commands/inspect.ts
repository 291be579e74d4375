/**
 * `hemkit inspect <file>`: any CBOR file (raw or hex text) in diagnostic notation (RFC 8949 §8),
 * checked against the encoding profile, and then, for every hemkit message it recognises, every
 * level named: a COSE message's headers and payload, the payload's claims by name down to nested
 * maps, times as ISO dates, enums by name; an evidence bundle with each member labelled and each
 * inner message inspected in turn. `--json` gives the same tree as JSON (big integers as strings).
 * `--web` serves the inspector page (packages/inspector) on localhost and opens it in a browser.
 */
import { spawn } from 'node:child_process';
import { describe, readFile } from '@hemkit/inspector';
import { readInput } from '../files.js';
import { UsageError, type Io } from '../io.js';
import { render } from '../inspect.js';

export interface InspectOptions {
  readonly json?: boolean;
  readonly web?: boolean;
  readonly port?: number;
  /** --no-open sets this false. */
  readonly open?: boolean;
}

export async function inspectCommand(io: Io, file: string | undefined, opts: InspectOptions): Promise<number> {
  if (opts.web) {
    if (file !== undefined || opts.json) throw new UsageError('inspect --web takes no file and no --json: paste or drop messages into the page');
    return web(io, opts);
  }
  if (opts.port !== undefined || opts.open === false) throw new UsageError('--port and --no-open go with --web');
  if (file === undefined) throw new UsageError('inspect needs a file (- for standard input), or --web for the inspector page');
  const bytes = readFile(await readInput(io, file)).bytes;
  const d = describe(bytes);
  io.stdout.write(`${opts.json ? JSON.stringify(d.tree, null, 2) : render(d)}\n`);
  return 0;
}

/** Serves the page until SIGINT or SIGTERM; opens it with the desktop's opener when asked. */
async function web(io: Io, opts: InspectOptions): Promise<number> {
  const { servePage, PageNotBuilt } = await import('@hemkit/inspector/serve');
  let serving;
  try {
    serving = await servePage(opts.port === undefined ? {} : { port: opts.port });
  } catch (e) {
    if (e instanceof PageNotBuilt) throw new UsageError(e.message);
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${opts.port} is in use: choose another with --port, or leave it out for any free port`);
    throw e;
  }
  io.stderr.write(`hemkit: the inspector is at ${serving.url} (it works offline; SIGINT or SIGTERM stops it)\n`);
  if (opts.open !== false) openInBrowser(serving.url);
  await new Promise<void>((stopped) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      stopped();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await serving.close();
  return 0;
}

/** The desktop's way to open a URL; where there is none (a server, CI), the printed address does. */
function openInBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
