/**
 * The body of the device's state record (storage/store.ts keeps it as opaque bytes): the chip's
 * state and the root of its log, committed together (specs/security.md §10.1):
 *
 *   device-record = { 1: chip-state, 2: log-root }
 *
 * where chip-state is the firmware's state (firmware/state.ts) and log-root is MTH of its first
 * `logSize` entries (RFC 9162 §2.1.1). The root is what lets the device check its log files, which
 * the operator controls, against the state it acknowledged (log/reconcile.ts, log/verified-log.ts).
 * Internal to the simulation, like the state it wraps: not a wire message.
 */
import { decode, encode } from '@hemkit/wire/cbor';
import { HemkitError, isHemkitError } from '@hemkit/wire/errors';
import { digest, field, record } from '@hemkit/wire/messages';
import { chipStateCodec, type ChipState } from '../firmware/state.js';
import { bytesEqual } from '@hemkit/wire/bytes';

const deviceRecord = record('device-record', {
  chip: field(1, chipStateCodec),
  logRoot: field(2, digest),
});

export interface DeviceRecord {
  readonly chip: ChipState;
  readonly logRoot: Uint8Array;
}

export function encodeDeviceRecord(value: DeviceRecord): Uint8Array {
  return encode(deviceRecord.toCbor(value));
}

/** Decodes a record whose checksum held; a body that is not a device record is STATE_CORRUPT. */
export function decodeDeviceRecord(body: Uint8Array): DeviceRecord {
  try {
    return deviceRecord.parse(decode(body), 'device-record');
  } catch (cause) {
    if (!isHemkitError(cause)) throw cause;
    throw new HemkitError('STATE_CORRUPT', `state record: the body is not a device record (${cause.code}: ${cause.message})`, { cause });
  }
}

/**
 * Whether `a` and `b` differ only in the time that says when the chip last answered (device.ts,
 * "What is written"): `lastTime`, which every command moves. Checkpoints keep nothing in the state
 * (reports bind the live log head, attestation-report.md §1.1), so a checkpoint writes nothing. A
 * structural comparison, not an encoding: it runs on every command.
 */
export function sameButTimes(a: ChipState, b: ChipState): boolean {
  const untimed = (state: ChipState) => {
    const { lastTime: _time, ...rest } = state;
    return rest;
  };
  return sameValue(untimed(a), untimed(b));
}

/** Deep equality over the values a chip state holds: plain objects, arrays, bytes, maps and scalars. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array && bytesEqual(a, b);
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    for (const [key, value] of a) if (!b.has(key) || !sameValue(value, b.get(key))) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const other = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return keys.length === other.length && keys.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
