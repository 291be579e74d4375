/** The secure module's append-only workload log storage (RFC 9162 §2.1 trees over stored subtree hashes). */
export type { LogStore } from './store.js';
export type { LogRun } from './run.js';
export { MemoryLogStore } from './memory-store.js';
export { VerifiedLog } from './verified-log.js';
export { ReferenceLog } from './reference-log.js';
