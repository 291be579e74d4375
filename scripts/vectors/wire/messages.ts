/**
 * test-vectors/messages/<family>.json: every hemkit message family of packages/wire/src/messages, as
 * the CBOR map it is on the wire. Per family: positive vectors with every optional field present and
 * with every optional field absent, counters at 2^32, 2^53, 2^64-1, 2^64 and 2^128-1 where the family
 * has counters, and negative vectors: every required field removed (MESSAGE_MISSING_FIELD), keys the
 * closed map does not define (MESSAGE_UNKNOWN_FIELD), every field with a value of the wrong type and
 * the family's own range rules (MESSAGE_INVALID_FIELD).
 *
 * Each vector names the CDDL rule of specs/cddl/hemkit.cddl it is about and says whether the input
 * matches it: always for valid vectors, never for missing or unknown fields (hemkit maps are closed),
 * and for invalid fields as the CDDL decides (some rules are prose only, such as ascending precision
 * classes). The generator checks every statement against both the wire layer and the CDDL checker.
 * Vectors with several faults (multiFault) list them, each with the code it alone gives, so that the
 * code can be derived from the fault order of specs/encoding.md §13 (test/spec/fault-order.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode, toDiagnostic, type CborMapKey, type CborValue } from '@hemkit/wire/cbor';
import { checkCbor, parseCddl } from '@hemkit/cddl';
import {
  attestationKeyCertificateClaims,
  attestationReportClaims,
  checkpointClaims,
  logHead,
  CMD,
  counters,
  deviceCertificateClaims,
  encodeRequest,
  encodeResponse,
  EVENT,
  evidenceBundle,
  firmwareManifestClaims,
  licenceClaims,
  licenceRequestClaims,
  licenceState,
  logEntry,
  logEntryOpening,
  parseRequest,
  parseResponse,
  renderSignedNote,
  logKeyCertificateClaims,
  revocationClaims,
  issuerSetUpdateClaims,
  signingKey,
  workloadCommitment,
  modelStateCommitment,
  workloadDescriptor,
  type Counters,
  type LogEntry,
  type RecordType,
} from '@hemkit/wire/messages';
import { decodeSign, decodeSign1, encodeCoseKey } from '@hemkit/wire/cose';
import { confirm, hex, outcomeOf, renderVectorFile, seedBytes, type VectorBase } from '../vector-file.js';
import * as F from './fixture.js';

export const MESSAGE_FORMAT = 'hemkit-message/v1';
const GENERATOR = 'npm run vectors (scripts/vectors/wire/messages.ts)';
const schema = parseCddl(readFileSync(join(import.meta.dirname, '../../../specs/cddl/hemkit.cddl'), 'utf8'));

interface MessageVector extends VectorBase {
  readonly input: string;
  /** The CDDL rule of specs/cddl/hemkit.cddl the vector is about. */
  readonly rule: string;
  /** Whether the input matches `rule`. */
  readonly matchesRule: boolean;
  /** For valid vectors: the decoded map in diagnostic notation. */
  readonly diagnostic?: string;
  /** For inputs with several faults: each fault, with the code it alone gives (specs/test-vectors.md §2.5). */
  readonly faults?: readonly FaultJson[];
}

/**
 * One fault of an input that carries several: where it is (`path`, map keys and array indices from
 * the root), what it is, and the code the input with this fault alone gives. `embedded` is a fault
 * inside a `bstr .cbor` field, judged at layer 6 of encoding.md §13 by the message's consumer; its
 * code is the embedded message's own (decoded as the COSE message the CDDL names).
 */
interface FaultJson {
  readonly path: readonly CborMapKey[];
  readonly fault: 'unknown-key' | 'invalid-value' | 'missing-field' | 'embedded';
  readonly code: string;
}

interface Case {
  readonly id: string;
  readonly description: string;
  readonly value: CborValue;
  readonly rule?: string;
  readonly code?: 'MESSAGE_MISSING_FIELD' | 'MESSAGE_UNKNOWN_FIELD' | 'MESSAGE_INVALID_FIELD';
  /**
   * For MESSAGE_INVALID_FIELD: whether the CDDL still matches (a rule the CDDL cannot state). For a
   * valid vector whose embedded message is faulty: false (the CDDL's .cbor control judges it).
   */
  readonly matchesRule?: boolean;
  readonly faults?: readonly FaultJson[];
}

interface Family {
  /** The file name and the family name in the file. */
  readonly name: string;
  readonly description: string;
  /** The rule valid vectors match unless a case names another. */
  readonly rule: string;
  /** The rule negative vectors must not match (a choice of all kinds, for log entries and envelopes). */
  readonly negativeRule: string;
  readonly parse: (value: CborValue) => unknown;
  /** Re-encodes a parsed valid value; the bytes must be the input again. Absent where the parse drops form. */
  readonly reencode?: (parsed: unknown, input: CborValue) => CborValue | undefined;
  readonly cases: readonly Case[];
}

// ----- building values -----

const DELETE = Symbol('delete');
type Path = readonly CborMapKey[];

/** A copy of `value` with the item at `path` replaced (or deleted); arrays are indexed by number. */
function setIn(value: CborValue | undefined, path: Path, replacement: CborValue | typeof DELETE): CborValue {
  if (path.length === 0) {
    if (replacement === DELETE) throw new Error('cannot delete the root');
    return replacement;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const out = [...(value as CborValue[])];
    if (rest.length === 0 && replacement === DELETE) out.splice(Number(head), 1);
    else out[Number(head)] = setIn(out[Number(head)], rest, replacement);
    return out;
  }
  if (value instanceof Map) {
    const out = new Map(value as ReadonlyMap<CborMapKey, CborValue>);
    if (rest.length === 0 && replacement === DELETE) out.delete(head!);
    else out.set(head!, setIn(out.get(head!), rest, replacement));
    return out;
  }
  throw new Error(`setIn: ${String(head)} reaches into a ${typeof value}`);
}

function getIn(value: CborValue, path: Path): CborValue | undefined {
  let v: CborValue | undefined = value;
  for (const k of path) v = Array.isArray(v) ? (v as CborValue[])[Number(k)] : v instanceof Map ? (v as ReadonlyMap<CborMapKey, CborValue>).get(k) : undefined;
  return v;
}

/** A value of another CBOR type than `v`: text for anything but text, an integer for text. */
const wrongType = (v: CborValue | undefined): CborValue => (typeof v === 'string' ? 0 : 'wrong type');
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const names = (type: RecordType<unknown>): Map<CborMapKey, string> => new Map(Object.entries(type.keys).map(([n, k]) => [k, kebab(n)]));
const asMap = (v: CborValue) => v as ReadonlyMap<CborMapKey, CborValue>;

/**
 * The generic negatives of one closed map at `path` inside `full`: each required field (a key of
 * `minimal`) removed, an integer and a text key the map does not define, and each field of the wrong
 * type. `label` prefixes ids and descriptions for nested maps.
 */
function mapNegatives(full: CborValue, minimal: CborValue, path: Path, fieldNames: ReadonlyMap<CborMapKey, string>, label = ''): Case[] {
  const at = (key: CborMapKey) => `${label}${fieldNames.get(key) ?? String(key)}`;
  const where = label === '' ? 'the map' : `the ${label.replace(/-$/, '')} map`;
  const out: Case[] = [];
  for (const key of asMap(getIn(minimal, path)!).keys()) {
    out.push({ id: `missing-${at(key)}`, description: `required field ${at(key)} (key ${String(key)}) removed`, value: setIn(full, [...path, key], DELETE), code: 'MESSAGE_MISSING_FIELD' });
  }
  out.push({ id: `unknown-${label}key-99`, description: `key 99 added to ${where}, which is closed`, value: setIn(full, [...path, 99], 0), code: 'MESSAGE_UNKNOWN_FIELD' });
  out.push({ id: `unknown-${label}text-key`, description: `text key "x-extension" added to ${where}`, value: setIn(full, [...path, 'x-extension'], true), code: 'MESSAGE_UNKNOWN_FIELD' });
  for (const [key, v] of asMap(getIn(full, path)!)) {
    out.push({ id: `wrong-type-${at(key)}`, description: `${at(key)} (key ${String(key)}) as ${typeof v === 'string' ? 'an integer' : 'a text string'}`, value: setIn(full, [...path, key], wrongType(v)), code: 'MESSAGE_INVALID_FIELD' });
  }
  return out;
}

const valid = (id: string, description: string, value: CborValue, rule?: string): Case => ({ id, description, value, ...(rule ? { rule } : {}) });
const invalidField = (id: string, description: string, value: CborValue, matchesRule = false): Case => ({ id, description, value, code: 'MESSAGE_INVALID_FIELD', matchesRule });

/** One fault put into a valid value: the edit, and where the fault lies when that is not the edit's path. */
interface Edit {
  readonly fault: FaultJson['fault'];
  readonly path: Path;
  readonly value: CborValue | typeof DELETE;
  /** The fault's path when it is not the edit's (a COSE_Key is one field: a bad parameter faults the key). */
  readonly at?: Path;
  /** For an embedded fault: decodes the embedded message as the COSE message its CDDL names. */
  readonly decodeEmbedded?: (bytes: Uint8Array) => unknown;
}
const unknownKey = (path: Path, value: CborValue = 0): Edit => ({ fault: 'unknown-key', path, value });
const badValue = (path: Path, value: CborValue, at?: Path): Edit => ({ fault: 'invalid-value', path, value, ...(at ? { at } : {}) });
const missing = (path: Path): Edit => ({ fault: 'missing-field', path, value: DELETE });
const embedded = (path: Path, value: Uint8Array, decodeEmbedded: (bytes: Uint8Array) => unknown = decodeSign1): Edit => ({ fault: 'embedded', path, value, decodeEmbedded });

/**
 * A vector with several faults, each an edit of the valid `base`. The code each fault alone gives is
 * computed here (by `parse` for layer 5, by decoding the embedded message for layer 6) and listed in
 * `faults`; `code` is the one encoding.md §13 selects, which toVectors confirms against the parser
 * and test/spec/fault-order.test.ts derives from `faults` by the order of §13.
 */
