/**
 * Runs a parsed scenario against the firmware core on a simulated part (part.ts) and returns its
 * trace (specs/scenarios.md §3, §4). Deterministic: the chip's entropy is seededRandom(seed), its
 * clock a ManualClock that moves only as the scenario says, and every party's key a label's hash.
 * Pure apart from what it is given: no files, no console, no system clock.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decode, encode } from '@hemkit/wire/cbor';
import type { CosePublicKey } from '@hemkit/wire/cose';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
import { toHex } from '@hemkit/wire/bytes';
import {
  CMD,
  signingKey,
  COMMAND_NAMES,
  encodeRequest,
  parseResponse,
  STATUS_ERROR,
  STATUS_OK,
  type ModuleResponse,
  type CommandId,
  type LicenceClaims,
  type ModuleRequest,
  type ParamsOf,
  type ResultOf,
} from '@hemkit/wire/messages';
import { collectEvidence } from '../evidence.js';
import { FirmwareSignerSet, LicenceAuthority, Manufacturer } from '../factory.js';
import { enterRollbackState, enterTamperState } from '../firmware/chip.js';
import { ManualClock, seededRandom } from '../in-process.js';
import { DEFAULT_POLICY } from '../firmware/policy/default.js';
import type { FirmwarePolicy } from '../firmware/policy/types.js';
import { policyOfSession } from '../vectors/sessions.js';
import type { CommandStep, EventStep, IntRef, LicenceClaimsSpec, LicenceSpec, Reencoding, Scenario, Step } from './format.js';
import { costDifference, costSum, Meter, ZERO_COST } from './meter.js';
import { SimulatedPart } from './part.js';
import { stateSummary, toJson, traceEntry, transitions, TRACE_FORMAT, type Json, type Trace, type TraceStep } from './trace.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const DAY = 86_400;

/** The verifier's side of an `appraise` step, given by the caller (the CLI binds @hemkit/verifier). */
export type Appraiser = (input: {
  readonly bundle: Uint8Array;
  readonly nonce: Uint8Array;
  /** Seconds since the epoch: the verifier's clock, the scenario's. */
  readonly now: number;
  /** The manufacturer's trust anchor, and its OEM id, which scopes `hwmodel` in reference values. */
  readonly manufacturer: { readonly name: string; readonly publicKey: CosePublicKey; readonly oemid: Uint8Array };
  readonly issuers: readonly CosePublicKey[];
  readonly issuerThreshold: number;
  readonly hwmodel: Uint8Array;
  /** The verifier's appraisal policy the step gives (verifier.md §3), unchecked: the verifier checks it. */
  readonly verifierPolicy?: Readonly<Record<string, unknown>>;
  /** Firmware the chip accepted in this run (measurement and SVN): reference values beside the factory's. */
  readonly firmware: readonly { readonly measurement: Uint8Array; readonly svn: number }[];
}) => Json;

export interface RunOptions {
  /** The crypto backend under the chip (default noble); the meter counts what passes through it. */
  readonly backend?: CryptoBackend;
  readonly appraiser?: Appraiser;
  /** The firmware policy, in place of the one the scenario names (specs/scenarios.md §2). */
  readonly policy?: FirmwarePolicy;
}

/**
 * Runs `scenario`; throws a HemkitError only for a scenario that cannot run, never for the chip's
 * refusals. Every event of the format has its mechanism in this firmware (specs/scenarios.md §3.4).
 */
export function runScenario(scenario: Scenario, options: RunOptions = {}): Trace {
  return new Run(scenario, options).all();
}

