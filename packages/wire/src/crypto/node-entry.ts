/**
 * `@hemkit/wire/crypto/node`: the parts of the wire layer that only work on Node.js, the node:crypto
 * backend and the node:crypto Merkle hasher. Neither imports a `node:` module (they reach node:crypto
 * through process.getBuiltinModule), but they are useless elsewhere, so they have their own entry.
 * `getBackend('node')` from `@hemkit/wire/crypto` returns one shared instance of the same backend.
 */
export { createNodeBackend, type NodeBackendOptions } from './node.js';
export { createNodeMerkleHasher } from '../merkle/node-hash.js';
