/** The verifier's memory of each chip (specs/verifier.md §4): the interface and the memory store; the
 * SQLite store has its own entry, `@hemkit/verifier/store/sqlite`. */
export type { ChipMemory, ChipUpdate, SeenCheckpoint, VerifierStore } from './types.js';
export { MemoryVerifierStore, type MemoryStoreOptions } from './memory-store.js';
export { MAX_COUNTER } from './merge.js';
