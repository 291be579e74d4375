export { createMerkleHasher, MERKLE_HASH_SIZE, type MerkleHasher } from './hash.js';
export { rootFromInclusionProof, verifyInclusion } from './inclusion.js';
export { rememberingHasher } from './remembering.js';
export { rootFromConsistencyProof, verifyConsistency } from './consistency.js';
export { isValidSubtree, rootFromSubtreeInclusionProof, verifySubtreeInclusion } from './subtree.js';
export { consistencyProof, inclusionProof, merkleRoot } from './tree.js';
export { foldFrontier, frontierFromInclusionProof, frontierLength, frontierSubtreeSizes, rootFromFrontier } from './frontier.js';
