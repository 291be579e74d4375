/**
 * `hemkit scenario run FILE`: reads a scenario file (specs/scenarios.md), runs it on a simulated
 * part, and prints the trace for people or writes it as JSON. The file I/O and the verifier binding
 * live here; the scenario core (@hemkit/module/scenario) is pure.
 *
 * Exit status: 0 every step met its expectation; 1 some did not (each named on stderr as
 * SCENARIO_EXPECTATION_FAILED, and the trace still written); 2 a file that is not a scenario.
 */
import { encode } from '@hemkit/wire/cbor';
import { encodeCoseKey, type CosePublicKey } from '@hemkit/wire/cose';
import { nobleBackend } from '@hemkit/wire/crypto';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { toHex } from '@hemkit/wire/bytes';
import { FACTORY_FIRMWARE, SIM_PEAK_OPS_PER_SECOND } from '@hemkit/module';
import { compareTraces, parseScenario, readTrace, runScenario, type Appraiser, type Cost, type Trace, type TraceComparison, type TraceStep } from '@hemkit/module/scenario';
import { appraise, DEFAULT_POLICY, parsePolicy, parseReferenceValues, parseTrustAnchors } from '@hemkit/verifier';
import { MemoryVerifierStore } from '@hemkit/verifier/store';
import { atMostOneStdin, readJson, writeOutput } from '../files.js';
import type { Io } from '../io.js';
import { loadPolicyModule } from '../policy-module.js';
import { bold, dim, green, red } from '../output.js';

export interface RunOptions {
  /** Where to write the trace as JSON (- for standard output). */
  readonly json?: string;
  /** A policy module, in place of the policy the scenario names. */
  readonly policy?: string;
}

export async function scenarioRun(io: Io, file: string, opts: RunOptions): Promise<number> {
  atMostOneStdin([file, opts.policy]);
  const scenario = parseScenario(await readJson(io, file));
  const policy = opts.policy !== undefined ? await loadPolicyModule(io, opts.policy) : undefined;
  const trace = runScenario(scenario, { appraiser: verifierAppraiser(), ...(policy ? { policy } : {}) });
  if (opts.json !== undefined) writeOutput(io, opts.json, `${JSON.stringify(trace, null, 2)}\n`);
  if (opts.json !== '-') io.stdout.write(`${renderTrace(trace)}\n`);
  for (const index of trace.mismatches) {
    const step = trace.steps[index]!;
    io.stderr.write(`hemkit: SCENARIO_EXPECTATION_FAILED: step ${index} (${step.do}, "${step.comment}"): expected ${step.expect}, got ${step.outcome}\n`);
  }
  return trace.mismatches.length === 0 ? 0 : 1;
}

/** The cost of a step in one short field: signatures, verifications, hashes, writes, counter. */
export function costLine(c: Cost): string {
  return `sig ${c.signatures} ver ${c.verifications} hash ${c.hashes} wr ${c.stateWrites}+${c.logWrites} (${c.stateBytesWritten + c.logBytesWritten} B) ctr +${c.counterIncrements}`;
}

function renderStep(s: TraceStep): string {
  const mark = s.matched ? green('✓') : red('✗');
  const outcome = s.matched ? s.outcome : `${s.outcome} (expected ${s.expect})`;
  const lines = [`${mark} ${String(s.index).padStart(3)} ${s.do.padEnd(16)} ${outcome.padEnd(30)} ${dim(costLine(s.cost))}  ${s.comment}`];
  // A chip's first state is every field at once: one line says so (the JSON trace lists them all).
  const first = s.transitions['manufactured']?.to === true;
  const fields = first ? [] : Object.entries(s.transitions);
  if (first) lines.push(dim('        manufactured: the chip has its first state'));
  for (const [field, t] of fields) lines.push(dim(`        ${field}: ${JSON.stringify(t.from)} → ${JSON.stringify(t.to)}`));
  for (const e of s.logEntries) lines.push(dim(`        + log ${e.index} ${e.kind}`));
  if (s.appraisal !== undefined) lines.push(`        appraisal: ${JSON.stringify(s.appraisal)}`);
  return lines.join('\n');
}

export function renderTrace(trace: Trace): string {
  const head = `${bold(`scenario ${trace.scenario}`)}: ${trace.description} ${dim(`(policy ${trace.policy})`)}`;
  const verdict = trace.mismatches.length === 0 ? green(`every step as expected (${trace.steps.length})`) : red(`${trace.mismatches.length} of ${trace.steps.length} steps not as expected`);
  return [head, ...trace.steps.map(renderStep), `${bold('total')}: ${costLine(trace.totals)}`, verdict].join('\n');
}

