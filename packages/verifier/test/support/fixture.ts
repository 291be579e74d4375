/**
 * The one chip fixture of the verifier's tests and benchmarks: a factory (manufacturer and 2-of-3
 * licence authority), provisioned and licensed simulated chips made by it, and a verifier configured
 * to trust them: real evidence, end to end. Everything signs with node:crypto (Ed25519 signatures are
 * deterministic, so the bytes are those of any backend), so that building a fleet takes little of a
 * benchmark's time. No vitest here: the benchmarks import it too.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { encode } from '@hemkit/wire/cbor';
import { encodeCoseKey } from '@hemkit/wire/cose';
import { getBackend } from '@hemkit/wire/crypto/node';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { CMD, REPLAY, workloadDescriptor, type LicenceClaims } from '@hemkit/wire/messages';
import { FACTORY_FIRMWARE, SIM_PEAK_OPS_PER_SECOND } from '../../../module/src/firmware/chip.js';
import { LicenceAuthority, Manufacturer } from '../../../module/src/factory.js';
import { InProcessChip, ManualClock, seededRandom } from '../../../module/src/in-process.js';
import type { FirmwarePolicy } from '../../../module/src/firmware/policy/types.js';
import { collectEvidence, type WorkloadSecrets } from '../../../module/src/evidence.js';
import { MemoryLogStore } from '../../../module/src/log/index.js';
import { appraise, type Appraisal } from '../../src/appraise.js';
import { DEFAULT_POLICY, type Policy, type ReferenceValues, type TrustAnchors } from '../../src/inputs.js';
import type { AppraisalInputs, VerifiedChain } from '../../src/checks/context.js';
import { MemoryVerifierStore } from '../../src/store/index.js';
import { toHex as hex } from '@hemkit/wire/bytes';

export { hex };

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const seed = (label: string) => sha256(utf8(`hemkit verifier test: ${label}`));
export const T0 = 1_800_000_000;
export const HWMODEL = 'hemkit-sim-a1';
export const backend = getBackend('node');
export const hasher = createMerkleHasher((d) => backend.sha256(d));

export const manufacturer = new Manufacturer('hemkit-sim-fab', seed('manufacturer'), -8, backend);
export const authority = new LicenceAuthority([seed('issuer-0'), seed('issuer-1'), seed('issuer-2')], 2, -8, backend);

export function trust(over: Partial<TrustAnchors> = {}): TrustAnchors {
  return {
    manufacturers: [{ name: 'hemkit-sim-fab', key: manufacturer.publicKey }],
    licenceIssuers: { keys: authority.publicKeys, threshold: 2 },
    revoked: { ueids: [], keyIds: [] },
    ...over,
  };
}

export function reference(over: Partial<ReferenceValues['models'][number]> = {}): ReferenceValues {
  return { models: [{ oemid: hex(manufacturer.oemid), hwmodel: HWMODEL, minimumSvn: 1, peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND, firmware: [{ measurement: hex(FACTORY_FIRMWARE), svn: 1 }], ...over }] };
}

/**
 * A provisioned chip with one licence installed and no work done yet: replay defence by sequence
 * number, a 2-of-3 licence (sequence 1, from a minute before T0 for a day, 10^25 operations,
 * precision classes 4 and 6) unless `licence` says otherwise.
 */
/** A manufactured and provisioned chip with no licence, under the default or the given firmware policy. */
export function manufacturedChip(name: string, options: { policy?: FirmwarePolicy; itemisationThreshold?: bigint } = {}) {
  const clock = new ManualClock(T0);
  const log = new MemoryLogStore(hasher);
  const chip = new InProcessChip({ log, now: clock.now, random: seededRandom(name), backend, ...(options.policy ? { policy: options.policy } : {}) });
  const hwmodel = utf8(HWMODEL);
  const made = chip.send(CMD.manufacture, { hwmodel, uds: seed(`uds ${name}`) });
  chip.send(CMD.provision, {
    deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, T0),
    issuerKeys: authority.publicKeys,
    issuerThreshold: 2,
    replayDefence: [REPLAY.sequence],
    manufacturerKey: manufacturer.publicKey,
    ...(options.itemisationThreshold !== undefined ? { itemisationThreshold: options.itemisationThreshold } : {}),
  });
  return { chip, clock, log, made };
}

