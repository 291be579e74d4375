/**
 * The operator's side of attestation: collecting a chip's evidence bundle for a verifier's nonce
 * (specs/verifier.md §2). It asks the chip for a checkpoint, a report, consistency receipts from
 * the checkpoints the verifier has already seen, and inclusion receipts for the entries disclosed.
 */
import { decode, encode } from '@hemkit/wire/cbor';
import {
  CMD,
  evidenceBundle,
  logEntry,
  EVENT,
  type CommandId,
  type DisclosedEntry,
  type LogEntryOpening,
  type ParamsOf,
  type ResultOf,
} from '@hemkit/wire/messages';

/** Anything that answers module commands: an InProcessChip, or a client of a device process. */
export interface CommandPort {
  send<C extends CommandId>(command: C, params: ParamsOf<C>): ResultOf<C>;
}

export interface CollectOptions {
  readonly nonce: Uint8Array;
  /** Tree sizes of checkpoints the verifier already holds; a consistency receipt is made from each. */
  readonly knownSizes?: readonly number[];
  /** Disclose every entry from this index to the head (so the verifier can check counters against the log). */
  readonly discloseFrom?: number;
  /** Openings (salt and descriptor) to attach to the workload entries they open, by log index. */
  readonly openings?: ReadonlyMap<number, { salt: Uint8Array; descriptor: Uint8Array }>;
  readonly licences?: readonly Uint8Array[];
}

export function collectEvidence(chip: CommandPort, options: CollectOptions): Uint8Array {
  const { checkpoint } = chip.send(CMD.checkpoint, {});
  const head = chip.send(CMD.status, {}).treeSize;
  const { report, deviceCertificate, attestationKeyCertificate } = chip.send(CMD.attest, { nonce: options.nonce });
  const consistencyReceipts = [...new Set(options.knownSizes ?? [])]
    .filter((size) => size > 0 && size < head)
    .map((size) => chip.send(CMD.proveConsistency, { treeSize1: size, treeSize2: head }).receipt);
  const entries: DisclosedEntry[] = [];
  if (options.discloseFrom !== undefined && head > 1) {
    for (let index = options.discloseFrom; index < head; index++) {
      const { receipt, entry } = chip.send(CMD.proveInclusion, { logIndex: index, treeSize: head });
      const opening = openingFor(entry, index, options.openings);
      entries.push({ entry, receipt, ...(opening ? { opening } : {}) });
    }
  }
  return encode(
    evidenceBundle.toCbor({
      report,
      deviceCertificate,
      attestationKeyCertificate,
      checkpoints: [checkpoint],
      ...(consistencyReceipts.length ? { consistencyReceipts } : {}),
      ...(entries.length ? { entries } : {}),
      ...(options.licences?.length ? { licences: options.licences } : {}),
    }),
  );
}

function openingFor(
  entryBytes: Uint8Array,
  index: number,
  openings: CollectOptions['openings'],
): LogEntryOpening | undefined {
  const known = openings?.get(index);
  if (known === undefined) return undefined;
  const entry = logEntry.parse(decode(entryBytes), 'log-entry');
  if (entry.kind !== EVENT.workloadStarted && entry.kind !== EVENT.workloadFinished) return undefined;
  return { logIndex: index, salt: known.salt, workloadDescriptor: known.descriptor };
}
