/**
 * The device: the firmware core bound to durable storage, as a chip's firmware would be bound to
 * its flash and its monotonic counter (specs/security.md §10). Directory layout:
 *
 *   <dir>/state/     the state record (FileStateStore): the chip's state and its log root (record.ts)
 *   <dir>/log/       the workload log (FileLogStore)
 *   <dir>/nvcounter/ the simulated hardware monotonic counter, apart from the state
 *
 * Ordering makes a crash at any point safe: a command's log entries are flushed, then the state
 * that counts them (and records their root) is committed, which raises the counter, and only then is
 * the response released. So every acknowledged entry is counted by the committed state.
 *
 * Opening checks the files before anything is answered (§10.2): the state record by its checksum and
 * the counter, the log against the size and root the state records, rebuilding derived log files
 * from the entries. Entries beyond the committed size were never acknowledged and are dropped, unless
 * the state is a restored older copy, when they are kept. What cannot be reconciled is left on disk
 * as found, and the device refuses every command with the typed code that says why: it never answers,
 * and never signs, over files that do not verify.
 *
 * What is written (module-commands.md §4). A command is committed only when it appended to the log
 * or changed the chip's state in more than the times that only say when the chip last answered
 * (record.ts, sameButTimes). So status, attest, prove-inclusion, prove-consistency and a
 * checkpoint of a log that has not grown write nothing and leave the counter alone: a query, and the
 * whole evidence path of a chip that did no work, works on a full or read-only disk and does not
 * wear the counter.
 *
 * The clock. The firmware moves `lastTime` to the command's time on every command, and refuses a
 * time before it (CLOCK_WENT_BACKWARDS). That time-only change is kept in memory, not committed:
 * - Within a process the clock stays monotonic: the in-memory floor is the latest time any command
 *   saw, and it survives the reloads below.
 * - Across a restart the floor is the committed `lastTime`, which is at least the time of every log
 *   entry, every licence decision and every checkpoint recorded, and of the boot (every start of the
 *   device process logs one). Every time-dependent decision that changes what the chip allows
 *   (a licence expiring, a licence refused as not yet valid or expired) changes the state or the log,
 *   and so is committed with its time: an operator who sets the clock back after a restart can never
 *   get behind a decision the chip made. What it can get behind are the times of answers that
 *   changed nothing (a status, a report), and a report's time is not evidence of freshness anyway:
 *   the verifier's nonce is (security.md §3).
 * Committing the time of every read would make each query a write: one that fails on a full disk
 * and advances the monotonic counter, which in hardware wears out. That is the trade made here.
 *
 * A storage failure (a full disk, a read-only medium, an I/O error) during a commit is answered with
 * its code (STORAGE_FULL or STORAGE_IO_FAILED) in place of the command's result, and treated as a
 * crash at that point: before the next command the device reloads itself from disk, as a restart
 * would, and what was not committed is gone. A read that finds the log files changed under the
 * running device (LOG_INTEGRITY_FAILED) also reloads it, which rebuilds a damaged derived file or
 * finds the damage and refuses.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { decode, encode } from '@hemkit/wire/cbor';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { getBackend } from '@hemkit/wire/crypto/node';
import { HemkitError, isHemkitError } from '@hemkit/wire/errors';
import { createMerkleHasher, type MerkleHasher } from '@hemkit/wire/merkle';
import { encodeResponse, parseRequest, parseResponse, STATUS_ERROR, type CommandId } from '@hemkit/wire/messages';
import { bootChip, enterRollbackState, enterTamperState, handleBytes } from '../firmware/chip.js';
import type { ModuleEnv } from '../firmware/env.js';
import type { FirmwarePolicy } from '../firmware/policy/types.js';
import type { ChipState } from '../firmware/state.js';
import { VerifiedLog } from '../log/index.js';
import { FileLogStore, reconcileLog } from '../log/file.js';
import { createFsOps, FileMonotonicCounter, FileStateStore, nodeSyncFs, type SyncFs } from '../storage/index.js';
import { delimitLogEntry } from './log-entries.js';
import { decodeDeviceRecord, encodeDeviceRecord, sameButTimes } from './record.js';
import { bytesEqual } from '@hemkit/wire/bytes';

export interface DeviceOptions {
  /** Seconds since the epoch; the system clock by default. */
  readonly now?: () => number;
  /** Random bytes; node:crypto by default. */
  readonly random?: (length: number) => Uint8Array;
  readonly backend?: CryptoBackend;
  /** The firmware policy; the default (hemkit v1 as specified) when absent. */
  readonly policy?: FirmwarePolicy;
  /** The file system under all three stores; node:fs by default. Tests inject a failing medium. */
  readonly fs?: SyncFs;
  /** Hears of each fault once, when it happens: a refusal at open, a failed commit, a failed check. */
  readonly onFault?: (error: HemkitError) => void;
  /** Hears of each repair made at open: a derived log file rebuilt or cut, bytes copied aside. */
  readonly onRepair?: (line: string) => void;
}

