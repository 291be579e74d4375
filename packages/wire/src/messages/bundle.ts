/**
 * The evidence bundle (specs/verifier.md §2): everything an operator hands a verifier about one
 * chip, as one CBOR map. Each member is a message of its own, carried as the bytes the chip signed.
 */
import { anyBytes, arrayOf, field, optional, record, text } from './schema.js';
import { logEntryOpening } from './log-entry.js';

/** One log entry disclosed with its RFC 9942 inclusion receipt and, optionally, its opening. */
export const disclosedEntry = record('disclosed-entry', {
  entry: field(1, anyBytes),
  receipt: field(2, anyBytes),
  opening: optional(3, logEntryOpening),
});
export type DisclosedEntry = ReturnType<typeof disclosedEntry.parse>;

export const evidenceBundle = record('evidence-bundle', {
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
});
export type EvidenceBundle = ReturnType<typeof evidenceBundle.parse>;
