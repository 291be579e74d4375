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
import { CMD, evidenceBundle, REPLAY, workloadDescriptor, type LicenceClaims } from '@hemkit/wire/messages';
import { decode } from '@hemkit/wire/cbor';
import {
  collectEvidence,
  FACTORY_FIRMWARE,
  InProcessChip,
  LicenceAuthority,
  ManualClock,
  Manufacturer,
  MemoryLogStore,
  seededRandom,
} from '../../packages/module/src/index.js';
import { appraise, parsePolicy, parseReferenceValues, parseTrustAnchors, type Appraisal } from '../../packages/verifier/src/index.js';
import { MemoryVerifierStore } from '../../packages/verifier/src/store/index.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const key = (label: string) => sha256(utf8(`hemkit vector key: ${label}`));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const T0 = 1_800_000_000;
const noble = getBackend('noble');
const hasher = createMerkleHasher(noble.sha256);

export const EVIDENCE_FORMAT = 'hemkit-evidence/v1';

const manufacturer = new Manufacturer('hemkit-sim-fab', key('manufacturer'));
const authority = new LicenceAuthority([key('issuer-0'), key('issuer-1'), key('issuer-2')], 2);
const keyHex = (k: Parameters<typeof encodeCoseKey>[0]) => hex(encode(encodeCoseKey(k)));

const TRUST = {
  manufacturers: [{ name: 'hemkit-sim-fab', key: keyHex(manufacturer.publicKey) }],
  licenceIssuers: { keys: authority.publicKeys.map(keyHex), threshold: 2 },
  revoked: { ueids: [] as string[], keyIds: [] as string[] },
};
const REFERENCE = { models: [{ hwmodel: 'hemkit-sim-a1', minimumSvn: 1, firmware: [{ measurement: hex(FACTORY_FIRMWARE), svn: 1, name: 'factory v1' }] }] };
const POLICY = { requireNonce: true, maxAgeSeconds: 600, clockSkewSeconds: 60, requireDebugDisabled: true, requireLogCoverage: true, policyId: 'hemkit/v1/default' };

function chip(name: string) {
  const clock = new ManualClock(T0);
  const log = new MemoryLogStore(hasher);
  const c = new InProcessChip({ log, now: clock.now, random: seededRandom(`evidence ${name}`), backend: noble });
  const hwmodel = utf8('hemkit-sim-a1');
  const made = c.send(CMD.manufacture, { hwmodel, uds: key(`evidence uds ${name}`) });
  c.send(CMD.provision, {
    deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, T0),
    issuerKeys: authority.publicKeys,
    issuerThreshold: 2,
    replayDefence: [REPLAY.sequence],
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
  };
  const licence = authority.issueLicence(claims, [0, 2]);
  c.send(CMD.installLicence, { licence });
  const openings = new Map<number, { salt: Uint8Array; descriptor: Uint8Array }>();
  const run = (workloadId: string, ops: bigint) => {
    const descriptor = encode(workloadDescriptor.toCbor({ workloadId }));
    const r = c.send(CMD.runWorkload, { workloadDescriptor: descriptor, precisionClass: 4, ops });
    openings.set(r.finishedIndex!, { salt: r.salt!, descriptor });
    return r;
  };
  let n = 0;
  const evidence = (options: { knownSizes?: number[]; discloseFrom?: number } = {}) => {
    const nonce = key(`evidence nonce ${name} ${++n}`).subarray(0, 16);
    return { nonce, bundle: collectEvidence(c, { nonce, discloseFrom: options.discloseFrom ?? 0, openings, licences: [licence], ...(options.knownSizes ? { knownSizes: options.knownSizes } : {}) }) };
  };
  return { c, clock, log, ueid: made.ueid, run, evidence, openings, licence };
}

interface EvidenceVector {
  readonly id: string;
  readonly description: string;
  readonly now: number;
  readonly nonce: string;
  readonly bundle: string;
  readonly expected: { readonly status: string; readonly checks: Readonly<Record<string, string>> };
}

