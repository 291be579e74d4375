/**
 * Evidence vectors (test-vectors/evidence/*.json): bundles emitted by simulated chips, the verifier
 * inputs, and the outcome of every check. The vectors of one file are appraised in order against
 * one verifier memory, so later vectors test rollbacks, forks and replays against earlier ones.
 * Each outcome is stated by intent here and confirmed by running the verifier while generating.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { encode } from '@hemkit/wire/cbor';
import { encodeCoseKey } from '@hemkit/wire/cose';
import { getBackend } from '@hemkit/wire/crypto';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { attestationReportClaims, checkpointClaims, CLAIM, CMD, logKeyCertificateClaims, renderSignedNote, evidenceBundle, keyThumbprint, logEntry, REPLAY, signClaims, typHeaders, workloadDescriptor, type LicenceClaims } from '@hemkit/wire/messages';
import { decodeSign, decodeSign1, signSign1 } from '@hemkit/wire/cose';
import { attestationKey, enterRollbackState } from '../../packages/module/src/firmware/chip.js';
import { deviceIdentityKey, logIdentity } from '../../packages/module/src/firmware/work.js';
import { decode } from '@hemkit/wire/cbor';
import {
  collectEvidence as collect,
  FACTORY_FIRMWARE,
  InProcessChip,
  LicenceAuthority,
  ManualClock,
  Manufacturer,
  MemoryLogStore,
  seededRandom,
  SIM_PEAK_OPS_PER_SECOND,
} from '../../packages/module/src/index.js';
import { appraise, parsePolicy, parseReferenceValues, parseTrustAnchors, readResult, resultClaims, resultToJson, signResult, type Appraisal, type ResultTerms } from '../../packages/verifier/src/index.js';
import { issuerSetUpdateClaims, TYP } from '@hemkit/wire/messages';
import type { CborMapKey, CborValue } from '@hemkit/wire/cbor';
import { HemkitError } from '@hemkit/wire/errors';
import { signingKey } from '@hemkit/wire/messages';
import { renderVectorFile, type VectorBase } from './vector-file.js';
import { MemoryVerifierStore } from '../../packages/verifier/src/store/index.js';
import { toHex as hex } from '@hemkit/wire/bytes';

/**
 * The vectors made before the frontier form of verifier.md §2 prove their entries by receipts and keep
 * their bytes; the frontier form, the operator's default, has vectors of its own (frontierHistory and
 * frontierRefusals below).
 */
const collectEvidence: typeof collect = (chip, options) => collect(chip, { proofs: 'receipts', ...options });

const utf8 = (s: string) => new TextEncoder().encode(s);
const key = (label: string) => sha256(utf8(`hemkit vector key: ${label}`));
const T0 = 1_800_000_000;
const noble = getBackend('noble');
const hasher = createMerkleHasher(noble.sha256);

export const EVIDENCE_FORMAT = 'hemkit-evidence/v1';

const manufacturer = new Manufacturer('hemkit-sim-fab', key('manufacturer'));
const authority = new LicenceAuthority([key('issuer-0'), key('issuer-1'), key('issuer-2')], 2);
const keyHex = (k: Parameters<typeof encodeCoseKey>[0]) => hex(encode(encodeCoseKey(k)));
/** The issuers an issuer-set update hands over to (licence.md §5a). */
const ROTATED = new LicenceAuthority([key('rotated issuer 0'), key('rotated issuer 1'), key('rotated issuer 2')], 2);

const TRUST = {
  manufacturers: [{ name: 'hemkit-sim-fab', key: keyHex(manufacturer.publicKey) }],
  licenceIssuers: { keys: authority.publicKeys.map(keyHex), threshold: 2 },
  revoked: { ueids: [] as string[], keyIds: [] as string[] },
};
const REFERENCE = { models: [{ oemid: hex(manufacturer.oemid), hwmodel: 'hemkit-sim-a1', minimumSvn: 1, peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND.toString() as string | number, firmware: [{ measurement: hex(FACTORY_FIRMWARE), svn: 1, name: 'factory v1' }] }] };
/** A realistic part (about an accelerator's dense BF16 rate), for the vectors that time usage by the verifier's clock. */
const REALISTIC_PEAK = '1000000000000000';
const POLICY = { requireNonce: true, maxAgeSeconds: 600, clockSkewSeconds: 60, requireDebugDisabled: true, requireLogCoverage: true, policyId: 'hemkit/v1/default' };

function chip(name: string, replayDefence: readonly number[] = [REPLAY.sequence], terms: Partial<LicenceClaims> = {}) {
  const clock = new ManualClock(T0);
  const log = new MemoryLogStore(hasher);
  const c = new InProcessChip({ log, now: clock.now, random: seededRandom(`evidence ${name}`), backend: noble });
  const hwmodel = utf8('hemkit-sim-a1');
  const made = c.send(CMD.manufacture, { hwmodel, uds: key(`evidence uds ${name}`) });
  c.send(CMD.provision, {
    deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, T0),
    issuerKeys: authority.publicKeys,
    issuerThreshold: 2,
    replayDefence: replayDefence as (typeof REPLAY)[keyof typeof REPLAY][],
    manufacturerKey: manufacturer.publicKey,
  });
  const claims: LicenceClaims = {
    licenceId: key(`evidence licence ${name}`).subarray(0, 16),
    ueid: made.ueid,
    sequenceNumber: 1,
    notBefore: T0,
    expiry: T0 + 86_400,
    opsQuota: 10n ** 25n,
    precisionClasses: [4],
    ...terms,
  };
  const licence = authority.issueLicence(claims, [0, 2]);
  c.send(CMD.installLicence, { licence });
  const openings = new Map<number, { salt: Uint8Array; descriptor: Uint8Array }>();
  const run = (workloadId: string, ops: bigint, memoryBytes?: bigint) => {
    const descriptor = encode(workloadDescriptor.toCbor({ workloadId }));
    const r = c.send(CMD.runWorkload, { workloadDescriptor: descriptor, precisionClass: 4, ops, ...(memoryBytes !== undefined ? { memoryBytes } : {}) });
    openings.set(r.finishedIndex!, { salt: r.salt!, descriptor });
    return r;
  };
  let n = 0;
  const evidence = (options: { knownTreeSize?: number; knownSizes?: number[]; discloseFrom?: number; licences?: Uint8Array[]; withNote?: boolean; issuerUpdates?: Uint8Array[]; proofs?: 'frontier' | 'receipts' } = {}) => {
    const nonce = key(`evidence nonce ${name} ${++n}`).subarray(0, 16);
    return {
      nonce,
      bundle: collectEvidence(c, {
        nonce,
        knownTreeSize: options.knownTreeSize ?? 0,
        ...(options.discloseFrom !== undefined ? { discloseFrom: options.discloseFrom } : {}),
        ...(options.knownSizes ? { knownSizes: options.knownSizes } : {}),
        openings,
        licences: options.licences ?? [licence],
        ...(options.withNote ? { withNote: true } : {}),
        ...(options.issuerUpdates ? { issuerUpdates: options.issuerUpdates } : {}),
        ...(options.proofs ? { proofs: options.proofs } : {}),
      }),
    };
  };
  return { c, clock, log, ueid: made.ueid, run, evidence, openings, licence, claims };
}

interface EvidenceVector {
  readonly id: string;
  readonly description: string;
  readonly now: number;
  readonly nonce: string;
  readonly bundle: string;
  readonly expected: { readonly status: string; readonly trustworthinessVector: object; readonly checks: Readonly<Record<string, string>> };
}

/** Appraises in sequence against one memory store, checking each outcome against its intent. */
class Sequence {
  private readonly store = new MemoryVerifierStore();
  readonly vectors: EvidenceVector[] = [];
  private readonly inputs;

  constructor(readonly reference: typeof REFERENCE = REFERENCE) {
    this.inputs = { trust: parseTrustAnchors(TRUST), reference: parseReferenceValues(reference), policy: parsePolicy(POLICY), backend: noble, hasher };
  }

  add(id: string, description: string, bundle: Uint8Array, nonce: Uint8Array, now: number, intent: { status: string; failing?: Record<string, string> }): Appraisal {
    const a = appraise(bundle, { ...this.inputs, store: this.store, now, expectedNonce: nonce, chainCache: new Map() });
    const failing = Object.fromEntries(a.checks.filter((c) => c.status === 'fail').map((c) => [c.id, c.code!]));
    if (a.status !== intent.status || JSON.stringify(failing) !== JSON.stringify(intent.failing ?? {})) {
      throw new Error(`evidence vector ${id}: intended ${intent.status} ${JSON.stringify(intent.failing ?? {})}, got ${a.status} ${JSON.stringify(failing)}`);
    }
    this.vectors.push({
      id,
      description,
      now,
      nonce: hex(nonce),
      bundle: hex(bundle),
      expected: { status: a.status, trustworthinessVector: a.trustworthinessVector, checks: Object.fromEntries(a.checks.map((c) => [c.id, c.status === 'fail' ? c.code! : c.status])) },
    });
    return a;
  }
}

