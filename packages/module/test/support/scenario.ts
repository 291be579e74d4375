/** A provisioned chip with a manufacturer and a 2-of-3 licence authority, all from fixed seeds. */
import { sha256 } from '@noble/hashes/sha2.js';
import { decode } from '@hemkit/wire/cbor';
import { CMD, logEntry, REPLAY, type LicenceClaims, type LogEntry, type ReplayMode } from '@hemkit/wire/messages';
import { LicenceAuthority, Manufacturer } from '../../src/factory.js';
import { InProcessChip, ManualClock, seededRandom } from '../../src/in-process.js';
import { ReferenceLog } from './reference-log.js';
import type { FirmwarePolicy } from '../../src/firmware/policy/types.js';

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const seed = (label: string) => sha256(utf8(`hemkit test: ${label}`));
export const T0 = 1_800_000_000;
export const HWMODEL = utf8('hemkit-sim-a1');

export interface ScenarioOptions {
  readonly replay?: readonly ReplayMode[];
  readonly threshold?: number;
  readonly seed?: string;
  readonly policy?: FirmwarePolicy;
}

export function scenario(options: ScenarioOptions = {}) {
  const clock = new ManualClock(T0);
  const log = new ReferenceLog();
  const chip = new InProcessChip({ log, now: clock.now, random: seededRandom(options.seed ?? 'chip'), ...(options.policy ? { policy: options.policy } : {}) });
  const manufacturer = new Manufacturer('hemkit-sim-fab', seed('manufacturer'));
  const authority = new LicenceAuthority([seed('issuer-0'), seed('issuer-1'), seed('issuer-2')], options.threshold ?? 2);
  const made = chip.send(CMD.manufacture, { hwmodel: HWMODEL, uds: seed(`uds ${options.seed ?? 'chip'}`) });
  const deviceCertificate = manufacturer.issueDeviceCertificate({ ...made, hwmodel: HWMODEL }, T0);
  const provisioned = chip.send(CMD.provision, {
    deviceCertificate,
    issuerKeys: authority.publicKeys,
    issuerThreshold: authority.threshold,
    replayDefence: options.replay ?? [REPLAY.sequence],
    manufacturerKey: manufacturer.publicKey,
  });
  let licenceCounter = 0;
  const licenceClaimsFor = (over: Partial<LicenceClaims> = {}): LicenceClaims => ({
    licenceId: seed(`licence ${++licenceCounter}`).subarray(0, 16),
    ueid: made.ueid,
    sequenceNumber: licenceCounter,
    notBefore: clock.time - 60,
    expiry: clock.time + 86_400,
    opsQuota: 10n ** 18n,
    maxClusterSize: 64,
    precisionClasses: [4, 6],
    ...over,
  });
  return {
    clock,
    log,
    chip,
    manufacturer,
    authority,
    ueid: made.ueid,
    deviceIdentityKey: made.deviceIdentityKey,
    deviceCertificate,
    attestationKeyCertificate: provisioned.attestationKeyCertificate,
    licenceClaimsFor,
    /** A licence signed by issuers 0 and 1 (enough for the default 2 of 3). */
    licence: (over: Partial<LicenceClaims> = {}, signers: readonly number[] = [0, 1]) => authority.issueLicence(licenceClaimsFor(over), signers),
    entries: (): LogEntry[] => log.entries.map((e) => logEntry.parse(decode(e), 'entry')),
    lastEntry: (): LogEntry => logEntry.parse(decode(log.entries[log.entries.length - 1]!), 'entry'),
  };
}

export const workload = (ops: bigint, over: Record<string, unknown> = {}) => ({
  workloadDescriptor: utf8('{"run":"pretrain-7","data":"corpus-v3"}'),
  precisionClass: 4 as const,
  ops,
  clusterSize: 8,
  ...over,
});
