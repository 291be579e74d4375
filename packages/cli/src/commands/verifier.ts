/**
 * `hemkit verify`, `hemkit account` and `hemkit challenge`: the verifier's command line. Everything
 * is read and checked before the verifier's store is opened, so a usage error records nothing (no
 * nonce used, no store created). The store is the file `--store` names, or the one per-user default
 * (storePath); `account` uses a memory store unless --store is given.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decode } from '@hemkit/wire/cbor';
import { decodeSign1 } from '@hemkit/wire/cose';
import { fromHex } from '@hemkit/wire/bytes';
import { getBackend } from '@hemkit/wire/crypto/node';
import { isHemkitError } from '@hemkit/wire/errors';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { attestationReportClaims, evidenceBundle, signingKey } from '@hemkit/wire/messages';
import {
  appraise,
  DEFAULT_POLICY,
  parsePolicy,
  parseReferenceValues,
  parseTrustAnchors,
  resultToJson,
  signResult,
  toAppraisedChip,
  toLineageWorkloads,
  type Appraisal,
  type AppraisalInputs,
  type Policy,
  type ReferenceValues,
  type TrustAnchors,
} from '@hemkit/verifier';
import {
  accountFleet,
  accountLineage,
  DEFAULT_THRESHOLDS,
  fleetReportToJson,
  formatScientific,
  lineageReportToJson,
  renderFleetReport,
  type LineageChip,
  type LineageReport,
  type Threshold,
} from '@hemkit/verifier/accounting';
import { MemoryVerifierStore } from '@hemkit/verifier/store';
import { SqliteVerifierStore } from '@hemkit/verifier/store/sqlite';
import { CHALLENGE_FORMAT, parseChallenge } from '../challenge-file.js';
import { atMostOneStdin, readInput, readJson, readText, toJson, writeOutput } from '../files.js';
import { pathOf, UsageError, type Io } from '../io.js';
import { bold, dim, green, hexOf, red } from '../output.js';
import { clockOf } from './chip.js';

export const VERIFIER_ID = { developer: 'hemkit', build: '0.1.0' } as const;

/** Where the verifier remembers chips unless --store says: $XDG_STATE_HOME/hemkit, else ~/.local/state/hemkit. */
export function storePath(io: Io, store: string | undefined): string {
  if (store !== undefined) return pathOf(io, store);
  const state = io.env.XDG_STATE_HOME || (io.env.HOME ? join(io.env.HOME, '.local', 'state') : undefined);
  if (state === undefined) throw new UsageError('no verifier store: pass --store PATH (neither XDG_STATE_HOME nor HOME is set)');
  return join(state, 'hemkit', 'verifier.sqlite');
}

function openStore(path: string): SqliteVerifierStore {
  mkdirSync(dirname(path), { recursive: true });
  return SqliteVerifierStore.open(path);
}

/** HemkitErrors from parsing the verifier's inputs are unusable input: one line, exit 2. */
function asInput<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isHemkitError(e)) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  }
}

export interface InputOptions {
  readonly trust: string;
  readonly reference?: string;
  readonly policy?: string;
  readonly backend: 'node' | 'noble';
}

interface Loaded {
  readonly trust: TrustAnchors;
  readonly reference: ReferenceValues;
  readonly policy: Policy;
}

/** The trust file may carry the reference values too, under "referenceValues"; --reference overrides. */
export async function loadInputs(io: Io, opts: InputOptions): Promise<Loaded> {
  atMostOneStdin([opts.trust, opts.reference, opts.policy]);
  const trustJson = await readJson(io, opts.trust);
  if (typeof trustJson !== 'object' || trustJson === null || Array.isArray(trustJson)) throw new UsageError(`${opts.trust} is not a trust file: it holds ${trustJson === null ? 'null' : Array.isArray(trustJson) ? 'an array' : typeof trustJson}, not a JSON object`);
  const { referenceValues, ...anchors } = trustJson as Record<string, unknown>;
  const referenceSource = opts.reference !== undefined ? await readJson(io, opts.reference) : referenceValues;
  if (referenceSource === undefined) throw new UsageError('no reference values: pass --reference FILE or put "referenceValues" in the trust file (hemkit module export-trust writes both)');
  const policyJson = opts.policy !== undefined ? await readJson(io, opts.policy) : undefined;
  return {
    trust: asInput(() => parseTrustAnchors(anchors)),
    reference: asInput(() => parseReferenceValues(referenceSource)),
    policy: policyJson === undefined ? DEFAULT_POLICY : asInput(() => parsePolicy(policyJson)),
  };
}