function honestHistory(): Sequence {
  const s = new Sequence();
  const a = chip('a');
  a.run('train-1', 3n * 10n ** 24n);
  const first = a.evidence();
  s.add('first-appraisal', 'A licensed chip appraised for the first time: every entry disclosed', first.bundle, first.nonce, T0 + 10, { status: 'affirming' });
  const size1 = a.log.size;
  a.clock.advance(3600);
  a.run('train-1', 2n * 10n ** 24n);
  const second = a.evidence({ knownTreeSize: size1, withNote: true });
  s.add('second-appraisal', 'An hour later: linked to the first by a consistency receipt, the new entries disclosed, the head also as a C2SP signed note under the certified log key (checkpoint.md §2)', second.bundle, second.nonce, T0 + 3610, { status: 'affirming' });
  // Issuer rotation (licence.md §5a): issuers 0 and 1 hand over to three new issuers, who license the chip.
  const size2 = a.log.size;
  a.clock.advance(3600);
  const update = authority.issueIssuerSetUpdate({ ueid: a.ueid, issuerSetSequence: 1, issuerKeys: ROTATED.publicKeys, issuerThreshold: 2, issuedAt: a.clock.time }, [0, 1]);
  a.c.send(CMD.updateIssuers, { update });
  const next = ROTATED.issueLicence({ ...a.claims, licenceId: key('evidence licence a 2').subarray(0, 16), sequenceNumber: 2, expiry: T0 + 2 * 86_400 }, [0, 2]);
  a.c.send(CMD.installLicence, { licence: next });
  a.run('train-2', 10n ** 24n);
  const third = a.evidence({ knownTreeSize: size2, licences: [next], issuerUpdates: [update] });
  s.add('third-appraisal-after-issuer-rotation', 'An hour later: the issuers rotated (issuers 0 and 1 signing the new set) and the new set licensed the chip; the verifier, anchored on the provisioned issuers, follows the update the bundle carries (licence.md §5a)', third.bundle, third.nonce, T0 + 7210, { status: 'affirming' });
  // The frontier form (verifier.md §2, merkle.md §9), the operator's default: another chip, its entries
  // proven by the frontier of the log before the first of them, and no receipt per entry.
  const f = chip('frontier');
  f.run('train-1', 10n ** 24n);
  const fFirst = f.evidence({ proofs: 'frontier' });
  s.add('frontier-first-appraisal', 'Another chip appraised for the first time, in the frontier form: every entry disclosed without a receipt, from the empty log (an empty frontier) to the head', fFirst.bundle, fFirst.nonce, T0 + 20, { status: 'affirming' });
  const fSize = f.log.size;
  f.clock.advance(3600);
  f.run('train-2', 10n ** 23n);
  const fSecond = f.evidence({ knownTreeSize: fSize, proofs: 'frontier' });
  // The operator's default leaves the receipt out (the frontier is the link, see frontier-links-base);
  // this vector keeps one, which then decides the link (verifier.md §5 note 10).
  const withReceipt = encode(evidenceBundle.toCbor({ ...evidenceBundle.parse(decode(fSecond.bundle), 'b'), consistencyReceipts: [f.c.send(CMD.proveConsistency, { treeSize1: fSize, treeSize2: f.log.size }).receipt] }));
  s.add('frontier-second-appraisal', `An hour later, in the frontier form: a consistency receipt from the remembered size ${fSize}, the frontier of those ${fSize} entries, and the entries after them`, withReceipt, fSecond.nonce, T0 + 3620, { status: 'affirming' });
  // Without the consistency receipt: the frontier starts at the remembered size, so it is the link
  // from the base to the head (verifier.md §5, check 10; decisions.md §8, amended).
  const fSize2 = f.log.size;
  f.clock.advance(3600);
  f.run('train-3', 10n ** 23n);
  const fThird = f.evidence({ knownTreeSize: fSize2, proofs: 'frontier' });
  const { consistencyReceipts: _fReceipts, ...fThirdParts } = evidenceBundle.parse(decode(fThird.bundle), 'b');
  s.add('frontier-links-base', `An hour later, in the frontier form without a consistency receipt: the frontier of the remembered ${fSize2} entries folds to the remembered root and, extended by the entries after them, to the head's; no signature but the report's`, encode(evidenceBundle.toCbor(fThirdParts)), fThird.nonce, T0 + 7220, { status: 'affirming' });
  return s;
}

/** A second firmware image, SVN 2, that the reference values of evidence-memory.json know too. */
const V2 = key('firmware v2');
const REFERENCE_V2 = { models: [{ ...REFERENCE.models[0]!, firmware: [...REFERENCE.models[0]!.firmware, { measurement: hex(V2), svn: 2, name: 'v2' }] }] };

/**
 * What the verifier's memory of the remembered head makes exact (verifier.md §4): second appraisals
 * whose bundle, read without that memory, was affirmed. The SVN in force at the base, the issuer set
 * in force, and the memory counter and memory used per licence.
 */
function remembered(): Sequence {
  const s = new Sequence(REFERENCE_V2);
  // The SVN at the base (§5.2): firmware that skips licence.md §6 step 6a installs and uses a licence
  // requiring SVN 2 at SVN 1, then updates to SVN 2, so that the walk's boot hides the SVN before it.
  const v = chip('memory-svn');
  v.run('train-1', 10n ** 20n);
  const v1 = v.evidence();
  s.add('svn-first-appraisal', 'A chip at SVN 1 appraised from entry 0: the verifier remembers SVN 1 at its head', v1.bundle, v1.nonce, T0 + 10, { status: 'affirming' });
  const vBase = v.log.size;
  const demanding = authority.issueLicence({ ...v.claims, licenceId: key('evidence licence memory-svn 2').subarray(0, 16), sequenceNumber: 2, minimumSvn: 2 }, [0, 2]);
  v.c.state = { ...v.c.state!, svn: 2 };
  v.c.send(CMD.installLicence, { licence: demanding });
  v.c.state = { ...v.c.state!, svn: 1 };
  v.run('train-2', 10n ** 20n);
  v.c.send(CMD.firmwareUpdate, { manifest: manufacturer.signFirmwareManifest(utf8('hemkit-sim-a1'), V2, 2, T0) });
  v.run('train-3', 10n ** 20n);
  const v2 = v.evidence({ knownTreeSize: vBase, licences: [demanding] });
  s.add('licence-svn-before-boot', 'Firmware that installed and used a licence requiring SVN 2 at SVN 1, then updated to SVN 2: the entries before the walk\'s first boot are judged at the SVN remembered at the base (without it, affirmed)', v2.bundle, v2.nonce, T0 + 20, { status: 'contraindicated', failing: { licence: 'LICENCE_SVN_TOO_LOW' } });
  // The issuer set in force (licence.md §5a): the rotation is before the base; firmware that kept the
  // old issuers then installs a licence the revoked set signed, and the bundle leaves the rotation out.
  const r = chip('memory-rotation');
  r.run('train-1', 10n ** 20n);
  const update = authority.issueIssuerSetUpdate({ ueid: r.ueid, issuerSetSequence: 1, issuerKeys: ROTATED.publicKeys, issuerThreshold: 2, issuedAt: T0 }, [0, 1]);
  r.c.send(CMD.updateIssuers, { update });
  const r1 = r.evidence({ issuerUpdates: [update] });
  s.add('rotation-first-appraisal', 'A chip whose issuers rotated, appraised from entry 0 with the update: the verifier remembers the new set in force at its head', r1.bundle, r1.nonce, T0 + 30, { status: 'affirming' });
  const rBase = r.log.size;
  r.c.state = { ...r.c.state!, provisioning: { ...r.c.state!.provisioning!, issuerKeys: authority.publicKeys } };
  const byRevoked = authority.issueLicence({ ...r.claims, licenceId: key('evidence licence memory-rotation 2').subarray(0, 16), sequenceNumber: 2 }, [0, 1]);
  r.c.send(CMD.installLicence, { licence: byRevoked });
  r.run('train-2', 10n ** 20n);
  const r2 = r.evidence({ knownTreeSize: rBase, licences: [byRevoked] });
  s.add('withheld-rotation', 'The next bundle leaves out the rotation the verifier saw, so that a licence by the revoked issuers would be judged against the provisioned set (without the remembered set, affirmed)', r2.bundle, r2.nonce, T0 + 40, { status: 'contraindicated', failing: { licence: 'ISSUERS_UPDATE_NOT_PRESENTED' } });
  const r3 = r.evidence({ knownTreeSize: rBase, licences: [byRevoked], issuerUpdates: [update] });
  s.add('revoked-issuers-after-base', 'The same with the rotation carried: the licence is judged against the set in force at its installation, which the revoked issuers are not in', r3.bundle, r3.nonce, T0 + 50, { status: 'contraindicated', failing: { licence: 'LICENCE_UNKNOWN_SIGNER' } });
  // The memory-bytes counter and the memory used per licence (verifier.md §4, checks 13 and 14).
  const m = chip('memory-bytes', [REPLAY.sequence], { memoryQuota: 1000n });
  m.run('train-1', 10n ** 20n, 300n);
  m.run('train-2', 10n ** 20n, 200n);
  const m1 = m.evidence();
  s.add('memory-first-appraisal', 'A chip that moved 500 bytes under a licence of 1000: the verifier remembers the counter and the 500 bytes used', m1.bundle, m1.nonce, T0 + 60, { status: 'affirming' });
  const mBase = m.log.size;
  m.run('train-3', 10n ** 20n, 50n);
  const honest = m.c.state!;
  m.c.state = { ...honest, counters: { ...honest.counters, memoryBytes: honest.counters.memoryBytes! + 10n }, licence: { ...honest.licence!, remainingMemoryQuota: honest.licence!.remainingMemoryQuota! - 10n } };
  const m2 = m.evidence({ knownTreeSize: mBase });
  s.add('memory-counter-unlogged', 'Firmware that counts 10 bytes of memory transfer it never logged, after the base: the log since the remembered counter must account for its growth (without it, only bounded by the counter, affirmed)', m2.bundle, m2.nonce, T0 + 70, { status: 'contraindicated', failing: { 'counters-vs-log': 'COUNTERS_LOG_MISMATCH' } });
  m.c.state = { ...honest, licence: { ...honest.licence!, remainingMemoryQuota: 950n } };
  const m3 = m.evidence({ knownTreeSize: mBase });
  s.add('memory-quota-forgotten', 'Firmware that reports 950 of 1000 bytes remaining, forgetting the 500 moved before the base: the remembered usage leaves 450 (without it, only bounded by the quota, affirmed)', m3.bundle, m3.nonce, T0 + 80, { status: 'contraindicated', failing: { licence: 'LICENCE_UNACCOUNTED' } });
  m.c.state = honest;
  const m4 = m.evidence({ knownTreeSize: mBase });
  s.add('memory-second-appraisal', 'The honest chip, 550 bytes moved, 450 remaining: affirmed against the remembered counter and usage', m4.bundle, m4.nonce, T0 + 90, { status: 'affirming' });
  return s;
}

