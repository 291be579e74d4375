/**
 * decodeAs (schema.ts) reads a message straight from its bytes when every type on the way has a
 * reader, and otherwise decodes and parses it as before. Its fast path must give exactly the general
 * path's answer: the same value (same types, same key order) or the same error (code and message).
 * Held to that on every message vector, on each evidence-vector bundle and its entries, and on
 * every one-byte change, truncation and extension of them (the refusals included).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborCursor, MISS } from '../../src/cbor/cursor.js';
import { CborTag, decode, encode } from '../../src/cbor/index.js';
import { HemkitError } from '../../src/errors.js';
import {
  attestationReportClaims,
  checkpointClaims,
  counters,
  decodeAs,
  disclosedEntry,
  evidenceBundle,
  licenceClaims,
  licenceState,
  logEntry,
  logEntryOpening,
  logHead,
  readerOf,
  workloadDescriptor,
  type WireType,
} from '../../src/messages/index.js';
import { fromHex, loadVectors, vectorFilesIn, type Vector, type VectorFile } from '../vectors/support.js';

/** The types a verifier decodes per appraisal or per disclosed entry, each with a reader. */
const FAMILIES: Readonly<Record<string, WireType<unknown>>> = {
  'log-entry': logEntry,
  'log-entry-opening': logEntryOpening,
  'workload-descriptor': workloadDescriptor,
  'evidence-bundle': evidenceBundle,
  'checkpoint-claims': checkpointClaims,
  'attestation-report-claims': attestationReportClaims,
  counters,
  'licence-state': licenceState,
  'log-head': logHead,
  'licence-claims': licenceClaims,
};

