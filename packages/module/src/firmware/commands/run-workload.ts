/**
 * run-workload: a workload the licence admits is metered (started and finished entries, counters,
 * quota); one it does not admit is refused and the refusal logged. What a locked chip admits, what a
 * workload draws from the quota and what happens over the quota are the firmware policy's (../policy/).
 */
import { HemkitError, type ErrorCode } from '@hemkit/wire/errors';
import { LOCK, modelStateCommitment, workloadCommitment, type CMD, type Counters, type ParamsOf } from '@hemkit/wire/messages';
import { toHex } from '@hemkit/wire/bytes';
import { nobleBackend } from '@hemkit/wire/crypto';
import type { Admission } from '../policy/types.js';
import { aggregate, flushAggregate } from '../aggregate.js';
import { COUNT_MAX, COUNTER_MAX } from '../state.js';
import type { Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function runWorkload(w: Work, request: CommandRequest<typeof CMD.runWorkload>): CommandResponse<typeof CMD.runWorkload> {
  const { params } = request;
  w.notRefusing();
  const provisioning = w.provisioned();
  const salt = w.env.random(32);
  // Commitments through the backend, so that the cost meter counts them (scenarios.md §5.1).
  const hash = (data: Uint8Array): Uint8Array => (w.env.backend ?? nobleBackend).sha256(data);
  const commitment = workloadCommitment(salt, params.workloadDescriptor, hash);
  const refuse = (code: ErrorCode, message: string): never => {
    w.log(8, { workloadCommitment: commitment, reason: code });
    throw new HemkitError(code, message);
  };
  const policy = w.policy;
  const cost = policy.quotaCost(params);
  const { licence: installed, lockState } = w.state;
  // The licence that admits work: the installed one, unless the chip is locked.
  const licence = lockState === LOCK.unlocked ? installed : undefined;
  // Which workloads a locked chip still admits, and what one over the quota does, are the policy's.
  // Parents need a produced state, each state named once (log-entry.md §3.1): judged once a licence
  // or the policy would admit the workload, before its quota.
  const checkModelStates = (): void => {
    const states = modelStatesProblem(params);
    if (states !== undefined) refuse('WORKLOAD_MODEL_STATES_INVALID', states);
  };
  let admission: Admission;
  let memoryCharge = 0n;
  if (licence === undefined) {
    admission = policy.whenLocked({ workload: params, lockState, licence: installed, cost });
    if (admission.admit) checkModelStates();
  } else {
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
    checkModelStates();
    admission = cost > licence.remainingQuota ? policy.whenOverQuota({ workload: params, lockState, licence, cost }) : { admit: true, charge: cost };
    // The memory-transfer quota, when the licence has one, is judged like the operations quota (licence.md §1).
    if (admission.admit && licence.remainingMemoryQuota !== undefined) {
      const memoryCost = policy.memoryCost(params);
      const memory = memoryCost > licence.remainingMemoryQuota ? policy.whenOverMemoryQuota({ workload: params, lockState, licence, cost, memoryCost }) : { admit: true as const, charge: memoryCost };
      if (!memory.admit) return refuse(memory.code, memory.message);
      memoryCharge = memory.charge;
    }
  }
  if (!admission.admit) return refuse(admission.code, admission.message);
  // Whatever the policy admits, a lifetime counter stays a counter (module-commands.md §5).
  const past = counterPastLimit(w.state.counters, params);
  if (past !== undefined) refuse('WORKLOAD_COUNTER_LIMIT', `the workload would take a lifetime counter past ${past}`);
  // Itemised: its own started and finished entries, which the operator can open with the salt.
  // Otherwise only counted, and logged in the next workloads-aggregated entry (log-entry.md §5). A
  // workload that produced a model state is always itemised: its lineage must be in the log.
  let itemised: { salt: Uint8Array; startedIndex: number; finishedIndex: number } | undefined;
  if (params.producedState !== undefined || policy.itemise(params, provisioning.itemisationThreshold)) {
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
            parentStates: (params.parentStates ?? []).map((s) => modelStateCommitment(salt, s, hash)),
            producedState: modelStateCommitment(salt, params.producedState, hash),
          });
    // Memory moved is logged beside the entry that finishes the workload (log-entry.md §6).
    if ((params.memoryBytes ?? 0n) > 0n) w.log(16, { workloadCommitment: commitment, memoryBytes: params.memoryBytes! });
    itemised = { salt, startedIndex, finishedIndex };
  } else {
    w.state = { ...w.state, counters: addUsage(w.state.counters, params) };
    aggregate(w, params);
  }
  if (licence === undefined) {
    return ok(request, { ...itemised, remainingQuota: installed?.remainingQuota ?? 0n });
  }
  // A policy draws at most what remains: the remaining quota never goes below zero.
  const draw = (charge: bigint, remaining: bigint): bigint => remaining - (charge < remaining ? charge : remaining);
  const remainingQuota = draw(admission.charge, licence.remainingQuota);
  const remainingMemoryQuota = licence.remainingMemoryQuota === undefined ? undefined : draw(memoryCharge, licence.remainingMemoryQuota);
  w.state = { ...w.state, licence: { ...licence, remainingQuota, ...(remainingMemoryQuota !== undefined ? { remainingMemoryQuota } : {}) } };
  // Either quota used up exhausts the licence (licence.md §1).
  if (remainingQuota === 0n || remainingMemoryQuota === 0n) {
    w.state = { ...w.state, lockState: LOCK.licenceExhausted };
    flushAggregate(w); // the aggregated work ran under this licence: logged before its exhaustion
    w.log(5, { licenceId: licence.licenceId });
  }
  return ok(request, { ...itemised, remainingQuota });
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

