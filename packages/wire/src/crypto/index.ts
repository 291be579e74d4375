/** Crypto backends: the one door through which hemkit hashes, signs and verifies (backend.ts). */

export { SIGNATURE_SCHEMES, type CryptoBackend, type SignatureScheme } from './backend.js';
export { nobleBackend } from './noble.js';
export { getBackend, isBackendAvailable, type BackendName } from './select.js';
