/**
 * Appraisal (specs/verifier.md §4–§6): runs the checks in a fixed order, each reported on its own,
 * and derives an attestation result modelled on EAR. The checks form a typed pipeline: each receives
 * the values the checks it depends on proved (checks/context.ts), so a check whose prerequisite did
 * not pass is reported as not run, with the reason, and can never see unverified data. Nothing passes
 * by default. The checks that depend on what the verifier remembers run inside one store transaction,
 * so two verifiers cannot both accept evidence that only one of them should.
 */
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
import * as checks from './checks/evidence-checks.js';
import type { AppraisalInputs, Decoded, DisclosedWorkload } from './checks/context.js';
import type { ChipMemory, ChipUpdate, VerifierStore } from './store/types.js';
import type { AppraisalPlan, AsyncVerifierStore, NonceLedger, StoredChallenge } from './store/async-types.js';
import { bytesEqual } from '@hemkit/wire/bytes';
import { tierOf, trustworthinessVector, type TrustworthinessVector } from './ar4si.js';

export type { TrustworthinessVector } from './ar4si.js';

export type CheckStatus = 'pass' | 'fail' | 'not-run' | 'not-applicable';

export interface CheckResult {
  readonly id: CheckId;
  readonly status: CheckStatus;
  readonly code?: ErrorCode;
  readonly message: string;
}

export type TrustTier = 'affirming' | 'warning' | 'contraindicated';

export interface Appraisal {
  readonly ueid: Uint8Array | undefined;
  readonly status: TrustTier;
  readonly trustworthinessVector: TrustworthinessVector;
  readonly checks: readonly CheckResult[];
  readonly nonce: Uint8Array | undefined;
  readonly totalOps: bigint | undefined;
  /** The report's memory-bytes counter (attestation-report.md §2), when it has one. */
  readonly memoryBytes?: bigint;
  /** Workloads whose openings were disclosed and proven, each once, for fleet accounting. */
  readonly workloads: readonly DisclosedWorkload[];
}

interface CheckSpec {
  readonly id: string;
  readonly needs: readonly string[];
  /** A failure here is a warning rather than a contraindication. */
  readonly warningOnly?: boolean;
}

/** The checks, in the order they run, with what each needs (specs/verifier.md §5). */
export const CHECKS = [
  { id: 'encoding', needs: [] },
  { id: 'certificate-chain', needs: ['encoding'] },
  { id: 'report-signature', needs: ['certificate-chain'] },
  { id: 'revocation', needs: ['report-signature'] },
  { id: 'freshness', needs: ['report-signature'] },
  { id: 'firmware', needs: ['report-signature'] },
  { id: 'debug', needs: ['report-signature'], warningOnly: true },
  { id: 'lock-state', needs: ['report-signature'] },
  { id: 'rollback', needs: ['report-signature'] },
  { id: 'log-consistency', needs: ['report-signature'] },
  { id: 'inclusion', needs: ['log-consistency'] },
  { id: 'openings', needs: ['inclusion'] },
  { id: 'counters-vs-log', needs: ['inclusion', 'rollback'] },
  { id: 'licence', needs: ['counters-vs-log'] },
  { id: 'usage-rate', needs: ['licence', 'firmware'] },
] as const satisfies readonly CheckSpec[];

export type CheckId = (typeof CHECKS)[number]['id'];

const SPEC = new Map<string, CheckSpec>(CHECKS.map((c) => [c.id, c]));

/** Records each check's outcome in order, and runs a check only when everything it needs passed. */
class Recorder {
  readonly results: CheckResult[] = [];
  readonly #status = new Map<string, CheckStatus>();

  /**
   * Runs `fn` on the values `args` when every check the spec says `id` needs passed or was not
   * applicable (and so handed its value on); records the outcome and returns the check's value.
   */
  run<A extends readonly unknown[], T>(id: CheckId, args: readonly [...A], fn: (...args: { [K in keyof A]: NonNullable<A[K]> }) => checks.Outcome<T>): T | undefined {
    const blocked = SPEC.get(id)!.needs.find((n) => this.#status.get(n) !== 'pass' && this.#status.get(n) !== 'not-applicable');
    if (blocked !== undefined || args.some((a) => a === undefined)) {
      this.#record({ id, status: 'not-run', message: `not run: the ${blocked ?? 'earlier'} check did not pass` });
      return undefined;
    }
    try {
      const outcome = fn(...(args as { [K in keyof A]: NonNullable<A[K]> }));
      this.#record(outcome.notApplicable === undefined ? { id, status: 'pass', message: 'ok' } : { id, status: 'not-applicable', message: outcome.notApplicable });
      return outcome.value;
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      this.#record({ id, status: 'fail', code: e.code, message: e.message });
      return undefined;
    }
  }

  #record(result: CheckResult): void {
    this.#status.set(result.id, result.status);
    this.results.push(result);
  }

