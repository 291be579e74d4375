/**
 * Naming hemkit messages for people and programs: `describe` turns bytes into a tree whose every
 * level is named (claims, nested records, bundle members, inner COSE messages), with times as ISO
 * dates, enums by name, bytes as hex and big integers as decimal strings. The command line prints it
 * (`hemkit inspect`), the page shows it; both take it from here. Pure: no I/O, no Node.
 */
import { CborTag, decode, decodeSign, decodeSign1, isHemkitError, TAG_COSE_SIGN, TAG_COSE_SIGN1, toDiagnostic, type CborValue } from '@hemkit/wire';
import {
  attestationKeyCertificateClaims,
  logKeyCertificateClaims,
  attestationReportClaims,
  checkpointClaims,
  CLAIM_NAMES,
  deviceCertificateClaims,
  EVENT_NAMES,
  evidenceBundle,
  firmwareManifestClaims,
  licenceClaims,
  licenceRequestClaims,
  LOCK_NAMES,
  logEntry,
  PRECISION_NAMES,
  revocationClaims,
  issuerSetUpdateClaims,
  workloadDescriptor,
} from '@hemkit/wire/messages';
import { toHex } from '@hemkit/wire/bytes';
import { DBGSTAT_NAMES, LAST_DATE_SECONDS, TIME_FIELDS } from './readable.js';

export type Tree = string | number | boolean | null | Tree[] | { [name: string]: Tree };

export interface Described {
  readonly diagnostic: string;
  /** What the bytes are, e.g. "COSE_Sign1 attestation-report-claims" or "evidence-bundle". */
  readonly kind: string;
  readonly tree: Tree;
  /** An unrecognised claims payload in diagnostic notation, top-level claims named. */
  readonly payloadDiagnostic?: string;
}

interface Parser {
  readonly name: string;
  parse(value: CborValue, path: string): unknown;
}

const PAYLOADS: readonly Parser[] = [
  attestationReportClaims,
  checkpointClaims,
  licenceClaims,
  licenceRequestClaims,
  revocationClaims,
  issuerSetUpdateClaims,
  deviceCertificateClaims,
  attestationKeyCertificateClaims,
  logKeyCertificateClaims,
  firmwareManifestClaims,
];
const PLAIN: readonly Parser[] = [{ name: 'log-entry', parse: (v, p) => logEntry.parse(v, p) }, workloadDescriptor];

const ENUMS: Readonly<Record<string, ReadonlyMap<number, string>>> = { lockState: LOCK_NAMES, precisionClass: PRECISION_NAMES, kind: EVENT_NAMES, dbgstat: DBGSTAT_NAMES };
/** Byte fields that hold text (shown as text when they are printable UTF-8). */
const TEXT_BYTES = new Set(['hwmodel']);

function tryParse(parsers: readonly Parser[], value: CborValue): { name: string; value: unknown } | undefined {
  for (const p of parsers) {
    try {
      return { name: p.name, value: p.parse(value, p.name) };
    } catch (e) {
      if (!isHemkitError(e)) throw e;
    }
  }
  return undefined;
}

/** A typed value as a named tree. */
export function named(value: unknown, field = ''): Tree {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (TIME_FIELDS.has(field) && Number.isSafeInteger(value) && value >= 0 && value < LAST_DATE_SECONDS) return new Date(value * 1000).toISOString();
    const names = ENUMS[field];
    if (names?.has(value)) return names.get(value)!;
    return value;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Uint8Array) {
    const asText = new TextDecoder().decode(value);
    if (TEXT_BYTES.has(field) && /^[\x20-\x7e]+$/.test(asText)) return asText;
    return toHex(value);
  }
  if (Array.isArray(value)) return value.map((v) => named(v, field === 'precisionClasses' ? 'precisionClass' : field));
  if (value instanceof Map) {
    const out: Record<string, Tree> = {};
    for (const [k, v] of value) {
      const key = field === 'opsByPrecision' && typeof k === 'number' ? (PRECISION_NAMES.get(k) ?? String(k)) : typeof k === 'number' && CLAIM_NAMES.has(k) ? CLAIM_NAMES.get(k)! : String(k);
      out[key] = named(v, key);
    }
    return out;
  }
  if (value instanceof CborTag) return { tag: value.tag, value: named(value.value) };
  if (typeof value === 'object') {
    const out: Record<string, Tree> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = named(v, k);
    return out;
  }
  return String(value);
}

/** Claim names (registries.md §b) for diagnostic notation, at the claims set's top level. */
const annotate = (path: readonly unknown[], key: CborValue) => (path.length === 0 && typeof key === 'number' ? CLAIM_NAMES.get(key) : undefined);

