/**
 * One chip of the fleet, end to end through the real code: the module manufactures, provisions and
 * licenses it, runs its operator's plan (each workload naming its model states, log-entry.md §3.1),
 * and answers a verifier's challenge; the verifier appraises the bundle with the node backend, in a
 * memory of its own (each chip is appraised once), and only what an affirmed appraisal proved goes
 * on to accounting. What is shared is what a real fleet shares: one manufacturer, one firmware, one
 * licence authority; every chip's identity, licence, log, evidence and appraisal are its own.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { encode } from '@hemkit/wire/cbor';
import { createNodeBackend } from '@hemkit/wire/crypto/node';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { bytesEqual, toHex } from '@hemkit/wire/bytes';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { CMD, REPLAY, workloadDescriptor } from '@hemkit/wire/messages';
import {
  collectEvidence,
  FACTORY_FIRMWARE,
  InProcessChip,
  LicenceAuthority,
  Manufacturer,
  ManualClock,
  MemoryLogStore,
  seededRandom,
  SIM_PEAK_OPS_PER_SECOND,
  type WorkloadSecrets,
} from '@hemkit/module';
import { appraise, DEFAULT_POLICY, toAppraisedChip, toLineageWorkloads, type AppraisalInputs } from '@hemkit/verifier';
import type { AppraisedChip, LineageWorkload } from '@hemkit/verifier/accounting';
import { MemoryVerifierStore } from '@hemkit/verifier/store';
import { CHIP_RATE, shareOf, type Operator } from './scenario.js';

/** The accounting's clock: every appraisal happens at it, every licence is judged against it. */
export const SIM_NOW = 1_800_000_000;
const HWMODEL = new TextEncoder().encode('hemkit-sim-a1');
/**
 * The node backend, with a small public-key cache: every chip's own keys are verified within its one
 * appraisal, so only the fleet's shared keys (manufacturer, licence issuers) are worth keeping, and a
 * cache of thousands of chips' keys would only be memory held.
 */
const backend = createNodeBackend({ publicKeyCacheSize: 64 });
const hasher = createMerkleHasher((d) => backend.sha256(d));

/**
 * A chip's backend, which remembers its last signature: the inclusion receipts of one bundle all sign
 * the same bytes (the tree head, receipts.md), and the schemes sign deterministically (RFC 8032;
 * RFC 6979), so the signature it returns is the one signing again would give, byte for byte. It
 * lives as long as the chip, and spares about five of a chip's twelve signatures.
 */
function chipBackend(): CryptoBackend {
  let last: { key: Uint8Array; scheme: string; message: Uint8Array; signature: Uint8Array } | undefined;
  return {
    name: backend.name,
    sha256: (d) => backend.sha256(d),
    sha384: (d) => backend.sha384(d),
    verify: (scheme, publicKey, message, signature) => backend.verify(scheme, publicKey, message, signature),
    publicKey: (scheme, privateKey) => backend.publicKey(scheme, privateKey),
    sign(scheme, privateKey, message) {
      if (last !== undefined && last.key === privateKey && last.scheme === scheme && bytesEqual(last.message, message)) return last.signature.slice();
      const signature = backend.sign(scheme, privateKey, message);
      last = { key: privateKey, scheme, message: message.slice(), signature: signature.slice() };
      return signature;
    },
  };
}

export interface FleetKeys {
  readonly manufacturer: Manufacturer;
  readonly authority: LicenceAuthority;
  readonly inputs: Omit<AppraisalInputs, 'store' | 'expectedNonce'>;
}

export function fleetKeys(seed: string): FleetKeys {
  const key = (label: string) => sha256(new TextEncoder().encode(`hemkit sim ${seed}: ${label}`));
  const manufacturer = new Manufacturer('hemkit-sim-fab', key('manufacturer'), -8, backend);
  const authority = new LicenceAuthority([key('issuer-0'), key('issuer-1'), key('issuer-2')], 2, -8, backend);
  return {
    manufacturer,
    authority,
    inputs: {
      trust: {
        manufacturers: [{ name: 'hemkit-sim-fab', key: manufacturer.publicKey }],
        licenceIssuers: { keys: authority.publicKeys, threshold: 2 },
        revoked: { ueids: [], keyIds: [] },
      },
      reference: { models: [{ oemid: toHex(manufacturer.oemid), hwmodel: 'hemkit-sim-a1', minimumSvn: 1, peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND, firmware: [{ measurement: toHex(FACTORY_FIRMWARE), svn: 1 }] }] },
      policy: DEFAULT_POLICY,
      now: SIM_NOW,
      backend,
      hasher,
    },
  };
}

/** What the chip's operator planned for it: its share of each state of the plan, in order. */
export interface ChipPlan {
  readonly index: number;
  readonly operator: Operator;
  /** Position among its operator's chips. */
  readonly k: number;
}

export interface ChipOutcome {
  readonly ueid: Uint8Array;
  readonly affirmed: boolean;
  readonly lineage: readonly LineageWorkload[];
  readonly appraised: AppraisedChip | undefined;
  /** The licence's operations quota: what the register says bounds the chip. */
  readonly licensedOps: bigint;
  readonly licenceExpiry: number;
}

