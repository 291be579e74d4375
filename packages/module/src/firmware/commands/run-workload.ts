/**
 * run-workload: a workload the licence admits is metered (started and finished entries, counters,
 * quota); one it does not admit is refused and the refusal logged.
 */
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
import { LOCK, LOCK_NAMES, modelStateCommitment, workloadCommitment, type CMD, type Counters, type ParamsOf } from '@hemkit/wire/messages';
import { toHex } from '@hemkit/wire/bytes';
import type { Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function runWorkload(w: Work, request: CommandRequest<typeof CMD.runWorkload>): CommandResponse<typeof CMD.runWorkload> {
  const { params } = request;
  w.notRefusing();
  w.provisioned();
  const salt = w.env.random(32);
  const commitment = workloadCommitment(salt, params.workloadDescriptor);
  const refuse = (code: ErrorCode, message: string): never => {
    w.log(8, { workloadCommitment: commitment, reason: code });
    throw new HemkitError(code, message);
  };
  const licence = w.state.licence;
  if (licence === undefined || w.state.lockState !== LOCK.unlocked) {
    return refuse('WORKLOAD_LOCKED', `the chip is locked (${LOCK_NAMES.get(w.state.lockState)}): no licence admits workloads`);
  }
  if (!licence.precisionClasses.includes(params.precisionClass)) {
    refuse('WORKLOAD_PRECISION_NOT_ALLOWED', `precision class ${params.precisionClass} is not in the licence (${licence.precisionClasses.join(', ')})`);
  }
  if (licence.maxClusterSize !== undefined && (params.clusterSize ?? 1) > licence.maxClusterSize) {
    refuse('WORKLOAD_CLUSTER_TOO_LARGE', `cluster size ${params.clusterSize} exceeds the licence's maximum ${licence.maxClusterSize}`);
  }
  if (licence.maxInterconnectBandwidth !== undefined && params.interconnectBytes !== undefined) {
    const seconds = BigInt(Math.max(1, params.busyChipSeconds ?? 1));
    if (params.interconnectBytes > BigInt(licence.maxInterconnectBandwidth) * seconds) {
      refuse('WORKLOAD_INTERCONNECT_EXCEEDED', `${params.interconnectBytes} interconnect bytes in ${seconds} s exceed ${licence.maxInterconnectBandwidth} bytes/s`);
    }
  }
  const states = modelStatesProblem(params);
  if (states !== undefined) refuse('WORKLOAD_MODEL_STATES_INVALID', states);
  if (params.ops > licence.remainingQuota) {
    refuse('WORKLOAD_OVER_QUOTA', `the workload declares ${params.ops} operations; ${licence.remainingQuota} remain in the quota`);
  }
  const startedIndex = w.log(6, {
    workloadCommitment: commitment,
    precisionClass: params.precisionClass,
    ...(params.clusterSize !== undefined ? { clusterSize: params.clusterSize } : {}),
  });
  w.state = { ...w.state, counters: addUsage(w.state.counters, params) };
  const usage = {
    workloadCommitment: commitment,
    ops: params.ops,
    ...(params.busyChipSeconds !== undefined ? { busyChipSeconds: params.busyChipSeconds } : {}),
    ...(params.interconnectBytes !== undefined ? { interconnectBytes: params.interconnectBytes } : {}),
  };
  // A workload that produced a model state finishes with kind 13, its states committed under the
  // workload's own salt (log-entry.md §3.1); any other finishes with kind 7, as before.
  const finishedIndex =
    params.producedState === undefined
      ? w.log(7, usage)
      : w.log(13, {
          ...usage,
          parentStates: (params.parentStates ?? []).map((s) => modelStateCommitment(salt, s)),
          producedState: modelStateCommitment(salt, params.producedState),
        });
  const remainingQuota = licence.remainingQuota - params.ops;
  w.state = { ...w.state, licence: { ...licence, remainingQuota } };
  if (remainingQuota === 0n) {
    w.state = { ...w.state, lockState: LOCK.licenceExhausted };
    w.log(5, { licenceId: licence.licenceId });
  }
  return ok(request, { salt, startedIndex, finishedIndex, remainingQuota });
}

/**
 * Parents need a state they produced, and each state is named once: a repeated digest would commit
 * to equal values under one salt, and a workload cannot produce the state it started from
 * (log-entry.md §3.1).
 */
function modelStatesProblem(p: ParamsOf<typeof CMD.runWorkload>): string | undefined {
  const parents = p.parentStates ?? [];
  if (p.producedState === undefined) return parents.length > 0 ? `${parents.length} parent model state(s) named without a produced state` : undefined;
  const seen = new Set<string>();
  for (const digest of [...parents, p.producedState]) {
    const hex = toHex(digest);
    if (seen.has(hex)) return `model state ${hex} is named twice`;
    seen.add(hex);
  }
  return undefined;
}

/** Counters only go up: each is a sum of non-negative declared usage. */
function addUsage(c: Counters, p: ParamsOf<typeof CMD.runWorkload>): Counters {
  const byPrecision = new Map(c.opsByPrecision);
  byPrecision.set(p.precisionClass, (byPrecision.get(p.precisionClass) ?? 0n) + p.ops);
  return {
    totalOps: c.totalOps + p.ops,
    opsByPrecision: new Map([...byPrecision].sort(([a], [b]) => a - b)),
    busyChipSeconds: c.busyChipSeconds + (p.busyChipSeconds ?? 0),
    interconnectBytes: c.interconnectBytes + (p.interconnectBytes ?? 0n),
    workloadsRun: c.workloadsRun + 1,
  };
}
