/**
 * The device process on a failing medium (serve.ts): a full disk is answered on the connection with
 * STORAGE_FULL, the connection stays open for the next request, and stderr gets one line.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import { CMD, encodeRequest, parseResponse, STATUS_OK, type ModuleResponse } from '@hemkit/wire/messages';
import { serveDevice } from '../../src/device/index.js';
import { connectUnixSocket } from '../../src/transport/index.js';
import { faultyFs } from '../support/faulty-fs.js';
import { licensedChip, NOW, work } from './support.js';

/** A licensed chip's directory, closed and copied into a fresh temporary root (removed by the caller). */
function chipDirectory(workloads: number): { root: string; dir: string } {
  const template = licensedChip({ workloads });
  template.device.close();
  const root = mkdtempSync(join(tmpdir(), 'hemkit-serve-'));
  const dir = join(root, 'chip');
  cpSync(template.dir, dir, { recursive: true });
  template.cleanup();
  return { root, dir };
}

describe('the device process on a full disk', () => {
  it('answers STORAGE_FULL on the same connection, goes on answering, and reports one line', async () => {
    const { root, dir } = chipDirectory(1);
    const socket = join(root, 'chip.sock');
    const medium = faultyFs();
    const lines: string[] = [];
    const stop = new AbortController();
    const serving = serveDevice({ dir, socket, now: () => NOW, fs: medium, report: (line) => lines.push(line), signal: stop.signal });
    try {
      for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 10));
      const client = await connectUnixSocket(socket);
      let id = 0;
      const send = async (command: number, params: unknown): Promise<ModuleResponse> =>
        parseResponse(decode(await client.request(encode(encodeRequest({ command, requestId: ++id, params } as never)))));
      expect((await send(CMD.status, {})).status).toBe(STATUS_OK);
      expect(lines).toEqual([]);

      medium.fail('ENOSPC');
      const refused = await send(CMD.runWorkload, work(10n));
      expect(refused).toMatchObject({ command: CMD.runWorkload, requestId: id, status: 1, error: { code: 'STORAGE_FULL' } });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^hemkit device: STORAGE_FULL: .*ENOSPC/);

      const status = await send(CMD.status, {});
      expect(status.status).toBe(STATUS_OK);
      medium.heal();
      expect((await send(CMD.runWorkload, work(10n))).status).toBe(STATUS_OK);
      expect(lines).toHaveLength(1);
      await client.close();
    } finally {
      stop.abort();
      await serving;
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('the device process and its stop signals', () => {
  it('has its SIGTERM and SIGINT handlers installed when it announces where it listens, and removes them when it stops', async () => {
    const { root, dir } = chipDirectory(0);
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const atListening: { term: number; int: number }[] = [];
    const stop = new AbortController();
    try {
      await serveDevice({
        dir,
        socket: join(root, 'chip.sock'),
        now: () => NOW,
        report: () => {},
        signal: stop.signal,
        // A caller that reacts to the announcement at once (here: stops it at once) must find it stoppable.
        onListening: () => {
          atListening.push({ term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') });
          stop.abort();
        },
      });
      expect(atListening).toEqual([{ term: before.term + 1, int: before.int + 1 }]);
      // Once stopped, nothing of it stays on the process (a later SIGTERM takes its usual course).
      expect({ term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') }).toEqual(before);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);

  it('leaves no handler behind when it cannot listen', async () => {
    const { root, dir } = chipDirectory(0);
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    let announced = false;
    try {
      await expect(
        serveDevice({ dir, socket: join(root, 'no-such-dir', 'chip.sock'), now: () => NOW, report: () => {}, onListening: () => void (announced = true) }),
      ).rejects.toThrow();
      expect(announced).toBe(false);
      expect({ term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') }).toEqual(before);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);
});