class Run {
  readonly clock: ManualClock;
  readonly meter = new Meter();
  readonly part: SimulatedPart;
  readonly parties = new Map<string, Manufacturer | LicenceAuthority | FirmwareSignerSet>();
  readonly licences = new Map<string, LicenceClaims>();
  readonly marks = new Map<string, number>();
  readonly snapshots = new Map<string, Uint8Array | undefined>();
  tick: number;
  readonly policy: FirmwarePolicy;
  licenceCount = 0;
  requestId = 1;
  made: { ueid: Uint8Array; deviceIdentityKey: CosePublicKey; hwmodel: Uint8Array } | undefined;
  readonly firmware: { measurement: Uint8Array; svn: number }[] = [];
  /** Licences the chip accepted, attached to evidence bundles (the verifier checks the licence it runs under). */
  readonly installed: Uint8Array[] = [];
  /** Issuer-set updates the chip accepted, in order: the chain an evidence bundle carries (licence.md §5a). */
  readonly issuerUpdates: Uint8Array[] = [];
  /** The issuer set the chip was provisioned with: the verifier's trust anchor, whatever rotations follow. */
  provisionedIssuers: { readonly keys: readonly CosePublicKey[]; readonly threshold: number } | undefined;
  /** The log head of the last appraisal: what the verifier remembers, so the next bundle proves consistency from it. */
  appraisedSize = 0;

  constructor(
    readonly scenario: Scenario,
    readonly options: RunOptions,
  ) {
    this.clock = new ManualClock(scenario.startTime);
    this.tick = scenario.tick;
    this.policy = options.policy ?? (scenario.policy === undefined || scenario.policy.name === DEFAULT_POLICY.name ? DEFAULT_POLICY : policyOfSession(scenario.policy));
    this.part = new SimulatedPart({
      now: this.clock.now,
      random: seededRandom(scenario.seed),
      meter: this.meter,
      policy: this.policy,
      ...(options.backend ? { backend: options.backend } : {}),
    });
    for (const [name, party] of scenario.parties) {
      this.parties.set(
        name,
        party.kind === 'manufacturer'
          ? new Manufacturer(party.name, party.key)
          : party.kind === 'authority'
            ? new LicenceAuthority(party.keys, party.threshold)
            : new FirmwareSignerSet(party.keys, party.thresholds),
      );
    }
  }

  all(): Trace {
    const steps = this.scenario.steps.map((step, index) => this.step(step, index));
    const totals = steps.reduce((sum, s) => costSum(sum, s.cost), ZERO_COST);
    return {
      format: TRACE_FORMAT,
      scenario: this.scenario.id,
      description: this.scenario.description,
      policy: this.policy.name,
      steps,
      totals,
      final: stateSummary(this.part.state),
      log: this.part.entries().map(toHex),
      mismatches: steps.filter((s) => !s.matched).map((s) => s.index),
    };
  }

  step(step: Step, index: number): TraceStep {
    const before = stateSummary(this.part.state);
    const costBefore = this.meter.totals;
    const logBefore = this.part.env.log.size;
    const time = this.clock.time;
    const done = step.do === 'command' ? this.command(step, index) : this.event(step, index);
    const after = this.part.state;
    const logAfter = this.part.env.log.size;
    const entries = this.part.entries(Math.min(logBefore, logAfter)).map(traceEntry);
    const outcome = done.outcome ?? 'ok';
    return {
      index,
      comment: step.comment,
      do: step.do === 'command' ? COMMAND_NAMES.get(step.command)! : step.do,
      time,
      ...done.exchange,
      expect: step.expect,
      outcome,
      matched: outcome === step.expect,
      ...(done.error ? { error: done.error } : {}),
      ...(done.result !== undefined ? { result: done.result } : {}),
      transitions: transitions(before, stateSummary(after)),
      logEntries: entries,
      cost: costDifference(this.meter.totals, costBefore),
      stored: this.part.storedBytes(),
      ...(done.appraisal !== undefined ? { appraisal: done.appraisal } : {}),
    };
  }

  // --- commands ---------------------------------------------------------------------------------

