/**
 * What a command reads and writes besides files: injected, so tests run `main` in process with their
 * own streams, environment and working directory. Also the exit statuses and the errors that carry
 * them: 0 affirming or success, 1 a real negative result or a refusal by the chip, 2 unusable input
 * or usage, 70 an internal error (a bug: please report it).
 */
import { isAbsolute, resolve } from 'node:path';

export const EXIT = { ok: 0, negative: 1, usage: 2, internal: 70 } as const;

export interface OutStream {
  write(text: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** All of standard input (for a file argument given as `-`). */
  readonly readStdin: () => Promise<Uint8Array>;
}

export function nodeIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    },
  };
}

/** Unusable input or usage: exit 2, one line. */
export class UsageError extends Error {}

/** A real negative answer (the chip refused, a check did not pass): exit 1, one line. */
export class NegativeResult extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A path from the command line, against the injected working directory. */
export const pathOf = (io: Io, path: string): string => (isAbsolute(path) ? path : resolve(io.cwd, path));
