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
 * The chip's state as the device compares it to decide whether a command must be committed
 * (device.ts, "What is written"): all of it but the times that only say when the chip last answered,
 * `lastTime`, which every command moves, and the time of the latest checkpoint when its tree size and
 * root are unchanged, which every checkpoint of a log that has not grown moves. A verifier matches a
 * report's latest checkpoint to a checkpoint by size and root (verifier.md §5, the checkpoints
 * check), never by time.
 */
export function encodeWithoutTime(state: ChipState): Uint8Array {
  const { latestCheckpoint } = state;
  return encode(
    chipStateCodec.toCbor({
      ...state,
      lastTime: 0,
      ...(latestCheckpoint !== undefined ? { latestCheckpoint: { ...latestCheckpoint, issuedAt: 0 } } : {}),
    }),
  );
}
