/** Crash-safe, rollback-resistant persistence of the module's state as opaque bytes (store.ts). */

export {
  COUNTER_FILE_NAME,
  FileMonotonicCounter,
  MemoryMonotonicCounter,
  type FileMonotonicCounterOptions,
  type MonotonicCounter,
} from './counter.js';
export {
  createFsOps,
  nodeFsOps,
  nodeSyncFs,
  replaceFile,
  storageError,
  TEMP_SUFFIX,
  type FsOps,
  type SyncFs,
} from './fs-ops.js';
export { RECORD_CHECKSUM_BYTES, RECORD_HEADER_BYTES, RECORD_VERSION } from './record.js';
export {
  DEFAULT_MAX_STATE_BYTES,
  FileStateStore,
  MAX_STATE_BYTES_LIMIT,
  MemoryStateStore,
  STATE_FILE_NAME,
  type CurrentState,
  type FileStateStoreOptions,
  type LoadedState,
  type MissingState,
  type RollbackReason,
  type RolledBackState,
  type StateStore,
  type StateStoreOptions,
} from './store.js';