  command(step: CommandStep, index: number): Done {
    const params = this.params(step, index);
    const request = encode(encodeRequest({ command: step.command, requestId: this.requestId++, params } as ModuleRequest));
    const done = this.exchange(reencode(request, step.reencode));
    if (step.command === CMD.installLicence && done.response?.status === STATUS_OK) this.installed.push((params as ParamsOf<typeof CMD.installLicence>).licence);
    if (step.command === CMD.manufacture && done.response?.status === STATUS_OK) {
      const made = done.response.result as ResultOf<typeof CMD.manufacture>;
      this.made = { ...made, hwmodel: step.hwmodel };
    }
    if (step.command === CMD.firmwareUpdate && done.response?.status === STATUS_OK) this.firmware.push({ measurement: step.measurement, svn: step.svn });
    if (step.command === CMD.provision && done.response?.status === STATUS_OK) {
      const p = params as ParamsOf<typeof CMD.provision>;
      this.provisionedIssuers = { keys: p.issuerKeys, threshold: p.issuerThreshold };
    }
    this.clock.advance(this.tick);
    return done;
  }

  /** Sends request bytes; parses the answer; powers the part on again if the power was cut. */
  exchange(request: Uint8Array): Done {
    const answer = this.part.handle(request);
    if (answer.lost) {
      this.part.powerCycle();
      return { exchange: { request: toHex(request), powerLost: answer.cut }, outcome: 'POWER_LOST' };
    }
    const response = parseResponse(decode(answer.response));
    const exchange = { request: toHex(request), response: toHex(answer.response) };
    if (response.status === STATUS_ERROR) return { exchange, response, outcome: response.error.code, error: response.error };
    return { exchange, response, outcome: 'ok', result: toJson(response.result) };
  }

  params(step: CommandStep, index: number): ParamsOf<CommandId> {
    const t = (offset: number) => this.scenario.startTime + offset;
    switch (step.command) {
      case CMD.manufacture:
        return { hwmodel: step.hwmodel, ...(step.uds ? { uds: step.uds } : {}), ...(step.keyAlg !== undefined ? { keyAlg: step.keyAlg } : {}) } as ParamsOf<typeof CMD.manufacture>;
      case CMD.provision: {
        const made = this.chipMade(index, 'a device certificate');
        const authority = this.authority(step.issuers);
        return {
          deviceCertificate: this.manufacturer(step.certificateBy).issueDeviceCertificate(made, t(step.certificateIssuedAt)),
          issuerKeys: authority.publicKeys,
          issuerThreshold: step.issuerThreshold ?? authority.threshold,
          replayDefence: [...(step.replayDefence ?? this.scenario.chip.replayDefence)],
          manufacturerKey: this.manufacturer(step.manufacturerKey).publicKey,
          ...(step.itemisationThreshold !== undefined ? { itemisationThreshold: step.itemisationThreshold } : {}),
          ...(step.firmwareSigners !== undefined ? { firmwareSigners: (this.parties.get(step.firmwareSigners) as FirmwareSignerSet).provisioned } : {}),
        };
      }
      case CMD.installLicence:
        return { licence: this.licence(step.licence, index) };
      case CMD.applyRevocation: {
        const authority = this.authority(step.by);
        const revokedLicences = step.revokedLicences.map((r) => (r instanceof Uint8Array ? r : this.licences.get(r.licence)!.licenceId));
        const claims = { revocationId: step.revocationId, ueid: step.ueid ?? this.chipMade(index, 'a revocation').ueid, revokedLicences, issuedAt: t(step.issuedAt) };
        return { revocation: authority.issueRevocation(claims, this.signers(authority, step.signers, index)) };
      }
      case CMD.runWorkload: {
        const w = step.workload;
        return {
          workloadDescriptor: w.descriptor,
          precisionClass: w.precisionClass,
          ops: w.ops,
          ...(w.clusterSize !== undefined ? { clusterSize: w.clusterSize } : {}),
          ...(w.interconnectBytes !== undefined ? { interconnectBytes: w.interconnectBytes } : {}),
          ...(w.busyChipSeconds !== undefined ? { busyChipSeconds: w.busyChipSeconds } : {}),
          ...(w.memoryBytes !== undefined ? { memoryBytes: w.memoryBytes } : {}),
          ...(w.parentStates !== undefined ? { parentStates: w.parentStates } : {}),
          ...(w.producedState !== undefined ? { producedState: w.producedState } : {}),
        };
      }
      case CMD.attest:
        return { nonce: step.nonce };
      case CMD.proveInclusion:
        return { logIndex: this.int(step.logIndex), treeSize: this.int(step.treeSize) };
      case CMD.proveConsistency:
        return { treeSize1: this.int(step.treeSize1), treeSize2: this.int(step.treeSize2) };
      case CMD.readEntries:
        return { start: this.int(step.start), end: this.int(step.end) };
      case CMD.firmwareUpdate: {
        const hwmodel = step.hwmodel ?? this.made?.hwmodel ?? this.scenario.chip.hwmodel;
        const signer = this.parties.get(step.by ?? 'manufacturer');
        if (signer instanceof FirmwareSignerSet) {
          // k of n (module-commands.md §4.1): by default every signer of the set signs once.
          const claims = { hwmodel, measurement: step.measurement, svn: step.svn, iat: t(step.issuedAt), ...(step.kind !== undefined ? { firmwareKind: step.kind } : {}) };
          const indices = step.signers ?? signer.signers.map((_, i) => i);
          const bad = indices.find((i) => i >= signer.signers.length);
          if (bad !== undefined) throw new HemkitError('SCENARIO_INVALID', `/steps/${index}: signer ${bad} is not one of the set's ${signer.signers.length} firmware signers`);
          return { manifest: signer.signManifest(claims, indices, (step.outsiders ?? []).map((k) => signingKey(-8, k))) };
        }
        return { manifest: this.manufacturer(step.by).signFirmwareManifest(hwmodel, step.measurement, step.svn, t(step.issuedAt), step.kind) };
      }
      case CMD.requestLicence:
      case CMD.checkpoint:
      case CMD.status:
        return {};
    }
  }

