/**
 * The operator's side of attestation: collecting a chip's evidence bundle for a verifier's nonce
 * (specs/verifier.md §2). It asks the chip for a report, which binds the chip's live log head; a
 * consistency receipt from the tree size the verifier remembers to that head, unless the frontier
 * of the disclosed entries starts there and so is the link itself; and the entries
 * disclosed, which must be every entry from the remembered size on, proven at the head either all
 * together by the frontier of the log before the first of them (the default: the chip reads them with
 * read-entries and signs nothing per entry) or each by its own inclusion receipt (one prove-inclusion,
 * one signature, an entry).
 */
import { decode, encode } from '@hemkit/wire/cbor';

import {
  attestationReportClaims,
  CMD,
  READ_ENTRIES_MAX_COUNT,
  peekClaims,
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
  /**
   * The tree size the verifier remembers for this chip (0 for a chip it has never seen): the receipt
   * and the disclosure it needs. Shorthand for `knownSizes: [n]` and `discloseFrom: n`.
   */
  readonly knownTreeSize?: number;
  /** Tree sizes of checkpoints the verifier already holds; a consistency receipt is made from each. */
  readonly knownSizes?: readonly number[];
  /** Disclose every entry from this index to the head (so the verifier can check counters against the log). */
  readonly discloseFrom?: number;
  /**
   * Openings to attach to the workload entries they open, by log index: the salt and descriptor, and
   * for a workload that produced a model state the state digests it named (log-entry.md §4), which
   * are attached to its workload-finished-lineage entry only.
   */
  readonly openings?: ReadonlyMap<number, WorkloadSecrets>;
  readonly licences?: readonly Uint8Array[];
  /** Every issuer-set update the chip applied, in order (licence.md §5a): the verifier follows them from its anchor. */
  readonly issuerUpdates?: readonly Uint8Array[];
  /** Disclose entries before this index only (a page; default: up to the report's head). */
  readonly discloseUntil?: number;
  /** Carry the report's head also as a C2SP signed note, with the log-key certificate (checkpoint.md §2). */
  readonly withNote?: boolean;
  /** Hears of each entry disclosed, for progress on long collections. */
  readonly onEntry?: (done: number, total: number) => void;
  /**
   * How the disclosed entries are proven (verifier.md §2): `frontier` (the default) carries the
   * frontier of the log before the first disclosed entry, and the entries without receipts, which a
   * verifier checks with one leaf hash and about one node hash each; `receipts` gives each entry its
   * RFC 9942 inclusion receipt, for a relying party that wants each entry provable on its own, or a
   * page of entries that does not reach the head (`discloseUntil`), which a frontier cannot prove.
   */
  readonly proofs?: 'frontier' | 'receipts';
}

/** What the operator keeps of one run to open its entries later: what run-workload was given, and its salt. */
export interface WorkloadSecrets {
  readonly salt: Uint8Array;
  readonly descriptor: Uint8Array;
  readonly parentStates?: readonly Uint8Array[];
  readonly producedState?: Uint8Array;
}

export function collectEvidence(chip: CommandPort, options: CollectOptions): Uint8Array {
  const { report, deviceCertificate, attestationKeyCertificate } = chip.send(CMD.attest, { nonce: options.nonce });
  // The head the report binds: every receipt is made at exactly that size, whatever the log does next.
  const head = peekClaims(attestationReportClaims, report).claims.logHead.treeSize;
  const knownSizes = options.knownTreeSize !== undefined ? [options.knownTreeSize, ...(options.knownSizes ?? [])] : (options.knownSizes ?? []);
  const discloseFrom = options.discloseFrom ?? options.knownTreeSize;
  const entries: DisclosedEntry[] = [];
  const until = Math.min(head, options.discloseUntil ?? head);
  // A frontier proves only entries that run to the head; a page that stops short needs receipts.
  const withFrontier = (options.proofs ?? 'frontier') === 'frontier' && until === head;
  const linked = [...new Set(knownSizes)].filter((size) => size > 0 && size < head);
  // A frontier that starts at the one size to link to the head is that link itself, in a bundle with
  // no consistency receipt (verifier.md §5 note 10): the chip signs nothing for it.
  const frontierLinks = withFrontier && linked.length === 1 && linked[0] === discloseFrom;
  const consistencyReceipts = frontierLinks ? [] : linked.map((size) => chip.send(CMD.proveConsistency, { treeSize1: size, treeSize2: head }).receipt);
  let frontier: readonly Uint8Array[] | undefined;
  if (discloseFrom !== undefined) {
    const disclose = (index: number, entry: Uint8Array, receipt?: Uint8Array): void => {
      const opening = openingFor(entry, index, options.openings);
      entries.push({ entry, ...(receipt ? { receipt } : {}), ...(opening ? { opening } : {}) });
      options.onEntry?.(index - discloseFrom + 1, until - discloseFrom);
    };
    if (withFrontier) {
      // read-entries (module-commands.md §3.1): the entries and the frontier before the first of them,
      // unsigned, since the verifier judges both by the report's root; pages of at most the bound.
      for (let index = discloseFrom; index < until; ) {
        const read = chip.send(CMD.readEntries, { start: index, end: Math.min(until, index + READ_ENTRIES_MAX_COUNT) });
        if (index === discloseFrom) frontier = read.frontier;
        for (const entry of read.entries.slice(0, until - index)) disclose(index++, entry);
      }
    } else {
      for (let index = discloseFrom; index < until; index++) {
        const { receipt, entry } = chip.send(CMD.proveInclusion, { logIndex: index, treeSize: head });
        disclose(index, entry, receipt);
      }
    }
  }
  // The checkpoint command signs the live head, which is the report's: attest appends nothing.
  const noted = options.withNote ? chip.send(CMD.checkpoint, {}) : undefined;
  return encode(
    evidenceBundle.toCbor({
      report,
      deviceCertificate,
      attestationKeyCertificate,
      ...(consistencyReceipts.length ? { consistencyReceipts } : {}),
      ...(entries.length ? { entries, ...(frontier ? { frontier } : {}) } : {}),
      ...(options.licences?.length ? { licences: options.licences } : {}),
      ...(options.issuerUpdates?.length ? { issuerUpdates: options.issuerUpdates } : {}),
      ...(noted ? { logKeyCertificate: noted.logKeyCertificate, notes: [noted.note] } : {}),
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
  if (entry.kind === EVENT.workloadFinishedLineage) {
    return {
      logIndex: index,
      salt: known.salt,
      workloadDescriptor: known.descriptor,
      parentStates: known.parentStates ?? [],
      ...(known.producedState !== undefined ? { producedState: known.producedState } : {}),
    };
  }
  if (entry.kind !== EVENT.workloadStarted && entry.kind !== EVENT.workloadFinished) return undefined;
  return { logIndex: index, salt: known.salt, workloadDescriptor: known.descriptor };
}
