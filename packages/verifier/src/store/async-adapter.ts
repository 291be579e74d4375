/**
 * The memory and SQLite stores under the asynchronous contract (specs/verifier.md §4.1). Their own
 * `appraise` already runs `decide` inside one transaction (a JavaScript turn, `BEGIN IMMEDIATE`), so the
 * adapter only holds `decide` to its plan, exactly as the PostgreSQL store does: one contract, one
 * test suite, whichever store is underneath.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { bytesEqual, toHex } from '@hemkit/wire/bytes';
import type { AppraisalPlan, AsyncDecide, AsyncVerifierStore, ChallengeRequest, ChipState, NonceLedger, RememberedChip } from './async-types.js';
import { checkPlannedChallenge, type ServiceRecords } from './service-records.js';
import type { ChipMemory, VerifierStore } from './types.js';

/** Lifts a synchronous store to the asynchronous contract. */
export function asAsyncStore(store: VerifierStore & ServiceRecords): AsyncVerifierStore {
  // Each method is async, so a synchronous throw becomes a rejected promise, as from a remote store.
  return {
    appraise: async <T>(ueid: Uint8Array, plan: AppraisalPlan, decide: AsyncDecide<T>): Promise<T> => {
      if (plan.challenge !== undefined) checkPlannedChallenge(plan.challenge);
      return store.appraise(ueid, (memory) =>
        decide(
          memory === undefined ? undefined : plannedMemory(memory, plan),
          plannedLedger(plan, (n, e) => store.useNonce(n, e)),
          plan.challenge === undefined ? undefined : store.getChallenge(plan.challenge.nonce, plan.challenge.now),
        ),
      );
    },
    useNonce: async (nonce, expiresAt) => store.useNonce(nonce, expiresAt),
    getChip: async (ueid) => {
      const memory = store.getChip(ueid);
      return memory === undefined ? undefined : chipState(memory);
    },
    listChips: async (options): Promise<readonly RememberedChip[]> => store.listChips(options),
    issueChallenge: async (challenge: ChallengeRequest) => store.issueChallenge(challenge),
    getChallenge: async (nonce, now) => store.getChallenge(nonce, now),
    close: async () => store.close(),
  };
}

function unplanned(what: string): never {
  throw new HemkitError('VERIFIER_STORE_INVALID_INPUT', `the appraisal plan did not name ${what}`);
}

/** The memory as `decide` may read it: the latest checkpoint and the planned sizes, nothing else. */
export function plannedMemory(memory: ChipMemory, plan: AppraisalPlan): ChipMemory {
  const sizes = new Set(plan.checkpointSizes);
  return {
    ueid: memory.ueid,
    bootcount: memory.bootcount,
    totalOps: memory.totalOps,
    workloadsRun: memory.workloadsRun,
    get checkpoints(): never {
      return unplanned('the full list of checkpoints');
    },
    latestCheckpoint: memory.latestCheckpoint,
    checkpointAt: (treeSize: number) => (sizes.has(treeSize) ? memory.checkpointAt(treeSize) : unplanned(`checkpoint size ${treeSize}`)),
    lastAppraisedAt: memory.lastAppraisedAt,
    licenceUsage: memory.licenceUsage,
    activeLicence: memory.activeLicence,
    ...headOf(memory),
  };
}

/** The state at the remembered head (types.ts), each field only where the store knows it. */
function headOf(memory: ChipMemory): Pick<ChipMemory, 'svn' | 'issuerSet' | 'memoryBytes' | 'licenceMemoryUsage'> {
  return {
    ...(memory.svn !== undefined ? { svn: memory.svn } : {}),
    ...(memory.issuerSet !== undefined ? { issuerSet: memory.issuerSet } : {}),
    ...(memory.memoryBytes !== undefined ? { memoryBytes: memory.memoryBytes } : {}),
    ...(memory.licenceMemoryUsage !== undefined ? { licenceMemoryUsage: memory.licenceMemoryUsage } : {}),
  };
}

/** The ledger `decide` sees: only the planned nonce, at its planned expiry, and only once. */
export function plannedLedger(plan: AppraisalPlan, use: (nonce: Uint8Array, expiresAt: number) => boolean): NonceLedger & { readonly used: boolean } {
  let used = false;
  return {
    get used() {
      return used;
    },
    useNonce(nonce, expiresAt) {
      const p = plan.nonce;
      if (p === undefined || !bytesEqual(p.nonce, nonce) || p.expiresAt !== expiresAt) unplanned(`nonce ${toHex(nonce)} (expiring at ${expiresAt})`);
      if (used) unplanned(`a second use of nonce ${toHex(nonce)}`);
      used = true;
      return use(nonce, expiresAt);
    },
  };
}

export function chipState(memory: ChipMemory): ChipState {
  return {
    ueid: memory.ueid,
    bootcount: memory.bootcount,
    totalOps: memory.totalOps,
    workloadsRun: memory.workloadsRun,
    latestCheckpoint: memory.latestCheckpoint,
    lastAppraisedAt: memory.lastAppraisedAt,
    licenceUsage: memory.licenceUsage,
    activeLicence: memory.activeLicence,
    ...headOf(memory),
  };
}
