/**
 * Opening a chip directory from the command line: it must exist and hold a chip (only `manufacture`
 * makes one, and only in a new or empty directory), it is locked for the command's lifetime, and
 * every command goes through the module's command envelope. A refusal by the chip is exit 1.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from '@hemkit/wire/cbor';
import { encodeRequest, parseResponse, STATUS_ERROR, type CommandId, type ParamsOf, type ResultOf } from '@hemkit/wire/messages';
import { Device } from '@hemkit/module/device';
import { NegativeResult, pathOf, UsageError, type Io } from '../io.js';
import { lockChip, LOCK_FILE } from '../lock.js';

export interface OpenChip {
  readonly dir: string;
  readonly device: Device;
  call<C extends CommandId>(command: C, params: ParamsOf<C>): ResultOf<C>;
  close(): void;
}

/** The clock: the system's, or HEMKIT_TIME (seconds since the epoch) when set. */
export function clockOf(io: Io): () => number {
  const fixed = io.env.HEMKIT_TIME;
  if (fixed === undefined || fixed === '') return () => Math.floor(Date.now() / 1000);
  if (!/^\d{1,12}$/.test(fixed)) throw new UsageError(`HEMKIT_TIME must be seconds since the epoch (a whole number), not '${fixed.slice(0, 40)}'`);
  const t = Number(fixed);
  return () => t;
}

/** Checks, without writing, that `dirArg` is a chip directory (or, with `create`, can become one). */
export function checkChipDir(io: Io, dirArg: string, create = false): string {
  const dir = pathOf(io, dirArg);
  const exists = existsSync(dir);
  if (exists && !statSync(dir).isDirectory()) throw new UsageError(`${dirArg} is a file, not a chip directory`);
  const isChip = exists && existsSync(join(dir, 'state'));
  if (create) {
    if (exists && !isChip && readdirSync(dir).some((f) => !f.startsWith(LOCK_FILE)) /* the lock and its transient names */) {
      throw new UsageError(`${dirArg} is not empty and holds no chip: manufacture into a new or empty directory`);
    }
    return dir;
  }
  if (!exists) throw new UsageError(`no chip directory ${dirArg} (hemkit module manufacture ${dirArg} --factory F makes one)`);
  if (!isChip) throw new UsageError(`${dirArg} is not a chip directory: it holds no chip state`);
  return dir;
}

let requestId = 0;

export function openChip(io: Io, dirArg: string, options: { create?: boolean } = {}): OpenChip {
  const now = clockOf(io);
  const dir = checkChipDir(io, dirArg, options.create);
  if (options.create) mkdirSync(dir, { recursive: true });
  const lock = lockChip(dir);
  let device: Device;
  try {
    device = Device.open(dir, { now });
  } catch (e) {
    lock.release();
    throw e;
  }
  return {
    dir,
    device,
    call(command, params) {
      const response = parseResponse(decode(device.handle(encode(encodeRequest({ command, requestId: ++requestId, params })))));
      if (response.status === STATUS_ERROR && response.error.code === 'MODULE_INVALID_PARAMS') {
        throw new UsageError(`the chip found the arguments invalid: ${response.error.message}`); // usage, not a refusal
      }
      if (response.status === STATUS_ERROR) throw new NegativeResult(response.error.code, `the chip refused: ${response.error.code}: ${response.error.message}`);
      return response.result as ResultOf<typeof command>;
    },
    close() {
      try {
        device.close();
      } finally {
        lock.release();
      }
    },
  };
}

/** Runs `fn` on the open chip and closes it (and releases the lock) whatever happens. */
export async function withChip<T>(io: Io, dirArg: string, fn: (chip: OpenChip) => T | Promise<T>, options: { create?: boolean } = {}): Promise<T> {
  const chip = openChip(io, dirArg, options);
  try {
    return await fn(chip);
  } finally {
    chip.close();
  }
}
