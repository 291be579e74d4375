/**
 * The fault order of specs/encoding.md §13 is enough to derive every negative COSE vector's code.
 * Layer 2 (COSE structure) is implemented here again, from the spec's numbered steps alone, on top of
 * the CBOR decoder (layer 1, pinned by its own vectors) and the verification primitives (layer 3);
 * for every vector of test-vectors/cose/ the derived outcome must be the vector's. A second
 * implementation that swaps two steps must mispredict some vector: the vectors pin the order.
 * Layers 5 and 6 (message schema, embedded messages) follow: every message vector with several
 * faults has its code derived from its listed faults by the order of §13, and each plausible
 * misreading of that order mispredicts some vector.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CborTag, decode, encode, type CborMapKey, type CborValue } from '../../packages/wire/src/cbor/index.js';
import { decodeCoseKey, decodeSign1, signSign, signSign1, verifySign1, decodeSign, verifySignature, type CosePublicKey } from '../../packages/wire/src/cose/index.js';
import { HemkitError } from '../../packages/wire/src/errors.js';
import { attestationReportClaims, decodeIssuerStatement, licenceClaims, openClaims, signingKey, TYP, type SignedType } from '../../packages/wire/src/messages/index.js';
import { read, VECTORS } from './support.js';

class Fault extends Error {
  constructor(
    readonly code: string,
    /** The step of layer 2 that reports it, by the names of specs/test-vectors.md §2.2 (`faultStep`). */
    readonly step?: string,
  ) {
    super(code);
  }
}
const fault = (code: string, step?: string): never => {
  throw new Fault(code, step);
};
const codeOf = (f: () => unknown): string => outcomeOf(f).code;
/** The outcome: 'valid' or the code, and for a layer-2 fault of this file's derivation, the step. */
const outcomeOf = (f: () => unknown): { code: string; step?: string } => {
  try {
    f();
    return { code: 'valid' };
  } catch (e) {
    if (e instanceof Fault) return e.step === undefined ? { code: e.code } : { code: e.code, step: e.step };
    if (e instanceof HemkitError) return { code: e.code };
    throw e;
  }
};

/** The steps of §13 layer 2, each a function of the decoded message; `order` lets a test swap them. */
type Step = 'tag' | 'array' | 'protected' | 'unprotected' | 'buckets' | 'alg' | 'members' | 'kid';
/**
 * Adjacent steps of layer 2 whose order no COSE_Sign1 vector tests. The `two-faults-*` vectors carry
 * the faults of two adjacent steps each; where both faults have one code, their `faultStep` says
 * which step reports it, so every pair is pinned and this list is empty.
 */
const UNPINNED: string[] = [];
const SPEC_ORDER: readonly Step[] = ['tag', 'array', 'protected', 'unprotected', 'buckets', 'alg', 'members', 'kid'];
const UNDERSTOOD = new Set<CborValue>([1, 2, 3, 4]);
const TABLE = new Set([-8, -19, -7, -9, -35, -51]);

