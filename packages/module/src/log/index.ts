/** The secure module's append-only workload log storage (RFC 9162 §2.1 trees over stored subtree hashes). */
export type { LogStore } from './store.js';
export { MemoryLogStore } from './memory-store.js';
export { FileLogStore, type FileLogStoreOptions } from './file-store.js';
export {
  reconcileLog,
  UNRECONCILED_DIR,
  type CommittedLog,
  type EntryDelimiter,
  type ReconcileOptions,
  type Reconciliation,
} from './reconcile.js';
export { VerifiedLog } from './verified-log.js';
export { ReferenceLog } from './reference-log.js';
