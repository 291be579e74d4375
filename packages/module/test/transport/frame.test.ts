import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder } from '../../src/transport/index.js';
import { concat, expectCode, header, u8 } from './support.js';

/** Cuts `bytes` at the given offsets (taken modulo its length, sorted, deduplicated). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.slice(start, point));
    start = point;
  }
  return chunks;
}

describe('encodeFrame', () => {
  it('prefixes the item with its length as 4 bytes, big-endian (module-commands.md §2)', () => {
    expect(encodeFrame(u8(0xa0))).toEqual(u8(0, 0, 0, 1, 0xa0));
    expect(encodeFrame(new Uint8Array(0x010203)).subarray(0, 4)).toEqual(u8(0, 1, 2, 3));
  });

  it('refuses an empty item, which no receiver accepts (FRAME_EMPTY)', () => {
    expectCode(() => encodeFrame(new Uint8Array(0)), 'FRAME_EMPTY');
  });

  it('refuses an item above the maximum (FRAME_TOO_LARGE)', () => {
    expectCode(() => encodeFrame(new Uint8Array(9), { maxFrameBytes: 8 }), 'FRAME_TOO_LARGE');
    expect(encodeFrame(new Uint8Array(8), { maxFrameBytes: 8 })).toHaveLength(12);
  });

  it('refuses a maximum outside 1 to 2^32 - 1', () => {
    for (const maxFrameBytes of [0, -1, 1.5, 2 ** 32]) {
      expect(() => encodeFrame(u8(1), { maxFrameBytes })).toThrow(RangeError);
    }
  });
});

describe('FrameDecoder', () => {
  it('decodes several frames from one chunk', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(concat(encodeFrame(u8(1)), encodeFrame(u8(2, 3)), encodeFrame(u8(4))))).toEqual([
      u8(1),
      u8(2, 3),
      u8(4),
    ]);
    expect(decoder.bufferedBytes).toBe(0);
    decoder.end();
  });

  it('decodes a frame delivered one byte at a time', () => {
    const decoder = new FrameDecoder();
    const frames = [...encodeFrame(u8(7, 8, 9))].flatMap((byte) => decoder.push(u8(byte)));
    expect(frames).toEqual([u8(7, 8, 9)]);
  });

  it('returns plain Uint8Array copies that later changes to the chunk do not reach', () => {
    const decoder = new FrameDecoder();
    const chunk = Buffer.from(encodeFrame(u8(1, 2)));
    const [frame] = decoder.push(chunk);
    chunk.fill(0);
    expect(frame).toEqual(u8(1, 2));
    expect(Object.getPrototypeOf(frame)).toBe(Uint8Array.prototype);
  });

  it('decodes any frames cut into any chunks to the same items (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (payloads, offsets) => {
          const decoder = new FrameDecoder({ maxFrameBytes: 300 });
          const stream = concat(...payloads.map((p) => encodeFrame(p)));
          const decoded = cut(stream, offsets).flatMap((chunk) => decoder.push(chunk));
          decoder.end();
          expect(decoded).toEqual(payloads);
        },
      ),
    );
  });

  it('refuses a length above the maximum as soon as the 4 length bytes are in (FRAME_TOO_LARGE)', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 16 });
    expect(decoder.push(u8(0, 0))).toEqual([]);
    const error = expectCode(() => decoder.push(u8(0, 17)), 'FRAME_TOO_LARGE');
    expect(error.offset).toBe(0);
    expect(decoder.bufferedBytes).toBe(4);
  });

  it('accepts exactly the default maximum of 1 MiB, and refuses one byte more (FRAME_TOO_LARGE)', () => {
    expect(new FrameDecoder().push(encodeFrame(new Uint8Array(DEFAULT_MAX_FRAME_BYTES)))).toHaveLength(1);
    expectCode(() => new FrameDecoder().push(header(DEFAULT_MAX_FRAME_BYTES + 1)), 'FRAME_TOO_LARGE');
  });

  it('refuses a length of 2^32 - 1 without allocating for it (FRAME_TOO_LARGE)', () => {
    expectCode(() => new FrameDecoder().push(u8(0xff, 0xff, 0xff, 0xff, 0)), 'FRAME_TOO_LARGE');
  });

  it('refuses a length of 0 (FRAME_EMPTY)', () => {
    const decoder = new FrameDecoder();
    decoder.push(encodeFrame(u8(1)));
    expect(expectCode(() => decoder.push(header(0)), 'FRAME_EMPTY').offset).toBe(5);
  });

  it('returns the frames before a bad length in the same chunk, then fails on the next call (FRAME_TOO_LARGE)', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 8 });
    expect(decoder.push(concat(encodeFrame(u8(1)), encodeFrame(u8(2)), header(9), u8(0xee)))).toEqual([u8(1), u8(2)]);
    expect(decoder.error?.code).toBe('FRAME_TOO_LARGE');
    expect(decoder.error?.offset).toBe(10);
    expectCode(() => decoder.push(encodeFrame(u8(3))), 'FRAME_TOO_LARGE');
    expectCode(() => decoder.end(), 'FRAME_TOO_LARGE');
  });

  it('delivers the same frames before a bad length however the stream is cut (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 20 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (payloads, offsets) => {
          const decoder = new FrameDecoder({ maxFrameBytes: 20 });
          const stream = concat(...payloads.map((p) => encodeFrame(p)), header(21), new Uint8Array(21));
          const decoded: Uint8Array[] = [];
          let code: string | undefined;
          for (const chunk of cut(stream, offsets)) {
            try {
              decoded.push(...decoder.push(chunk));
            } catch (error) {
              code = (error as { code?: string }).code;
              break;
            }
          }
          if (code === undefined) expectCode(() => decoder.end(), 'FRAME_TOO_LARGE');
          else expect(code).toBe('FRAME_TOO_LARGE');
          expect(decoded).toEqual(payloads);
        },
      ),
    );
  });

  it('refuses a stream that ends inside a length (FRAME_TRUNCATED)', () => {
    const decoder = new FrameDecoder();
    decoder.push(concat(encodeFrame(u8(1)), u8(0, 0)));
    expect(expectCode(() => decoder.end(), 'FRAME_TRUNCATED').message).toMatch(/inside a frame length: 2 of 4/);
  });

  it('refuses a stream that ends inside an item (FRAME_TRUNCATED)', () => {
    const decoder = new FrameDecoder();
    decoder.push(encodeFrame(u8(1, 2, 3)).subarray(0, 6));
    expect(expectCode(() => decoder.end(), 'FRAME_TRUNCATED').message).toMatch(/inside a frame item: 2 of 3/);
  });

  it('refuses a stream that ends right after a length (FRAME_TRUNCATED)', () => {
    const decoder = new FrameDecoder();
    decoder.push(header(3));
    expectCode(() => decoder.end(), 'FRAME_TRUNCATED');
  });

  it('ends cleanly on a frame boundary, including an empty stream', () => {
    expect(() => new FrameDecoder().end()).not.toThrow();
  });
});
