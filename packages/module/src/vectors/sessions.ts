/**
 * Module session vectors (test-vectors/module/*.json): scripted scenarios run through the firmware
 * core from fixed seeds, recorded as commands in and exact responses out. A second implementation
 * replays the requests with the same clock and random stream and must produce the same bytes.
 *
 * The random stream of a session is SHA-256(seed ‖ counter) for counter = 0, 1, … as a little-endian
 * uint32, concatenated; each request for n bytes takes the next n bytes of whole 32-byte blocks
 * (see seededRandom), so the stream is fixed by the seed alone.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decode } from '@hemkit/wire/cbor';
import { CMD, COMMAND_NAMES, parseResponse, REPLAY, STATUS_ERROR, type CommandId, type FirmwareSigners, type LicenceClaims, type ParamsOf, type ReplayMode } from '@hemkit/wire/messages';
import { HemkitError } from '@hemkit/wire/errors';
import { LicenceAuthority, Manufacturer } from '../factory.js';
import { ReferenceLog } from '../log/reference-log.js';
import { InProcessChip, ManualClock, seededRandom } from '../in-process.js';
import { enterRollbackState, enterTamperState } from '../firmware/chip.js';
import { toHex } from '@hemkit/wire/bytes';
import { DEFAULT_POLICY, throttledBaselinePolicy, USAGE_ONLY_POLICY, WIDTH_WEIGHTS, type FirmwarePolicy } from '../firmware/policy/index.js';

export const SESSION_FORMAT = 'hemkit-module-session/v1';
export const T0 = 1_800_000_000;
const utf8 = (s: string) => new TextEncoder().encode(s);
export const vectorKey = (label: string) => sha256(utf8(`hemkit vector key: ${label}`));

export interface SessionStep {
  readonly comment: string;
  readonly time: number;
  readonly command: string;
  readonly request: string;
  readonly response: string;
  /** "ok", or the error code the response must carry. */
  readonly expect: string;
}

/**
 * Something that happens to the chip outside the command stream, which a replay must reproduce:
 * `state-rollback` is the device finding, at power-on, that its state was restored from an older
 * copy; `tamper` is the part's tamper input firing, with the sensor's name
 * (specs/messages/module-commands.md §4). Each logs its event and the chip refuses from then on.
 */
export type SessionEvent =
  | { readonly comment: string; readonly time: number; readonly event: 'state-rollback'; readonly reason: string }
  | { readonly comment: string; readonly time: number; readonly event: 'tamper'; readonly sensor?: string };

/** How a session runs: under which firmware policy, and whether an unexpected outcome is an error. */
export interface SessionOptions {
  /** The firmware policy (absent: the default). Named in the vector's setup when it is not the default. */
  readonly policy?: { readonly name: string; readonly policy: FirmwarePolicy; readonly parameters?: Readonly<Record<string, string>> };
  /**
   * Record what the chip answered instead of failing when it differs from the script's expectation:
   * how the shipped scenarios are run against another policy to see where it behaves differently.
   */
  readonly record?: boolean;
}

/** One step whose outcome differed from the script's expectation (under SessionOptions.record). */
export interface OutcomeDifference {
  readonly comment: string;
  readonly expected: string;
  readonly got: string;
}

export interface SessionVector {
  readonly id: string;
  readonly description: string;
  readonly setup: {
    readonly randomSeed: string;
    readonly startTime: number;
    readonly manufacturerKey: string;
    readonly oemid: string;
    readonly issuerKeys: readonly string[];
    readonly issuerThreshold: number;
    readonly replayDefence: readonly ReplayMode[];
    /** The firmware policy, when not the default (module-commands.md §5). */
    readonly policy?: { readonly name: string; readonly parameters?: Readonly<Record<string, string>> };
  };
  readonly steps: readonly (SessionStep | SessionEvent)[];
  /** The log as it stands at the end, entry by entry (hex of the deterministic CBOR). */
  readonly logEntries: readonly string[];
}

/**
 * The firmware policy a session vector names (module-commands.md §5): the default when none, else one
 * of the shipped examples with its parameters. A replayer must apply the same rules.
 */
export function policyOfSession(named: { readonly name: string; readonly parameters?: Readonly<Record<string, string>> } | undefined): FirmwarePolicy {
  if (named === undefined) return DEFAULT_POLICY;
  const p = named.parameters ?? {};
  if (named.name === 'usage-only') return USAGE_ONLY_POLICY;
  if (named.name === 'rfd032-throttled-baseline') {
    return throttledBaselinePolicy({
      baselineOpsPerSecond: BigInt(p['baselineOpsPerSecond'] ?? '0'),
      ...(p['precisionWeights'] === 'width' ? { precisionWeights: WIDTH_WEIGHTS } : {}),
      admitToQuota: p['admitToQuota'] === 'true',
    });
  }
  throw new Error(`no shipped firmware policy is called ${named.name}`);
}

