/**
 * `@hemkit/module/log/file`: the file-backed workload log (node:fs) and its crash reconciliation.
 * `@hemkit/module/log` holds the store interface, the memory store and the verified log, none of
 * which touches a file.
 */
export { FileLogStore, type FileLogStoreOptions } from './file-store.js';
export {
  reconcileLog,
  UNRECONCILED_DIR,
  type CommittedLog,
  type EntryDelimiter,
  type ReconcileOptions,
  type Reconciliation,
} from './reconcile.js';
