/**
 * Helpers for the check and attack tests: what an operator can do to a real simulated chip (clone it,
 * sign with its firmware's key, reshape its bundle), a chip that has done no work yet (so that a
 * realistic peak rate can be tested), and a plain snapshot of what a verifier remembers.
 */
import { decode, encode } from '@hemkit/wire/cbor';
import { decodeSign1 } from '@hemkit/wire/cose';
import {
  attestationReportClaims,
  checkpointClaims,
  evidenceBundle,
  signClaims,
  type AttestationReportClaims,
  type CheckpointClaims,
  type LicenceClaims,
} from '@hemkit/wire/messages';
import { attestationKey } from '../../../module/src/firmware/chip.js';
import { collectEvidence, type CollectOptions } from '../../../module/src/evidence.js';
import { InProcessChip, ManualClock, seededRandom } from '../../../module/src/in-process.js';
import { MemoryLogStore } from '../../../module/src/log/index.js';
import type { VerifierStore } from '../../src/store/index.js';
import { backend, hasher, provisionedChip, runOn, seed } from '../support/fixture.js';

export { hex, runOn } from '../support/fixture.js';

export type Bundle = ReturnType<typeof evidenceBundle.parse>;
export const bundleOf = (bytes: Uint8Array): Bundle => evidenceBundle.parse(decode(bytes), 'bundle');
export const rebuild = (bytes: Uint8Array, change: (b: Bundle) => Bundle): Uint8Array => encode(evidenceBundle.toCbor(change(bundleOf(bytes))));

/** The claims of a report in a bundle, read without verifying them. */
export function reportOf(bundle: Uint8Array): AttestationReportClaims {
  return attestationReportClaims.parse(decode(decodeSign1(bundleOf(bundle).report).payload!), 'report');
}

export function checkpointOf(signed: Uint8Array): CheckpointClaims {
  return checkpointClaims.parse(decode(decodeSign1(signed).payload!), 'checkpoint');
}

/** A checkpoint signed by the chip's own attestation key: what firmware (or whoever holds the key) could sign. */
export function signedCheckpoint(chip: InProcessChip, claims: CheckpointClaims): Uint8Array {
  return signClaims(checkpointClaims, claims, attestationKey(chip.state!, chip.env), backend);
}

/**
 * What the verifier remembers of a chip, as plain data that `toEqual` can compare: the lazily read
 * checkpoint list is read, and the lookup function dropped (it is checked through the list).
 */
export function memoryOf(store: VerifierStore, ueid: Uint8Array) {
  const m = store.getChip(ueid);
  if (m === undefined) return undefined;
  return {
    ueid: m.ueid,
    bootcount: m.bootcount,
    totalOps: m.totalOps,
    workloadsRun: m.workloadsRun,
    checkpoints: m.checkpoints,
    latestCheckpoint: m.latestCheckpoint,
    lastAppraisedAt: m.lastAppraisedAt,
    licenceUsage: new Map(m.licenceUsage),
    activeLicence: m.activeLicence,
    svn: m.svn,
    issuerSet: m.issuerSet,
    memoryBytes: m.memoryBytes,
    licenceMemoryUsage: new Map(m.licenceMemoryUsage ?? []),
  };
}

/**
 * A clone of a chip as it is now: its state copied and its log copied entry by entry into a log store
 * of its own, on the same clock. Same UDS and firmware, so it signs with the same attestation key.
 */
export function cloneOf(original: InProcessChip, clock: ManualClock, name = 'clone'): InProcessChip {
  const log = new MemoryLogStore(hasher);
  for (let i = 0; i < original.env.log.size; i++) log.append(original.env.log.entry(i));
  return new InProcessChip({ log, now: clock.now, random: seededRandom(name), backend, state: structuredClone(original.state!) });
}

let nonces = 0;
export const freshNonce = (label = 'nonce') => seed(`checks ${label} ${++nonces}`).subarray(0, 16);

/** Collects a bundle from any chip for a fresh nonce. */
export function collect(chip: InProcessChip, options: Omit<CollectOptions, 'nonce'> & { nonce?: Uint8Array } = {}) {
  const nonce = options.nonce ?? freshNonce();
  return { bundle: collectEvidence(chip, { ...options, nonce }), nonce };
}

/**
 * A provisioned chip with one licence installed and no work done yet (the fixture's), so that its
 * usage can be made plausible at a realistic peak rate.
 */
export function idleChip(name: string, licence: Partial<LicenceClaims> = {}) {
  const { chip, clock, ueid, licenceBytes, licenceClaims } = provisionedChip(name, licence);
  return {
    chip,
    clock,
    ueid,
    licenceBytes,
    licenceClaims,
    run: (workloadId: string, ops: bigint) => runOn(chip, workloadId, ops),
    /** Evidence for a verifier that remembers `knownTreeSize` entries (0: never seen). */
    evidence: (knownTreeSize: number, licences: readonly Uint8Array[] = [licenceBytes]) => collect(chip, { knownTreeSize, licences }),
  };
}
