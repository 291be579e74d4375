/** Appending entries to the workload log (specs/messages/log-entry.md). */
import { encode } from '@hemkit/wire/cbor';
import { logEntry, type LogEntry } from '@hemkit/wire/messages';
import type { ModuleEnv } from './env.js';
import type { ChipState } from './state.js';

type Details<K extends LogEntry['kind']> = Extract<LogEntry, { kind: K }>['details'];

/** Appends one entry stamped with the chip's time and boot count; returns the new state and index. */
export function appendEntry<K extends LogEntry['kind']>(
  state: ChipState,
  env: ModuleEnv,
  kind: K,
  details: Details<K>,
): { state: ChipState; index: number } {
  const index = env.log.size;
  const entry = { index, time: state.lastTime, bootCount: state.bootcount, kind, details } as LogEntry;
  env.log.append(encode(logEntry.toCbor(entry)));
  return { state: { ...state, logSize: index + 1 }, index };
}
