/**
 * specs/implementers-guide.md quotes bytes from test-vectors/evidence/evidence-honest.json and
 * values computed from them. Every hex string of 32 digits or more in the guide must still be in the
 * vector file or be one of those computed values, so the guide cannot drift from the vectors. The
 * quotes are written by scripts/spec-docs.ts (test/spec/spec-docs.test.ts keeps them regenerated);
 * the values here are computed again independently of that script, so a generator bug that quotes
 * bytes from nowhere is caught too. The same holds for specs/examples.md and the module sessions.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../packages/wire/src/cbor/index.js';
import { decodeSign, decodeSign1 } from '../../packages/wire/src/cose/index.js';
import { TYP } from '../../packages/wire/src/messages/typed.js';
import { filesUnder, read, SPECS, VECTORS } from './support.js';

const guide = read(join(SPECS, 'implementers-guide.md'));
const fileText = read(join(VECTORS, 'evidence/evidence-honest.json'));
const file = JSON.parse(fileText) as { vectors: { bundle: string }[] };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha256 = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
const b = (...bytes: number[]) => new Uint8Array(bytes);

/** The values the guide computes from the vector, computed again here. */
function derived(): string[] {
  const bundle = decode(Buffer.from(file.vectors[0]!.bundle, 'hex')) as Map<number, unknown>;
  const entries = bundle.get(6) as Map<number, unknown>[];
  const leaves = entries.map((e) => sha256(b(0), e.get(1) as Uint8Array));
  const n01 = sha256(b(1), leaves[0]!, leaves[1]!);
  const n23 = sha256(b(1), leaves[2]!, leaves[3]!);
  const root = sha256(b(1), n01, n23);
  const opening = entries[3]!.get(3) as Map<number, Uint8Array>;
  const commitment = sha256(new TextEncoder().encode('hemkit/v1/workload-commitment'), b(0), opening.get(2)!, opening.get(3)!);
  const licence = decodeSign((bundle.get(7) as Uint8Array[])[0]!);
  const sigStructure = (bytes: Uint8Array, payload?: Uint8Array) => {
    const s = decodeSign1(bytes);
    return encode(['Signature1', s.protectedBytes, new Uint8Array(0), payload ?? s.payload!]);
  };
  return [
    ...[...leaves, n01, n23, root, commitment, sha256(licence.payload!)].map(hex),
    hex(sigStructure(bundle.get(1) as Uint8Array)),
    hex(sigStructure(entries[0]!.get(2) as Uint8Array, root)),
    hex(sha256(Buffer.from('a3010120062158205402a3259f4f404b5986939de264fe0a3e4bfd0b54dc53e23f7c32afe6a9bf17', 'hex'))),
  ];
}

export function unexplained(text: string, sources: readonly string[]): string[] {
  const tokens = [...text.matchAll(/[0-9a-f]{32,}/g)].map((m) => m[0]);
  // A token may also be text inside the vectors' bytes, as a note origin's log id is: look for its
  // UTF-8 encoding in hex too.
  const asText = (t: string) => [...new TextEncoder().encode(t)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return tokens.filter((t) => !sources.some((s) => s.includes(t) || s.includes(asText(t))));
}

describe('specs/examples.md', () => {
  const examples = read(join(SPECS, 'examples.md'));
  const sources = [...filesUnder(join(VECTORS, 'module'), '.json'), join(VECTORS, 'verifier/attestation-results.json')].map(read);

  it('quotes only bytes that are in the module-session and attestation-result vectors', () => {
    expect(unexplained(examples, sources)).toEqual([]);
  });

  it('has a section for every signed family (every typ of cose.md §7.2), each showing its typ in its protected header, and none in a receipt\'s', () => {
    const titles: Record<keyof typeof TYP, string> = {
      checkpoint: 'Checkpoint',
      licenceRequest: 'Licence request',
      revocation: 'Revocation',
      issuerSetUpdate: 'Issuer-set update',
      licence: 'Licence',
      firmwareManifest: 'Firmware manifest',
      deviceCertificate: 'Device certificate',
      attestationKeyCertificate: 'Attestation-key certificate',
      logKeyCertificate: 'Log-key certificate',
      attestationReport: 'Attestation report',
      appraisalResult: 'Attestation result',
    };
    const typs: Record<string, string | undefined> = {
      ...Object.fromEntries(Object.entries(TYP).map(([k, typ]) => [titles[k as keyof typeof TYP], typ])),
      'Inclusion receipt': undefined,
      'Consistency receipt': undefined,
    };
    const sections = new Map(examples.split(/\n## /).slice(1).map((s) => [s.slice(0, s.indexOf('\n')), s] as const));
    for (const [family, typ] of Object.entries(typs)) {
      const section = sections.get(family) ?? '';
      const protectedLines = section.split('\n').filter((line) => line.includes('/ protected /'));
      expect(protectedLines, family).toHaveLength(1);
      if (typ === undefined) expect(protectedLines[0], family).not.toContain('16: ');
      else expect(protectedLines[0], family).toContain(`16: ${JSON.stringify(typ)}`);
    }
  });

  it('has one example per signed family', () => {
    const families = ['Checkpoint', 'Inclusion receipt', 'Consistency receipt', 'Licence request', 'Revocation', 'Issuer-set update', 'Licence', 'Firmware manifest', 'Device certificate', 'Attestation-key certificate', 'Log-key certificate', 'Attestation report'];
    for (const f of families) expect(examples, f).toContain(`\n## ${f}\n`);
  });
});

describe('specs/implementers-guide.md', () => {
  const sources = [fileText, ...derived()];

  it('quotes only bytes that are in the vector or follow from it', () => {
    expect(unexplained(guide, sources)).toEqual([]);
  });

  it('quotes a good deal of them (the bundle, the signatures, the root)', () => {
    expect([...guide.matchAll(/[0-9a-f]{32,}/g)].length).toBeGreaterThan(40);
  });

  it('shows the typ check of each signed member, and the two vectors that pin it', () => {
    for (const typ of [TYP.attestationReport, TYP.deviceCertificate, TYP.attestationKeyCertificate, TYP.licence]) expect(guide).toContain(`16: ${JSON.stringify(typ)}`);
    expect(guide).toContain('COSE_TYPE_MISMATCH');
    const checks = JSON.parse(read(join(VECTORS, 'evidence/evidence-checks.json'))) as { vectors: { id: string; expected: { checks: Record<string, string> } }[] };
    for (const id of ['checkpoint-as-report', 'report-untyped']) {
      expect(guide).toContain(`\`${id}\``);
      expect(checks.vectors.find((v) => v.id === id)?.expected.checks.encoding, id).toBe('COSE_TYPE_MISMATCH');
    }
  });

  it('the check can fail: a hex string from nowhere is found', () => {
    expect(unexplained('the root is `00112233445566778899aabbccddeeff00112233`', sources)).toHaveLength(1);
  });
});