/** Layer 1 then layer 2 for one signer layer or a COSE_Sign1, in the given order. */
function layers12(bytes: Uint8Array, tag: number, length: number, order: readonly Step[]): CborValue[] {
  let value: CborValue;
  try {
    value = decode(bytes, { allowedTags: new Set([tag]) });
  } catch (e) {
    if (e instanceof HemkitError && e.code === 'CBOR_TAG_NOT_ALLOWED' && e.offset === 0) fault('COSE_UNEXPECTED_TAG');
    throw e;
  }
  let items: CborValue[] = [];
  let prot = new Map<CborValue, CborValue>();
  let unprot = new Map<CborValue, CborValue>();
  const steps: Record<Step, () => void> = {
    tag: () => {
      if (!(value instanceof CborTag) || value.tag !== tag) fault('COSE_UNEXPECTED_TAG');
    },
    array: () => {
      const inner = (value as CborTag).value;
      if (!Array.isArray(inner) || inner.length !== length) fault('COSE_MALFORMED');
      items = inner as CborValue[];
    },
    protected: () => {
      const p = items[0];
      if (!(p instanceof Uint8Array)) fault('COSE_MALFORMED', 'protected');
      if ((p as Uint8Array).length === 0) return;
      let m: CborValue;
      try {
        m = decode(p as Uint8Array, { allowedTags: new Set() });
      } catch {
        return fault('COSE_MALFORMED', 'protected');
      }
      if (!(m instanceof Map)) fault('COSE_MALFORMED', 'protected');
      prot = m as Map<CborValue, CborValue>;
    },
    unprotected: () => {
      if (!(items[1] instanceof Map)) fault('COSE_MALFORMED', 'unprotected');
      unprot = items[1] as Map<CborValue, CborValue>;
    },
    buckets: () => {
      const h = 'header-rules';
      for (const label of unprot.keys()) if (prot.has(label)) fault('COSE_DUPLICATE_HEADER', h);
      if (unprot.has(2)) fault('COSE_MALFORMED', h);
      const crit = prot.get(2);
      if (crit === undefined) return;
      if (!Array.isArray(crit) || crit.length === 0) fault('COSE_MALFORMED', h);
      for (const label of crit as CborValue[]) {
        if (typeof label !== 'number' && typeof label !== 'string') fault('COSE_MALFORMED', h);
        if (!prot.has(label)) fault('COSE_MALFORMED', h);
        if (!UNDERSTOOD.has(label)) fault('COSE_UNKNOWN_CRITICAL_HEADER', h);
      }
    },
    alg: () => {
      if (!prot.has(1)) fault('COSE_MISSING_ALG', 'alg');
      const alg = prot.get(1);
      if (typeof alg !== 'number' && typeof alg !== 'bigint' && typeof alg !== 'string') fault('COSE_MALFORMED', 'alg');
      if (typeof alg !== 'number' || !TABLE.has(alg)) fault('COSE_UNSUPPORTED_ALG', 'alg');
    },
    members: () => {
      if (items[2] !== null && !(items[2] instanceof Uint8Array)) fault('COSE_MALFORMED', 'payload');
      if (!(items[3] instanceof Uint8Array)) fault('COSE_MALFORMED', 'signature');
    },
    kid: () => {
      const kid = prot.get(4) ?? unprot.get(4);
      if (kid !== undefined && !(kid instanceof Uint8Array)) fault('COSE_MALFORMED', 'kid');
    },
  };
  for (const s of order) steps[s]();
  return items;
}

interface Sign1Vector {
  id: string;
  input: string;
  key: string;
  result: string;
  code?: string;
  externalAad?: string;
  detachedPayload?: string;
  faultStep?: string;
}
const hexBytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const sign1 = JSON.parse(read(join(VECTORS, 'cose/sign1.json'))) as { keys: Record<string, { coseKey: string }>; vectors: Sign1Vector[] };

/**
 * The outcome the spec derives for a COSE_Sign1 vector: keys, layers 1–2 (here), layer 3; as the
 * vector states it (its code, and the step when the vector names one).
 */
function deriveSign1(v: Sign1Vector, order: readonly Step[]): string {
  const { code, step } = outcomeOf(() => {
    const key = decodeCoseKey(decode(hexBytes(sign1.keys[v.key]!.coseKey)));
    layers12(hexBytes(v.input), 18, 4, order);
    // Layer 3 (payload, key fit, key material, signature) on the message layer 2 accepted.
    verifySign1(hexBytes(v.input), key, {
      ...(v.externalAad !== undefined ? { externalAad: hexBytes(v.externalAad) } : {}),
      ...(v.detachedPayload !== undefined ? { detachedPayload: hexBytes(v.detachedPayload) } : {}),
    });
  });
  return v.faultStep === undefined ? code : `${code} at ${step ?? '?'}`;
}
const stated = (v: Sign1Vector) => (v.result === 'valid' ? 'valid' : v.faultStep === undefined ? v.code : `${v.code} at ${v.faultStep}`);

