/**
 * Appraisal (specs/verifier.md §4–§6): runs the checks in a fixed order, each reported on its own,
 * and derives an attestation result modelled on EAR. A check whose prerequisite failed is reported
 * as not run, with the reason; nothing passes by default. The checks that depend on what the
 * verifier remembers run inside one store transaction, so two verifiers cannot both accept
 * evidence that only one of them should.
 */
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
import * as checks from './checks/evidence-checks.js';
import type { AppraisalInputs, DisclosedWorkload, Evidence } from './checks/context.js';
import type { ChipMemory, ChipUpdate } from './store/types.js';


export type CheckStatus = 'pass' | 'fail' | 'not-run' | 'not-applicable';

export interface CheckResult {
  readonly id: CheckId;
  readonly status: CheckStatus;
  readonly code?: ErrorCode;
  readonly message: string;
}

export type TrustTier = 'affirming' | 'warning' | 'contraindicated';

/** AR4SI trustworthiness claims (draft-ietf-rats-ar4si): 2 affirming, 32 warning, 96 contraindicated, 0 none. */
export type TrustworthinessVector = Partial<Record<'instance-identity' | 'configuration' | 'executables' | 'hardware' | 'runtime-opaque' | 'storage-opaque' | 'sourced-data', number>>;

export interface Appraisal {
  readonly ueid: Uint8Array | undefined;
  readonly status: TrustTier;
  readonly trustworthinessVector: TrustworthinessVector;
  readonly checks: readonly CheckResult[];
  readonly nonce: Uint8Array | undefined;
  readonly totalOps: bigint | undefined;
  /** Workloads whose openings were disclosed and proven, for fleet accounting. */
  readonly workloads: readonly DisclosedWorkload[];
}

interface CheckSpec {
  readonly id: string;
  readonly needs: readonly string[];
  /** A failure here is a warning rather than a contraindication. */
  readonly warningOnly?: boolean;
  readonly vector: keyof TrustworthinessVector;
  readonly run: (e: Evidence, inputs: AppraisalInputs) => checks.CheckOutcome;
}

/** The checks, in the order they run (specs/verifier.md §5). */
export const CHECKS = [
  // Decoding itself happens in appraise, before the store transaction; this reports its outcome in order.
  { id: 'encoding', needs: [], vector: 'instance-identity', run: (e) => { if (e.encodingError) throw e.encodingError; } },
  { id: 'certificate-chain', needs: ['encoding'], vector: 'hardware', run: (e, i) => checks.checkChain(e, i) },
  { id: 'report-signature', needs: ['certificate-chain'], vector: 'instance-identity', run: (e, i) => checks.checkReport(e, i) },
  { id: 'revocation', needs: ['report-signature'], vector: 'instance-identity', run: (e, i) => checks.checkRevocation(e, i) },
  { id: 'freshness', needs: ['report-signature'], vector: 'instance-identity', run: (e, i) => checks.checkFreshness(e, i) },
  { id: 'firmware', needs: ['report-signature'], vector: 'executables', run: (e, i) => checks.checkFirmware(e, i) },
  { id: 'debug', needs: ['report-signature'], vector: 'configuration', warningOnly: true, run: (e, i) => checks.checkDebug(e, i) },
  { id: 'lock-state', needs: ['report-signature'], vector: 'runtime-opaque', run: (e) => checks.checkLockState(e) },
  { id: 'rollback', needs: ['report-signature'], vector: 'storage-opaque', run: (e) => checks.checkRollback(e) },
  { id: 'checkpoints', needs: ['report-signature'], vector: 'storage-opaque', run: (e, i) => checks.checkCheckpoints(e, i) },
  { id: 'inclusion', needs: ['checkpoints'], vector: 'sourced-data', run: (e, i) => checks.checkInclusion(e, i) },
  { id: 'openings', needs: ['inclusion'], vector: 'sourced-data', run: (e) => checks.checkOpenings(e) },
  { id: 'counters-vs-log', needs: ['inclusion', 'rollback'], vector: 'sourced-data', run: (e, i) => checks.checkCountersAgainstLog(e, i) },
  { id: 'licence', needs: ['inclusion'], vector: 'sourced-data', run: (e, i) => checks.checkLicence(e, i) },
] as const satisfies readonly CheckSpec[];

