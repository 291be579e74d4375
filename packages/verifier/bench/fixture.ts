/**
 * Real evidence for the verifier's benchmarks: licensed simulated chips, made by a manufacturer and a
 * licence authority, that have run a few workloads, and the verifier inputs that trust them. Built from
 * the module's and the verifier's sources (benches do not import test support); the chips sign with
 * node:crypto so that building a fleet takes little of the bench's time.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { encode } from '@hemkit/wire/cbor';
import { getBackend, type CryptoBackend } from '@hemkit/wire/crypto';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { CMD, REPLAY, workloadDescriptor } from '@hemkit/wire/messages';
import { FACTORY_FIRMWARE, SIM_PEAK_OPS_PER_SECOND } from '../../module/src/firmware/chip.js';
import { LicenceAuthority, Manufacturer } from '../../module/src/factory.js';
import { InProcessChip, ManualClock, seededRandom } from '../../module/src/in-process.js';
import { collectEvidence } from '../../module/src/evidence.js';
import { MemoryLogStore } from '../../module/src/log/index.js';
import type { AppraisalInputs, VerifiedChain } from '../src/checks/context.js';
import { DEFAULT_POLICY, type Policy } from '../src/inputs.js';
import type { VerifierStore } from '../src/store/index.js';
import { toHex as hex } from '@hemkit/wire/bytes';

const utf8 = (s: string) => new TextEncoder().encode(s);
const seed = (label: string) => sha256(utf8(`hemkit verifier bench: ${label}`));
export const T0 = 1_800_000_000;
const HWMODEL = 'hemkit-sim-a1';
/** The chips sign with node:crypto: only the verifier's backend is under measurement. */
const chipBackend = getBackend('node');
const chipHasher = createMerkleHasher((d) => chipBackend.sha256(d));

const manufacturer = new Manufacturer('hemkit-sim-fab', seed('manufacturer'), -8, chipBackend);
const authority = new LicenceAuthority([seed('issuer-0'), seed('issuer-1'), seed('issuer-2')], 2, -8, chipBackend);

/** One chip's evidence, as an operator would send it. */
export interface ChipEvidence {
  readonly ueid: Uint8Array;
  /** Every log entry disclosed, each with its inclusion receipt, workload entries with their openings. */
  readonly full: Uint8Array;
  /** The same head checkpoint with nothing disclosed: the re-appraisal of a chip that has not run since. */
  readonly bare: Uint8Array;
  /** Log entries disclosed in `full`. */
  readonly disclosed: number;
}

/**
 * A provisioned chip under a 2-of-3 licence that has run `workloads` workloads (two log entries each,
 * after the provisioning and licence entries), and its two bundles.
 */
export function licensedChip(name: string, workloads = 3): ChipEvidence {
  const clock = new ManualClock(T0);
  const log = new MemoryLogStore(chipHasher);
  const chip = new InProcessChip({ log, now: clock.now, random: seededRandom(name), backend: chipBackend });
  const hwmodel = utf8(HWMODEL);
  const made = chip.send(CMD.manufacture, { hwmodel, uds: seed(`uds ${name}`) });
  chip.send(CMD.provision, {
    deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, T0),
    issuerKeys: authority.publicKeys,
    issuerThreshold: 2,
    replayDefence: [REPLAY.sequence],
    manufacturerKey: manufacturer.publicKey,
  });
  const licence = authority.issueLicence(
    {
      licenceId: seed(`${name} licence`).subarray(0, 16),
      ueid: made.ueid,
      sequenceNumber: 1,
      notBefore: T0 - 60,
      expiry: T0 + 86_400,
      opsQuota: 10n ** 25n,
      precisionClasses: [4, 6],
    },
    [0, 1],
  );
  chip.send(CMD.installLicence, { licence });
  const openings = new Map<number, { salt: Uint8Array; descriptor: Uint8Array }>();
  for (let i = 0; i < workloads; i++) {
    const descriptor = encode(workloadDescriptor.toCbor({ workloadId: `${name} job ${i}` }));
    const r = chip.send(CMD.runWorkload, { workloadDescriptor: descriptor, precisionClass: 4, ops: 10n ** 23n * BigInt(i + 1) });
    openings.set(r.startedIndex!, { salt: r.salt!, descriptor });
    openings.set(r.finishedIndex!, { salt: r.salt!, descriptor });
  }
  const nonce = seed(`${name} nonce`).subarray(0, 16);
  const full = collectEvidence(chip, { nonce, discloseFrom: 0, openings, licences: [licence] });
  const bare = collectEvidence(chip, { nonce, licences: [licence] });
  return { ueid: made.ueid, full, bare, disclosed: log.size };
}

export function fleet(count: number, workloads = 3): ChipEvidence[] {
  return Array.from({ length: count }, (_, i) => licensedChip(`bench chip ${i}`, workloads));
}

/**
 * Throughput runs re-appraise the same bundles, so the policy does not require a nonce: a nonce is
 * single-use (a second appraisal of one report is NONCE_REUSED by design). Everything else is the
 * default policy, log coverage included.
 */
export const THROUGHPUT_POLICY: Policy = { ...DEFAULT_POLICY, requireNonce: false };

export function verifierInputs(backend: CryptoBackend, store: VerifierStore, chainCache = new Map<string, VerifiedChain>()): AppraisalInputs {
  return {
    trust: {
      manufacturers: [{ name: 'hemkit-sim-fab', key: manufacturer.publicKey }],
      licenceIssuers: { keys: authority.publicKeys, threshold: 2 },
      revoked: { ueids: [], keyIds: [] },
    },
    reference: { models: [{ hwmodel: HWMODEL, minimumSvn: 1, peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND, firmware: [{ measurement: hex(FACTORY_FIRMWARE), svn: 1 }] }] },
    policy: THROUGHPUT_POLICY,
    store,
    now: T0 + 10,
    backend,
    hasher: createMerkleHasher((d) => backend.sha256(d)),
    chainCache,
  };
}

/** The backend with its `verify` calls counted: how many signatures one appraisal checks. */
export function countingBackend(backend: CryptoBackend): { backend: CryptoBackend; readonly calls: number; reset(): void } {
  let calls = 0;
  const counted: CryptoBackend = {
    name: backend.name,
    sha256: (d) => backend.sha256(d),
    sha384: (d) => backend.sha384(d),
    sign: (s, k, m) => backend.sign(s, k, m),
    publicKey: (s, k) => backend.publicKey(s, k),
    verify: (s, k, m, sig) => {
      calls++;
      return backend.verify(s, k, m, sig);
    },
  };
  return {
    backend: counted,
    get calls() {
      return calls;
    },
    reset() {
      calls = 0;
    },
  };
}
