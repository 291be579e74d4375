/**
 * The long-running device process: boots the chip, then answers framed requests on stdio or a Unix
 * socket, one at a time, until its input ends or it is told to stop.
 *
 * Every refusal reaches the client as a typed response, storage failures included (device.ts); a
 * connection is only closed for what module-commands.md §2 says ends one, a broken frame. Each fault
 * the device meets (a file that does not verify, a failed commit) and each repair it makes is also
 * told to the operator in one line on stderr.
 */
import type { HemkitError } from '@hemkit/wire/errors';
import { createUnixSocketServer, serveFrames } from '../transport/index.js';
import { Device, type DeviceOptions } from './device.js';

export interface ServeOptions extends DeviceOptions {
  readonly dir: string;
  /** A Unix socket path; stdio when absent. */
  readonly socket?: string;
  /** Where the one-line reports go; stderr by default. */
  readonly report?: (line: string) => void;
  /** Stops a socket server, as SIGTERM and SIGINT do. */
  readonly signal?: AbortSignal;
  /** Hears where the device listens, once it does (the CLI prints it). */
  readonly onListening?: (where: string) => void;
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${(error as Partial<HemkitError>).code ?? error.name}: ${error.message}` : String(error);

export async function serveDevice(options: ServeOptions): Promise<void> {
  const report = options.report ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const device = Device.open(options.dir, {
    ...options,
    onFault: (error) => {
      report(`hemkit device: ${describe(error)}`);
      options.onFault?.(error);
    },
    onRepair: (line) => {
      report(`hemkit device: repaired: ${line}`);
      options.onRepair?.(line);
    },
  });
  device.boot();
  try {
    if (options.socket === undefined) {
      options.onListening?.('stdin/stdout');
      await serveFrames(process.stdin, process.stdout, (request) => device.handle(request)).catch((error: unknown) => {
        report(`hemkit device: stopped: ${describe(error)}`);
        throw error;
      });
      return;
    }
    // The stop handlers go in before anything is announced: a client (or a test) that sees the
    // listening line may send SIGTERM at once, and a signal that arrives while no listener is
    // installed takes Node's default action, killing the process without closing the socket, the
    // device or the chip's lock. A signal during start-up stops the device as soon as it listens.
    let stopped!: () => void;
    const stopping = new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        options.signal?.removeEventListener('abort', stop);
        resolve();
      };
      stopped = stop;
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      if (options.signal?.aborted) stop();
      else options.signal?.addEventListener('abort', stop);
    });
    let server: Awaited<ReturnType<typeof createUnixSocketServer>>;
    try {
      server = await createUnixSocketServer(options.socket, (request) => device.handle(request), {
        onConnectionError: (error) => report(`hemkit device: closed a connection: ${describe(error)}`),
      });
    } catch (error) {
      stopped();
      throw error;
    }
    options.onListening?.(options.socket);
    await stopping;
    await server.close();
  } finally {
    device.close();
  }
}
