/**
 * The scenario language (specs/scenarios.md): a declarative description of a chip, the parties
 * around it, and the commands and events it meets, parsed from JSON into a checked `Scenario`. Names
 * a step uses (parties, licences, marks, snapshots) must be defined before it, so that a scenario
 * which parses can only fail at run time because the chip answered differently than it expected.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { HemkitError } from '@hemkit/wire/errors';
import { fromHex } from '@hemkit/wire/bytes';
import { CMD, FIRMWARE_KIND, PRECISION, REPLAY, type CommandId, type FirmwareKind, type PrecisionClass, type ReplayMode } from '@hemkit/wire/messages';
import { Cursor } from './read.js';

export const SCENARIO_FORMAT = 'hemkit-scenario/v1';

const utf8 = (s: string) => new TextEncoder().encode(s);
/** The private key a label names: SHA-256("hemkit vector key: " ‖ label), as every vector's keys. */
export const keyFromLabel = (label: string): Uint8Array => sha256(utf8(`hemkit vector key: ${label}`));

export type Reencoding = 'trailing-byte' | 'non-shortest-map-head' | 'indefinite-map';
export const REENCODINGS: readonly Reencoding[] = ['trailing-byte', 'non-shortest-map-head', 'indefinite-map'];
export type Mutation = 'flip-last-byte';

export interface ManufacturerSpec {
  readonly kind: 'manufacturer';
  readonly name: string;
  readonly key: Uint8Array;
}
export interface AuthoritySpec {
  readonly kind: 'authority';
  readonly keys: readonly Uint8Array[];
  readonly threshold: number;
}
/** Firmware signers and a threshold per kind of update (module-commands.md §4.1). */
export interface FirmwareSignersSpec {
  readonly kind: 'firmware-signers';
  readonly keys: readonly Uint8Array[];
  readonly thresholds: ReadonlyMap<FirmwareKind, number>;
}
export type Party = ManufacturerSpec | AuthoritySpec | FirmwareSignersSpec;

/** The kinds of firmware update by the names scenarios use (module-commands.md §4.1). */
export const FIRMWARE_KIND_NAMES: Readonly<Record<string, FirmwareKind>> = {
  'security-patch': FIRMWARE_KIND.securityPatch,
  'feature-update': FIRMWARE_KIND.featureUpdate,
  'governance-policy': FIRMWARE_KIND.governancePolicy,
};

/** An integer the runner resolves when the step runs: the log's size then, or the size at a mark. */
export type IntRef = number | { readonly logSize: 'now' } | { readonly mark: string };

export interface LicenceClaimsSpec {
  readonly licenceId?: Uint8Array;
  readonly ueid?: Uint8Array;
  readonly sequenceNumber?: number;
  readonly notBefore?: number;
  readonly expiry?: number;
  readonly issuedAt?: number;
  readonly opsQuota?: bigint;
  readonly maxClusterSize?: number;
  readonly maxInterconnectBandwidth?: number;
  readonly precisionClasses?: readonly PrecisionClass[];
  /** Bytes, or 'pending': the challenge the chip is waiting for, read from its state. */
  readonly chipChallenge?: Uint8Array | 'pending';
  readonly minimumSvn?: number;
  readonly memoryQuota?: bigint;
}

export type LicenceSpec =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | {
      readonly kind: 'signed';
      readonly name?: string;
      readonly like?: string;
      readonly claims: LicenceClaimsSpec;
      readonly signers: readonly number[];
      readonly by?: string;
      readonly mutate: readonly Mutation[];
    };

export interface WorkloadSpec {
  readonly descriptor: Uint8Array;
  readonly precisionClass: PrecisionClass;
  readonly ops: bigint;
  readonly clusterSize?: number;
  readonly interconnectBytes?: bigint;
  readonly busyChipSeconds?: number;
  readonly memoryBytes?: bigint;
  /** The model states the workload started from and the one it produced (log-entry.md §3.1). */
  readonly parentStates?: readonly Uint8Array[];
  readonly producedState?: Uint8Array;
}

interface Base {
  readonly comment: string;
  /** 'ok', or the error code the chip's answer must carry. */
  readonly expect: string;
}