/**
 * The verifier for `appraise` steps: @hemkit/verifier with the scenario's manufacturer and issuers as
 * trust anchors, the factory firmware and every update the chip accepted as reference values, the
 * default policy, and one memory store for the whole run (so a later appraisal sees the earlier).
 */
function verifierAppraiser(): Appraiser {
  const store = new MemoryVerifierStore();
  const keyHex = (key: CosePublicKey) => toHex(encode(encodeCoseKey(key)));
  return (input) => {
    const trust = parseTrustAnchors({
      manufacturers: [{ name: input.manufacturer.name, key: keyHex(input.manufacturer.publicKey) }],
      licenceIssuers: { keys: input.issuers.map(keyHex), threshold: input.issuerThreshold },
      revoked: { ueids: [], keyIds: [] },
    });
    const hwmodel = new TextDecoder().decode(input.hwmodel);
    const reference = parseReferenceValues({
      models: [
        {
          oemid: toHex(input.manufacturer.oemid),
          hwmodel,
          minimumSvn: 1,
          peakOpsPerSecond: SIM_PEAK_OPS_PER_SECOND.toString(),
          firmware: [{ measurement: toHex(FACTORY_FIRMWARE), svn: 1, name: 'factory firmware' }, ...input.firmware.map((f) => ({ measurement: toHex(f.measurement), svn: f.svn, name: `SVN ${f.svn}` }))],
        },
      ],
    });
    const appraisal = appraise(input.bundle, {
      trust,
      reference,
      policy: input.verifierPolicy === undefined ? DEFAULT_POLICY : parsePolicy(input.verifierPolicy),
      store,
      now: input.now,
      expectedNonce: input.nonce,
      backend: nobleBackend,
      hasher: createMerkleHasher((d) => nobleBackend.sha256(d)),
    });
    return {
      status: appraisal.status,
      failed: appraisal.checks.filter((c) => c.status === 'fail').map((c) => ({ check: c.id, code: c.code ?? null })),
    };
  };
}

/**
 * `hemkit scenario compare FIRST SECOND`: two traces of one scenario (two policies, two designs)
 * step by step. Exit 0 when they agree in every outcome, entry, transition and cost; 1 when not.
 */
export async function scenarioCompare(io: Io, first: string, second: string, opts: { json?: boolean }): Promise<number> {
  atMostOneStdin([first, second]);
  const a = readTrace(await readJson(io, first));
  const b = readTrace(await readJson(io, second));
  const comparison = compareTraces(a, b);
  io.stdout.write(`${opts.json ? JSON.stringify(comparison, null, 2) : renderComparison(comparison, first, second)}\n`);
  return comparison.same ? 0 : 1;
}

function renderComparison(c: TraceComparison, first: string, second: string): string {
  const pair = (x: unknown, y: unknown) => `${JSON.stringify(x)} → ${JSON.stringify(y)}`;
  const lines = [`${bold('first')}: ${first} (scenario ${c.first.scenario}, policy ${c.first.policy})`, `${bold('second')}: ${second} (scenario ${c.second.scenario}, policy ${c.second.policy})`];
  if (c.first.scenario !== c.second.scenario) lines.push(red('the traces are of different scenarios: steps are compared by position'));
  for (const d of c.steps) {
    const parts: string[] = [];
    if (d.outcome) parts.push(`outcome ${pair(...d.outcome)}`);
    if (d.logKinds) parts.push(`entries ${pair(...d.logKinds)}`);
    if (d.transitionsDiffer) parts.push('state transitions differ');
    for (const [k, v] of Object.entries(d.cost ?? {})) parts.push(`${k} ${pair(...v)}`);
    lines.push(`  ${String(d.index).padStart(3)} ${d.do.padEnd(16)} ${parts.join('; ')}  ${dim(d.comment)}`);
  }
  lines.push(bold('totals') + ':');
  for (const [k, [x, y]] of Object.entries(c.totals)) lines.push(`  ${k.padEnd(18)} ${String(x).padStart(10)} ${String(y).padStart(10)}${x === y ? '' : `  ${y - x > 0 ? '+' : ''}${y - x}`}`);
  lines.push(c.same ? green('the traces agree') : red(`${c.steps.length} step(s) differ`));
  return lines.join('\n');
}