function attacks(): Sequence {
  const s = new Sequence();
  const a = chip('victim');
  a.run('train-1', 10n ** 24n);
  const first = a.evidence();
  s.add('baseline', 'The honest first appraisal the attacks are measured against', first.bundle, first.nonce, T0 + 10, { status: 'affirming' });
  s.add('replayed-report', 'The same bundle presented again for the same nonce', first.bundle, first.nonce, T0 + 20, { status: 'contraindicated', failing: { freshness: 'NONCE_REUSED' } });
  const seen = a.log.size;
  // A clone with the same keys continues another history, to the same size as the honest chip.
  const cloneLog = new MemoryLogStore(hasher);
  for (let i = 0; i < seen; i++) cloneLog.append(a.log.entry(i));
  const clone = new InProcessChip({ log: cloneLog, now: a.clock.now, random: seededRandom('clone'), backend: noble, state: a.c.state! });
  a.run('train-1', 10n ** 24n);
  const honest = a.evidence({ knownTreeSize: seen });
  s.add('honest-growth', 'The chip runs on and is affirmed again', honest.bundle, honest.nonce, T0 + 30, { status: 'affirming' });
  const remembered = a.log.size;
  const hidden = (ops: bigint) => clone.send(CMD.runWorkload, { workloadDescriptor: encode(workloadDescriptor.toCbor({ workloadId: 'hidden' })), precisionClass: 4, ops });
  hidden(10n ** 22n);
  const forkNonce = key('fork nonce').subarray(0, 16);
  const forked = collectEvidence(clone, { nonce: forkNonce, knownTreeSize: seen, licences: [a.licence] });
  s.add('forked-log', 'A clone shows another, smaller history of the same log size: two roots for one size, and counters below what was seen', forked, forkNonce, T0 + 40, { status: 'contraindicated', failing: { rollback: 'COUNTERS_WENT_BACKWARDS', 'log-consistency': 'LOG_FORK' } });
  // The clone grows past what the verifier remembers and offers its own history from a size the
  // verifier remembers and shares: it can prove consistency from there, but not from the largest
  // remembered head, which is the only base the verifier uses.
  hidden(2n * 10n ** 24n);
  const ownBaseNonce = key('own base nonce').subarray(0, 16);
  const ownBase = collectEvidence(clone, { nonce: ownBaseNonce, knownSizes: [seen, remembered], discloseFrom: seen, licences: [a.licence] });
  const ownBaseParts = evidenceBundle.parse(decode(ownBase), 'b');
  const cloneCheckpoint = clone.send(CMD.checkpoint, {}).checkpoint;
  const sharedCheckpointBundle = encode(evidenceBundle.toCbor({ ...ownBaseParts, checkpoints: [cloneCheckpoint] }));
  s.add('fork-with-own-base', 'A clone that diverged at a remembered size grows past the remembered head and proves consistency only from the shared older size', sharedCheckpointBundle, ownBaseNonce, T0 + 45, { status: 'contraindicated', failing: { 'log-consistency': 'LOG_INCONSISTENT' } });
  // The same clone in the frontier form, from the remembered size and without a receipt: its frontier
  // is its own log's at that size, which folds to another root than the one remembered.
  const frontierForkNonce = key('frontier fork nonce').subarray(0, 16);
  const { consistencyReceipts: _forkReceipts, ...frontierFork } = evidenceBundle.parse(decode(collectEvidence(clone, { nonce: frontierForkNonce, knownTreeSize: remembered, licences: [a.licence], proofs: 'frontier' })), 'b');
  s.add('frontier-link-forked', 'The clone, past the remembered head, in the frontier form from the remembered size with no consistency receipt: the frontier it carries is the link, and folds to its own root at that size, not the remembered one', encode(evidenceBundle.toCbor(frontierFork)), frontierForkNonce, T0 + 46, { status: 'contraindicated', failing: { 'log-consistency': 'LOG_INCONSISTENT' } });
  const lateNonce = key('old bundle nonce').subarray(0, 16);
  const stale = first.bundle;
  s.add('stale-bundle', 'The first bundle again with a fresh nonce expected: wrong nonce, and its counters are below what was seen', stale, lateNonce, T0 + 50, {
    status: 'contraindicated',
    failing: { freshness: 'NONCE_MISMATCH', rollback: 'COUNTERS_WENT_BACKWARDS', 'log-consistency': 'LOG_TRUNCATED' },
  });
  a.clock.advance(60);
  a.run('train-1', 10n ** 23n);
  const withheldNonce = key('withheld nonce').subarray(0, 16);
  const full = evidenceBundle.parse(decode(collectEvidence(a.c, { nonce: withheldNonce, knownTreeSize: remembered, openings: a.openings, licences: [a.licence] })), 'b');
  const { consistencyReceipts: _r, entries: _e, ...bare } = full;
  s.add('withheld-log', 'Higher counters and no log evidence at all: no receipt from the remembered head, no entries', encode(evidenceBundle.toCbor(bare)), withheldNonce, T0 + 110, { status: 'contraindicated', failing: { 'log-consistency': 'CONSISTENCY_PROOF_MISSING' } });
  const checkpointed = a.log.size;
  const cp = a.c.send(CMD.checkpoint, {}).checkpoint;
  a.run('after-checkpoint', 10n ** 23n);
  const afterNonce = key('after checkpoint nonce').subarray(0, 16);
  const after = evidenceBundle.parse(decode(collectEvidence(a.c, { nonce: afterNonce, knownSizes: [remembered, checkpointed], discloseFrom: remembered, openings: a.openings, licences: [a.licence] })), 'b');
  const uptoCheckpoint = encode(evidenceBundle.toCbor({ ...after, checkpoints: [cp], entries: after.entries!.filter((d) => logEntryIndex(d.entry) < checkpointed) }));
  s.add('work-after-checkpoint', 'Work after the operator\'s last checkpoint, its entries withheld: the report binds the live head, so they are missing', uptoCheckpoint, afterNonce, T0 + 120, { status: 'contraindicated', failing: { 'counters-vs-log': 'LOG_COVERAGE_INCOMPLETE' } });
  const honestAgainNonce = key('honest again nonce').subarray(0, 16);
  const honestAgain = collectEvidence(a.c, { nonce: honestAgainNonce, knownTreeSize: remembered, openings: a.openings, licences: [a.licence] });
  s.add('honest-after-attacks', 'The honest chip, all its new entries disclosed: none of the refused bundles changed what the verifier remembers', honestAgain, honestAgainNonce, T0 + 130, { status: 'affirming' });
  const b = chip('liar');
  b.run('big-run', 9n * 10n ** 24n);
  const liarNonce = key('liar nonce').subarray(0, 16);
  const lies = new Map([...b.openings].map(([i, o]) => [i, { ...o, descriptor: encode(workloadDescriptor.toCbor({ workloadId: 'small-run' })) }]));
  const lying = collectEvidence(b.c, { nonce: liarNonce, discloseFrom: 0, openings: lies, licences: [b.licence] });
  s.add('false-opening', 'An operator opens a workload entry with a descriptor other than the one committed to', lying, liarNonce, T0 + 60, { status: 'contraindicated', failing: { openings: 'OPENING_MISMATCH' } });
  const c = chip('hider');
  c.run('run', 10n ** 23n);
  const hideNonce = key('hide nonce').subarray(0, 16);
  const all = evidenceBundle.parse(decode(collectEvidence(c.c, { nonce: hideNonce, discloseFrom: 0, licences: [c.licence] })), 'b');
  const hiddenEntry = encode(evidenceBundle.toCbor({ ...all, entries: all.entries!.slice(0, -1) }));
  s.add('hidden-entry', 'An operator withholds one entry between checkpoints', hiddenEntry, hideNonce, T0 + 70, { status: 'contraindicated', failing: { 'counters-vs-log': 'LOG_COVERAGE_INCOMPLETE' } });
  const d = chip('newcomer');
  d.run('early', 10n ** 23n);
  const early = d.log.size;
  const newcomerCheckpoint = d.c.send(CMD.checkpoint, {}).checkpoint;
  d.run('late', 10n ** 23n);
  const newcomerNonce = key('newcomer nonce').subarray(0, 16);
  const fromOwnBase = collectEvidence(d.c, { nonce: newcomerNonce, knownSizes: [early], discloseFrom: early, openings: d.openings, licences: [d.licence] });
  const newcomer = encode(evidenceBundle.toCbor({ ...evidenceBundle.parse(decode(fromOwnBase), 'b'), checkpoints: [newcomerCheckpoint] }));
  s.add('new-chip-own-base', 'A chip never seen offers its own older checkpoint as the base and discloses only the entries after it: the base of a new chip is the empty log', newcomer, newcomerNonce, T0 + 80, { status: 'contraindicated', failing: { 'counters-vs-log': 'LOG_COVERAGE_INCOMPLETE' } });
  // A licence issued again under the same id, with a higher sequence number: a chip whose only replay
  // defence is the sequence accepts it, and the log shows the id installed twice.
  const e = chip('twice');
  e.run('first-grant', 10n ** 24n);
  const again = authority.issueLicence({ ...e.claims, sequenceNumber: 2 }, [0, 1]);
  e.c.send(CMD.installLicence, { licence: again });
  e.run('second-grant', 10n ** 24n);
  const twice = e.evidence({ licences: [e.licence, again] });
  s.add('licence-reinstalled', 'One licence id installed twice: its quota would count twice', twice.bundle, twice.nonce, T0 + 90, { status: 'contraindicated', failing: { licence: 'LICENCE_REINSTALLED' } });
  // The honest chip's own frontier from the remembered size, one hash short: no link, and no inclusion.
  // Last, so that the victim's further work changes no earlier vector.
  const affirmedLast = a.log.size;
  a.run('train-1', 10n ** 22n);
  const shortNonce = key('short frontier nonce').subarray(0, 16);
  const { consistencyReceipts: _shortReceipts, ...shortParts } = evidenceBundle.parse(decode(collectEvidence(a.c, { nonce: shortNonce, knownTreeSize: affirmedLast, openings: a.openings, licences: [a.licence], proofs: 'frontier' })), 'b');
  if (!shortParts.frontier?.length) throw new Error('frontier-link-wrong-length: expected a frontier');
  s.add('frontier-link-wrong-length', `The honest chip in the frontier form from the remembered size, no consistency receipt, its frontier one hash short of popcount(${affirmedLast}): the link fails (check 10), and the checks that need the anchored head do not run`, encode(evidenceBundle.toCbor({ ...shortParts, frontier: shortParts.frontier.slice(1) })), shortNonce, T0 + 140, { status: 'contraindicated', failing: { 'log-consistency': 'LOG_INCONSISTENT' } });
  return s;
}

