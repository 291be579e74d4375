/**
 * The evidence bundle (specs/verifier.md §2): everything an operator hands a verifier about one
 * chip, as one CBOR map. Each member is a message of its own, carried as the bytes the chip signed.
 */
import { HemkitError } from '../errors.js';
import type { CborValue } from '../cbor/index.js';
import { anyBytes, arrayOf, digest, field, MISS, optional, readerOf, record, text, withReader, type RecordType } from './schema.js';
import { logEntryOpening } from './log-entry.js';

/**
 * One log entry disclosed with, optionally, its opening. It carries its RFC 9942 inclusion receipt
 * unless the bundle carries a frontier, which proves every entry at once (verifier.md §2).
 */
export const disclosedEntry = record('disclosed-entry', {
  entry: field(1, anyBytes),
  receipt: optional(2, anyBytes),
  opening: optional(3, logEntryOpening),
});
export type DisclosedEntry = ReturnType<typeof disclosedEntry.parse>;

const bundleFields = record('evidence-bundle', {
  report: field(1, anyBytes),
  deviceCertificate: field(2, anyBytes),
  attestationKeyCertificate: field(3, anyBytes),
  /** Checkpoints by ascending tree size; the last is the log head the report names. */
  checkpoints: optional(4, arrayOf(anyBytes, { min: 1 })),
  /** Consistency receipts into the head, from earlier checkpoints (the bundle's or the verifier's). */
  consistencyReceipts: optional(5, arrayOf(anyBytes, { min: 1 })),
  entries: optional(6, arrayOf(disclosedEntry, { min: 1 })),
  licences: optional(7, arrayOf(anyBytes, { min: 1 })),
  /** The chip's log-key certificate (checkpoint.md §2.1), needed when notes are carried. */
  logKeyCertificate: optional(8, anyBytes),
  /** Checkpoints as C2SP signed notes, each the note form of a COSE checkpoint or the report's head. */
  notes: optional(9, arrayOf(text, { min: 1 })),
  /** Every issuer-set update the chip applied, in order (licence.md §5a): the chain from the verifier's issuer anchor. */
  issuerUpdates: optional(10, arrayOf(anyBytes, { min: 1 })),
  /**
   * The frontier of the log before the first disclosed entry (merkle.md §9): with it the entries,
   * which then run without a gap to the head and carry no receipts, are proven by the head's root alone.
   */
  frontier: optional(11, arrayOf(digest)),
});
export type EvidenceBundle = ReturnType<typeof bundleFields.parse>;

/**
 * The bundle's two forms of disclosure (verifier.md §2, specs/cddl/hemkit.cddl §9a): entries each with
 * an inclusion receipt, or a frontier and entries with none. Anything between is not a bundle.
 */
function checkDisclosureForm(b: EvidenceBundle, path: string): EvidenceBundle {
  if (b.frontier === undefined) {
    const i = (b.entries ?? []).findIndex((d) => d.receipt === undefined);
    if (i >= 0) throw new HemkitError('MESSAGE_MISSING_FIELD', `${path}.entries[${i}]: required field receipt (key 2) is missing: a bundle without a frontier proves each entry by its receipt`);
  } else {
    if (b.entries === undefined) throw new HemkitError('MESSAGE_MISSING_FIELD', `${path}: a frontier proves disclosed entries; the bundle carries none`);
    const i = b.entries.findIndex((d) => d.receipt !== undefined);
    if (i >= 0) throw new HemkitError('MESSAGE_INVALID_FIELD', `${path}.entries[${i}]: an entry of a bundle with a frontier carries no receipt`);
  }
  return b;
}

const readFields = readerOf(bundleFields);

/** Whether checkDisclosureForm accepts the bundle, without building its error. */
function inDisclosureForm(b: EvidenceBundle): boolean {
  return b.frontier === undefined ? (b.entries ?? []).every((d) => d.receipt !== undefined) : b.entries !== undefined && b.entries.every((d) => d.receipt === undefined);
}

export const evidenceBundle: RecordType<EvidenceBundle> = withReader(
  {
    ...bundleFields,
    parse: (value: CborValue, path = 'evidence-bundle') => checkDisclosureForm(bundleFields.parse(value, path), path),
    toCbor: (value: EvidenceBundle) => bundleFields.toCbor(checkDisclosureForm(value, 'evidence-bundle')),
  },
  // The fields' reader, and a bundle out of form left to parse, which names the fault.
  (c) => {
    const b = readFields === undefined ? MISS : readFields(c);
    return b !== MISS && inDisclosureForm(b) ? b : MISS;
  },
);
