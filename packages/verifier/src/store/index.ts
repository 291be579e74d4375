/** The verifier's memory of each chip (specs/verifier.md §4): the interfaces, the memory store and the
 * asynchronous contract (§4.1) with its adapter; the SQLite store has its own entry,
 * `@hemkit/verifier/store/sqlite`, and the PostgreSQL store `@hemkit/verifier/store/postgres`. */
export type { ChipMemory, ChipUpdate, RememberedIssuerSet, SeenCheckpoint, VerifierStore } from './types.js';
export type { AppraisalPlan, AsyncDecide, AsyncVerifierStore, ChallengeRequest, ChipState, NonceLedger, RememberedChip, StoredChallenge } from './async-types.js';
export type { ServiceRecords } from './service-records.js';
export { asAsyncStore, chipState } from './async-adapter.js';
export { MemoryVerifierStore, type MemoryStoreOptions } from './memory-store.js';
export { MAX_COUNTER } from './merge.js';
