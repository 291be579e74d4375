/**
 * The full appraisal of an evidence bundle (specs/verifier.md §5), as the verifier runs it: the page
 * hands over what a person pasted (a trust file, optionally a verifier clock and a nonce) and gets
 * every check's outcome in the verifier's order. The trust file is what `hemkit module export-trust`
 * writes (anchors with `referenceValues`), or the `{ trust, reference, policy }` of an evidence
 * vector file. Runs on the noble backend: no Node.
 */
import { fromHex } from '@hemkit/wire/bytes';
import { getBackend } from '@hemkit/wire/crypto';
import { HemkitError } from '@hemkit/wire/errors';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { appraise, DEFAULT_POLICY, parsePolicy, parseReferenceValues, parseTrustAnchors, type Appraisal, type Policy, type ReferenceValues, type TrustAnchors } from '@hemkit/verifier';
import { MemoryVerifierStore, type VerifierStore } from '@hemkit/verifier/store';

export interface VerifierSetup {
  readonly trust: TrustAnchors;
  readonly reference: ReferenceValues;
  readonly policy: Policy;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The verifier's inputs from a trust file's JSON text. Throws HemkitError VERIFIER_INPUT_INVALID with
 * the verifier's own message when a part does not parse, and for text that is not a JSON object.
 */
export function parseSetup(text: string): VerifierSetup {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HemkitError('VERIFIER_INPUT_INVALID', `the trust file is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw new HemkitError('VERIFIER_INPUT_INVALID', 'the trust file is not a JSON object');
  if ('trust' in json) {
    return {
      trust: parseTrustAnchors(json.trust),
      reference: parseReferenceValues(json.reference),
      policy: json.policy === undefined ? DEFAULT_POLICY : parsePolicy(json.policy),
    };
  }
  const { referenceValues, policy, ...anchors } = json;
  if (referenceValues === undefined) throw new HemkitError('VERIFIER_INPUT_INVALID', 'the trust file has no "referenceValues" (hemkit module export-trust writes them), nor is it { trust, reference, policy }');
  return { trust: parseTrustAnchors(anchors), reference: parseReferenceValues(referenceValues), policy: policy === undefined ? DEFAULT_POLICY : parsePolicy(policy) };
}

export interface AppraisalRequest {
  readonly bundle: Uint8Array;
  readonly setup: VerifierSetup;
  /** The verifier's clock, seconds since the epoch. */
  readonly now: number;
  /** The nonce the verifier issued, as hex (absent: none was issued). */
  readonly nonce?: string;
  /** The chip the nonce was issued for, as hex. */
  readonly expectedUeid?: string;
  /** What the verifier remembers; a fresh memory by default. */
  readonly store?: VerifierStore;
}

/** One appraisal on the noble backend, with a chain and licence cache of its own. */
export function appraiseBundle(request: AppraisalRequest): Appraisal {
  const backend = getBackend('noble');
  return appraise(request.bundle, {
    ...request.setup,
    store: request.store ?? new MemoryVerifierStore(),
    now: request.now,
    backend,
    hasher: createMerkleHasher((d) => backend.sha256(d)),
    chainCache: new Map(),
    licenceCache: new Set(),
    ...(request.nonce === undefined ? {} : { expectedNonce: fromHex(request.nonce) }),
    ...(request.expectedUeid === undefined ? {} : { expectedUeid: fromHex(request.expectedUeid) }),
  });
}

/** What an evidence vector says the verifier remembers of one chip (specs/test-vectors.md §2.11). */
export interface MemoryJson {
  readonly ueid: string;
  readonly bootcount: number;
  readonly totalOps: string;
  readonly workloadsRun: number;
  readonly checkpoints: readonly { readonly treeSize: number; readonly rootHash: string; readonly issuedAt: number; readonly totalOps: string }[];
  readonly lastAppraisedAt: number;
  readonly licenceUsage: Readonly<Record<string, string>>;
  readonly activeLicence: string | null;
}

/** A memory store holding what `memory` states, as an evidence vector's appraisal starts from. */
export function storeFromMemory(memory: MemoryJson | undefined): MemoryVerifierStore {
  const store = new MemoryVerifierStore();
  if (memory === undefined) return store;
  const ueid = fromHex(memory.ueid);
  store.appraise(ueid, () => ({
    result: undefined,
    update: {
      ueid,
      bootcount: memory.bootcount,
      totalOps: BigInt(memory.totalOps),
      workloadsRun: memory.workloadsRun,
      checkpoints: memory.checkpoints.map((c) => ({ treeSize: c.treeSize, rootHash: fromHex(c.rootHash), issuedAt: c.issuedAt, totalOps: BigInt(c.totalOps) })),
      appraisedAt: memory.lastAppraisedAt,
      licenceUsage: new Map(Object.entries(memory.licenceUsage).map(([id, used]) => [id, BigInt(used)])),
      activeLicence: memory.activeLicence ?? undefined,
    },
  }));
  return store;
}
