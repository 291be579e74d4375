/**
 * The device process as a verifier's tooling meets it: `main.ts --dir D --socket P` serving framed
 * CBOR on a Unix socket (loopback only), answering commands until it is told to stop.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import { CMD, encodeRequest, parseResponse } from '@hemkit/wire/messages';
import { connectUnixSocket } from '../../src/transport/index.js';

const MAIN = join(import.meta.dirname, '../../src/device/main.ts');

describe('the device process on a Unix socket', () => {
  it('manufactures, answers status and attest over the socket, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-socket-'));
    const socket = join(dir, 'chip.sock');
    const child = spawn(process.execPath, ['--conditions=@hemkit/source', '--import', 'tsx', MAIN, '--dir', join(dir, 'chip'), '--socket', socket], { stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
      const client = await connectUnixSocket(socket);
      let id = 0;
      const send = async (command: number, params: unknown) =>
        parseResponse(decode(await client.request(encode(encodeRequest({ command, requestId: ++id, params } as never)))));
      const made = await send(CMD.manufacture, { hwmodel: new TextEncoder().encode('hemkit-sim-a1') });
      expect(made.status).toBe(0);
      const status = await send(CMD.status, {});
      expect(status.status).toBe(0);
      expect(status.status === 0 && status.command === CMD.status && status.result.ueid).toEqual(made.status === 0 && made.command === CMD.manufacture && made.result.ueid);
      const attest = await send(CMD.attest, { nonce: new Uint8Array(8) });
      expect(attest.status === 1 && attest.error.code).toBe('MODULE_NOT_PROVISIONED');
      const garbage = parseResponse(decode(await client.request(new Uint8Array([0x18, 0x01]))));
      expect(garbage.status === 1 && garbage.error.code).toBe('CBOR_NON_SHORTEST_HEAD');
      await client.close();
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(child.exitCode === 0 || child.signalCode === 'SIGTERM').toBe(true);
  }, 30_000);
});
