/**
 * `npm run demo`: hemkit end to end, on an embedded default with no setup. A manufacturer makes a
 * small fleet of chips; a 2-of-3 licence authority licenses them; they run workloads (one that would
 * pass its quota is refused); a verifier challenges every chip, appraises every bundle, catches the
 * attacks an operator might try, and accounts the fleet's compute against reporting thresholds.
 * Keys, clocks and randomness are fixed, so every run prints the same thing. With `--service` the
 * verifier is the verification service (`hemkit serve`, demo-service.ts) over HTTP, and the tour
 * prints the same.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { decode, encode } from '@hemkit/wire/cbor';
import { getBackend } from '@hemkit/wire/crypto/node';
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import {
  CMD,
  encodeRequest,
  parseResponse,
  REPLAY,
  STATUS_ERROR,
  workloadDescriptor,
  type CommandId,
  type LicenceClaims,
  type ParamsOf,
  type ResultOf,
} from '@hemkit/wire/messages';
import { Device } from '@hemkit/module/device';
import { LicenceAuthority, Manufacturer } from '@hemkit/module/factory';
import { FACTORY_FIRMWARE, SIM_PEAK_OPS_PER_SECOND } from '@hemkit/module/firmware';
import { collectEvidence, InProcessChip, ManualClock, MemoryLogStore, seededRandom, type CommandPort } from '@hemkit/module';
import { appraise, DEFAULT_POLICY, toAppraisedChip, type Appraisal, type AppraisalInputs, type ReferenceValues, type TrustAnchors } from '@hemkit/verifier';
import { accountFleet, renderFleetReport } from '@hemkit/verifier/accounting';
import { SqliteVerifierStore } from '@hemkit/verifier/store/sqlite';
import { bold, cyan, dim, green, hexOf, red } from './output.js';
import { renderAppraisal } from './commands/verifier.js';

/** Where the tour prints (main passes its stdout). */
let out: (line: string) => void = (line) => console.log(line);

const utf8 = (s: string) => new TextEncoder().encode(s);
const seed = (label: string) => sha256(utf8(`hemkit demo: ${label}`));
const T0 = 1_800_000_000; // 2027-01-15
const HWMODEL = utf8('hemkit-sim-a1');
const backend = getBackend('node');
const hasher = createMerkleHasher((d) => backend.sha256(d));

let attacksCaught = 0;
let affirmed = 0;
/** 3500000000000000000000000n → 3.5e24, for people. */
const sci = (n: bigint) => {
  const digits = n.toString();
  const mantissa = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1, 3).replace(/0+$/, '')}` : ''}`.replace(/\.$/, '');
  return `${mantissa}e${digits.length - 1}`;
};
const step = (title: string) => out(`\n${bold(cyan(title))}`);
const ok = (text: string) => out(`  ${green('✓')} ${text}`);
function caught(what: string, code: string, message: string): void {
  attacksCaught++;
  out(`  ${green('✓')} ${what}\n      ${red('caught')} ${bold(code)}: ${dim(message)}`);
}

/** Runs a command that must be refused, and reports the refusal as an attack caught. */
function refused(what: string, expected: ErrorCode, attempt: () => unknown): void {
  try {
    attempt();
  } catch (e) {
    if (e instanceof HemkitError && e.code === expected) return caught(what, e.code, e.message);
    throw e;
  }
  throw new Error(`demo: "${what}" was accepted; expected ${expected}`);
}

/** A Device on disk, driven through the same command envelope. */
function port(device: Device): CommandPort {
  let id = 0;
  return {
    send<C extends CommandId>(command: C, params: ParamsOf<C>): ResultOf<C> {
      const response = parseResponse(decode(device.handle(encode(encodeRequest({ command, requestId: ++id, params })))));
      if (response.status === STATUS_ERROR) throw new HemkitError(response.error.code as ErrorCode, response.error.message);
      return response.result as ResultOf<C>;
    },
  };
}

interface FleetChip {
  readonly name: string;
  readonly chip: CommandPort;
  readonly ueid: Uint8Array;
  readonly licence: Uint8Array;
  readonly openings: Map<number, { salt: Uint8Array; descriptor: Uint8Array }>;
}

