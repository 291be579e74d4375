/** The caller's side: a request/response client over any pair of streams, and over a child's stdio. */
import type { ChildProcess } from 'node:child_process';
import { HemkitError, isHemkitError } from '@hemkit/wire/errors';
import type { FrameOptions } from './frame.js';
import { createSerialQueue } from './serial.js';
import { readFrames, transportFailed, writeFrame } from './stream.js';

export interface FrameClient {
  /**
   * Sends one request frame and resolves with the next response frame. Concurrent calls are queued
   * and sent one at a time, so each response answers the request it is returned for. After any
   * failure the client is broken: every later request rejects with the same error.
   */
  request(payload: Uint8Array): Promise<Uint8Array>;
  /** Waits for queued requests, then closes the transport. */
  close(): Promise<void>;
}

/**
 * A FrameClient that writes requests to `output` and reads responses from `input`. `shutdown` is
 * called once by close(), after the last queued request, to release the transport.
 */
export function createFrameClient(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  shutdown: () => Promise<void>,
  options: FrameOptions = {},
): FrameClient {
  const responses = readFrames(input, options);
  const serial = createSerialQueue();
  let failure: HemkitError | undefined;
  let closing: Promise<void> | undefined;
  // Failures reach the caller through writeFrame and readFrames; these keep a late 'error' event
  // from becoming an uncaught exception.
  input.on('error', () => undefined);
  output.on('error', () => undefined);

  return {
    request(payload) {
      if (closing !== undefined) return Promise.reject(transportFailed('the client is closed'));
      return serial(async () => {
        if (failure !== undefined) throw failure;
        try {
          await writeFrame(output, payload, options);
          const next = await responses.next();
          if (next.done === true) throw transportFailed('the stream ended before the response arrived');
          return next.value;
        } catch (error) {
          failure = isHemkitError(error) ? error : transportFailed('the request failed', error);
          throw failure;
        }
      });
    },

    close() {
      closing ??= serial(async () => {
        await shutdown();
        await responses.return();
      });
      return closing;
    },
  };
}

/**
 * A client of a device process spawned with `stdio: ['pipe', 'pipe', …]`, speaking frames on its
 * stdin and stdout. close() ends its stdin, which ends its request loop, and waits for it to exit.
 */
export function stdioClient(child: ChildProcess, options: FrameOptions = {}): FrameClient {
  const { stdin, stdout } = child;
  if (stdin === null || stdout === null) {
    throw new HemkitError('TRANSPORT_FAILED', 'the child process needs piped stdin and stdout');
  }
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return createFrameClient(
    stdout,
    stdin,
    async () => {
      stdin.end();
      await exited;
      stdout.destroy();
    },
    options,
  );
}
