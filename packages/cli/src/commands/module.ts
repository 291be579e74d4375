/**
 * `hemkit module …`: drive a simulated chip. A chip is a directory (state, log, monotonic counter,
 * and beside them the lock file and the openings journal); a factory is a directory holding the
 * simulation's manufacturer and licence-issuer keys (simulation only: real keys never sit in a file).
 * Every verb checks all its arguments before it writes anything.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { decode, encode, DEFAULT_MAX_INPUT_BYTES } from '@hemkit/wire/cbor';
import { decodeSign1, encodeCoseKey } from '@hemkit/wire/cose';
import { attestationReportClaims, CMD, LOCK_NAMES, PRECISION_NAMES, workloadDescriptor, type LicenceClaims, type PrecisionClass, type ReplayMode } from '@hemkit/wire/messages';
import { collectEvidence, FACTORY_FIRMWARE, SIM_PEAK_OPS_PER_SECOND } from '@hemkit/module';
import { LicenceAuthority, Manufacturer } from '@hemkit/module/factory';
import { serveDevice } from '@hemkit/module/device';
import { atMostOneStdin, readInput, readJson, toJson, writeOutput } from '../files.js';
import { pathOf, UsageError, type Io } from '../io.js';
import { appendJournal, openingsFor, readJournal, type JournalRecord } from '../journal.js';
import { bold, count, dim, green, hexOf } from '../output.js';
import { progress } from '../progress.js';
import { parseChallenge } from '../challenge-file.js';
import { checkChipDir, clockOf, withChip, type OpenChip } from './chip.js';
import { bytesEqual, fromHex } from '@hemkit/wire/bytes';

/** The largest bundle a verifier reads (the wire layer's input bound). */
export const MAX_BUNDLE_BYTES = DEFAULT_MAX_INPUT_BYTES;
export const DEFAULT_HWMODEL = 'hemkit-sim-a1';

interface Json {
  readonly json?: boolean;
}

function say(io: Io, opts: Json, human: string, machine: unknown, toStderr = false): void {
  const text = opts.json ? toJson(machine) : human;
  (toStderr && !opts.json ? io.stderr : io.stdout).write(`${text}\n`);
}

// ----- the factory -----

interface FactoryFile {
  readonly name: string;
  readonly manufacturerKey: string;
  readonly issuerKeys: readonly string[];
  readonly threshold: number;
}

const seedHex = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

