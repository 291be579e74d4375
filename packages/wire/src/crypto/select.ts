/**
 * Choosing a backend by name in the portable core: only `noble` is here. The node:crypto backend and
 * a selector that knows both names are in `@hemkit/wire/crypto/node` (node-entry.ts), so that the core
 * wire bundle carries none of the node backend's code.
 */

import { HemkitError } from '../errors.js';
import type { CryptoBackend } from './backend.js';
import { nobleBackend } from './noble.js';

/** The backends hemkit ships: `noble` (here, everywhere) and `node` (`@hemkit/wire/crypto/node`). */
export type BackendName = 'noble' | 'node';

/** The error for a name this selector does not serve; `node` says where the node backend is. */
export function unavailableBackend(name: unknown): HemkitError {
  if (name === 'node') {
    return new HemkitError(
      'CRYPTO_BACKEND_UNAVAILABLE',
      'the node backend is not part of the portable core: import getBackend (or createNodeBackend) from @hemkit/wire/crypto/node',
    );
  }
  return new HemkitError(
    'CRYPTO_BACKEND_UNAVAILABLE',
    `"name" expected "noble" or "node", got ${typeof name === 'string' ? JSON.stringify(name) : typeof name}`,
  );
}

/**
 * The named backend of the portable core: `noble` (the default). Throws CRYPTO_BACKEND_UNAVAILABLE for
 * `node`, which `getBackend` of `@hemkit/wire/crypto/node` serves, and for any other name.
 */
export function getBackend(name: BackendName = 'noble'): CryptoBackend {
  if (name === 'noble') return nobleBackend;
  throw unavailableBackend(name);
}

/** Whether `getBackend(name)` of this entry gives a backend: true for `noble` only. */
export function isBackendAvailable(name: BackendName): boolean {
  return name === 'noble';
}
