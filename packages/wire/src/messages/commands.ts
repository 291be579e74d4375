/**
 * The secure module's command and response envelope (specs/messages/module-commands.md): a request
 * map {command, request id, params}, a response map {command, request id, status, result | error}.
 */
import { z } from 'zod';
import { HemkitError } from '../errors.js';
import type { CborMapKey, CborValue } from '../cbor/index.js';
import {
  counters,
  hwmodel,
  licenceId,
  licenceState,
  lockState,
  nonce,
  precisionClass,
  publicKey,
  salt,
  ueid,
} from './common.js';
import { replayMode } from './licence.js';
import { firmwareSigners } from './certificates.js';
import { logDomain } from './checkpoint.js';
import { MAX_PARENT_STATES } from './log-entry.js';
import {
  anyBytes,
  arrayOf,
  counter,
  digest,
  field,
  fromZod,
  literal,
  oneOf,
  optional,
  record,
  text,
  uint,
  type RecordType,
  type WireType,
} from './schema.js';

export const CMD = {
  manufacture: 1,
  provision: 2,
  installLicence: 3,
  requestLicence: 4,
  applyRevocation: 5,
  runWorkload: 6,
  attest: 7,
  checkpoint: 8,
  proveInclusion: 9,
  proveConsistency: 10,
  status: 11,
  firmwareUpdate: 12,
  updateIssuers: 13,
  readEntries: 14,
} as const;
export type CommandId = (typeof CMD)[keyof typeof CMD];
export const COMMAND_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(CMD).map(([n, v]) => [v, n]));

/**
 * read-entries' bounds (module-commands.md §3.1): a call names at most READ_ENTRIES_MAX_COUNT entries,
 * and the chip returns the longest prefix of them whose bytes sum to at most READ_ENTRIES_MAX_BYTES
 * (never fewer than one), so that a response stays inside the default 1 MiB frame (§2).
 */
export const READ_ENTRIES_MAX_COUNT = 1024;
export const READ_ENTRIES_MAX_BYTES = 1_000_000;

const ENVELOPE = { command: 1, requestId: 2, params: 3, status: 4, result: 5, error: 6 } as const;
export const STATUS_OK = 0;
export const STATUS_ERROR = 1;

/** request-id = uint .size 4 (module-commands.md §1): at most 2^32-1. */
const requestId: WireType<number> = fromZod('request-id (uint .size 4)', z.number().int().min(0).max(2 ** 32 - 1));
const empty = record('empty', {});
const hemkitAlg = oneOf('hemkit-alg', [-8, -19, -7, -9, -35, -51] as const);