/** Where the tour's evidence is appraised: in this process, or by the verification service. */
export interface DemoVerifier {
  /** A challenge for the chip (its nonce), then the appraisal of the bundle `build` makes to answer it. */
  appraise(ueid: Uint8Array, build: (nonce: Uint8Array) => Uint8Array): Promise<Appraisal>;
  /** The largest log size the verifier remembers of the chip. */
  latestTreeSize(ueid: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

/** What a verifier of the tour is given: the tour's trust anchors and reference values, and its clock. */
export interface DemoVerifierSetup {
  readonly trust: TrustAnchors;
  readonly reference: ReferenceValues;
  /** The verifier's clock: five seconds after the chips' (seconds since the epoch). */
  readonly now: () => number;
  /** The n-th nonce (1, 2, …): fixed, so every run is the same. */
  readonly nonce: (n: number) => Uint8Array;
  /** A directory of the tour's own, removed afterwards (for the verifier's SQLite store). */
  readonly work: string;
}

export interface DemoOptions {
  /** Appraise through the verification service over HTTP (demo-service.ts), not in process. */
  readonly service?: boolean;
}

export async function runDemo(write: (line: string) => void = (line) => console.log(line), options: DemoOptions = {}): Promise<number> {
  out = write;
  // Counted afresh by every run, so that two runs in one process (the tests) print the same.
  attacksCaught = 0;
  affirmed = 0;
  const work = mkdtempSync(join(tmpdir(), 'hemkit-demo-'));
  try {
    return await tour(work, options);
  } finally {
    // The verifier closes even when the tour fails: a listening service would keep the process alive.
    await closeVerifier?.().catch(() => {});
    closeVerifier = undefined;
    rmSync(work, { recursive: true, force: true });
  }
}

let closeVerifier: (() => Promise<void>) | undefined;

/** The verifier in this process, on a SQLite store, as `hemkit verify --store` appraises. */
function localVerifier(setup: DemoVerifierSetup): DemoVerifier {
  const store = SqliteVerifierStore.open(join(setup.work, 'verifier.sqlite'));
  let nonces = 0;
  return {
    async appraise(_ueid, build) {
      const nonce = setup.nonce(++nonces);
      const inputs: AppraisalInputs = { trust: setup.trust, reference: setup.reference, policy: DEFAULT_POLICY, store, now: setup.now(), backend, hasher, chainCache: new Map(), licenceCache: new Set() };
      return appraise(build(nonce), { ...inputs, expectedNonce: nonce });
    },
    latestTreeSize: async (ueid) => store.getChip(ueid)?.checkpoints.at(-1)?.treeSize ?? 0,
    close: async () => store.close(),
  };
}

async function tour(work: string, options: DemoOptions): Promise<number> {
  const clock = new ManualClock(T0);
  out(bold('hemkit — hardware-enabled governance of AI compute, end to end'));
  out(dim('a simulated fleet of governance chips, a 2-of-3 licence authority, and a verifier'));

  step('1. The parties');
  const manufacturer = new Manufacturer('hemkit-sim-fab', seed('manufacturer'));
  const issuerNames = ['the regulator', 'the cloud provider', 'an independent auditor'];
  const authority = new LicenceAuthority(issuerNames.map((n) => seed(n)), 2);
  ok(`manufacturer root ${hexOf(manufacturer.key.kid, 8)}`);
  ok(`licence authority: ${issuerNames.join(', ')}; any 2 of the 3 must sign`);

  step('2. Manufacture and provision four chips');
  const fleet: FleetChip[] = [];
  const makeChip = (name: string, chip: CommandPort): FleetChip => {
    const made = chip.send(CMD.manufacture, { hwmodel: HWMODEL, uds: seed(`uds ${name}`) });
    chip.send(CMD.provision, {
      deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel: HWMODEL }, T0),
      issuerKeys: authority.publicKeys,
      issuerThreshold: 2,
      replayDefence: [REPLAY.sequence],
      manufacturerKey: manufacturer.publicKey,
    });
    return { name, chip, ueid: made.ueid, licence: new Uint8Array(0), openings: new Map() };
  };
  for (const name of ['gpu-0', 'gpu-1', 'gpu-2']) {
    fleet.push(makeChip(name, new InProcessChip({ log: new MemoryLogStore(hasher), now: clock.now, random: seededRandom(name), backend })));
  }
  // gpu-3 is a device on disk, with its state, log and monotonic counter in files.
  const gpu3Dir = join(work, 'gpu-3');
  const gpu3 = Device.open(gpu3Dir, { now: clock.now, random: seededRandom('gpu-3'), backend });
  fleet.push(makeChip('gpu-3', port(gpu3)));
  for (const c of fleet) ok(`${c.name}: chip ${hexOf(c.ueid)} — device certificate from the manufacturer, attestation key bound to its firmware`);

