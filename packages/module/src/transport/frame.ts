/**
 * Stream framing of module requests and responses (messages/module-commands.md §2):
 *
 *   frame = length ‖ item, length = 4 bytes, unsigned, big-endian
 *
 * A length of 0 or above the receiver's maximum is refused before any of the item is read, since
 * the next frame boundary is then lost and the stream must be closed.
 */
import { HemkitError } from '@hemkit/wire/errors';

export const FRAME_HEADER_BYTES = 4;
/** The default maximum frame size, the same as the CBOR input bound (encoding.md §8). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export interface FrameOptions {
  /** The largest item length accepted or sent, 1 to 2^32 − 1; default 1 MiB. */
  readonly maxFrameBytes?: number;
}

export function resolveMaxFrameBytes(options: FrameOptions): number {
  const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isSafeInteger(max) || max < 1 || max > 0xffff_ffff) {
    throw new RangeError(`"maxFrameBytes" expected an integer from 1 to 2^32 - 1, got ${max}`);
  }
  return max;
}

function checkLength(length: number, max: number, offset?: number): HemkitError | undefined {
  const at = offset === undefined ? {} : { offset };
  if (length === 0) return new HemkitError('FRAME_EMPTY', 'frame length 0: a frame carries one CBOR item', at);
  if (length > max) {
    return new HemkitError('FRAME_TOO_LARGE', `frame length ${length} is above the maximum of ${max} bytes`, at);
  }
  return undefined;
}

/** The frame for `payload`; refuses what a receiver with the same maximum would refuse. */
export function encodeFrame(payload: Uint8Array, options: FrameOptions = {}): Uint8Array {
  const error = checkLength(payload.length, resolveMaxFrameBytes(options));
  if (error !== undefined) throw error;
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  new DataView(frame.buffer).setUint32(0, payload.length);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Splits a byte stream into frames, whatever the chunking. Each returned frame is a fresh copy.
 *
 * After a bad length the decoder is failed for good (`error` is set, and every later push() and
 * end() throws it). Frames completed earlier in the same chunk are still returned, and the error is
 * thrown by the next call, so that which requests are served never depends on how the transport
 * happened to cut the stream. When there are none, push() throws at once.
 */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  readonly #header = new Uint8Array(FRAME_HEADER_BYTES);
  #headerFill = 0;
  /** The item length of the frame being read; undefined while its length is being read. */
  #length: number | undefined;
  #parts: Uint8Array[] = [];
  #partsFill = 0;
  /** Stream offset of the next byte, for error messages. */
  #position = 0;
  #error: HemkitError | undefined;

  constructor(options: FrameOptions = {}) {
    this.maxFrameBytes = resolveMaxFrameBytes(options);
  }

  get error(): HemkitError | undefined {
    return this.#error;
  }

  /** Bytes of an incomplete frame held so far (length bytes included). */
  get bufferedBytes(): number {
    return this.#length === undefined ? this.#headerFill : FRAME_HEADER_BYTES + this.#partsFill;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#error !== undefined) throw this.#error;
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#length === undefined) {
        const take = Math.min(FRAME_HEADER_BYTES - this.#headerFill, chunk.length - offset);
        this.#header.set(chunk.subarray(offset, offset + take), this.#headerFill);
        this.#headerFill += take;
        offset += take;
        if (this.#headerFill < FRAME_HEADER_BYTES) break;
        const length = new DataView(this.#header.buffer).getUint32(0);
        const error = checkLength(length, this.maxFrameBytes, this.#position + offset - FRAME_HEADER_BYTES);
        if (error !== undefined) {
          this.#error = error;
          if (frames.length === 0) throw error;
          break;
        }
        this.#length = length;
        continue;
      }
      const take = Math.min(this.#length - this.#partsFill, chunk.length - offset);
      this.#parts.push(new Uint8Array(chunk.subarray(offset, offset + take)));
      this.#partsFill += take;
      offset += take;
      if (this.#partsFill === this.#length) frames.push(this.#completeFrame());
    }
    this.#position += offset;
    return frames;
  }

  /** Call when the stream ends; throws FRAME_TRUNCATED if it ended inside a frame. */
  end(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#length !== undefined) {
      this.#error = new HemkitError(
        'FRAME_TRUNCATED',
        `stream ended inside a frame item: ${this.#partsFill} of ${this.#length} bytes`,
        { offset: this.#position },
      );
    } else if (this.#headerFill > 0) {
      this.#error = new HemkitError(
        'FRAME_TRUNCATED',
        `stream ended inside a frame length: ${this.#headerFill} of ${FRAME_HEADER_BYTES} bytes`,
        { offset: this.#position },
      );
    }
    if (this.#error !== undefined) throw this.#error;
  }

  #completeFrame(): Uint8Array {
    const parts = this.#parts;
    let frame = parts[0]!;
    if (parts.length > 1) {
      frame = new Uint8Array(this.#partsFill);
      let at = 0;
      for (const part of parts) {
        frame.set(part, at);
        at += part.length;
      }
    }
    this.#length = undefined;
    this.#headerFill = 0;
    this.#parts = [];
    this.#partsFill = 0;
    return frame;
  }
}
