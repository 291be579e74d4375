/**
 * The trace of a scenario run (specs/scenarios.md §4): for every step, the exchange, the outcome
 * against the expectation, the state transitions, the log entries appended and the cost. JSON all the
 * way down: bytes as lowercase hex, counts above 2^53 as decimal strings, so a trace can be diffed.
 */
import { decode } from '@hemkit/wire/cbor';
import { toHex } from '@hemkit/wire/bytes';
import { EVENT_NAMES, LOCK_NAMES, logEntry, PRECISION_NAMES } from '@hemkit/wire/messages';
import type { ChipState } from '../firmware/state.js';
import type { Cost } from './meter.js';
import type { CrashPoint } from './part.js';

export const TRACE_FORMAT = 'hemkit-scenario-trace/v1';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Any value the firmware's messages hold, as JSON: bytes in hex, bigints as decimal strings. */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]));
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toJson(v)]));
  }
  return String(value);
}

/**
 * What a trace shows of the chip's state: the fields a researcher follows, flattened to dotted
 * names, so a transition is a name with a before and an after. Secrets (the UDS) are left out.
 */
export function stateSummary(state: ChipState | undefined): Record<string, Json> {
  if (state === undefined) return { manufactured: false };
  const c = state.counters;
  const summary: Record<string, Json> = {
    manufactured: true,
    provisioned: state.provisioning !== undefined,
    lockState: LOCK_NAMES.get(state.lockState) ?? state.lockState,
    refusing: state.refusing,
    svn: state.svn,
    bootcount: state.bootcount,
    logSize: state.logSize,
    'licence.id': state.licence ? toHex(state.licence.licenceId) : null,
    'licence.sequenceNumber': state.licence?.sequenceNumber ?? null,
    'licence.remainingQuota': state.licence ? state.licence.remainingQuota.toString() : null,
    'licence.expiry': state.licence?.expiry ?? null,
    highestSequence: state.highestSequence ?? null,
    // The issuer set in force (licence.md §5a): its update's sequence number (absent: provisioned), threshold and size.
    issuerSetSequence: state.issuerSetSequence ?? null,
    'issuers.threshold': state.provisioning?.issuerThreshold ?? null,
    'issuers.keys': state.provisioning?.issuerKeys.length ?? null,
    pendingChallenge: state.pendingChallenge ? toHex(state.pendingChallenge) : null,
    appliedLicenceHashes: state.appliedLicenceHashes.length,
    revokedLicences: state.revokedLicences.length,
    appliedRevocations: state.appliedRevocations.length,
    'counters.totalOps': c.totalOps.toString(),
    'counters.busyChipSeconds': c.busyChipSeconds,
    'counters.interconnectBytes': c.interconnectBytes.toString(),
    'counters.workloadsRun': c.workloadsRun,
  };
  // Present only when metered, so the traces of chips that move no memory are what they were.
  if (state.licence?.remainingMemoryQuota !== undefined) summary['licence.remainingMemoryQuota'] = state.licence.remainingMemoryQuota.toString();
  if (c.memoryBytes !== undefined) summary['counters.memoryBytes'] = c.memoryBytes.toString();
  for (const [precision, ops] of c.opsByPrecision) summary[`counters.ops.${PRECISION_NAMES.get(precision) ?? precision}`] = ops.toString();
  return summary;
}

export interface Transition {
  readonly from: Json;
  readonly to: Json;
}

export function transitions(before: Record<string, Json>, after: Record<string, Json>): Record<string, Transition> {
  const changed: Record<string, Transition> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = before[key] ?? null;
    const to = after[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changed[key] = { from, to };
  }
  return changed;
}

export interface TracedEntry {
  readonly index: number;
  readonly kind: string;
  readonly entry: Json;
  /** The entry's deterministic CBOR, in hex. */
  readonly bytes: string;
}

export function traceEntry(bytes: Uint8Array): TracedEntry {
  const entry = logEntry.parse(decode(bytes), 'log-entry');
  return { index: entry.index, kind: EVENT_NAMES.get(entry.kind) ?? String(entry.kind), entry: toJson(entry), bytes: toHex(bytes) };
}

export interface TraceStep {
  readonly index: number;
  readonly comment: string;
  /** The command's name, or the event's. */
  readonly do: string;
  /** The chip's clock when the step ran (seconds since the epoch). */
  readonly time: number;
  readonly request?: string;
  readonly response?: string;
  /** Set when power was lost during the commit: the response never left the part. */
  readonly powerLost?: CrashPoint;
  readonly expect: string;
  readonly outcome: string;
  readonly matched: boolean;
  readonly error?: { readonly code: string; readonly message: string };
  readonly result?: Json;
  readonly transitions: Record<string, Transition>;
  readonly logEntries: readonly TracedEntry[];
  readonly cost: Cost;
  /** Bytes on the persistent medium after the step. */
  readonly stored: { readonly state: number; readonly log: number };
  readonly appraisal?: Json;
}

export interface Trace {
  readonly format: typeof TRACE_FORMAT;
  readonly scenario: string;
  readonly description: string;
  /** The firmware policy the chip ran ("default" unless the runner was given another). */
  readonly policy: string;
  readonly steps: readonly TraceStep[];
  readonly totals: Cost;
  readonly final: Record<string, Json>;
  /** The log as it stands at the end, entry by entry (hex of the deterministic CBOR). */
  readonly log: readonly string[];
  /** Steps whose outcome was not the one the scenario expected. */
  readonly mismatches: readonly number[];
}
