/**
 * What every command handler works with: the chip's state as a command changes it, the environment,
 * the keys the firmware derives, and the boot sequence (specs/messages/module-commands.md).
 */
import { HemkitError } from '@hemkit/wire/errors';
import { attestationKeyCertificateClaims, DEFAULT_LOG_DOMAIN, LOCK_NAMES, noteOrigin, signClaims, type LicenceState, type SigningKey } from '@hemkit/wire/messages';
import type { ModuleEnv } from './env.js';
import { deriveAttestationKey, deriveDeviceIdentityKey, deriveLogId, deriveLogKey } from './keys.js';
import { appendEntry } from './log.js';
import type { ChipState, Provisioning } from './state.js';
import { DEFAULT_POLICY } from './policy/default.js';
import type { FirmwarePolicy } from './policy/types.js';
import { toHex } from '@hemkit/wire/bytes';

/**
 * Derived attestation keys, per backend: a key derived through one backend (a cost meter's, say) is
 * not served to another, so what a run of the firmware counts does not depend on earlier runs in
 * the same process (scenarios.md §5.1).
 */
const keyCaches = new WeakMap<object, Map<string, SigningKey>>();
const DEFAULT_BACKEND_KEY = {};
/** A key derived once per backend and id, kept while the cache holds at most 1,024 keys. */
function cachedKey(env: ModuleEnv, id: string, derive: () => SigningKey): SigningKey {
  const owner = env.backend ?? DEFAULT_BACKEND_KEY;
  let keyCache = keyCaches.get(owner);
  if (keyCache === undefined) keyCaches.set(owner, (keyCache = new Map()));
  let key = keyCache.get(id);
  if (key === undefined) {
    key = derive();
    if (keyCache.size > 1024) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

/** The attestation key for the running firmware (DICE: UDS and measurement), cached per pair. */
export function attestationKey(state: ChipState, env: ModuleEnv): SigningKey {
  const id = `${toHex(state.uds)}/${toHex(state.firmwareMeasurement)}/${state.keyAlg}`;
  return cachedKey(env, id, () => deriveAttestationKey(state.uds, state.firmwareMeasurement, state.keyAlg, env.backend));
}

/** The device identity key (DICE: UDS only), cached like the attestation key: a chip's manufacture, provisioning and every boot sign with it. */
export function deviceIdentityKey(state: ChipState, env: ModuleEnv): SigningKey {
  return cachedKey(env, `${toHex(state.uds)}/device-identity/${state.keyAlg}`, () => deriveDeviceIdentityKey(state.uds, state.keyAlg, env.backend));
}

/** The chip's log key and note origin (specs/messages/checkpoint.md §2.1, §2.2), which no firmware changes. */
export function logIdentity(state: ChipState, env: ModuleEnv): { readonly key: SigningKey; readonly origin: string } {
  return logIdentityFor(state.uds, state.provisioning?.logDomain, env);
}

export function logIdentityFor(uds: Uint8Array, domain: string | undefined, env: ModuleEnv): { readonly key: SigningKey; readonly origin: string } {
  return { key: deriveLogKey(uds, env.backend), origin: noteOrigin(domain ?? DEFAULT_LOG_DOMAIN, deriveLogId(uds, env.backend)) };
}

/** A command in progress: the state as it changes, and the environment. */
export class Work {
  constructor(
    public state: ChipState,
    readonly env: ModuleEnv,
  ) {}

  get policy(): FirmwarePolicy {
    return policyOf(this.env);
  }

  log<K extends Parameters<typeof appendEntry>[2]>(kind: K, details: Parameters<typeof appendEntry<K>>[3]): number {
    const { state, index } = appendEntry(this.state, this.env, kind, details);
    this.state = state;
    return index;
  }

  provisioned(): Provisioning {
    if (this.state.provisioning === undefined) throw new HemkitError('MODULE_NOT_PROVISIONED', 'provision the chip first');
    return this.state.provisioning;
  }

  /** Metering and unlocking stop once the chip has seen a rollback or tamper. */
  notRefusing(): void {
    if (this.state.refusing) {
      throw new HemkitError('MODULE_REFUSING', `the chip is in a refusing state (lock state ${LOCK_NAMES.get(this.state.lockState)}): its state was rolled back or tampered with`);
    }
  }

  /** A tree size a proof may be asked for: at most the log's current size. */
  withinLog(size: number): void {
    if (size > this.env.log.size) {
      throw new HemkitError('MODULE_INVALID_PARAMS', `tree size ${size} is beyond the log's ${this.env.log.size} entries`);
    }
  }
}

/** The policy the environment injects, or the default. */
export function policyOf(env: ModuleEnv): FirmwarePolicy {
  return env.policy ?? DEFAULT_POLICY;
}

/**
 * A boot: the boot count goes up, the attestation key for the running firmware is derived and
 * certified by the device identity key, and the boot is logged with the measurement and SVN.
 */
export function boot(w: Work): void {
  const s = w.state;
  w.state = { ...s, bootcount: s.bootcount + 1 };
  const key = attestationKey(w.state, w.env);
  const certificate = signClaims(
    attestationKeyCertificateClaims,
    { ueid: s.ueid, iat: s.lastTime, measurement: s.firmwareMeasurement, svn: s.svn, cnf: { coseKey: key.publicKey } },
    deviceIdentityKey(s, w.env),
    w.env.backend,
  );
  w.state = { ...w.state, attestationKeyCertificate: certificate };
  w.log(1, { firmwareMeasurement: s.firmwareMeasurement, svn: s.svn });
}

export function licenceStateOf(s: ChipState): LicenceState | undefined {
  const l = s.licence;
  if (l === undefined) return undefined;
  return {
    licenceId: l.licenceId,
    remainingQuota: l.remainingQuota,
    expiry: l.expiry,
    sequenceNumber: l.sequenceNumber,
    ...(l.remainingMemoryQuota !== undefined ? { remainingMemoryQuota: l.remainingMemoryQuota } : {}),
  };
}