export type CommandStep = Base & {
  readonly do: 'command';
  readonly reencode?: Reencoding;
} & (
    | { readonly command: typeof CMD.manufacture; readonly hwmodel: Uint8Array; readonly uds?: Uint8Array; readonly keyAlg?: number }
    | {
        readonly command: typeof CMD.provision;
        readonly certificateBy?: string;
        readonly certificateIssuedAt: number;
        readonly issuers?: string;
        readonly issuerThreshold?: number;
        readonly replayDefence?: readonly ReplayMode[];
        readonly manufacturerKey?: string;
        readonly itemisationThreshold?: bigint;
        /** A firmware-signers party: the chip takes k-of-n manifests (module-commands.md §4.1). */
        readonly firmwareSigners?: string;
      }
    | { readonly command: typeof CMD.installLicence; readonly licence: LicenceSpec }
    | { readonly command: typeof CMD.requestLicence }
    | {
        readonly command: typeof CMD.applyRevocation;
        readonly revocationId: Uint8Array;
        readonly revokedLicences: readonly (Uint8Array | { readonly licence: string })[];
        readonly issuedAt: number;
        readonly ueid?: Uint8Array;
        readonly signers: readonly number[];
        readonly by?: string;
      }
    | { readonly command: typeof CMD.runWorkload; readonly workload: WorkloadSpec }
    | { readonly command: typeof CMD.attest; readonly nonce: Uint8Array }
    | { readonly command: typeof CMD.checkpoint }
    | { readonly command: typeof CMD.proveInclusion; readonly logIndex: IntRef; readonly treeSize: IntRef }
    | { readonly command: typeof CMD.proveConsistency; readonly treeSize1: IntRef; readonly treeSize2: IntRef }
    | { readonly command: typeof CMD.readEntries; readonly start: IntRef; readonly end: IntRef }
    | { readonly command: typeof CMD.status }
    | {
        readonly command: typeof CMD.firmwareUpdate;
        readonly by?: string;
        readonly hwmodel?: Uint8Array;
        readonly measurement: Uint8Array;
        readonly svn: number;
        readonly issuedAt: number;
        /** The manifest's kind: absent from the claims when not given. */
        readonly kind?: number;
        /** With `by` a firmware-signers party: the signers' indices (repeats allowed), and keys outside the set. */
        readonly signers?: readonly number[];
        readonly outsiders?: readonly Uint8Array[];
      }
  );

export type EventStep = Base &
  (
    | { readonly do: 'clock'; readonly set?: number; readonly advance?: number; readonly tick?: number }
    | { readonly do: 'mark'; readonly name: string }
    | { readonly do: 'state-rollback'; readonly reason: string }
    | { readonly do: 'power-loss'; readonly at: 'before-write' | 'after-state-write' }
    | { readonly do: 'power-cycle' }
    | { readonly do: 'snapshot'; readonly name: string }
    | { readonly do: 'restore'; readonly name: string }
    | { readonly do: 'clone'; readonly name: string }
    | { readonly do: 'send-bytes'; readonly bytes: Uint8Array }
    | { readonly do: 'tamper'; readonly sensor?: string }
    | {
        /** An issuer-set update (licence.md §5a), signed by `signers` of the authority `by` (default: the issuers in force). */
        readonly do: 'rotate-issuers';
        readonly keys: readonly Uint8Array[];
        readonly threshold: number;
        readonly signers: readonly number[];
        /** Default: one more than the last update the chip accepted in this run (1 for the first). */
        readonly sequenceNumber?: number;
        readonly by?: string;
        readonly ueid?: Uint8Array;
        readonly issuedAt: number;
      }
    | { readonly do: 'appraise'; readonly nonce: Uint8Array; readonly verifierPolicy?: Readonly<Record<string, unknown>> }
  );

export type Step = CommandStep | EventStep;

/** A shipped firmware policy by name, as a session vector's setup names it (module-commands.md §5). */
export interface NamedPolicy {
  readonly name: string;
  readonly parameters?: Readonly<Record<string, string>>;
}

export interface Scenario {
  readonly id: string;
  readonly description: string;
  /** Seeds the chip's entropy (seededRandom): the UEID, salts and challenges it draws. */
  readonly seed: string;
  readonly startTime: number;
  /** Seconds the clock moves after every command (0: the clock is frozen between clock steps). */
  readonly tick: number;
  readonly manufacturer: ManufacturerSpec;
  readonly authority: AuthoritySpec;
  readonly parties: ReadonlyMap<string, Party>;
  readonly chip: {
    readonly hwmodel: Uint8Array;
    readonly uds?: Uint8Array;
    readonly replayDefence: readonly ReplayMode[];
  };
  readonly workload: Partial<Omit<WorkloadSpec, 'descriptor' | 'ops'>>;
  readonly licence: LicenceClaimsSpec;
  /** The firmware policy the chip runs unless the runner is given another; absent: the default. */
  readonly policy?: NamedPolicy;
  readonly steps: readonly Step[];
}