function multiFault(
  id: string,
  description: string,
  base: CborValue,
  edits: readonly Edit[],
  code: Case['code'] | undefined,
  parse: (v: CborValue) => unknown,
  extra: Partial<Case> = {},
): Case {
  const faults = edits.map((e): FaultJson => {
    const alone = encode(setIn(base, e.path, e.value));
    let got: string;
    if (e.fault === 'embedded') {
      if (outcomeOf(() => parse(decode(alone))) !== 'ok') throw new Error(`${id}: an embedded fault alone must pass layer 5`);
      got = outcomeOf(() => e.decodeEmbedded!(e.value as Uint8Array));
    } else {
      got = outcomeOf(() => parse(decode(alone)));
    }
    if (got === 'ok') throw new Error(`${id}: the edit at ${e.path.join('.')} alone is no fault`);
    return { path: e.at ?? e.path, fault: e.fault, code: got };
  });
  const value = edits.reduce<CborValue>((v, e) => setIn(v, e.path, e.value), base);
  return { id, description, value, ...(code !== undefined ? { code } : {}), faults, ...extra };
}

const BOUNDARIES: readonly (readonly [string, bigint])[] = [
  ['2pow32', 2n ** 32n],
  ['2pow53', 2n ** 53n],
  ['2pow64-minus-1', 2n ** 64n - 1n],
  ['2pow64', 2n ** 64n],
  ['2pow128-minus-1', 2n ** 128n - 1n],
];
const boundaryText: Record<string, string> = {
  '2pow32': '2^32',
  '2pow53': '2^53 (beyond exact doubles)',
  '2pow64-minus-1': '2^64-1 (the largest major type 0 integer)',
  '2pow64': '2^64 (the smallest bignum, tag 2)',
  '2pow128-minus-1': '2^128-1 (the largest counter)',
};

/** A record family: all optional fields present, all absent, the generic negatives, and `extra` cases. */
function recordFamily<T>(
  type: RecordType<T>,
  description: string,
  full: T,
  minimal: T,
  extra: readonly Case[] = [],
  overrides: Partial<Pick<Family, 'rule'>> & { minimalDescription?: string; requiredOnly?: T } = {},
): Family {
  const fullMap = type.toCbor(full);
  const minimalMap = type.toCbor(minimal);
  const hasOptional = fullMap.size !== minimalMap.size;
  const cases: Case[] = hasOptional
    ? [
        valid('all-optional-present', 'every optional field present', fullMap),
        valid('all-optional-absent', overrides.minimalDescription ?? 'every optional field absent', minimalMap),
      ]
    : [valid('typical', 'every field (the map has no optional fields)', fullMap)];
  const requiredMap = overrides.requiredOnly === undefined ? minimalMap : type.toCbor(overrides.requiredOnly);
  cases.push(...extra, ...mapNegatives(fullMap, requiredMap, [], names(type as RecordType<unknown>)));
  return {
    name: type.name,
    description,
    rule: overrides.rule ?? type.name,
    negativeRule: overrides.rule ?? type.name,
    parse: (v) => type.parse(v, type.name),
    reencode: (parsed) => type.toCbor(parsed as T),
    cases,
  };
}

// ----- the families -----

const countersAt = (n: bigint): Counters => ({ totalOps: n, opsByPrecision: new Map([[4, n], [6, 1n]]), busyChipSeconds: 3600, interconnectBytes: n, workloadsRun: 2 });

function countersFamily(): Family {
  const base = counters.toCbor(F.COUNTERS);
  return recordFamily(counters, 'Cumulative usage counters of one chip (specs/cddl/hemkit.cddl §1)', F.COUNTERS, F.COUNTERS, [
    valid('zero', 'a fresh chip: every counter 0, no precision class used yet', counters.toCbor({ totalOps: 0n, opsByPrecision: new Map(), busyChipSeconds: 0, interconnectBytes: 0n, workloadsRun: 0 })),
    ...BOUNDARIES.map(([id, n]) => valid(`counters-at-${id}`, `total ops, bf16 ops and interconnect bytes at ${boundaryText[id]}`, counters.toCbor(countersAt(n)))),
    valid('every-precision-class', 'operations in all nine precision classes', counters.toCbor({ ...F.COUNTERS, opsByPrecision: new Map(([1, 2, 3, 4, 5, 6, 7, 8, 9] as const).map((c) => [c, BigInt(c)])) })),
    invalidField('total-ops-2pow128', 'total ops of 2^128, one past the largest counter (a 17-byte bignum)', setIn(base, [1], 2n ** 128n)),
    invalidField('total-ops-negative', 'total ops of -1', setIn(base, [1], -1)),
    invalidField('interconnect-bytes-2pow128', 'interconnect bytes of 2^128', setIn(base, [4], 2n ** 128n)),
    invalidField('ops-by-precision-class-0', 'operations under precision class 0, which is not defined', setIn(base, [2, 0], 1)),
    invalidField('ops-by-precision-class-10', 'operations under precision class 10, which is not defined', setIn(base, [2, 10], 1)),
    invalidField('ops-by-precision-value-2pow128', 'a per-class counter of 2^128', setIn(base, [2, 4], 2n ** 128n)),
    invalidField('workloads-run-negative', 'workloads run of -1', setIn(base, [5], -1)),
  ]);
}

function licenceStateFamily(): Family {
  const base = licenceState.toCbor(F.LICENCE_STATE);
  return recordFamily(licenceState, 'The state of a chip\'s installed licence (specs/messages/licence.md)', F.LICENCE_STATE, F.LICENCE_STATE, [
    valid('remaining-quota-0', 'an exhausted licence: remaining quota 0', licenceState.toCbor({ ...F.LICENCE_STATE, remainingQuota: 0n })),
    ...BOUNDARIES.map(([id, n]) => valid(`remaining-quota-at-${id}`, `remaining quota at ${boundaryText[id]}`, licenceState.toCbor({ ...F.LICENCE_STATE, remainingQuota: n }))),
    invalidField('remaining-quota-2pow128', 'remaining quota of 2^128', setIn(base, [2], 2n ** 128n)),
    invalidField('licence-id-15-bytes', 'a licence id of 15 bytes (it is 16)', setIn(base, [1], new Uint8Array(15))),
    invalidField('expiry-negative', 'an expiry of -1: the CDDL time is any int, hemkit times are not negative', setIn(base, [3], -1), true),
  ]);
}

function logHeadFamily(): Family {
  const base = logHead.toCbor(F.REPORT_CLAIMS.logHead);
  return recordFamily(logHead, 'The live log head a report binds (specs/messages/attestation-report.md §1.1)', F.REPORT_CLAIMS.logHead, F.REPORT_CLAIMS.logHead, [
    valid('tree-size-2pow53-minus-1', 'a tree size of 2^53-1, the largest (specs/merkle.md §2)', setIn(base, [1], Number.MAX_SAFE_INTEGER)),
    valid('tree-size-0', 'the empty log', setIn(base, [1], 0)),
    invalidField('tree-size-2pow53', 'a tree size of 2^53: beyond specs/merkle.md §2, though the CDDL says uint', setIn(base, [1], 2n ** 53n), true),
    invalidField('root-hash-31-bytes', 'a root hash of 31 bytes', setIn(base, [2], new Uint8Array(31))),
  ]);
}

function deviceCertificateFamily(): Family {
  const { exp: _exp, ...minimal } = F.DEVICE_CERTIFICATE_CLAIMS;
  const base = deviceCertificateClaims.toCbor(F.DEVICE_CERTIFICATE_CLAIMS);
  const p256 = signingKey(-7, seedBytes('messages device p256')).publicKey;
  const withKid = { ...F.DEVICE_KEY, kid: F.KEYS.device!.kid, alg: -8 };
  const parse = (v: CborValue) => deviceCertificateClaims.parse(v, deviceCertificateClaims.name);
  return recordFamily(deviceCertificateClaims, 'Device certificate claims, signed by the manufacturer root key (specs/messages/device-certificate.md)', F.DEVICE_CERTIFICATE_CLAIMS, minimal, [
    valid('cnf-p256-key', 'a device identity key on P-256', deviceCertificateClaims.toCbor({ ...F.DEVICE_CERTIFICATE_CLAIMS, cnf: { coseKey: p256 } })),
    valid('cnf-key-with-kid-and-alg', 'the device identity key carrying its thumbprint as kid and alg -8', deviceCertificateClaims.toCbor({ ...F.DEVICE_CERTIFICATE_CLAIMS, cnf: { coseKey: withKid } })),
    valid('ueid-7-bytes', 'a UEID of 7 bytes, the shortest (RFC 9711 §4.2.1)', setIn(base, [256], Uint8Array.of(0x02, 1, 2, 3, 4, 5, 6))),
    valid('ueid-33-bytes', 'a UEID of 33 bytes, the longest', setIn(base, [256], Uint8Array.of(0x01, ...new Uint8Array(32).fill(7)))),
    invalidField('ueid-6-bytes', 'a UEID of 6 bytes', setIn(base, [256], new Uint8Array(6))),
    invalidField('ueid-34-bytes', 'a UEID of 34 bytes', setIn(base, [256], new Uint8Array(34))),
    invalidField('oemid-ieee-oui', 'an OEM id of 3 bytes, the IEEE OUI form of RFC 9711 §4.2.3, which the profile does not use', setIn(base, [258], Uint8Array.of(0x00, 0x50, 0xc2))),
    invalidField('oemid-pen', 'an OEM id as an integer, the IANA PEN form of RFC 9711 §4.2.3, which the profile does not use', setIn(base, [258], 32473)),
    invalidField('oemid-17-bytes', 'an OEM id of 17 bytes', setIn(base, [258], new Uint8Array(17))),
    invalidField('hwmodel-empty', 'an empty hardware model', setIn(base, [259], new Uint8Array(0))),
    invalidField('hwmodel-33-bytes', 'a hardware model of 33 bytes', setIn(base, [259], new Uint8Array(33))),
    invalidField('cnf-key-with-private-d', 'a cnf key that carries the private key d', setIn(base, [8, 1, -4], new Uint8Array(32))),
    invalidField('cnf-key-crv-secp256k1', 'a cnf key on curve 8 (secp256k1)', setIn(base, [8, 1], new Map<CborMapKey, CborValue>([[1, 2], [-1, 8], [-2, new Uint8Array(32)], [-3, new Uint8Array(32)]]))),
    invalidField('cnf-not-cose-key', 'a cnf whose key 1 holds a byte string instead of a COSE_Key', setIn(base, [8, 1], new Uint8Array(32))),
    { id: 'cnf-unknown-method', description: 'cnf with confirmation method 3 (a thumbprint) instead of a COSE_Key', value: setIn(base, [8], new Map<CborMapKey, CborValue>([[3, new Uint8Array(32)]])), code: 'MESSAGE_UNKNOWN_FIELD' },
    invalidField('iat-negative', 'an iat of -1', setIn(base, [6], -1), true),
    // A COSE_Key inside a message is one field (encoding.md §13 layer 5).
    multiFault('cnf-key-invalid-before-unknown-key', 'a cnf key that carries d (key 8) and key 99 added', base, [badValue([8, 1, -4], new Uint8Array(32), [8, 1]), unknownKey([99])], 'MESSAGE_INVALID_FIELD', parse),
    multiFault('unknown-key-before-cnf-key-invalid', 'key 3 added (it sorts before cnf, key 8) and a cnf key that carries d', base, [unknownKey([3]), badValue([8, 1, -4], new Uint8Array(32), [8, 1])], 'MESSAGE_UNKNOWN_FIELD', parse),
    multiFault('missing-hwmodel-and-cnf-key-invalid', 'the hardware model removed and a cnf key on curve 8 (secp256k1)', base, [missing([259]), badValue([8, 1, -1], 8, [8, 1])], 'MESSAGE_INVALID_FIELD', parse),
  ]);
}