export function provisionedChip(name: string, licence: Partial<LicenceClaims> = {}) {
  const { chip, clock, log, made } = manufacturedChip(name);
  const licenceClaims: LicenceClaims = {
    licenceId: seed(`${name} licence`).subarray(0, 16),
    ueid: made.ueid,
    sequenceNumber: 1,
    notBefore: T0 - 60,
    expiry: T0 + 86_400,
    opsQuota: 10n ** 25n,
    precisionClasses: [4, 6],
    ...licence,
  };
  const licenceBytes = authority.issueLicence(licenceClaims, [0, 1]);
  chip.send(CMD.installLicence, { licence: licenceBytes });
  return { chip, clock, log, ueid: made.ueid, licenceBytes, licenceClaims };
}

/** Workload openings by log index, as an operator keeps them to disclose. */
export type Openings = Map<number, WorkloadSecrets>;

/** Runs one workload (precision class 4) on any chip; records its opening under both its entries when given `openings`. */
export function runOn(chip: InProcessChip, workloadId: string, ops: bigint, openings?: Openings) {
  const descriptor = encode(workloadDescriptor.toCbor({ workloadId }));
  const r = chip.send(CMD.runWorkload, { workloadDescriptor: descriptor, precisionClass: 4, ops });
  openings?.set(r.startedIndex!, { salt: r.salt!, descriptor });
  openings?.set(r.finishedIndex!, { salt: r.salt!, descriptor });
  return r;
}

/** A provisioned, licensed chip that has run two workloads with disclosed descriptors. */
export function licensedChip(name = 'chip-a', licence: Partial<LicenceClaims> = {}) {
  const { chip, clock, log, ueid, licenceBytes, licenceClaims } = provisionedChip(name, licence);
  const openings: Openings = new Map();
  const run = (workloadId: string, ops: bigint) => runOn(chip, workloadId, ops, openings);
  run('train-1', 4n * 10n ** 24n);
  run('eval-7', 10n ** 20n);
  let nonceCount = 0;
  const evidence = (options: { discloseFrom?: number; knownSizes?: number[]; withLicence?: boolean; nonce?: Uint8Array; proofs?: 'frontier' | 'receipts' } = {}) => {
    const nonce = options.nonce ?? seed(`${name} nonce ${++nonceCount}`).subarray(0, 16);
    const bundle = collectEvidence(chip, {
      nonce,
      discloseFrom: options.discloseFrom ?? 0,
      openings,
      ...(options.knownSizes ? { knownSizes: options.knownSizes } : {}),
      ...(options.withLicence === false ? {} : { licences: [licenceBytes] }),
      ...(options.proofs ? { proofs: options.proofs } : {}),
    });
    return { bundle, nonce };
  };
  return { chip, clock, log, ueid, licenceBytes, licenceClaims, run, evidence, openings };
}

export function verifierInputs(over: Omit<Partial<AppraisalInputs>, 'policy'> & { policy?: Partial<Policy> } = {}): AppraisalInputs {
  const { policy, ...rest } = over;
  return {
    trust: trust(),
    reference: reference(),
    store: new MemoryVerifierStore(),
    now: T0 + 10,
    backend,
    hasher,
    chainCache: new Map<string, VerifiedChain>(),
    ...rest,
    policy: { ...DEFAULT_POLICY, ...policy },
  };
}

export function appraiseWith(bundle: Uint8Array, nonce: Uint8Array | undefined, inputs: AppraisalInputs): Appraisal {
  return appraise(bundle, nonce === undefined ? inputs : { ...inputs, expectedNonce: nonce });
}

export function check(a: Appraisal, id: string) {
  const c = a.checks.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no check ${id}`);
  return c;
}

/**
 * The trust file `hemkit serve --trust` and `hemkit verify --trust` read, for the fixture's factory:
 * public keys as the hex of their COSE_Key encoding, with the reference values.
 */
export function trustFileJson(): string {
  const keyHex = (k: Parameters<typeof encodeCoseKey>[0]) => hex(encode(encodeCoseKey(k)));
  const model = reference().models[0]!;
  return JSON.stringify({
    manufacturers: [{ name: 'hemkit-sim-fab', key: keyHex(manufacturer.publicKey) }],
    licenceIssuers: { keys: authority.publicKeys.map(keyHex), threshold: 2 },
    referenceValues: { models: [{ ...model, peakOpsPerSecond: model.peakOpsPerSecond.toString() }] },
  });
}