const logEntryIndex = (bytes: Uint8Array): number => logEntry.parse(decode(bytes), 'log-entry').index;

interface MemoryJson {
  /** The chip this memory is of (hex UEID). */
  readonly ueid: string;
  readonly bootcount: number;
  readonly totalOps: string;
  readonly workloadsRun: number;
  readonly checkpoints: readonly { treeSize: number; rootHash: string; issuedAt: number; totalOps: string }[];
  /** The verifier's clock at its last affirming appraisal of the chip. */
  readonly lastAppraisedAt: number;
  /** Operations run under each licence the chip installed (hex licence id → decimal). */
  readonly licenceUsage: Readonly<Record<string, string>>;
  /** The licence workloads ran under at the remembered head, or null. */
  readonly activeLicence: string | null;
}

interface CheckVector extends Omit<EvidenceVector, 'nonce'> {
  readonly nonce: string | null;
  /** The chip the nonce was issued for (hex UEID), when the verifier challenged a particular one. */
  readonly expectedUeid?: string;
  readonly trust?: unknown;
  readonly reference?: unknown;
  readonly memory?: MemoryJson;
}

/**
 * One vector per check code, each appraised on its own: against a fresh verifier memory, or the one
 * it states, and with the file's inputs unless it overrides them.
 */
function checkVectors(): CheckVector[] {
  const out: CheckVector[] = [];
  const add = (
    id: string,
    description: string,
    ev: { bundle: Uint8Array; nonce: Uint8Array | null; expectedUeid?: Uint8Array },
    now: number,
    intent: { status: string; failing: Record<string, string> },
    over: { trust?: typeof TRUST; reference?: typeof REFERENCE; memory?: MemoryJson } = {},
  ) => {
    const a = appraise(ev.bundle, {
      trust: parseTrustAnchors(over.trust ?? TRUST),
      reference: parseReferenceValues(over.reference ?? REFERENCE),
      policy: parsePolicy(POLICY),
      backend: noble,
      hasher,
      store: withMemory(over.memory),
      now,
      chainCache: new Map(),
      ...(ev.nonce ? { expectedNonce: ev.nonce } : {}),
      ...(ev.expectedUeid ? { expectedUeid: ev.expectedUeid } : {}),
    });
    const failing = Object.fromEntries(a.checks.filter((c) => c.status === 'fail').map((c) => [c.id, c.code!]));
    if (a.status !== intent.status || JSON.stringify(failing) !== JSON.stringify(intent.failing)) {
      throw new Error(`evidence vector ${id}: intended ${intent.status} ${JSON.stringify(intent.failing)}, got ${a.status} ${JSON.stringify(failing)}`);
    }
    out.push({
      id,
      description,
      now,
      nonce: ev.nonce ? hex(ev.nonce) : null,
      ...(ev.expectedUeid ? { expectedUeid: hex(ev.expectedUeid) } : {}),
      bundle: hex(ev.bundle),
      ...over,
      expected: { status: a.status, trustworthinessVector: a.trustworthinessVector, checks: Object.fromEntries(a.checks.map((c) => [c.id, c.status === 'fail' ? c.code! : c.status])) },
    });
  };
  const now = T0 + 10;
  const a = chip('checks-a');
  a.run('train-1', 10n ** 24n);
  const honest = a.evidence();
  const b = chip('checks-b');
  const other = b.evidence({});
  const parts = evidenceBundle.parse(decode(honest.bundle), 'b');
  const otherParts = evidenceBundle.parse(decode(other.bundle), 'b');
  const rebuilt = (change: Partial<typeof parts>) => ({ bundle: encode(evidenceBundle.toCbor({ ...parts, ...change })), nonce: honest.nonce });
  const rogue = new Manufacturer('rogue', key('rogue'));
  add('untrusted-root', 'The device certificate is signed by a manufacturer the verifier does not trust', honest, now, { status: 'contraindicated', failing: { 'certificate-chain': 'CHAIN_UNTRUSTED_ROOT' } }, { trust: { ...TRUST, manufacturers: [{ name: 'rogue', key: keyHex(rogue.publicKey) }] } });
  add('foreign-attestation-key', "Another chip's attestation-key certificate", rebuilt({ attestationKeyCertificate: otherParts.attestationKeyCertificate }), now, { status: 'contraindicated', failing: { 'certificate-chain': 'CHAIN_SIGNATURE_INVALID' } });
  add('foreign-report', "Another chip's report in this chip's bundle", rebuilt({ report: otherParts.report }), now, { status: 'contraindicated', failing: { 'report-signature': 'REPORT_SIGNATURE_INVALID' } });
  const reportClaims = attestationReportClaims.parse(decode(decodeSign1(parts.report).payload!), 'r');
  const ak = attestationKey(a.c.state!, a.c.env);
  add('report-contradicts-chain', 'The attestation key signs a report naming another hardware model', rebuilt({ report: signClaims(attestationReportClaims, { ...reportClaims, hwmodel: utf8('other-model') }, ak) }), now, { status: 'contraindicated', failing: { 'report-signature': 'CHAIN_MISMATCH' } });
  // The OEM id (device-certificate.md §1.1): required in the report, equal to the certified one, and
  // what a hardware model's reference values are looked up under.
  const withoutOemid = decode(decodeSign1(parts.report).payload!) as Map<number, unknown>;
  withoutOemid.delete(CLAIM.oemid);
  const reportWithoutOemid = signSign1(encode(withoutOemid as never), { alg: ak.alg, privateKey: ak.privateKey, kid: ak.kid }, { protectedHeaders: typHeaders(attestationReportClaims.typ) });
  add('report-without-oemid', "The chip's attestation key signs a typed report without the oemid claim (RFC 9711 §4.2.3), as v1 drafts did", rebuilt({ report: reportWithoutOemid }), now, { status: 'contraindicated', failing: { encoding: 'MESSAGE_MISSING_FIELD' } });
  add('report-oemid-not-certified', 'The attestation key signs a report naming another OEM id than its device certificate', rebuilt({ report: signClaims(attestationReportClaims, { ...reportClaims, oemid: key('another oem').subarray(0, 16) }, ak) }), now, { status: 'contraindicated', failing: { 'report-signature': 'CHAIN_MISMATCH' } });
  // Explicit typing (specs/cose.md §7.2): the same attestation key signs checkpoints and reports, so a
  // message of one family in the other's place must be refused by its typ, before its claims are read.
  const checkpointAsReport = a.c.send(CMD.checkpoint, {}).checkpoint;
  add('checkpoint-as-report', "A checkpoint, signed by the chip's own attestation key, in the report's place", rebuilt({ report: checkpointAsReport }), now, { status: 'contraindicated', failing: { encoding: 'COSE_TYPE_MISMATCH' } });
  const untypedReport = signSign1(decodeSign1(parts.report).payload!, { alg: ak.alg, privateKey: ak.privateKey, kid: ak.kid });
  add('report-untyped', "The report's own claims and key, signed without the typ header", rebuilt({ report: untypedReport }), now, { status: 'contraindicated', failing: { encoding: 'COSE_TYPE_MISMATCH' } });
  add('device-revoked', 'The chip is on the revocation list', honest, now, { status: 'contraindicated', failing: { revocation: 'DEVICE_REVOKED' } }, { trust: { ...TRUST, revoked: { ueids: [hex(a.ueid)], keyIds: [] } } });
  add('key-revoked', 'The attestation key is on the revocation list', honest, now, { status: 'contraindicated', failing: { revocation: 'KEY_REVOKED' } }, { trust: { ...TRUST, revoked: { ueids: [], keyIds: [hex(keyThumbprint(ak.publicKey))] } } });
  add('root-revoked', "The manufacturer root that anchors the chain is on the revocation list", honest, now, { status: 'contraindicated', failing: { revocation: 'KEY_REVOKED' } }, { trust: { ...TRUST, revoked: { ueids: [], keyIds: [hex(keyThumbprint(manufacturer.publicKey))] } } });
  add('nonce-missing', 'The policy requires a nonce and none is expected', { bundle: honest.bundle, nonce: null }, now, { status: 'contraindicated', failing: { freshness: 'NONCE_MISSING' } });
  add('nonce-wrong-chip', "Another chip's honest report answering the nonce the verifier issued for this chip (security.md §11)", { ...other, expectedUeid: a.ueid }, now, { status: 'contraindicated', failing: { freshness: 'NONCE_WRONG_CHIP' } });
  add('report-stale', 'The report is 601 s old; the policy allows 600', honest, T0 + 601, { status: 'contraindicated', failing: { freshness: 'REPORT_STALE' } });
  add('report-from-future', 'The report claims a time 61 s ahead of the verifier clock; by that clock the licence had not begun, so its usage is implausible too', honest, T0 - 61, { status: 'contraindicated', failing: { freshness: 'REPORT_FROM_FUTURE', 'usage-rate': 'USAGE_IMPLAUSIBLE' } });
  add('model-unknown', 'No reference values for the model', honest, now, { status: 'contraindicated', failing: { firmware: 'MODEL_UNKNOWN' } }, { reference: { models: [{ ...REFERENCE.models[0]!, hwmodel: 'another-model' }] } });
  add('model-of-another-oem', "Reference values for a model of the same name from another OEM: hwmodel means something only relative to oemid (RFC 9711 §4.2.4)", honest, now, { status: 'contraindicated', failing: { firmware: 'MODEL_UNKNOWN' } }, { reference: { models: [{ ...REFERENCE.models[0]!, oemid: hex(key('another oem').subarray(0, 16)) }] } });
  add('firmware-unknown', 'The firmware is not a known-good measurement', honest, now, { status: 'contraindicated', failing: { firmware: 'FIRMWARE_UNKNOWN' } }, { reference: { models: [{ ...REFERENCE.models[0]!, firmware: [{ measurement: 'ab'.repeat(32), svn: 1, name: 'other' }] }] } });
  add('svn-too-low', 'The firmware SVN is below the minimum', honest, now, { status: 'contraindicated', failing: { firmware: 'FIRMWARE_SVN_TOO_LOW' } }, { reference: { models: [{ ...REFERENCE.models[0]!, minimumSvn: 2 }] } });
  const stored = (over: Partial<MemoryJson>): MemoryJson => ({ ueid: hex(a.ueid), bootcount: 0, totalOps: '0', workloadsRun: 0, checkpoints: [], lastAppraisedAt: T0, licenceUsage: {}, activeLicence: null, ...over });
  // Signed notes (checkpoint.md §2): under the log key the device identity key certified, with the
  // certified origin, of a head the COSE statements give.
  const noted = a.evidence({ withNote: true });
  const notedParts = evidenceBundle.parse(decode(noted.bundle), 'b');
  const withNotes = (change: Partial<typeof notedParts>) => ({ bundle: encode(evidenceBundle.toCbor({ ...notedParts, ...change })), nonce: noted.nonce });
  const log = logIdentity(a.c.state!, a.c.env);
  const notedHead = attestationReportClaims.parse(decode(decodeSign1(notedParts.report).payload!), 'r').logHead;
  const rogueLogKey = signingKey(-8, key('a log key no device certified'));
  add('note-uncertified-log-key', 'A note of the right origin and head signed by a log key the device identity key did not certify', withNotes({ notes: [renderSignedNote(log.origin, notedHead.treeSize, notedHead.rootHash, rogueLogKey)] }), now, { status: 'contraindicated', failing: { 'log-consistency': 'NOTE_SIGNATURE_INVALID' } });
  const rogueCertificate = signClaims(logKeyCertificateClaims, { ueid: a.ueid, cnf: { coseKey: rogueLogKey.publicKey }, origin: log.origin }, deviceIdentityKey(b.c.state!, b.c.env));
  add('log-key-certified-by-another-device', "A note under a log key whose certificate another chip's device identity key signed", withNotes({ logKeyCertificate: rogueCertificate, notes: [renderSignedNote(log.origin, notedHead.treeSize, notedHead.rootHash, rogueLogKey)] }), now, { status: 'contraindicated', failing: { 'log-consistency': 'LOG_KEY_UNCERTIFIED' } });
  add('note-without-log-key-certificate', 'A note carried without the log-key certificate', withNotes({ logKeyCertificate: undefined as never }), now, { status: 'contraindicated', failing: { 'log-consistency': 'LOG_KEY_UNCERTIFIED' } });
  add('note-ueid-origin', 'A note under the certified log key but the origin of earlier drafts, hemkit/ueid/<UEID>, which publishes the UEID', withNotes({ notes: [renderSignedNote(`hemkit/ueid/${hex(a.ueid)}`, notedHead.treeSize, notedHead.rootHash, log.key)] }), now, { status: 'contraindicated', failing: { 'log-consistency': 'NOTE_MISMATCH' } });
  add('note-malformed', 'A note with a fourth text line (an extension line, which hemkit notes never carry)', withNotes({ notes: [notedParts.notes![0]!.replace('\n\n', '\nextension\n\n')] }), now, { status: 'contraindicated', failing: { 'log-consistency': 'NOTE_MALFORMED' } });
  add('note-of-unstated-head', 'A note under the certified log key of a head that no COSE checkpoint or report in the bundle states', withNotes({ notes: [renderSignedNote(log.origin, notedHead.treeSize - 1, a.log.root(notedHead.treeSize - 1), log.key)] }), now, { status: 'contraindicated', failing: { 'log-consistency': 'NOTE_MISMATCH' } });
  add('bootcount-backwards', 'The verifier saw boot count 9 before; the report says 1', honest, now, { status: 'contraindicated', failing: { rollback: 'BOOTCOUNT_WENT_BACKWARDS' } }, { memory: stored({ bootcount: 9 }) });
  // Where the log-key certificate and the issuer-set updates are decoded (encoding.md §13 layer 6).
  const aCheckpoint = a.c.send(CMD.checkpoint, {}).checkpoint;
  add('log-key-certificate-of-another-family', 'A checkpoint in the log-key certificate\'s place, no notes carried: decoded by check encoding like every signed member, so COSE_TYPE_MISMATCH there', rebuilt({ logKeyCertificate: aCheckpoint }), now, { status: 'contraindicated', failing: { encoding: 'COSE_TYPE_MISMATCH' } });
  add('issuer-update-not-a-statement', 'A checkpoint in the place of an issuer-set update: check encoding does not decode updates; check licence does, first, as k-of-n statements (LICENCE_MALFORMED)', rebuilt({ issuerUpdates: [aCheckpoint] }), now, { status: 'contraindicated', failing: { licence: 'LICENCE_MALFORMED' } });
  // Check 13 at the base's size (verifier.md §5 note 13): the counters must not have moved.
  const atHead = { treeSize: reportClaims.logHead.treeSize, rootHash: hex(reportClaims.logHead.rootHash), issuedAt: T0 };
  add('counters-moved-at-remembered-size', 'The verifier remembers the head (same size, same root) with no operations run; the report at that size counts 10^24: no entry can account for them', honest, now, { status: 'contraindicated', failing: { 'counters-vs-log': 'COUNTERS_LOG_MISMATCH' } }, { memory: stored({ checkpoints: [{ ...atHead, totalOps: '0' }] }) });
  add('foreign-checkpoint', "Another chip's checkpoint", rebuilt({ checkpoints: [b.c.send(CMD.checkpoint, {}).checkpoint] }), now, { status: 'contraindicated', failing: { 'log-consistency': 'CHECKPOINT_SIGNATURE_INVALID' } });
  const inflated = signClaims(checkpointClaims, { ...checkpointClaims.parse(decode(decodeSign1(a.c.send(CMD.checkpoint, {}).checkpoint).payload!), 'c'), counters: { ...reportClaims.counters, totalOps: reportClaims.counters.totalOps + 1n } }, ak);
  add('checkpoint-counts-more', 'A carried checkpoint of the head\'s size counts more operations than the report', rebuilt({ checkpoints: [inflated] }), now, { status: 'contraindicated', failing: { 'log-consistency': 'CHECKPOINT_MISMATCH' } });
  const earlier = a.c.send(CMD.checkpoint, {}).checkpoint;
  a.run('train-1', 1n);
  const later = a.evidence();
  const laterParts = evidenceBundle.parse(decode(later.bundle), 'b');
  add('unlinked-checkpoint', 'A carried older checkpoint that no receipt links to the report\'s head', { bundle: encode(evidenceBundle.toCbor({ ...laterParts, checkpoints: [earlier] })), nonce: later.nonce }, now, { status: 'contraindicated', failing: { 'log-consistency': 'CONSISTENCY_PROOF_MISSING' } });
  const withReceipt = a.evidence({ knownSizes: [3] });
  add('missing-consistency', 'The verifier holds a checkpoint of size 3 and no receipt links it to the head', later, now, { status: 'contraindicated', failing: { 'log-consistency': 'CONSISTENCY_PROOF_MISSING' } }, { memory: stored({ checkpoints: [{ treeSize: 3, rootHash: hex(a.log.root(3)), issuedAt: T0, totalOps: '0' }] }) });
  add('rewritten-history', 'The receipt does not lead from the root the verifier holds for size 3', withReceipt, now, { status: 'contraindicated', failing: { 'log-consistency': 'LOG_INCONSISTENT' } }, { memory: stored({ checkpoints: [{ treeSize: 3, rootHash: hex(key('a rewritten root')), issuedAt: T0, totalOps: '0' }] }) });
  const entries = [...parts.entries!];
  entries[1] = { ...entries[1]!, receipt: entries[2]!.receipt! };
  add('swapped-receipt', "A disclosed entry carries another entry's inclusion receipt", rebuilt({ entries }), now, { status: 'contraindicated', failing: { inclusion: 'ENTRY_NOT_INCLUDED' } });
  add('licence-not-presented', 'The report names a licence the bundle does not carry', rebuilt({ licences: undefined as never }), now, { status: 'contraindicated', failing: { licence: 'LICENCE_NOT_PRESENTED' } });
  add('licence-threshold', 'The verifier requires 3 of 3 issuers; the licence has 2', honest, now, { status: 'contraindicated', failing: { licence: 'LICENCE_TOO_FEW_SIGNATURES' } }, { trust: { ...TRUST, licenceIssuers: { ...TRUST.licenceIssuers, threshold: 3 } } });
  issuerRotation(add);
  const skew = chip('checks-skew');
  skew.run('train-1', 10n ** 20n);
  skew.c.state = { ...skew.c.state!, counters: { ...skew.c.state!.counters, totalOps: skew.c.state!.counters.totalOps + 5n } };
  add('counters-disagree', 'Firmware that counts five operations it never logged', skew.evidence(), now, { status: 'contraindicated', failing: { 'counters-vs-log': 'COUNTERS_LOG_MISMATCH' } });
  const generous = chip('checks-generous');
  generous.c.state = { ...generous.c.state!, licence: { ...generous.c.state!.licence!, remainingQuota: 10n ** 26n } };
  add('quota-inflated', 'Firmware that reports more remaining quota than the licence grants', generous.evidence(), now, { status: 'contraindicated', failing: { licence: 'LICENCE_QUOTA_EXCEEDED' } });
  const tally = chip('checks-tally');
  tally.run('train-1', 10n ** 20n);
  tally.c.state = { ...tally.c.state!, licence: { ...tally.c.state!.licence!, remainingQuota: tally.c.state!.licence!.remainingQuota + 5n } };
  add('quota-disagrees', 'Firmware that reports five operations more remaining than its quota less its logged usage', tally.evidence(), now, { status: 'contraindicated', failing: { licence: 'LICENCE_UNACCOUNTED' } });
  frozenClock(add, stored);
  const late = chip('checks-late');
  late.c.state = { ...late.c.state!, licence: { ...late.c.state!.licence!, expiry: T0 + 10 * 86_400 } };
  late.clock.time = T0 + 2 * 86_400;
  late.run('train-1', 10n);
  add('past-expiry', 'Firmware that keeps running after its licence expired', late.evidence(), T0 + 2 * 86_400 + 5, { status: 'contraindicated', failing: { licence: 'LICENCE_OUT_OF_WINDOW' } });
  // Firmware that skips licence.md §6 step 6a: it installs a licence requiring SVN 2 while SVN 1 is
  // in force (the log's boot entry says so) and runs a workload under it (verifier.md §5.2).
  const lax = chip('checks-minimum-svn');
  const demanding = authority.issueLicence({ ...lax.claims, licenceId: key('evidence licence checks-minimum-svn 2').subarray(0, 16), sequenceNumber: 2, minimumSvn: 2 }, [0, 2]);
  lax.c.state = { ...lax.c.state!, svn: 2 };
  lax.c.send(CMD.installLicence, { licence: demanding });
  lax.c.state = { ...lax.c.state!, svn: 1 };
  lax.run('train-1', 10n ** 20n);
  add('licence-svn-too-low', 'Firmware that installs, and runs a workload under, a licence requiring SVN 2 while the log shows SVN 1 in force', lax.evidence({ licences: [lax.licence, demanding] }), now, { status: 'contraindicated', failing: { licence: 'LICENCE_SVN_TOO_LOW' } });
  const compromised = chip('checks-rollback');
  compromised.c.state = enterRollbackState(compromised.c.state!, compromised.c.env, 'state generation 3 vs monotonic counter 5');
  add('chip-reports-rollback', 'The chip reports that its own state was restored from a backup', compromised.evidence(), now, { status: 'contraindicated', failing: { 'lock-state': 'CHIP_REPORTS_COMPROMISE' } });
  const debug = chip('checks-debug');
  debug.c.state = { ...debug.c.state!, dbgstat: 0 };
  add('debug-enabled', 'Debug is enabled: a warning, not a contraindication', debug.evidence(), now, { status: 'warning', failing: { debug: 'DEBUG_ENABLED' } });
  add('not-a-bundle', 'Bytes that are not an evidence bundle', { bundle: new Uint8Array([0xa1, 0x01]), nonce: honest.nonce }, now, { status: 'contraindicated', failing: { encoding: 'CBOR_TRUNCATED' } });
  // The order of faults inside checks 5, 9 and 10 (verifier.md §5 notes 5, 9, 10): two faults each.
  add('nonce-mismatch-and-stale', 'A report an hour old that answers another nonce than the one given: the nonce is compared before the report\'s time', { bundle: honest.bundle, nonce: new Uint8Array(16).fill(0x5a) }, now + 3600, { status: 'contraindicated', failing: { freshness: 'NONCE_MISMATCH' } });
  add('counters-and-bootcount-backwards', 'The verifier remembers more operations and a higher boot count than the report states: the counters are compared first', honest, now, { status: 'contraindicated', failing: { rollback: 'COUNTERS_WENT_BACKWARDS' } }, { memory: stored({ bootcount: 9, totalOps: String(10n ** 30n) }) });
  // Not applicable when nothing moved. A chip with debug enabled, so that the vector is a warning and
  // not affirming: the mutation test replays only affirming vectors, and this file's vectors state
  // their own memory rather than build it one after another.
  const still = debug.evidence();
  const stillClaims = attestationReportClaims.parse(decode(decodeSign1(evidenceBundle.parse(decode(still.bundle), 'b').report).payload!), 'r');
  const stillLicence = hex(stillClaims.licenceState!.licenceId);
  add('counters-still-at-remembered-size', 'The verifier remembers the head with the report\'s counters: the log has not grown and nothing moved, so counters-vs-log is not applicable (debug is enabled: a warning)', still, now, { status: 'warning', failing: { debug: 'DEBUG_ENABLED' } }, { memory: stored({ ueid: hex(debug.ueid), totalOps: String(stillClaims.counters.totalOps), workloadsRun: stillClaims.counters.workloadsRun, checkpoints: [{ treeSize: stillClaims.logHead.treeSize, rootHash: hex(stillClaims.logHead.rootHash), issuedAt: T0, totalOps: String(stillClaims.counters.totalOps) }], activeLicence: stillLicence, licenceUsage: { [stillLicence]: String(stillClaims.counters.totalOps) } }) });
  const headOf = reportClaims.logHead;
  const beyond = a.c.send(CMD.checkpoint, {}).checkpoint;
  add('checkpoint-beyond-head-counting-more', 'A carried checkpoint of a later, larger log, which also counts more than the report: not exceeding the head is checked before the counts', rebuilt({ checkpoints: [beyond] }), now, { status: 'contraindicated', failing: { 'log-consistency': 'LOG_TRUNCATED' } });
  const forked = signClaims(checkpointClaims, { ...checkpointClaims.parse(decode(decodeSign1(aCheckpoint).payload!), 'c'), rootHash: key('another root of the head\'s size') }, ak);
  add('checkpoint-forks-head', 'A carried checkpoint of the head\'s size and counters, signed by the attestation key, with another root: LOG_FORK, not CHECKPOINT_MISMATCH', rebuilt({ checkpoints: [forked] }), now, { status: 'contraindicated', failing: { 'log-consistency': 'LOG_FORK' } });
  add('remembered-fork-and-foreign-checkpoint', "The verifier remembers another root for the head's size, and the bundle carries another chip's checkpoint: the remembered head is compared first", rebuilt({ checkpoints: [b.c.send(CMD.checkpoint, {}).checkpoint] }), now, { status: 'contraindicated', failing: { 'log-consistency': 'LOG_FORK' } }, { memory: stored({ checkpoints: [{ treeSize: headOf.treeSize, rootHash: hex(key('a remembered other root')), issuedAt: T0, totalOps: '0' }] }) });
  frontierRefusals(add);
  return out;
}

