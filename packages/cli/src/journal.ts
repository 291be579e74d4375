/**
 * The openings journal, `<chip>/openings.jsonl`: the salt and descriptor of every workload run from
 * the command line, one JSON line per run. It sits beside the chip, never in its log (the log keeps
 * only the salted commitment): the operator decides what to open, for which verifier.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './io.js';
import { fromHex, toHex } from '@hemkit/wire/bytes';

export const JOURNAL_FILE = 'openings.jsonl';

export interface JournalRecord {
  readonly startedIndex: number;
  readonly finishedIndex: number;
  readonly salt: Uint8Array;
  readonly descriptor: Uint8Array;
  /** The model states the run named (log-entry.md §3.1), opened with its finished entry only. */
  readonly parentStates?: readonly Uint8Array[];
  readonly producedState?: Uint8Array;
}

export function appendJournal(chipDir: string, records: readonly JournalRecord[]): void {
  if (records.length === 0) return;
  const lines = records.map(
    (r) =>
      JSON.stringify({
        startedIndex: r.startedIndex,
        finishedIndex: r.finishedIndex,
        salt: toHex(r.salt),
        descriptor: toHex(r.descriptor),
        ...(r.producedState !== undefined ? { parentStates: (r.parentStates ?? []).map(toHex), producedState: toHex(r.producedState) } : {}),
      }) + '\n',
  );
  appendFileSync(join(chipDir, JOURNAL_FILE), lines.join(''), { mode: 0o600 });
}

export function readJournal(chipDir: string): JournalRecord[] {
  const file = join(chipDir, JOURNAL_FILE);
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.trim() === '') last--;
  const out: JournalRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const r = parseRecord(line);
    if (r !== undefined) out.push(r);
    // A torn last line (a crash mid-append) is skipped; a damaged line before it is a damaged journal.
    else if (i !== last) throw new UsageError(`${file}: line ${i + 1} is not a journal record`);
  });
  return out;
}

function parseRecord(line: string): JournalRecord | undefined {
  try {
    const r = JSON.parse(line) as Record<string, unknown>;
    const isHex = (v: unknown): v is string => typeof v === 'string' && /^([0-9a-f]{2})*$/.test(v);
    if (!Number.isSafeInteger(r.startedIndex) || !Number.isSafeInteger(r.finishedIndex) || !isHex(r.salt) || !isHex(r.descriptor)) return undefined;
    const base = { startedIndex: r.startedIndex as number, finishedIndex: r.finishedIndex as number, salt: fromHex(r.salt), descriptor: fromHex(r.descriptor) };
    if (r.producedState === undefined) return base;
    if (!isHex(r.producedState) || !Array.isArray(r.parentStates) || !r.parentStates.every(isHex)) return undefined;
    return { ...base, parentStates: r.parentStates.map((p) => fromHex(p)), producedState: fromHex(r.producedState) };
  } catch {
    return undefined;
  }
}

/** The openings to attach, by log index, for the chosen indices (either entry of a run selects both) or all. */
export function openingsFor(
  records: readonly JournalRecord[],
  which: readonly number[] | 'all',
): Map<number, { salt: Uint8Array; descriptor: Uint8Array; parentStates?: readonly Uint8Array[]; producedState?: Uint8Array }> {
  const map = new Map<number, { salt: Uint8Array; descriptor: Uint8Array; parentStates?: readonly Uint8Array[]; producedState?: Uint8Array }>();
  for (const index of which === 'all' ? [] : which) {
    if (!records.some((r) => r.startedIndex === index || r.finishedIndex === index)) {
      throw new UsageError(`no run in the openings journal has log entry ${index} (hemkit module run records each run's salt)`);
    }
  }
  for (const r of records) {
    if (which !== 'all' && !which.includes(r.startedIndex) && !which.includes(r.finishedIndex)) continue;
    map.set(r.startedIndex, { salt: r.salt, descriptor: r.descriptor });
    const states = r.producedState !== undefined ? { parentStates: r.parentStates ?? [], producedState: r.producedState } : {};
    map.set(r.finishedIndex, { salt: r.salt, descriptor: r.descriptor, ...states });
  }
  return map;
}
