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
import {
  anyBytes,
  arrayOf,
  counter,
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
} as const;
export type CommandId = (typeof CMD)[keyof typeof CMD];
export const COMMAND_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(CMD).map(([n, v]) => [v, n]));

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
    result: record('checkpoint-result', { checkpoint: field(1, anyBytes), note: optional(2, text) }),
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
} as const satisfies Record<CommandId, { params: RecordType<unknown>; result: RecordType<unknown> }>;

type Commands = typeof COMMANDS;
export type ParamsOf<C extends CommandId> = ReturnType<Commands[C]['params']['parse']>;
export type ResultOf<C extends CommandId> = ReturnType<Commands[C]['result']['parse']>;

export interface ModuleRequest<C extends CommandId = CommandId> {
  readonly command: C;
  readonly requestId: number;
  readonly params: ParamsOf<C>;
}

export interface ModuleError {
  readonly code: string;
  readonly message: string;
}

export type ModuleResponse<C extends CommandId = CommandId> =
  | { readonly command: C; readonly requestId: number; readonly status: typeof STATUS_OK; readonly result: ResultOf<C> }
  | { readonly command?: C; readonly requestId?: number; readonly status: typeof STATUS_ERROR; readonly error: ModuleError };

const commandId: WireType<CommandId> = oneOf('command-id', Object.values(CMD));
const moduleError = record('module-error', { code: field(1, text), message: field(2, text) });

const envelope = record('module-request', {
  command: field(ENVELOPE.command, commandId),
  requestId: field(ENVELOPE.requestId, requestId),
  params: optional(ENVELOPE.params, { description: 'params', parse: (v: CborValue) => v, toCbor: (v: CborValue) => v }),
});

export function encodeRequest<C extends CommandId>(request: ModuleRequest<C>): Map<CborMapKey, CborValue> {
  const params = (COMMANDS[request.command].params as RecordType<ParamsOf<C>>).toCbor(request.params);
  return envelope.toCbor({ command: request.command, requestId: request.requestId, params });
}

export function parseRequest(value: CborValue): ModuleRequest {
  const raw = envelope.parse(value, 'module-request');
  const spec = COMMANDS[raw.command];
  const params = spec.params.parse(raw.params ?? new Map(), `module-request.params (${COMMAND_NAMES.get(raw.command)})`);
  return { command: raw.command, requestId: raw.requestId, params } as ModuleRequest;
}

const responseEnvelope = record('module-response', {
  command: optional(ENVELOPE.command, commandId),
  requestId: optional(ENVELOPE.requestId, requestId),
  status: field(ENVELOPE.status, literal(STATUS_OK) as WireType<number>),
  result: optional(ENVELOPE.result, { description: 'result', parse: (v: CborValue) => v, toCbor: (v: CborValue) => v }),
  error: optional(ENVELOPE.error, moduleError),
});

export function encodeResponse(response: ModuleResponse): Map<CborMapKey, CborValue> {
  if (response.status === STATUS_ERROR) {
    return responseEnvelope.toCbor({ ...pick(response), status: STATUS_ERROR, error: response.error });
  }
  const result = (COMMANDS[response.command].result as RecordType<unknown>).toCbor(response.result);
  return responseEnvelope.toCbor({ command: response.command, requestId: response.requestId, status: STATUS_OK, result });
}

function pick(r: { command?: CommandId; requestId?: number }): { command?: CommandId; requestId?: number } {
  return { ...(r.command !== undefined ? { command: r.command } : {}), ...(r.requestId !== undefined ? { requestId: r.requestId } : {}) };
}

export function parseResponse(value: CborValue): ModuleResponse {
  if (!(value instanceof Map)) throw new HemkitError('MESSAGE_INVALID_FIELD', 'module-response: expected a map');
  const status = value.get(ENVELOPE.status);
  if (status === STATUS_ERROR) {
    const raw = record('module-error-response', {
      command: optional(ENVELOPE.command, commandId),
      requestId: optional(ENVELOPE.requestId, requestId),
      status: field(ENVELOPE.status, literal(STATUS_ERROR) as WireType<number>),
      error: field(ENVELOPE.error, moduleError),
    }).parse(value, 'module-response');
    return { ...pick(raw), status: STATUS_ERROR, error: raw.error };
  }
  const raw = record('module-ok-response', {
    command: field(ENVELOPE.command, commandId),
    requestId: field(ENVELOPE.requestId, requestId),
    status: field(ENVELOPE.status, literal(STATUS_OK) as WireType<number>),
    result: field(ENVELOPE.result, { description: 'result', parse: (v: CborValue) => v, toCbor: (v: CborValue) => v }),
  }).parse(value, 'module-response');
  const result = COMMANDS[raw.command].result.parse(raw.result, `module-response.result (${COMMAND_NAMES.get(raw.command)})`);
  return { command: raw.command, requestId: raw.requestId, status: STATUS_OK, result } as ModuleResponse;
}