function readFactory(io: Io, dirArg: string): FactoryFile {
  const file = join(pathOf(io, dirArg), 'factory.json');
  if (!existsSync(file)) throw new UsageError(`${dirArg} is not a factory (no factory.json): hemkit module init-factory ${dirArg} makes one`);
  let f: Partial<FactoryFile>;
  try {
    f = JSON.parse(readFileSync(file, 'utf8')) as Partial<FactoryFile>;
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const ok =
    typeof f === 'object' && f !== null && typeof f.name === 'string' && seedHex(f.manufacturerKey) && Array.isArray(f.issuerKeys) && f.issuerKeys.length > 0 &&
    f.issuerKeys.every(seedHex) && Number.isSafeInteger(f.threshold) && f.threshold! >= 1 && f.threshold! <= f.issuerKeys.length;
  if (!ok) throw new UsageError(`${file} is not a hemkit factory file`);
  return f as FactoryFile;
}

function loadFactory(io: Io, dirArg: string): { file: FactoryFile; manufacturer: Manufacturer; authority: LicenceAuthority } {
  const file = readFactory(io, dirArg);
  return {
    file,
    manufacturer: new Manufacturer(file.name, fromHex(file.manufacturerKey)),
    authority: new LicenceAuthority(file.issuerKeys.map((k) => fromHex(k)), file.threshold),
  };
}

export async function initFactory(io: Io, dirArg: string, opts: Json & { force?: boolean }): Promise<number> {
  const dir = pathOf(io, dirArg);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${dirArg} is a file, not a directory`);
  const file = join(dir, 'factory.json');
  if (existsSync(file) && !opts.force) {
    throw new UsageError(`${dirArg} already holds a factory; new keys would stop every chip it made from accepting its licences (--force replaces them)`);
  }
  mkdirSync(dir, { recursive: true });
  const f: FactoryFile = { name: 'hemkit-sim-fab', manufacturerKey: hexOf(randomBytes(32)), issuerKeys: [0, 1, 2].map(() => hexOf(randomBytes(32))), threshold: 2 };
  writeFileSync(`${file}.tmp`, JSON.stringify(f, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  say(io, opts, `${green('✓')} factory in ${dirArg}: a manufacturer root and 3 licence issuers, any 2 of which license`, { dir: dirArg, threshold: 2, issuers: 3 });
  return 0;
}

/** The trust anchors and reference values for chips of this factory, in the JSON `hemkit verify --trust` reads. */
export async function exportTrust(io: Io, dirArg: string, opts: { out: string; model?: string[] }): Promise<number> {
  const { file, manufacturer, authority } = loadFactory(io, dirArg);
  const keyHex = (key: Parameters<typeof encodeCoseKey>[0]) => hexOf(encode(encodeCoseKey(key)));
  const models = opts.model?.length ? opts.model : [DEFAULT_HWMODEL];
  const released = readFirmware(io, dirArg);
  const trust = {
    manufacturers: [{ name: file.name, key: keyHex(manufacturer.publicKey) }],
    licenceIssuers: { keys: authority.publicKeys.map(keyHex), threshold: authority.threshold },
    revoked: { ueids: [], keyIds: [] },
    referenceValues: {
      models: models.map((hwmodel) => ({
        oemid: hexOf(manufacturer.oemid),
        hwmodel,
        minimumSvn: 1,
        peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND.toString(),
        firmware: [
          { measurement: hexOf(FACTORY_FIRMWARE), svn: 1, name: 'factory firmware' },
          ...released.filter((f) => f.hwmodel === hwmodel).map((f) => ({ measurement: f.measurement, svn: f.svn, name: `update to SVN ${f.svn}` })),
        ],
      })),
    },
  };
  writeOutput(io, opts.out, JSON.stringify(trust, null, 2) + '\n');
  if (opts.out !== '-') io.stdout.write(`${green('✓')} trust anchors and reference values (public keys only) → ${opts.out}\n`);
  return 0;
}

/** Firmware the factory has signed for its chips (`update-firmware` records each), so export-trust lists it. */
interface ReleasedFirmware {
  readonly hwmodel: string;
  readonly measurement: string;
  readonly svn: number;
}

function readFirmware(io: Io, dirArg: string): ReleasedFirmware[] {
  const file = join(pathOf(io, dirArg), 'firmware.json');
  if (!existsSync(file)) return [];
  try {
    const list = JSON.parse(readFileSync(file, 'utf8')) as ReleasedFirmware[];
    if (!Array.isArray(list) || !list.every((f) => typeof f.hwmodel === 'string' && /^[0-9a-f]{64}$/.test(f.measurement) && Number.isSafeInteger(f.svn))) throw new Error('not a list');
    return list;
  } catch {
    throw new UsageError(`${file} is not a list of released firmware`);
  }
}

function recordFirmware(io: Io, dirArg: string, f: ReleasedFirmware): void {
  const list = readFirmware(io, dirArg);
  if (list.some((x) => x.hwmodel === f.hwmodel && x.measurement === f.measurement && x.svn === f.svn)) return;
  const file = join(pathOf(io, dirArg), 'firmware.json');
  writeFileSync(`${file}.tmp`, JSON.stringify([...list, f], null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

// ----- the chip's life -----

const utf8 = (s: string) => new TextEncoder().encode(s);

export async function manufacture(io: Io, chipArg: string, opts: Json & { factory: string; model: string; replay: ReplayMode[] }): Promise<number> {
  const { manufacturer, authority } = loadFactory(io, opts.factory);
  const hwmodel = utf8(opts.model);
  if (hwmodel.length > 32) throw new UsageError(`--model is at most 32 bytes, not ${hwmodel.length}`);
  const now = clockOf(io);
  return withChip(
    io,
    chipArg,
    (chip) => {
      const made = chip.call(CMD.manufacture, { hwmodel });
      chip.call(CMD.provision, {
        deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, now()),
        issuerKeys: authority.publicKeys,
        issuerThreshold: authority.threshold,
        replayDefence: opts.replay,
        manufacturerKey: manufacturer.publicKey,
      });
      say(io, opts, `${green('✓')} chip ${hexOf(made.ueid)} manufactured and provisioned (${authority.threshold} of ${authority.issuers.length} issuers)`, { ueid: made.ueid });
      return 0;
    },
    { create: true },
  );
}

export async function licence(
  io: Io,
  chipArg: string,
  opts: Json & { factory: string; ops: bigint; days: number; out: string; sequence?: number; signers: number[]; precision: PrecisionClass[]; maxCluster?: number; challenge?: boolean },
): Promise<number> {
  const { authority } = loadFactory(io, opts.factory);
  for (const s of opts.signers) if (s >= authority.issuers.length) throw new UsageError(`--signers: the factory has issuers 0 to ${authority.issuers.length - 1}, not ${s}`);
  if (new Set(opts.signers).size !== opts.signers.length) throw new UsageError('--signers names each issuer once');
  checkChipDir(io, chipArg);
  const now = clockOf(io);
  const claims = await withChip(io, chipArg, (chip) => {
    const status = chip.call(CMD.status, {});
    const pending = chip.device.chipState?.pendingChallenge;
    if (opts.challenge && !pending) throw new UsageError('--challenge: the chip has no pending challenge (hemkit module request-licence makes one)');
    const t = now();
    const c: LicenceClaims = {
      licenceId: new Uint8Array(randomBytes(16)),
      ueid: status.ueid,
      sequenceNumber: opts.sequence ?? (status.licenceState?.sequenceNumber ?? 0) + 1,
      notBefore: t,
      expiry: t + opts.days * 86_400,
      opsQuota: opts.ops,
      precisionClasses: [...opts.precision].sort((a, b) => a - b),
      ...(opts.maxCluster !== undefined ? { maxClusterSize: opts.maxCluster } : {}),
      ...(opts.challenge && pending ? { chipChallenge: pending } : {}),
    };
    return c;
  });
  writeOutput(io, opts.out, authority.issueLicence(claims, opts.signers));
  say(
    io,
    opts,
    `${green('✓')} licence ${hexOf(claims.licenceId)} for chip ${hexOf(claims.ueid)}: ${count(claims.opsQuota)} operations until ${new Date(claims.expiry * 1000).toISOString()}, signed by issuers ${opts.signers.join(', ')} → ${opts.out}`,
    { ...claims, precisionClasses: claims.precisionClasses.map((p) => PRECISION_NAMES.get(p) ?? p), out: opts.out },
    opts.out === '-',
  );
  return 0;
}

export async function install(io: Io, chipArg: string, file: string, opts: Json): Promise<number> {
  checkChipDir(io, chipArg);
  const licenceBytes = await readInput(io, file);
  return withChip(io, chipArg, (chip) => {
    const r = chip.call(CMD.installLicence, { licence: licenceBytes });
    say(io, opts, `${green('✓')} licence ${hexOf(r.licenceId)} installed (log entry ${r.logIndex}); the chip is unlocked`, r);
    return 0;
  });
}

export async function requestLicence(io: Io, chipArg: string, opts: Json & { out: string }): Promise<number> {
  return withChip(io, chipArg, (chip) => {
    const r = chip.call(CMD.requestLicence, {});
    writeOutput(io, opts.out, r.licenceRequest);
    say(io, opts, `${green('✓')} signed licence request with a fresh challenge → ${opts.out}`, { out: opts.out }, opts.out === '-');
    return 0;
  });
}

export async function run(
  io: Io,
  chipArg: string,
  opts: Json & {
    ops: bigint;
    precision: PrecisionClass;
    cluster?: number;
    workloadId?: string;
    descriptor?: string;
    interconnect?: bigint;
    memory?: bigint;
    seconds?: number;
    repeat: number;
    parentState?: Uint8Array[];
    producedState?: Uint8Array;
  },
): Promise<number> {
  if (opts.parentState !== undefined && opts.producedState === undefined) throw new UsageError('--parent-state needs --produced-state: a run names the state it produced (log-entry.md §3.1)');
  const states = opts.producedState !== undefined ? { parentStates: opts.parentState ?? [], producedState: opts.producedState } : {};
  if (opts.workloadId !== undefined && opts.descriptor !== undefined) throw new UsageError('give --workload-id or --descriptor, not both');
  checkChipDir(io, chipArg);
  const now = clockOf(io);
  const descriptor =
    opts.descriptor !== undefined
      ? await readInput(io, opts.descriptor)
      : encode(workloadDescriptor.toCbor({ workloadId: opts.workloadId ?? `cli-workload-${now()}` }));
  const params = {
    workloadDescriptor: descriptor,
    precisionClass: opts.precision,
    ops: opts.ops,
    ...(opts.cluster !== undefined ? { clusterSize: opts.cluster } : {}),
    ...(opts.interconnect !== undefined ? { interconnectBytes: opts.interconnect } : {}),
    ...(opts.seconds !== undefined ? { busyChipSeconds: opts.seconds } : {}),
    ...(opts.memory !== undefined ? { memoryBytes: opts.memory } : {}),
    ...states,
  };
  return withChip(io, chipArg, (chip) => {
    const bar = progress(io, 'workloads', opts.repeat);
    const journal: JournalRecord[] = [];
    let last;
    let done = 0;
    try {
      for (let i = 1; i <= opts.repeat; i++) {
        last = chip.call(CMD.runWorkload, params);
        done = i;
        if (last.salt !== undefined && last.startedIndex !== undefined && last.finishedIndex !== undefined) {
          journal.push({ startedIndex: last.startedIndex, finishedIndex: last.finishedIndex, salt: last.salt, descriptor, ...states });
        }
        if (journal.length >= 1000) appendJournal(chip.dir, journal.splice(0));
        bar.tick(i);
      }
    } finally {
      bar.done();
      appendJournal(chip.dir, journal); // every run's salt, also those before a refusal
    }
    const runs = opts.repeat === 1 ? 'workload' : `${done} workloads`;
    say(io, opts, `${green('✓')} ${runs} run: ${count(params.ops)} operations each; ${count(last!.remainingQuota)} remain (salts kept in ${join(chipArg, 'openings.jsonl')})`, { runs: done, ...last });
    return 0;
  });
}

export async function attest(io: Io, chipArg: string, opts: Json & { nonce: Uint8Array; out: string }): Promise<number> {
  if (opts.out === '-') throw new UsageError('attest writes two files (the report and FILE.certs.cbor): --out takes a file name');
  return withChip(io, chipArg, (chip) => {
    const r = chip.call(CMD.attest, { nonce: opts.nonce });
    writeOutput(io, opts.out, r.report);
    writeOutput(io, `${opts.out}.certs.cbor`, encode([r.deviceCertificate, r.attestationKeyCertificate]));
    say(io, opts, `${green('✓')} attestation report → ${opts.out} (certificate chain → ${opts.out}.certs.cbor)`, { out: opts.out });
    return 0;
  });
}

export async function evidence(
  io: Io,
  chipArg: string,
  opts: Json & { nonce?: Uint8Array; challenge?: string; out: string; known?: number[]; from?: number; maxEntries?: number; receipts?: boolean; licence?: string[]; open?: number[] | 'all' },
): Promise<number> {
  if ((opts.nonce === undefined) === (opts.challenge === undefined)) throw new UsageError('give the verifier\'s --nonce HEX or its --challenge FILE (one of them)');
  atMostOneStdin([opts.challenge, ...(opts.licence ?? [])]);
  checkChipDir(io, chipArg);
  const challenge = opts.challenge !== undefined ? parseChallenge(await readJson(io, opts.challenge), opts.challenge) : undefined;
  const licences = await Promise.all((opts.licence ?? []).map((f) => readInput(io, f)));
  return withChip(io, chipArg, (chip) => {
    const status = chip.call(CMD.status, {});
    if (challenge?.ueid !== undefined && !bytesEqual(challenge.ueid, status.ueid)) {
      throw new UsageError(`the challenge is for chip ${hexOf(challenge.ueid)}, not this chip (${hexOf(status.ueid)})`);
    }
    const known = [...(challenge && challenge.knownTreeSize > 0 ? [challenge.knownTreeSize] : []), ...(opts.known ?? [])];
    for (const size of known) {
      if (size > status.treeSize) throw new UsageError(`the verifier knows a log of ${size} entries, but this chip's log has ${status.treeSize}: is this the right chip?`);
    }
    const from = opts.from ?? (known.length ? Math.max(...known) : 0);
    if (from > status.treeSize) throw new UsageError(`--from ${from}: the chip's log has ${status.treeSize} entries`);
    const openings = opts.open !== undefined ? openingsFor(readJournal(chip.dir), opts.open) : undefined;
    // Bounded by design: estimate from one entry's proof before collecting, and check the result.
    const until = opts.maxEntries !== undefined ? Math.min(status.treeSize + 1, from + opts.maxEntries) : status.treeSize + 1;
    const count = Math.max(0, until - from);
    if (count > 1) {
      // One disclosed entry stands for the rest; CBOR framing and openings add the rest. With receipts
      // (asked for, or a page that stops short of the head) the first entry's receipt has about the full
      // depth; a frontier form carries no receipt, and reading an entry costs the chip no signature.
      const index = Math.min(from, status.treeSize - 1);
      const perEntry = opts.receipts || until <= status.treeSize
        ? ((r) => r.receipt.length + r.entry.length)(chip.call(CMD.proveInclusion, { logIndex: index, treeSize: status.treeSize }))
        : chip.call(CMD.readEntries, { start: index, end: index + 1 }).entries[0]!.length;
      const estimate = 8192 + count * (perEntry + 24 + (openings?.size ? 96 : 0));
      if (estimate > MAX_BUNDLE_BYTES) throw tooLarge(`about ${estimate} bytes (${count} entries from index ${from})`, from);
    }
    const bar = progress(io, 'entries', count);
    let bundle: Uint8Array;
    try {
      bundle = collectEvidence(
        { send: (command, params) => chip.call(command, params) },
        {
          nonce: challenge?.nonce ?? opts.nonce!,
          discloseFrom: from,
          ...(opts.maxEntries !== undefined ? { discloseUntil: from + opts.maxEntries } : {}),
          ...(opts.receipts ? { proofs: 'receipts' as const } : {}),
          ...(known.length ? { knownSizes: known } : {}),
          ...(licences.length ? { licences } : {}),
          ...(openings ? { openings } : {}),
          onEntry: (done) => bar.tick(done),
        },
      );
    } finally {
      bar.done();
    }
    if (bundle.length > MAX_BUNDLE_BYTES) throw tooLarge(`${bundle.length} bytes`, from);
    const head = headOf(bundle);
    const partial = opts.maxEntries !== undefined && from + opts.maxEntries < head;
    writeOutput(io, opts.out, bundle);
    const human =
      `${green('✓')} evidence bundle (${bundle.length} bytes; log head ${head}; entries ${from}..${Math.min(head, until) - 1} disclosed` +
      `${openings ? `, ${openings.size} opened` : ''}${known.length ? `; proven consistent with size ${known.join(', ')}` : ''}) → ${opts.out}` +
      (partial ? `\n  ${dim('a page: entries past the page are not disclosed, so the verifier will not affirm the counters from this bundle alone')}` : '');
    say(io, opts, human, { out: opts.out, bytes: bundle.length, treeSize: head, disclosedFrom: from, opened: openings?.size ?? 0, partial }, opts.out === '-');
    return 0;
  });
}