  step('3. Licences: each chip starts locked');
  refused('gpu-0 tries to run before it has a licence', 'WORKLOAD_LOCKED', () =>
    fleet[0]!.chip.send(CMD.runWorkload, { workloadDescriptor: utf8('x'), precisionClass: 4, ops: 1n }),
  );
  const quotas = [4n * 10n ** 24n, 4n * 10n ** 24n, 4n * 10n ** 24n, 2n * 10n ** 24n];
  fleet.forEach((c, i) => {
    const claims: LicenceClaims = {
      licenceId: seed(`licence ${c.name}`).subarray(0, 16),
      ueid: c.ueid,
      sequenceNumber: 1,
      notBefore: T0,
      expiry: T0 + 30 * 86_400,
      opsQuota: quotas[i]!,
      maxClusterSize: 1024,
      precisionClasses: [4, 6],
    };
    const signers = i % 2 === 0 ? [0, 1] : [1, 2];
    (c as { licence: Uint8Array }).licence = authority.issueLicence(claims, signers);
    c.chip.send(CMD.installLicence, { licence: c.licence });
    ok(`${c.name}: licence for ${sci(claims.opsQuota)} operations over 30 days, signed by ${signers.map((s) => issuerNames[s]).join(' and ')}`);
  });

  step('4. Workloads: a frontier training run split across all four chips');
  clock.advance(3600);
  const run = (c: FleetChip, workloadId: string, ops: bigint, cluster: readonly FleetChip[] = fleet) => {
    const descriptor = encode(workloadDescriptor.toCbor({ workloadId, clusterChips: cluster.map((f) => f.ueid) }));
    const r = c.chip.send(CMD.runWorkload, { workloadDescriptor: descriptor, precisionClass: 4, ops, clusterSize: 4 });
    c.openings.set(r.startedIndex!, { salt: r.salt!, descriptor });
    c.openings.set(r.finishedIndex!, { salt: r.salt!, descriptor });
    return r;
  };
  const runOps = [35n * 10n ** 23n, 35n * 10n ** 23n, 35n * 10n ** 23n, 15n * 10n ** 23n];
  fleet.forEach((c, i) => {
    const r = run(c, 'frontier-run-1', runOps[i]!);
    ok(`${c.name}: ${sci(runOps[i]!)} operations of frontier-run-1 (the log keeps only a salted commitment); ${sci(r.remainingQuota)} left`);
  });
  run(fleet[1]!, 'finetune-small', 2n * 10n ** 22n, [fleet[1]!]);
  ok(`gpu-1: a small fine-tune, finetune-small, ${sci(2n * 10n ** 22n)} operations`);
  refused('gpu-3 tries a workload larger than its remaining quota', 'WORKLOAD_OVER_QUOTA', () => run(fleet[3]!, 'frontier-run-1', 10n ** 24n));

  step('5. The verifier challenges every chip and appraises its evidence');
  const setup: DemoVerifierSetup = {
    trust: { manufacturers: [{ name: 'hemkit-sim-fab', key: manufacturer.publicKey }], licenceIssuers: { keys: authority.publicKeys, threshold: 2 }, revoked: { ueids: [], keyIds: [] } },
    reference: { models: [{ oemid: hexOf(manufacturer.oemid), hwmodel: 'hemkit-sim-a1', minimumSvn: 1, peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND, firmware: [{ measurement: hexOf(FACTORY_FIRMWARE), svn: 1 }] }] },
    now: () => clock.time + 5,
    nonce: (n) => seed(`nonce ${n}`).subarray(0, 16),
    work,
  };
  const verifier = options.service ? await (await import('./demo-service.js')).serviceVerifier(setup, (line) => out(dim(line))) : localVerifier(setup);
  closeVerifier = () => verifier.close();
  const challenge = (c: FleetChip, options: { knownSizes?: number[]; discloseFrom?: number; openings?: FleetChip['openings'] } = {}) =>
    verifier.appraise(c.ueid, (nonce) =>
      collectEvidence(c.chip, { nonce, discloseFrom: options.discloseFrom ?? 0, openings: options.openings ?? c.openings, licences: [c.licence], ...(options.knownSizes ? { knownSizes: options.knownSizes } : {}) }),
    );
  const appraisals: Appraisal[] = [];
  for (const c of fleet) {
    const appraisal = await challenge(c);
    appraisals.push(appraisal);
    if (appraisal.status === 'affirming') affirmed++;
    const passed = appraisal.checks.filter((x) => x.status === 'pass').length;
    out(`  ${appraisal.status === 'affirming' ? green('✓') : red('✗')} ${c.name}: ${appraisal.status.toUpperCase()} — ${passed} checks passed, the rest had nothing to check`);
  }
  out(dim('\n  one appraisal in full:'));
  out(renderAppraisal('gpu-0 evidence', appraisals[0]!).replace(/^/gm, '    '));

