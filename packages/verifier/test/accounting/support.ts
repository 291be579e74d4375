import type { WorkloadDescriptor } from '@hemkit/wire/messages';
import { accountFleet, type AccountingOptions, type AppraisedChip, type DisclosedWorkload, type FleetEvidence, type IssuedLicence } from '../../src/accounting/index.js';

export const E24 = 10n ** 24n;
export const E25 = 10n ** 25n;
export const E26 = 10n ** 26n;

/** A 17-byte random-type UEID (EAT UEID type 0x01) whose last bytes are `n`. */
export function ueid(n: number): Uint8Array {
  const bytes = new Uint8Array(17);
  bytes[0] = 0x01;
  new DataView(bytes.buffer).setUint32(13, n);
  return bytes;
}

export function descriptor(workloadId: string, clusterChips?: readonly Uint8Array[]): WorkloadDescriptor {
  return clusterChips === undefined ? { workloadId } : { workloadId, clusterChips: [...clusterChips] };
}

export function entry(logIndex: number, ops: bigint, workloadId: string, clusterChips?: readonly Uint8Array[]): DisclosedWorkload {
  return { logIndex, ops, descriptor: descriptor(workloadId, clusterChips) };
}

/** An affirmed chip whose lifetime counter is exactly what its disclosed entries add up to, plus `extra`. */
export function chip(n: number, workloads: readonly DisclosedWorkload[], extra = 0n): AppraisedChip {
  return { ueid: ueid(n), affirmed: true, totalOps: workloads.reduce((sum, w) => sum + w.ops, 0n) + extra, workloads };
}

export function unaffirmed(n: number, workloads: readonly DisclosedWorkload[] = []): AppraisedChip {
  return { ...chip(n, workloads), affirmed: false };
}

/** A licence granted to chip `n`, as the issuers' register lists it; `serial` tells its licences apart. */
export function issued(n: number, opsQuota: bigint, serial = 0): IssuedLicence {
  const licenceId = new Uint8Array(16);
  licenceId[0] = n;
  licenceId[15] = serial;
  return { ueid: ueid(n), licenceId, opsQuota };
}

/** accountFleet on anything at all, deferred: what the input and junk tests throw at it. */
export const account = (evidence: unknown, options?: unknown) => () => accountFleet(evidence as FleetEvidence, options as AccountingOptions);

/** The one assertion on typed errors, shared by every package's tests. */
export { expectCode } from '../../../wire/test/support/expect-code.js';
