/**
 * test-vectors/framing/frames.json through the module's FrameDecoder: each stream delivers exactly
 * the listed frames and then ends cleanly or fails with exactly its code, whether it arrives in one
 * chunk or byte by byte; the frames of a valid stream, framed again, give the stream.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HemkitError } from '@hemkit/wire/errors';
import { encodeFrame, FrameDecoder } from '../../src/transport/index.js';
import { toHex as hex } from '@hemkit/wire/bytes';

interface FrameVector {
  readonly id: string;
  readonly description: string;
  readonly input: string;
  readonly maxFrameBytes?: number;
  readonly frames: readonly string[];
  readonly result: 'valid' | 'invalid';
  readonly code?: string;
}

const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../test-vectors/framing/frames.json'), 'utf8')) as {
  format: string;
  numberOfVectors: number;
  vectors: FrameVector[];
};

/** Frames delivered and the outcome ('valid' or the code) of reading `input` in chunks of `chunk` bytes. */
function read(v: FrameVector, chunk: number): { frames: string[]; outcome: string } {
  const input = Buffer.from(v.input, 'hex');
  const decoder = new FrameDecoder(v.maxFrameBytes === undefined ? {} : { maxFrameBytes: v.maxFrameBytes });
  const frames: string[] = [];
  try {
    for (let at = 0; at < input.length; at += chunk) frames.push(...decoder.push(input.subarray(at, at + chunk)).map(hex));
    decoder.end();
    return { frames, outcome: 'valid' };
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    return { frames, outcome: e.code };
  }
}

describe('framing/frames.json', () => {
  it('is a hemkit-frames/v1 file', () => {
    expect(file.format).toBe('hemkit-frames/v1');
    expect(file.vectors).toHaveLength(file.numberOfVectors);
  });

  it.each(file.vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const want = { frames: v.frames, outcome: v.result === 'valid' ? 'valid' : v.code };
    expect(read(v, Math.max(v.input.length / 2, 1))).toEqual(want);
    expect(read(v, 1)).toEqual(want);
    expect(read(v, 3)).toEqual(want);
    if (v.result === 'valid') {
      const options = v.maxFrameBytes === undefined ? {} : { maxFrameBytes: v.maxFrameBytes };
      expect(v.frames.map((f) => hex(encodeFrame(Buffer.from(f, 'hex'), options))).join('')).toBe(v.input);
    }
  });
});