function tooLarge(size: string, from: number): UsageError {
  return new UsageError(
    `the bundle would be ${size}, over the verifier's ${MAX_BUNDLE_BYTES}-byte bound; nothing was written. ` +
      `Prove against what the verifier remembers (--challenge from hemkit challenge, or --known SIZE), or page with --from ${from} --max-entries N`,
  );
}

function headOf(bundle: Uint8Array): number {
  const b = decode(bundle) as Map<number, unknown>;
  const report = b.get(1) as Uint8Array;
  return attestationReportClaims.parse(decode(decodeSign1(report).payload!), 'report').logHead.treeSize;
}

export async function checkpoint(io: Io, chipArg: string, opts: Json & { out?: string }): Promise<number> {
  return withChip(io, chipArg, (chip) => {
    const r = chip.call(CMD.checkpoint, {});
    if (opts.out !== undefined) writeOutput(io, opts.out, r.checkpoint);
    if (opts.out === '-') return 0;
    say(io, opts, `${opts.out ? `${green('✓')} checkpoint → ${opts.out}\n` : ''}${r.note ?? ''}`.trimEnd(), { out: opts.out, note: r.note });
    return 0;
  });
}

export async function prove(io: Io, chipArg: string, opts: Json & { index?: number; size?: number; from?: number; to?: number; out: string }): Promise<number> {
  if ((opts.index === undefined) === (opts.from === undefined)) throw new UsageError('give --index I (inclusion) or --from M (consistency), one of them');
  if (opts.index !== undefined && opts.to !== undefined) throw new UsageError('--to goes with --from (consistency); inclusion takes --size');
  if (opts.from !== undefined && opts.size !== undefined) throw new UsageError('--size goes with --index (inclusion); consistency takes --to');
  if (opts.index !== undefined && opts.out === '-') throw new UsageError('an inclusion proof writes two files (the receipt and FILE.entry.cbor): --out takes a file name');
  return withChip(io, chipArg, (chip) => {
    const size = chip.call(CMD.status, {}).treeSize;
    const at = opts.size ?? opts.to ?? size;
    if (at > size) throw new UsageError(`the chip's log has ${size} entries, not ${at}`);
    if (opts.index !== undefined && opts.index >= at) throw new UsageError(`--index ${opts.index}: the tree of size ${at} has entries 0 to ${at - 1}`);
    if (opts.from !== undefined && opts.from > at) throw new UsageError(`--from ${opts.from} is past --to ${at}`);
    if (opts.index !== undefined) {
      const r = chip.call(CMD.proveInclusion, { logIndex: opts.index, treeSize: opts.size ?? size });
      writeOutput(io, opts.out, r.receipt);
      writeOutput(io, `${opts.out}.entry.cbor`, r.entry);
      say(io, opts, `${green('✓')} inclusion receipt for entry ${opts.index} → ${opts.out} (entry → ${opts.out}.entry.cbor)`, { out: opts.out });
    } else {
      const to = opts.to ?? size;
      const r = chip.call(CMD.proveConsistency, { treeSize1: opts.from!, treeSize2: to });
      writeOutput(io, opts.out, r.receipt);
      say(io, opts, `${green('✓')} consistency receipt ${opts.from} → ${to} → ${opts.out}`, { out: opts.out }, opts.out === '-');
    }
    return 0;
  });
}