  /**
   * The tier and vector (attestation-result.md §2, §3): any failed or not-run check contraindicates,
   * but a failed warning-only one warns; and the tier is never better than the vector's worst claim.
   */
  verdict(): { tier: TrustTier; vector: TrustworthinessVector } {
    let worst = 0;
    for (const r of this.results) {
      if (r.status === 'not-run' || (r.status === 'fail' && !SPEC.get(r.id)!.warningOnly)) worst = 2;
      else if (r.status === 'fail') worst = Math.max(worst, 1);
    }
    const vector = trustworthinessVector(this.results);
    for (const v of Object.values(vector)) worst = Math.max(worst, tierOf(v) - 1);
    return { tier: (['affirming', 'warning', 'contraindicated'] as const)[worst]!, vector };
  }
}

/**
 * The encoding check runs first, before the store transaction: it is pure, and it names the chip
 * whose memory the rest of the checks need. Its outcome is handed to the pipeline, not repeated.
 */
export function appraise(bytes: Uint8Array, inputs: AppraisalInputs): Appraisal {
  let decoded: Decoded | HemkitError;
  try {
    decoded = checks.checkEncoding(bytes).value;
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    decoded = e;
  }
  if (decoded instanceof HemkitError) return runChecks(inputs, undefined, decoded).appraisal;
  const found = decoded;
  return inputs.store.appraise(found.report.claims.ueid, (memory) => {
    const { appraisal, update } = runChecks(inputs, memory, found);
    return update === undefined ? { result: appraisal } : { result: appraisal, update };
  });
}

/** The inputs of an appraisal against an asynchronous store (specs/verifier.md §4.1). */
export type AsyncAppraisalInputs = Omit<AppraisalInputs, 'store'> & {
  readonly store: AsyncVerifierStore;
  /**
   * The challenge the evidence answers, read in the appraisal's own transaction rather than before
   * it (specs/verifier.md §4.1): its nonce is the expected nonce, and the chip it names, if any, the
   * expected UEID (both replace `expectedNonce` and `expectedUeid`). `accept` sees the challenge as
   * found at `now` (undefined: never issued, or expired) before any check uses it, and throws to
   * refuse the evidence; nothing is then recorded and the error passes through.
   */
  readonly challenge?: { readonly nonce: Uint8Array; readonly accept: (found: StoredChallenge | undefined) => void };
  /**
   * Sees the error of an encoding check that failed, before anything else is done (the challenge is
   * not read), and throws to refuse the evidence: a service refuses a body that is not an evidence
   * bundle at all without an appraisal, and this way decodes the bundle once rather than first on its
   * own. Nothing is recorded and the error passes through; when it returns, the appraisal goes on.
   */
  readonly encodingFailed?: (error: HemkitError) => void;
};

/**
 * `appraise` against an asynchronous store (PostgreSQL, or any store through `asAsyncStore`): the same
 * checks in the same order, with the same result. The plan names what the checks may read of the
 * chip's memory (the checkpoint sizes the bundle carries) and the nonce they may use (the report's,
 * when it is the expected one), so the store can fetch both in its transaction before they run.
 */
export async function appraiseAsync(bytes: Uint8Array, inputs: AsyncAppraisalInputs): Promise<Appraisal> {
  let decoded: Decoded | HemkitError;
  try {
    decoded = checks.checkEncoding(bytes).value;
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    decoded = e;
  }
  const challenge = inputs.challenge;
  if (decoded instanceof HemkitError) {
    inputs.encodingFailed?.(decoded);
    // No chip to appraise, so no transaction: the challenge is read on its own.
    let expected = inputs;
    if (challenge !== undefined) {
      const c = await inputs.store.getChallenge(challenge.nonce, inputs.now);
      challenge.accept(c);
      expected = answering(inputs, challenge.nonce, c);
    }
    return runChecks({ ...expected, store: NO_STORE }, undefined, decoded).appraisal;
  }
  const found = decoded;
  const expectedNonce = challenge?.nonce ?? inputs.expectedNonce;
  const plan = planOf(found, expectedNonce === undefined ? inputs : { ...inputs, expectedNonce });
  return inputs.store.appraise(found.report.claims.ueid, challenge === undefined ? plan : { ...plan, challenge: { nonce: challenge.nonce, now: inputs.now } }, (memory, ledger, c) => {
    if (challenge !== undefined) challenge.accept(c);
    const expected = challenge === undefined ? inputs : answering(inputs, challenge.nonce, c);
    const { appraisal, update } = runChecks({ ...expected, store: ledgerStore(ledger) }, memory, found);
    return update === undefined ? { result: appraisal } : { result: appraisal, update };
  });
}

/** The inputs with the expected nonce and chip of the challenge the evidence answers. */
function answering<I extends AsyncAppraisalInputs>(inputs: I, nonce: Uint8Array, c: StoredChallenge | undefined): I {
  const { expectedUeid: _dropped, ...rest } = inputs;
  return { ...rest, expectedNonce: nonce, ...(c?.ueid !== undefined ? { expectedUeid: c.ueid } : {}) } as I;
}

