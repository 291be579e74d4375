/** Choosing a backend by name, and asking whether one is available in this runtime. */

import { HemkitError } from '../errors.js';
import type { CryptoBackend } from './backend.js';
import { createNodeBackend, loadNodeModules } from './node.js';
import { nobleBackend } from './noble.js';

export type BackendName = 'noble' | 'node';

let sharedNodeBackend: CryptoBackend | undefined;

/**
 * The named backend: `noble` (the default, available everywhere) or `node` (one shared instance,
 * created on first use). Throws CRYPTO_BACKEND_UNAVAILABLE for `node` where node:crypto is absent, and
 * for any other name.
 */
export function getBackend(name: BackendName = 'noble'): CryptoBackend {
  if (name === 'noble') return nobleBackend;
  if (name === 'node') return (sharedNodeBackend ??= createNodeBackend());
  throw new HemkitError(
    'CRYPTO_BACKEND_UNAVAILABLE',
    `"name" expected "noble" or "node", got ${typeof name === 'string' ? JSON.stringify(name) : typeof name}`,
  );
}

export function isBackendAvailable(name: BackendName): boolean {
  if (name === 'noble') return true;
  return name === 'node' && loadNodeModules() !== undefined;
}
