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
/** Small memory-transfer quotas likewise. */
export const MEMORY_QUOTA = 6n;
const HWMODEL = 'hemkit-sim-a1';

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const seed = (label: string) => backend.sha256(utf8(`hemkit adversary: ${label}`));

/** Who signed a licence or an issuer set: the provisioned issuers, or the ones the first update hands over to. */
export type Issuers = 'provisioned' | 'rotated';

export interface IssuedLicence {
  readonly claims: LicenceClaims;
  readonly issuers: Issuers;
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
  /**
   * The issuer-set updates made for this chip (licence.md §5a), in sequence order: U1 hands the
   * provisioned issuers' authority to the rotated ones (signed by provisioned 0 and 1), U2 revokes
   * rotated issuer 2 (signed by rotated 0 and 1). The operator decides whether and when to send each.
   */
  readonly updates: readonly Uint8Array[];
}

/** The issuer sets a chip can hold, by sequence number: which issuers, and how many keys of them. */
export const ISSUER_SETS: readonly { readonly issuers: Issuers; readonly keys: number }[] = [
  { issuers: 'provisioned', keys: 3 },
  { issuers: 'rotated', keys: 3 },
  { issuers: 'rotated', keys: 2 },
];

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

/** A second firmware image, SVN 2, that the reference values know: the one `upgrade` installs. */
export const FIRMWARE_V2 = seed('firmware v2');

export interface World {
  readonly manufacturer: Manufacturer;
  readonly authority: LicenceAuthority;
  readonly rotated: LicenceAuthority;
  /** The manifest that updates a chip to FIRMWARE_V2. */
  readonly upgrade: Uint8Array;
  readonly chips: readonly ChipIdentity[];
  readonly trust: TrustAnchors;
  readonly reference: ReferenceValues;
  readonly policy: Policy;
  /** Every issued licence by id (hex): its name, quotas, minimum SVN and issuers, for the invariants. */
  readonly licences: ReadonlyMap<string, { readonly name: string; readonly quota: bigint; readonly memoryQuota: bigint | undefined; readonly minimumSvn: number | undefined; readonly issuers: Issuers }>;
}

function makeChip(index: number, replayDefence: ReplayMode[], manufacturer: Manufacturer, authority: LicenceAuthority, rotated: LicenceAuthority): ChipIdentity {
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
  const licence = (n: number, expiry: number, issuers: Issuers = 'provisioned', terms: Partial<LicenceClaims> = {}): IssuedLicence => {
    const claims: LicenceClaims = {
      licenceId: seed(`chip ${index} licence ${n}`).subarray(0, 16),
      ueid: made.ueid,
      sequenceNumber: n + 1,
      notBefore: T0 - 60,
      expiry,
      opsQuota: QUOTA,
      precisionClasses: [4],
      ...terms,
    };
    const issued = (issuers === 'provisioned' ? authority : rotated).issueLicence(claims, [0, 1, 2]);
    return { claims, issuers, variants: VARIANTS.map((order) => reencode(issued, order)) };
  };
  // Licence 0 meters memory (a few bytes, so a few workloads exhaust it); licence 1 expires within a
  // strategy's reach of the clock; licence 2 is the rotated issuers' (valid only after U1); licence 3
  // requires firmware SVN 2 (valid only after an upgrade).
  const licences = [
    licence(0, T0 + 86_400, 'provisioned', { memoryQuota: MEMORY_QUOTA }),
    licence(1, T0 + 1_500),
    licence(2, T0 + 86_400, 'rotated', { memoryQuota: MEMORY_QUOTA }),
    licence(3, T0 + 86_400, 'provisioned', { minimumSvn: 2 }),
  ];
  const updates = [
    authority.issueIssuerSetUpdate({ ueid: made.ueid, issuerSetSequence: 1, issuerKeys: rotated.publicKeys, issuerThreshold: 2, issuedAt: T0 }, [0, 1]),
    rotated.issueIssuerSetUpdate({ ueid: made.ueid, issuerSetSequence: 2, issuerKeys: rotated.publicKeys.slice(0, 2), issuerThreshold: 2, issuedAt: T0 }, [0, 1]),
  ];
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
    updates,
  };
}

let world: World | undefined;

/** Built on first use: two chips, one defending against licence replay by hash, one by sequence number. */
export function getWorld(): World {
  if (world !== undefined) return world;
  const manufacturer = new Manufacturer('hemkit-adversary-fab', seed('manufacturer'), -8, backend);
  const authority = new LicenceAuthority([seed('issuer 0'), seed('issuer 1'), seed('issuer 2')], 2, -8, backend);
  const rotated = new LicenceAuthority([seed('rotated issuer 0'), seed('rotated issuer 1'), seed('rotated issuer 2')], 2, -8, backend);
  const chips = [makeChip(0, [REPLAY.hashLog], manufacturer, authority, rotated), makeChip(1, [REPLAY.sequence], manufacturer, authority, rotated)];
  const licences = new Map(
    chips.flatMap((c) =>
      c.licences.map((l, n) => [hex(l.claims.licenceId), { name: `${c.name}/L${n}`, quota: l.claims.opsQuota, memoryQuota: l.claims.memoryQuota, minimumSvn: l.claims.minimumSvn, issuers: l.issuers }] as const),
    ),
  );
  world = {
    manufacturer,
    authority,
    rotated,
    upgrade: manufacturer.signFirmwareManifest(utf8(HWMODEL), FIRMWARE_V2, 2, T0),
    chips,
    trust: {
      manufacturers: [{ name: 'hemkit-adversary-fab', key: manufacturer.publicKey }],
      licenceIssuers: { keys: authority.publicKeys, threshold: 2 },
      revoked: { ueids: [], keyIds: [] },
    },
    reference: { models: [{ oemid: hex(manufacturer.oemid), hwmodel: HWMODEL, minimumSvn: 1, peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND, firmware: [{ measurement: hex(FACTORY_FIRMWARE), svn: 1 }, { measurement: hex(FIRMWARE_V2), svn: 2 }] }] },
    policy: DEFAULT_POLICY,
    licences,
  };
  return world;
}
