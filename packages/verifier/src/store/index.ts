/** The verifier's memory of each chip (specs/verifier.md §4): the interface and its two stores. */
export type { ChipMemory, ChipUpdate, SeenCheckpoint, VerifierStore } from './types.js';
export { MemoryVerifierStore, type MemoryStoreOptions } from './memory-store.js';
export { SqliteVerifierStore, type SqliteStoreOptions, SCHEMA_VERSION, APPLICATION_ID } from './sqlite-store.js';
export { MAX_COUNTER } from './merge.js';
