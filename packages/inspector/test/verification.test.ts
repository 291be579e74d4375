import { describe, expect, it } from 'vitest';
import { decode, decodeSign1, fromHex, isHemkitError, toHex } from '@hemkit/wire';
import { evidenceBundle, HEADER_VDP, VDP_CONSISTENCY } from '@hemkit/wire/messages';
import { CHECKS } from '@hemkit/verifier';
import { appraiseBundle, parseSetup, storeFromMemory } from '../src/appraisal.js';
import { checkConsistencyReceipts, walkFrontier, walkReceipts } from '../src/receipts.js';
import { checkSignatures, parseKeys } from '../src/signatures.js';
import { checks, honest, readVectors, type EvidenceFile } from './vectors.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (isHemkitError(e)) return e.code;
    throw e;
  }
};

const vectorSetup = (f: EvidenceFile) => JSON.stringify({ trust: f.trust, reference: f.reference, policy: f.policy });

describe('appraisal as the page runs it', () => {
  it('appraises each evidence vector to its recorded outcome, every check reported', () => {
    for (const file of ['evidence-honest.json', 'evidence-checks.json', 'evidence-attacks.json', 'evidence-memory.json']) {
      const f = readVectors<EvidenceFile>(`evidence/${file}`);
      const shared = storeFromMemory(undefined);
      for (const v of f.vectors) {
        const setup = parseSetup(JSON.stringify({ trust: v.trust ?? f.trust, reference: v.reference ?? f.reference, policy: f.policy }));
        const a = appraiseBundle({
          bundle: fromHex(v.bundle),
          setup,
          now: v.now,
          store: f.independent ? storeFromMemory(v.memory) : shared,
          ...(v.nonce === null ? {} : { nonce: v.nonce }),
          ...(v.expectedUeid === undefined ? {} : { expectedUeid: v.expectedUeid }),
        });
        expect(a.checks).toHaveLength(CHECKS.length);
        const outcome = Object.fromEntries(a.checks.map((c) => [c.id, c.status === 'fail' ? c.code : c.status]));
        expect({ id: v.id, status: a.status, checks: outcome, trustworthinessVector: a.trustworthinessVector }).toEqual({ id: v.id, trustworthinessVector: a.trustworthinessVector, ...v.expected });
      }
    }
  });

  it('reads a trust file as hemkit module export-trust writes it', () => {
    const f = honest();
    const setup = parseSetup(JSON.stringify({ ...(f.trust as object), referenceValues: f.reference }));
    expect(setup.trust.licenceIssuers.threshold).toBe(2);
    expect(setup.policy.requireNonce).toBe(true);
    expect(parseSetup(vectorSetup(f)).reference.models[0]!.hwmodel).toBe('hemkit-sim-a1');
  });

  it('refuses a trust file that is not one, with VERIFIER_INPUT_INVALID', () => {
    for (const text of ['not json', '[]', '{"manufacturers": []}', JSON.stringify({ trust: {}, reference: {} })]) {
      expect(codeOf(() => parseSetup(text)), text).toBe('VERIFIER_INPUT_INVALID');
    }
  });
});

describe('receipts walked step by step', () => {
  it('walks every disclosed entry of an honest bundle to its checkpoint root, and the wire layer agrees', () => {
    const walks = walkReceipts(fromHex(honest().vectors[0]!.bundle));
    expect(walks.length).toBeGreaterThan(1);
    for (const w of walks) {
      expect(w.matches).toBe(true);
      expect(w.wire).toEqual({ root: w.root });
      expect(w.root).toBe(w.expectedRoot);
      expect(w.steps.length).toBeGreaterThan(0);
    }
  });

  it('shows a swapped receipt reaching another root', () => {
    const v = checks().vectors.find((x) => x.id === 'swapped-receipt')!;
    expect(v.expected.checks.inclusion).not.toBe('pass');
    const walks = walkReceipts(fromHex(v.bundle));
    expect(walks.some((w) => !w.matches)).toBe(true);
  });
});