function akCertificateFamily(): Family {
  const { iat: _iat, ...minimal } = F.AK_CERTIFICATE_CLAIMS;
  const base = attestationKeyCertificateClaims.toCbor(F.AK_CERTIFICATE_CLAIMS);
  return recordFamily(attestationKeyCertificateClaims, 'Attestation-key certificate claims, signed by the device identity key (specs/messages/device-certificate.md)', F.AK_CERTIFICATE_CLAIMS, minimal, [
    invalidField('measurement-hash-alg-sha-384', 'a measurement naming hash algorithm 7 (sha-384; v1 admits sha-256, 1, only)', setIn(base, [-72034, 0], 7)),
    invalidField('measurement-hash-alg-as-text', 'a measurement naming its hash algorithm as the text "sha-256" (the profile uses the integer id)', setIn(base, [-72034, 0], 'sha-256')),
    invalidField('measurement-three-elements', 'a hash-entry with a third element', setIn(base, [-72034, 2], F.FIRMWARE_V2)),
    invalidField('measurement-digest-31-bytes', 'a firmware digest of 31 bytes', setIn(base, [-72034, 1], new Uint8Array(31))),
    invalidField('measurement-content-format-65000', 'the measurement as v1 drafts sent it, [[65000, digest]] (decisions.md §3(d))', setIn(base, [-72034], [[65000, F.FIRMWARE]])),
    { id: 'eat-measurements-claim', description: 'RFC 9711 measurements (273) with Content-Format 65000, as v1 drafts sent the measurement, added beside the profile\'s measurement claim: 273 is not in the profile', value: setIn(base, [273], [[65000, F.FIRMWARE]]), code: 'MESSAGE_UNKNOWN_FIELD' },
    invalidField('svn-negative', 'an SVN of -1', setIn(base, [-72033], -1)),
  ]);
}

function logKeyCertificateFamily(): Family {
  const base = logKeyCertificateClaims.toCbor(F.LOG_KEY_CERTIFICATE_CLAIMS);
  return recordFamily(logKeyCertificateClaims, 'Log-key certificate claims, signed by the device identity key (specs/messages/checkpoint.md §2.1)', F.LOG_KEY_CERTIFICATE_CLAIMS, F.LOG_KEY_CERTIFICATE_CLAIMS, [
    valid('origin-hemkit-invalid', 'the origin of a chip whose provisioner named no domain (checkpoint.md §2.2)', setIn(base, [-72035], `hemkit.invalid/hemkit/${'ab'.repeat(16)}`)),
    invalidField('origin-ueid-form', 'the origin form of earlier drafts, hemkit/ueid/<UEID> (decisions.md §5 C)', setIn(base, [-72035], 'hemkit/ueid/01000102030405060708090a0b0c0d0e0f'), true),
    invalidField('origin-uppercase-domain', 'a domain with capitals', setIn(base, [-72035], `Example.com/hemkit/${'ab'.repeat(16)}`), true),
    invalidField('origin-log-id-15-bytes', 'a log id of 15 bytes', setIn(base, [-72035], `example.com/hemkit/${'ab'.repeat(15)}`), true),
    // The DNS-name grammar of checkpoint.md §2.2, at each of its edges.
    valid('origin-label-63-characters-leading-digit', 'a label of 63 characters and one starting with a digit', setIn(base, [-72035], `${'a'.repeat(63)}.0-x.example/hemkit/${'ab'.repeat(16)}`)),
    valid('origin-domain-253-characters', 'a domain of exactly 253 characters', setIn(base, [-72035], `${`${'a'.repeat(63)}.`.repeat(3)}${'b'.repeat(61)}/hemkit/${'ab'.repeat(16)}`)),
    invalidField('origin-label-64-characters', 'a label of 64 characters', setIn(base, [-72035], `${'a'.repeat(64)}.example/hemkit/${'ab'.repeat(16)}`), true),
    invalidField('origin-domain-254-characters', 'a domain of 254 characters, every label of at most 63', setIn(base, [-72035], `${`${'a'.repeat(63)}.`.repeat(3)}${'b'.repeat(62)}/hemkit/${'ab'.repeat(16)}`), true),
    invalidField('origin-label-leading-hyphen', 'a label starting with a hyphen', setIn(base, [-72035], `-chip.example/hemkit/${'ab'.repeat(16)}`), true),
    invalidField('origin-label-trailing-hyphen', 'a label ending with a hyphen', setIn(base, [-72035], `chip-.example/hemkit/${'ab'.repeat(16)}`), true),
    invalidField('origin-empty-label', 'two dots in a row', setIn(base, [-72035], `chip..example/hemkit/${'ab'.repeat(16)}`), true),
    invalidField('origin-final-dot', 'a fully qualified name with its final dot', setIn(base, [-72035], `example.com./hemkit/${'ab'.repeat(16)}`), true),
    invalidField('origin-underscore', 'a label with an underscore', setIn(base, [-72035], `log_1.example/hemkit/${'ab'.repeat(16)}`), true),
  ]);
}

function firmwareManifestFamily(): Family {
  const base = firmwareManifestClaims.toCbor(F.FIRMWARE_MANIFEST_CLAIMS);
  return recordFamily(firmwareManifestClaims, 'Firmware manifest claims, signed by the manufacturer root key (specs/messages/device-certificate.md)', F.FIRMWARE_MANIFEST_CLAIMS, F.FIRMWARE_MANIFEST_CLAIMS, [
    valid('svn-0', 'security version number 0', setIn(base, [-72033], 0)),
    invalidField('hwmodel-33-bytes', 'a hardware model of 33 bytes', setIn(base, [259], new Uint8Array(33))),
    invalidField('measurement-bare-digest', 'the measurement as a bare digest instead of [1, digest]', setIn(base, [-72034], F.FIRMWARE_V2)),
    valid('kind-governance-policy', 'the kind of update: 3, a governance-policy change (module-commands.md §4.1)', setIn(base, [-72036], 3)),
    valid('kind-unregistered', 'kind 9 decodes: the chip, not the decoder, refuses a kind it has no threshold for (FIRMWARE_KIND_UNKNOWN)', setIn(base, [-72036], 9)),
    invalidField('kind-text', 'the kind as text', setIn(base, [-72036], 'security-patch')),
  ]);
}

const parseLicence = (v: CborValue) => licenceClaims.parse(v, licenceClaims.name);

