/**
 * The accounting's input (specs/verifier.md §6.1): what the verifier concluded about each chip, and
 * the licence issuers' register of the licences they granted. Every field is checked here, once,
 * before any arithmetic: a malformed input is ACCOUNTING_INVALID_INPUT naming the field, never a
 * TypeError from deep inside a sum. What comes out carries the checks in its type.
 */
import type { WorkloadDescriptor } from '@hemkit/wire/messages';
import { checkBoolean, checkCount, checkList, checkRecord, checkText, invalid } from './input-errors.js';
import { toHex } from '@hemkit/wire/bytes';
import { checkUeid, ueidHex } from './ueid.js';

/** One disclosed workload entry of a chip's log: its opening checked, its descriptor decoded. */
export interface DisclosedWorkload {
  /** Index of the workload-finished entry in the chip's log (log-entry.md §4, `logIndex`). */
  readonly logIndex: number;
  /** The entry's operations (workload-finished details, `ops`). */
  readonly ops: bigint;
  readonly descriptor: WorkloadDescriptor;
}

/** What the verifier concluded about one appraisal of a chip's evidence, and the workloads it opened. */
export interface AppraisedChip {
  readonly ueid: Uint8Array;
  /** Whether the appraisal affirmed the evidence; if not, none of its numbers count. */
  readonly affirmed: boolean;
  /** The chip's lifetime operations counter, from the appraised report. */
  readonly totalOps: bigint;
  /** The chip's lifetime memory-bytes counter, from the appraised report (attestation-report.md §2); absent: 0. */
  readonly memoryBytes?: bigint;
  readonly workloads: readonly DisclosedWorkload[];
}

/**
 * One licence the licence issuers granted a chip, from their own register: a fact about the
 * licence (its signed operations quota, licence.md §3), not a claim of the chip.
 */
export interface IssuedLicence {
  readonly ueid: Uint8Array;
  /** The licence's `cti` (16 bytes). */
  readonly licenceId: Uint8Array;
  readonly opsQuota: bigint;
}

export interface FleetEvidence {
  /** Appraisals of chips; a chip may have several (bundles of different times), merged per §6.1. */
  readonly chips: readonly AppraisedChip[];
  /**
   * For each chip it names, every licence the issuers ever granted that chip. A chip that handed in
   * no affirmed evidence is bounded by its licences' quotas when it is named here, and by nothing
   * when it is not. Absent: no chip is named.
   */
  readonly issuedLicences?: readonly IssuedLicence[];
}

/** A disclosed workload whose fields were checked; `clusterKeys` are its cluster chips' UEIDs in hex. */
export interface CheckedWorkload {
  readonly path: string;
  readonly logIndex: number;
  readonly ops: bigint;
  readonly descriptor: WorkloadDescriptor;
  readonly cluster: readonly { readonly key: string; readonly ueid: Uint8Array }[];
}

export interface CheckedAppraisal {
  readonly path: string;
  readonly key: string;
  readonly ueid: Uint8Array;
  readonly affirmed: boolean;
  readonly totalOps: bigint;
  readonly memoryBytes: bigint;
  readonly workloads: readonly CheckedWorkload[];
}

export interface CheckedLicence {
  readonly path: string;
  readonly key: string;
  readonly ueid: Uint8Array;
  readonly licenceId: string;
  readonly opsQuota: bigint;
}

export interface CheckedFleet {
  readonly appraisals: readonly CheckedAppraisal[];
  readonly licences: readonly CheckedLicence[];
}

const LICENCE_ID_LENGTH = 16;

export function checkFleetEvidence(value: unknown): CheckedFleet {
  const evidence = checkRecord(value, 'evidence');
  const appraisals = checkList(evidence['chips'], 'chips').map((chip, i) => checkAppraisal(chip, `chips[${i}]`));
  const licences =
    evidence['issuedLicences'] === undefined
      ? []
      : checkList(evidence['issuedLicences'], 'issuedLicences').map((l, i) => checkLicence(l, `issuedLicences[${i}]`));
  return { appraisals, licences };
}

function checkAppraisal(value: unknown, path: string): CheckedAppraisal {
  const chip = checkRecord(value, path);
  const ueid = checkUeid(chip['ueid'], `${path}.ueid`);
  return {
    path,
    key: ueidHex(ueid),
    ueid: ueid.slice(),
    affirmed: checkBoolean(chip['affirmed'], `${path}.affirmed`),
    totalOps: checkCount(chip['totalOps'], `${path}.totalOps`),
    memoryBytes: chip['memoryBytes'] === undefined ? 0n : checkCount(chip['memoryBytes'], `${path}.memoryBytes`),
    workloads: checkList(chip['workloads'], `${path}.workloads`).map((w, i) => checkWorkload(w, `${path}.workloads[${i}]`)),
  };
}

function checkWorkload(value: unknown, path: string): CheckedWorkload {
  const workload = checkRecord(value, path);
  const logIndex = workload['logIndex'];
  if (typeof logIndex !== 'number' || !Number.isSafeInteger(logIndex) || logIndex < 0) {
    throw invalid(`${path}.logIndex`, 'a non-negative integer', logIndex);
  }
  const ops = checkCount(workload['ops'], `${path}.ops`);
  const d = checkRecord(workload['descriptor'], `${path}.descriptor`);
  const workloadId = checkText(d['workloadId'], `${path}.descriptor.workloadId`);
  const description = d['description'] === undefined ? undefined : checkText(d['description'], `${path}.descriptor.description`);
  const clusterChips =
    d['clusterChips'] === undefined
      ? undefined
      : checkList(d['clusterChips'], `${path}.descriptor.clusterChips`).map((u, i) => checkUeid(u, `${path}.descriptor.clusterChips[${i}]`).slice());
  const descriptor: WorkloadDescriptor = {
    workloadId,
    ...(clusterChips === undefined ? {} : { clusterChips }),
    ...(description === undefined ? {} : { description }),
  };
  return { path, logIndex, ops, descriptor, cluster: (clusterChips ?? []).map((ueid) => ({ key: ueidHex(ueid), ueid })) };
}

function checkLicence(value: unknown, path: string): CheckedLicence {
  const licence = checkRecord(value, path);
  const ueid = checkUeid(licence['ueid'], `${path}.ueid`);
  const licenceId = licence['licenceId'];
  if (!(licenceId instanceof Uint8Array) || licenceId.length !== LICENCE_ID_LENGTH) {
    throw invalid(`${path}.licenceId`, `a licence id (Uint8Array of ${LICENCE_ID_LENGTH} bytes)`, licenceId);
  }
  return { path, key: ueidHex(ueid), ueid: ueid.slice(), licenceId: toHex(licenceId), opsQuota: checkCount(licence['opsQuota'], `${path}.opsQuota`) };
}
