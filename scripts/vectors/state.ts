/**
 * test-vectors/state/records.json: the secure module's persisted records (packages/module/src/storage,
 * specs/security.md §4): the state file and the monotonic counter file share one layout,
 *
 *   magic (4) ‖ version (uint16) ‖ number (uint64) ‖ length (uint32) ‖ body ‖ SHA-256 of all before,
 *
 * big-endian, magic "HKST" for state (number = generation) and "HKCT" for the counter (no body).
 * Operations: load a state file against a counter value, read a counter file, commit a state, and
 * move a counter. uint64 values are decimal strings, since JSON numbers stop being exact at 2^53.
 */
import { join } from 'node:path';
import {
  COUNTER_FILE_NAME,
  FileMonotonicCounter,
  MemoryMonotonicCounter,
  MemoryStateStore,
  type FsOps,
  type LoadedState,
} from '../../packages/module/src/storage/index.js';
import { encodeRecord, type RecordFormat } from '../../packages/module/src/storage/record.js';
import { confirm, fromHex, hex, renderVectorFile, utf8, type VectorBase } from './vector-file.js';

export const STATE_RECORDS_FORMAT = 'hemkit-state-records/v1';

type StateVector = VectorBase &
  (
    | {
        readonly operation: 'load-state';
        /** The state file; absent when there is none. */
        readonly input?: string;
        readonly counter: string;
        readonly maxStateBytes?: number;
        /** For valid vectors: what load reports (null for a fresh chip), and the counter afterwards. */
        readonly loaded?: LoadedJson | null;
        readonly counterAfter?: string;
      }
    | { readonly operation: 'read-counter'; readonly input?: string; readonly counterValue?: string }
    | { readonly operation: 'commit'; readonly input: string; readonly counter: string; readonly maxStateBytes?: number; readonly record?: string; readonly generation?: string }
    | { readonly operation: 'increment'; readonly counter: string; readonly to: string }
  );

type LoadedJson =
  | { readonly rollback: false; readonly state: string; readonly generation: string; readonly recovered: boolean }
  | { readonly rollback: true; readonly reason: string; readonly state?: string; readonly generation?: string; readonly counter: string };

const STATE: RecordFormat = { magic: 'HKST', code: 'STATE_CORRUPT', name: 'state record', maxBodyBytes: 64 * 1024 * 1024 };
const COUNTER: RecordFormat = { magic: 'HKCT', code: 'COUNTER_CORRUPT', name: 'counter record', maxBodyBytes: 0 };
const STATE_BYTES = utf8('hemkit module state (opaque to the store)');
const U64_MAX = 2n ** 64n - 1n;

const stateRecord = (generation: bigint, body = STATE_BYTES) => encodeRecord(STATE, generation, body);
const counterRecord = (value: bigint) => encodeRecord(COUNTER, value, new Uint8Array(0));
const edit = (bytes: Uint8Array, at: number, value: number) => {
  const out = bytes.slice();
  out[at] = value;
  return out;
};
const withLength = (bytes: Uint8Array, length: number) => {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(14, length);
  return out;
};

export function loadedJson(loaded: LoadedState | undefined): LoadedJson | null {
  if (loaded === undefined) return null;
  if (!loaded.rollback) return { rollback: false, state: hex(loaded.state), generation: String(loaded.generation), recovered: loaded.recovered };
  if (loaded.reason === 'state-missing') return { rollback: true, reason: loaded.reason, counter: String(loaded.counter) };
  return { rollback: true, reason: loaded.reason, state: hex(loaded.state), generation: String(loaded.generation), counter: String(loaded.counter) };
}

/** Just enough of FsOps for reading a counter file from memory. */
function readOnlyFs(files: Map<string, Uint8Array>): FsOps {
  const refuse = () => {
    throw new Error('read-only');
  };
  return {
    fileSize: (path) => files.get(path)?.length,
    readFile: (path) => files.get(path)!.slice(),
    writeAndSync: refuse,
    rename: refuse,
    syncDirectory: refuse,
    remove: refuse,
    makeDirectory: refuse,
  };
}