/** The checkpoint sizes check 10 may look up, and the nonce check 5 may use, with its expiry there. */
function planOf(d: Decoded, inputs: Pick<AsyncAppraisalInputs, 'policy' | 'expectedNonce' | 'now'>): AppraisalPlan {
  const checkpointSizes = d.checkpoints.map((c) => c.claims.treeSize);
  const p = inputs.policy;
  const nonce = d.report.claims.nonce;
  const usable = p.requireNonce && inputs.expectedNonce !== undefined && bytesEqual(nonce, inputs.expectedNonce);
  return usable ? { checkpointSizes, nonce: { nonce, expiresAt: inputs.now + p.maxAgeSeconds + p.clockSkewSeconds } } : { checkpointSizes };
}

function storeMisuse(): never {
  throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', 'the checks reached the store outside the appraisal plan');
}

/** The synchronous face the checks see inside an asynchronous transaction: only the nonce ledger. */
function ledgerStore(ledger: NonceLedger): VerifierStore {
  return { getChip: storeMisuse, appraise: storeMisuse, useNonce: (n, e) => ledger.useNonce(n, e), close: () => {} };
}

/** For evidence that names no chip: the checks that run never reach the store. */
const NO_STORE: VerifierStore = { getChip: storeMisuse, appraise: storeMisuse, useNonce: storeMisuse, close: () => {} };

function runChecks(inputs: AppraisalInputs, memory: ChipMemory | undefined, decodedOrError: Decoded | HemkitError): { appraisal: Appraisal; update?: ChipUpdate } {
  const r = new Recorder();
  const decoded = r.run('encoding', [], () => {
    if (decodedOrError instanceof HemkitError) throw decodedOrError;
    return { value: decodedOrError };
  });
  const chain = r.run('certificate-chain', [decoded], (d) => checks.checkChain(d, inputs));
  const attested = r.run('report-signature', [decoded, chain], (d, c) => checks.checkReport(d, c, inputs));
  r.run('revocation', [attested], (a) => checks.checkRevocation(a, inputs));
  r.run('freshness', [attested], (a) => checks.checkFreshness(a, inputs));
  const model = r.run('firmware', [attested], (a) => checks.checkFirmware(a, inputs));
  r.run('debug', [attested], (a) => checks.checkDebug(a, inputs));
  r.run('lock-state', [attested], (a) => checks.checkLockState(a));
  r.run('rollback', [attested], (a) => checks.checkRollback(a, memory));
  const anchored = r.run('log-consistency', [attested], (a) => checks.checkLogConsistency(a, memory, inputs));
  const proven = r.run('inclusion', [attested, anchored], (a, an) => checks.checkInclusion(a, an, inputs));
  const workloads = r.run('openings', [attested, proven], (a, p) => checks.checkOpenings(a, p, inputs));
  const covered = r.run('counters-vs-log', [anchored, proven], (an, p) => checks.checkCountersAgainstLog(an, p));
  const ledger = r.run('licence', [attested, covered], (a, c) => checks.checkLicence(a, c, memory, inputs));
  r.run('usage-rate', [attested, model, ledger], (a, m, l) => checks.checkUsageRate(a, m, l, memory, inputs));

  const { tier, vector } = r.verdict();
  const report = attested?.report ?? (decodedOrError instanceof HemkitError ? undefined : decodedOrError.report.claims);
  const appraisal: Appraisal = {
    ueid: report?.ueid,
    status: tier,
    trustworthinessVector: vector,
    checks: r.results,
    nonce: report?.nonce,
    totalOps: report?.counters.totalOps,
    ...(report?.counters.memoryBytes !== undefined ? { memoryBytes: report.counters.memoryBytes } : {}),
    workloads: tier === 'contraindicated' ? [] : (workloads ?? []),
  };
  // Only evidence that was not contraindicated becomes memory: a forged report must not raise the bar
  // (verifier.md §4, invariant 4). Not contraindicated means every check but debug passed or was not
  // applicable, so everything below was proven.
  if (tier === 'contraindicated' || attested === undefined || anchored === undefined || ledger === undefined) return { appraisal };
  return {
    appraisal,
    update: {
      ueid: attested.report.ueid,
      bootcount: attested.report.bootcount,
      totalOps: attested.report.counters.totalOps,
      workloadsRun: attested.report.counters.workloadsRun,
      checkpoints: anchored.newCheckpoints,
      appraisedAt: inputs.now,
      licenceUsage: ledger.usage,
      activeLicence: ledger.active,
      // The head's state, so that the next appraisal starts its walk from it (verifier.md §4).
      svn: ledger.svn,
      ...(ledger.issuerSet !== undefined ? { issuerSet: ledger.issuerSet } : {}),
      memoryBytes: anchored.head.memoryBytes,
      licenceMemoryUsage: ledger.memoryUsage,
    },
  };
}