  /**
   * The claims of a licence step: a new licence is numbered n in order of appearance and gets the
   * id SHA-256("<scenario id> licence <n>")[0..16] and sequence number n unless it says otherwise;
   * `like` starts from a licence named before (its id, its number) and changes what it lists.
   */
  licence(spec: LicenceSpec, index: number): Uint8Array {
    if (spec.kind === 'bytes') return spec.bytes;
    let claims: LicenceClaims;
    if (spec.like !== undefined) {
      claims = { ...this.licences.get(spec.like)!, ...this.claims(spec.claims, index) };
    } else {
      const n = ++this.licenceCount;
      claims = {
        licenceId: sha256(utf8(`${this.scenario.id} licence ${n}`)).subarray(0, 16),
        ueid: this.chipMade(index, 'a licence').ueid,
        sequenceNumber: n,
        notBefore: this.scenario.startTime,
        expiry: this.scenario.startTime + 30 * DAY,
        opsQuota: 10n ** 24n,
        maxClusterSize: 1024,
        precisionClasses: [4, 6],
        ...this.claims(this.scenario.licence, index),
        ...this.claims(spec.claims, index),
      };
    }
    if (spec.name !== undefined) this.licences.set(spec.name, claims);
    const authority = this.authority(spec.by);
    let bytes = authority.issueLicence(claims, this.signers(authority, spec.signers, index));
    for (const mutation of spec.mutate) {
      if (mutation === 'flip-last-byte') {
        bytes = bytes.slice();
        bytes[bytes.length - 1]! ^= 0x01;
      }
    }
    return bytes;
  }

