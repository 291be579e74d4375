/** manufacture: a blank part gets its UDS, UEID and model, and answers with its device identity key. */
import { sha256 } from '@noble/hashes/sha2.js';
import { HemkitError } from '@hemkit/wire/errors';
import { LOCK, ZERO_COUNTERS, type CMD } from '@hemkit/wire/messages';
import type { ModuleEnv } from '../env.js';
import type { ChipState } from '../state.js';
import { deviceIdentityKey } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

/** The firmware a simulated chip ships with: its measurement is the SHA-256 of this label. */
export const FACTORY_FIRMWARE = sha256(new TextEncoder().encode('hemkit simulated firmware v1'));
export const FACTORY_SVN = 1;

/** The one command a chip with no state takes: it returns the chip's first state with the response. */
export function manufacture(
  env: ModuleEnv,
  request: CommandRequest<typeof CMD.manufacture>,
): { state: ChipState; response: CommandResponse<typeof CMD.manufacture> } {
  const { params } = request;
  const uds = params.uds ?? env.random(32);
  if (uds.length !== 32) throw new HemkitError('MODULE_INVALID_PARAMS', 'the UDS must be 32 bytes');
  // RFC 9711 §4.2.1: UEID type 0x01 (RAND) and 16 random bytes.
  const ueid = new Uint8Array([0x01, ...env.random(16)]);
  const state: ChipState = {
    uds,
    ueid,
    hwmodel: params.hwmodel,
    keyAlg: params.keyAlg ?? -8,
    firmwareMeasurement: FACTORY_FIRMWARE,
    svn: FACTORY_SVN,
    bootcount: 0,
    dbgstat: 3, // disabled permanently: a production part
    counters: ZERO_COUNTERS,
    lockState: LOCK.noLicence,
    appliedLicenceHashes: [],
    revokedLicences: [],
    appliedRevocations: [],
    lastTime: env.now(),
    logSize: 0,
    refusing: false,
  };
  return { state, response: ok(request, { ueid, deviceIdentityKey: deviceIdentityKey(state, env).publicKey }) };
}
