/**
 * Runs one operator strategy against real chips and real verifiers, and checks the invariants after
 * every appraisal. The model is the ground truth: every log any instance has ever had (a clone or a
 * restore starts a new one and the old one is kept), every signed thing the operator obtained, and
 * what each appraisal was shown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode } from '@hemkit/wire/cbor';
import { HemkitError } from '@hemkit/wire/errors';
import { frontierFromInclusionProof } from '@hemkit/wire/merkle';
import { CMD, inclusionReceiptProof, logEntry, workloadDescriptor } from '@hemkit/wire/messages';
import { bootChip, InProcessChip, MemoryLogStore, seededRandom, type ChipState, type FirmwareLog } from '../../../module/src/index.js';
import { appraise, type Appraisal, type VerifiedChain } from '../../src/index.js';
import { MemoryVerifierStore, type VerifierStore } from '../../src/store/index.js';
import { SqliteVerifierStore } from '../../src/store/sqlite.js';
import {
  checkpointFacts,
  claimedHead,
  encodeBundle,
  rememberedHeads,
  reportFacts,
  type BundleParts,
  type CheckpointFacts,
  type Head,
  type ReportFacts,
} from './format.js';
import {
  checkConsistentHistory,
  checkCountersCovered,
  checkForwardOnly,
  checkIssuers,
  checkMinimumSvn,
  checkQuota,
  checkRefusalInert,
  nameHead,
  remember,
  Violation,
  type History,
  type InvariantId,
} from './invariants.js';
import { present, renderStep, scenario, work, type Compose, type Scenario, type Step } from './strategy.js';
import { backend, getWorld, hasher, hex, seed, T0, type ChipIdentity, type World } from './world.js';

export interface RunOptions {
  /** The invariants to assert (default all); the others are still computed for nothing. */
  readonly invariants?: ReadonlySet<InvariantId>;
  /** The verifiers' store: in memory (default), or SQLite files in a temporary directory. */
  readonly store?: 'memory' | 'sqlite';
}

export interface RunResult {
  readonly trace: readonly string[];
  readonly appraisals: number;
  readonly affirmed: number;
}

/** A strategy's steps, what they did, and the invariant that broke. */
export class ScenarioFailure extends Error {
  constructor(
    readonly violation: Violation,
    readonly trace: readonly string[],
    /** The strategy cut after the step whose appraisal broke the invariant. */
    readonly scenario: Scenario,
  ) {
    super(`${violation.message}\n\nwhat happened:\n${trace.join('\n')}`);
  }
}

interface Instance {
  readonly name: string;
  readonly chip: ChipIdentity;
  readonly device: InProcessChip;
  readonly history: History;
}

interface Obtained<F> {
  readonly bytes: Uint8Array;
  readonly facts: F;
  readonly chip: ChipIdentity;
  /** The log it came from, for the trace. */
  readonly source: string;
}

interface ObtainedReport extends Obtained<ReportFacts> {
  readonly deviceCertificate: Uint8Array;
  readonly attestationKeyCertificate: Uint8Array;
}

interface Verifier {
  readonly name: string;
  readonly storeName: string;
  readonly store: VerifierStore;
  readonly chainCache: Map<string, VerifiedChain>;
  readonly licenceCache: Set<string>;
}

interface Bundle {
  readonly verifier: Verifier;
  readonly nonce: Uint8Array;
  readonly parts: BundleParts;
  readonly bytes: Uint8Array;
  readonly chip: ChipIdentity;
  readonly description: string;
}

/** Verified certificate chains, by verifier: the same across strategies (the chips are), so kept. */
const chainCaches = [new Map<string, VerifiedChain>(), new Map<string, VerifiedChain>(), new Map<string, VerifiedChain>()];
/** Licences whose signatures met the threshold, by verifier: kept across strategies like the chains. */
const licenceCaches = [new Set<string>(), new Set<string>(), new Set<string>()];