function appraisalInputs(io: Io, loaded: Loaded, store: AppraisalInputs['store'], backendName: 'node' | 'noble', override: Partial<Policy> = {}): AppraisalInputs {
  const backend = getBackend(backendName);
  return {
    ...loaded,
    policy: { ...loaded.policy, ...override },
    store,
    now: clockOf(io)(),
    backend,
    hasher: createMerkleHasher((d) => backend.sha256(d)),
    chainCache: new Map(),
    licenceCache: new Set(),
  };
}

/** Failures that mean a proof is missing from the bundle, not that the chip misbehaved. */
const MISSING_PROOF: ReadonlySet<string> = new Set(['CONSISTENCY_PROOF_MISSING', 'LOG_COVERAGE_INCOMPLETE']);

export function renderAppraisal(file: string, a: Appraisal): string {
  const colour = a.status === 'affirming' ? green : red;
  const lines = [`${bold(file)}: ${colour(a.status.toUpperCase())}${a.ueid ? dim(` (chip ${hexOf(a.ueid)})`) : ''}`];
  // The AR4SI claims the checks give (attestation-result.md §3); the checks below say why.
  lines.push(dim(`  AR4SI: ${Object.entries(a.trustworthinessVector).map(([claim, value]) => `${claim} ${value}`).join(', ')}`));
  for (const c of a.checks) {
    const mark = c.status === 'pass' ? green('✓') : c.status === 'fail' ? red('✗') : dim('·');
    const detail = c.status === 'pass' ? '' : ` ${c.code ? `${bold(c.code)}: ` : ''}${c.status === 'fail' ? c.message : dim(c.message)}`;
    lines.push(`  ${mark} ${c.id.padEnd(17)}${c.status === 'pass' ? '' : dim(c.status.padEnd(15))}${detail}`);
  }
  if (a.checks.some((c) => c.code !== undefined && MISSING_PROOF.has(c.code))) {
    lines.push(dim('  hint: the bundle does not prove against what this verifier remembers (a missing proof, not evidence of tampering);'));
    lines.push(dim(`  ask for evidence against a fresh challenge: hemkit challenge --for ${file}, then hemkit module evidence --challenge`));
  }
  return lines.join('\n');
}

export interface VerifyOptions extends InputOptions {
  readonly nonce?: Uint8Array[];
  readonly challenge?: string[];
  readonly store?: string;
  readonly ear?: string;
  readonly verifierKey?: string;
  readonly json?: boolean;
}

export async function verify(io: Io, bundles: readonly string[], opts: VerifyOptions): Promise<number> {
  // 1. Everything the command needs, read and checked: nothing is written or recorded before this.
  if (opts.nonce?.length && opts.challenge?.length) throw new UsageError('give --nonce or --challenge, not both');
  const nonces = opts.nonce?.length ? opts.nonce : opts.challenge?.length ? [] : undefined;
  const given = opts.nonce?.length ?? opts.challenge?.length ?? 0;
  if (given > 0 && given !== bundles.length) {
    throw new UsageError(`each bundle answers its own nonce: ${bundles.length} bundle(s) need ${bundles.length} --${opts.nonce?.length ? 'nonce' : 'challenge'} value(s), in the same order, not ${given}`);
  }
  if ((opts.ear === undefined) !== (opts.verifierKey === undefined)) throw new UsageError('--ear FILE and --verifier-key FILE go together');
  atMostOneStdin([...bundles, ...(opts.challenge ?? []), opts.trust, opts.reference, opts.policy, opts.verifierKey]);
  if (opts.ear === '-' && opts.json) throw new UsageError('--ear - and --json would both write to standard output');
  const loaded = await loadInputs(io, opts);
  // A challenge that names its chip binds the nonce to it (specs/security.md §11): another chip's report
  // answering it is NONCE_WRONG_CHIP.
  const chips: (Uint8Array | undefined)[] = [];
  for (const file of opts.challenge ?? []) {
    const challenge = parseChallenge(await readJson(io, file), file);
    nonces!.push(challenge.nonce);
    chips.push(challenge.ueid);
  }
  if (nonces && new Set(nonces.map((n) => hexOf(n))).size !== nonces.length) throw new UsageError('each bundle needs its own nonce: the same nonce is given twice');
  const bytes = await Promise.all(bundles.map((f) => readInput(io, f)));
  bundles.forEach((file, i) => mustBeBundle(bytes[i]!, file));
  if (opts.json || opts.ear !== undefined) oneResultPerChip(bundles, bytes);
  let key;
  if (opts.verifierKey !== undefined) {
    const seed = (await readText(io, opts.verifierKey)).trim();
    if (!/^[0-9a-fA-F]{64}$/.test(seed)) throw new UsageError(`${opts.verifierKey}: a verifier key is a 32-byte Ed25519 seed in hex`);
    key = signingKey(-8, fromHex(seed));
  }
  const path = storePath(io, opts.store);

  // 2. Appraise, recording in the store.
  const store = openStore(path);
  try {
    const base = appraisalInputs(io, loaded, store, opts.backend);
    const appraisals = bundles.map((file, i) => ({ file, appraisal: appraise(bytes[i]!, { ...base, ...(nonces ? { expectedNonce: nonces[i]! } : {}), ...(chips[i] ? { expectedUeid: chips[i] } : {}) }) }));
    const results = appraisals.map((x) => x.appraisal);
    if (opts.ear !== undefined && key !== undefined) writeOutput(io, opts.ear, signResult(results, base.now, VERIFIER_ID, base.policy, key, base.backend));
    if (opts.json) io.stdout.write(`${toJson(resultToJson(results, base.now, VERIFIER_ID, base.policy))}\n`);
    else for (const { file, appraisal } of appraisals) io.stdout.write(`${renderAppraisal(file, appraisal)}\n`);
    return results.every((a) => a.status === 'affirming') ? 0 : 1;
  } finally {
    store.close();
  }
}