describe('frontiers (verifier.md §2, merkle.md §9)', () => {
  it('folds the frontier of an honest bundle to the root before its entries, and reaches the head with them', () => {
    const second = honest().vectors.find((v) => v.id === 'frontier-second-appraisal')!;
    const first = honest().vectors.find((v) => v.id === 'frontier-first-appraisal')!;
    const w = walkFrontier(fromHex(second.bundle))!;
    expect(w.matches).toBe(true);
    expect(w.start).toBeGreaterThan(0);
    expect(w.frontier.map((f) => f.to - f.from).reduce((a, b) => a + b, 0)).toBe(w.start);
    expect(w.treeSize).toBe(w.expectedSize);
    // the first appraisal's head is the second's base: its root is what the frontier folds to
    const head = walkFrontier(fromHex(first.bundle))!;
    expect(head.frontier).toEqual([]);
    expect(head.treeSize).toBe(w.start);
    expect(w.frontierRoot).toBe(head.expectedRoot);
    // receipts are walked only where entries carry them
    expect(walkReceipts(fromHex(second.bundle))).toEqual([]);
    expect(walkFrontier(fromHex(honest().vectors[0]!.bundle))).toBeUndefined();
  });

  it('shows an altered frontier reaching another root, and a short one refused by the wire layer', () => {
    const altered = walkFrontier(fromHex(checks().vectors.find((x) => x.id === 'frontier-altered')!.bundle))!;
    expect(altered.matches).toBe(false);
    expect('root' in altered.wire && altered.wire.root).not.toBe(altered.expectedRoot);
    const short = walkFrontier(fromHex(checks().vectors.find((x) => x.id === 'frontier-wrong-length')!.bundle))!;
    expect(short.wire).toMatchObject({ code: 'MERKLE_PROOF_WRONG_LENGTH' });
  });
});

describe('consistency receipts', () => {
  const all = () => fromHex(readVectors<{ vectors: { id: string; input: string }[] }>('messages/evidence-bundle.json').vectors.find((v) => v.id === 'all-optional-present')!.input);

  it("carries the older checkpoint's root along the proof to the newer one's", () => {
    expect(checkConsistencyReceipts(all())).toMatchObject([{ treeSize1: 2, treeSize2: 4, matches: true, wire: { root: expect.stringMatching(/^[0-9a-f]{64}$/) } }]);
  });

  it('reaches another root when a hash of the proof is changed', () => {
    const bytes = all();
    const receipt = evidenceBundle.parse(decode(bytes), 'evidence-bundle').consistencyReceipts![0]!;
    const proof = decode((decodeSign1(receipt).unprotectedHeaders.get(HEADER_VDP) as Map<number, Uint8Array[]>).get(VDP_CONSISTENCY)![0]!) as [number, number, Uint8Array[]];
    const at = toHex(bytes).indexOf(toHex(proof[2][0]!)) / 2;
    expect(at).toBeGreaterThan(0);
    bytes[at + 31]! ^= 1;
    const [check] = checkConsistencyReceipts(bytes);
    expect(check!.matches).toBe(false);
    expect(check!.root1).toBeDefined();
  });

  it('says when the older root is not in the bundle (the verifier remembers it)', () => {
    const v = honest().vectors[1]!;
    const checks = checkConsistencyReceipts(fromHex(v.bundle));
    expect(checks.length).toBeGreaterThan(0);
    expect(checks[0]).toMatchObject({ root1: undefined, wire: undefined, matches: false });
  });
});

describe('signatures against given keys', () => {
  const f = honest();
  const bundle = evidenceBundle.parse(decode(fromHex(f.vectors[0]!.bundle)), 'evidence-bundle');
  const trustKeys = parseKeys(vectorSetup(f));

  it('verifies a device certificate under the manufacturer root of a trust file', () => {
    expect(checkSignatures(bundle.deviceCertificate, trustKeys)).toEqual([{ index: 0, verified: true, keyLabel: 'manufacturer hemkit-sim-fab' }]);
  });

  it('verifies every issuer signature of a licence', () => {
    const results = checkSignatures(bundle.licences![0]!, trustKeys);
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.every((r) => r.verified && r.keyLabel!.startsWith('licence issuer'))).toBe(true);
  });

  it('fails a signature under a key that did not make it, with COSE_SIGNATURE_INVALID', () => {
    const issuer = (f.trust as { licenceIssuers: { keys: string[] } }).licenceIssuers.keys[0]!;
    expect(checkSignatures(bundle.deviceCertificate, parseKeys(issuer))).toMatchObject([{ verified: false, keyLabel: 'the pasted key', code: 'COSE_SIGNATURE_INVALID' }]);
  });

  it('refuses keys that are neither a COSE_Key nor a trust file', () => {
    expect(codeOf(() => parseKeys('{"a": 1}'))).toBe('VERIFIER_INPUT_INVALID');
    expect(codeOf(() => parseKeys('hello'))).toBe('VERIFIER_INPUT_INVALID');
    expect(codeOf(() => parseKeys('a0'))).toBe('COSE_KEY_INVALID');
  });
});
