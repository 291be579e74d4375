/**
 * The honest world the adversary lives in, built once and shared by every strategy: one
 * manufacturer, three licence issuers (any two suffice), and two chips manufactured, provisioned
 * and licensed. Each strategy starts from copies of these chips' state and log; nothing here is
 * mutated afterwards. Keys, clocks and randomness are seeded, so every run is reproducible.
 */
import { decode, encode, CborTag, type CborValue } from '@hemkit/wire/cbor';
import { getBackend } from '@hemkit/wire/crypto/node';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { CMD, REPLAY, type LicenceClaims, type ReplayMode } from '@hemkit/wire/messages';
import {
  FACTORY_FIRMWARE,
  SIM_PEAK_OPS_PER_SECOND,
  InProcessChip,
  LicenceAuthority,
  ManualClock,
  Manufacturer,
  MemoryLogStore,
  seededRandom,
  type ChipState,
} from '../../../module/src/index.js';
import { DEFAULT_POLICY, type Policy, type ReferenceValues, type TrustAnchors } from '../../src/index.js';
import { toHex as hex } from '@hemkit/wire/bytes';
export { hex };

export const backend = getBackend('node');
export const hasher = createMerkleHasher((d) => backend.sha256(d));
export const T0 = 1_800_000_000;
/** Small quotas, so that a few workloads exhaust a licence. */
export const QUOTA = 5n;
const HWMODEL = 'hemkit-sim-a1';

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const seed = (label: string) => backend.sha256(utf8(`hemkit adversary: ${label}`));

export interface IssuedLicence {
  readonly claims: LicenceClaims;
  /** Every encoding the operator can make of the issued licence without signing: see VARIANTS. */
  readonly variants: readonly Uint8Array[];
}

export interface ChipIdentity {
  readonly index: number;
  readonly name: string;
  readonly ueid: Uint8Array;
  readonly replayDefence: readonly ReplayMode[];
  /** After manufacture, provisioning and installing licence 0: the start of every strategy. */
  readonly state: ChipState;
  readonly entries: readonly Uint8Array[];
  readonly licences: readonly IssuedLicence[];
  readonly deviceCertificate: Uint8Array;
}

/**
 * The issuers sign every licence with all three keys; the operator may keep any two or three of the
 * signatures in any order (threshold 2): 6 orders of three, 6 ordered pairs. Variant 0 is as issued.
 */
export const VARIANTS: readonly (readonly number[])[] = [
  [0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0],
  [0, 1], [1, 0], [0, 2], [2, 0], [1, 2], [2, 1],
];

/** Re-encodes a COSE_Sign keeping the signatures at `order`: the same payload, the same signatures. */
export function reencode(licence: Uint8Array, order: readonly number[]): Uint8Array {
  const tag = decode(licence) as CborTag;
  const [p, u, payload, signatures] = tag.value as CborValue[];
  const sigs = signatures as CborValue[];
  return encode(new CborTag(tag.tag, [p!, u!, payload!, order.map((i) => sigs[i]!)]));
}

export interface World {
  readonly manufacturer: Manufacturer;
  readonly authority: LicenceAuthority;
  readonly chips: readonly ChipIdentity[];
  readonly trust: TrustAnchors;
  readonly reference: ReferenceValues;
  readonly policy: Policy;
  /** Every issued licence by id (hex): its name and quota, for the quota invariant. */
  readonly licences: ReadonlyMap<string, { readonly name: string; readonly quota: bigint }>;
}

function makeChip(index: number, replayDefence: ReplayMode[], manufacturer: Manufacturer, authority: LicenceAuthority): ChipIdentity {
  const clock = new ManualClock(T0);
  const log = new MemoryLogStore(hasher);
  const chip = new InProcessChip({ log, now: clock.now, random: seededRandom(`adversary chip ${index}`), backend });
  const hwmodel = utf8(HWMODEL);
  const made = chip.send(CMD.manufacture, { hwmodel, uds: seed(`uds ${index}`) });
  const deviceCertificate = manufacturer.issueDeviceCertificate({ ...made, hwmodel }, T0);
  chip.send(CMD.provision, {
    deviceCertificate,
    issuerKeys: authority.publicKeys,
    issuerThreshold: 2,
    replayDefence,
    manufacturerKey: manufacturer.publicKey,
  });
  const licence = (n: number, expiry: number): IssuedLicence => {
    const claims: LicenceClaims = {
      licenceId: seed(`chip ${index} licence ${n}`).subarray(0, 16),
      ueid: made.ueid,
      sequenceNumber: n + 1,
      notBefore: T0 - 60,
      expiry,
      opsQuota: QUOTA,
      precisionClasses: [4],
    };
    const issued = authority.issueLicence(claims, [0, 1, 2]);
    return { claims, variants: VARIANTS.map((order) => reencode(issued, order)) };
  };
  // Licence 1 expires within a strategy's reach of the clock.
  const licences = [licence(0, T0 + 86_400), licence(1, T0 + 1_500)];
  chip.send(CMD.installLicence, { licence: licences[0]!.variants[0]! });
  const entries = Array.from({ length: log.size }, (_, i) => log.entry(i));
  return {
    index,
    name: `chip${index}`,
    ueid: made.ueid,
    replayDefence,
    state: chip.state!,
    entries,
    licences,
    deviceCertificate,
  };
}

let world: World | undefined;

/** Built on first use: two chips, one defending against licence replay by hash, one by sequence number. */
export function getWorld(): World {
  if (world !== undefined) return world;
  const manufacturer = new Manufacturer('hemkit-adversary-fab', seed('manufacturer'), -8, backend);
  const authority = new LicenceAuthority([seed('issuer 0'), seed('issuer 1'), seed('issuer 2')], 2, -8, backend);
  const chips = [makeChip(0, [REPLAY.hashLog], manufacturer, authority), makeChip(1, [REPLAY.sequence], manufacturer, authority)];
  const licences = new Map(chips.flatMap((c) => c.licences.map((l, n) => [hex(l.claims.licenceId), { name: `${c.name}/L${n}`, quota: l.claims.opsQuota }] as const)));
  world = {
    manufacturer,
    authority,
    chips,
    trust: {
      manufacturers: [{ name: 'hemkit-adversary-fab', key: manufacturer.publicKey }],
      licenceIssuers: { keys: authority.publicKeys, threshold: 2 },
      revoked: { ueids: [], keyIds: [] },
    },
    reference: { models: [{ oemid: hex(manufacturer.oemid), hwmodel: HWMODEL, minimumSvn: 1, peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND, firmware: [{ measurement: hex(FACTORY_FIRMWARE), svn: 1 }] }] },
    policy: DEFAULT_POLICY,
    licences,
  };
  return world;
}
