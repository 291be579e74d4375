/** A licensed chip on disk, and what the device tests ask of it: commands, codes, the files as bytes. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode } from '@hemkit/wire/cbor';
import {
  CMD,
  encodeRequest,
  parseResponse,
  REPLAY,
  STATUS_OK,
  type CommandId,
  type ModuleResponse,
  type ParamsOf,
  type ResultOf,
} from '@hemkit/wire/messages';
import { Device, type DeviceOptions } from '../../src/device/index.js';
import { LicenceAuthority, Manufacturer } from '../../src/factory.js';
import { seededRandom } from '../../src/in-process.js';
import { seed, utf8 } from '../support/scenario.js';

export const NOW = 1_800_000_000;

let requestId = 0;
export function respond(device: Device, command: CommandId, params: unknown): ModuleResponse {
  return parseResponse(decode(device.handle(encode(encodeRequest({ command, requestId: ++requestId, params } as never)))));
}

/** The command's result; throws with the code when the device refuses. */
export function call<C extends CommandId>(device: Device, command: C, params: ParamsOf<C>): ResultOf<C> {
  const response = parseResponse(decode(device.handle(encode(encodeRequest<C>({ command, requestId: ++requestId, params })))), command);
  if (response.status !== STATUS_OK) throw Object.assign(new Error(`${response.error.code}: ${response.error.message}`), { code: response.error.code });
  return response.result;
}

/** 'ok', or the code the device answered with. */
export function code(device: Device, command: CommandId, params: unknown): string {
  const response = respond(device, command, params);
  return response.status === STATUS_OK ? 'ok' : response.error.code;
}

export const work = (ops: bigint) => ({ workloadDescriptor: utf8('{"run":"device-test"}'), precisionClass: 4 as const, ops });

export interface LicensedChip {
  readonly dir: string;
  readonly device: Device;
  readonly authority: LicenceAuthority;
  readonly ueid: Uint8Array;
  cleanup(): void;
}

/** Manufactures, provisions and licenses a chip in a new directory, then runs `workloads` workloads. */
export function licensedChip(options: DeviceOptions & { workloads?: number } = {}): LicensedChip {
  const dir = mkdtempSync(join(tmpdir(), 'hemkit-device-'));
  const device = Device.open(dir, { now: () => NOW, random: seededRandom('device test'), ...options });
  const manufacturer = new Manufacturer('fab', seed('manufacturer'));
  const authority = new LicenceAuthority([seed('issuer-0'), seed('issuer-1')], 2);
  const hwmodel = utf8('hemkit-sim-a1');
  const made = call(device, CMD.manufacture, { hwmodel });
  call(device, CMD.provision, {
    deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, NOW),
    issuerKeys: authority.publicKeys,
    issuerThreshold: 2,
    replayDefence: [REPLAY.sequence],
    manufacturerKey: manufacturer.publicKey,
  });
  call(device, CMD.installLicence, {
    licence: authority.issueLicence(
      { licenceId: seed('licence 1').subarray(0, 16), ueid: made.ueid, sequenceNumber: 1, notBefore: NOW - 1, expiry: NOW + 3600, opsQuota: 10_000n, precisionClasses: [4] },
      [0, 1],
    ),
  });
  for (let i = 0; i < (options.workloads ?? 2); i++) call(device, CMD.runWorkload, work(100n));
  return { dir, device, authority, ueid: made.ueid, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir`, by relative path, as hex: equal snapshots mean nothing was written. */
export function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files.set(name, readFileSync(path).toString('hex'));
  }
  return files;
}

/** The monotonic counter's value, read from its record (storage/record.ts: the number at byte 6). */
export function counterValue(dir: string): bigint {
  return readFileSync(join(dir, 'nvcounter', 'counter.bin')).readBigUInt64BE(6);
}