describe('the fault order of encoding.md §13 derives every COSE_Sign1 vector', () => {
  it.each(sign1.vectors.map((v) => [v.id, v] as const))('%s', (_, v) => {
    expect(deriveSign1(v, SPEC_ORDER)).toBe(stated(v));
  });

  it('the vectors pin the order of every pair of adjacent steps', () => {
    const unpinned: string[] = [];
    for (let i = 0; i + 1 < SPEC_ORDER.length; i++) {
      const order = [...SPEC_ORDER];
      [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
      const wrong = sign1.vectors.filter((v) => deriveSign1(v, order) !== stated(v));
      if (wrong.length === 0) unpinned.push(`${order[i + 1]} before ${order[i]}`);
    }
    // An entry here would be a pair of steps whose order the spec fixes but no vector tests.
    expect(unpinned).toEqual(UNPINNED);
  });
});

describe('the fault order derives every COSE_Sign vector', () => {
  const file = JSON.parse(read(join(VECTORS, 'cose/sign.json'))) as { keys: Record<string, { coseKey: string }>; vectors: { id: string; input: string; keys: string[]; result: string; code?: string; signatureResults?: string[]; externalAad?: string; detachedPayload?: string }[] };
  it.each(file.vectors.map((v) => [v.id, v] as const))('%s', (_, v) => {
    const options = { ...(v.externalAad ? { externalAad: hexBytes(v.externalAad) } : {}), ...(v.detachedPayload ? { detachedPayload: hexBytes(v.detachedPayload) } : {}) };
    const derived = codeOf(() => {
      const keys = v.keys.map((k) => decodeCoseKey(decode(hexBytes(file.keys[k]!.coseKey))));
      // Body: layers 1 and 2 without alg; then signatures, emptiness, payload; then each signer.
      const items = layers12(hexBytes(v.input), 98, 4, ['tag', 'array', 'protected', 'unprotected', 'buckets']);
      if (!Array.isArray(items[3])) fault('COSE_MALFORMED');
      if ((items[3] as CborValue[]).length === 0) fault('COSE_NO_SIGNERS');
      if (items[2] !== null && !(items[2] instanceof Uint8Array)) fault('COSE_MALFORMED');
      const message = decodeSign(hexBytes(v.input)); // the signers' own layer 2
      const results = keys.map((key, i) => codeOf(() => verifySignature(message, i, key, options)));
      const first = results.find((r) => r !== 'valid');
      if (first !== undefined) fault(first);
    });
    expect(derived).toBe(v.result === 'valid' ? 'valid' : v.code);
  });
});

/**
 * §13 step 9, the family: after layer 2, before layer 3 (signatures) and layers 4–5 (the payload),
 * where the receiver expects a family. Derived here from the spec's wording alone, then checked
 * against the evidence vectors that pin it (`checkpoint-as-report`, `report-untyped`) and, for the
 * orders no vector tests (a message with a typ fault and a later fault too), against the
 * implementation (openClaims, decodeIssuerStatement), which §13 describes.
 */
describe('the family step (§13 step 9) comes after the COSE structure and before signatures and payload', () => {
  type TypedStep = 'structure' | 'family' | 'signature' | 'payload';
  const TYPED_ORDER: readonly TypedStep[] = ['structure', 'family', 'signature', 'payload'];

  /** The raw buckets, read without layer 2's checks (so that a swapped order can run step 9 first). */
  const buckets = (bytes: Uint8Array, tag: number) => {
    const items = ((decode(bytes, { allowedTags: new Set([tag]) }) as CborTag).value as CborValue[]) ?? [];
    const p = items[0] as Uint8Array;
    return { prot: (p.length === 0 ? new Map() : decode(p, { allowedTags: new Set() })) as Map<CborMapKey, CborValue>, unprot: items[1] as Map<CborMapKey, CborValue> };
  };
  /** Step 9 as encoding.md §13 words it. */
  function family(bytes: Uint8Array, tag: number, typ: string): void {
    const { prot, unprot } = buckets(bytes, tag);
    if (unprot.has(16)) fault('COSE_MALFORMED');
    const t = prot.get(16);
    const wellFormed = (typeof t === 'string' && t.length > 0) || (typeof t === 'number' && Number.isInteger(t) && t >= 0 && t < 65536);
    if (t !== undefined && !wellFormed) fault('COSE_MALFORMED');
    if (t !== typ) fault('COSE_TYPE_MISMATCH');
  }
  /** A COSE_Sign1 of an expected family: layers 1–2, step 9, layer 3, layers 4–5, in `order`. */
  function deriveTyped(bytes: Uint8Array, type: SignedType<unknown>, key: CosePublicKey, order: readonly TypedStep[] = TYPED_ORDER): string {
    return codeOf(() => {
      const steps: Record<TypedStep, () => void> = {
        structure: () => void layers12(bytes, 18, 4, SPEC_ORDER),
        family: () => family(bytes, 18, type.typ),
        signature: () => void verifySign1(bytes, key),
        payload: () => void type.parse(decode(decodeSign1(bytes).payload!), type.name),
      };
      for (const s of order) steps[s]();
    });
  }
  /** A licence or revocation: the body's layers 1–2, step 9 on the body, then the payload; wrapped. */
  function deriveStatement(bytes: Uint8Array, type: SignedType<unknown>): string {
    const inner = codeOf(() => {
      layers12(bytes, 98, 4, ['tag', 'array', 'protected', 'unprotected', 'buckets']);
      decodeSign(bytes); // the signers' own layer 2
      family(bytes, 98, type.typ);
      type.parse(decode(decodeSign(bytes).payload!), type.name);
    });
    return inner === 'valid' ? 'valid' : `LICENCE_MALFORMED(${inner})`;
  }
  const implementation = (f: () => unknown): string => {
    try {
      f();
      return 'valid';
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      const named = e.code === 'LICENCE_MALFORMED' ? /^[^:]*: ([A-Z_]+):/.exec(e.message)?.[1] : undefined;
      return named ? `${e.code}(${named})` : e.code;
    }
  };

  // The evidence vectors: the report member, against the check encoding's outcome.
  const evidence = [
    ...(JSON.parse(read(join(VECTORS, 'evidence/evidence-honest.json'))) as EvidenceFile).vectors.slice(0, 1),
    ...(JSON.parse(read(join(VECTORS, 'evidence/evidence-checks.json'))) as EvidenceFile).vectors.filter((v) => ['checkpoint-as-report', 'report-untyped'].includes(v.id)),
  ];
  it('the evidence vectors pinning it are present', () => expect(evidence.map((v) => v.id)).toEqual(['first-appraisal', 'checkpoint-as-report', 'report-untyped']));
  it.each(evidence.map((v) => [v.id, v] as const))('derives the encoding outcome of evidence vector %s', (_, v) => {
    const bundle = decode(hexBytes(v.bundle)) as Map<number, Uint8Array>;
    const akCertificate = decodeSign1(bundle.get(3)!);
    const ak = decodeCoseKey(((decode(akCertificate.payload!) as Map<number, CborValue>).get(8) as Map<number, CborValue>).get(1)!);
    const derived = deriveTyped(bundle.get(1)!, attestationReportClaims, ak);
    expect(derived).toBe(v.expected.checks.encoding === 'pass' ? 'valid' : v.expected.checks.encoding);
  });

  // Messages with a typ fault and a second fault: the order decides, and the implementation agrees.
  const key = signingKey(-8, new Uint8Array(32).fill(7));
  const signer = { alg: key.alg, privateKey: key.privateKey, kid: key.kid };
  const report = (headers: Map<CborMapKey, CborValue>, unprotected: Map<CborMapKey, CborValue> = new Map(), payload = encode(new Map<CborMapKey, CborValue>())) =>
    signSign1(payload, signer, { protectedHeaders: headers, unprotectedHeaders: unprotected });
  const typ = (t: CborValue) => new Map<CborMapKey, CborValue>([[16, t]]);
  const badSignature = (bytes: Uint8Array) => {
    const out = new Uint8Array(bytes);
    out[out.length - 1]! ^= 1;
    return out;
  };
  // Built by hand: a signer always writes a byte-string kid.
  const kidAsText = encode(new CborTag(18, [encode(new Map<CborMapKey, CborValue>([[1, -8], [4, 'kid'], [16, TYP.checkpoint]])), new Map(), encode(new Map()), new Uint8Array(64)]));
  const cases: [string, Uint8Array, string][] = [
    ['a checkpoint with a bad signature in the report place: the typ, not the signature', badSignature(report(typ(TYP.checkpoint))), 'COSE_TYPE_MISMATCH'],
    ['an untyped message whose payload is no report: the typ, not the payload', report(new Map()), 'COSE_TYPE_MISMATCH'],
    ['a foreign typ and a kid that is text: the structure (step 8) first', kidAsText, 'COSE_MALFORMED'],
    ['typ in the unprotected bucket', report(new Map(), typ(TYP.attestationReport)), 'COSE_MALFORMED'],
    ['an empty typ', report(typ('')), 'COSE_MALFORMED'],
    ['the right typ, a bad signature: the signature', badSignature(report(typ(TYP.attestationReport))), 'COSE_SIGNATURE_INVALID'],
  ];
  it.each(cases)('%s', (_, bytes, code) => {
    expect(deriveTyped(bytes, attestationReportClaims, key.publicKey)).toBe(code);
    expect(implementation(() => openClaims(attestationReportClaims, bytes, key.publicKey))).toBe(code);
  });

  it('in a licence, a foreign typ is LICENCE_MALFORMED naming COSE_TYPE_MISMATCH, before its payload and signatures', () => {
    const foreign = signSign(encode(new Map<CborMapKey, CborValue>()), [signer], { protectedHeaders: typ(TYP.revocation) });
    const untyped = signSign(encode(new Map<CborMapKey, CborValue>()), [signer]);
    for (const bytes of [foreign, badSignature(foreign), untyped]) {
      expect(deriveStatement(bytes, licenceClaims)).toBe('LICENCE_MALFORMED(COSE_TYPE_MISMATCH)');
      expect(implementation(() => decodeIssuerStatement(bytes, licenceClaims))).toBe('LICENCE_MALFORMED(COSE_TYPE_MISMATCH)');
    }
  });

  it('each order around step 9 is pinned: moving it mispredicts some case', () => {
    const swapped: Record<string, readonly TypedStep[]> = {
      'family before structure': ['family', 'structure', 'signature', 'payload'],
      'signature before family': ['structure', 'signature', 'family', 'payload'],
      'payload before family': ['structure', 'payload', 'family', 'signature'],
    };
    for (const [name, order] of Object.entries(swapped)) {
      const wrong = cases.filter(([, bytes, code]) => deriveTyped(bytes, attestationReportClaims, key.publicKey, order) !== code);
      expect(wrong.length, name).toBeGreaterThan(0);
    }
  });
});

interface EvidenceFile {
  vectors: { id: string; bundle: string; expected: { checks: Record<string, string> } }[];
}

// ----- layer 5 (schema) and layer 6 (embedded messages): the order of encoding.md §13 -----

/**
 * Message vectors whose input carries several faults list them in `faults` (specs/test-vectors.md
 * §2.5), each with the code it alone gives. Which fault wins is derived here from the text of
 * encoding.md §13 layers 5 and 6 alone: layer 5 before layer 6; a log entry's kind field before any
 * other entry; a module request's or response's envelope (missing fields included) before its
 * params or result; within a map, entries in encoded key order, each entry's key before its value,
 * the value depth first, and missing fields only after the map's last entry; within an array, the
 * array itself before its items, items in order. A fault inside an embedded `bstr .cbor` message is
 * not this operation's (layers 4 and 5): an input whose only faults are embedded is valid here.
 */
interface MessageFault {
  path: (number | string)[];
  fault: 'unknown-key' | 'invalid-value' | 'missing-field' | 'embedded';
  code: string;
}
interface MessageVector {
  id: string;
  input: string;
  result: string;
  code?: string;
  faults?: MessageFault[];
}
const messageFiles = readdirSync(join(VECTORS, 'messages'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(read(join(VECTORS, 'messages', f))) as { family: string; vectors: MessageVector[] });
const multiFault = messageFiles.flatMap((file) => file.vectors.filter((v) => v.faults !== undefined).map((v) => ({ family: file.family, v })));

/** Ways to misread §13 layers 5 and 6; the spec's reading is the empty set. */
type Misreading =
  | 'missing fields before the entries'
  | 'missing fields at the end of the message'
  | 'unknown keys before any value'
  | 'breadth first'
  | 'params or result before the envelope is complete'
  | 'log entry kind in its turn'
  | 'response status before any entry'
  | 'embedded messages at layer 5';
const MISREADINGS: readonly Misreading[] = [
  'missing fields before the entries',
  'missing fields at the end of the message',
  'unknown keys before any value',
  'breadth first',
  'params or result before the envelope is complete',
  'log entry kind in its turn',
  'response status before any entry',
  'embedded messages at layer 5',
];

const CONTENTS_KEY: Record<string, number> = { 'module-request': 3, 'module-response': 5 };

/** The position of a fault in the order of §13 (compared element by element), under a reading. */
function faultKey(family: string, input: CborValue, f: MessageFault, wrong?: Misreading): number[] {
  const embeddedLayer = f.fault === 'embedded' && wrong !== 'embedded messages at layer 5' ? 6 : 5;
  const missingLast = f.fault === 'missing-field' && wrong === 'missing fields at the end of the message' ? 1 : 0;
  const kindFirst =
    (family === 'log-entry' && f.path.length === 1 && f.path[0] === 4 && wrong !== 'log entry kind in its turn') ||
    (family === 'module-response' && f.path.length === 1 && f.path[0] === 4 && wrong === 'response status before any entry');
  const contents = CONTENTS_KEY[family] !== undefined && f.path[0] === CONTENTS_KEY[family] && wrong !== 'params or result before the envelope is complete' ? 1 : 0;
  const positions: number[] = [];
  let node: CborValue | undefined = input;
  for (let i = 0; i < f.path.length; i++) {
    const k = f.path[i]!;
    const last = i === f.path.length - 1;
    if (node instanceof Map) {
      const keys = [...(node as Map<CborValue, CborValue>).keys()];
      if (last && f.fault === 'missing-field') {
        expect(keys, `${f.path.join('.')} is absent`).not.toContain(k);
        positions.push(wrong === 'missing fields before the entries' ? -2 : keys.length);
        return [embeddedLayer, missingLast, kindFirst ? 0 : 1, contents, ...(wrong === 'breadth first' ? [f.path.length] : []), ...positions];
      }
      const index = keys.findIndex((key) => key === k);
      expect(index, `${f.path.join('.')} is present`).toBeGreaterThanOrEqual(0);
      positions.push(last && f.fault === 'unknown-key' && wrong === 'unknown keys before any value' ? -1 - keys.length + index : index);
      node = (node as Map<CborValue, CborValue>).get(k);
    } else if (Array.isArray(node)) {
      expect(typeof k === 'number' && k < node.length, `${f.path.join('.')} is an item`).toBe(true);
      positions.push(k as number);
      node = (node as CborValue[])[k as number];
    } else {
      throw new Error(`${f.path.join('.')} reaches into a leaf`);
    }
  }
  positions.push(-1); // the node itself, before anything inside it
  return [embeddedLayer, missingLast, kindFirst ? 0 : 1, contents, ...(wrong === 'breadth first' ? [f.path.length] : []), ...positions];
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The outcome of layers 4 and 5 the spec derives from a vector's listed faults. */
function deriveMessage(family: string, v: MessageVector, wrong?: Misreading): string {
  const input = decode(hexBytes(v.input));
  const ranked = v.faults!.map((f) => ({ f, key: faultKey(family, input, f, wrong) })).sort((a, b) => compareKeys(a.key, b.key));
  const first = ranked.find((r) => r.key[0] === 5);
  return first === undefined ? 'valid' : first.f.code;
}

describe('the fault order of encoding.md §13 layers 5 and 6 derives every message vector with several faults', () => {
  it('such vectors exist in the families the order is about', () => {
    const families = new Set(multiFault.map((m) => m.family));
    for (const f of ['licence-claims', 'licence-request-claims', 'device-certificate-claims', 'log-entry', 'evidence-bundle', 'module-request', 'module-response']) expect(families).toContain(f);
    for (const { v } of multiFault) expect(v.faults!.length, v.id).toBeGreaterThanOrEqual(v.result === 'valid' ? 1 : 2);
  });

  it.each(multiFault.map((m) => [`${m.family} ${m.v.id}`, m] as const))('%s', (_, { family, v }) => {
    expect(deriveMessage(family, v)).toBe(v.result === 'valid' ? 'valid' : v.code);
  });

  it('the vectors pin every rule of the order: each misreading mispredicts some vector', () => {
    const unpinned = MISREADINGS.filter((wrong) => multiFault.every(({ family, v }) => deriveMessage(family, v, wrong) === (v.result === 'valid' ? 'valid' : v.code)));
    expect(unpinned).toEqual([]);
  });
});