  claims(spec: LicenceClaimsSpec, index: number): Partial<LicenceClaims> {
    const t = (offset: number | undefined) => (offset === undefined ? undefined : this.scenario.startTime + offset);
    let chipChallenge = spec.chipChallenge;
    if (chipChallenge === 'pending') {
      chipChallenge = this.part.state?.pendingChallenge;
      if (chipChallenge === undefined) throw notApplicable(index, 'the licence answers the pending challenge, but the chip has none (send requestLicence first)');
    }
    const claims: Record<string, unknown> = { ...spec, notBefore: t(spec.notBefore), expiry: t(spec.expiry), issuedAt: t(spec.issuedAt), chipChallenge };
    return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  }

  // --- events -----------------------------------------------------------------------------------

  event(step: EventStep, index: number): Done {
    switch (step.do) {
      case 'clock':
        if (step.set !== undefined) this.clock.time = this.scenario.startTime + step.set;
        if (step.advance !== undefined) this.clock.advance(step.advance);
        if (step.tick !== undefined) this.tick = step.tick;
        return {};
      case 'mark':
        this.marks.set(step.name, this.part.env.log.size);
        return {};
      case 'state-rollback':
        this.part.apply((state, env) => enterRollbackState(state, env, step.reason));
        return {};
      case 'power-loss':
        this.part.armPowerLoss(step.at);
        return {};
      case 'power-cycle':
        this.part.powerCycle();
        return {};
      case 'snapshot':
        this.snapshots.set(step.name, this.part.snapshot());
        return {};
      case 'restore':
        this.part.restore(this.snapshots.get(step.name));
        return {};
      case 'clone':
        this.part.transplant(this.snapshots.get(step.name));
        return {};
      case 'send-bytes':
        return this.exchange(step.bytes);
      case 'appraise':
        return this.appraise(step.nonce, index, step.verifierPolicy);
      case 'tamper':
        this.part.apply((state, env) => enterTamperState(state, env, step.sensor));
        return {};
      case 'rotate-issuers':
        return this.rotateIssuers(step, index);
    }
  }

  /**
   * An issuer-set update (licence.md §5a) signed by `signers` of the authority in force (or `by`),
   * sent as update-issuers. Accepted, the new set becomes the scenario's issuers: later licences,
   * revocations and updates are signed by it unless a step names another authority.
   */
  rotateIssuers(step: Extract<EventStep, { do: 'rotate-issuers' }>, index: number): Done {
    const authority = this.authority(step.by);
    const next = new LicenceAuthority(step.keys, step.threshold);
    const claims = {
      ueid: step.ueid ?? this.chipMade(index, 'an issuer-set update').ueid,
      issuerSetSequence: step.sequenceNumber ?? this.issuerUpdates.length + 1,
      issuerKeys: next.publicKeys,
      issuerThreshold: step.threshold,
      issuedAt: this.scenario.startTime + step.issuedAt,
    };
    const update = authority.issueIssuerSetUpdate(claims, this.signers(authority, step.signers, index));
    const request = encode(encodeRequest({ command: CMD.updateIssuers, requestId: this.requestId++, params: { update } }));
    const done = this.exchange(request);
    if (done.response?.status === STATUS_OK) {
      this.issuerUpdates.push(update);
      this.parties.set('issuers', next);
    }
    this.clock.advance(this.tick);
    return done;
  }