export async function updateFirmware(io: Io, chipArg: string, opts: Json & { factory: string; measurement?: Uint8Array; svn: number }): Promise<number> {
  const { manufacturer } = loadFactory(io, opts.factory);
  readFirmware(io, opts.factory);
  const now = clockOf(io);
  return withChip(io, chipArg, (chip) => {
    const hwmodel = chip.device.chipState?.hwmodel;
    if (hwmodel === undefined) throw new UsageError(`${chipArg} was never manufactured`);
    const measurement = opts.measurement ?? sha256(randomBytes(32));
    const manifest = manufacturer.signFirmwareManifest(hwmodel, measurement, opts.svn, now());
    const r = chip.call(CMD.firmwareUpdate, { manifest });
    // The factory remembers what it released, so that export-trust gives verifiers its measurement.
    recordFirmware(io, opts.factory, { hwmodel: new TextDecoder().decode(hwmodel), measurement: hexOf(measurement), svn: opts.svn });
    say(io, opts, `${green('✓')} firmware updated (log entry ${r.logIndex}); rebooted with a new attestation key`, r);
    return 0;
  });
}

export async function status(io: Io, chipArg: string, opts: Json): Promise<number> {
  return withChip(io, chipArg, (chip) => {
    const s = chip.call(CMD.status, {});
    const byPrecision = [...s.counters.opsByPrecision].map(([p, n]) => `${PRECISION_NAMES.get(p)} ${n}`).join(', ') || 'none';
    const human = [
      bold(`chip ${hexOf(s.ueid)}`),
      `  lock state   ${LOCK_NAMES.get(s.lockState)}`,
      `  licence      ${s.licenceState ? `${hexOf(s.licenceState.licenceId)}, ${count(s.licenceState.remainingQuota)} operations left, expires ${new Date(s.licenceState.expiry * 1000).toISOString()}` : 'none'}`,
      `  operations   ${count(s.counters.totalOps)}; by precision: ${byPrecision}`,
      `  workloads    ${s.counters.workloadsRun}, ${s.counters.busyChipSeconds} busy chip-seconds, ${s.counters.interconnectBytes} interconnect bytes` +
        (s.counters.memoryBytes !== undefined ? `, ${s.counters.memoryBytes} memory bytes` : ''),
      `  log          ${s.treeSize} entries; boot ${s.bootcount}; SVN ${s.svn}`,
      dim('  (status is unsigned; use attest for evidence)'),
    ].join('\n');
    const machine = {
      ...s,
      lockState: LOCK_NAMES.get(s.lockState),
      counters: { ...s.counters, opsByPrecision: Object.fromEntries([...s.counters.opsByPrecision].map(([p, n]) => [PRECISION_NAMES.get(p) ?? String(p), n])) },
    };
    say(io, opts, human, machine);
    return 0;
  });
}

export async function serve(io: Io, chipArg: string, opts: { socket?: string }): Promise<number> {
  const dir = checkChipDir(io, chipArg);
  const { lockChip } = await import('../lock.js');
  const lock = lockChip(dir);
  try {
    await serveDevice({
      dir,
      now: clockOf(io),
      ...(opts.socket ? { socket: pathOf(io, opts.socket) } : {}),
      report: (line) => void io.stderr.write(`${line}\n`),
      onListening: (where) => void io.stderr.write(`hemkit: serving chip ${chipArg} on ${where} (framed CBOR)${opts.socket ? '; SIGTERM or SIGINT stops it' : ''}\n`),
    });
  } finally {
    lock.release();
  }
  return 0;
}

export type { OpenChip };