  step('6. Attacks, and the check that catches each');
  refused('the operator replays gpu-0\'s licence to reset its quota', 'LICENCE_REPLAYED', () => fleet[0]!.chip.send(CMD.installLicence, { licence: fleet[0]!.licence }));

  // State rolled back from a backup: the monotonic counter, kept apart from the state, notices.
  gpu3.close();
  cpSync(join(gpu3Dir, 'state'), join(work, 'gpu-3-backup'), { recursive: true });
  const before = Device.open(gpu3Dir, { now: clock.now, random: seededRandom('gpu-3 b'), backend });
  port(before).send(CMD.runWorkload, { workloadDescriptor: utf8('{"run":"x"}'), precisionClass: 4, ops: 5n * 10n ** 23n });
  before.close();
  rmSync(join(gpu3Dir, 'state'), { recursive: true });
  cpSync(join(work, 'gpu-3-backup'), join(gpu3Dir, 'state'), { recursive: true });
  const restored = Device.open(gpu3Dir, { now: clock.now, random: seededRandom('gpu-3 c'), backend });
  const gpu3Again: FleetChip = { ...fleet[3]!, chip: port(restored) };
  refused('the operator restores gpu-3\'s state from a backup to win back quota', 'MODULE_REFUSING', () =>
    gpu3Again.chip.send(CMD.runWorkload, { workloadDescriptor: utf8('y'), precisionClass: 4, ops: 1n }),
  );
  const rolledBack = await challenge(gpu3Again);
  const lock = rolledBack.checks.find((x) => x.id === 'lock-state')!;
  caught('…and the verifier sees it in gpu-3\'s next report', lock.code!, lock.message);
  restored.close();

  // A forked log: a clone of gpu-2 (same keys, same log so far) goes on with another history.
  const seenSize = await verifier.latestTreeSize(fleet[2]!.ueid);
  const fork = forkOf(fleet[2]!, clock, seenSize);
  run(fleet[2]!, 'frontier-run-1', 10n ** 23n);
  const honest = await challenge(fleet[2]!, { knownSizes: [seenSize], discloseFrom: seenSize });
  ok(`gpu-2 runs on and is affirmed again (${honest.status}), its log proven consistent with what the verifier saw`);
  const forked = await challenge(fork, { knownSizes: [seenSize], discloseFrom: seenSize });
  const cp = forked.checks.find((x) => x.id === 'log-consistency')!;
  if (cp.status !== 'fail') throw new Error('demo: the forked log was not caught');
  caught('a clone of gpu-2 shows the verifier another history of the same log', cp.code!, cp.message);

  const lying = fleet[1]!;
  const smaller = encode(workloadDescriptor.toCbor({ workloadId: 'a-small-run' }));
  const lieOpenings = new Map([...lying.openings].map(([i, o]) => [i, { ...o, descriptor: smaller }]));
  const lie = await challenge(lying, { openings: lieOpenings });
  const opening = lie.checks.find((x) => x.id === 'openings')!;
  caught('the operator opens gpu-1\'s frontier-run entries as "a-small-run"', opening.code!, opening.message);

  step('7. Fleet compute accounting');
  const report = accountFleet({ chips: appraisals.flatMap((a) => toAppraisedChip(a) ?? []) });
  out(renderFleetReport(report).replace(/^/gm, '  '));

  await verifier.close();
  closeVerifier = undefined;
  out(
    `\n${bold('Summary')}: ${green(`${affirmed} of ${fleet.length} chips affirmed`)}, ${green(`${attacksCaught} attacks caught`)}, ` +
      `${report.flagged.length} run${report.flagged.length === 1 ? '' : 's'} over a reporting threshold (${report.flagged.map((f) => f.workloadId).join(', ') || 'none'}).`,
  );
  out(dim('Drive a chip yourself: hemkit module --help. Verify evidence: hemkit verify --help.'));
  return 0;
}

/** A second chip with gpu-2's keys and its log up to `size`, that then records other work. */
function forkOf(original: FleetChip, clock: ManualClock, size: number): FleetChip {
  const source = original.chip as InProcessChip;
  const log = new MemoryLogStore(hasher);
  for (let i = 0; i < size; i++) log.append(source.env.log.entry(i));
  const state = { ...source.state!, logSize: size };
  const clone = new InProcessChip({ log, now: clock.now, random: seededRandom('fork'), backend, state });
  const descriptor = encode(workloadDescriptor.toCbor({ workloadId: 'unreported-run' }));
  clone.send(CMD.runWorkload, { workloadDescriptor: descriptor, precisionClass: 4, ops: 10n ** 22n });
  return { ...original, chip: clone };
}
