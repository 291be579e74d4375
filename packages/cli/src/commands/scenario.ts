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
import { parseScenario, runScenario, type Appraiser, type Cost, type Trace, type TraceStep } from '@hemkit/module/scenario';
import { appraise, DEFAULT_POLICY, parseReferenceValues, parseTrustAnchors } from '@hemkit/verifier';
import { MemoryVerifierStore } from '@hemkit/verifier/store';
import { readJson, writeOutput } from '../files.js';
import type { Io } from '../io.js';
import { bold, dim, green, red } from '../output.js';

export interface RunOptions {
  /** Where to write the trace as JSON (- for standard output). */
  readonly json?: string;
}

export async function scenarioRun(io: Io, file: string, opts: RunOptions): Promise<number> {
  const scenario = parseScenario(await readJson(io, file));
  const trace = runScenario(scenario, { appraiser: verifierAppraiser() });
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
  for (const [field, t] of Object.entries(s.transitions)) lines.push(dim(`        ${field}: ${JSON.stringify(t.from)} → ${JSON.stringify(t.to)}`));
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
      policy: DEFAULT_POLICY,
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
