/**
 * The long-running device process: boots the chip, then answers framed requests on stdio or a Unix
 * socket, one at a time, until its input ends.
 */
import { createUnixSocketServer, serveFrames } from '../transport/index.js';
import { Device, type DeviceOptions } from './device.js';

export interface ServeOptions extends DeviceOptions {
  readonly dir: string;
  /** A Unix socket path; stdio when absent. */
  readonly socket?: string;
}

export async function serveDevice(options: ServeOptions): Promise<void> {
  const device = Device.open(options.dir, options);
  device.boot();
  try {
    if (options.socket === undefined) {
      await serveFrames(process.stdin, process.stdout, (request) => device.handle(request));
      return;
    }
    const server = await createUnixSocketServer(options.socket, (request) => device.handle(request));
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await server.close();
  } finally {
    device.close();
  }
}
