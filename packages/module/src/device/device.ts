/**
 * The device: the firmware core bound to durable storage, as a chip's firmware would be bound to
 * its flash and its monotonic counter. Directory layout:
 *
 *   <dir>/state/     the state record (FileStateStore)
 *   <dir>/log/       the workload log (FileLogStore)
 *   <dir>/nvcounter/ the simulated hardware monotonic counter, apart from the state
 *
 * Ordering makes a crash at any point safe: a command's log entries are flushed, then the state
 * that counts them is committed (which raises the counter), and only then is the response
 * released. At open, entries beyond the committed state were never acknowledged and are dropped.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { decode, encode } from '@hemkit/wire/cbor';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { getBackend } from '@hemkit/wire/crypto';
import { HemkitError } from '@hemkit/wire/errors';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { encodeResponse, STATUS_ERROR } from '@hemkit/wire/messages';
import { bootChip, enterRollbackState, handleBytes } from '../firmware/chip.js';
import type { ModuleEnv } from '../firmware/env.js';
import { chipStateCodec, type ChipState } from '../firmware/state.js';
import { FileLogStore } from '../log/index.js';
import { FileMonotonicCounter, FileStateStore } from '../storage/index.js';

export interface DeviceOptions {
  /** Seconds since the epoch; the system clock by default. */
  readonly now?: () => number;
  /** Random bytes; node:crypto by default. */
  readonly random?: (length: number) => Uint8Array;
  readonly backend?: CryptoBackend;
}

export class Device {
  private state: ChipState | undefined;
  /** Set when the state file is gone but the counter says the chip existed: nothing can be trusted. */
  private missing = false;
  readonly env: ModuleEnv;

  private constructor(
    private readonly store: FileStateStore,
    private readonly log: FileLogStore,
    env: ModuleEnv,
  ) {
    this.env = env;
  }

  /** Opens (or creates) a device directory and recovers from any crash or rollback found there. */
  static open(dir: string, options: DeviceOptions = {}): Device {
    const backend = options.backend ?? getBackend('node');
    const counter = new FileMonotonicCounter({ directory: join(dir, 'nvcounter') });
    const store = new FileStateStore({ directory: join(dir, 'state'), counter });
    const log = FileLogStore.open(join(dir, 'log'), createMerkleHasher((d) => backend.sha256(d)));
    const env: ModuleEnv = {
      now: options.now ?? (() => Math.floor(Date.now() / 1000)),
      random: options.random ?? ((n) => new Uint8Array(randomBytes(n))),
      backend,
      log,
    };
    const device = new Device(store, log, env);
    device.recover();
    return device;
  }

  private recover(): void {
    const loaded = this.store.load();
    if (loaded === undefined) return; // a fresh chip, awaiting manufacture
    if (loaded.rollback && loaded.reason === 'state-missing') {
      this.missing = true;
      return;
    }
    const state = chipStateCodec.parse(decode(loaded.state), 'chip-state');
    if (loaded.rollback) {
      // A restored older state must not erase the newer log that proves it: keep every entry.
      this.state = enterRollbackState(
        { ...state, logSize: this.log.size },
        this.env,
        `state generation ${loaded.generation} vs monotonic counter ${loaded.counter} (${loaded.reason})`,
      );
      this.persist();
      return;
    }
    if (this.log.size > state.logSize) this.log.truncate(state.logSize); // never acknowledged
    if (this.log.size < state.logSize) {
      this.state = enterRollbackState({ ...state, logSize: this.log.size }, this.env, `log holds ${this.log.size} entries; the state counts ${state.logSize}`);
      this.persist();
      return;
    }
    this.state = state;
  }

  /** A power cycle: boots the chip (boot count, attestation key, a boot entry) if it is provisioned. */
  boot(): void {
    if (this.state === undefined || this.missing) return;
    this.state = bootChip(this.state, this.env);
    this.persist();
  }

  get chipState(): ChipState | undefined {
    return this.state;
  }

  /** Handles one request; the response is returned only once everything it reports is durable. */
  handle(request: Uint8Array): Uint8Array {
    if (this.missing) {
      const error = new HemkitError('MODULE_REFUSING', 'the state record is missing although the monotonic counter shows the chip was in use');
      return encode(encodeResponse({ status: STATUS_ERROR, error: { code: error.code, message: error.message } }));
    }
    const sizeBefore = this.log.size;
    let outcome;
    try {
      outcome = handleBytes(this.state, request, this.env);
    } catch (e) {
      this.log.truncate(sizeBefore); // a bug, not a refusal: leave no trace of the half-done command
      throw e;
    }
    if (outcome.state !== this.state) {
      this.state = outcome.state;
      this.persist();
    }
    return outcome.response;
  }

  private persist(): void {
    this.log.flush();
    if (this.state !== undefined) this.store.commit(encode(chipStateCodec.toCbor(this.state)));
  }

  close(): void {
    this.log.close();
  }
}