class Sim {
  readonly world: World;
  readonly time = { now: T0 + 100 };
  readonly histories: History[] = [];
  readonly instances: Instance[] = [];
  readonly snapshots: { readonly chip: ChipIdentity; readonly state: ChipState; readonly entries: Uint8Array[]; readonly label: string }[] = [];
  readonly checkpoints: Obtained<CheckpointFacts>[] = [];
  /** Checkpoints from momentary clones (see checkpointOf), by history and size. */
  readonly shadows = new Map<string, Obtained<CheckpointFacts>>();
  /** Each history's instance state when its log first had each size. */
  readonly states = new Map<History, Map<number, ChipState>>();
  readonly reports: ObtainedReport[] = [];
  readonly pending: Bundle[] = [];
  readonly delivered: Bundle[] = [];
  readonly verifiers: Verifier[];
  readonly chip: ChipIdentity;
  /** Entries disclosed in affirmed bundles, by store, chip and index: the bytes seen. */
  readonly disclosed = new Map<string, Map<ChipIdentity, Map<number, Set<string>>>>();
  readonly trace: string[] = [];
  readonly cleanup: (() => void)[] = [];
  nonces = 0;
  workloads = 0;
  appraisals = 0;
  affirmed = 0;
  step = 0;

  constructor(
    s: Scenario,
    readonly options: RunOptions,
  ) {
    this.world = getWorld();
    const [s0, s1] = options.store === 'sqlite' ? this.sqliteStores() : [new MemoryVerifierStore(), new MemoryVerifierStore()];
    this.verifiers = [
      { name: 'V0', storeName: 'S0', store: s0, chainCache: chainCaches[0]!, licenceCache: licenceCaches[0]! },
      { name: 'V1', storeName: 'S0', store: s0, chainCache: chainCaches[1]!, licenceCache: licenceCaches[1]! },
      { name: 'V2', storeName: 'S1', store: s1, chainCache: chainCaches[2]!, licenceCache: licenceCaches[2]! },
    ];
    this.chip = this.world.chips[s.chip % this.world.chips.length]!;
    this.spawn('A', this.chip, this.chip.state, this.chip.entries);
    const defence = this.chip.replayDefence.map((m) => (m === 1 ? 'sequence number' : m === 2 ? 'hash' : 'challenge')).join(', ');
    this.trace.push(`0. A is ${this.chip.name} (licence replay defence: ${defence}), licensed under L0, at A@${this.chip.entries.length}; time T0+${this.time.now - T0}`);
  }

