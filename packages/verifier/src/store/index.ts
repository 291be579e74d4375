/** The verifier's memory of each chip (specs/verifier.md §4): the interface and the memory store; the
 * SQLite store has its own entry, `@hemkit/verifier/store/sqlite`. */
export type { ChipMemory, ChipUpdate, SeenCheckpoint, VerifierStore } from './types.js';
export { MemoryVerifierStore, type MemoryStoreOptions } from './memory-store.js';
/**
 * @deprecated Import the SQLite store from `@hemkit/verifier/store/sqlite`. Kept here while the
 * command line still imports it from this entry; better-sqlite3 loads only when a store is opened.
 */
export { SqliteVerifierStore, type SqliteStoreOptions, SCHEMA_VERSION, APPLICATION_ID } from './sqlite-store.js';
export { MAX_COUNTER } from './merge.js';
