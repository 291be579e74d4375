/**
 * `hemkit verify` and `hemkit account`: the verifier's command line. Exit status for verify: 0 when
 * every bundle is affirmed, 1 when any is not, 2 for unusable input or usage.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { getBackend } from '@hemkit/wire/crypto';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { signingKey } from '@hemkit/wire/messages';
import {
  appraise,
  DEFAULT_POLICY,
  parsePolicy,
  parseReferenceValues,
  parseTrustAnchors,
  resultToJson,
  signResult,
  toAppraisedChip,
  type Appraisal,
  type AppraisalInputs,
  type Policy,
} from '@hemkit/verifier';
import { accountFleet, DEFAULT_THRESHOLDS, fleetReportToJson, renderFleetReport, type Threshold } from '@hemkit/verifier/accounting';
import { MemoryVerifierStore, SqliteVerifierStore } from '@hemkit/verifier/store';
import { parseArgs, parseBigint, parseHex, UsageError, type Args } from './args.js';
import { readCborFile } from './inspect.js';
import { bold, dim, green, hexOf, red } from './output.js';

export const VERIFIER_ID = { developer: 'hemkit', build: '0.1.0' } as const;
export const DEFAULT_STORE = 'hemkit-verifier.sqlite';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new UsageError(`${path} is not JSON: ${e.message}`);
    throw e;
  }
}

/** The trust file may carry the reference values too, under "referenceValues"; --reference overrides. */
function loadInputs(args: Args, store: AppraisalInputs['store'], policyOverride?: Partial<Policy>): AppraisalInputs {
  const trustJson = readJson(args.required('trust')) as Record<string, unknown>;
  const { referenceValues, ...anchors } = trustJson;
  const referenceSource = args.flag('reference') ? readJson(args.flag('reference')!) : referenceValues;
  if (referenceSource === undefined) throw new UsageError('no reference values: pass --reference FILE or put "referenceValues" in the trust file');
  const policy = args.flag('policy') ? parsePolicy(readJson(args.flag('policy')!)) : DEFAULT_POLICY;
  const backend = getBackend(args.flag('backend') === 'noble' ? 'noble' : 'node');
  const nonce = args.flag('nonce');
  return {
    trust: parseTrustAnchors(anchors),
    reference: parseReferenceValues(referenceSource),
    policy: { ...policy, ...policyOverride },
    store,
    now: process.env.HEMKIT_TIME ? Number(process.env.HEMKIT_TIME) : Math.floor(Date.now() / 1000),
    backend,
    hasher: createMerkleHasher((d) => backend.sha256(d)),
    chainCache: new Map(),
    ...(nonce ? { expectedNonce: parseHex(nonce, '--nonce') } : {}),
  };
}

export function renderAppraisal(file: string, a: Appraisal): string {
  const colour = a.status === 'affirming' ? green : red;
  const lines = [`${bold(file)}: ${colour(a.status.toUpperCase())}${a.ueid ? dim(` (chip ${hexOf(a.ueid)})`) : ''}`];
  for (const c of a.checks) {
    const mark = c.status === 'pass' ? green('✓') : c.status === 'fail' ? red('✗') : dim('·');
    const detail = c.status === 'pass' ? '' : ` ${c.code ? `${bold(c.code)}: ` : ''}${c.status === 'fail' ? c.message : dim(c.message)}`;
    lines.push(`  ${mark} ${c.id.padEnd(17)}${c.status === 'pass' ? '' : dim(c.status.padEnd(15))}${detail}`);
  }
  return lines.join('\n');
}

export async function verifyCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.positionals.length === 0) throw new UsageError('name at least one evidence bundle');
  const store = SqliteVerifierStore.open(args.flag('store') ?? DEFAULT_STORE);
  try {
    const inputs = loadInputs(args, store);
    const appraisals = args.positionals.map((file) => ({ file, appraisal: appraise(readCborFile(file), inputs) }));
    const now = inputs.now;
    const results = appraisals.map((x) => x.appraisal);
    if (args.flag('ear')) {
      const keyFile = args.flag('verifier-key');
      if (keyFile === undefined) throw new UsageError('--ear needs --verifier-key FILE (a 32-byte Ed25519 seed in hex)');
      const key = signingKey(-8, parseHex(readFileSync(keyFile, 'utf8').trim(), 'verifier key'));
      writeFileSync(args.flag('ear')!, signResult(results, now, VERIFIER_ID, inputs.policy.policyId, key, inputs.backend));
    }
    if (args.has('json')) {
      console.log(JSON.stringify(resultToJson(results, now, VERIFIER_ID, inputs.policy.policyId), null, 2));
    } else {
      for (const { file, appraisal } of appraisals) console.log(renderAppraisal(file, appraisal));
    }
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
export async function accountCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.positionals.length === 0) throw new UsageError('name the evidence bundles to account');
  const store = args.flag('store') ? SqliteVerifierStore.open(args.flag('store')!) : new MemoryVerifierStore();
  try {
    const inputs = loadInputs(args, store, { requireNonce: false, maxAgeSeconds: Number.MAX_SAFE_INTEGER });
    const chips = args.positionals.flatMap((file) => {
      const chip = toAppraisedChip(appraise(readCborFile(file), inputs));
      return chip ? [chip] : [];
    });
    const thresholds: Threshold[] = args.flag('threshold')
      ? args
          .flag('threshold')!
          .split(',')
          .map((t) => {
            const [id, ops] = t.split('=');
            if (!id || !ops) throw new UsageError(`--threshold takes id=ops[,id=ops…], not '${t}'`);
            return { id, description: `custom threshold ${id}`, ops: parseBigint(ops, `threshold ${id}`) };
          })
      : [...DEFAULT_THRESHOLDS];
    const report = accountFleet({ chips }, { thresholds });
    console.log(args.has('json') ? JSON.stringify(fleetReportToJson(report), null, 2) : renderFleetReport(report));
    return 0;
  } finally {
    store.close();
  }
}