/** Runs a vector through the in-memory store and counter, filling in what valid vectors report. */
function run(v: StateVector): StateVector {
  switch (v.operation) {
    case 'load-state': {
      const counter = new MemoryMonotonicCounter(BigInt(v.counter));
      const store = new MemoryStateStore({ counter, ...(v.maxStateBytes !== undefined ? { maxStateBytes: v.maxStateBytes } : {}) });
      store.record = v.input === undefined ? undefined : fromHex(v.input);
      const loaded = loadedJson(store.load());
      return { ...v, loaded, counterAfter: String(counter.read()) };
    }
    case 'read-counter': {
      const files = new Map<string, Uint8Array>();
      if (v.input !== undefined) files.set(join('/nv', COUNTER_FILE_NAME), fromHex(v.input));
      return { ...v, counterValue: String(new FileMonotonicCounter({ directory: '/nv', fs: readOnlyFs(files) }).read()) };
    }
    case 'commit': {
      const counter = new MemoryMonotonicCounter(BigInt(v.counter));
      const store = new MemoryStateStore({ counter, ...(v.maxStateBytes !== undefined ? { maxStateBytes: v.maxStateBytes } : {}) });
      const generation = store.commit(fromHex(v.input));
      return { ...v, record: hex(store.record!), generation: String(generation) };
    }
    case 'increment':
      new MemoryMonotonicCounter(BigInt(v.counter)).increment(BigInt(v.to));
      return v;
  }
}