/** Params and results of each command, by command id. */
export const COMMANDS = {
  [CMD.manufacture]: {
    params: record('manufacture-params', {
      uds: optional(1, anyBytes),
      hwmodel: field(2, hwmodel),
      keyAlg: optional(3, hemkitAlg),
    }),
    result: record('manufacture-result', { ueid: field(1, ueid), deviceIdentityKey: field(2, publicKey) }),
  },
  [CMD.provision]: {
    params: record('provision-params', {
      deviceCertificate: field(1, anyBytes),
      issuerKeys: field(2, arrayOf(publicKey, { min: 1 })),
      issuerThreshold: field(3, uint),
      replayDefence: field(4, arrayOf(replayMode, { min: 1 })),
      itemisationThreshold: optional(5, counter),
      manufacturerKey: field(6, publicKey),
      logDomain: optional(7, logDomain),
      firmwareSigners: optional(8, firmwareSigners),
    }),
    result: record('provision-result', { attestationKeyCertificate: field(1, anyBytes) }),
  },
  [CMD.installLicence]: {
    params: record('install-licence-params', { licence: field(1, anyBytes) }),
    result: record('install-licence-result', { licenceId: field(1, licenceId), logIndex: field(2, uint) }),
  },
  [CMD.requestLicence]: {
    params: empty,
    result: record('request-licence-result', { licenceRequest: field(1, anyBytes) }),
  },
  [CMD.applyRevocation]: {
    params: record('apply-revocation-params', { revocation: field(1, anyBytes) }),
    result: record('apply-revocation-result', { logIndex: field(1, uint) }),
  },
  [CMD.runWorkload]: {
    params: record('run-workload-params', {
      workloadDescriptor: field(1, anyBytes),
      precisionClass: field(2, precisionClass),
      ops: field(3, counter),
      clusterSize: optional(4, uint),
      interconnectBytes: optional(5, counter),
      busyChipSeconds: optional(6, uint),
      // Digests of the model states the workload started from and produced (log-entry.md §3.1).
      parentStates: optional(7, arrayOf(digest, { max: MAX_PARENT_STATES })),
      producedState: optional(8, digest),
      // Bytes moved between the chip and its attached memory (log-entry.md §6).
      memoryBytes: optional(9, counter),
    }),
    result: record('run-workload-result', {
      salt: optional(1, salt),
      startedIndex: optional(2, uint),
      finishedIndex: optional(3, uint),
      remainingQuota: field(4, counter),
    }),
  },
  [CMD.attest]: {
    params: record('attest-params', { nonce: field(1, nonce) }),
    result: record('attest-result', {
      report: field(1, anyBytes),
      attestationKeyCertificate: field(2, anyBytes),
      deviceCertificate: field(3, anyBytes),
    }),
  },
  [CMD.checkpoint]: {
    params: empty,
    result: record('checkpoint-result', { checkpoint: field(1, anyBytes), note: field(2, text), logKeyCertificate: field(3, anyBytes) }),
  },
  [CMD.proveInclusion]: {
    params: record('prove-inclusion-params', { logIndex: field(1, uint), treeSize: field(2, uint) }),
    result: record('prove-inclusion-result', { receipt: field(1, anyBytes), entry: field(2, anyBytes) }),
  },
  [CMD.proveConsistency]: {
    params: record('prove-consistency-params', { treeSize1: field(1, uint), treeSize2: field(2, uint) }),
    result: record('prove-consistency-result', { receipt: field(1, anyBytes) }),
  },
  [CMD.status]: {
    params: empty,
    result: record('status-result', {
      ueid: field(1, ueid),
      lockState: field(2, lockState),
      licenceState: optional(3, licenceState),
      counters: field(4, counters),
      treeSize: field(5, uint),
      bootcount: field(6, uint),
      svn: field(7, uint),
    }),
  },
  [CMD.firmwareUpdate]: {
    params: record('firmware-update-params', { manifest: field(1, anyBytes) }),
    result: record('firmware-update-result', { logIndex: field(1, uint) }),
  },
  // Issuer rotation and revocation (licence.md §5a).
  [CMD.updateIssuers]: {
    params: record('update-issuers-params', { update: field(1, anyBytes) }),
    result: record('update-issuers-result', { logIndex: field(1, uint) }),
  },
  // Entries and the frontier before them, unproven and unsigned (module-commands.md §3.1).
  [CMD.readEntries]: {
    params: record('read-entries-params', { start: field(1, uint), end: field(2, uint) }),
    result: record('read-entries-result', {
      entries: field(1, arrayOf(anyBytes, { min: 1, max: READ_ENTRIES_MAX_COUNT })),
      frontier: field(2, arrayOf(digest)),
    }),
  },
} as const satisfies Record<CommandId, { params: RecordType<unknown>; result: RecordType<unknown> }>;

type Commands = typeof COMMANDS;
export type ParamsOf<C extends CommandId> = ReturnType<Commands[C]['params']['parse']>;
export type ResultOf<C extends CommandId> = ReturnType<Commands[C]['result']['parse']>;

/**
 * A request: a discriminated union over the command id, each variant carrying its own command's
 * params. `ModuleRequest<C>` is the variant (or the union of the variants) for C.
 */
export type ModuleRequest<C extends CommandId = CommandId> = {
  [K in C]: { readonly command: K; readonly requestId: number; readonly params: ParamsOf<K> };
}[C];

export interface ModuleError {
  readonly code: string;
  readonly message: string;
}

/** A successful response: a discriminated union over the command id, each variant carrying its own command's result. */
export type ModuleOkResponse<C extends CommandId = CommandId> = {
  [K in C]: { readonly command: K; readonly requestId: number; readonly status: typeof STATUS_OK; readonly result: ResultOf<K> };
}[C];

/** A refusal: the command and request id are absent when the request could not be read. */
export interface ModuleErrorResponse<C extends CommandId = CommandId> {
  readonly command?: C;
  readonly requestId?: number;
  readonly status: typeof STATUS_ERROR;
  readonly error: ModuleError;
}

export type ModuleResponse<C extends CommandId = CommandId> = ModuleOkResponse<C> | ModuleErrorResponse<C>;

/**
 * The params and result schemas of command C, typed as C's own. The one place where the pairing of
 * a command id with its schemas enters the types: indexing COMMANDS with a type parameter gives the
 * union over all commands, so this cast is what lets the rest of the code stay cast-free.
 */
function schemasOf<C extends CommandId>(command: C): { params: RecordType<ParamsOf<C>>; result: RecordType<ResultOf<C>> } {
  return COMMANDS[command] as unknown as { params: RecordType<ParamsOf<C>>; result: RecordType<ResultOf<C>> };
}

const commandId: WireType<CommandId> = oneOf('command-id', Object.values(CMD));
const moduleError = record('module-error', { code: field(1, text), message: field(2, text) });

const envelope = record('module-request', {
  command: field(ENVELOPE.command, commandId),
  requestId: field(ENVELOPE.requestId, requestId),
  params: optional(ENVELOPE.params, { description: 'params', parse: (v: CborValue) => v, toCbor: (v: CborValue) => v }),
});