export type CheckId = (typeof CHECKS)[number]['id'];

const TIER = { affirming: 2, warning: 32, contraindicated: 96 } as const;

/**
 * The encoding check runs first, before the store transaction: it is pure, and it names the chip
 * whose memory the rest of the checks need. Its outcome is handed to runChecks, not repeated.
 */
export function appraise(bytes: Uint8Array, inputs: AppraisalInputs): Appraisal {
  const evidence: Evidence = {};
  try {
    checks.checkEncoding(evidence, bytes);
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    evidence.encodingError = e;
  }
  const ueid = evidence.report?.ueid;
  if (evidence.encodingError !== undefined || ueid === undefined) return runChecks(inputs, undefined, evidence).appraisal;
  return inputs.store.appraise(ueid, (memory) => {
    const { appraisal, update } = runChecks(inputs, memory, { ...evidence, entries: new Map() });
    return update === undefined ? { result: appraisal } : { result: appraisal, update };
  });
}

function runChecks(
  inputs: AppraisalInputs,
  memory: ChipMemory | undefined,
  decoded: Evidence,
): { appraisal: Appraisal; update?: ChipUpdate } {
  const evidence: Evidence = memory === undefined ? decoded : { ...decoded, memory };
  const results: CheckResult[] = [];
  const vector: TrustworthinessVector = {};
  const status = new Map<string, CheckStatus>();
  let tier: TrustTier = 'affirming';
  for (const spec of CHECKS as readonly CheckSpec[]) {
    const blocked = spec.needs.find((n) => status.get(n) === 'fail' || status.get(n) === 'not-run');
    let result: CheckResult;
    if (blocked !== undefined) {
      result = { id: spec.id as CheckId, status: 'not-run', message: `not run: the ${blocked} check did not pass` };
    } else {
      try {
        const outcome = spec.run(evidence, inputs);
        result = outcome
          ? { id: spec.id as CheckId, status: 'not-applicable', message: outcome.notApplicable }
          : { id: spec.id as CheckId, status: 'pass', message: 'ok' };
      } catch (e) {
        if (!(e instanceof HemkitError)) throw e;
        result = { id: spec.id as CheckId, status: 'fail', code: e.code, message: e.message };
      }
    }
    status.set(spec.id, result.status);
    results.push(result);
    const worst = result.status === 'fail' ? (spec.warningOnly ? TIER.warning : TIER.contraindicated) : result.status === 'not-run' ? TIER.contraindicated : TIER.affirming;
    vector[spec.vector] = Math.max(vector[spec.vector] ?? 0, worst);
    if (result.status === 'fail' || result.status === 'not-run') {
      if (!spec.warningOnly || result.status === 'not-run') tier = 'contraindicated';
      else if (tier === 'affirming') tier = 'warning';
    }
  }
  const report = evidence.report;
  const appraisal: Appraisal = {
    ueid: report?.ueid,
    status: tier,
    trustworthinessVector: vector,
    checks: results,
    nonce: report?.nonce,
    totalOps: report?.counters.totalOps,
    workloads: tier === 'contraindicated' ? [] : (evidence.workloads ?? []),
  };
  // Only evidence that was not contraindicated becomes memory: a forged report must not raise the bar.
  if (tier === 'contraindicated' || report === undefined) return { appraisal };
  return {
    appraisal,
    update: {
      ueid: report.ueid,
      bootcount: report.bootcount,
      totalOps: report.counters.totalOps,
      workloadsRun: report.counters.workloadsRun,
      checkpoints: evidence.newCheckpoints ?? [],
      appraisedAt: inputs.now,
    },
  };
}