/** The workloads chip `k` of an operator runs: its share of each planned state. */
export function chipWorkloads(plan: ChipPlan): { ops: bigint; workloadId: string; parents: readonly Uint8Array[]; produced: Uint8Array }[] {
  const { operator, k } = plan;
  return operator.plan.map((p) => ({
    ops: shareOf(p.ops, k, operator.chips),
    workloadId: p.workloadId ?? `${operator.id}-chip-${k}`,
    parents: p.parents,
    produced: p.digest,
  }));
}

export function licenceOf(plan: ChipPlan): { opsQuota: bigint; expiry: number } {
  const planned = chipWorkloads(plan).reduce((s, w) => s + w.ops, 0n);
  // A chip still running holds a quota for more than it has done so far.
  const opsQuota = plan.operator.licenceRemainingSeconds > 0 ? planned * 3n : planned;
  return { opsQuota, expiry: SIM_NOW + plan.operator.licenceRemainingSeconds };
}

/** A chip made, provisioned and licensed by the fleet's parties, that has run its share of the plan. */
interface RunChip {
  readonly chip: InProcessChip;
  readonly label: string;
  readonly ueid: Uint8Array;
  readonly licence: Uint8Array;
  readonly openings: ReadonlyMap<number, WorkloadSecrets>;
  readonly opsQuota: bigint;
  readonly expiry: number;
}

/**
 * A chip through the module up to its evidence: manufactured, provisioned and licensed, its share
 * of the plan run (every workload naming its model states). A silent chip stops here.
 */
export function runChip(keys: FleetKeys, seed: string, plan: ChipPlan): RunChip {
  const label = `${seed}/chip-${plan.index}`;
  const clock = new ManualClock(SIM_NOW - 10);
  const chip = new InProcessChip({ log: new MemoryLogStore(hasher), now: clock.now, random: seededRandom(label), backend: chipBackend() });
  const made = chip.send(CMD.manufacture, { hwmodel: HWMODEL, uds: sha256(new TextEncoder().encode(`hemkit sim uds ${label}`)) });
  chip.send(CMD.provision, {
    deviceCertificate: keys.manufacturer.issueDeviceCertificate({ ...made, hwmodel: HWMODEL }, SIM_NOW - 40 * 86_400),
    issuerKeys: keys.authority.publicKeys,
    issuerThreshold: 2,
    replayDefence: [REPLAY.sequence],
    manufacturerKey: keys.manufacturer.publicKey,
  });
  const { opsQuota, expiry } = licenceOf(plan);
  const licence = keys.authority.issueLicence(
    {
      licenceId: sha256(new TextEncoder().encode(`hemkit sim licence ${label}`)).subarray(0, 16),
      ueid: made.ueid,
      sequenceNumber: 1,
      notBefore: SIM_NOW - 30 * 86_400,
      expiry,
      opsQuota,
      precisionClasses: [4],
    },
    [0, 1],
  );
  chip.send(CMD.installLicence, { licence });
  const openings = new Map<number, WorkloadSecrets>();
  for (const w of chipWorkloads(plan)) {
    if (w.ops === 0n) continue;
    const descriptor = encode(workloadDescriptor.toCbor({ workloadId: w.workloadId }));
    const states = { parentStates: w.parents, producedState: w.produced };
    const busyChipSeconds = Number(w.ops / CHIP_RATE) || 1;
    const r = chip.send(CMD.runWorkload, { workloadDescriptor: descriptor, precisionClass: 4, ops: w.ops, busyChipSeconds, ...states });
    openings.set(r.startedIndex!, { salt: r.salt!, descriptor });
    openings.set(r.finishedIndex!, { salt: r.salt!, descriptor, ...states });
  }
  return { chip, label, ueid: made.ueid, licence, openings, opsQuota, expiry };
}

/**
 * A silent chip: it runs its share of the plan through the module like any other, and hands in
 * nothing. What the verifier knows of it is its licence register entry: its licence's quota bounds
 * its work. Returns that quota, and the work its counter shows it did (which nothing reports).
 */
export function runSilentChip(keys: FleetKeys, seed: string, plan: ChipPlan): { ueid: Uint8Array; licensedOps: bigint; licenceExpiry: number; hiddenOps: bigint } {
  const { chip, ueid, opsQuota, expiry } = runChip(keys, seed, plan);
  const hiddenOps = chip.send(CMD.status, {}).counters.totalOps;
  return { ueid, licensedOps: opsQuota, licenceExpiry: expiry, hiddenOps };
}

export function driveChip(keys: FleetKeys, seed: string, plan: ChipPlan): ChipOutcome {
  const { chip, label, ueid, licence, openings, opsQuota, expiry } = runChip(keys, seed, plan);
  const nonce = sha256(new TextEncoder().encode(`hemkit sim nonce ${label}`)).subarray(0, 16);
  const bundle = collectEvidence(chip, { nonce, discloseFrom: 0, openings, licences: [licence] });
  const appraisal = appraise(bundle, { ...keys.inputs, store: new MemoryVerifierStore(), expectedNonce: nonce });
  return {
    ueid,
    affirmed: appraisal.status !== 'contraindicated',
    lineage: toLineageWorkloads(appraisal),
    appraised: toAppraisedChip(appraisal),
    licensedOps: opsQuota,
    licenceExpiry: expiry,
  };
}