  /** Collects an evidence bundle through the commands an operator would send, and hands it to the verifier. */
  appraise(nonce: Uint8Array, index: number, verifierPolicy: Readonly<Record<string, unknown>> | undefined): Done {
    const appraiser = this.options.appraiser;
    if (appraiser === undefined) throw notApplicable(index, 'the scenario appraises, but the runner was given no verifier');
    const made = this.chipMade(index, 'an appraisal');
    const port = {
      send: <C extends CommandId>(command: C, params: ParamsOf<C>): ResultOf<C> => {
        const request = encode(encodeRequest({ command, requestId: this.requestId++, params } as ModuleRequest));
        const done = this.exchange(request);
        if (done.response === undefined) throw notApplicable(index, 'power was lost while the evidence was collected');
        if (done.response.status === STATUS_ERROR) throw new HemkitError(done.response.error.code as ErrorCode, done.response.error.message);
        return done.response.result as ResultOf<C>;
      },
    };
    try {
      const known = this.appraisedSize;
      const bundle = collectEvidence(port, {
        nonce,
        knownSizes: known > 0 ? [known] : [],
        discloseFrom: 0,
        licences: this.installed,
        ...(this.issuerUpdates.length > 0 ? { issuerUpdates: this.issuerUpdates } : {}),
      });
      this.appraisedSize = this.part.env.log.size;
      const manufacturer = this.manufacturer(undefined);
      const appraisal = appraiser({
        bundle,
        nonce,
        now: this.clock.time,
        manufacturer: { name: manufacturer.name, publicKey: manufacturer.publicKey, oemid: manufacturer.oemid },
        issuers: this.provisionedIssuers?.keys ?? this.authority(undefined).publicKeys,
        issuerThreshold: this.provisionedIssuers?.threshold ?? this.authority(undefined).threshold,
        hwmodel: made.hwmodel,
        firmware: this.firmware,
        ...(verifierPolicy ? { verifierPolicy } : {}),
      });
      return { appraisal };
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      return { outcome: e.code, error: { code: e.code, message: e.message } };
    }
  }

  // --- names ------------------------------------------------------------------------------------

  chipMade(index: number, what: string): NonNullable<Run['made']> {
    if (this.made === undefined) throw notApplicable(index, `${what} needs the chip's UEID, and no manufacture step has succeeded yet`);
    return this.made;
  }

  manufacturer(name: string | undefined): Manufacturer {
    return this.parties.get(name ?? 'manufacturer') as Manufacturer;
  }

  authority(name: string | undefined): LicenceAuthority {
    return this.parties.get(name ?? 'issuers') as LicenceAuthority;
  }

  signers(authority: LicenceAuthority, signers: readonly number[], index: number): readonly number[] {
    const bad = signers.find((s) => s >= authority.issuers.length);
    if (bad !== undefined) throw new HemkitError('SCENARIO_INVALID', `/steps/${index}: signer ${bad} is not one of the authority's ${authority.issuers.length} issuers`);
    return signers;
  }

  int(ref: IntRef): number {
    if (typeof ref === 'number') return ref;
    return 'mark' in ref ? this.marks.get(ref.mark)! : this.part.env.log.size;
  }
}

interface Done {
  /** The chip's answer as parsed, for the runner itself (the trace keeps its bytes). */
  readonly response?: ModuleResponse;
  readonly exchange?: { readonly request: string; readonly response: string } | { readonly request: string; readonly powerLost: NonNullable<TraceStep['powerLost']> };
  readonly outcome?: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly result?: Json;
  readonly appraisal?: Json;
}

function notApplicable(index: number, why: string): HemkitError {
  return new HemkitError('SCENARIO_STEP_NOT_APPLICABLE', `step ${index}: ${why}`);
}

/**
 * A request re-encoded the way a careless or hostile host might (specs/scenarios.md §3.5): the same
 * data model, bytes the profile refuses. The request is a map, so its first byte is a map head.
 */
export function reencode(request: Uint8Array, how: Reencoding | undefined): Uint8Array {
  if (how === undefined) return request;
  const head = request[0]!;
  const count = head & 0x1f;
  switch (how) {
    case 'trailing-byte':
      return new Uint8Array([...request, 0x00]);
    case 'non-shortest-map-head':
      // A map of n < 24 pairs written with a one-byte length argument (RFC 8949 §4.2.1 forbids it).
      return new Uint8Array([0xb8, count, ...request.subarray(1)]);
    case 'indefinite-map':
      return new Uint8Array([0xbf, ...request.subarray(1), 0xff]);
  }
}