/** The text of a session vector file, as test-vectors/module/*.json holds it. */
export function sessionVectorFile(vector: SessionVector): string {
  const file = {
    format: SESSION_FORMAT,
    generator: 'npm run vectors (packages/module/src/vectors/catalogue.ts)',
    description: vector.description,
    numberOfSteps: vector.steps.length,
    vector,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Drives one chip through a script and records every exchange. */
export class SessionRecorder {
  readonly clock = new ManualClock(T0);
  /** The wire layer's reference tree, so that vectors depend on nothing else. */
  readonly log = new ReferenceLog();
  readonly chip: InProcessChip;
  readonly manufacturer = new Manufacturer('hemkit-sim-fab', vectorKey('manufacturer'));
  readonly authority: LicenceAuthority;
  readonly steps: (SessionStep | SessionEvent)[] = [];
  ueid: Uint8Array = new Uint8Array(0);
  /** Steps whose outcome differed from the script (only with SessionOptions.record). */
  readonly differences: OutcomeDifference[] = [];
  private licenceCount = 0;

  constructor(
    readonly id: string,
    readonly description: string,
    readonly randomSeed: string,
    readonly replayDefence: readonly ReplayMode[] = [REPLAY.sequence],
    readonly threshold = 2,
    readonly options: SessionOptions = {},
  ) {
    const policy = options.policy?.policy;
    this.chip = new InProcessChip({ log: this.log, now: this.clock.now, random: seededRandom(randomSeed), ...(policy ? { policy } : {}) });
    this.authority = new LicenceAuthority([vectorKey('issuer-0'), vectorKey('issuer-1'), vectorKey('issuer-2')], threshold);
  }

  /** The part's tamper input fires (see SessionEvent). */
  tamperEvent(comment: string, sensor: string): void {
    this.chip.state = enterTamperState(this.chip.state!, this.chip.env, sensor);
    this.steps.push({ comment, time: this.clock.time, event: 'tamper', sensor });
  }

  /** Sends a command; records it; returns the result, or undefined when the chip refused as expected. */
  step<C extends CommandId>(comment: string, command: C, params: ParamsOf<C>, expect = 'ok'): ReturnType<InProcessChip['send']> | undefined {
    const before = this.chip.transcript.length;
    let result;
    let outcome = 'ok';
    try {
      result = this.chip.send(command, params);
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      outcome = e.code;
    }
    if (outcome !== expect) {
      if (!this.options.record) throw new Error(`vector ${this.id}, "${comment}": expected ${expect}, got ${outcome}`);
      this.differences.push({ comment, expected: expect, got: outcome });
    }
    const exchange = this.chip.transcript[before]!;
    const response = parseResponse(decode(exchange.response));
    if ((response.status === STATUS_ERROR ? response.error.code : 'ok') !== outcome) throw new Error('response does not carry the outcome');
    this.steps.push({
      comment,
      time: this.clock.time,
      command: COMMAND_NAMES.get(command)!,
      request: toHex(exchange.request),
      response: toHex(exchange.response),
      expect: outcome,
    });
    return result;
  }

  /** The device finds its state restored from an older copy (see SessionEvent). */
  rollbackEvent(comment: string, reason: string): void {
    this.chip.state = enterRollbackState(this.chip.state!, this.chip.env, reason);
    this.steps.push({ comment, time: this.clock.time, event: 'state-rollback', reason });
  }

  /** Manufactures and provisions the chip with the session's policy. */
  setUp(hwmodel = utf8('hemkit-sim-a1'), itemisationThreshold?: bigint, firmwareSigners?: FirmwareSigners): void {
    const made = this.step('manufacture with a fixed UDS', CMD.manufacture, { hwmodel, uds: vectorKey(`uds ${this.randomSeed}`) }) as {
      ueid: Uint8Array;
      deviceIdentityKey: import('@hemkit/wire/cose').CosePublicKey;
    };
    this.ueid = made.ueid;
    this.step('provision: device certificate, issuers, policy', CMD.provision, {
      deviceCertificate: this.manufacturer.issueDeviceCertificate({ ...made, hwmodel }, T0),
      issuerKeys: this.authority.publicKeys,
      issuerThreshold: this.threshold,
      replayDefence: [...this.replayDefence],
      manufacturerKey: this.manufacturer.publicKey,
      ...(itemisationThreshold !== undefined ? { itemisationThreshold } : {}),
      ...(firmwareSigners !== undefined ? { firmwareSigners } : {}),
    });
  }

  licenceClaims(over: Partial<LicenceClaims> = {}): LicenceClaims {
    this.licenceCount++;
    return {
      licenceId: sha256(utf8(`${this.id} licence ${this.licenceCount}`)).subarray(0, 16),
      ueid: this.ueid,
      sequenceNumber: this.licenceCount,
      notBefore: T0,
      expiry: T0 + 30 * 86_400,
      opsQuota: 10n ** 24n,
      maxClusterSize: 1024,
      precisionClasses: [4, 6],
      ...over,
    };
  }

  licence(over: Partial<LicenceClaims> = {}, signers: readonly number[] = [0, 1]): Uint8Array {
    return this.authority.issueLicence(this.licenceClaims(over), signers);
  }

  vector(): SessionVector {
    return {
      id: this.id,
      description: this.description,
      setup: {
        randomSeed: this.randomSeed,
        startTime: T0,
        manufacturerKey: toHex(this.manufacturer.key.privateKey),
        oemid: toHex(this.manufacturer.oemid),
        issuerKeys: this.authority.issuers.map((i) => toHex(i.privateKey)),
        issuerThreshold: this.threshold,
        replayDefence: this.replayDefence,
        ...(this.options.policy ? { policy: { name: this.options.policy.name, ...(this.options.policy.parameters ? { parameters: this.options.policy.parameters } : {}) } } : {}),
      },
      steps: this.steps,
      logEntries: this.log.entries.map(toHex),
    };
  }
}

export { utf8 };