/**
 * The frontier form (verifier.md §2, merkle.md §9): the entries from index 3 of a chip, proven by the
 * frontier of the 3 before them (popcount(3) = 2 hashes). Each alteration leads to another root than
 * the report's head, or is no bundle at all; and a frontier proves entries, it does not move the base.
 */
function frontierRefusals(add: AddVector): void {
  const now = T0 + 10;
  const f = chip('checks-frontier');
  f.run('train-1', 10n ** 24n);
  f.run('train-2', 10n ** 23n);
  f.run('train-3', 10n ** 23n);
  const from3 = f.evidence({ discloseFrom: 3, proofs: 'frontier' });
  const parts = evidenceBundle.parse(decode(from3.bundle), 'b');
  if (parts.frontier?.length !== 2 || parts.entries!.length < 4) throw new Error(`frontier vectors: expected a frontier of 2 hashes and at least 4 entries, got ${parts.frontier?.length} and ${parts.entries?.length}`);
  const rebuilt = (change: Partial<typeof parts>) => ({ bundle: encode(evidenceBundle.toCbor({ ...parts, ...change })), nonce: from3.nonce });
  const refused = { status: 'contraindicated', failing: { inclusion: 'ENTRY_NOT_INCLUDED' } };
  add('frontier-new-chip-own-base', 'A chip never seen discloses only the entries from index 3, proven by the frontier of the 3 before them: proven, but the base of a new chip is the empty log', from3, now, { status: 'contraindicated', failing: { 'counters-vs-log': 'LOG_COVERAGE_INCOMPLETE' } });
  const altered = parts.frontier.map((h, i) => (i === 1 ? Uint8Array.from(h, (b, j) => (j === 0 ? b ^ 1 : b)) : h));
  add('frontier-altered', 'One hash of the frontier changed: the entries lead to another root than the report\'s log head', rebuilt({ frontier: altered }), now, refused);
  add('frontier-wrong-length', 'A frontier of 1 hash before entry 3, which needs popcount(3) = 2 (merkle.md §9, MERKLE_PROOF_WRONG_LENGTH)', rebuilt({ frontier: parts.frontier.slice(1) }), now, refused);
  add('frontier-entry-withheld', 'One entry withheld from the middle of the range: the next stands at another index than it says', rebuilt({ entries: parts.entries!.filter((_, i) => i !== 1) }), now, refused);
  add('frontier-short-of-head', 'The last entry withheld: the range does not reach the report\'s log head, which is all a frontier can be checked against', rebuilt({ entries: parts.entries!.slice(0, -1) }), now, refused);
  const swapped = [...parts.entries!];
  [swapped[1], swapped[2]] = [{ ...swapped[2]! }, { ...swapped[1]! }];
  add('frontier-entries-reordered', 'Two entries in each other\'s place', rebuilt({ entries: swapped }), now, refused);
  // Not bundles (verifier.md §2): edited as CBOR maps, since the bundle's encoder refuses to make them.
  const edited = (change: (map: Map<CborMapKey, CborValue>) => void) => {
    const map = decode(from3.bundle) as Map<CborMapKey, CborValue>;
    change(map);
    return { bundle: encode(map), nonce: from3.nonce };
  };
  const receipt = evidenceBundle.parse(decode(f.evidence({ discloseFrom: 3 }).bundle), 'b').entries![0]!.receipt!;
  add('frontier-with-receipt', 'A bundle with a frontier whose first entry also carries an inclusion receipt: two forms mixed', edited((m) => (m.get(6) as Map<CborMapKey, CborValue>[])[0]!.set(2, receipt)), now, { status: 'contraindicated', failing: { encoding: 'MESSAGE_INVALID_FIELD' } });
  add('frontier-without-entries', 'A frontier and no entries for it to prove', edited((m) => m.delete(6)), now, { status: 'contraindicated', failing: { encoding: 'MESSAGE_MISSING_FIELD' } });
  add('receipt-missing', 'No frontier, and one disclosed entry without its inclusion receipt', edited((m) => {
    m.delete(11);
    for (const e of m.get(6) as Map<CborMapKey, CborValue>[]) e.set(2, receipt);
    (m.get(6) as Map<CborMapKey, CborValue>[])[1]!.delete(2);
  }), now, { status: 'contraindicated', failing: { encoding: 'MESSAGE_MISSING_FIELD' } });
}

