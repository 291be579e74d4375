/**
 * `@hemkit/verifier/store/postgres`: the verifier's memory in PostgreSQL (node-postgres, needed only by
 * this entry), under the asynchronous store contract shared with the memory and SQLite stores.
 */
export { PostgresVerifierStore, type PostgresStoreOptions, POSTGRES_SCHEMA_VERSION } from './postgres-store.js';
