import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, fromHex } from '@hemkit/wire';
import { evidenceBundle } from '@hemkit/wire/messages';
import { faultRange, inspect } from '../src/inspect.js';
import type { NamedNode } from '../src/names.js';
import { honest, readVectors } from './vectors.js';

const bundleBytes = () => fromHex(honest().vectors[0]!.bundle);

/** The anchors of a spec document's headings, as GitHub slugs them. */
function headingsOf(document: string): string[] {
  const slug = (h: string) => h.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
  return readFileSync(join(import.meta.dirname, '../../../specs', document), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('#'))
    .map((l) => slug(l.replace(/^#+\s*/, '')));
}

/** Every node of a named tree, depth first, embedded messages included. */
function* nodes(n: NamedNode): Generator<NamedNode> {
  yield n;
  for (const c of n.children) yield* nodes(c);
  if (n.embedded) yield* nodes(n.embedded);
}

describe('recognising the message family', () => {
  it('knows an evidence bundle, and each signed member by its typ header', () => {
    const all = readVectors<{ vectors: { id: string; input: string }[] }>('messages/evidence-bundle.json').vectors.find((v) => v.id === 'all-optional-present')!;
    const bytes = fromHex(all.input);
    expect(inspect(bytes).family.id).toBe('evidence-bundle');
    const b = evidenceBundle.parse(decode(bytes), 'evidence-bundle');
    expect(inspect(b.report).family.id).toBe('attestation-report');
    expect(inspect(b.deviceCertificate).family.id).toBe('device-certificate');
    expect(inspect(b.attestationKeyCertificate).family.id).toBe('attestation-key-certificate');
    expect(inspect(b.checkpoints![0]!).family.id).toBe('checkpoint');
    expect(inspect(b.licences![0]!).family.id).toBe('licence');
    expect(inspect(b.entries![0]!.receipt!).family.id).toBe('inclusion-receipt');
    expect(inspect(b.consistencyReceipts![0]!).family.id).toBe('consistency-receipt');
    expect(inspect(b.entries![0]!.entry).family.id).toBe('log-entry');
  });

  it('knows an issuer-set update by its typ, checks its claims, and links licence.md §5a', () => {
    // the honest third appraisal follows an issuer rotation: its bundle carries the update
    const third = fromHex(honest().vectors.find((v) => v.id === 'third-appraisal-after-issuer-rotation')!.bundle);
    const b = evidenceBundle.parse(decode(third), 'evidence-bundle');
    const r = inspect(b.issuerUpdates![0]!);
    expect(r.family.id).toBe('issuer-set-update');
    expect(r.family.signed).toBe(true);
    expect(r.schema).toEqual({ schema: 'issuer-set-update-claims', valid: true });
    expect(headingsOf(r.family.spec.document)).toContain(r.family.spec.anchor);
  });

  it('knows a log-key certificate by its typ, checks its claims, and links checkpoint.md §2.1', () => {
    // the honest second appraisal carries its checkpoints as signed notes, with the log key's certificate
    const second = fromHex(honest().vectors.find((v) => v.id === 'second-appraisal')!.bundle);
    const b = evidenceBundle.parse(decode(second), 'evidence-bundle');
    expect(b.logKeyCertificate).toBeInstanceOf(Uint8Array);
    const r = inspect(b.logKeyCertificate!);
    expect(r.family.id).toBe('log-key-certificate');
    expect(r.family.signed).toBe(true);
    expect(r.schema).toEqual({ schema: 'log-key-certificate-claims', valid: true });
    // the anchor is one of the headings of the document it names (GitHub's slug of the heading)
    expect(headingsOf(r.family.spec.document)).toContain(r.family.spec.anchor);
    // a bundle shows the certificate and the notes it carries
    const names = [...nodes(inspect(second).tree!)].map((n) => n.name);
    expect(names).toContain('logKeyCertificate');
    expect(names).toContain('notes');
  });

  it('knows module requests and responses', () => {
    const request = readVectors<{ vectors: { input: string; result: string }[] }>('messages/module-request.json').vectors.find((v) => v.result === 'valid')!;
    const response = readVectors<{ vectors: { input: string; result: string }[] }>('messages/module-response.json').vectors.find((v) => v.result === 'valid')!;
    expect(inspect(fromHex(request.input)).family.id).toBe('module-request');
    expect(inspect(fromHex(response.input)).family.id).toBe('module-response');
  });

  it('links every family to a spec section', () => {
    const f = inspect(bundleBytes()).family;
    expect(f.spec).toEqual({ document: 'verifier.md', anchor: '2-evidence-bundle', title: 'verifier.md §2 Evidence bundle' });
    expect(f.signed).toBe(false);
    expect(inspect(evidenceBundle.parse(decode(bundleBytes()), 'evidence-bundle').report).family.signed).toBe(true);
  });
});

describe('naming', () => {
  it('names the claims of a report inside a bundle with the registry names, nested records by their fields', () => {
    const tree = inspect(bundleBytes()).tree!;
    const names = [...nodes(tree)].map((n) => n.name);
    for (const name of ['report', 'deviceCertificate', 'entries', 'protected', 'payload', 'signature', 'counters', 'totalOps', 'logHead', 'rootHash', 'lockState', 'alg', 'typ', 'workloadDescriptor']) {
      expect(names, name).toContain(name);
    }
    const counters = [...nodes(tree)].find((n) => n.name === 'counters')!;
    expect(counters.key!.item.kind).toBe('nint');
    expect(counters.key!.item.argument).toBe(72000n); // -72001, the counters claim
  });
});

interface DecodeVector {
  id: string;
  input: string;
  result: string;
  code?: string;
  options?: unknown;
}

describe('strict-profile faults', () => {
  const vectors = readVectors<{ vectors: DecodeVector[] }>('cbor/decode.json').vectors.filter((v) => v.result === 'invalid' && v.options === undefined);

  it.each(vectors.map((v) => [v.id, v] as const))('%s: the code the strict decoder gives, at bytes inside the input', (_id, v) => {
    const bytes = fromHex(v.input);
    const i = inspect(bytes);
    expect(i.fault?.code).toBe(v.code);
    expect(i.described).toBeUndefined();
    const range = faultRange(i);
    if (i.fault?.offset !== undefined) {
      expect(range!.start).toBe(i.fault.offset);
      expect(range!.end).toBeGreaterThan(range!.start);
    }
  });

  it('highlights the whole item at the fault, when the walk reaches it', () => {
    const i = inspect(fromHex('a2 02 00 01 00')); // key 1 after key 2: unsorted, found at the second key
    expect(i.fault).toMatchObject({ code: 'CBOR_UNSORTED_MAP_KEYS', offset: 3 });
    expect(faultRange(i)).toEqual({ start: 3, end: 4 });
  });

  it('describes accepted bytes as hemkit inspect does', () => {
    expect(inspect(bundleBytes()).described?.kind).toBe('evidence-bundle');
  });
});

describe('naming what is not recognised', () => {
  it('names a map of registered claim keys as claims, and leaves other keys bare', () => {
    const named = (hex: string) => inspect(fromHex(hex)).tree!.children.map((c) => c.name);
    expect(named('a2 06 01 19 01 0b 02')).toEqual(['iat', 'bootcount']); // {6: 1, 267: 2}
    expect(named('a2 01 05 02 06')).toEqual([undefined, undefined]); // {1: 5, 2: 6}: key 2 is no claim, so no key is named
    expect(named('a2 01 18 05 02 00')).toEqual([undefined, undefined]); // rejected by the profile: no guess
  });
});

describe('naming module messages', () => {
  it('names the envelope, and leaves the command-specific params unnamed rather than guessing', () => {
    const v = readVectors<{ vectors: { input: string; result: string }[] }>('messages/module-request.json').vectors.find((x) => x.result === 'valid' && x.input.startsWith('a3'))!;
    const tree = inspect(fromHex(v.input)).tree!;
    expect(tree.children.map((c) => c.name)).toEqual(['command', 'requestId', 'params']);
    expect(tree.children[2]!.children.every((c) => c.name === undefined)).toBe(true);
  });
});

interface MessageVectorFile {
  family: string;
  vectors: { id: string; input: string; result: string; code?: string }[];
}

describe('the family schema (hemkit.cddl), for every message vector', () => {
  const files = ['attestation-report-claims', 'checkpoint-claims', 'counters', 'evidence-bundle', 'licence-claims', 'log-entry', 'log-key-certificate-claims', 'module-request', 'module-response', 'workload-descriptor'];
  it.each(files)('%s: valid, or the MESSAGE_* code the vector states', (name) => {
    const f = readVectors<MessageVectorFile>(`messages/${name}.json`);
    for (const v of f.vectors) {
      const schema = inspect(fromHex(v.input), f.family).schema;
      expect({ id: v.id, schema: schema?.valid ? 'valid' : schema?.code }).toEqual({ id: v.id, schema: v.result === 'valid' ? 'valid' : v.code });
    }
  });

  it("checks a signed message's payload against its family's claims, unasked", () => {
    const b = evidenceBundle.parse(decode(bundleBytes()), 'evidence-bundle');
    expect(inspect(b.report).schema).toEqual({ schema: 'attestation-report-claims', valid: true });
    expect(inspect(b.licences![0]!).schema).toEqual({ schema: 'licence-claims', valid: true });
    expect(inspect(bundleBytes()).schema).toBeUndefined();
  });
});