/** Codes of a medium that failed, rather than of files that do not verify: worth trying again. */
function isStorageFailure(error: HemkitError): boolean {
  return error.code === 'STORAGE_FULL' || error.code === 'STORAGE_IO_FAILED';
}

/** What the last commit wrote, to tell whether a command changed anything that must be committed. */
interface Committed {
  readonly state: ChipState;
  readonly logSize: number;
}

export class Device {
  readonly #dir: string;
  readonly #options: DeviceOptions;
  readonly #fs: SyncFs;
  readonly #hasher: MerkleHasher;
  readonly #store: FileStateStore;
  readonly #base: Omit<ModuleEnv, 'log'>;
  #log: FileLogStore | undefined;
  #env: ModuleEnv | undefined;
  #state: ChipState | undefined;
  #committed: Committed | undefined;
  /** Set while the device refuses every command; the code is the answer. */
  #fault: HemkitError | undefined;
  /** Reload from disk before the next command: after a failed commit, a failed check, or a bug. */
  #reload = false;
  #bootPending = false;
  /** Tamper signals latched until committed (the sensor's name, if any, of each). */
  #tamperPending: (string | undefined)[] = [];
  /** The repairs made by the last reconciliation of the log (specs/security.md §10.2). */
  #repairs: readonly string[] = [];

  private constructor(dir: string, options: DeviceOptions) {
    this.#dir = dir;
    this.#options = options;
    this.#fs = options.fs ?? nodeSyncFs;
    const backend = options.backend ?? getBackend('node');
    this.#hasher = createMerkleHasher((d) => backend.sha256(d));
    const fsOps = createFsOps(this.#fs);
    const counter = new FileMonotonicCounter({ directory: join(dir, 'nvcounter'), fs: fsOps });
    this.#store = new FileStateStore({ directory: join(dir, 'state'), counter, fs: fsOps });
    this.#base = {
      now: options.now ?? (() => Math.floor(Date.now() / 1000)),
      random: options.random ?? ((n) => new Uint8Array(randomBytes(n))),
      backend,
      ...(options.policy ? { policy: options.policy } : {}),
    };
  }

  /**
   * Opens (or creates) a device directory, checks it, and recovers from any crash or rollback found
   * there. Files that do not verify do not make it throw: the device it returns refuses every
   * command with the code (see `fault`).
   */
  static open(dir: string, options: DeviceOptions = {}): Device {
    const device = new Device(dir, options);
    device.#load();
    return device;
  }

  /** Why the device refuses every command, or undefined when it answers. */
  get fault(): HemkitError | undefined {
    return this.#fault;
  }

  /** What opening had to repair in the log directory; empty for a sound one. */
  get repairs(): readonly string[] {
    return this.#repairs;
  }

  get chipState(): ChipState | undefined {
    return this.#state;
  }