/** The command names a scenario uses: the keys of CMD, as the session vectors name them. */
const COMMANDS = CMD as Readonly<Record<string, CommandId>>;
const EVENTS = ['clock', 'mark', 'state-rollback', 'power-loss', 'power-cycle', 'snapshot', 'restore', 'clone', 'send-bytes', 'tamper', 'rotate-issuers', 'appraise'] as const;
const TIME = 10 ** 12; // times are offsets from startTime, in seconds: ±31 000 years is plenty
const U32 = 2 ** 32 - 1;

/** Bytes: "hex:…", "utf8:…", {sha256, length?}, {fill, length}, {json}, {key}. */
export function readBytes(c: Cursor): Uint8Array {
  const v = c.value;
  if (typeof v === 'string') {
    if (v.startsWith('utf8:')) return utf8(v.slice(5));
    if (v.startsWith('hex:') && /^[0-9a-f]*$/.test(v.slice(4)) && v.length % 2 === 0) return fromHex(v.slice(4));
    return c.fail('bytes: "hex:<lowercase hex digits>" or "utf8:<text>"');
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    if ('sha256' in v) {
      c.object(['sha256', 'length'], ['sha256']);
      const hash = sha256(utf8(c.at('sha256').string()));
      return hash.slice(0, c.optional('length', (l) => l.integer(1, 32)) ?? 32);
    }
    if ('fill' in v) {
      c.object(['fill', 'length'], ['fill', 'length']);
      return new Uint8Array(c.at('length').integer(0, 1 << 20)).fill(c.at('fill').integer(0, 255));
    }
    if ('json' in v) {
      c.object(['json'], ['json']);
      return utf8(JSON.stringify(c.at('json').value));
    }
    if ('key' in v) {
      c.object(['key'], ['key']);
      return keyFromLabel(c.at('key').string());
    }
  }
  return c.fail('bytes: "hex:…", "utf8:…", {"sha256": text}, {"fill": byte, "length": n}, {"json": value} or {"key": label}');
}

/** A private key: a label (see keyFromLabel) or "hex:" and 64 digits. */
function readKey(c: Cursor): Uint8Array {
  const s = c.string(/^(hex:[0-9a-f]{64}|(?!hex:).+)$/, 'a key label, or "hex:" and 64 lowercase hex digits');
  return s.startsWith('hex:') ? fromHex(s.slice(4)) : keyFromLabel(s);
}

