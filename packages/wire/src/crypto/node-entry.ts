/**
 * `@hemkit/wire/crypto/node`: the parts of the wire layer that only work on Node.js, the node:crypto
 * backend and the node:crypto Merkle hasher, and a backend selector that knows both `noble` and
 * `node`. None imports a `node:` module (they reach node:crypto through process.getBuiltinModule),
 * but they are useless elsewhere, so they have their own entry and the core (`@hemkit/wire/crypto`,
 * whose `getBackend` knows `noble` only) carries none of their code.
 */
import type { CryptoBackend } from './backend.js';
import { createNodeBackend, loadNodeModules } from './node.js';
import { nobleBackend } from './noble.js';
import { unavailableBackend, type BackendName } from './select.js';

export { createNodeBackend, type NodeBackendOptions } from './node.js';
export { createNodeMerkleHasher } from '../merkle/node-hash.js';
export type { BackendName } from './select.js';

let sharedNodeBackend: CryptoBackend | undefined;

/**
 * The named backend: `noble` (the default, available everywhere) or `node` (one shared instance,
 * created on first use). Throws CRYPTO_BACKEND_UNAVAILABLE for `node` where node:crypto is absent, and
 * for any other name.
 */
export function getBackend(name: BackendName = 'noble'): CryptoBackend {
  if (name === 'noble') return nobleBackend;
  if (name === 'node') return (sharedNodeBackend ??= createNodeBackend());
  throw unavailableBackend(name);
}

/** Whether `getBackend(name)` of this entry gives a backend in this runtime. */
export function isBackendAvailable(name: BackendName): boolean {
  if (name === 'noble') return true;
  return name === 'node' && loadNodeModules() !== undefined;
}
