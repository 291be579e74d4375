/** The verifier's inputs an evidence vector file names (test-vectors.md §2.11), with the backend's hasher. */
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { parsePolicy, parseReferenceValues, parseTrustAnchors } from '../../src/index.js';

export function vectorInputs(f: { readonly trust: unknown; readonly reference: unknown; readonly policy: unknown }, backend: CryptoBackend) {
  return {
    trust: parseTrustAnchors(f.trust),
    reference: parseReferenceValues(f.reference),
    policy: parsePolicy(f.policy),
    backend,
    hasher: createMerkleHasher((d: Uint8Array) => backend.sha256(d)),
  };
}