type AddVector = (
  id: string,
  description: string,
  ev: { bundle: Uint8Array; nonce: Uint8Array | null },
  now: number,
  intent: { status: string; failing: Record<string, string> },
  over?: { trust?: typeof TRUST; reference?: typeof REFERENCE; memory?: MemoryJson },
) => void;

/**
 * A frozen clock (specs/security.md §4): the verifier affirmed the chip late in its licence's window;
 * the operator stops the chip's clock, runs far more than the rest of the window allows at a realistic
 * peak rate, and moves the clock on only to attest. Appraised against the memory the first appraisal
 * left, with the realistic rate as the model's reference value.
 */
/**
 * Issuer rotation (licence.md §5a; verifier.md §5, check 14): issuers 0 and 1 replace the set with
 * three new issuers, and the new set licenses the chip. The verifier, anchored on the provisioned set,
 * follows the update the bundle carries; without it, or for a licence the old set signed after the
 * rotation, it refuses.
 */
function issuerRotation(add: AddVector): void {
  const now = T0 + 10;
  const rotated = ROTATED;
  const rotate = (name: string) => {
    const r = chip(name);
    r.run('train-1', 10n ** 20n);
    const update = authority.issueIssuerSetUpdate({ ueid: r.ueid, issuerSetSequence: 1, issuerKeys: rotated.publicKeys, issuerThreshold: 2, issuedAt: T0 }, [0, 1]);
    r.c.send(CMD.updateIssuers, { update });
    return { ...r, update, next: { ...r.claims, licenceId: key(`evidence licence ${name} 2`).subarray(0, 16), sequenceNumber: 2 } };
  };
  const r = rotate('checks-rotation');
  const licence2 = rotated.issueLicence(r.next, [1, 2]);
  r.c.send(CMD.installLicence, { licence: licence2 });
  r.run('train-2', 10n ** 20n);
  const both = [r.licence, licence2];
  // An affirming bundle that carries an update is evidence-honest.json's third-appraisal-after-issuer-rotation: here only the refusals.
  add('issuers-update-not-presented', 'The log applies an issuer-set update that the bundle does not carry', r.evidence({ licences: both }), now, { status: 'contraindicated', failing: { licence: 'ISSUERS_UPDATE_NOT_PRESENTED' } });
  const forged = rotated.issueIssuerSetUpdate(issuerSetUpdateClaims.parse(decode(decodeSign(r.update).payload!), 'u'), [0, 1]);
  add('issuers-update-self-signed', 'The bundle carries, in place of the update, the same claims signed by the new issuers themselves', r.evidence({ licences: both, issuerUpdates: [forged] }), now, { status: 'contraindicated', failing: { licence: 'LICENCE_UNKNOWN_SIGNER' } });
  // Firmware that kept the old issuers installs a licence the revoked issuers signed after the rotation.
  const stale = rotate('checks-rotation-stale');
  stale.c.state = { ...stale.c.state!, provisioning: { ...stale.c.state!.provisioning!, issuerKeys: authority.publicKeys } };
  const byRevoked = authority.issueLicence(stale.next, [0, 1]);
  stale.c.send(CMD.installLicence, { licence: byRevoked });
  stale.run('train-2', 10n ** 20n);
  add('licence-by-revoked-issuers', 'Firmware that kept the old issuers installs, after the rotation it logged, a licence signed only by revoked issuers', stale.evidence({ licences: [stale.licence, byRevoked], issuerUpdates: [stale.update] }), now, { status: 'contraindicated', failing: { licence: 'LICENCE_UNKNOWN_SIGNER' } });
}