/**
 * Fleet accounting over bundles. Freshness is not its question (the bundles were appraised when
 * they arrived), so nonces are not required, and it appraises in a memory store unless --store is
 * given, leaving the verifier's persistent memory untouched.
 */
export async function account(io: Io, bundles: readonly string[], opts: InputOptions & { store?: string; threshold?: Threshold[]; json?: boolean; lineage?: boolean }): Promise<number> {
  atMostOneStdin([...bundles, opts.trust, opts.reference, opts.policy]);
  const loaded = await loadInputs(io, opts);
  const bytes = await Promise.all(bundles.map((f) => readInput(io, f)));
  bundles.forEach((file, i) => mustBeBundle(bytes[i]!, file));
  const store = opts.store !== undefined ? openStore(pathOf(io, opts.store)) : new MemoryVerifierStore();
  try {
    const inputs = appraisalInputs(io, loaded, store, opts.backend, { requireNonce: false, maxAgeSeconds: Number.MAX_SAFE_INTEGER });
    const appraisals = bytes.map((b) => appraise(b, inputs));
    const thresholds = opts.threshold ?? [...DEFAULT_THRESHOLDS];
    if (opts.lineage === true) {
      const report = accountLineage({ workloads: appraisals.flatMap(toLineageWorkloads), chips: lineageChips(appraisals) }, { thresholds });
      io.stdout.write(`${opts.json ? toJson(lineageReportToJson(report)) : renderLineage(report, bundles.length)}\n`);
      return 0;
    }
    const chips = appraisals.flatMap((a) => toAppraisedChip(a) ?? []);
    const report = accountFleet({ chips }, { thresholds });
    io.stdout.write(`${opts.json ? toJson(fleetReportToJson(report)) : renderFleetReport(report)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/**
 * What lineage accounting knows of each chip from its bundles alone (verifier.md §6.2): an affirmed
 * chip's work that no disclosed lineage workload accounts for is its largest affirmed counter less
 * its distinct disclosed lineage work; a chip with no affirmed bundle is unbounded, since no licence
 * register is read here (§7). No holder: each chip is its own.
 */
function lineageChips(appraisals: readonly Appraisal[]): LineageChip[] {
  const byChip = new Map<string, { ueid: Uint8Array; total: bigint | undefined; disclosed: Map<number, bigint> }>();
  for (const a of appraisals) {
    if (a.ueid === undefined) continue;
    const key = hexOf(a.ueid);
    let chip = byChip.get(key);
    if (chip === undefined) byChip.set(key, (chip = { ueid: a.ueid, total: undefined, disclosed: new Map() }));
    if (a.status === 'contraindicated') continue;
    const total = a.totalOps ?? 0n;
    if (chip.total === undefined || total > chip.total) chip.total = total;
    for (const w of toLineageWorkloads(a)) chip.disclosed.set(w.logIndex, w.ops);
  }
  return [...byChip.values()].map((c) => {
    let disclosed = 0n;
    for (const ops of c.disclosed.values()) disclosed += ops;
    return { ueid: c.ueid, unaccountedOps: c.total === undefined ? 'unbounded' : c.total - disclosed };
  });
}

/** The lineage report as text: the itemised models, and the rest as one aggregate. */
function renderLineage(report: LineageReport, bundles: number): string {
  const lines = [
    bold(`Lineage accounting (specs/verifier.md §6.2): ${bundles} bundle(s), ${report.totals.workloads} lineage workload(s), ${report.totals.states} model state(s), ${report.totals.edges} edge(s)`),
  ];
  if (report.models.length === 0) lines.push('No model is itemised: every state is below every threshold, with nothing unaccounted that could carry it over.');
  for (const m of report.models) {
    lines.push(
      `${red(m.flags.join(', '))}  ${m.state.slice(0, 16)}…  cumulative ${formatScientific(m.cumulativeOps)} ops (own ${formatScientific(m.ownOps)})` +
        `${m.missingAncestors > 0 ? `, a lower bound (${m.missingAncestors} missing ancestor(s))` : ''}; ids ${m.workloadIds.join(', ')}; ${m.chips} chip(s)`,
    );
  }
  lines.push(dim(`Aggregate, never named: ${report.aggregate.states} state(s), ${report.aggregate.workloads} workload(s), ${formatScientific(report.aggregate.ownOps)} ops.`));
  if (report.totals.missingStates > 0) lines.push(dim(`${report.totals.missingStates} parent state(s) no bundle produced: their descendants' totals are lower bounds.`));
  return lines.join('\n');
}

/**
 * A file that is not an evidence bundle at all (not profile CBOR, not the bundle's map) is unusable
 * input (exit 2), as for inspect; a bundle whose contents fail a check is a negative appraisal (1).
 */
function mustBeBundle(bytes: Uint8Array, file: string): void {
  try {
    evidenceBundle.parse(decode(bytes), 'evidence-bundle');
  } catch (e) {
    if (isHemkitError(e)) throw new UsageError(`${file} is not an evidence bundle: ${e.code}: ${e.message}`);
    throw e;
  }
}

/**
 * A result holds one appraisal per chip (attestation-result.md §1), so bundles of one chip are
 * refused before anything is appraised or recorded, not when the result is made.
 */
function oneResultPerChip(bundles: readonly string[], bytes: readonly Uint8Array[]): void {
  const seen = new Map<string, string>();
  bundles.forEach((file, i) => {
    let name = 'unidentified';
    try {
      name = hexOf(ueidOfBundle(bytes[i]!, file));
    } catch {
      // a bundle whose report does not decode is appraised as the submodule "unidentified"
    }
    const other = seen.get(name);
    if (other !== undefined) throw new UsageError(`${other} and ${file} are of the same chip (${name}): a result holds one appraisal per chip; verify them in separate runs`);
    seen.set(name, file);
  });
}

/** The chip a bundle says it is from (unverified: only to look up what the verifier remembers). */
function ueidOfBundle(bytes: Uint8Array, file: string): Uint8Array {
  try {
    const b = decode(bytes) as Map<number, unknown>;
    const report = b.get(1);
    if (!(report instanceof Uint8Array)) throw new Error('no report');
    return attestationReportClaims.parse(decode(decodeSign1(report).payload!), 'report').ueid;
  } catch {
    throw new UsageError(`${file} is not an evidence bundle with a readable report`);
  }
}

/**
 * A fresh nonce, and what the chip should prove against: the tree size the verifier's store last
 * remembered for it (0 for a chip it has never affirmed, or when no chip is named). Reads the store
 * only if it exists: a challenge never creates one.
 */
export async function challenge(io: Io, opts: { store?: string; ueid?: Uint8Array; for?: string; out: string; json?: boolean }): Promise<number> {
  if (opts.ueid !== undefined && opts.for !== undefined) throw new UsageError('give --ueid or --for, not both');
  const ueid = opts.for !== undefined ? ueidOfBundle(await readInput(io, opts.for), opts.for) : opts.ueid;
  const path = storePath(io, opts.store);
  let knownTreeSize = 0;
  if (ueid !== undefined && existsSync(path)) {
    const store = SqliteVerifierStore.open(path);
    try {
      knownTreeSize = store.getChip(ueid)?.latestCheckpoint?.treeSize ?? 0;
    } finally {
      store.close();
    }
  }
  const c = { format: CHALLENGE_FORMAT, nonce: hexOf(randomBytes(16)), issuedAt: clockOf(io)(), ...(ueid ? { ueid: hexOf(ueid) } : {}), knownTreeSize };
  writeOutput(io, opts.out, JSON.stringify(c, null, 2) + '\n');
  if (opts.out !== '-') {
    const about = ueid === undefined ? 'no chip named: prove the whole log' : knownTreeSize === 0 ? `chip ${hexOf(ueid)} is new to this verifier: prove the whole log` : `chip ${hexOf(ueid)}: prove against the ${knownTreeSize} entries this verifier remembers`;
    io.stdout.write(opts.json ? `${toJson({ ...c, out: opts.out })}\n` : `${green('✓')} challenge ${c.nonce} (${about}) → ${opts.out}\n`);
  }
  return 0;
}
