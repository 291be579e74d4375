/**
 * Real evidence for the verifier's benchmarks: licensed simulated chips from the verifier tests' one
 * chip fixture (test/support/fixture.ts: the same factory, chips and trusted inputs) that have run a
 * few workloads. The chips sign with node:crypto, so that building a fleet takes little of the
 * bench's time.
 */
import { createMerkleHasher } from '@hemkit/wire/merkle';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { collectEvidence } from '../../module/src/evidence.js';
import type { AppraisalInputs, VerifiedChain } from '../src/checks/context.js';
import { DEFAULT_POLICY, type Policy } from '../src/inputs.js';
import type { VerifierStore } from '../src/store/index.js';
import { provisionedChip, runOn, seed, verifierInputs as fixtureInputs, type Openings } from '../test/support/fixture.js';

/** One chip's evidence, as an operator would send it. */
export interface ChipEvidence {
  /** The name the chip was made under: the same name makes the same chip. */
  readonly name: string;
  readonly ueid: Uint8Array;
  /** Every log entry disclosed, proven as `proofs` says (verifier.md §2), workload entries with their openings. */
  readonly full: Uint8Array;
  /** The same head checkpoint with nothing disclosed: the re-appraisal of a chip that has not run since. */
  readonly bare: Uint8Array;
  /** Log entries disclosed in `full`. */
  readonly disclosed: number;
}

/**
 * A provisioned chip under a 2-of-3 licence that has run `workloads` workloads (two log entries each,
 * after the provisioning and licence entries), and its two bundles.
 */
export function licensedChip(name: string, workloads = 3, opsOf = (i: number): bigint => 10n ** 23n * BigInt(i + 1), proofs: 'frontier' | 'receipts' = 'frontier'): ChipEvidence {
  const { chip, log, ueid, licenceBytes } = provisionedChip(name);
  const openings: Openings = new Map();
  for (let i = 0; i < workloads; i++) runOn(chip, `${name} job ${i}`, opsOf(i), openings);
  const nonce = seed(`${name} nonce`).subarray(0, 16);
  const full = collectEvidence(chip, { nonce, discloseFrom: 0, openings, licences: [licenceBytes], proofs });
  const bare = collectEvidence(chip, { nonce, licences: [licenceBytes] });
  return { name, ueid, full, bare, disclosed: log.size };
}

export function fleet(count: number, workloads = 3): ChipEvidence[] {
  return Array.from({ length: count }, (_, i) => licensedChip(`bench chip ${i}`, workloads));
}

/**
 * Throughput runs re-appraise the same bundles, so the policy does not require a nonce: a nonce is
 * single-use (a second appraisal of one report is NONCE_REUSED by design). Everything else is the
 * default policy, log coverage included.
 */
export const THROUGHPUT_POLICY: Policy = { ...DEFAULT_POLICY, requireNonce: false };

export function verifierInputs(backend: CryptoBackend, store: VerifierStore, chainCache = new Map<string, VerifiedChain>()): AppraisalInputs {
  return { ...fixtureInputs({ store, backend, hasher: createMerkleHasher((d) => backend.sha256(d)), chainCache, licenceCache: new Set<string>() }), policy: THROUGHPUT_POLICY };
}

/** The backend with its `verify` calls counted: how many signatures one appraisal checks. */
export function countingBackend(backend: CryptoBackend): { backend: CryptoBackend; readonly calls: number; reset(): void } {
  let calls = 0;
  const counted: CryptoBackend = {
    name: backend.name,
    sha256: (d) => backend.sha256(d),
    sha384: (d) => backend.sha384(d),
    sign: (s, k, m) => backend.sign(s, k, m),
    publicKey: (s, k) => backend.publicKey(s, k),
    verify: (s, k, m, sig) => {
      calls++;
      return backend.verify(s, k, m, sig);
    },
  };
  return {
    backend: counted,
    get calls() {
      return calls;
    },
    reset() {
      calls = 0;
    },
  };
}