export function describe(bytes: Uint8Array): Described {
  const value = decode(bytes);
  const diagnostic = toDiagnostic(value, { indent: 2 });
  if (value instanceof CborTag && value.tag === TAG_COSE_SIGN1) {
    const m = decodeSign1(bytes);
    const payload = m.payload ? payloadTree(m.payload) : { kind: 'detached payload (an RFC 9942 receipt: the root is recomputed from its proof)', tree: null as Tree };
    return {
      diagnostic,
      ...('diagnostic' in payload && payload.diagnostic ? { payloadDiagnostic: payload.diagnostic } : {}),
      kind: `COSE_Sign1 ${payload.kind}`,
      tree: { message: 'COSE_Sign1', alg: `${m.alg.id} (${m.alg.name})`, signature: 'not verified (no key given)', payloadKind: payload.kind, payload: payload.tree },
    };
  }
  if (value instanceof CborTag && value.tag === TAG_COSE_SIGN) {
    const m = decodeSign(bytes);
    const payload = m.payload ? payloadTree(m.payload) : { kind: 'detached payload (an RFC 9942 receipt: the root is recomputed from its proof)', tree: null as Tree };
    return {
      diagnostic,
      ...('diagnostic' in payload && payload.diagnostic ? { payloadDiagnostic: payload.diagnostic } : {}),
      kind: `COSE_Sign ${payload.kind}`,
      tree: { message: 'COSE_Sign', signers: m.signatures.map((s) => `${s.alg.id} (${s.alg.name})`), signatures: 'not verified', payloadKind: payload.kind, payload: payload.tree },
    };
  }
  const bundle = tryParse([evidenceBundle], value);
  if (bundle) {
    const b = bundle.value as ReturnType<typeof evidenceBundle.parse>;
    const inner = (x: Uint8Array): Tree => describe(x).tree;
    const tree: Record<string, Tree> = {
      message: 'evidence-bundle',
      report: inner(b.report),
      deviceCertificate: inner(b.deviceCertificate),
      attestationKeyCertificate: inner(b.attestationKeyCertificate),
    };
    if (b.checkpoints) tree.checkpoints = b.checkpoints.map(inner);
    if (b.consistencyReceipts) tree.consistencyReceipts = b.consistencyReceipts.map(inner);
    if (b.entries) {
      tree.entries = b.entries.map((e) => ({
        entry: describe(e.entry).tree,
        ...(e.receipt ? { receipt: inner(e.receipt) } : {}),
        ...(e.opening ? { opening: { ...(named(e.opening) as Record<string, Tree>), workloadDescriptor: descriptorTree(e.opening.workloadDescriptor) } } : {}),
      }));
    }
    // The frontier of the log before the first entry (merkle.md §9): the entries carry no receipts.
    if (b.frontier) tree.frontier = b.frontier.map((h) => toHex(h));
    if (b.licences) tree.licences = b.licences.map(inner);
    if (b.logKeyCertificate) tree.logKeyCertificate = inner(b.logKeyCertificate);
    if (b.notes) tree.notes = [...b.notes];
    return { diagnostic, kind: 'evidence-bundle', tree };
  }
  const plain = tryParse(PLAIN, value);
  if (plain) return { diagnostic, kind: plain.name, tree: { message: plain.name, ...(named(plain.value) as Record<string, Tree>) } };
  return { diagnostic, kind: 'CBOR', tree: named(value) };
}

function descriptorTree(bytes: Uint8Array): Tree {
  try {
    return { message: 'workload-descriptor', ...(named(workloadDescriptor.parse(decode(bytes), 'workload-descriptor')) as Record<string, Tree>) };
  } catch (e) {
    if (!isHemkitError(e)) throw e;
    return toHex(bytes);
  }
}

function payloadTree(payload: Uint8Array): { kind: string; tree: Tree; diagnostic?: string } {
  let inner: CborValue;
  try {
    inner = decode(payload);
  } catch (e) {
    if (!isHemkitError(e)) throw e;
    return { kind: 'opaque payload', tree: `${payload.length} bytes, not CBOR of the profile (${e.code})` };
  }
  const known = tryParse(PAYLOADS, inner);
  if (known) return { kind: known.name, tree: named(known.value) };
  if (inner instanceof Uint8Array) return { kind: 'Merkle receipt payload', tree: toHex(inner) };
  return { kind: 'claims', tree: named(inner), diagnostic: toDiagnostic(inner, { indent: 2, annotate }) };
}

/** An indented outline of a tree: `name: value`, nested levels indented, arrays as `[i]`. */
export function tree(t: Tree, depth = 0): string {
  const pad = '  '.repeat(depth);
  if (t === null || typeof t !== 'object') return `${pad}${String(t)}`;
  const lines: string[] = [];
  const entries: [string, Tree][] = Array.isArray(t) ? t.map((v, i) => [`[${i}]`, v]) : Object.entries(t);
  for (const [k, v] of entries) {
    if (v !== null && typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0)) {
      lines.push(`${pad}${k}:`, tree(v, depth + 1));
    } else {
      lines.push(`${pad}${k}: ${Array.isArray(v) ? '[]' : v !== null && typeof v === 'object' ? '{}' : String(v)}`);
    }
  }
  return lines.join('\n');
}
