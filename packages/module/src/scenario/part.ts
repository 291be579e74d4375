/**
 * A simulated part for scenarios: the firmware core bound to persistent storage in memory, with the
 * commit rules of the device process (device/device.ts, "What is written"; specs/security.md §10):
 * a command that appended to the log or changed the state in more than its time is committed (the
 * state record written, then the monotonic counter raised); anything else writes nothing.
 *
 * What the file-backed device gets from its disk, this part gets from a MemoryStateStore, so that a
 * scenario can cut power between the two halves of a commit, copy the persisted record away and put
 * it back, and power the part on again to see what the firmware makes of it, all without files.
 */
import { nobleBackend, type CryptoBackend } from '@hemkit/wire/crypto';
import { decode, encode } from '@hemkit/wire/cbor';
import { HemkitError } from '@hemkit/wire/errors';
import { encodeResponse, parseRequest, STATUS_ERROR, type CommandId } from '@hemkit/wire/messages';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { bootChip, enterRollbackState, handleBytes } from '../firmware/chip.js';
import type { FirmwareLog, ModuleEnv } from '../firmware/env.js';
import type { ChipState } from '../firmware/state.js';
import type { FirmwarePolicy } from '../firmware/policy/types.js';
import { MemoryLogStore } from '../log/memory-store.js';
import { decodeDeviceRecord, encodeDeviceRecord, sameButTimes } from '../device/record.js';
import { MemoryMonotonicCounter, type MonotonicCounter } from '../storage/monotonic.js';
import { MemoryStateStore } from '../storage/state-store.js';
import type { Meter } from './meter.js';

/** An error response to `request`, echoing its command and id when it has them (module-commands.md §1). */
function refusal(request: Uint8Array, error: HemkitError): Uint8Array {
  let echo: { command?: CommandId; requestId?: number } = {};
  try {
    const { command, requestId } = parseRequest(decode(request));
    echo = { command, requestId };
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
  }
  return encode(encodeResponse({ ...echo, status: STATUS_ERROR, error: { code: error.code, message: error.message } }));
}

/** Where a power loss cuts the next commit (specs/scenarios.md §3.3). */
export type CrashPoint = 'before-write' | 'after-state-write';

/** The counter under the store; throws to cut power after the state record is written. */
class CuttableCounter implements MonotonicCounter {
  cut = false;
  constructor(readonly inner: MonotonicCounter) {}
  read(): bigint {
    return this.inner.read();
  }
  increment(to: bigint): void {
    if (this.cut) throw new PowerLost();
    this.inner.increment(to);
  }
}

class PowerLost extends Error {}

export interface PartOptions {
  readonly now: () => number;
  readonly random: (length: number) => Uint8Array;
  readonly meter: Meter;
  readonly backend?: CryptoBackend;
  /** The firmware policy (absent: the default). */
  readonly policy?: FirmwarePolicy;
}

/** The result of one request: the response, or `lost` when power failed before it left the part. */
export type Answer = { readonly lost: false; readonly response: Uint8Array } | { readonly lost: true; readonly cut: CrashPoint };

export class SimulatedPart {
  state: ChipState | undefined;
  readonly env: ModuleEnv;
  readonly #log: MemoryLogStore;
  #counter: CuttableCounter;
  #store: MemoryStateStore;
  readonly #meter: Meter;
  #committed: { state: ChipState; logSize: number } | undefined;
  #crash: CrashPoint | undefined;
  /** Set when the part found its storage unusable at power-on: every command is answered with it. */
  #fault: HemkitError | undefined;
  /** The log entries' bytes, kept as they are appended (and recounted when a power-on drops some). */
  #logBytes = 0;

  constructor(options: PartOptions) {
    this.#meter = options.meter;
    const backend = options.meter.backend(options.backend ?? nobleBackend);
    this.#log = new MemoryLogStore(createMerkleHasher((d) => backend.sha256(d)));
    this.#counter = new CuttableCounter(options.meter.counter(new MemoryMonotonicCounter()));
    this.#store = new MemoryStateStore({ counter: this.#counter });
    const log = this.#log;
    const meter = this.#meter;
    // The firmware's view of the log: every append is a persistent write of the entry.
    const firmwareLog: FirmwareLog = {
      get size() {
        return log.size;
      },
      append: (entry) => {
        meter.logWritten(entry.length);
        this.#logBytes += entry.length;
        return log.append(entry);
      },
      entry: (i) => log.entry(i),
      root: (size) => log.root(size),
      inclusionProof: (i, size) => log.inclusionProof(i, size),
      consistencyProof: (a, b) => log.consistencyProof(a, b),
      readRun: (start, end, maxBytes) => log.readRun(start, end, maxBytes),
    };
    this.env = { now: options.now, random: options.random, backend, log: firmwareLog, ...(options.policy ? { policy: options.policy } : {}) };
  }