function frozenClock(add: AddVector, stored: (over: Partial<MemoryJson>) => MemoryJson): void {
  const f = chip('checks-frozen');
  const reference = { models: [{ ...REFERENCE.models[0]!, peakOpsPerSecond: REALISTIC_PEAK }] };
  const inputs = { trust: parseTrustAnchors(TRUST), reference: parseReferenceValues(reference), policy: parsePolicy(POLICY), backend: noble, hasher };
  const store = new MemoryVerifierStore();
  f.clock.time = T0 + 86_000;
  f.run('before', 10n ** 19n);
  const first = f.evidence();
  const a = appraise(first.bundle, { ...inputs, store, now: T0 + 86_005, expectedNonce: first.nonce });
  if (a.status !== 'affirming') throw new Error(`frozen-clock: the honest first appraisal gave ${a.status}`);
  const m = store.getChip(f.ueid)!;
  const size = m.latestCheckpoint!.treeSize;
  f.run('while-frozen', 10n ** 21n);
  f.clock.time = T0 + 2 * 86_400;
  const late = f.evidence({ knownTreeSize: size });
  const memory = stored({
    ueid: hex(f.ueid),
    bootcount: m.bootcount,
    totalOps: m.totalOps.toString(),
    workloadsRun: m.workloadsRun,
    checkpoints: m.checkpoints.map((c) => ({ treeSize: c.treeSize, rootHash: hex(c.rootHash), issuedAt: c.issuedAt, totalOps: c.totalOps.toString() })),
    lastAppraisedAt: m.lastAppraisedAt,
    licenceUsage: Object.fromEntries([...m.licenceUsage].map(([id, used]) => [id, used.toString()])),
    activeLicence: m.activeLicence ?? null,
  });
  add('frozen-clock', 'Usage the rest of the licence window could not hold at the model\'s peak rate: the chip\'s clock stood still', late, T0 + 2 * 86_400 + 5, { status: 'contraindicated', failing: { 'usage-rate': 'USAGE_IMPLAUSIBLE' } }, { reference, memory });
}

/** A store holding a stated memory for one chip, for the vectors that start from one. */
function withMemory(memory: MemoryJson | undefined): MemoryVerifierStore {
  const store = new MemoryVerifierStore();
  if (memory === undefined) return store;
  const ueid = new Uint8Array(Buffer.from(memory.ueid, 'hex'));
  store.appraise(ueid, () => ({
    result: 0,
    update: {
      ueid,
      bootcount: memory.bootcount,
      totalOps: BigInt(memory.totalOps),
      workloadsRun: memory.workloadsRun,
      checkpoints: memory.checkpoints.map((c) => ({ treeSize: c.treeSize, rootHash: Buffer.from(c.rootHash, 'hex'), issuedAt: c.issuedAt, totalOps: BigInt(c.totalOps) })),
      appraisedAt: memory.lastAppraisedAt,
      licenceUsage: new Map(Object.entries(memory.licenceUsage).map(([id, used]) => [id, BigInt(used)])),
      activeLicence: memory.activeLicence ?? undefined,
    },
  }));
  return store;
}

export const RESULT_FORMAT = 'hemkit-attestation-result/v1';
const RESULT_VERIFIER = { developer: 'hemkit', build: 'vectors' };
const RESULT_KEY = signingKey(-8, key('verifier result key'));

/** An appraisal as a result vector states it: what resultClaims reads (specs/test-vectors.md §2.13). */
const appraisalJson = (a: Appraisal) => ({
  ueid: a.ueid ? hex(a.ueid) : null,
  status: a.status,
  trustworthinessVector: a.trustworthinessVector,
  nonce: a.nonce ? hex(a.nonce) : null,
  checks: a.checks.map((c) => ({ id: c.id, status: c.status, ...(c.code ? { code: c.code } : {}), message: c.message })),
});

/**
 * Signed attestation results (specs/messages/attestation-result.md): appraisals, the terms the
 * verifier issues them under, and the claims, the COSE_Sign1 and the JSON form it makes of them.
 */
function resultVectors(): VectorBase[] {
  const now = T0 + 10;
  const inputs = { trust: parseTrustAnchors(TRUST), reference: parseReferenceValues(REFERENCE), policy: parsePolicy(POLICY), backend: noble, hasher, chainCache: new Map() };
  const a = chip('result-a');
  a.run('train-1', 10n ** 24n);
  const honest = a.evidence();
  const b = chip('result-b');
  const substitute = b.evidence();
  const affirmed = appraise(honest.bundle, { ...inputs, store: new MemoryVerifierStore(), now, expectedNonce: honest.nonce });
  const wrongChip = appraise(substitute.bundle, { ...inputs, store: new MemoryVerifierStore(), now, expectedNonce: substitute.nonce, expectedUeid: a.ueid });
  const unreadable = appraise(new Uint8Array([0xa1, 0x01]), { ...inputs, store: new MemoryVerifierStore(), now, expectedNonce: honest.nonce });
  if (affirmed.status !== 'affirming' || wrongChip.status !== 'contraindicated' || unreadable.ueid !== undefined) throw new Error('result vectors: unexpected appraisals');
  const out: VectorBase[] = [];
  const add = (id: string, description: string, appraisals: Appraisal[], terms: ResultTerms, code?: string) => {
    const stated = { appraisals: appraisals.map(appraisalJson), issuedAt: now, terms };
    if (code !== undefined) {
      try {
        signResult(appraisals, now, RESULT_VERIFIER, terms, RESULT_KEY, noble);
      } catch (e) {
        if (!(e instanceof HemkitError) || e.code !== code) throw e;
        out.push({ id, description, ...stated, result: 'invalid', code });
        return;
      }
      throw new Error(`result vector ${id}: expected ${code}`);
    }
    out.push({
      id,
      description,
      ...stated,
      result: 'valid',
      claims: hex(encode(resultClaims(appraisals, now, RESULT_VERIFIER, terms))),
      signed: hex(signResult(appraisals, now, RESULT_VERIFIER, terms, RESULT_KEY, noble)),
      json: resultToJson(appraisals, now, RESULT_VERIFIER, terms),
    } as VectorBase);
  };
  add('affirming-default-terms', 'An affirming appraisal under the default policy: exp is iat + 600, no audience', [affirmed], { policyId: 'hemkit/v1/default' });
  add('contraindicated-with-audience', "A report of another chip than the one challenged (NONCE_WRONG_CHIP), for a named relying party, under a policy with maxAgeSeconds 120", [wrongChip], { policyId: 'hemkit/v1/strict', maxAgeSeconds: 120, audience: 'relying-party-1' });
  add('two-chips-explicit-expiry', 'Two appraisals in one result, one of bytes that name no chip (submodule "unidentified", no nonce); an expiry given outright', [affirmed, unreadable], { policyId: 'hemkit/v1/default', expiresAt: now + 3600 });
  add('expiry-before-issue', 'An expiry earlier than iat is refused before anything is signed', [affirmed], { policyId: 'hemkit/v1/default', expiresAt: now - 1 }, 'VERIFIER_INPUT_INVALID');
  add('empty-audience', 'An empty audience is refused', [affirmed], { policyId: 'hemkit/v1/default', audience: '' }, 'VERIFIER_INPUT_INVALID');
  add('negative-max-age', 'A negative maxAgeSeconds is refused', [affirmed], { policyId: 'hemkit/v1/default', maxAgeSeconds: -1 }, 'VERIFIER_INPUT_INVALID');
  add('same-chip-twice', 'Two appraisals of one chip in one result would share a submodule name: refused', [affirmed, affirmed], { policyId: 'hemkit/v1/default' }, 'VERIFIER_INPUT_INVALID');
  return out;
}

