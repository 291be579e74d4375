import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decode, encode, type CborValue } from '@hemkit/wire/cbor';
import { stdioClient } from '../../src/transport/index.js';
import { expectRejection, u8 } from './support.js';

const repositoryRoot = join(import.meta.dirname, '../../../..');
const echoServer = join(import.meta.dirname, 'fixtures/echo-server.ts');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** The device process: node running the TypeScript fixture through tsx, as the CLI would start it. */
function spawnEchoServer(): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=@hemkit/source', '--import', 'tsx', echoServer], {
    cwd: repositoryRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

const envelope = (command: number, requestId: number, params: CborValue): Uint8Array =>
  encode(new Map<number, CborValue>([[1, command], [2, requestId], [3, params]]));

describe('stdio transport to a child process', () => {
  it('round-trips CBOR requests and responses, then closes the child cleanly', async () => {
    const child = spawnEchoServer();
    const client = stdioClient(child);
    const nonce = new Uint8Array(32).fill(7);
    const response = decode(await client.request(envelope(7, 1, new Map([[1, nonce]]))));
    expect(response).toEqual(new Map<number, CborValue>([[1, 7], [2, 1], [4, 0], [5, new Map([[1, nonce]])]]));

    const many = await Promise.all([2, 3, 4].map((id) => client.request(envelope(11, id, new Map()))));
    expect(many.map((r) => (decode(r) as Map<number, CborValue>).get(2))).toEqual([2, 3, 4]);

    await client.close();
    expect(child.exitCode).toBe(0);
  });

  it('gets an error response for a request that is not CBOR', async () => {
    const client = stdioClient(spawnEchoServer());
    const response = decode(await client.request(u8(0xff))) as Map<number, CborValue>;
    expect(response.get(4)).toBe(1);
    expect((response.get(6) as Map<number, CborValue>).get(1)).toMatch(/^CBOR_/);
    await client.close();
  });

  it('rejects a request to a child that exits without answering (TRANSPORT_FAILED)', async () => {
    const child = spawn(process.execPath, ['-e', 'process.stdin.once("data", () => process.exit(3))'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    const client = stdioClient(child);
    await expectRejection(client.request(u8(1)), 'TRANSPORT_FAILED');
    await client.close();
    expect(child.exitCode).toBe(3);
  });

  it('refuses a child without piped stdio (TRANSPORT_FAILED)', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    children.push(child);
    expect(() => stdioClient(child)).toThrow(expect.objectContaining({ code: 'TRANSPORT_FAILED' }));
  });
});
