/**
 * Example policy: RFD 032's throttled baseline. A chip whose licence lapsed (expired or used up), or
 * that never had one, is not switched off: it keeps a baseline of about 1% of its rate, so that
 * licensing is a lever on how much compute an operator gets rather than a kill switch. Optionally:
 * quota drawn per precision class with weights, and a workload larger than the remaining quota
 * admitted up to the quota with the rest at the baseline rate (module-commands.md §5.1).
 *
 * A revoked licence still locks fully: revocation is a sanction, not a lapse.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { LOCK, type PrecisionClass } from '@hemkit/wire/messages';
import { DEFAULT_POLICY } from '../default.js';
import type { FirmwarePolicy, WorkloadContext, WorkloadParams } from '../types.js';

/** Weights are in thousandths: 1000 draws one quota operation per operation. */
export const WEIGHT_SCALE = 1000n;

/** An example weighting by datapath width against bf16: fp32 draws 2, fp8 and int8 ½, fp4 and int4 ¼. */
export const WIDTH_WEIGHTS: ReadonlyMap<PrecisionClass, bigint> = new Map<PrecisionClass, bigint>([
  [1, 4000n], [2, 2000n], [3, 1000n], [4, 1000n], [5, 1000n], [6, 500n], [7, 250n], [8, 500n], [9, 250n],
]);

export interface ThrottledBaselineOptions {
  /** Operations per second a lapsed chip still runs: about 1% of the part's rate in RFD 032. */
  readonly baselineOpsPerSecond: bigint;
  /** Quota drawn per operation, by precision class, in thousandths; absent classes draw 1000. */
  readonly precisionWeights?: ReadonlyMap<PrecisionClass, bigint>;
  /** Admit a workload larger than the remaining quota: the quota's worth at full rate, the rest throttled. */
  readonly admitToQuota?: boolean;
}

/** Lock states that are a lapse: the chip falls to its baseline rather than locking. */
const LAPSED: ReadonlySet<number> = new Set([LOCK.noLicence, LOCK.licenceExpired, LOCK.licenceExhausted]);

export function throttledBaselinePolicy(options: ThrottledBaselineOptions): FirmwarePolicy {
  const weights = options.precisionWeights;
  /** Operations a workload may run at the baseline in its declared busy time (at least 1 s, as for interconnect). */
  const baselineAllows = (w: WorkloadParams) => options.baselineOpsPerSecond * BigInt(Math.max(1, w.busyChipSeconds ?? 1));
  const overBaseline = (ops: bigint, w: WorkloadParams) => ({
    admit: false as const,
    code: 'WORKLOAD_OVER_BASELINE' as const,
    message: `${ops} operations at the throttled baseline need more than the declared ${Math.max(1, w.busyChipSeconds ?? 1)} s at ${options.baselineOpsPerSecond} operations/s`,
  });
  return {
    ...DEFAULT_POLICY,
    name: `rfd032-throttled-baseline${weights ? '+weights' : ''}${options.admitToQuota ? '+admit-to-quota' : ''}`,
    quotaCost: (w) => (weights === undefined ? w.ops : ceilDiv(w.ops * (weights.get(w.precisionClass) ?? WEIGHT_SCALE), WEIGHT_SCALE)),
    whenLocked(context: WorkloadContext) {
      if (!LAPSED.has(context.lockState)) return DEFAULT_POLICY.whenLocked(context);
      return context.workload.ops <= baselineAllows(context.workload) ? { admit: true, charge: 0n } : overBaseline(context.workload.ops, context.workload);
    },
    whenOverQuota(context) {
      if (!options.admitToQuota) return DEFAULT_POLICY.whenOverQuota(context);
      // The operations beyond the quota's worth, in operations (the cost is in quota units).
      const { workload, licence, cost } = context;
      const beyond = ceilDiv(workload.ops * (cost - licence.remainingQuota), cost);
      return beyond <= baselineAllows(workload) ? { admit: true, charge: licence.remainingQuota } : overBaseline(beyond, workload);
    },
  };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  if (b <= 0n) throw new HemkitError('MODULE_INVALID_PARAMS', 'a precision weight must be positive');
  return (a + b - 1n) / b;
}