/**
 * What a relying party does with a signed result (attestation-result.md §1.2): each vector is a
 * signed result, the receiver's clock and name, and what it reads, or the code it refuses with.
 * Results with edited claims are signed by the file's verifier key, so only the edit is at fault.
 */
function receivedVectors(): object[] {
  const now = T0 + 10;
  const inputs = { trust: parseTrustAnchors(TRUST), reference: parseReferenceValues(REFERENCE), policy: parsePolicy(POLICY), backend: noble, hasher, chainCache: new Map() };
  const a = chip('result-a');
  a.run('train-1', 10n ** 24n);
  const honest = a.evidence();
  const affirmed = appraise(honest.bundle, { ...inputs, store: new MemoryVerifierStore(), now, expectedNonce: honest.nonce });
  const terms: ResultTerms = { policyId: 'hemkit/v1/default', audience: 'relying-party-1' };
  type Claims = Map<CborMapKey, CborValue>;
  const edited = (edit: (claims: Claims, appraisal: Claims) => void, typ: (typeof TYP)[keyof typeof TYP] = TYP.appraisalResult) => {
    const claims = resultClaims([affirmed], now, RESULT_VERIFIER, terms);
    edit(claims, [...(claims.get(CLAIM.submods) as Claims).values()][0] as Claims);
    return signSign1(encode(claims), { alg: RESULT_KEY.alg, privateKey: RESULT_KEY.privateKey, kid: RESULT_KEY.kid }, { protectedHeaders: typHeaders(typ), backend: noble });
  };
  const out: object[] = [];
  const add = (id: string, description: string, signed: Uint8Array, at: number, audience: string | null, code?: string) => {
    const stated = { id, description, signed: hex(signed), now: at, audience };
    try {
      const r = readResult(signed, { verifierKey: RESULT_KEY.publicKey, now: at, ...(audience === null ? {} : { audience }), backend: noble });
      if (code !== undefined) throw new Error(`received vector ${id}: expected ${code}`);
      const appraisals = Object.fromEntries([...r.appraisals].map(([name, x]) => [name, { status: x.status, trustworthinessVector: Object.fromEntries(x.trustworthinessVector ?? []) }]));
      out.push({ ...stated, result: 'valid', read: { issuedAt: r.issuedAt, expiresAt: r.expiresAt ?? null, audience: r.audience ?? null, appraisals } });
    } catch (e) {
      if (!(e instanceof HemkitError) || e.code !== code) throw e;
      out.push({ ...stated, result: 'invalid', code });
    }
  };
  const plain = signResult([affirmed], now, RESULT_VERIFIER, terms, RESULT_KEY, noble);
  add('as-signed', 'The result as the verifier signs it, read by the relying party it names, at iat', plain, now, 'relying-party-1');
  add('at-expiry', 'The same result read at exp: still usable', plain, now + 600, 'relying-party-1');
  add('unknown-claims', 'Claims the receiver does not know, at the top level (-80000, "ext.name"), in the appraisal (1005) and in the vector (label 9): ignored', edited((c, ap) => {
    c.set(-80000, 'a future extension');
    c.set('ext.name', 1);
    ap.set(1005, new Map([['oemid', new Uint8Array(3)]]));
    (ap.get(CLAIM.earTrustworthinessVector) as Claims).set(9, 96);
  }), now, 'relying-party-1');
  add('after-expiry', 'Read one second after exp', plain, now + 601, 'relying-party-1', 'RESULT_EXPIRED');
  add('other-audience', 'Read by a relying party the result does not name', plain, now, 'relying-party-2', 'RESULT_WRONG_AUDIENCE');
  add('no-audience-given', 'Read by a receiver that gives no name, while the result names one', plain, now, null, 'RESULT_WRONG_AUDIENCE');
  add('profile-05', 'Another EAR profile: another format, not an extension', edited((c) => c.set(CLAIM.eatProfile, 'tag:ietf.org,2026:rats/ear#05')), now, 'relying-party-1', 'RESULT_PROFILE_UNSUPPORTED');
  // Step 2 runs before step 3: no profile names no format, whatever else is wrong (attestation-result.md §1.2).
  add('profile-absent', 'No eat_profile (265) at all: no format this receiver implements', edited((c) => c.delete(CLAIM.eatProfile)), now, 'relying-party-1', 'RESULT_PROFILE_UNSUPPORTED');
  add('profile-absent-and-iat-text', 'No eat_profile and an iat that is text: the profile is step 2, the malformed iat step 3', edited((c) => (c.delete(CLAIM.eatProfile), c.set(CLAIM.iat, 'now'))), now, 'relying-party-1', 'RESULT_PROFILE_UNSUPPORTED');
  add('claims-not-a-map', 'A signed payload that is an array, not a claims set: malformed before any claim is looked for', signSign1(encode(['tag:ietf.org,2026:rats/ear#04']), { alg: RESULT_KEY.alg, privateKey: RESULT_KEY.privateKey, kid: RESULT_KEY.kid }, { protectedHeaders: typHeaders(TYP.appraisalResult), backend: noble }), now, 'relying-party-1', 'RESULT_MALFORMED');
  add('policy-id-not-a-list', 'ear_appraisal_policy_ids (1003) as one text string, as before EAR -04', edited((_, ap) => ap.set(CLAIM.earAppraisalPolicyIds, 'hemkit/v1/default')), now, 'relying-party-1', 'RESULT_MALFORMED');
  add('raw-evidence-bare', 'ear_raw_evidence (1002) as a bare byte string instead of a CMW record', edited((c) => c.set(CLAIM.earRawEvidence, new Uint8Array(4))), now, 'relying-party-1', 'RESULT_MALFORMED');
  add('vector-claim-out-of-range', 'A trustworthiness claim of 200, outside -128..127', edited((_, ap) => (ap.get(CLAIM.earTrustworthinessVector) as Claims).set(0, 200)), now, 'relying-party-1', 'RESULT_MALFORMED');
  add('check-unknown-key', 'An entry of hemkit.checks with a key hemkit does not define: its own structure is closed', edited((_, ap) => (ap.get(CLAIM.checks) as Claims[])[0]!.set(5, 'x')), now, 'relying-party-1', 'RESULT_MALFORMED');
  add('report-typed', 'The claims under the typ of an attestation report', edited(() => {}, TYP.attestationReport), now, 'relying-party-1', 'COSE_TYPE_MISMATCH');
  return out;
}

/** Every evidence vector file, by path under test-vectors/. */
export function generateEvidenceVectors(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, description, make] of [
    ['evidence-honest', 'Honest chips appraised an hour apart, their entries proven by receipts, and by a frontier (verifier.md §2)', honestHistory],
    ['evidence-attacks', 'Attacks on evidence, each caught by the check that names it', attacks],
    ['evidence-memory', 'Second appraisals that what the verifier remembers of the chip\'s head (its SVN, issuer set and memory counter and usage) makes exact (verifier.md §4)', remembered],
  ] as const) {
    const sequence = make();
    const vectors = sequence.vectors;
    const file = { format: EVIDENCE_FORMAT, generator: 'npm run vectors (scripts/vectors/evidence.ts)', description, trust: TRUST, reference: sequence.reference, policy: POLICY, numberOfVectors: vectors.length, vectors };
    files.set(`evidence/${name}.json`, `${JSON.stringify(file, null, 2)}\n`);
  }
  const vectors = checkVectors();
  const file = {
    format: EVIDENCE_FORMAT,
    generator: 'npm run vectors (scripts/vectors/evidence.ts)',
    description: 'One vector per check code; each appraised on its own, against the memory it states (or none) and the inputs it overrides (or the file\'s)',
    independent: true,
    trust: TRUST,
    reference: REFERENCE,
    policy: POLICY,
    numberOfVectors: vectors.length,
    vectors,
  };
  files.set('evidence/evidence-checks.json', `${JSON.stringify(file, null, 2)}\n`);
  files.set(
    'verifier/attestation-results.json',
    renderVectorFile(
      {
        format: RESULT_FORMAT,
        generator: 'npm run vectors (scripts/vectors/evidence.ts)',
        description: 'Signed attestation results: the claims, the COSE_Sign1 and the JSON form a verifier makes of its appraisals under the terms stated',
        verifier: RESULT_VERIFIER,
        verifierKey: { scheme: 'ed25519', privateKey: hex(RESULT_KEY.privateKey), coseKey: keyHex(RESULT_KEY.publicKey) },
        received: receivedVectors(),
      },
      resultVectors(),
    ),
  );
  return files;
}