const readTime = (c: Cursor) => c.integer(-TIME, TIME);
const readPrecision = (c: Cursor): PrecisionClass => PRECISION[c.oneOf(Object.keys(PRECISION) as (keyof typeof PRECISION)[])];
const readReplay = (c: Cursor): ReplayMode => REPLAY[c.oneOf(Object.keys(REPLAY) as (keyof typeof REPLAY)[])];
const readSigners = (c: Cursor) => c.array({ min: 1, max: 16 }).map((s) => s.integer(0, 15));
const readName = (c: Cursor) => c.string(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a name: letters, digits, _ . - (at most 64)');

/** What is defined so far, in step order: a reference to a later or unknown name is refused. */
class Names {
  readonly licences = new Set<string>();
  readonly marks = new Set<string>();
  readonly snapshots = new Set<string>();
  constructor(readonly parties: ReadonlyMap<string, Party>) {}

  party(c: Cursor, ...kinds: Party['kind'][]): string {
    const name = readName(c);
    const party = this.parties.get(name);
    if (party === undefined) throw new HemkitError('SCENARIO_UNKNOWN_NAME', `${c.pointer}: no party '${name}' in "parties"`);
    const article = (k: Party['kind']) => (k === 'authority' ? 'an authority' : k === 'manufacturer' ? 'a manufacturer' : 'a set of firmware signers');
    if (!kinds.includes(party.kind)) throw new HemkitError('SCENARIO_UNKNOWN_NAME', `${c.pointer}: party '${name}' is ${article(party.kind)}, not ${kinds.map(article).join(' or ')}`);
    return name;
  }

  kindOf(name: string): Party['kind'] {
    return this.parties.get(name)!.kind;
  }

  use(set: Set<string>, what: string, c: Cursor): string {
    const name = readName(c);
    if (!set.has(name)) throw new HemkitError('SCENARIO_UNKNOWN_NAME', `${c.pointer}: no ${what} '${name}' defined by an earlier step`);
    return name;
  }

  define(set: Set<string>, what: string, c: Cursor): string {
    const name = readName(c);
    if (set.has(name)) c.fail(`a ${what} name not used before ('${name}' is)`);
    set.add(name);
    return name;
  }
}

function readIntRef(c: Cursor, names: Names): IntRef {
  if (c.value === 'log-size') return { logSize: 'now' };
  if (typeof c.value === 'object' && c.value !== null) {
    c.object(['mark'], ['mark']);
    return { mark: names.use(names.marks, 'mark', c.at('mark')) };
  }
  if (typeof c.value !== 'number') c.fail('an integer, "log-size", or {"mark": name}');
  return c.integer(0);
}

const CLAIM_KEYS = ['licenceId', 'ueid', 'sequenceNumber', 'notBefore', 'expiry', 'issuedAt', 'opsQuota', 'maxClusterSize', 'maxInterconnectBandwidth', 'precisionClasses', 'chipChallenge', 'minimumSvn', 'memoryQuota'];

function readClaims(c: Cursor): LicenceClaimsSpec {
  c.object(CLAIM_KEYS);
  const o = <T>(key: string, read: (c: Cursor) => T) => c.optional(key, read);
  const claims: Record<string, unknown> = {
    licenceId: o('licenceId', readBytes),
    ueid: o('ueid', readBytes),
    sequenceNumber: o('sequenceNumber', (x) => x.integer(0)),
    notBefore: o('notBefore', readTime),
    expiry: o('expiry', readTime),
    issuedAt: o('issuedAt', readTime),
    opsQuota: o('opsQuota', (x) => x.count()),
    maxClusterSize: o('maxClusterSize', (x) => x.integer(0, U32)),
    maxInterconnectBandwidth: o('maxInterconnectBandwidth', (x) => x.integer(0)),
    precisionClasses: o('precisionClasses', (x) => x.array({ min: 1 }).map(readPrecision)),
    chipChallenge: o('chipChallenge', (x) => (x.value === 'pending' ? ('pending' as const) : readBytes(x))),
    minimumSvn: o('minimumSvn', (x) => x.integer(0)),
    memoryQuota: o('memoryQuota', (x) => x.count()),
  };
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as LicenceClaimsSpec;
}

function readLicence(c: Cursor, names: Names): LicenceSpec {
  if (c.has('bytes')) {
    c.object(['bytes'], ['bytes']);
    return { kind: 'bytes', bytes: readBytes(c.at('bytes')) };
  }
  c.object(['name', 'like', 'claims', 'signers', 'by', 'mutate']);
  if (c.has('name') && c.has('like')) c.fail("either 'name' (a new licence) or 'like' (one named before), not both");
  const like = c.optional('like', (x) => names.use(names.licences, 'licence', x));
  const name = c.optional('name', (x) => names.define(names.licences, 'licence', x));
  const by = c.optional('by', (x) => names.party(x, 'authority'));
  return {
    kind: 'signed',
    ...(name !== undefined ? { name } : {}),
    ...(like !== undefined ? { like } : {}),
    claims: c.optional('claims', readClaims) ?? {},
    signers: c.optional('signers', readSigners) ?? [0, 1],
    ...(by !== undefined ? { by } : {}),
    mutate: c.optional('mutate', (x) => x.array().map((m) => m.oneOf(['flip-last-byte'] as const))) ?? [],
  };
}

const WORKLOAD_KEYS = ['precision', 'clusterSize', 'interconnectBytes', 'busyChipSeconds', 'memoryBytes'];

function readWorkloadFields(c: Cursor): Partial<WorkloadSpec> {
  const fields: Record<string, unknown> = {
    precisionClass: c.optional('precision', readPrecision),
    clusterSize: c.optional('clusterSize', (x) => x.integer(0, U32)),
    interconnectBytes: c.optional('interconnectBytes', (x) => x.count()),
    busyChipSeconds: c.optional('busyChipSeconds', (x) => x.integer(0)),
    memoryBytes: c.optional('memoryBytes', (x) => x.count()),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function readCommand(c: Cursor, command: CommandId, base: Base, names: Names, scenario: { workload: Partial<WorkloadSpec>; chip: { hwmodel: Uint8Array; uds?: Uint8Array } }): CommandStep {
  const common = ['do', 'comment', 'expect', 'reencode'];
  const reencode = c.optional('reencode', (x) => x.oneOf(REENCODINGS));
  const head = { ...base, do: 'command' as const, ...(reencode ? { reencode } : {}) };
  switch (command) {
    case CMD.manufacture: {
      c.object([...common, 'hwmodel', 'uds', 'keyAlg']);
      // "uds": null asks the chip to draw its own (the request then carries none).
      const uds = c.has('uds') ? (c.at('uds').value === null ? undefined : readBytes(c.at('uds'))) : scenario.chip.uds;
      const keyAlg = c.optional('keyAlg', (x) => x.integer(-65536, 65535));
      return {
        ...head,
        command,
        hwmodel: c.optional('hwmodel', (x) => utf8(x.string())) ?? scenario.chip.hwmodel,
        ...(uds !== undefined ? { uds } : {}),
        ...(keyAlg !== undefined ? { keyAlg } : {}),
      };
    }
    case CMD.provision: {
      c.object([...common, 'certificateBy', 'certificateIssuedAt', 'issuers', 'issuerThreshold', 'replayDefence', 'manufacturerKey', 'itemisationThreshold', 'firmwareSigners']);
      const fields: Record<string, unknown> = {
        certificateBy: c.optional('certificateBy', (x) => names.party(x, 'manufacturer')),
        issuers: c.optional('issuers', (x) => names.party(x, 'authority')),
        issuerThreshold: c.optional('issuerThreshold', (x) => x.integer(0, 255)),
        replayDefence: c.optional('replayDefence', (x) => x.array({ min: 1 }).map(readReplay)),
        manufacturerKey: c.optional('manufacturerKey', (x) => names.party(x, 'manufacturer')),
        itemisationThreshold: c.optional('itemisationThreshold', (x) => x.count()),
        firmwareSigners: c.optional('firmwareSigners', (x) => names.party(x, 'firmware-signers')),
      };
      const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      return { ...head, command, certificateIssuedAt: c.optional('certificateIssuedAt', readTime) ?? 0, ...defined };
    }
    case CMD.installLicence:
      c.object([...common, 'licence'], ['licence']);
      return { ...head, command, licence: readLicence(c.at('licence'), names) };
    case CMD.requestLicence:
    case CMD.checkpoint:
    case CMD.status:
      c.object(common);
      return { ...head, command };
    case CMD.applyRevocation: {
      c.object([...common, 'revocationId', 'revokedLicences', 'issuedAt', 'ueid', 'signers', 'by'], ['revocationId', 'revokedLicences']);
      const revoked = c.at('revokedLicences').array({ min: 1 }).map((x) => {
        if (typeof x.value === 'object' && x.value !== null && 'licence' in x.value) {
          x.object(['licence'], ['licence']);
          return { licence: names.use(names.licences, 'licence', x.at('licence')) };
        }
        return readBytes(x);
      });
      const ueid = c.optional('ueid', readBytes);
      const by = c.optional('by', (x) => names.party(x, 'authority'));
      return {
        ...head,
        command,
        revocationId: readBytes(c.at('revocationId')),
        revokedLicences: revoked,
        issuedAt: c.optional('issuedAt', readTime) ?? 0,
        signers: c.optional('signers', readSigners) ?? [0, 1],
        ...(ueid ? { ueid } : {}),
        ...(by ? { by } : {}),
      };
    }
    case CMD.runWorkload: {
      c.object([...common, 'descriptor', 'ops', 'parentStates', 'producedState', ...WORKLOAD_KEYS], ['descriptor', 'ops']);
      const fields = { ...scenario.workload, ...readWorkloadFields(c) };
      const parentStates = c.optional('parentStates', (x) => x.array().map(readBytes));
      const producedState = c.optional('producedState', readBytes);
      if (fields.precisionClass === undefined) c.fail("a member 'precision' (or one in the scenario's \"workload\" defaults)");
      return {
        ...head,
        command,
        workload: {
          ...fields,
          precisionClass: fields.precisionClass,
          descriptor: readBytes(c.at('descriptor')),
          ops: c.at('ops').count(),
          ...(parentStates !== undefined ? { parentStates } : {}),
          ...(producedState !== undefined ? { producedState } : {}),
        },
      };
    }
    case CMD.attest:
      c.object([...common, 'nonce'], ['nonce']);
      return { ...head, command, nonce: readBytes(c.at('nonce')) };
    case CMD.proveInclusion:
      c.object([...common, 'logIndex', 'treeSize'], ['logIndex', 'treeSize']);
      return { ...head, command, logIndex: readIntRef(c.at('logIndex'), names), treeSize: readIntRef(c.at('treeSize'), names) };
    case CMD.proveConsistency:
      c.object([...common, 'treeSize1', 'treeSize2'], ['treeSize1', 'treeSize2']);
      return { ...head, command, treeSize1: readIntRef(c.at('treeSize1'), names), treeSize2: readIntRef(c.at('treeSize2'), names) };
    case CMD.readEntries:
      c.object([...common, 'start', 'end'], ['start', 'end']);
      return { ...head, command, start: readIntRef(c.at('start'), names), end: readIntRef(c.at('end'), names) };
    case CMD.updateIssuers:
      return c.fail("a 'rotate-issuers' step: an issuer-set update is written as that event, which signs it");
    case CMD.firmwareUpdate: {
      c.object([...common, 'by', 'hwmodel', 'measurement', 'svn', 'issuedAt', 'kind', 'signers', 'outsiders'], ['measurement', 'svn']);
      const by = c.optional('by', (x) => names.party(x, 'manufacturer', 'firmware-signers'));
      const hwmodel = c.optional('hwmodel', (x) => utf8(x.string()));
      // A kind by name, or any integer: an unknown kind is a case to try (FIRMWARE_KIND_UNKNOWN).
      const kind = c.optional('kind', (x) => (typeof x.value === 'string' ? FIRMWARE_KIND_NAMES[x.oneOf(Object.keys(FIRMWARE_KIND_NAMES))]! : x.integer(0, U32)));
      const kofn = by !== undefined && names.kindOf(by) === 'firmware-signers';
      if (!kofn && (c.has('signers') || c.has('outsiders'))) c.fail("'signers' and 'outsiders' need 'by' to name a set of firmware signers");
      const signers = c.optional('signers', (x) => x.array({ min: 0, max: 32 }).map((s) => s.integer(0, 15)));
      const outsiders = c.optional('outsiders', (x) => x.array({ min: 1, max: 16 }).map(readKey));
      return {
        ...(kind !== undefined ? { kind } : {}),
        ...(signers !== undefined ? { signers } : {}),
        ...(outsiders !== undefined ? { outsiders } : {}),
        ...head,
        command,
        measurement: readBytes(c.at('measurement')),
        svn: c.at('svn').integer(0, U32),
        issuedAt: c.optional('issuedAt', readTime) ?? 0,
        ...(by ? { by } : {}),
        ...(hwmodel ? { hwmodel } : {}),
      };
    }
  }
}

function readEvent(c: Cursor, event: (typeof EVENTS)[number], base: Base, names: Names): EventStep {
  const common = ['do', 'comment', 'expect'];
  switch (event) {
    case 'clock': {
      c.object([...common, 'set', 'advance', 'tick']);
      const given = ['set', 'advance', 'tick'].filter((k) => c.has(k));
      if (given.length !== 1) c.fail("exactly one of 'set', 'advance' (either may be negative: a clock jump) or 'tick' (0 freezes the clock)");
      const set = c.optional('set', readTime);
      const advance = c.optional('advance', readTime);
      const tick = c.optional('tick', (x) => x.integer(0, 10 ** 9));
      return { ...base, do: event, ...(set !== undefined ? { set } : {}), ...(advance !== undefined ? { advance } : {}), ...(tick !== undefined ? { tick } : {}) };
    }
    case 'mark':
      c.object([...common, 'name'], ['name']);
      return { ...base, do: event, name: names.define(names.marks, 'mark', c.at('name')) };
    case 'state-rollback':
      c.object([...common, 'reason'], ['reason']);
      return { ...base, do: event, reason: c.at('reason').string() };
    case 'power-loss':
      c.object([...common, 'at'], ['at']);
      return { ...base, do: event, at: c.at('at').oneOf(['before-write', 'after-state-write'] as const) };
    case 'power-cycle':
      c.object(common);
      return { ...base, do: event };
    case 'snapshot':
      c.object([...common, 'name'], ['name']);
      return { ...base, do: event, name: names.define(names.snapshots, 'snapshot', c.at('name')) };
    case 'restore':
    case 'clone':
      c.object([...common, 'name'], ['name']);
      return { ...base, do: event, name: names.use(names.snapshots, 'snapshot', c.at('name')) };
    case 'send-bytes':
      c.object([...common, 'bytes'], ['bytes']);
      return { ...base, do: event, bytes: readBytes(c.at('bytes')) };
    case 'tamper': {
      c.object([...common, 'sensor']);
      const sensor = c.optional('sensor', (x) => x.string());
      return { ...base, do: event, ...(sensor !== undefined ? { sensor } : {}) };
    }
    case 'rotate-issuers': {
      c.object([...common, 'keys', 'threshold', 'signers', 'sequenceNumber', 'by', 'ueid', 'issuedAt'], ['keys', 'threshold']);
      // An empty set and a threshold above the keys are allowed here: the chip must refuse them.
      const sequenceNumber = c.optional('sequenceNumber', (x) => x.integer(0, U32));
      const by = c.optional('by', (x) => names.party(x, 'authority'));
      const ueid = c.optional('ueid', readBytes);
      return {
        ...base,
        do: event,
        keys: c.at('keys').array({ max: 16 }).map(readKey),
        threshold: c.at('threshold').integer(0, 255),
        signers: c.optional('signers', readSigners) ?? [0, 1],
        issuedAt: c.optional('issuedAt', readTime) ?? 0,
        ...(sequenceNumber !== undefined ? { sequenceNumber } : {}),
        ...(by ? { by } : {}),
        ...(ueid ? { ueid } : {}),
      };
    }
    case 'appraise': {
      c.object([...common, 'nonce', 'verifierPolicy'], ['nonce']);
      // The verifier's appraisal policy (verifier.md §3), checked by the verifier itself when it runs.
      const verifierPolicy = c.optional('verifierPolicy', (x) => (x.object(Object.keys((x.value ?? {}) as object)).value as Record<string, unknown>));
      return { ...base, do: event, nonce: readBytes(c.at('nonce')), ...(verifierPolicy ? { verifierPolicy } : {}) };
    }
  }
}

function readParty(c: Cursor): Party {
  if (c.has('manufacturer')) {
    c.object(['manufacturer', 'key'], ['manufacturer', 'key']);
    return { kind: 'manufacturer', name: c.at('manufacturer').string(), key: readKey(c.at('key')) };
  }
  if (c.has('firmwareSigners')) {
    c.object(['firmwareSigners', 'thresholds'], ['firmwareSigners', 'thresholds']);
    const keys = c.at('firmwareSigners').array({ min: 1, max: 16 }).map(readKey);
    const t = c.at('thresholds').object(Object.keys(FIRMWARE_KIND_NAMES));
    const thresholds = new Map(Object.entries(FIRMWARE_KIND_NAMES).filter(([name]) => t.has(name)).map(([name, kind]) => [kind, t.at(name).integer(0, 255)] as const));
    return { kind: 'firmware-signers', keys, thresholds };
  }
  c.object(['issuers', 'threshold'], ['issuers', 'threshold']);
  return readAuthority(c);
}

function readAuthority(c: Cursor): AuthoritySpec {
  const keys = c.at('issuers').array({ min: 1, max: 16 }).map(readKey);
  return { kind: 'authority', keys, threshold: c.at('threshold').integer(1, keys.length) };
}

/**
 * Parses a scenario (a JSON value already decoded); throws SCENARIO_FORMAT_UNSUPPORTED for another
 * format, SCENARIO_INVALID for a wrong shape and SCENARIO_UNKNOWN_NAME for a reference to a name not
 * defined before it.
 */
export function parseScenario(value: unknown): Scenario {
  const root = new Cursor(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) root.fail('a scenario object');
  const format = (value as Record<string, unknown>)['format'];
  if (format !== SCENARIO_FORMAT) {
    throw new HemkitError('SCENARIO_FORMAT_UNSUPPORTED', `/format: ${JSON.stringify(format) ?? 'absent'} is not "${SCENARIO_FORMAT}", the one format this runner reads`);
  }
  root.object(
    ['format', 'id', 'description', 'seed', 'startTime', 'tick', 'manufacturer', 'issuers', 'threshold', 'parties', 'chip', 'workload', 'licence', 'policy', 'steps'],
    ['format', 'id', 'description', 'seed', 'startTime', 'chip', 'steps'],
  );
  const manufacturer: ManufacturerSpec = root.has('manufacturer')
    ? (() => {
        const m = root.at('manufacturer').object(['name', 'key'], ['name', 'key']);
        return { kind: 'manufacturer', name: m.at('name').string(), key: readKey(m.at('key')) };
      })()
    : { kind: 'manufacturer', name: 'hemkit-sim-fab', key: keyFromLabel('manufacturer') };
  const issuerKeys = root.optional('issuers', (x) => x.array({ min: 1, max: 16 }).map(readKey)) ?? ['issuer-0', 'issuer-1', 'issuer-2'].map(keyFromLabel);
  const authority: AuthoritySpec = { kind: 'authority', keys: issuerKeys, threshold: root.optional('threshold', (x) => x.integer(1, issuerKeys.length)) ?? Math.min(2, issuerKeys.length) };
  const parties = new Map<string, Party>([
    ['manufacturer', manufacturer],
    ['issuers', authority],
  ]);
  if (root.has('parties')) {
    const p = root.at('parties');
    p.object(Object.keys(p.value as object));
    for (const name of Object.keys(p.value as object)) {
      readName(new Cursor(name, `${p.pointer}/${name}`));
      if (parties.has(name)) p.at(name).fail(`a party name other than 'manufacturer' and 'issuers'`);
      parties.set(name, readParty(p.at(name)));
    }
  }
  const chipC = root.at('chip').object(['hwmodel', 'uds', 'replayDefence']);
  const uds = chipC.optional('uds', readBytes);
  const chip = {
    hwmodel: utf8(chipC.optional('hwmodel', (x) => x.string()) ?? 'hemkit-sim-a1'),
    replayDefence: chipC.optional('replayDefence', (x) => x.array({ min: 1 }).map(readReplay)) ?? [REPLAY.sequence],
    ...(uds ? { uds } : {}),
  };
  const workload = root.optional('workload', (x) => readWorkloadFields(x.object(WORKLOAD_KEYS))) ?? {};
  const licence = root.optional('licence', readClaims) ?? {};
  const policy = root.optional('policy', readNamedPolicy);
  const names = new Names(parties);
  const steps = root.at('steps').array({ min: 1, max: 100_000 }).map((s): Step => {
    if (typeof s.value !== 'object' || s.value === null || Array.isArray(s.value)) s.fail('a step object');
    s.object(Object.keys(s.value as object), ['do', 'comment']); // the other members are checked by the step's reader
    const base: Base = {
      comment: s.at('comment').string(),
      expect: s.optional('expect', (x) => x.string(/^(ok|[A-Z][A-Z0-9_]*)$/, '"ok" or an error code')) ?? 'ok',
    };
    const kind = s.at('do').oneOf([...Object.keys(COMMANDS), ...EVENTS]);
    const command = COMMANDS[kind];
    return command !== undefined ? readCommand(s, command, base, names, { workload, chip }) : readEvent(s, kind as (typeof EVENTS)[number], base, names);
  });
  return {
    id: root.at('id').string(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'an id: lowercase letters, digits, . and - (at most 64)'),
    description: root.at('description').string(),
    seed: root.at('seed').string(),
    startTime: root.at('startTime').integer(0, 2 ** 40),
    tick: root.optional('tick', (x) => x.integer(0, 10 ** 9)) ?? 0,
    manufacturer,
    authority,
    parties,
    chip,
    workload,
    licence,
    ...(policy ? { policy } : {}),
    steps,
  };
}

/** The shipped policies a scenario may name, and the parameters each takes (module-commands.md §5.1, §5.2). */
const SHIPPED_POLICIES: Readonly<Record<string, Readonly<Record<string, RegExp>>>> = {
  'hemkit-v1': {},
  'usage-only': {},
  'rfd032-throttled-baseline': { baselineOpsPerSecond: /^(0|[1-9][0-9]{0,37})$/, precisionWeights: /^width$/, admitToQuota: /^(true|false)$/ },
};

function readNamedPolicy(c: Cursor): NamedPolicy {
  c.object(['name', 'parameters'], ['name']);
  const name = c.at('name').oneOf(Object.keys(SHIPPED_POLICIES));
  const allowed = SHIPPED_POLICIES[name]!;
  const parameters = c.optional('parameters', (p) => {
    p.object(Object.keys(allowed));
    return Object.fromEntries(Object.keys(p.value as object).map((k) => [k, p.at(k).string(allowed[k], `a value matching ${allowed[k]}`)]));
  });
  return { name, ...(parameters ? { parameters } : {}) };
}