function cases(): StateVector[] {
  const good = stateRecord(5n);
  const load = (id: string, description: string, input: Uint8Array | undefined, counter: bigint, code?: string, maxStateBytes?: number): StateVector => ({
    id,
    description,
    operation: 'load-state',
    ...(input !== undefined ? { input: hex(input) } : {}),
    counter: String(counter),
    ...(maxStateBytes !== undefined ? { maxStateBytes } : {}),
    ...(code === undefined ? { result: 'valid' as const } : { result: 'invalid' as const, code }),
  });
  const readCounter = (id: string, description: string, input: Uint8Array | undefined, value?: bigint): StateVector => ({
    id,
    description,
    operation: 'read-counter',
    ...(input !== undefined ? { input: hex(input) } : {}),
    ...(value === undefined ? { result: 'invalid' as const, code: 'COUNTER_CORRUPT' } : { result: 'valid' as const, counterValue: String(value) }),
  });
  const c = counterRecord(5n);
  return [
    load('fresh-chip', 'no state file and the counter at 0: a fresh chip, nothing to load', undefined, 0n),
    load('current', 'generation 5, counter 5: the last commit is complete', good, 5n),
    load('crash-before-counter-increment', 'generation 6, counter 5: a commit died between rename and counter increment; load raises the counter', stateRecord(6n), 5n),
    load('state-older-than-counter', 'generation 3, counter 5: an older copy of the state was restored (rollback)', stateRecord(3n), 5n),
    load('counter-behind-state', 'generation 7, counter 5: an older copy of the counter was restored (rollback)', stateRecord(7n), 5n),
    load('state-missing', 'no state file but the counter at 5: the state was deleted (rollback)', undefined, 5n),
    load('empty-state', 'a state of zero bytes', stateRecord(1n, new Uint8Array(0)), 1n),
    load('generation-2pow64-minus-1', 'generation 2^64-1, the last a counter can reach', stateRecord(U64_MAX), U64_MAX),
    load('state-at-caller-bound', 'a state of exactly the store\'s bound (4 bytes)', stateRecord(1n, Uint8Array.of(1, 2, 3, 4)), 1n, undefined, 4),
    load('empty-file', 'a state file of zero bytes', new Uint8Array(0), 5n, 'STATE_CORRUPT'),
    load('truncated-header', 'a state file of 10 bytes, shorter than the 18-byte header', good.subarray(0, 10), 5n, 'STATE_CORRUPT'),
    load('bad-magic', 'a counter record where the state record belongs (magic HKCT)', encodeRecord(COUNTER, 5n, STATE_BYTES), 5n, 'STATE_CORRUPT'),
    load('bad-version', 'format version 2', edit(good, 5, 2), 5n, 'STATE_CORRUPT'),
    load('length-above-bound', 'a record declaring 5 body bytes where the store allows 4', stateRecord(1n, Uint8Array.of(1, 2, 3, 4, 5)), 1n, 'STATE_CORRUPT', 4),
    load('truncated-body', 'the length declares one byte more than the file holds', withLength(good, STATE_BYTES.length + 1), 5n, 'STATE_CORRUPT'),
    load('trailing-bytes', 'one byte after the checksum', Uint8Array.of(...good, 0), 5n, 'STATE_CORRUPT'),
    load('checksum-mismatch', 'one state byte altered: the SHA-256 no longer matches', edit(good, 20, good[20]! ^ 1), 5n, 'STATE_CORRUPT'),
    load('torn-write', 'the first half of a record, as a torn write leaves it', good.subarray(0, Math.floor(good.length / 2)), 5n, 'STATE_CORRUPT'),
    load('generation-0', 'a well-formed record of generation 0, which no commit writes', stateRecord(0n), 0n, 'STATE_CORRUPT'),
    readCounter('counter-absent', 'no counter file: a fresh chip reads 0', undefined, 0n),
    readCounter('counter-5', 'a counter record holding 5', c, 5n),
    readCounter('counter-2pow64-minus-1', 'a counter record holding 2^64-1', counterRecord(U64_MAX), U64_MAX),
    readCounter('counter-bad-magic', 'a state record where the counter belongs (magic HKST)', encodeRecord(STATE, 5n, new Uint8Array(0))),
    readCounter('counter-truncated', 'a counter record cut to 17 bytes', c.subarray(0, 17)),
    readCounter('counter-checksum-mismatch', 'the value altered after the checksum was taken', edit(c, 13, c[13]! ^ 1)),
    readCounter('counter-bad-version', 'format version 0', edit(c, 5, 0)),
    readCounter('counter-with-body', 'a counter record carrying a one-byte body', encodeRecord({ ...COUNTER, maxBodyBytes: 1 }, 5n, Uint8Array.of(0))),
    { id: 'commit-first', description: 'the first commit of a fresh chip: generation 1', operation: 'commit', input: hex(STATE_BYTES), counter: '0', result: 'valid' },
    { id: 'commit-next', description: 'a commit with the counter at 41: generation 42', operation: 'commit', input: hex(STATE_BYTES), counter: '41', result: 'valid' },
    { id: 'commit-at-bound', description: 'a state of exactly the store\'s bound of 4 bytes', operation: 'commit', input: '01020304', counter: '0', maxStateBytes: 4, result: 'valid' },
    { id: 'commit-too-large', description: 'a state of 5 bytes where the store allows 4', operation: 'commit', input: '0102030405', counter: '0', maxStateBytes: 4, result: 'invalid', code: 'STATE_TOO_LARGE' },
    { id: 'increment-by-one', description: 'a counter moved from 5 to 6', operation: 'increment', counter: '5', to: '6', result: 'valid' },
    { id: 'increment-to-2pow64-minus-1', description: 'a counter moved from 0 to 2^64-1 at once', operation: 'increment', counter: '0', to: String(U64_MAX), result: 'valid' },
    { id: 'increment-to-same', description: 'a counter asked to stay at 5', operation: 'increment', counter: '5', to: '5', result: 'invalid', code: 'COUNTER_NOT_MONOTONIC' },
    { id: 'increment-backwards', description: 'a counter asked to move from 5 to 4', operation: 'increment', counter: '5', to: '4', result: 'invalid', code: 'COUNTER_NOT_MONOTONIC' },
    { id: 'increment-past-2pow64-minus-1', description: 'a counter asked to move to 2^64: it never wraps', operation: 'increment', counter: String(U64_MAX), to: String(2n ** 64n), result: 'invalid', code: 'COUNTER_NOT_MONOTONIC' },
  ];
}

export function generateStateVectors(): Map<string, string> {
  const vectors = cases().map((v) => {
    let out: StateVector = v;
    confirm(`state vector ${v.id}`, v, () => (out = run(v)));
    return out;
  });
  const text = renderVectorFile(
    {
      format: STATE_RECORDS_FORMAT,
      generator: 'npm run vectors (scripts/vectors/state.ts)',
      description: 'The module\'s state and monotonic-counter records (specs/security.md §4): loading against a counter, rollback detection, and each corruption',
      layout: 'magic (4 ASCII bytes: HKST state, HKCT counter) || version (uint16 = 1) || number (uint64: generation or counter value) || length (uint32) || body (length bytes) || SHA-256 of every byte before it; integers big-endian',
    },
    vectors,
  );
  return new Map([['state/records.json', text]]);
}