function licenceFamily(): Family {
  const { issuedAt: _i, maxInterconnectBandwidth: _m, chipChallenge: _c, ...minimal } = F.LICENCE_CLAIMS;
  const base = licenceClaims.toCbor(F.LICENCE_CLAIMS);
  const { maxClusterSize: _s, ...bandwidthOnly } = F.LICENCE_CLAIMS;
  return recordFamily(
    licenceClaims,
    'Licence claims, the payload of a k-of-n COSE_Sign (specs/messages/licence.md)',
    F.LICENCE_CLAIMS,
    minimal,
    [
      valid('bandwidth-limit-only', 'max cluster size absent, max interconnect bandwidth present (one of the two is required, licence.md §2)', licenceClaims.toCbor(bandwidthOnly)),
      ...BOUNDARIES.map(([id, n]) => valid(`ops-quota-at-${id}`, `an operations quota of ${boundaryText[id]}`, licenceClaims.toCbor({ ...F.LICENCE_CLAIMS, opsQuota: n }))),
      valid('every-precision-class', 'all nine precision classes, ascending', setIn(base, [-72021], [1, 2, 3, 4, 5, 6, 7, 8, 9])),
      valid('nbf-equals-exp', 'nbf = exp: not malformed (licence.md §1); the chip refuses it by the time checks of licence.md §6 (LICENCE_NOT_YET_VALID before nbf, LICENCE_EXPIRED from then on)', licenceClaims.toCbor({ ...F.LICENCE_CLAIMS, expiry: F.LICENCE_CLAIMS.notBefore })),
      invalidField('precision-classes-descending', 'precision classes [6, 4]: they must be ascending (licence.md; the CDDL cannot say so)', setIn(base, [-72021], [6, 4]), true),
      invalidField('precision-classes-duplicate', 'precision classes [4, 4]: no duplicates (prose rule)', setIn(base, [-72021], [4, 4]), true),
      invalidField('precision-classes-unknown', 'precision class 42', setIn(base, [-72021], [42])),
      invalidField('precision-classes-empty', 'no precision class', setIn(base, [-72021], [])),
      invalidField('licence-id-15-bytes', 'a licence id (cti) of 15 bytes', setIn(base, [7], new Uint8Array(15))),
      invalidField('licence-id-17-bytes', 'a licence id (cti) of 17 bytes', setIn(base, [7], new Uint8Array(17))),
      invalidField('ops-quota-2pow128', 'an operations quota of 2^128', setIn(base, [-72018], 2n ** 128n)),
      invalidField('chip-challenge-31-bytes', 'a chip challenge of 31 bytes', setIn(base, [-72022], new Uint8Array(31))),
      invalidField('sequence-number-negative', 'a sequence number of -1', setIn(base, [-72017], -1)),
      // Several faults in one map: entries in encoded key order, missing fields after the last entry.
      multiFault('two-faults-wrong-type-then-unknown-key', 'licence id (key 7) as text and key 99 added: key 7 sorts first', base, [badValue([7], 'wrong type'), unknownKey([99])], 'MESSAGE_INVALID_FIELD', parseLicence),
      multiFault('two-faults-unknown-key-then-wrong-type', 'key 99 added and ops quota (key -72018) as text: key 99 sorts first', base, [unknownKey([99]), badValue([-72018], 'wrong type')], 'MESSAGE_UNKNOWN_FIELD', parseLicence),
      multiFault('two-faults-missing-and-unknown-key', 'licence id (key 7) removed and key 99 added: a missing field is reported after the last entry', base, [missing([7]), unknownKey([99])], 'MESSAGE_UNKNOWN_FIELD', parseLicence),
      multiFault('two-faults-missing-and-wrong-type', 'licence id (key 7) removed and ops quota as text', base, [missing([7]), badValue([-72018], 'wrong type')], 'MESSAGE_INVALID_FIELD', parseLicence),
    ],
    {
      minimalDescription: 'issued-at, max interconnect bandwidth and chip challenge absent (max cluster size stays: one of the two limits is required, licence.md §2)',
      requiredOnly: (({ maxClusterSize: _x, ...rest }) => rest)(minimal),
    },
  );
}