/** A value written out with its types and its key order, which toStrictEqual would not compare. */
function show(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.constructor.name}(${Buffer.from(v).toString('hex')})`;
  if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${show(k)}=>${show(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  if (v instanceof CborTag) return `Tag(${v.tag},${show(v.value)})`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}:${show(x)}`).join(',')}}`;
  return `${typeof v}:${String(v)}`;
}

function outcomeOf(run: () => unknown): string {
  try {
    return `value ${show(run())}`;
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    return `error ${e.code}: ${e.message}`;
  }
}

function expectAgreement(type: WireType<unknown>, bytes: Uint8Array, path: string): string {
  const general = outcomeOf(() => type.parse(decode(bytes), path));
  expect(outcomeOf(() => decodeAs(type, bytes, path))).toBe(general);
  return general;
}

/** Every one-byte change (a few values at each position), every truncation, and one byte more. */
function* variants(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) {
    for (const value of new Set([bytes[i]! ^ 0x01, bytes[i]! ^ 0x20, (bytes[i]! + 1) & 0xff, 0x00, 0x18, 0x1b, 0x40, 0x60, 0x80, 0xa0, 0xc2, 0xf5, 0xff])) {
      const changed = bytes.slice();
      changed[i] = value;
      yield changed;
    }
  }
  for (let n = 0; n < bytes.length; n++) yield bytes.slice(0, n);
  yield Uint8Array.of(...bytes, 0);
}

interface MessageVector extends Vector {
  readonly input: string;
}
interface EvidenceVector extends Vector {
  readonly bundle: string;
}

const messageFiles = vectorFilesIn('messages').map((f) => loadVectors<MessageVector, VectorFile<MessageVector> & { readonly family: string }>(f, 'hemkit-message/v1'));

const bundles = vectorFilesIn('evidence').flatMap((f) =>
  loadVectors<EvidenceVector>(f, 'hemkit-evidence/v1').vectors.map((v) => ({ id: `${f} ${v.id}`, bytes: fromHex(v.bundle) })),
);

describe('decodeAs', () => {
  it('has a reader for the types a verifier decodes per entry, and takes it on every valid vector of them', () => {
    for (const [family, type] of Object.entries(FAMILIES)) {
      const read = readerOf(type);
      expect(read, family).toBeDefined();
      for (const v of messageFiles.find((f) => f.family === family)!.vectors.filter((x) => x.result === 'valid')) {
        const c = CborCursor.over(fromHex(v.input))!;
        expect(read!(c), `${family} ${v.id}`).not.toBe(MISS);
        expect(c.done).toBe(true);
      }
    }
  });

  it('agrees with decode and parse on every message vector, valid or not', () => {
    let checked = 0;
    for (const file of messageFiles) {
      const type = FAMILIES[file.family];
      if (type === undefined) continue;
      for (const v of file.vectors) {
        expectAgreement(type, fromHex(v.input), file.family);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(250);
  });

  it('agrees on every one-byte change, truncation and extension of the valid vectors of the hot types', () => {
    const codes = new Set<string>();
    for (const file of messageFiles) {
      const type = FAMILIES[file.family];
      if (type === undefined) continue;
      for (const v of file.vectors.filter((x) => x.result === 'valid').slice(0, 2)) {
        for (const changed of variants(fromHex(v.input))) codes.add(expectAgreement(type, changed, file.family).split(':')[0]!);
      }
    }
    // The changes reach the decoder's refusals and the schema's, and leave some messages valid.
    for (const code of ['CBOR_TRUNCATED', 'CBOR_NON_SHORTEST_HEAD', 'CBOR_TRAILING_BYTES', 'CBOR_UNSORTED_MAP_KEYS', 'CBOR_NON_PREFERRED_BIGNUM', 'MESSAGE_UNKNOWN_FIELD', 'MESSAGE_INVALID_FIELD', 'MESSAGE_MISSING_FIELD']) {
      expect([...codes]).toContain(`error ${code}`);
    }
    expect([...codes].some((c) => c.startsWith('value'))).toBe(true);
  });

  it('agrees on each evidence-vector bundle and on every entry, opening and descriptor it discloses', () => {
    expect(bundles.length).toBeGreaterThan(10);
    for (const { bytes } of bundles) {
      if (!expectAgreement(evidenceBundle, bytes, 'evidence-bundle').startsWith('value')) continue;
      const b = decodeAs(evidenceBundle, bytes, 'evidence-bundle');
      for (const d of b.entries ?? []) {
        expectAgreement(logEntry, d.entry, 'log-entry');
        if (d.opening !== undefined) {
          expectAgreement(logEntryOpening, encode(logEntryOpening.toCbor(d.opening)), 'log-entry-opening');
          expectAgreement(workloadDescriptor, d.opening.workloadDescriptor, 'workload-descriptor');
        }
      }
    }
  });

  it('agrees on every one-byte change, truncation and extension of a bundle and of its disclosed entries', () => {
    const { bytes } = bundles.find((b) => b.id.includes('first-appraisal')) ?? bundles[0]!;
    for (const changed of variants(bytes)) expectAgreement(evidenceBundle, changed, 'evidence-bundle');
    const b = decodeAs(evidenceBundle, bytes, 'evidence-bundle');
    for (const d of b.entries ?? []) {
      for (const changed of variants(d.entry)) expectAgreement(logEntry, changed, 'log-entry');
      for (const changed of variants(encode(disclosedEntry.toCbor(d)))) expectAgreement(disclosedEntry, changed, 'disclosed-entry');
    }
  });

  it('agrees where the fast path steps aside: a bundle out of its disclosure form, keys it does not read, nesting, tags', () => {
    const entry = encode(new Map<number, unknown>([[1, 0], [2, 5], [3, 1], [4, 1], [5, new Map<number, unknown>([[1, new Uint8Array(32)], [12, 1]])]]) as never);
    expectAgreement(logEntry, entry, 'log-entry');
    const report = new Uint8Array(8);
    // A frontier with no entries, and an entry with a receipt beside a frontier (bundle.ts checkDisclosureForm).
    const noEntries = encode(new Map<number, unknown>([[1, report], [2, report], [3, report], [11, []]]) as never);
    expect(expectAgreement(evidenceBundle, noEntries, 'evidence-bundle')).toMatch(/^error MESSAGE_MISSING_FIELD/);
    const withReceipt = encode(new Map<number, unknown>([[1, report], [2, report], [3, report], [6, [new Map([[1, entry], [2, report]])]], [11, []]]) as never);
    expect(expectAgreement(evidenceBundle, withReceipt, 'evidence-bundle')).toMatch(/^error MESSAGE_INVALID_FIELD/);
    const noReceipt = encode(new Map<number, unknown>([[1, report], [2, report], [3, report], [6, [new Map([[1, entry]])]]]) as never);
    expect(expectAgreement(evidenceBundle, noReceipt, 'evidence-bundle')).toMatch(/^error MESSAGE_MISSING_FIELD/);
    // A text key, a negative key, a tag, a float, nesting past the bound, 8-byte integers and bignums.
    for (const hexInput of ['a1616101', 'a12001', 'd81801', 'a101fb3ff0000000000000', '81'.repeat(20) + '00', 'a1011b0020000000000000', 'a101c24901000000000000000000', 'a101c349010000000000000000']) {
      expectAgreement(counters, fromHex(hexInput), 'counters');
      expectAgreement(logEntry, fromHex(hexInput), 'log-entry');
    }
  });

  it('agrees on random byte strings and on random CBOR, seeded', () => {
    const types = [logEntry, evidenceBundle, counters, checkpointClaims, workloadDescriptor];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(types.length - 1), (bytes, t) => {
        expectAgreement(types[t]!, bytes, 'random');
      }),
      { seed: 12, numRuns: 3000 },
    );
    // Maps with small integer keys and the leaf values the readers take, nested a little.
    const leaf = fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 130n }), fc.uint8Array({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.boolean());
    const map = (value: fc.Arbitrary<unknown>) => fc.uniqueArray(fc.tuple(fc.integer({ min: -3, max: 24 }), value), { selector: ([k]) => k, maxLength: 7 }).map((e) => new Map(e));
    const cbor = map(fc.oneof(leaf, map(leaf), fc.array(leaf, { maxLength: 3 })));
    fc.assert(
      fc.property(cbor, fc.nat(types.length - 1), (value, t) => {
        expectAgreement(types[t]!, encode(value as never), 'random');
      }),
      { seed: 12, numRuns: 3000 },
    );
  });

  it('reads a Buffer as its bytes, with byte strings that do not share its memory', () => {
    const v = messageFiles.find((f) => f.family === 'log-entry')!.vectors.find((x) => x.result === 'valid')!;
    const buffer = Buffer.from(v.input, 'hex');
    const general = outcomeOf(() => logEntry.parse(decode(buffer), 'log-entry'));
    expect(outcomeOf(() => decodeAs(logEntry, buffer, 'log-entry'))).toBe(general);
    const parsed = decodeAs(logEntry, buffer, 'log-entry') as { details: Record<string, unknown> };
    for (const x of Object.values(parsed.details)) if (x instanceof Uint8Array) expect(x.buffer).not.toBe(buffer.buffer);
  });
});
