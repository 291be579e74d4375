/**
 * The one place the adversary knows the evidence format: how a bundle is assembled from parts, what a
 * report and a checkpoint say, which head a bundle asks the verifier to accept, and which head a
 * verifier vouches for once it has affirmed a chip. Everything else in the harness works on the parts
 * and on these facts, so a change of the bundle or report format is a change here only.
 */
import { decode, encode } from '@hemkit/wire/cbor';
import { decodeSign1 } from '@hemkit/wire/cose';
import { attestationReportClaims, checkpointClaims, evidenceBundle } from '@hemkit/wire/messages';
import type { ChipMemory } from '../../src/store/index.js';

/** A log head: a tree size and the root of that many entries. */
export interface Head {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
}

/** Signed material an operator puts in a bundle, in the order it chose. Nothing here is re-signed. */
export interface BundleParts {
  readonly report: Uint8Array;
  readonly deviceCertificate: Uint8Array;
  readonly attestationKeyCertificate: Uint8Array;
  readonly checkpoints: readonly Uint8Array[];
  readonly consistencyReceipts: readonly Uint8Array[];
  readonly entries: readonly { readonly entry: Uint8Array; readonly receipt: Uint8Array }[];
  readonly licences: readonly Uint8Array[];
  /** The frontier before the first entry (verifier.md §2): the entries are then sent without receipts. */
  readonly frontier?: readonly Uint8Array[];
  readonly issuerUpdates: readonly Uint8Array[];
}

export function encodeBundle(p: BundleParts): Uint8Array {
  return encode(
    evidenceBundle.toCbor({
      report: p.report,
      deviceCertificate: p.deviceCertificate,
      attestationKeyCertificate: p.attestationKeyCertificate,
      ...(p.checkpoints.length ? { checkpoints: [...p.checkpoints] } : {}),
      ...(p.consistencyReceipts.length ? { consistencyReceipts: [...p.consistencyReceipts] } : {}),
      ...(p.entries.length && p.frontier ? { entries: p.entries.map((e) => ({ entry: e.entry })), frontier: [...p.frontier] } : {}),
      ...(p.entries.length && !p.frontier ? { entries: p.entries.map((e) => ({ entry: e.entry, receipt: e.receipt })) } : {}),
      ...(p.licences.length ? { licences: [...p.licences] } : {}),
      ...(p.issuerUpdates.length ? { issuerUpdates: [...p.issuerUpdates] } : {}),
    }),
  );
}

const payloadOf = (bytes: Uint8Array) => decode(decodeSign1(bytes).payload!);

/** What a signed report says that the invariants read. */
export interface ReportFacts {
  readonly ueid: Uint8Array;
  readonly nonce: Uint8Array;
  readonly bootcount: number;
  readonly totalOps: bigint;
  readonly workloadsRun: number;
  readonly licenceId: Uint8Array | undefined;
  /** The memory-bytes counter (absent: 0) and the named licence's remaining memory-transfer quota. */
  readonly memoryBytes: bigint;
  readonly remainingMemoryQuota: bigint | undefined;
  /** The chip's live log head when it signed the report (attestation-report.md §1.1). */
  readonly latestCheckpoint: Head | undefined;
}

export function reportFacts(bytes: Uint8Array): ReportFacts {
  const r = attestationReportClaims.parse(payloadOf(bytes), 'report');
  return {
    ueid: r.ueid,
    nonce: r.nonce,
    bootcount: r.bootcount,
    totalOps: r.counters.totalOps,
    workloadsRun: r.counters.workloadsRun,
    licenceId: r.licenceState?.licenceId,
    memoryBytes: r.counters.memoryBytes ?? 0n,
    remainingMemoryQuota: r.licenceState?.remainingMemoryQuota,
    latestCheckpoint: r.logHead,
  };
}

export interface CheckpointFacts extends Head {
  readonly ueid: Uint8Array;
  readonly totalOps: bigint;
}

export function checkpointFacts(bytes: Uint8Array): CheckpointFacts {
  const c = checkpointClaims.parse(payloadOf(bytes), 'checkpoint');
  return { ueid: c.ueid, treeSize: c.treeSize, rootHash: c.rootHash, totalOps: c.counters.totalOps };
}

/**
 * The head a bundle asks the verifier to accept, which its consistency and inclusion receipts must
 * lead to: the live head the report binds.
 */
export function claimedHead(report: ReportFacts, _checkpoints: readonly CheckpointFacts[]): Head | undefined {
  return report.latestCheckpoint;
}

/** The head a verifier vouches for once it has affirmed a chip: the largest checkpoint it remembers. */
export function rememberedHead(memory: ChipMemory | undefined): Head | undefined {
  return memory?.latestCheckpoint;
}

/** Every (size, root) the verifier remembers of a chip. */
export function rememberedHeads(memory: ChipMemory | undefined): readonly Head[] {
  return memory?.checkpoints ?? [];
}
