/**
 * test-vectors/framing/frames.json: the stream framing of module requests and responses
 * (specs/messages/module-commands.md §2): frame = 4-byte big-endian length ‖ item. A vector is a
 * whole byte stream; a receiver must deliver exactly the listed frames, in order, however the stream
 * is cut into chunks, and then either reach the end cleanly or fail with the code.
 */
import { encode } from '@hemkit/wire/cbor';
import { CMD, encodeRequest } from '@hemkit/wire/messages';
import { encodeFrame, FrameDecoder } from '../../packages/module/src/transport/frame.js';
import { confirm, fromHex, hex, renderVectorFile, type VectorBase } from './vector-file.js';

export const FRAMES_FORMAT = 'hemkit-frames/v1';

interface FrameVector extends VectorBase {
  /** The byte stream, as a receiver reads it. */
  readonly input: string;
  /** The receiver's maximum item length; absent: the default of 1 MiB (2^20 bytes). */
  readonly maxFrameBytes?: number;
  /** The items delivered, in order (for invalid vectors: those delivered before the fault). */
  readonly frames: readonly string[];
}

const u32 = (n: number) => n.toString(16).padStart(8, '0');
const frame = (item: string) => `${u32(item.length / 2)}${item}`;

/** Reads `input` through one FrameDecoder in chunks of `chunk` bytes; returns the frames, throws the fault. */
export function readStream(input: Uint8Array, maxFrameBytes: number | undefined, chunk: number, frames: Uint8Array[]): void {
  const decoder = new FrameDecoder(maxFrameBytes === undefined ? {} : { maxFrameBytes });
  for (let at = 0; at < input.length; at += chunk) frames.push(...decoder.push(input.subarray(at, at + chunk)));
  decoder.end();
}

function cases(): Omit<FrameVector, 'frames'>[] {
  const request = hex(encode(encodeRequest({ command: CMD.status, requestId: 1, params: {} })));
  const ok = (id: string, description: string, input: string, maxFrameBytes?: number) =>
    ({ id, description, input, ...(maxFrameBytes !== undefined ? { maxFrameBytes } : {}), result: 'valid' as const });
  const bad = (id: string, code: string, description: string, input: string, maxFrameBytes?: number) =>
    ({ id, description, input, ...(maxFrameBytes !== undefined ? { maxFrameBytes } : {}), result: 'invalid' as const, code });
  return [
    ok('empty-stream', 'a stream that ends before any frame: nothing delivered, no fault', ''),
    ok('one-frame', 'one frame holding a status request', frame(request)),
    ok('two-frames', 'two frames back to back', frame(request) + frame('f6')),
    ok('one-byte-item', 'the shortest item, one byte', frame('00')),
    ok('item-at-caller-bound', 'an item of exactly the receiver\'s maximum of 4 bytes', frame('44010203'), 4),
    ok('item-of-256-bytes', 'an item whose length needs the second length byte', frame(`58fe${'ab'.repeat(254)}`)),
    bad('length-zero', 'FRAME_EMPTY', 'a frame length of 0', '00000000'),
    bad('length-zero-after-a-frame', 'FRAME_EMPTY', 'a good frame, then a length of 0: the good frame is still delivered', `${frame('f6')}00000000`),
    bad('length-above-default-bound', 'FRAME_TOO_LARGE', 'a length of 2^20 + 1, one above the default maximum, refused before the item is read', `${u32(2 ** 20 + 1)}00`),
    bad('length-2pow32-minus-1', 'FRAME_TOO_LARGE', 'the largest length a header can carry', 'ffffffff'),
    bad('length-above-caller-bound', 'FRAME_TOO_LARGE', 'an item of 5 bytes where the receiver allows 4', frame('4401020304'), 4),
    bad('length-above-bound-after-a-frame', 'FRAME_TOO_LARGE', 'a good frame, then a length above the bound', `${frame('f6')}ffffffff`),
    bad('truncated-in-length', 'FRAME_TRUNCATED', 'the stream ends after 3 of the 4 length bytes', '000000'),
    bad('truncated-in-item', 'FRAME_TRUNCATED', 'the stream ends after 2 of 5 item bytes', '000000050102'),
    bad('truncated-after-a-frame', 'FRAME_TRUNCATED', 'a good frame, then the stream ends inside the next length', `${frame('f6')}0000`),
    bad('truncated-header-only', 'FRAME_TRUNCATED', 'a length and no item at all', '00000001'),
  ];
}

export function generateFramingVectors(): Map<string, string> {
  const vectors: FrameVector[] = cases().map((c) => {
    const frames: Uint8Array[] = [];
    confirm(`framing vector ${c.id}`, c, () => readStream(fromHex(c.input), c.maxFrameBytes, Math.max(c.input.length / 2, 1), frames));
    if (c.result === 'valid') {
      const again = frames.map((f) => hex(encodeFrame(f, c.maxFrameBytes === undefined ? {} : { maxFrameBytes: c.maxFrameBytes }))).join('');
      if (again !== c.input) throw new Error(`framing vector ${c.id}: re-framing the items changes the stream`);
    }
    return { ...c, frames: frames.map(hex) };
  });
  const text = renderVectorFile(
    {
      format: FRAMES_FORMAT,
      generator: 'npm run vectors (scripts/vectors/framing.ts)',
      description: 'Length-prefixed frames of the module transport (specs/messages/module-commands.md §2): streams, the items they deliver, and each framing fault',
    },
    vectors,
  );
  return new Map([['framing/frames.json', text]]);
}