  /** The log entries from `start` on, as they stand. */
  entries(start = 0): Uint8Array[] {
    return Array.from({ length: Math.max(0, this.#log.size - start) }, (_, i) => this.#log.entry(start + i));
  }

  /** Bytes on the persistent medium: the state record and the log's entries. */
  storedBytes(): { state: number; log: number } {
    return { state: this.#store.record?.length ?? 0, log: this.#logBytes };
  }

  /** Arms a power loss at `at` during the next commit. */
  armPowerLoss(at: CrashPoint): void {
    this.#crash = at;
  }

  /** One request, answered once what it reports is committed (or lost with the power). */
  handle(request: Uint8Array): Answer {
    if (this.#fault !== undefined) return { lost: false, response: refusal(request, this.#fault) };
    const outcome = handleBytes(this.state, request, this.env);
    this.state = outcome.state;
    const cut = this.#commitIfChanged();
    return cut === undefined ? { lost: false, response: outcome.response } : { lost: true, cut };
  }

  /** An event the firmware handles outside a command (a rollback found at power-on), then committed. */
  apply(change: (state: ChipState, env: ModuleEnv) => ChipState): void {
    if (this.state === undefined) throw new HemkitError('SCENARIO_STEP_NOT_APPLICABLE', 'the chip has no state yet: manufacture it first');
    this.state = change(this.state, this.env);
    this.#commitIfChanged();
  }

  /** The persisted state record, as a copy an attacker could take of the chip's flash. */
  snapshot(): Uint8Array | undefined {
    return this.#store.record?.slice();
  }

  /** Puts a copied record back on the medium (the counter, apart from it, stays where it is). */
  restore(record: Uint8Array | undefined): void {
    this.#store.record = record?.slice();
  }

  /**
   * Moves the part's storage into a blank part of the same model: `record` on its medium, its own
   * monotonic counter at 0 (a counter is silicon: copying the flash does not copy it). The log goes
   * with the medium. The scenario drives the new part from here; its next power-on finds the record
   * ahead of its counter.
   */
  transplant(record: Uint8Array | undefined): void {
    this.#counter = new CuttableCounter(this.#meter.counter(new MemoryMonotonicCounter()));
    this.#store = new MemoryStateStore({ counter: this.#counter });
    this.#store.record = record?.slice();
  }

  /**
   * A power cycle, as the device process opens its directory (device.ts #loadFromDisk): the state is
   * loaded and checked against the counter, entries never acknowledged are dropped, a restored older
   * state is logged as a rollback and refused from; a provisioned chip then boots.
   */
  powerCycle(): void {
    this.#fault = undefined;
    const loaded = this.#store.load();
    if (loaded === undefined) {
      this.state = undefined;
      this.#committed = undefined;
      this.#log.truncate(0);
      this.#logBytes = 0;
      return;
    }
    if (loaded.rollback && loaded.reason === 'state-missing') {
      // As the device (device.ts #loadFromDisk): deleting the state would reset the chip, so it refuses.
      this.state = undefined;
      this.#fault = new HemkitError('MODULE_REFUSING', 'the state record is missing although the monotonic counter shows the chip was in use');
      return;
    }
    const { chip } = decodeDeviceRecord(loaded.state);
    if (!loaded.rollback) {
      this.#log.truncate(chip.logSize);
      this.#logBytes = this.entries().reduce((n, e) => n + e.length, 0);
      this.state = chip;
      this.#committed = { state: chip, logSize: chip.logSize };
    } else {
      this.state = enterRollbackState(
        { ...chip, logSize: this.#log.size },
        this.env,
        `state generation ${loaded.generation} vs monotonic counter ${loaded.counter} (${loaded.reason})`,
      );
      this.#commitIfChanged();
    }
    if (this.state?.provisioning !== undefined) {
      this.state = bootChip(this.state, this.env);
      this.#commitIfChanged();
    }
  }

  /** Commits when needed; returns the crash point when an armed power loss cut the commit. */
  #commitIfChanged(): CrashPoint | undefined {
    const state = this.state;
    if (state === undefined) return undefined;
    const committed = this.#committed;
    if (committed !== undefined && this.#log.size === committed.logSize && sameButTimes(state, committed.state)) return undefined;
    const crash = this.#crash;
    this.#crash = undefined;
    if (crash === 'before-write') return crash;
    const body = encodeDeviceRecord({ chip: state, logRoot: this.#log.root(state.logSize) });
    this.#counter.cut = crash === 'after-state-write';
    try {
      this.#store.commit(body);
    } catch (e) {
      if (!(e instanceof PowerLost)) throw e;
      this.#meter.stateWritten(this.#store.record!.length);
      return crash;
    } finally {
      this.#counter.cut = false;
    }
    this.#meter.stateWritten(this.#store.record!.length);
    this.#committed = { state, logSize: state.logSize };
    return undefined;
  }
}
