import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeFrame, readFrames, serveFrames, writeFrame } from '../../src/transport/index.js';
import { concat, expectRejection, header, u8 } from './support.js';

/** A stream that delivers `chunks` and then ends. */
function source(...chunks: Uint8Array[]): PassThrough {
  const stream = new PassThrough();
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return stream;
}

/** A writable that keeps everything written to it. */
function sink(): { stream: Writable; bytes: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  const stream = new Writable({
    write(chunk: Uint8Array, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, bytes: () => concat(...chunks) };
}

async function collect(frames: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

describe('readFrames', () => {
  it('yields every frame of a stream, however it is chunked', async () => {
    const stream = concat(encodeFrame(u8(1, 2)), encodeFrame(u8(3)));
    expect(await collect(readFrames(source(stream.subarray(0, 3), stream.subarray(3, 8), stream.subarray(8))))).toEqual([
      u8(1, 2),
      u8(3),
    ]);
  });

  it('rejects a stream that ends inside a frame (FRAME_TRUNCATED)', async () => {
    await expectRejection(collect(readFrames(source(encodeFrame(u8(1)), header(2), u8(9)))), 'FRAME_TRUNCATED');
  });

  it('yields the frames before an oversized length, then rejects (FRAME_TOO_LARGE)', async () => {
    const seen: Uint8Array[] = [];
    const reading = (async () => {
      for await (const frame of readFrames(source(concat(encodeFrame(u8(1)), header(5))), { maxFrameBytes: 4 })) {
        seen.push(frame);
      }
    })();
    await expectRejection(reading, 'FRAME_TOO_LARGE');
    expect(seen).toEqual([u8(1)]);
  });

  it('rejects a zero length (FRAME_EMPTY)', async () => {
    await expectRejection(collect(readFrames(source(header(0)))), 'FRAME_EMPTY');
  });

  it('turns a stream error into TRANSPORT_FAILED, with the cause kept', async () => {
    const stream = new PassThrough();
    stream.write(encodeFrame(u8(1)).subarray(0, 2));
    setImmediate(() => stream.destroy(new Error('connection reset')));
    const error = await expectRejection(collect(readFrames(stream)), 'TRANSPORT_FAILED');
    expect((error.cause as Error).message).toBe('connection reset');
  });

  it('refuses a stream set to deliver text (TRANSPORT_FAILED)', async () => {
    const stream = source(encodeFrame(u8(0x41)));
    stream.setEncoding('utf8');
    await expectRejection(collect(readFrames(stream)), 'TRANSPORT_FAILED');
  });
});

describe('writeFrame', () => {
  it('writes the length prefix and the item', async () => {
    const out = sink();
    await writeFrame(out.stream, u8(5, 6));
    expect(out.bytes()).toEqual(u8(0, 0, 0, 2, 5, 6));
  });

  it('rejects when the stream fails (TRANSPORT_FAILED)', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('EPIPE'));
      },
    });
    await expectRejection(writeFrame(failing, u8(1)), 'TRANSPORT_FAILED');
  });

  it('rejects a write to a stream already ended (TRANSPORT_FAILED)', async () => {
    const out = sink();
    out.stream.end();
    await expectRejection(writeFrame(out.stream, u8(1)), 'TRANSPORT_FAILED');
  });
});

describe('serveFrames', () => {
  it('answers each request in order, one at a time, and resolves when the input ends', async () => {
    const out = sink();
    let running = 0;
    let mostAtOnce = 0;
    const handler = async (request: Uint8Array): Promise<Uint8Array> => {
      mostAtOnce = Math.max(mostAtOnce, ++running);
      await new Promise((resolve) => setTimeout(resolve, (request[0]! * 7) % 5));
      running--;
      return u8(request[0]! + 100);
    };
    const requests = Array.from({ length: 10 }, (_, i) => encodeFrame(u8(i)));
    await serveFrames(source(concat(...requests)), out.stream, handler);
    expect(mostAtOnce).toBe(1);
    expect(out.bytes()).toEqual(concat(...requests.map((_, i) => encodeFrame(u8(i + 100)))));
  });

  it('answers the requests before a framing error, then writes nothing more and rejects (FRAME_TOO_LARGE)', async () => {
    const out = sink();
    const input = source(concat(encodeFrame(u8(1)), header(1025), new Uint8Array(8), encodeFrame(u8(2))));
    await expectRejection(serveFrames(input, out.stream, (r) => r, { maxFrameBytes: 1024 }), 'FRAME_TOO_LARGE');
    expect(out.bytes()).toEqual(encodeFrame(u8(1)));
  });

  it('writes nothing for a request cut off by the end of the input (FRAME_TRUNCATED)', async () => {
    const out = sink();
    await expectRejection(serveFrames(source(header(3), u8(1)), out.stream, (r) => r), 'FRAME_TRUNCATED');
    expect(out.bytes()).toEqual(new Uint8Array(0));
  });

  it('rejects with the handler’s own error when the handler throws', async () => {
    const failure = new Error('firmware bug');
    await expect(
      serveFrames(source(encodeFrame(u8(1))), sink().stream, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });

  it('refuses to send an empty response (FRAME_EMPTY)', async () => {
    await expectRejection(serveFrames(source(encodeFrame(u8(1))), sink().stream, () => new Uint8Array(0)), 'FRAME_EMPTY');
  });
});