  private sqliteStores(): [VerifierStore, VerifierStore] {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-adversary-'));
    const stores = [SqliteVerifierStore.open(join(dir, 's0.db')), SqliteVerifierStore.open(join(dir, 's1.db'))] as const;
    this.cleanup.push(() => {
      for (const s of stores) s.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return [stores[0], stores[1]];
  }

  private spawn(label: string, chip: ChipIdentity, state: ChipState, entries: readonly Uint8Array[], replacing?: number): Instance {
    const log = new MemoryLogStore(hasher);
    for (const e of entries) log.append(e);
    const history: History = { label, chip, log };
    this.histories.push(history);
    const device = new InProcessChip({ log, now: () => this.time.now, random: seededRandom(`adversary ${label}`), backend, state });
    const instance: Instance = { name: label, chip, device, history };
    this.states.set(history, new Map([[log.size, state]]));
    if (replacing === undefined) this.instances.push(instance);
    else this.instances[replacing] = instance;
    return instance;
  }

  private instance(n: number): Instance {
    return this.instances[n % this.instances.length]!;
  }

  private entriesOf(i: Instance): Uint8Array[] {
    return Array.from({ length: i.history.log.size }, (_, k) => i.history.log.entry(k));
  }

  private at(i: Instance): string {
    return `${i.name}@${i.history.log.size}`;
  }

  private nameOf(chip: ChipIdentity, head: Head): string {
    return nameHead(this.histories, chip, head);
  }

  private log(line: string): void {
    this.trace.push(`  ${line}`);
  }

  readonly ran: Step[] = [];

  run(steps: readonly Step[]): void {
    for (const s of steps) {
      this.ran.push(s);
      this.step++;
      this.trace.push(`${this.step}. ${renderStep(s)}`);
      this.apply(s);
    }
  }

  private apply(s: Step): void {
    switch (s.kind) {
      case 'work': {
        const i = this.instance(s.inst);
        for (const job of s.jobs) {
          if (job === 'checkpoint') {
            this.logCheckpoint(i, this.takeCheckpoint(i));
            continue;
          }
          const descriptor = encode(workloadDescriptor.toCbor({ workloadId: `w${++this.workloads}` }));
          const ops = BigInt(typeof job === 'number' ? job : job.ops);
          const memory = typeof job === 'number' ? {} : { memoryBytes: BigInt(job.memory) };
          const what = typeof job === 'number' ? `runs ${job} ops` : `runs ${job.ops} ops moving ${job.memory} bytes`;
          this.command(i, what, () => i.device.send(CMD.runWorkload, { workloadDescriptor: descriptor, precisionClass: 4, ops, ...memory }));
        }
        return;
      }
      case 'install': {
        const i = this.instance(s.inst);
        const licence = i.chip.licences[s.licence % i.chip.licences.length]!;
        const bytes = licence.variants[s.variant % licence.variants.length]!;
        const what = `installs L${s.licence % i.chip.licences.length} (encoding ${s.variant % licence.variants.length})`;
        if (!s.lax) return this.command(i, what, () => i.device.send(CMD.installLicence, { licence: bytes }));
        // Firmware that skips its SVN and issuer checks (licence.md §6 steps 2-5, 6a) for this one
        // installation: it runs them against a high SVN and the licence's own issuers, then forgets both.
        const held = i.device.state!;
        const signers = licence.issuers === 'provisioned' ? this.world.authority : this.world.rotated;
        i.device.state = { ...held, svn: 9, provisioning: { ...held.provisioning!, issuerKeys: signers.publicKeys, issuerThreshold: 2 } };
        this.command(i, `${what}, its firmware skipping the SVN and issuer checks`, () => i.device.send(CMD.installLicence, { licence: bytes }));
        i.device.state = { ...i.device.state!, svn: held.svn, provisioning: held.provisioning! };
        return;
      }
      case 'upgrade': {
        const i = this.instance(s.inst);
        return this.command(i, 'updates its firmware to SVN 2', () => i.device.send(CMD.firmwareUpdate, { manifest: this.world.upgrade }));
      }
      case 'rotate': {
        const i = this.instance(s.inst);
        const n = s.update % i.chip.updates.length;
        return this.command(i, `applies issuer-set update U${n + 1}`, () => i.device.send(CMD.updateIssuers, { update: i.chip.updates[n]! }));
      }
      case 'fault': {
        const i = this.instance(s.inst);
        const st = i.device.state!;
        if (s.fault === 'count-memory') {
          i.device.state = { ...st, counters: { ...st.counters, memoryBytes: (st.counters.memoryBytes ?? 0n) + 1n } };
          return this.log(`${i.name}'s firmware counts a byte of memory transfer it never logged`);
        }
        if (st.licence?.memoryQuota === undefined) return this.log(`(${i.name} has no memory-transfer quota to forget)`);
        i.device.state = { ...st, licence: { ...st.licence, remainingMemoryQuota: st.licence.memoryQuota } };
        return this.log(`${i.name}'s firmware forgets the memory moved under its licence`);
      }
      case 'reboot': {
        const i = this.instance(s.inst);
        i.device.state = bootChip(i.device.state!, i.device.env);
        this.passedThrough(i);
        return this.log(`${i.name} reboots: boot count ${i.device.state.bootcount}, now ${this.at(i)}`);
      }
      case 'clone': {
        const from = this.instance(s.inst);
        if (this.instances.length >= 4) return this.log('(no more instances)');
        const name = String.fromCharCode(65 + this.instances.length);
        this.spawn(name, from.chip, from.device.state!, this.entriesOf(from));
        return this.log(`${name} is a clone of ${this.at(from)}`);
      }
      case 'save': {
        const i = this.instance(s.inst);
        if (this.snapshots.length >= 4) return this.log('(no more snapshots)');
        this.snapshots.push({ chip: i.chip, state: i.device.state!, entries: this.entriesOf(i), label: this.at(i) });
        return this.log(`snapshot #${this.snapshots.length - 1} of ${this.at(i)}`);
      }
      case 'restore': {
        if (this.snapshots.length === 0) return this.log('(no snapshot)');
        const at = s.inst % this.instances.length;
        const old = this.instances[at]!;
        const snap = this.snapshots[s.snapshot % this.snapshots.length]!;
        const name = `${old.name}'`;
        this.spawn(name, snap.chip, snap.state, snap.entries, at);
        return this.log(`${old.name} is replaced by ${name}, restored from snapshot of ${snap.label}`);
      }
      case 'tick':
        this.time.now += s.seconds;
        return this.log(`time T0+${this.time.now - T0}`);
      case 'present':
        return this.present(s.verifier, s.inst, s.compose);
      case 'deliver': {
        if (this.pending.length === 0) return this.log('(nothing held)');
        const [b] = this.pending.splice(s.pending % this.pending.length, 1);
        return this.appraise(b!, b!.verifier, b!.nonce);
      }
      case 'replay': {
        if (this.delivered.length === 0) return this.log('(nothing delivered yet)');
        const b = this.delivered[s.bundle % this.delivered.length]!;
        const v = this.verifiers[s.verifier % this.verifiers.length]!;
        // The verifier that issued the nonce expects it again; any other expects a nonce of its own.
        return this.appraise(b, v, v === b.verifier ? b.nonce : this.nonce());
      }
    }
  }

  private command(i: Instance, what: string, run: () => unknown): void {
    try {
      run();
      this.passedThrough(i);
      this.log(`${i.name} ${what}: now ${this.at(i)}, ${i.device.state!.counters.totalOps} ops`);
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      this.passedThrough(i);
      this.log(`${i.name} ${what}: refused ${e.code}; now ${this.at(i)}`);
    }
  }

  private logCheckpoint(i: Instance, c: Obtained<CheckpointFacts>): void {
    this.log(`${i.name} signs checkpoint ${this.nameOf(i.chip, c.facts)}, ${c.facts.totalOps} ops`);
  }

  /** Remembers the instance's state at its log's current size, the first time it has that size. */
  private passedThrough(i: Instance): void {
    const byHistory = this.states.get(i.history)!;
    if (!byHistory.has(i.history.log.size)) byHistory.set(i.history.log.size, i.device.state!);
  }

  /**
   * A checkpoint of `history` at `size`: one taken then, or the one the operator could have had by
   * cloning the instance when its log had that size and asking the clone (it costs the operator
   * nothing, and leaves the instance's own latest checkpoint as it was).
   */
  private checkpointOf(history: History, size: number): Obtained<CheckpointFacts> | undefined {
    if (size > history.log.size) return undefined;
    const root = hex(history.log.root(size));
    const taken = this.checkpoints.find((x) => x.chip === history.chip && x.facts.treeSize === size && hex(x.facts.rootHash) === root);
    if (taken !== undefined) return taken;
    const key = `${history.label}@${size}`;
    const cached = this.shadows.get(key);
    if (cached !== undefined) return cached;
    const state = this.states.get(history)?.get(size);
    if (state === undefined) return undefined;
    const log = history.log;
    const prefix: FirmwareLog = {
      size,
      append: () => {
        throw new Error('a shadow clone appends nothing');
      },
      entry: (k) => log.entry(k),
      root: (n = size) => log.root(n),
      inclusionProof: (k, n = size) => log.inclusionProof(k, n),
      consistencyProof: (m, n = size) => log.consistencyProof(m, n),
      readRun: (start, end, maxBytes) => log.readRun(start, end, maxBytes),
    };
    const shadow = new InProcessChip({ log: prefix, now: () => state.lastTime, random: seededRandom(`shadow ${key}`), backend, state });
    const { checkpoint } = shadow.send(CMD.checkpoint, {});
    const c = { bytes: checkpoint, facts: checkpointFacts(checkpoint), chip: history.chip, source: `a clone of ${key}` };
    this.shadows.set(key, c);
    return c;
  }

  private nonce(): Uint8Array {
    return seed(`nonce ${++this.nonces}`).subarray(0, 16);
  }

  private takeCheckpoint(i: Instance): Obtained<CheckpointFacts> {
    const { checkpoint } = i.device.send(CMD.checkpoint, {});
    const c = { bytes: checkpoint, facts: checkpointFacts(checkpoint), chip: i.chip, source: i.name };
    this.checkpoints.push(c);
    return c;
  }

  private attest(i: Instance, nonce: Uint8Array): ObtainedReport {
    const r = i.device.send(CMD.attest, { nonce });
    const o = { bytes: r.report, facts: reportFacts(r.report), chip: i.chip, source: i.name, deviceCertificate: r.deviceCertificate, attestationKeyCertificate: r.attestationKeyCertificate };
    this.reports.push(o);
    return o;
  }

  /** Composes a bundle from anything obtained so far, as `c` says, and hands it over or holds it. */
  private present(verifierIndex: number, instIndex: number, c: Compose): void {
    const v = this.verifiers[verifierIndex % this.verifiers.length]!;
    const r = this.instance(instIndex);
    const nonce = this.nonce();
    const fresh = (c.head ?? 'fresh') === 'fresh' ? this.takeCheckpoint(r) : undefined;
    const report = c.report === undefined || c.report === 'fresh' || this.reports.length === 0 ? this.attest(r, nonce) : this.reports[c.report.pool % this.reports.length]!;
    const chip = report.chip;
    const pool = this.checkpoints.filter((x) => x.chip === chip);
    // Counting back from the most recent; a fresh head, if any, comes last.
    const recent = [...pool.filter((x) => x !== fresh).reverse(), ...(fresh ? [fresh] : [])];
    const pick = (k: number) => (recent.length ? recent[k % recent.length] : undefined);
    let head: Obtained<CheckpointFacts> | undefined;
    const h = c.head ?? 'fresh';
    if (h === 'fresh') head = fresh;
    else if (h === 'latest') {
      head = pool.at(-1); // the chip's last checkpoint
    } else if (h !== 'none') head = pick(h.pool);
    const known = rememberedHeads(v.store.getChip(chip.ueid)).map((x) => x.treeSize);
    const atKnownSize = recent.find((x) => x !== fresh && known.includes(x.facts.treeSize));
    const e = c.earlier ?? 'own';
    const below = head?.facts.treeSize ?? r.history.log.size;
    // Signed under the attestation key of the firmware the instance runs now: a checkpoint from before
    // a firmware update is under another key (DICE), and check 10 refuses it, so an honest operator
    // leaves it out (the receipt from its size is enough).
    const sameFirmware = (n: number) => {
      const then = this.states.get(r.history)?.get(n);
      return then === undefined || hex(then.firmwareMeasurement) === hex(r.device.state!.firmwareMeasurement);
    };
    const own = () => known.filter((n) => n < below && sameFirmware(n)).flatMap((n) => this.checkpointOf(r.history, n) ?? []);
    const earlier = e === 'own' ? own() : e === 'none' ? [] : e === 'known-size' ? (atKnownSize ? [atKnownSize] : []) : e.flatMap((k) => pick(k) ?? []);
    let list = [...earlier, ...(head ? [head] : [])];
    if ((c.order ?? 'ascending') === 'ascending') list = [...list].sort((a, b) => a.facts.treeSize - b.facts.treeSize);
    const listFacts = list.map((x) => x.facts);

    const target = claimedHead(report.facts, listFacts) ?? { treeSize: r.history.log.size, rootHash: r.history.log.root() };
    const prover = c.prover === undefined || c.prover === 'report' ? r : this.instance(c.prover);
    const canProve = target.treeSize > 0 && target.treeSize <= prover.history.log.size;
    const under = (sizes: number[]) => [...new Set(sizes)].filter((s) => s > 0 && s < target.treeSize).sort((a, b) => a - b);
    const knownSizes = under([...known, ...listFacts.map((x) => x.treeSize)]);
    const poolSizes = under([...knownSizes, ...pool.map((x) => x.facts.treeSize)]);
    const rc = c.receipts ?? 'known';
    const receiptSizes = rc === 'known' ? knownSizes : rc === 'pool' ? poolSizes : rc === 'none' || poolSizes.length === 0 ? [] : [poolSizes[rc.only % poolSizes.length]!];
    let receipts = canProve ? receiptSizes.map((s) => prover.device.send(CMD.proveConsistency, { treeSize1: s, treeSize2: target.treeSize }).receipt) : [];

    const d = c.disclose ?? 'since-known';
    const largestBelow = (sizes: number[]) => Math.max(0, ...sizes.filter((s) => s <= target.treeSize));
    const from =
      d === 'since-known' ? largestBelow(known)
      : d === 'all' ? 0
      : d === 'since-base' ? largestBelow(listFacts.map((x) => x.treeSize).filter((s) => s < target.treeSize))
      : d === 'none' ? target.treeSize
      : d.from % (target.treeSize + 1);
    let entries: { entry: Uint8Array; receipt: Uint8Array }[] = [];
    if (canProve) {
      for (let k = from; k < target.treeSize; k++) {
        const { entry, receipt } = prover.device.send(CMD.proveInclusion, { logIndex: k, treeSize: target.treeSize });
        entries.push({ entry, receipt });
      }
    }
    let withheld: number | undefined;
    if (c.withhold !== undefined && entries.length > 0) {
      const [dropped] = entries.splice(c.withhold % entries.length, 1);
      withheld = logEntry.parse(decode(dropped!.entry), 'e').index;
    }

    // An honest operator hands over every licence it holds for the chip: the verifier judges each one the log used.
    const lc = c.licences ?? 'all';
    const licenceNames: string[] = [];
    const licences: Uint8Array[] = [];
    const add = (n: number, variant: number) => {
      const l = chip.licences[n % chip.licences.length]!;
      licences.push(l.variants[variant % l.variants.length]!);
      licenceNames.push(`L${n % chip.licences.length}/${variant % l.variants.length}`);
    };
    if (lc === 'named') {
      const n = chip.licences.findIndex((l) => report.facts.licenceId !== undefined && hex(l.claims.licenceId) === hex(report.facts.licenceId));
      if (n >= 0) add(n, 0);
    } else if (lc === 'all') chip.licences.forEach((_, n) => add(n, 0));
    else if (lc !== 'none') add(lc.licence, lc.variant);

    // Issuer-set updates: honestly, those the reporting instance applied, in order (licence.md §5a).
    const applied = chip.updates.slice(0, r.chip === chip ? (r.device.state!.issuerSetSequence ?? 0) : 0);
    const u = c.updates ?? 'applied';
    const issuerUpdates = u === 'applied' ? applied : u === 'none' ? [] : u === 'all' ? [...chip.updates] : u === 'first' ? chip.updates.slice(0, 1) : [...applied].reverse();

    let checkpointBytes = list.map((x) => x.bytes);
    switch (c.mutate) {
      case 'dup-entry':
        if (entries.length) entries = [entries[0]!, ...entries];
        break;
      case 'reverse-entries':
        entries = [...entries].reverse();
        break;
      case 'dup-checkpoint':
        if (checkpointBytes.length) checkpointBytes = [checkpointBytes[0]!, ...checkpointBytes];
        break;
      case 'dup-receipt':
        if (receipts.length) receipts = [receipts[0]!, ...receipts];
        break;
      case 'reverse-receipts':
        receipts = [...receipts].reverse();
        break;
      case undefined:
        break;
    }

    // The frontier form: the frontier before whichever entry now comes first, from its own receipt.
    const first = entries[0];
    const frontier =
      c.proofs === 'frontier' && first !== undefined
        ? (({ leafIndex, treeSize, path }) => frontierFromInclusionProof(leafIndex, treeSize, path))(inclusionReceiptProof(first.receipt))
        : undefined;

    // Another chip of the world: its certificates as its factory and first boot made them.
    const foreign = this.world.chips.find((x) => x !== chip)!;
    const certificates =
      c.certificates === 'foreign'
        ? { deviceCertificate: foreign.deviceCertificate, attestationKeyCertificate: foreign.state.attestationKeyCertificate! }
        : { deviceCertificate: report.deviceCertificate, attestationKeyCertificate: report.attestationKeyCertificate };
    const parts: BundleParts = {
      report: report.bytes,
      ...certificates,
      checkpoints: checkpointBytes,
      consistencyReceipts: receipts,
      entries,
      licences,
      ...(frontier ? { frontier } : {}),
      issuerUpdates,
    };
    const f = report.facts;
    const latest = f.latestCheckpoint ? this.nameOf(chip, f.latestCheckpoint) : 'none';
    const description = [
      `report from ${report.source} (${f.totalOps} ops, ${f.workloadsRun} workloads, latest checkpoint ${latest}${hex(report.facts.nonce) === hex(nonce) ? '' : ', an old nonce'})`,
      `checkpoints [${list.map((x) => `${this.nameOf(chip, x.facts)}${x.source.startsWith('a clone') ? ` (signed by ${x.source})` : ''}`).join(', ')}]`,
      `receipts ${canProve && receiptSizes.length ? `${receiptSizes.join(', ')} → ${target.treeSize} by ${prover.name}` : 'none'}`,
      `entries ${entries.length ? `${from}..${target.treeSize - 1}${withheld !== undefined ? ` without ${withheld}` : ''} by ${prover.name}` : 'none'}`,
      `licences [${licenceNames.join(', ')}]`,
      `updates [${issuerUpdates.map((x) => `U${chip.updates.indexOf(x) + 1}`).join(', ')}]`,
      ...(c.mutate ? [c.mutate] : []),
      ...(frontier ? [`entries by a frontier of ${frontier.length}`] : []),
      ...(c.certificates === 'foreign' ? [`the certificates of ${foreign.name}`] : []),
    ].join('; ');
    const bundle: Bundle = { verifier: v, nonce, parts, bytes: encodeBundle(parts), chip, description };
    if (c.later) {
      this.pending.push(bundle);
      return this.log(`held for ${v.name} as #${this.pending.length - 1}: ${description}`);
    }
    this.appraise(bundle, v, nonce);
  }

  private appraise(b: Bundle, v: Verifier, expectedNonce: Uint8Array): void {
    const chips = this.world.chips;
    const before = remember(v.store, chips);
    const a: Appraisal = appraise(b.bytes, {
      trust: this.world.trust,
      reference: this.world.reference,
      policy: this.world.policy,
      store: v.store,
      now: this.time.now,
      expectedNonce,
      backend,
      hasher,
      chainCache: v.chainCache,
      licenceCache: v.licenceCache,
    });
    const after = remember(v.store, chips);
    this.appraisals++;
    const affirmed = a.status !== 'contraindicated';
    if (affirmed) this.affirmed++;
    const failed = a.checks.filter((x) => x.status === 'fail' || x.status === 'not-run')[0];
    this.log(`${v.name} (store ${v.storeName}) is shown: ${b.description}`);
    this.log(`→ ${a.status.toUpperCase()}${failed ? ` (${failed.id}: ${failed.code ?? failed.message})` : ''}`);
    if (!this.delivered.includes(b)) this.delivered.push(b);
    if (affirmed) this.recordDisclosed(v, b);
    for (const chip of chips) {
      const m = v.store.getChip(chip.ueid);
      if (m !== undefined) this.log(`  ${v.storeName} remembers of ${chip.name}: ${m.totalOps} ops, checkpoints [${m.checkpoints.map((x) => this.nameOf(chip, x)).join(', ')}]`);
    }
    this.check(() => {
      for (const chip of chips) {
        if (!affirmed) this.assert(4, () => checkRefusalInert(chip, before.get(chip), after.get(chip)));
        this.assert(3, () => checkForwardOnly(chip, before.get(chip), after.get(chip)));
        this.assert(1, () => checkConsistentHistory(this.histories, chip, v.store));
      }
      if (!affirmed) return;
      const chip = chips.find((x) => a.ueid !== undefined && hex(x.ueid) === hex(a.ueid))!;
      const report = reportFacts(b.parts.report);
      this.assert(2, () => checkCountersCovered(this.histories, chip, v.store, report, this.disclosedTo(v, chip)));
      this.assert(5, () => checkQuota(this.histories, chip, v.store, this.world.licences, report));
      this.assert(6, () => checkMinimumSvn(this.histories, chip, v.store, this.world.licences));
      this.assert(7, () => checkIssuers(this.histories, chip, v.store, this.world.licences));
    });
  }

  private disclosedTo(v: Verifier, chip: ChipIdentity): Map<number, Set<string>> {
    let byChip = this.disclosed.get(v.storeName);
    if (byChip === undefined) this.disclosed.set(v.storeName, (byChip = new Map()));
    let byIndex = byChip.get(chip);
    if (byIndex === undefined) byChip.set(chip, (byIndex = new Map()));
    return byIndex;
  }

  private recordDisclosed(v: Verifier, b: Bundle): void {
    const seen = this.disclosedTo(v, b.chip);
    for (const { entry } of b.parts.entries) {
      const index = logEntry.parse(decode(entry), 'log-entry').index;
      let set = seen.get(index);
      if (set === undefined) seen.set(index, (set = new Set()));
      set.add(hex(entry));
    }
  }

  private check(run: () => void): void {
    try {
      run();
    } catch (e) {
      if (e instanceof Violation) throw new ScenarioFailure(e, this.trace, scenario(this.chip.index, ...this.ran));
      throw e;
    }
  }

  private assert(id: InvariantId, run: () => void): void {
    if (this.options.invariants !== undefined && !this.options.invariants.has(id)) return;
    run();
  }
}

/** Runs a strategy; throws ScenarioFailure, with the trace, at the first broken invariant. */
export function runScenario(s: Scenario, options: RunOptions = {}): RunResult {
  const sim = new Sim(s, options);
  try {
    sim.run(s.steps);
  } finally {
    for (const c of sim.cleanup) c();
  }
  return { trace: sim.trace, appraisals: sim.appraisals, affirmed: sim.affirmed };
}

/** Whether `s` breaks invariant `id` (or any invariant, without `id`). */
function breaks(s: Scenario, options: RunOptions, id: InvariantId | undefined): ScenarioFailure | undefined {
  try {
    runScenario(s, options);
    return undefined;
  } catch (e) {
    if (e instanceof ScenarioFailure && (id === undefined || e.violation.invariant === id)) return e;
    if (e instanceof ScenarioFailure) return undefined;
    throw e;
  }
}

/**
 * Finishes fast-check's shrinking: cuts the steps after the one that broke the invariant, then drops
 * any single step or job, or resets any one knob of a composition to its honest default, while the
 * same invariant still breaks, until nothing more can go (a 1-minimal scenario).
 */
export function minimise(s: Scenario, options: RunOptions = {}): ScenarioFailure | undefined {
  let failure = breaks(s, options, undefined);
  if (failure === undefined) return undefined;
  const id = failure.violation.invariant;
  let steps = [...failure.scenario.steps];
  for (let progress = true; progress; ) {
    progress = false;
    const candidates: Step[][] = [];
    for (let k = 0; k < steps.length; k++) candidates.push([...steps.slice(0, k), ...steps.slice(k + 1)]);
    steps.forEach((st, k) => {
      if (st.kind === 'work' && st.jobs.length > 1) {
        for (let j = 0; j < st.jobs.length; j++) candidates.push([...steps.slice(0, k), work(st.inst, ...st.jobs.filter((_, n) => n !== j)), ...steps.slice(k + 1)]);
      }
      if (st.kind !== 'present') return;
      for (const key of Object.keys(st.compose)) {
        const { [key as keyof Compose]: _dropped, ...rest } = st.compose;
        candidates.push([...steps.slice(0, k), present(st.verifier, st.inst, rest), ...steps.slice(k + 1)]);
      }
    });
    for (const c of candidates) {
      if (c.length === 0) continue;
      const f = breaks(scenario(s.chip, ...c), options, id);
      if (f !== undefined) {
        failure = f;
        steps = [...f.scenario.steps];
        progress = true;
        break;
      }
    }
  }
  return failure;
}