  /** The firmware's environment, its log being the checked view of the open log store. */
  get env(): ModuleEnv {
    if (this.#env === undefined) throw this.#fault ?? new HemkitError('LOG_STORE_CORRUPT', 'the device has no open log');
    return this.#env;
  }

  /**
   * A power cycle: boots the chip (boot count, attestation key, a boot entry) if it is provisioned.
   * A boot that cannot be committed leaves the device refusing with the storage code; it is tried
   * again before the next command, since a chip must not answer without recording its boot.
   */
  boot(): void {
    this.#bootPending = true;
    if (this.#fault === undefined) this.#boot();
  }

  /** Handles one request; the response is returned only once everything it reports is durable. */
  handle(request: Uint8Array): Uint8Array {
    if (this.#reload) this.#load();
    if (this.#fault === undefined && this.#bootPending) this.#boot();
    if (this.#fault === undefined && this.#tamperPending.length > 0) this.#tamper();
    if (this.#fault !== undefined) return errorResponse(echoOfRequest(request), this.#fault);
    let outcome;
    try {
      outcome = handleBytes(this.#state, request, this.env);
    } catch (e) {
      this.#reload = true; // a bug, not a refusal: leave no trace of the half-done command
      throw e;
    }
    this.#state = outcome.state;
    const failure = this.#commitIfChanged();
    return failure === undefined ? outcome.response : errorResponse(echoOfResponse(outcome.response), failure);
  }

  /**
   * The part's tamper input: a sensor reports an attack. The chip logs it and refuses from then on
   * (module-commands.md §4). Ignored before manufacture (no identity, no log to record it in).
   */
  tamper(sensor?: string): void {
    this.#tamperPending.push(sensor);
    if (this.#fault === undefined) this.#tamper();
  }

  close(): void {
    this.#closeLog();
  }

  /** Reads everything from disk, as a restart would; any fault found becomes the device's answer. */
  #load(): void {
    const floor = this.#state?.lastTime;
    this.#closeLog();
    this.#state = undefined;
    this.#committed = undefined;
    this.#fault = undefined;
    this.#reload = false;
    this.#repairs = [];
    try {
      this.#loadFromDisk();
      // The in-memory clock floor survives a reload within the process (see the module comment).
      const state = this.chipState;
      if (state !== undefined && floor !== undefined && floor > state.lastTime) this.#state = { ...state, lastTime: floor };
    } catch (e) {
      if (!isHemkitError(e)) throw e;
      this.#closeLog();
      this.#state = undefined;
      this.#refuse(e);
    }
  }

  #loadFromDisk(): void {
    const logDir = join(this.#dir, 'log');
    const loaded = this.#store.load();
    if (loaded === undefined) {
      // A fresh chip: nothing was ever committed, so no entry was ever acknowledged. Entries here
      // mean that the state and the counter were removed; they are kept, and the chip refuses.
      const entries = this.#entriesBytes(logDir);
      if (entries > 0) {
        throw new HemkitError('MODULE_REFUSING', `the log holds ${entries} bytes of entries, but no state was ever committed (no state record, counter 0): the state and the counter were removed`);
      }
      this.#openLog(logDir, { size: 0, root: this.#hasher.emptyRoot() }, false);
      return;
    }
    if (loaded.rollback && loaded.reason === 'state-missing') {
      throw new HemkitError('MODULE_REFUSING', 'the state record is missing although the monotonic counter shows the chip was in use');
    }
    const { chip, logRoot } = decodeDeviceRecord(loaded.state);
    this.#openLog(logDir, { size: chip.logSize, root: logRoot }, loaded.rollback);
    if (!loaded.rollback) {
      this.#state = chip;
      this.#committed = { state: chip, logSize: chip.logSize };
      return;
    }
    // A restored older state must not erase the newer log that proves it: every entry is kept, and
    // the chip records the rollback and refuses to meter or unlock from now on.
    this.#state = enterRollbackState(
      { ...chip, logSize: this.#log!.size },
      this.env,
      `state generation ${loaded.generation} vs monotonic counter ${loaded.counter} (${loaded.reason})`,
    );
    this.#commit();
  }

  /** Reconciles the log directory with what the state committed, then opens it. */
  #openLog(dir: string, committed: { size: number; root: Uint8Array }, keepBeyond: boolean): void {
    const { size, repairs } = reconcileLog(dir, this.#hasher, committed, { keepBeyond, delimit: delimitLogEntry, fs: this.#fs });
    this.#repairs = repairs;
    for (const line of repairs) this.#options.onRepair?.(line);
    const log = FileLogStore.open(dir, this.#hasher, { fs: this.#fs });
    this.#log = log;
    // What reconciliation checked is what the store serves: its size, and the root it starts from.
    if (log.size !== size || !bytesEqual(log.root(committed.size), committed.root)) {
      throw new HemkitError('LOG_INTEGRITY_FAILED', `${dir} changed while it was being opened`);
    }
    this.#env = {
      ...this.#base,
      log: new VerifiedLog(log, this.#hasher, (error) => {
        this.#reload = true;
        this.#options.onFault?.(error);
      }),
    };
  }

  /** Records the latched tamper signals; one that cannot be committed stays latched for the next command. */
  #tamper(): void {
    if (this.#state === undefined) {
      this.#tamperPending = [];
      return;
    }
    const pending = this.#tamperPending;
    this.#tamperPending = [];
    for (const sensor of pending) this.#state = enterTamperState(this.#state, this.env, sensor);
    if (this.#commitIfChanged() !== undefined) this.#tamperPending = pending;
  }

  #boot(): void {
    this.#bootPending = false;
    if (this.#state === undefined) return;
    this.#state = bootChip(this.#state, this.env);
    if (this.#commitIfChanged() !== undefined) this.#bootPending = true;
  }

  /**
   * Commits the state if the command changed it (other than in time) or appended to the log; returns
   * the storage failure that stopped the commit, after which the device reloads before the next command.
   */
  #commitIfChanged(): HemkitError | undefined {
    const state = this.#state;
    if (state === undefined) return undefined;
    const committed = this.#committed;
    if (committed !== undefined && this.#log!.size === committed.logSize && sameButTimes(state, committed.state)) return undefined;
    try {
      this.#commit();
      return undefined;
    } catch (e) {
      if (!isHemkitError(e)) throw e;
      this.#refuse(e);
      this.#reload = true;
      return e;
    }
  }

  /** Entries flushed, then the state that counts them and records their root (the module comment). */
  #commit(): void {
    const state = this.#state!;
    const log = this.#log!;
    log.flush();
    const logRoot = log.root(state.logSize);
    this.#store.commit(encodeDeviceRecord({ chip: state, logRoot }));
    this.#committed = { state, logSize: state.logSize };
  }

  #refuse(error: HemkitError): void {
    this.#fault = error;
    // A failing medium may recover (space freed, remounted): try again at the next command.
    if (isStorageFailure(error)) this.#reload = true;
    this.#options.onFault?.(error);
  }

  #entriesBytes(logDir: string): number {
    return createFsOps(this.#fs).fileSize(join(logDir, 'entries')) ?? 0;
  }

  #closeLog(): void {
    const log = this.#log;
    this.#log = undefined;
    this.#env = undefined;
    try {
      log?.close();
    } catch (e) {
      if (!isHemkitError(e)) throw e;
      this.#options.onFault?.(e); // nothing unflushed is acknowledged: a failed close loses nothing
    }
  }
}

type Echo = { command?: CommandId; requestId?: number };

/** The command and request id a request names, when it decodes (module-commands.md §1: else none). */
function echoOfRequest(request: Uint8Array): Echo {
  try {
    const { command, requestId } = parseRequest(decode(request));
    return { command, requestId };
  } catch (e) {
    if (!isHemkitError(e)) throw e;
    return {};
  }
}

/** The command and request id the firmware's response echoed. */
function echoOfResponse(response: Uint8Array): Echo {
  const { command, requestId } = parseResponse(decode(response));
  return { ...(command !== undefined ? { command } : {}), ...(requestId !== undefined ? { requestId } : {}) };
}

function errorResponse(echo: Echo, error: HemkitError): Uint8Array {
  return encode(encodeResponse({ ...echo, status: STATUS_ERROR, error: { code: error.code, message: error.message } }));
}