export function encodeRequest<C extends CommandId>(request: ModuleRequest<C>): Map<CborMapKey, CborValue> {
  const params = schemasOf<C>(request.command).params.toCbor(request.params);
  return envelope.toCbor({ command: request.command, requestId: request.requestId, params });
}

export function parseRequest(value: CborValue): ModuleRequest {
  const raw = envelope.parse(value, 'module-request');
  return withParams(raw.command, raw.requestId, raw.params);
}

/** The request variant of `command`, its params read with that command's own schema. */
function withParams<C extends CommandId>(command: C, requestId: number, params: CborValue | undefined): ModuleRequest<C> {
  const parsed = schemasOf(command).params.parse(params ?? new Map(), `module-request.params (${COMMAND_NAMES.get(command)})`);
  return variant<C, ModuleRequest<C>>({ command, requestId, params: parsed });
}

/**
 * A record whose `command` is C, as C's variant of a union over the command id. Sound because every
 * field's type is computed from that same C; TypeScript does not distribute a generic object literal
 * over the mapped union, hence the one assertion here.
 */
function variant<C extends CommandId, V>(value: { readonly command: C; readonly [field: string]: unknown }): V {
  return value as unknown as V;
}

const responseEnvelope = record('module-response', {
  command: optional(ENVELOPE.command, commandId),
  requestId: optional(ENVELOPE.requestId, requestId),
  status: field(ENVELOPE.status, literal(STATUS_OK) as WireType<number>),
  result: optional(ENVELOPE.result, { description: 'result', parse: (v: CborValue) => v, toCbor: (v: CborValue) => v }),
  error: optional(ENVELOPE.error, moduleError),
});

/**
 * The two readings of a response envelope, built once: every response a client reads goes through
 * one of them, and building a record (with its zod leaves) per response cost more than parsing it.
 */
const errorResponseEnvelope = record('module-error-response', {
  command: optional(ENVELOPE.command, commandId),
  requestId: optional(ENVELOPE.requestId, requestId),
  status: field(ENVELOPE.status, literal(STATUS_ERROR) as WireType<number>),
  error: field(ENVELOPE.error, moduleError),
});
const okResponseEnvelope = record('module-ok-response', {
  command: field(ENVELOPE.command, commandId),
  requestId: field(ENVELOPE.requestId, requestId),
  status: field(ENVELOPE.status, literal(STATUS_OK) as WireType<number>),
  result: field(ENVELOPE.result, { description: 'result', parse: (v: CborValue) => v, toCbor: (v: CborValue) => v }),
});

export function encodeResponse<C extends CommandId>(response: ModuleResponse<C>): Map<CborMapKey, CborValue> {
  if (response.status === STATUS_ERROR) {
    return responseEnvelope.toCbor({ ...pick(response), status: STATUS_ERROR, error: response.error });
  }
  const ok: { command: C; requestId: number; result: ResultOf<C> } = response;
  const result = schemasOf(ok.command).result.toCbor(ok.result);
  return responseEnvelope.toCbor({ command: ok.command, requestId: ok.requestId, status: STATUS_OK, result });
}

function pick(r: { command?: CommandId; requestId?: number }): { command?: CommandId; requestId?: number } {
  return { ...(r.command !== undefined ? { command: r.command } : {}), ...(r.requestId !== undefined ? { requestId: r.requestId } : {}) };
}

/**
 * Reads a response. With `expected`, a successful response must answer that command (else
 * MESSAGE_INVALID_FIELD) and is typed as its variant, so a caller that sent command C reads C's result
 * without a cast.
 */
export function parseResponse(value: CborValue): ModuleResponse;
export function parseResponse<C extends CommandId>(value: CborValue, expected: C): ModuleResponse<C>;
export function parseResponse(value: CborValue, expected?: CommandId): ModuleResponse {
  if (!(value instanceof Map)) throw new HemkitError('MESSAGE_INVALID_FIELD', 'module-response: expected a map');
  const status = value.get(ENVELOPE.status);
  if (status === STATUS_ERROR) {
    const raw = errorResponseEnvelope.parse(value, 'module-response');
    return { ...pick(raw), status: STATUS_ERROR, error: raw.error };
  }
  const raw = okResponseEnvelope.parse(value, 'module-response');
  if (expected !== undefined && raw.command !== expected) {
    throw new HemkitError(
      'MESSAGE_INVALID_FIELD',
      `module-response: answers command ${COMMAND_NAMES.get(raw.command) ?? raw.command}, not ${COMMAND_NAMES.get(expected) ?? expected}`,
    );
  }
  return withResult(raw.command, raw.requestId, raw.result);
}

/** The successful-response variant of `command`, its result read with that command's own schema. */
function withResult<C extends CommandId>(command: C, requestId: number, result: CborValue): ModuleOkResponse<C> {
  const parsed = schemasOf(command).result.parse(result, `module-response.result (${COMMAND_NAMES.get(command)})`);
  return variant<C, ModuleOkResponse<C>>({ command, requestId, status: STATUS_OK, result: parsed });
}