/**
 * Whatever the policy admits, a lifetime counter stays exact: counters stop at 2^128 − 1, busy
 * chip-seconds and workloads run at 2^53 − 1 (module-commands.md §4; hemkit.cddl `lifetime-count`).
 * Compared by subtraction, so the test itself never rounds.
 */
function counterPastLimit(c: Counters, p: ParamsOf<typeof CMD.runWorkload>): string | undefined {
  if (p.ops > COUNTER_MAX - c.totalOps) return `2^128 - 1 (total operations ${c.totalOps})`;
  if ((p.interconnectBytes ?? 0n) > COUNTER_MAX - c.interconnectBytes) return `2^128 - 1 (interconnect bytes ${c.interconnectBytes})`;
  if ((p.memoryBytes ?? 0n) > COUNTER_MAX - (c.memoryBytes ?? 0n)) return `2^128 - 1 (memory bytes ${c.memoryBytes ?? 0n})`;
  if ((p.busyChipSeconds ?? 0) > COUNT_MAX - c.busyChipSeconds) return `2^53 - 1 (busy chip-seconds ${c.busyChipSeconds})`;
  if (c.workloadsRun >= COUNT_MAX) return `2^53 - 1 (workloads run ${c.workloadsRun})`;
  return undefined;
}

/** Counters only go up: each is a sum of non-negative declared usage. */
function addUsage(c: Counters, p: ParamsOf<typeof CMD.runWorkload>): Counters {
  const byPrecision = new Map(c.opsByPrecision);
  const memoryBytes = (c.memoryBytes ?? 0n) + (p.memoryBytes ?? 0n);
  byPrecision.set(p.precisionClass, (byPrecision.get(p.precisionClass) ?? 0n) + p.ops);
  return {
    totalOps: c.totalOps + p.ops,
    opsByPrecision: new Map([...byPrecision].sort(([a], [b]) => a - b)),
    busyChipSeconds: c.busyChipSeconds + (p.busyChipSeconds ?? 0),
    interconnectBytes: c.interconnectBytes + (p.interconnectBytes ?? 0n),
    workloadsRun: c.workloadsRun + 1,
    // Absent while 0, so a chip that meters no memory reports what it always did (attestation-report.md §2).
    ...(memoryBytes > 0n ? { memoryBytes } : {}),
  };
}