/** Appraises in sequence against one memory store, checking each outcome against its intent. */
class Sequence {
  private readonly store = new MemoryVerifierStore();
  readonly vectors: EvidenceVector[] = [];
  private readonly inputs = {
    trust: parseTrustAnchors(TRUST),
    reference: parseReferenceValues(REFERENCE),
    policy: parsePolicy(POLICY),
    backend: noble,
    hasher,
  };

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
      expected: { status: a.status, checks: Object.fromEntries(a.checks.map((c) => [c.id, c.status === 'fail' ? c.code! : c.status])) },
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
  const second = a.evidence({ knownSizes: [size1], discloseFrom: size1 });
  s.add('second-appraisal', 'An hour later: linked to the first by a consistency receipt, the new entries disclosed', second.bundle, second.nonce, T0 + 3610, { status: 'affirming' });
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
  const honest = a.evidence({ knownSizes: [seen], discloseFrom: seen });
  s.add('honest-growth', 'The chip runs on and is affirmed again', honest.bundle, honest.nonce, T0 + 30, { status: 'affirming' });
  clone.send(CMD.runWorkload, { workloadDescriptor: encode(workloadDescriptor.toCbor({ workloadId: 'hidden' })), precisionClass: 4, ops: 10n ** 22n });
  const forkNonce = key('fork nonce').subarray(0, 16);
  const forked = collectEvidence(clone, { nonce: forkNonce, knownSizes: [seen], discloseFrom: seen, licences: [a.licence] });
  s.add('forked-log', 'A clone shows another, smaller history of the same log size: two roots for one size, and counters below what was seen', forked, forkNonce, T0 + 40, { status: 'contraindicated', failing: { rollback: 'COUNTERS_WENT_BACKWARDS', checkpoints: 'LOG_FORK' } });
  const lateNonce = key('old bundle nonce').subarray(0, 16);
  const older = collectEvidence(clone, { nonce: lateNonce, discloseFrom: 0, licences: [a.licence] });
  void older;
  const stale = first.bundle;
  s.add('stale-bundle', 'The first bundle again with a fresh nonce expected: wrong nonce, and its counters are below what was seen', stale, lateNonce, T0 + 50, {
    status: 'contraindicated',
    failing: { freshness: 'NONCE_MISMATCH', rollback: 'COUNTERS_WENT_BACKWARDS', checkpoints: 'LOG_TRUNCATED' },
  });
  const b = chip('liar');
  b.run('big-run', 9n * 10n ** 24n);
  const liarNonce = key('liar nonce').subarray(0, 16);
  const lies = new Map([...b.openings].map(([i, o]) => [i, { ...o, descriptor: encode(workloadDescriptor.toCbor({ workloadId: 'small-run' })) }]));
  const lying = collectEvidence(b.c, { nonce: liarNonce, discloseFrom: 0, openings: lies, licences: [b.licence] });
  s.add('false-opening', 'An operator opens a workload entry with a descriptor other than the one committed to', lying, liarNonce, T0 + 60, { status: 'contraindicated', failing: { openings: 'OPENING_MISMATCH' } });
  const c = chip('hider');
  c.run('run', 10n ** 23n);
  const hideNonce = key('hide nonce').subarray(0, 16);
  const full = evidenceBundle.parse(decode(collectEvidence(c.c, { nonce: hideNonce, discloseFrom: 0, licences: [c.licence] })), 'b');
  const hidden = encode(evidenceBundle.toCbor({ ...full, entries: full.entries!.slice(0, -1) }));
  s.add('hidden-entry', 'An operator withholds one entry between checkpoints', hidden, hideNonce, T0 + 70, { status: 'contraindicated', failing: { 'counters-vs-log': 'LOG_COVERAGE_INCOMPLETE' } });
  return s;
}

/** Every evidence vector file, by path under test-vectors/. */
export function generateEvidenceVectors(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, description, make] of [
    ['evidence-honest', 'An honest chip appraised twice, an hour apart', honestHistory],
    ['evidence-attacks', 'Attacks on evidence, each caught by the check that names it', attacks],
  ] as const) {
    const vectors = make().vectors;
    const file = { format: EVIDENCE_FORMAT, generator: 'npm run vectors (scripts/vectors/evidence.ts)', description, trust: TRUST, reference: REFERENCE, policy: POLICY, numberOfVectors: vectors.length, vectors };
    files.set(`evidence/${name}.json`, `${JSON.stringify(file, null, 2)}\n`);
  }
  return files;
}