function licenceRequestFamily(): Family {
  const { sequenceNumber: _s, licenceState: _l, ...minimal } = F.LICENCE_REQUEST_CLAIMS;
  const base = licenceRequestClaims.toCbor(F.LICENCE_REQUEST_CLAIMS);
  const parse = (v: CborValue) => licenceRequestClaims.parse(v, licenceRequestClaims.name);
  return recordFamily(licenceRequestClaims, 'Licence request claims, signed by the attestation key (specs/messages/licence.md)', F.LICENCE_REQUEST_CLAIMS, minimal, [
    valid('counters-at-2pow128-minus-1', 'counters at 2^128-1', licenceRequestClaims.toCbor({ ...F.LICENCE_REQUEST_CLAIMS, counters: countersAt(2n ** 128n - 1n) })),
    { id: 'counters-missing-total-ops', description: 'the nested counters map without total-ops', value: setIn(base, [-72001, 1], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    { id: 'licence-state-unknown-key', description: 'key 9 in the nested licence-state map', value: setIn(base, [-72003, 9], 0), code: 'MESSAGE_UNKNOWN_FIELD' },
    invalidField('chip-challenge-33-bytes', 'a chip challenge of 33 bytes', setIn(base, [-72022], new Uint8Array(33))),
    // Nested maps: a nested map's faults are reported when its entry is reached (depth first).
    multiFault('nested-unknown-key-before-outer-invalid', 'key 99 in the nested counters map (key -72001) and a chip challenge (key -72022) of 33 bytes', base, [unknownKey([-72001, 99]), badValue([-72022], new Uint8Array(33))], 'MESSAGE_UNKNOWN_FIELD', parse),
    multiFault('nested-missing-before-outer-invalid', 'the nested counters map without total-ops, and a chip challenge of 33 bytes: the nested map\'s missing field is reported at the end of its own entry', base, [missing([-72001, 1]), badValue([-72022], new Uint8Array(33))], 'MESSAGE_MISSING_FIELD', parse),
    multiFault('outer-invalid-before-nested-unknown-key', 'the UEID (key 256) as text and key 9 in the nested licence-state map (key -72003)', base, [badValue([256], 'wrong type'), unknownKey([-72003, 9])], 'MESSAGE_INVALID_FIELD', parse),
    multiFault('two-nested-maps', 'total ops as text in the counters map (key -72001) and key 9 in the licence-state map (key -72003)', base, [badValue([-72001, 1], 'wrong type'), unknownKey([-72003, 9])], 'MESSAGE_INVALID_FIELD', parse),
  ]);
}

function revocationFamily(): Family {
  const base = revocationClaims.toCbor(F.REVOCATION_CLAIMS);
  return recordFamily(revocationClaims, 'Revocation claims, the payload of a k-of-n COSE_Sign (specs/messages/licence.md)', F.REVOCATION_CLAIMS, F.REVOCATION_CLAIMS, [
    valid('two-licences', 'two licences revoked at once', setIn(base, [-72023, 1], new Uint8Array(16).fill(0x22))),
    invalidField('revoked-licences-empty', 'no licence revoked', setIn(base, [-72023], [])),
    invalidField('revoked-licence-17-bytes', 'a revoked licence id of 17 bytes', setIn(base, [-72023, 0], new Uint8Array(17))),
    invalidField('revocation-id-15-bytes', 'a revocation id of 15 bytes', setIn(base, [7], new Uint8Array(15))),
  ]);
}

function issuerSetUpdateFamily(): Family {
  const base = issuerSetUpdateClaims.toCbor(F.ISSUER_SET_UPDATE_CLAIMS);
  const keys = asMap(base).get(-72025) as readonly CborValue[];
  return recordFamily(issuerSetUpdateClaims, 'Issuer-set update claims, the payload of a k-of-n COSE_Sign (specs/messages/licence.md §5a)', F.ISSUER_SET_UPDATE_CLAIMS, F.ISSUER_SET_UPDATE_CLAIMS, [
    valid('one-key-threshold-1', 'a set of one key, 1 of 1', setIn(setIn(base, [-72025], [keys[0]!]), [-72026], 1)),
    valid('sixteen-keys', 'a set of 16 keys, the most a chip holds', setIn(base, [-72025], Array.from({ length: 16 }, (_, i) => keys[i % keys.length]!))),
    // Semantic faults (repeated keys, a threshold of 0 or above the keys) decode: the chip refuses them with ISSUERS_SET_INVALID.
    valid('threshold-above-keys-decodes', 'a threshold of 4 over 3 keys decodes; the chip refuses it (ISSUERS_SET_INVALID)', setIn(base, [-72026], 4)),
    invalidField('issuer-keys-empty', 'an empty issuer set', setIn(base, [-72025], [])),
    invalidField('issuer-keys-17', 'a set of 17 keys, one more than a chip holds', setIn(base, [-72025], Array.from({ length: 17 }, (_, i) => keys[i % keys.length]!))),
    invalidField('threshold-negative', 'a threshold of -1', setIn(base, [-72026], -1)),
  ]);
}

function logEntryFamily(): Family {
  const common = { index: 7, time: F.T0 + 100, bootCount: 2 };
  const d = F.FIRMWARE;
  const lid = F.LICENCE_ID;
  const rid = F.REVOCATION_ID;
  const c = workloadCommitment(F.SALT, F.DESCRIPTOR);
  const sc = (state: Uint8Array) => modelStateCommitment(F.SALT, state);
  /** [kind name, full details, minimal details]. */
  const kinds: readonly (readonly [string, LogEntry, LogEntry])[] = [
    ['boot', { ...common, kind: EVENT.boot, details: { firmwareMeasurement: d, svn: 1 } }, { ...common, kind: EVENT.boot, details: { firmwareMeasurement: d, svn: 1 } }],
    ['licence-installed', { ...common, kind: EVENT.licenceInstalled, details: { licenceId: lid, licenceHash: d, sequenceNumber: 1 } }, { ...common, kind: EVENT.licenceInstalled, details: { licenceId: lid, licenceHash: d, sequenceNumber: 1 } }],
    ['licence-rejected', { ...common, kind: EVENT.licenceRejected, details: { licenceHash: d, reason: 'LICENCE_REPLAYED' } }, { ...common, kind: EVENT.licenceRejected, details: { licenceHash: d, reason: 'LICENCE_REPLAYED' } }],
    ['licence-expired', { ...common, kind: EVENT.licenceExpired, details: { licenceId: lid } }, { ...common, kind: EVENT.licenceExpired, details: { licenceId: lid } }],
    ['licence-exhausted', { ...common, kind: EVENT.licenceExhausted, details: { licenceId: lid } }, { ...common, kind: EVENT.licenceExhausted, details: { licenceId: lid } }],
    ['workload-started', { ...common, kind: EVENT.workloadStarted, details: { workloadCommitment: c, precisionClass: 4, clusterSize: 8 } }, { ...common, kind: EVENT.workloadStarted, details: { workloadCommitment: c, precisionClass: 4 } }],
    ['workload-finished', { ...common, kind: EVENT.workloadFinished, details: { workloadCommitment: c, ops: 3n * 10n ** 21n, busyChipSeconds: 3600, interconnectBytes: 5n * 10n ** 12n } }, { ...common, kind: EVENT.workloadFinished, details: { workloadCommitment: c, ops: 3n * 10n ** 21n } }],
    ['workload-refused', { ...common, kind: EVENT.workloadRefused, details: { workloadCommitment: c, reason: 'WORKLOAD_OVER_QUOTA' } }, { ...common, kind: EVENT.workloadRefused, details: { reason: 'WORKLOAD_LOCKED' } }],
    ['firmware-updated', { ...common, kind: EVENT.firmwareUpdated, details: { previousMeasurement: d, firmwareMeasurement: F.FIRMWARE_V2, svn: 2 } }, { ...common, kind: EVENT.firmwareUpdated, details: { previousMeasurement: d, firmwareMeasurement: F.FIRMWARE_V2, svn: 2 } }],
    ['tamper-detected', { ...common, kind: EVENT.tamperDetected, details: { sensor: 'enclosure' } }, { ...common, kind: EVENT.tamperDetected, details: {} }],
    ['state-rollback-detected', { ...common, kind: EVENT.stateRollbackDetected, details: { reason: 'state generation 3 < counter 5' } }, { ...common, kind: EVENT.stateRollbackDetected, details: {} }],
    ['revocation-applied', { ...common, kind: EVENT.revocationApplied, details: { revocationId: rid, licenceIds: [lid, new Uint8Array(16).fill(0x22)] } }, { ...common, kind: EVENT.revocationApplied, details: { revocationId: rid, licenceIds: [lid] } }],
    ['workload-finished-lineage', { ...common, kind: EVENT.workloadFinishedLineage, details: { workloadCommitment: c, ops: 3n * 10n ** 21n, busyChipSeconds: 3600, interconnectBytes: 5n * 10n ** 12n, parentStates: [sc(F.MODEL_STATE_BASE), sc(F.MODEL_STATE_OTHER)], producedState: sc(F.MODEL_STATE_TUNED) } }, { ...common, kind: EVENT.workloadFinishedLineage, details: { workloadCommitment: c, ops: 3n * 10n ** 21n, parentStates: [], producedState: sc(F.MODEL_STATE_TUNED) } }],
    [
      'workloads-aggregated',
      { ...common, kind: EVENT.workloadsAggregated, details: { workloadCount: 12, opsByPrecision: new Map([[4, 10n ** 15n], [6, 3n * 10n ** 14n]]), busyChipSeconds: 40, interconnectBytes: 10n ** 9n, firstTime: 1_800_000_000, lastTime: 1_800_050_000 } },
      { ...common, kind: EVENT.workloadsAggregated, details: { workloadCount: 1, opsByPrecision: new Map([[4, 1000n]]), firstTime: 1_800_000_000, lastTime: 1_800_000_000 } },
    ],
    ['issuers-updated', { ...common, kind: EVENT.issuersUpdated, details: { issuerSetSequence: 1, updateHash: d } }, { ...common, kind: EVENT.issuersUpdated, details: { issuerSetSequence: 1, updateHash: d } }],
    ['memory-transferred', { ...common, kind: EVENT.memoryTransferred, details: { workloadCommitment: c, memoryBytes: 8n * 10n ** 15n } }, { ...common, kind: EVENT.memoryTransferred, details: { memoryBytes: 8n * 10n ** 15n } }],
  ];
  const detailNames = new Map<CborMapKey, string>([
    ...(['licence-id', 'licence-hash', 'sequence-number', 'reason', 'workload-commitment', 'precision-class', 'cluster-size', 'ops', 'busy-chip-seconds', 'interconnect-bytes', 'firmware-measurement', 'svn', 'previous-measurement', 'revocation-id', 'licence-ids', 'sensor', 'parent-states', 'produced-state'] as const).map((n, i) => [i + 1, n] as const),
    [19, 'workload-count'], [20, 'ops-by-precision'], [21, 'first-time'], [22, 'last-time'], [23, 'issuer-set-sequence'], [24, 'update-hash'], [25, 'memory-bytes'],
  ]);
  const topNames = new Map<CborMapKey, string>([[1, 'index'], [2, 'time'], [3, 'boot-count'], [4, 'event-kind'], [5, 'details']]);
  const cases: Case[] = [];
  for (const [name, full, minimal] of kinds) {
    const rule = `${name}-entry`;
    const fullMap = logEntry.toCbor(full);
    const minimalMap = logEntry.toCbor(minimal);
    if (asMap(asMap(fullMap).get(5)!).size !== asMap(asMap(minimalMap).get(5)!).size) {
      cases.push(valid(`${name}-all-optional-present`, `${name}: every optional detail present`, fullMap, rule));
      cases.push(valid(`${name}-all-optional-absent`, `${name}: every optional detail absent`, minimalMap, rule));
    } else {
      cases.push(valid(`${name}-typical`, `${name}: every detail (none is optional)`, fullMap, rule));
    }
    // The common fields behave alike in every kind: their negatives are given once, on boot entries.
    const negatives = name === 'boot' ? mapNegatives(fullMap, minimalMap, [], topNames) : [];
    negatives.push(...mapNegatives(fullMap, minimalMap, [5], detailNames, 'details-').filter((n) => !n.id.startsWith('unknown-details-text')));
    cases.push(...negatives.map((n) => ({ ...n, id: `${name}-${n.id}`, description: `${name}: ${n.description}` })));
  }
  const boot = logEntry.toCbor(kinds[0]![1]);
  const finished = logEntry.toCbor(kinds[6]![1]);
  cases.push(
    valid('workload-finished-ops-2pow64', 'workload-finished: ops of 2^64 (a bignum)', setIn(finished, [5, 8], 2n ** 64n), 'workload-finished-entry'),
    valid('workload-finished-ops-2pow128-minus-1', 'workload-finished: ops and interconnect bytes of 2^128-1', setIn(setIn(finished, [5, 8], 2n ** 128n - 1n), [5, 10], 2n ** 128n - 1n), 'workload-finished-entry'),
    valid('boot-index-2pow53-minus-1', 'boot: an index of 2^53-1, the largest leaf index specs/merkle.md §2 allows', setIn(boot, [1], Number.MAX_SAFE_INTEGER), 'boot-entry'),
    invalidField('event-kind-17', 'an event kind of 17, which is not defined', setIn(boot, [4], 17)),
    invalidField('memory-transferred-2pow128', 'memory-transferred: memory bytes of 2^128', setIn(logEntry.toCbor(kinds[15]![1]), [5, 25], 2n ** 128n)),
    invalidField('event-kind-0', 'an event kind of 0', setIn(boot, [4], 0)),
    { id: 'details-of-another-kind', description: 'boot details under event kind 4 (licence-expired): their keys are not that kind\'s', value: setIn(boot, [4], EVENT.licenceExpired), code: 'MESSAGE_UNKNOWN_FIELD' },
    invalidField('workload-finished-ops-2pow128', 'workload-finished: ops of 2^128', setIn(finished, [5, 8], 2n ** 128n)),
    invalidField('workload-started-precision-class-10', 'workload-started: precision class 10', setIn(logEntry.toCbor(kinds[5]![1]), [5, 6], 10)),
    invalidField('revocation-applied-no-licences', 'revocation-applied: an empty licence list', setIn(logEntry.toCbor(kinds[11]![1]), [5, 15], [])),
    invalidField('workload-finished-lineage-17-parents', 'workload-finished-lineage: 17 parent-state commitments, one more than log-entry.md §3.1 allows', setIn(logEntry.toCbor(kinds[12]![1]), [5, 17], Array.from({ length: 17 }, (_, i) => sc(new Uint8Array(32).fill(i))))),
 multiFault('event-kind-17-and-unknown-key-0', 'boot: event kind 17 and key 0 added: the kind is read before any entry, though key 0 sorts first', boot, [badValue([4], 17), unknownKey([0])], 'MESSAGE_INVALID_FIELD', (v) => logEntry.parse(v, 'log-entry')),
    multiFault('event-kind-absent-and-unknown-key-0', 'boot: event kind removed and key 0 added: an absent kind is reported before any entry', boot, [missing([4]), unknownKey([0])], 'MESSAGE_MISSING_FIELD', (v) => logEntry.parse(v, 'log-entry')),
    invalidField('boot-index-2pow53', 'boot: an index of 2^53: leaf indices stop at 2^53-1 (specs/merkle.md §2), though the CDDL says uint', setIn(boot, [1], 2n ** 53n), true),
  );
  return {
    name: 'log-entry',
    description: 'Workload-log entries of every event kind (specs/messages/log-entry.md); an RFC 9162 leaf is one entry\'s encoding',
    rule: 'log-entry',
    negativeRule: 'log-entry',
    parse: (v) => logEntry.parse(v, 'log-entry'),
    reencode: (parsed) => logEntry.toCbor(parsed as LogEntry),
    cases,
  };
}

function openingFamily(): Family {
  const opening = { logIndex: 3, salt: F.SALT, workloadDescriptor: F.DESCRIPTOR };
  const withStates = { ...opening, parentStates: [F.MODEL_STATE_BASE, F.MODEL_STATE_OTHER], producedState: F.MODEL_STATE_TUNED };
  const base = logEntryOpening.toCbor(opening);
  return recordFamily(logEntryOpening, 'The opening of a workload entry\'s commitment, given by the operator (specs/messages/log-entry.md §3, §4); with model states for a workload-finished-lineage entry (§3.1)', withStates, opening, [
    valid('empty-descriptor', 'a zero-length descriptor (the module commits to opaque bytes)', setIn(base, [3], new Uint8Array(0))),
    invalidField('salt-31-bytes', 'a salt of 31 bytes', setIn(base, [2], new Uint8Array(31))),
    invalidField('log-index-negative', 'a log index of -1', setIn(base, [1], -1)),
    invalidField('produced-state-31-bytes', 'a produced-state digest of 31 bytes', setIn(logEntryOpening.toCbor(withStates), [5], new Uint8Array(31))),
  ]);
}

function descriptorFamily(): Family {
  const full = { workloadId: 'pretrain-a', clusterChips: [F.UEID, F.OTHER_UEID], description: 'a 2-chip pre-training run' };
  const base = workloadDescriptor.toCbor(full);
  return recordFamily(workloadDescriptor, 'The workload descriptor a verifier reads to account compute (specs/messages/log-entry.md §4)', full, { workloadId: 'pretrain-a' }, [
    invalidField('cluster-chips-empty', 'an empty cluster list', setIn(base, [2], [])),
    invalidField('cluster-chip-6-bytes', 'a cluster chip UEID of 6 bytes', setIn(base, [2, 1], new Uint8Array(6))),
  ]);
}

function checkpointFamily(): Family {
  const base = checkpointClaims.toCbor(F.CHECKPOINT_CLAIMS);
  return recordFamily(checkpointClaims, 'Checkpoint claims: the signed head of a chip\'s workload log (specs/messages/checkpoint.md)', F.CHECKPOINT_CLAIMS, F.CHECKPOINT_CLAIMS, [
    valid('tree-size-2pow53-minus-1', 'a tree size of 2^53-1, the largest (checkpoint.md §1)', setIn(base, [-72005], Number.MAX_SAFE_INTEGER)),
    ...BOUNDARIES.map(([id, n]) => valid(`counters-at-${id}`, `counters at ${boundaryText[id]}`, checkpointClaims.toCbor({ ...F.CHECKPOINT_CLAIMS, counters: countersAt(n) }))),
    invalidField('tree-size-2pow53', 'a tree size of 2^53 (checkpoint.md §1 bounds it at 2^53-1; the CDDL says uint)', setIn(base, [-72005], 2n ** 53n), true),
    invalidField('root-hash-33-bytes', 'a root hash of 33 bytes', setIn(base, [-72006], new Uint8Array(33))),
    invalidField('counters-total-ops-2pow128', 'counters with total ops of 2^128', setIn(base, [-72001, 1], 2n ** 128n)),
  ]);
}

function reportFamily(): Family {
  const { licenceState: _l, ...minimal } = F.REPORT_CLAIMS;
  const base = attestationReportClaims.toCbor(F.REPORT_CLAIMS);
  return recordFamily(attestationReportClaims, 'Attestation report claims: the chip\'s EAT (specs/messages/attestation-report.md)', F.REPORT_CLAIMS, minimal, [
    ...BOUNDARIES.map(([id, n]) => valid(`counters-at-${id}`, `counters at ${boundaryText[id]}`, attestationReportClaims.toCbor({ ...F.REPORT_CLAIMS, counters: countersAt(n) }))),
    valid('nonce-8-bytes', 'a nonce of 8 bytes, the shortest (RFC 9711 §4.1)', setIn(base, [10], new Uint8Array(8).fill(1))),
    valid('nonce-64-bytes', 'a nonce of 64 bytes, the longest', setIn(base, [10], new Uint8Array(64).fill(1))),
    valid('lock-state-rollback', 'lock state 6 (rollback detected)', setIn(base, [-72004], 6)),
    valid('debug-enabled', 'debug status 0 (enabled): a valid claim that a policy may refuse', setIn(base, [263], 0)),
    invalidField('nonce-7-bytes', 'a nonce of 7 bytes', setIn(base, [10], new Uint8Array(7))),
    invalidField('nonce-65-bytes', 'a nonce of 65 bytes', setIn(base, [10], new Uint8Array(65))),
    invalidField('eat-profile-other', 'another EAT profile', setIn(base, [265], 'tag:example.com,2026:other-profile')),
    invalidField('eat-profile-superseded', 'the profile identifier of earlier drafts, under the documentation domain hemkit.example (decisions.md §3(c))', setIn(base, [265], 'tag:hemkit.example,2026:eat-profile/v1')),
    invalidField('oemid-15-bytes', 'an OEM id of 15 bytes', setIn(base, [258], new Uint8Array(15))),
    invalidField('lock-state-7', 'lock state 7, which is not defined', setIn(base, [-72004], 7)),
    invalidField('debug-status-5', 'debug status 5 (RFC 9711 §4.2.9 defines 0 to 4)', setIn(base, [263], 5)),
    invalidField('latest-checkpoint-root-31-bytes', 'a latest checkpoint whose root hash is 31 bytes', setIn(base, [-72002, 2], new Uint8Array(31))),
  ]);
}

function bundleFamily(): Family {
  const s = F.SIGNED;
  const opening = { logIndex: 3, salt: F.SALT, workloadDescriptor: F.DESCRIPTOR };
  const full = {
    report: s.report,
    deviceCertificate: s.deviceCertificate,
    attestationKeyCertificate: s.attestationKeyCertificate,
    checkpoints: [s.checkpoint2, s.checkpoint4],
    consistencyReceipts: [s.consistency2to4],
    entries: [{ entry: F.LOG_BYTES[3]!, receipt: s.inclusion3, opening }, { entry: F.LOG_BYTES[2]!, receipt: s.inclusion2 }],
    licences: [s.licence],
  };
  const minimal = { report: s.report, deviceCertificate: s.deviceCertificate, attestationKeyCertificate: s.attestationKeyCertificate };
  const base = evidenceBundle.toCbor(full);
  const parse = (v: CborValue) => evidenceBundle.parse(v, evidenceBundle.name);
  return recordFamily(evidenceBundle, 'The evidence bundle an operator hands a verifier (specs/verifier.md §2); every member holds a real signed message', full, minimal, [
    invalidField('checkpoints-empty', 'an empty checkpoint list (absent is how to send none)', setIn(base, [4], [])),
    invalidField('entries-empty', 'an empty entry list', setIn(base, [6], [])),
    { id: 'entry-missing-receipt', description: 'a disclosed entry without its inclusion receipt', value: setIn(base, [6, 0, 2], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    { id: 'entry-unknown-key', description: 'key 4 in a disclosed entry', value: setIn(base, [6, 1, 4], 0), code: 'MESSAGE_UNKNOWN_FIELD' },
    { id: 'opening-missing-salt', description: 'an opening without its salt', value: setIn(base, [6, 0, 3, 2], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    invalidField('opening-not-a-map', 'an opening given as the descriptor bytes alone', setIn(base, [6, 0, 3], F.DESCRIPTOR)),
    invalidField('report-as-text', 'the report as a text string', setIn(base, [1], 'report')),
    // Embedded messages are layer 6: the bundle's schema sees byte strings.
    multiFault('report-not-cose', 'a report that is a CBOR map, not a COSE_Sign1: the bundle passes layers 4 and 5; the verifier\'s encoding check refuses the report', base, [embedded([1], encode(new Map([[1, 0]])))], undefined, parse, { matchesRule: false }),
    multiFault('report-not-cose-and-checkpoints-empty', 'a report that is not a COSE_Sign1 and an empty checkpoint list: layer 5 before layer 6', base, [embedded([1], encode(new Map([[1, 0]]))), badValue([4], [])], 'MESSAGE_INVALID_FIELD', parse),
  ]);
}

// ----- module envelope -----

const REQUEST_RULES: Record<number, string> = {
  [CMD.manufacture]: 'manufacture-request',
  [CMD.provision]: 'provision-request',
  [CMD.installLicence]: 'install-licence-request',
  [CMD.requestLicence]: 'request-licence-request',
  [CMD.applyRevocation]: 'apply-revocation-request',
  [CMD.runWorkload]: 'run-workload-request',
  [CMD.attest]: 'attest-request',
  [CMD.checkpoint]: 'checkpoint-request',
  [CMD.proveInclusion]: 'prove-inclusion-request',
  [CMD.proveConsistency]: 'prove-consistency-request',
  [CMD.status]: 'status-request',
  [CMD.firmwareUpdate]: 'firmware-update-request',
  [CMD.updateIssuers]: 'update-issuers-request',
  [CMD.readEntries]: 'read-entries-request',
};
const responseRule = (command: number) => REQUEST_RULES[command]!.replace(/-request$/, '-response');

function requestFamily(): Family {
  const provision = {
    deviceCertificate: F.SIGNED.deviceCertificate,
    issuerKeys: F.ISSUER_KEYS,
    issuerThreshold: 2,
    replayDefence: [1, 3] as const,
    itemisationThreshold: 10n ** 18n,
    manufacturerKey: F.MANUFACTURER_KEY,
  };
  const { itemisationThreshold: _t, ...provisionMinimal } = provision;
  const run = { workloadDescriptor: F.DESCRIPTOR, precisionClass: 4 as const, ops: 3n * 10n ** 21n, clusterSize: 8, interconnectBytes: 5n * 10n ** 12n, busyChipSeconds: 3600 };
  const req = (command: number, requestId: number, params: unknown) => encodeRequest({ command, requestId, params } as Parameters<typeof encodeRequest>[0]);
  const noParams = (command: number, requestId: number) => new Map<CborMapKey, CborValue>([[1, command], [2, requestId]]);
  const attest = req(CMD.attest, 7, { nonce: F.NONCE });
  const cases: Case[] = [
    valid('manufacture-all-optional-present', 'manufacture with a UDS and key alg -7', req(CMD.manufacture, 1, { uds: seedBytes('messages uds'), hwmodel: F.HWMODEL, keyAlg: -7 }), 'manufacture-request'),
    valid('manufacture-all-optional-absent', 'manufacture with the hardware model only', req(CMD.manufacture, 1, { hwmodel: F.HWMODEL }), 'manufacture-request'),
    valid('provision-all-optional-present', 'provision with an itemisation threshold', req(CMD.provision, 2, provision), 'provision-request'),
    valid('provision-all-optional-absent', 'provision without an itemisation threshold', req(CMD.provision, 2, provisionMinimal), 'provision-request'),
    valid('install-licence', 'install a 2-of-3 licence', req(CMD.installLicence, 3, { licence: F.SIGNED.licence }), 'install-licence-request'),
    valid('request-licence-empty-params', 'request-licence with an empty params map', req(CMD.requestLicence, 4, {}), 'request-licence-request'),
    valid('request-licence-params-absent', 'request-licence without params', noParams(CMD.requestLicence, 4), 'request-licence-request'),
    valid('apply-revocation', 'apply a 2-of-3 revocation', req(CMD.applyRevocation, 5, { revocation: F.SIGNED.revocation }), 'apply-revocation-request'),
    valid('run-workload-all-optional-present', 'run-workload with cluster size, interconnect bytes and busy seconds', req(CMD.runWorkload, 6, run), 'run-workload-request'),
    valid('run-workload-all-optional-absent', 'run-workload with descriptor, precision class and operations only', req(CMD.runWorkload, 6, { workloadDescriptor: F.DESCRIPTOR, precisionClass: 6, ops: 1n }), 'run-workload-request'),
    ...BOUNDARIES.map(([id, n]) => valid(`run-workload-ops-at-${id}`, `run-workload with ops and interconnect bytes at ${boundaryText[id]}`, req(CMD.runWorkload, 6, { ...run, ops: n, interconnectBytes: n }), 'run-workload-request')),
    valid('attest', 'attest for a 16-byte nonce', attest, 'attest-request'),
    valid('checkpoint-empty-params', 'checkpoint with an empty params map', req(CMD.checkpoint, 8, {}), 'checkpoint-request'),
    valid('checkpoint-params-absent', 'checkpoint without params', noParams(CMD.checkpoint, 8), 'checkpoint-request'),
    valid('prove-inclusion', 'prove entry 3 in the tree of 4', req(CMD.proveInclusion, 9, { logIndex: 3, treeSize: 4 }), 'prove-inclusion-request'),
    valid('prove-consistency', 'prove the tree of 4 extends the tree of 2', req(CMD.proveConsistency, 10, { treeSize1: 2, treeSize2: 4 }), 'prove-consistency-request'),
    valid('status-empty-params', 'status with an empty params map', req(CMD.status, 11, {}), 'status-request'),
    valid('status-params-absent', 'status without params', noParams(CMD.status, 11), 'status-request'),
    valid('firmware-update', 'a firmware update with a signed manifest', req(CMD.firmwareUpdate, 12, { manifest: F.SIGNED.firmwareManifest }), 'firmware-update-request'),
    valid('update-issuers', 'an issuer-set update signed by 2 of the 3 issuers in force', req(CMD.updateIssuers, 13, { update: F.SIGNED.issuerSetUpdate }), 'update-issuers-request'),
    valid('read-entries', 'read entries 2 and 3 (start 2, end 4)', req(CMD.readEntries, 14, { start: 2, end: 4 }), 'read-entries-request'),
    valid('request-id-0', 'request id 0', setIn(attest, [2], 0), 'attest-request'),
    valid('request-id-2pow32-minus-1', 'request id 2^32-1, the largest (uint .size 4)', setIn(attest, [2], 2 ** 32 - 1), 'attest-request'),
    ...mapNegatives(attest, attest, [], new Map<CborMapKey, string>([[1, 'command'], [2, 'request-id'], [3, 'params']]))
      .filter((c) => c.id !== 'missing-params')
      .map((c) => ({ ...c, id: `envelope-${c.id}`, description: `envelope: ${c.description}` })),
    { id: 'attest-params-absent', description: 'attest without params: its nonce is required', value: setIn(attest, [3], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    ...mapNegatives(attest, attest, [3], new Map<CborMapKey, string>([[1, 'nonce']]), 'params-').map((c) => ({ ...c, id: `attest-${c.id}`, description: `attest: ${c.description}` })),
    { id: 'status-params-not-empty', description: 'status with a key in its params, which are the empty map', value: setIn(req(CMD.status, 11, {}), [3, 1], 0), code: 'MESSAGE_UNKNOWN_FIELD' },
    { id: 'provision-missing-manufacturer-key', description: 'provision without the manufacturer key', value: setIn(req(CMD.provision, 2, provision), [3, 6], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    invalidField('command-15', 'command 15, which is not defined', setIn(attest, [1], 15)),
    { id: 'read-entries-missing-end', description: 'read-entries without the end of its range', value: setIn(req(CMD.readEntries, 14, { start: 2, end: 4 }), [3, 2], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    invalidField('read-entries-start-negative', 'read-entries from index -1', setIn(req(CMD.readEntries, 14, { start: 2, end: 4 }), [3, 1], -1)),
    invalidField('command-0', 'command 0', setIn(attest, [1], 0)),
    invalidField('request-id-negative', 'request id -1', setIn(attest, [2], -1)),
    invalidField('attest-nonce-7-bytes', 'attest with a nonce of 7 bytes', setIn(attest, [3, 1], new Uint8Array(7))),
    invalidField('run-workload-precision-class-10', 'run-workload with precision class 10', setIn(req(CMD.runWorkload, 6, run), [3, 2], 10)),
    invalidField('run-workload-ops-2pow128', 'run-workload with ops of 2^128', setIn(req(CMD.runWorkload, 6, run), [3, 3], 2n ** 128n)),
    invalidField('provision-issuer-key-with-d', 'provision with an issuer key that carries its private key d', setIn(req(CMD.provision, 2, provision), [3, 2, 0, -4], new Uint8Array(32))),
    invalidField('provision-replay-mode-4', 'provision with replay-defence mode 4, which is not defined', setIn(req(CMD.provision, 2, provision), [3, 4, 0], 4)),
    invalidField('manufacture-key-alg-rs256', 'manufacture with key alg -257 (RS256)', setIn(req(CMD.manufacture, 1, { hwmodel: F.HWMODEL, keyAlg: -7 }), [3, 3], -257)),
    // The envelope before the params; the params before any embedded message.
    multiFault('envelope-unknown-key-and-params-issuer-key-invalid', 'provision with an issuer key that carries d (params, key 3) and key 99 in the envelope: the envelope is checked first', req(CMD.provision, 2, provision), [badValue([3, 2, 0, -4], new Uint8Array(32), [3, 2, 0]), unknownKey([99])], 'MESSAGE_UNKNOWN_FIELD', parseRequest),
    multiFault('install-licence-not-a-licence', 'install-licence whose licence is a CBOR map, not a COSE_Sign: the request is valid; the command refuses the licence (LICENCE_MALFORMED)', req(CMD.installLicence, 3, { licence: F.SIGNED.licence }), [embedded([3, 1], encode(new Map([[1, 0]])), decodeSign)], undefined, parseRequest, { rule: 'install-licence-request', matchesRule: false }),
    multiFault('install-licence-not-a-licence-and-request-id-negative', 'install-licence whose licence is not a COSE_Sign, and request id -1', req(CMD.installLicence, 3, { licence: F.SIGNED.licence }), [embedded([3, 1], encode(new Map([[1, 0]])), decodeSign), badValue([2], -1)], 'MESSAGE_INVALID_FIELD', parseRequest),
  ];
  return {
    name: 'module-request',
    description: 'Module command requests (specs/messages/module-commands.md): every command, params present and absent',
    rule: 'module-request',
    negativeRule: 'module-request',
    parse: (v) => parseRequest(v),
    reencode: (parsed, input) => (asMap(input).has(3) ? encodeRequest(parsed as Parameters<typeof encodeRequest>[0]) : undefined),
    cases,
  };
}

function responseFamily(): Family {
  const s = F.SIGNED;
  const note = renderSignedNote(F.LOG_ORIGIN, 4, F.ROOT_4, F.LOG_KEY);
  const ok = (command: number, requestId: number, result: unknown) =>
    encodeResponse({ command, requestId, status: 0, result } as Parameters<typeof encodeResponse>[0]);
  const statusResult = { ueid: F.UEID, lockState: 0, licenceState: F.LICENCE_STATE, counters: F.COUNTERS, treeSize: 4, bootcount: 1, svn: 1 };
  const { licenceState: _l, ...statusMinimal } = statusResult;
  const run = { salt: F.SALT, startedIndex: 2, finishedIndex: 3, remainingQuota: 10n ** 24n - 3n * 10n ** 21n };
  const error = encodeResponse({ command: CMD.runWorkload, requestId: 6, status: 1, error: { code: 'WORKLOAD_OVER_QUOTA', message: 'the workload would pass the remaining quota' } });
  const cases: Case[] = [
    valid('manufacture', 'manufacture: the UEID and the device identity key', ok(CMD.manufacture, 1, { ueid: F.UEID, deviceIdentityKey: F.DEVICE_KEY }), responseRule(CMD.manufacture)),
    valid('provision', 'provision: the attestation-key certificate', ok(CMD.provision, 2, { attestationKeyCertificate: s.attestationKeyCertificate }), responseRule(CMD.provision)),
    valid('install-licence', 'install-licence: the licence id and its log index', ok(CMD.installLicence, 3, { licenceId: F.LICENCE_ID, logIndex: 1 }), responseRule(CMD.installLicence)),
    valid('request-licence', 'request-licence: the signed licence request', ok(CMD.requestLicence, 4, { licenceRequest: s.licenceRequest }), responseRule(CMD.requestLicence)),
    valid('apply-revocation', 'apply-revocation: its log index', ok(CMD.applyRevocation, 5, { logIndex: 4 }), responseRule(CMD.applyRevocation)),
    valid('run-workload-all-optional-present', 'run-workload of an itemised workload: salt and both log indices', ok(CMD.runWorkload, 6, run), responseRule(CMD.runWorkload)),
    valid('run-workload-all-optional-absent', 'run-workload below the itemisation threshold: remaining quota only', ok(CMD.runWorkload, 6, { remainingQuota: run.remainingQuota }), responseRule(CMD.runWorkload)),
    ...BOUNDARIES.map(([id, n]) => valid(`run-workload-remaining-quota-at-${id}`, `run-workload with a remaining quota of ${boundaryText[id]}`, ok(CMD.runWorkload, 6, { remainingQuota: n }), responseRule(CMD.runWorkload))),
    valid('attest', 'attest: report and both certificates', ok(CMD.attest, 7, { report: s.report, attestationKeyCertificate: s.attestationKeyCertificate, deviceCertificate: s.deviceCertificate }), responseRule(CMD.attest)),
    valid('checkpoint', 'checkpoint with its C2SP signed note under the log key and the log-key certificate (checkpoint.md §2)', ok(CMD.checkpoint, 8, { checkpoint: s.checkpoint4, note, logKeyCertificate: s.logKeyCertificate }), responseRule(CMD.checkpoint)),
    valid('prove-inclusion', 'prove-inclusion: the receipt and the entry', ok(CMD.proveInclusion, 9, { receipt: s.inclusion3, entry: F.LOG_BYTES[3]! }), responseRule(CMD.proveInclusion)),
    valid('prove-consistency', 'prove-consistency: the receipt', ok(CMD.proveConsistency, 10, { receipt: s.consistency2to4 }), responseRule(CMD.proveConsistency)),
    valid('status-all-optional-present', 'status with a licence installed', ok(CMD.status, 11, statusResult), responseRule(CMD.status)),
    valid('status-all-optional-absent', 'status of a chip with no licence', ok(CMD.status, 11, { ...statusMinimal, lockState: 1 }), responseRule(CMD.status)),
    ...BOUNDARIES.map(([id, n]) => valid(`status-counters-at-${id}`, `status with counters at ${boundaryText[id]}`, ok(CMD.status, 11, { ...statusResult, counters: countersAt(n) }), responseRule(CMD.status))),
    valid('firmware-update', 'firmware-update: its log index', ok(CMD.firmwareUpdate, 12, { logIndex: 5 }), responseRule(CMD.firmwareUpdate)),
    valid('update-issuers', 'update-issuers: its log index', ok(CMD.updateIssuers, 13, { logIndex: 6 }), responseRule(CMD.updateIssuers)),
    valid('read-entries', 'read-entries: entries 2 and 3, and the frontier of the first 2 entries (their root)', ok(CMD.readEntries, 14, { entries: [F.LOG_BYTES[2]!, F.LOG_BYTES[3]!], frontier: [F.ROOT_2] }), responseRule(CMD.readEntries)),
    valid('read-entries-from-0', 'read-entries from entry 0: every entry, and an empty frontier', ok(CMD.readEntries, 14, { entries: F.LOG_BYTES, frontier: [] }), responseRule(CMD.readEntries)),
    valid('error-all-optional-present', 'an error response naming the command and request it answers', error, 'module-error-response'),
    valid('error-all-optional-absent', 'an error response to a request that could not be decoded that far', encodeResponse({ status: 1, error: { code: 'MESSAGE_INVALID_FIELD', message: 'module-request: expected a map' } }), 'module-error-response'),
    { id: 'ok-missing-result', description: 'status 0 without a result', value: setIn(ok(CMD.applyRevocation, 5, { logIndex: 4 }), [5], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    { id: 'ok-missing-command', description: 'status 0 without the command', value: setIn(ok(CMD.applyRevocation, 5, { logIndex: 4 }), [1], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    { id: 'ok-missing-request-id', description: 'status 0 without the request id', value: setIn(ok(CMD.applyRevocation, 5, { logIndex: 4 }), [2], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    { id: 'ok-with-error', description: 'status 0 with an error member', value: setIn(ok(CMD.applyRevocation, 5, { logIndex: 4 }), [6], asMap(error).get(6)!), code: 'MESSAGE_UNKNOWN_FIELD' },
    { id: 'ok-unknown-key', description: 'key 99 in a success response', value: setIn(ok(CMD.applyRevocation, 5, { logIndex: 4 }), [99], 0), code: 'MESSAGE_UNKNOWN_FIELD' },
    { id: 'ok-result-unknown-key', description: 'key 2 in apply-revocation\'s result', value: setIn(ok(CMD.applyRevocation, 5, { logIndex: 4 }), [5, 2], 0), code: 'MESSAGE_UNKNOWN_FIELD' },
    multiFault('ok-result-of-another-command', 'a manufacture result under command apply-revocation: its key 1 holds a UEID where a log index belongs', ok(CMD.applyRevocation, 1, { logIndex: 4 }), [badValue([5, 1], F.UEID), unknownKey([5, 2], encodeCoseKey(F.DEVICE_KEY))], 'MESSAGE_INVALID_FIELD', parseResponse),
    multiFault('ok-missing-request-id-and-result-unknown-key', 'a success response without its request id and with key 2 in its result: the envelope, missing fields included, before the result', ok(CMD.applyRevocation, 5, { logIndex: 4 }), [missing([2]), unknownKey([5, 2])], 'MESSAGE_MISSING_FIELD', parseResponse),
    multiFault('ok-result-not-a-map-and-unknown-key', 'a result that is a byte string and key 99 in the envelope: that the result is a map is part of the command\'s schema, checked after the envelope', ok(CMD.applyRevocation, 5, { logIndex: 4 }), [badValue([5], new Uint8Array(1)), unknownKey([99])], 'MESSAGE_UNKNOWN_FIELD', parseResponse),
    multiFault('status-2-and-unknown-key-0', 'status 2 and key 0 added: a status other than 1 selects the success response, whose entries are checked in order (key 0 first)', ok(CMD.applyRevocation, 5, { logIndex: 4 }), [badValue([4], 2), unknownKey([0])], 'MESSAGE_UNKNOWN_FIELD', parseResponse),
    { id: 'status-result-missing-counters', description: 'a status result without counters', value: setIn(ok(CMD.status, 11, statusResult), [5, 4], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    { id: 'error-missing-error', description: 'status 1 without an error member', value: setIn(error, [6], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    { id: 'ok-missing-status', description: 'a success response without its status', value: setIn(ok(CMD.applyRevocation, 5, { logIndex: 4 }), [4], DELETE), code: 'MESSAGE_MISSING_FIELD' },
    { id: 'error-with-result', description: 'status 1 with a result member', value: setIn(error, [5], new Map()), code: 'MESSAGE_UNKNOWN_FIELD' },
    { id: 'error-unknown-key', description: 'key 3 in the error map', value: setIn(error, [6, 3], 0), code: 'MESSAGE_UNKNOWN_FIELD' },
    invalidField('status-2', 'status 2, which is not defined', setIn(error, [4], 2)),
    invalidField('error-code-integer', 'an error code that is an integer', setIn(error, [6, 1], 42)),
    invalidField('ok-result-not-a-map', 'a result that is a byte string', setIn(ok(CMD.applyRevocation, 5, { logIndex: 4 }), [5], new Uint8Array(1))),
    invalidField('status-lock-state-7', 'a status result with lock state 7', setIn(ok(CMD.status, 11, statusResult), [5, 2], 7)),
    invalidField('not-a-map', 'a response that is an array', [0, 1, 2]),
    invalidField('read-entries-no-entries', 'read-entries with no entries: a call reads at least one', setIn(ok(CMD.readEntries, 14, { entries: [F.LOG_BYTES[2]!], frontier: [F.ROOT_2] }), [5, 1], [])),
    invalidField('read-entries-1025-entries', 'read-entries with 1025 entries, one more than the read bound', setIn(ok(CMD.readEntries, 14, { entries: [F.LOG_BYTES[2]!], frontier: [F.ROOT_2] }), [5, 1], Array.from({ length: 1025 }, () => F.LOG_BYTES[0]!))),
    invalidField('read-entries-frontier-hash-31-bytes', 'read-entries with a frontier hash of 31 bytes', setIn(ok(CMD.readEntries, 14, { entries: [F.LOG_BYTES[2]!], frontier: [F.ROOT_2] }), [5, 2, 0], new Uint8Array(31))),
  ];
  return {
    name: 'module-response',
    description: 'Module command responses (specs/messages/module-commands.md): every command\'s result, optional members present and absent, and error responses',
    rule: 'module-response',
    negativeRule: 'module-response',
    parse: (v) => parseResponse(v),
    reencode: (parsed) => encodeResponse(parsed as Parameters<typeof encodeResponse>[0]),
    cases,
  };
}

export const MESSAGE_FAMILIES: readonly (() => Family)[] = [
  countersFamily,
  licenceStateFamily,
  logHeadFamily,
  deviceCertificateFamily,
  akCertificateFamily,
  logKeyCertificateFamily,
  firmwareManifestFamily,
  licenceFamily,
  licenceRequestFamily,
  revocationFamily,
  issuerSetUpdateFamily,
  logEntryFamily,
  openingFamily,
  descriptorFamily,
  checkpointFamily,
  reportFamily,
  bundleFamily,
  requestFamily,
  responseFamily,
];

function toVectors(family: Family): MessageVector[] {
  return family.cases.map((c) => {
    const input = encode(c.value);
    const rule = c.code === undefined ? (c.rule ?? family.rule) : (c.rule ?? family.negativeRule);
    const v: MessageVector = {
      id: c.id,
      description: c.description,
      input: hex(input),
      rule,
      matchesRule: c.code === undefined ? (c.matchesRule ?? true) : c.code === 'MESSAGE_INVALID_FIELD' ? (c.matchesRule ?? false) : false,
      result: c.code === undefined ? 'valid' : 'invalid',
      ...(c.code !== undefined ? { code: c.code } : {}),
      ...(c.faults !== undefined ? { faults: c.faults } : {}),
    };
    let parsed: unknown;
    confirm(`${family.name} vector ${c.id}`, v, () => (parsed = family.parse(decode(input))));
    const matches = checkCbor(schema, input, rule);
    if (matches.ok !== v.matchesRule) {
      const why = matches.ok ? '' : `: ${matches.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
      throw new Error(`${family.name} vector ${c.id}: says matchesRule ${v.matchesRule} for ${rule}, the CDDL checker says ${matches.ok}${why}`);
    }
    if (v.result === 'valid') {
      const again = family.reencode?.(parsed, decode(input));
      if (again !== undefined && hex(encode(again)) !== v.input) throw new Error(`${family.name} vector ${c.id}: parse and re-encode change the bytes`);
      return { ...v, diagnostic: toDiagnostic(decode(input)) };
    }
    return v;
  });
}

export function generateMessageVectors(): Map<string, string> {
  const files = new Map<string, string>();
  for (const make of MESSAGE_FAMILIES) {
    const family = make();
    const text = renderVectorFile({ format: MESSAGE_FORMAT, generator: GENERATOR, description: family.description, family: family.name }, toVectors(family));
    files.set(`messages/${family.name}.json`, text);
  }
  return files;
}

