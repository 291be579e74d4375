/**
 * `@hemkit/verifier/store/sqlite`: the verifier's memory in one SQLite file (better-sqlite3, a native
 * addon, needed only by this entry). `@hemkit/verifier/store` holds the interface and the memory store.
 */
export { SqliteVerifierStore, type SqliteStoreOptions, SCHEMA_VERSION, APPLICATION_ID } from './sqlite-store.js';
