/**
 * The firmware core as a library: a chip in memory, driven command by command. Requests and
 * responses still go through their CBOR encodings, so what a test sees is what a device process
 * would send, and every exchange can be recorded as a test vector.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decode, encode } from '@hemkit/wire/cbor';
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
import {
  encodeRequest,
  parseResponse,
  STATUS_ERROR,
  type CommandId,
  type ParamsOf,
  type ResultOf,
} from '@hemkit/wire/messages';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { handleBytes } from './firmware/chip.js';
import type { FirmwareLog, ModuleEnv } from './firmware/env.js';
import type { ChipState } from './firmware/state.js';
import type { FirmwarePolicy } from './firmware/policy/types.js';

/** A deterministic byte source: SHA-256 in counter mode over a seed, for reproducible scenarios. */
export function seededRandom(seed: string): (length: number) => Uint8Array {
  let counter = 0;
  const label = new TextEncoder().encode(seed);
  return (length) => {
    const out = new Uint8Array(length);
    for (let filled = 0; filled < length; filled += 32) {
      const block = sha256(new Uint8Array([...label, ...new Uint8Array(new Uint32Array([counter++]).buffer)]));
      out.set(block.subarray(0, Math.min(32, length - filled)), filled);
    }
    return out;
  };
}

/** A settable clock, in seconds. */
export class ManualClock {
  constructor(public time: number) {}
  readonly now = (): number => this.time;
  advance(seconds: number): void {
    this.time += seconds;
  }
}

export interface Exchange {
  readonly request: Uint8Array;
  readonly response: Uint8Array;
}

export class InProcessChip {
  state: ChipState | undefined;
  private nextRequestId = 1;
  /** Every request and response so far, as bytes: a module session vector in the making. */
  readonly transcript: Exchange[] = [];
  readonly env: ModuleEnv;

  constructor(options: {
    log: FirmwareLog;
    now: () => number;
    random: (n: number) => Uint8Array;
    backend?: CryptoBackend;
    state?: ChipState;
    /** The firmware policy (absent: the default, hemkit v1 as specified). */
    policy?: FirmwarePolicy;
  }) {
    this.env = {
      log: options.log,
      now: options.now,
      random: options.random,
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
    };
    this.state = options.state;
  }

  /** Sends raw request bytes and returns raw response bytes. */
  sendBytes(request: Uint8Array): Uint8Array {
    const { state, response } = handleBytes(this.state, request, this.env);
    this.state = state;
    this.transcript.push({ request, response });
    return response;
  }

  /** Sends a command; returns its result or throws the module's error as a HemkitError. */
  send<C extends CommandId>(command: C, params: ParamsOf<C>): ResultOf<C> {
    const request = encode(encodeRequest({ command, requestId: this.nextRequestId++, params }));
    const response = parseResponse(decode(this.sendBytes(request)), command);
    if (response.status === STATUS_ERROR) {
      throw new HemkitError(response.error.code as ErrorCode, response.error.message);
    }
    return response.result;
  }
}
