/**
 * Appraisals per second through the verifier store: the SQLite file (WAL, synchronous FULL, so one
 * fsync per appraisal) against the in-memory store measured in the same run. Each appraisal is what
 * `appraise` does for real: read the chip's memory, use a fresh nonce, and record raised counters and
 * one new checkpoint, round-robin over a fleet so that no chip's checkpoint list grows long.
 *
 * No goal ratio: the SQLite figure is bounded by the disk's fsync latency, which a ratio to a memory
 * baseline cannot judge. Printed for planning (how many chips one verifier process can keep up with).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Measurement, measure, report } from '../../wire/bench/harness.js';
import { MemoryVerifierStore, type VerifierStore } from '../src/store/index.js';
import { SqliteVerifierStore } from '../src/store/sqlite.js';

const FLEET = 1000;
/** About a year of hourly checkpoints: what one chip's memory holds after months of appraisals. */
const LONG_MEMORY = 10_000;
const ROUNDS = 2;
const SECONDS_PER_ROUND = 1;

function appraiser(store: VerifierStore, fleet = FLEET): () => void {
  const ueids = Array.from({ length: fleet }, (_, i) => {
    const u = new Uint8Array(17);
    u[0] = 0x01;
    new DataView(u.buffer).setUint32(13, i);
    return u;
  });
  const nonce = new Uint8Array(16);
  const nonces = new DataView(nonce.buffer);
  let n = 0;
  return () => {
    const ueid = ueids[n % fleet]!;
    nonces.setUint32(0, n++);
    store.appraise(ueid, (memory) => {
      if (!store.useNonce(nonce, 1_800_000_600)) throw new Error('nonce reused');
      // What an appraisal reads of the checkpoints: the latest, and one by size (checks 10 and 13).
      memory?.checkpointAt(1);
      const size = (memory?.latestCheckpoint?.treeSize ?? 0) + 1;
      const totalOps = (memory?.totalOps ?? 0n) + 10n ** 24n;
      return {
        result: undefined,
        update: {
          ueid,
          bootcount: 1,
          totalOps,
          workloadsRun: size,
          checkpoints: [{ treeSize: size, rootHash: new Uint8Array(32).fill(size & 0xff), issuedAt: 1_800_000_000, totalOps }],
          appraisedAt: 1_800_000_000,
          licenceUsage: new Map([['00112233445566778899aabbccddeeff', totalOps]]),
          activeLicence: '00112233445566778899aabbccddeeff',
        },
      };
    });
  };
}

/** Gives chip 0 of the fleet `count` checkpoints in one appraisal. */
function seed(store: VerifierStore, count: number): void {
  const ueid = new Uint8Array(17);
  ueid[0] = 0x01;
  const checkpoints = Array.from({ length: count }, (_, i) => ({ treeSize: i + 1, rootHash: new Uint8Array(32), issuedAt: 1_800_000_000, totalOps: BigInt(i) }));
  store.appraise(ueid, () => ({
    result: undefined,
    update: { ueid, bootcount: 1, totalOps: BigInt(count), workloadsRun: count, checkpoints, appraisedAt: 1_800_000_000, licenceUsage: new Map(), activeLicence: undefined },
  }));
}

export async function benchStore(): Promise<void> {
  console.log(`verifier store: appraisals/s (read, nonce, record), fleet of ${FLEET} chips`);
  const dir = mkdtempSync(join(tmpdir(), 'hemkit-bench-store-'));
  const memory = new MemoryVerifierStore();
  const sqlite = SqliteVerifierStore.open(join(dir, 'verifier.db'));
  try {
    const onMemory = appraiser(memory);
    const onSqlite = appraiser(sqlite);
    // Alternating rounds, best of each: the machine is shared and a burst of other work skews one round.
    const rounds = Array.from({ length: ROUNDS }, () => ({
      memory: measure('MemoryVerifierStore appraise', onMemory, SECONDS_PER_ROUND),
      sqlite: measure('SqliteVerifierStore appraise (WAL, sync FULL)', onSqlite, SECONDS_PER_ROUND),
    }));
    const fastest = (ms: Measurement[]): Measurement => ms.reduce((a, b) => (b.opsPerSecond > a.opsPerSecond ? b : a));
    const best = { memory: fastest(rounds.map((r) => r.memory)), sqlite: fastest(rounds.map((r) => r.sqlite)) };
    report(best.memory, best.memory);
    report(best.sqlite, best.memory);

    // An appraisal reads the latest checkpoint and one by size: an old chip costs what a new one does.
    const memoryLong = new MemoryVerifierStore();
    const sqliteLong = SqliteVerifierStore.open(join(dir, 'long.db'));
    try {
      for (const store of [memoryLong, sqliteLong]) seed(store, LONG_MEMORY);
      const m = measure(`MemoryVerifierStore, ${LONG_MEMORY} checkpoints`, appraiser(memoryLong, 1), SECONDS_PER_ROUND / 2);
      const s = measure(`SqliteVerifierStore, ${LONG_MEMORY} checkpoints`, appraiser(sqliteLong, 1), SECONDS_PER_ROUND / 2);
      report(m, best.memory);
      report(s, best.memory);
    } finally {
      memoryLong.close();
      sqliteLong.close();
    }
  } finally {
    memory.close();
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
