/**
 * Frames over a Unix-domain socket. It is local only; who may connect is decided by the socket
 * file's permissions (the process umask), not by the protocol.
 */
import { lstatSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { createFrameClient, type FrameClient } from './client.js';
import type { FrameOptions } from './frame.js';
import { createSerialQueue } from './serial.js';
import { serveFrames, transportFailed, type FrameHandler } from './stream.js';

export interface UnixSocketServerOptions extends FrameOptions {
  /** Told of each connection that ends in a framing, transport or handler error; the server goes on. */
  readonly onConnectionError?: (error: unknown) => void;
}

export interface UnixSocketServer {
  readonly path: string;
  /** Stops accepting, cuts open connections, and removes the socket file. */
  close(): Promise<void>;
}

/**
 * Serves `handler` at `path`. Requests from all connections share one queue, so the handler never
 * runs twice at once. A socket file left by a crashed server is replaced; one that a live server
 * answers on is not.
 */
export async function createUnixSocketServer(
  path: string,
  handler: FrameHandler,
  options: UnixSocketServerOptions = {},
): Promise<UnixSocketServer> {
  const serial = createSerialQueue();
  const serialHandler: FrameHandler = (request) => serial(() => handler(request));
  const connections = new Set<Socket>();

  const server = createServer((socket) => {
    connections.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => connections.delete(socket));
    serveFrames(socket, socket, serialHandler, options).then(
      () => socket.end(),
      (error: unknown) => {
        // The next frame boundary is lost (module-commands.md §2): close without a response.
        socket.destroy();
        options.onConnectionError?.(error);
      },
    );
  });

  try {
    await listen(server, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !isSocketFile(path) || (await isLive(path))) {
      throw transportFailed(`cannot listen on "${path}"`, error);
    }
    rmSync(path, { force: true });
    try {
      await listen(server, path);
    } catch (retryError) {
      throw transportFailed(`cannot listen on "${path}"`, retryError);
    }
  }

  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of connections) socket.destroy();
      }),
  };
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Only a socket file may be taken for a stale one: any other file at `path` is someone's data. */
function isSocketFile(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

/** Whether some process accepts connections at `path`. */
function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Connects to a server made by createUnixSocketServer. */
export function connectUnixSocket(path: string, options: FrameOptions = {}): Promise<FrameClient> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', (error) => reject(transportFailed(`cannot connect to "${path}"`, error)));
    socket.once('connect', () => {
      const shutdown = async (): Promise<void> => {
        socket.end(() => socket.destroy());
        await closed;
      };
      resolve(createFrameClient(socket, socket, shutdown, options));
    });
  });
}
