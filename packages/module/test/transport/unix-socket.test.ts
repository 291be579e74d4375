import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HemkitError } from '@hemkit/wire/errors';
import {
  connectUnixSocket,
  createUnixSocketServer,
  type FrameClient,
  type UnixSocketServer,
} from '../../src/transport/index.js';
import { expectRejection, header, socketDirectory, u8 } from './support.js';

let tmp: ReturnType<typeof socketDirectory>;
let path: string;
const opened: { close(): Promise<void> }[] = [];
beforeEach(() => {
  tmp = socketDirectory();
  path = join(tmp.dir, 'module.sock');
});
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
  tmp.cleanup();
});

async function serve(...args: Parameters<typeof createUnixSocketServer>): Promise<UnixSocketServer> {
  const server = await createUnixSocketServer(...args);
  opened.push(server);
  return server;
}

async function connect(...args: Parameters<typeof connectUnixSocket>): Promise<FrameClient> {
  const client = await connectUnixSocket(...args);
  opened.push(client);
  return client;
}

const reverse = (request: Uint8Array): Uint8Array => request.slice().reverse();

describe('Unix-socket transport', () => {
  it('round-trips requests and responses', async () => {
    await serve(path, reverse);
    const client = await connect(path);
    expect(await client.request(u8(1, 2, 3))).toEqual(u8(3, 2, 1));
    expect(await client.request(u8(4))).toEqual(u8(4));
  });

  it('serializes concurrent requests of one client, so each gets its own answer', async () => {
    await serve(path, async (request) => {
      await new Promise((resolve) => setTimeout(resolve, request[0]! % 3));
      return reverse(request);
    });
    const client = await connect(path);
    const requests = Array.from({ length: 20 }, (_, i) => u8(i, 0xff));
    const responses = await Promise.all(requests.map((r) => client.request(r)));
    expect(responses).toEqual(requests.map(reverse));
  });

  it('never runs the handler twice at once, across connections', async () => {
    let running = 0;
    let mostAtOnce = 0;
    await serve(path, async (request) => {
      mostAtOnce = Math.max(mostAtOnce, ++running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
      return request;
    });
    const clients = await Promise.all([connect(path), connect(path), connect(path)]);
    const answers = await Promise.all(clients.flatMap((c, i) => [c.request(u8(i, 1)), c.request(u8(i, 2))]));
    expect(answers).toEqual(clients.flatMap((_, i) => [u8(i, 1), u8(i, 2)]));
    expect(mostAtOnce).toBe(1);
  });

  it('closes a connection that sends an oversized length, without answering (FRAME_TOO_LARGE)', async () => {
    const errors: unknown[] = [];
    await serve(path, reverse, { maxFrameBytes: 64, onConnectionError: (e) => errors.push(e) });
    const raw = createConnection(path);
    const received: Buffer[] = [];
    raw.on('data', (d: Buffer) => received.push(d));
    await new Promise<void>((resolve) => {
      raw.on('connect', () => raw.write(header(65)));
      raw.on('close', () => resolve());
    });
    expect(received).toEqual([]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as HemkitError).code).toBe('FRAME_TOO_LARGE');
  });

  it('keeps serving other connections after one fails', async () => {
    await serve(path, reverse, { onConnectionError: () => undefined });
    const raw = createConnection(path);
    await new Promise<void>((resolve) => {
      raw.on('connect', () => raw.write(header(0)));
      raw.on('close', () => resolve());
    });
    const client = await connect(path);
    expect(await client.request(u8(1, 2))).toEqual(u8(2, 1));
  });

  it('rejects a response above the client’s maximum, and stays broken (FRAME_TOO_LARGE)', async () => {
    await serve(path, () => new Uint8Array(100));
    const client = await connect(path, { maxFrameBytes: 50 });
    await expectRejection(client.request(u8(1)), 'FRAME_TOO_LARGE');
    await expectRejection(client.request(u8(2)), 'FRAME_TOO_LARGE');
  });

  it('rejects a request whose connection closes before the response (TRANSPORT_FAILED)', async () => {
    const server = await serve(path, () => new Promise<Uint8Array>(() => undefined));
    const client = await connect(path);
    const pending = client.request(u8(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await server.close();
    await expectRejection(pending, 'TRANSPORT_FAILED');
  });

  it('rejects requests after close (TRANSPORT_FAILED)', async () => {
    await serve(path, reverse);
    const client = await connectUnixSocket(path);
    await client.close();
    await expectRejection(client.request(u8(1)), 'TRANSPORT_FAILED');
  });

  it('refuses to connect where no server listens (TRANSPORT_FAILED)', async () => {
    await expectRejection(connectUnixSocket(join(tmp.dir, 'nobody.sock')), 'TRANSPORT_FAILED');
  });

  it('removes its socket file on close', async () => {
    const server = await createUnixSocketServer(path, reverse);
    expect(existsSync(path)).toBe(true);
    await server.close();
    expect(existsSync(path)).toBe(false);
  });

  it('replaces a socket file left by a server that crashed', async () => {
    const script = `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
    await new Promise((resolve) => spawn(process.execPath, ['-e', script]).once('exit', resolve));
    expect(existsSync(path)).toBe(true);
    await serve(path, reverse);
    const client = await connect(path);
    expect(await client.request(u8(1, 2))).toEqual(u8(2, 1));
  });

  it('refuses a path where a live server listens (TRANSPORT_FAILED)', async () => {
    await serve(path, reverse);
    await expectRejection(createUnixSocketServer(path, reverse), 'TRANSPORT_FAILED');
    const client = await connect(path);
    expect(await client.request(u8(1, 2))).toEqual(u8(2, 1));
  });

  it('refuses a path taken by a regular file (TRANSPORT_FAILED)', async () => {
    writeFileSync(path, 'not a socket');
    await expectRejection(createUnixSocketServer(path, reverse), 'TRANSPORT_FAILED');
    expect(existsSync(path)).toBe(true);
  });
});
