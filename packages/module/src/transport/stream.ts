/**
 * Frames over Node streams: the read and write halves, and the request loop of the device process.
 * Every stream failure becomes TRANSPORT_FAILED with the system error as its cause.
 */
import { HemkitError, isHemkitError } from '@hemkit/wire/errors';
import { encodeFrame, FrameDecoder, type FrameOptions } from './frame.js';

export type FrameHandler = (request: Uint8Array) => Promise<Uint8Array> | Uint8Array;

export function transportFailed(what: string, cause?: unknown): HemkitError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new HemkitError('TRANSPORT_FAILED', `${what}${reason}`, { cause });
}

/**
 * The frames of `stream`, in order, until it ends. Throws FRAME_TOO_LARGE or FRAME_EMPTY after the
 * frames that precede the bad length, FRAME_TRUNCATED when the stream ends inside a frame. Reading
 * pauses while the consumer works on a frame, so a slow consumer holds back a fast sender.
 */
export async function* readFrames(
  stream: NodeJS.ReadableStream,
  options: FrameOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = new FrameDecoder(options);
  try {
    for await (const chunk of stream) {
      if (typeof chunk === 'string') throw transportFailed('the stream delivers text; frames need bytes (no setEncoding)');
      yield* decoder.push(chunk);
      if (decoder.error !== undefined) throw decoder.error;
    }
  } catch (error) {
    throw isHemkitError(error) ? error : transportFailed('reading frames failed', error);
  }
  decoder.end();
}

/** Writes one frame and resolves once the stream has taken it (or rejects with TRANSPORT_FAILED). */
export function writeFrame(stream: NodeJS.WritableStream, payload: Uint8Array, options: FrameOptions = {}): Promise<void> {
  const frame = encodeFrame(payload, options);
  return new Promise((resolve, reject) => {
    // Left attached on failure: a failed stream may emit 'error' after the write callback, and an
    // 'error' with no listener would take the whole process down.
    const onError = (error: unknown): void => reject(transportFailed('writing a frame failed', error));
    stream.on('error', onError);
    stream.write(frame, (error) => {
      if (error) return onError(error);
      stream.off('error', onError);
      resolve();
    });
  });
}

/**
 * The device process's request loop: each frame of `input` goes to `handler`, strictly one at a time
 * and in order, and its response is written to `output` as a frame before the next is read.
 * Resolves when `input` ends. A framing error stops the loop without writing anything further and
 * rejects with the error; so does an exception from the handler. Neither stream is closed here:
 * after a rejection the caller must close them, since the next frame boundary is lost (§2).
 * `maxFrameBytes` bounds requests and responses alike.
 */
export async function serveFrames(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  handler: FrameHandler,
  options: FrameOptions = {},
): Promise<void> {
  for await (const request of readFrames(input, options)) {
    const response = await handler(request);
    await writeFrame(output, response, options);
  }
}
