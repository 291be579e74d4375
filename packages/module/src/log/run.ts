/**
 * A run of consecutive entries with the frontier before it (specs/merkle.md §9): what read-entries
 * returns (module-commands.md §3.1). Together they are checked against one root, the root of the log
 * at the run's end, at a leaf hash and about one node hash an entry, where a proof per entry would
 * cost log2(n) each.
 */
import type { LogRun } from '../firmware/env.js';
import { requireCount, requireIndexBelow, requireSizeAtMost } from './checks.js';

export type { LogRun };

/**
 * The entries from `start` on, before `end`: the first whatever its size, then each that keeps the
 * run's bytes within `maxBytes`, stopping at the first that does not. With `frontier(start)`. Throws
 * the stores' Merkle codes for a start outside the log or an end beyond it.
 */
export function readRun(
  log: { readonly size: number; entry(index: number): Uint8Array; frontier(size: number): Uint8Array[] },
  start: number,
  end: number,
  maxBytes: number,
): LogRun {
  requireIndexBelow(start, log.size);
  requireSizeAtMost('end', end, log.size);
  requireCount('maxBytes', maxBytes);
  const entries = [log.entry(start)];
  let bytes = entries[0]!.length;
  for (let index = start + 1; index < end; index++) {
    const entry = log.entry(index);
    if (bytes + entry.length > maxBytes) break;
    bytes += entry.length;
    entries.push(entry);
  }
  return { entries, frontier: log.frontier(start) };
}
