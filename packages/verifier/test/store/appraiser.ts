/**
 * A verifier process for the multi-process store tests, run as `node --import tsx appraiser.ts <db> <mode> [n]`.
 *
 * - `count <n>`: opens the store, prints `ready`, waits for `go` on stdin (so that two processes start
 *   together), then makes n appraisals of one chip, each adding 1 to the total it read.
 * - `forever`: appraises the same way until killed, printing the new total after each commit returns.
 *
 * Each appraisal also adds a checkpoint whose tree size is the new total, so a test can see that the
 * counter and the checkpoints were committed together.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SqliteVerifierStore } from '../../src/store/sqlite.js';
import { checkpoint, update, ueid } from './support.js';

const [path, mode, count] = process.argv.slice(2);
if (path === undefined || (mode !== 'count' && mode !== 'forever')) {
  throw new Error('usage: appraiser.ts <db> count <n> | forever');
}

const CHIP = ueid(1);
const store = SqliteVerifierStore.open(path);

function appraiseOnce(): bigint {
  return store.appraise(CHIP, (memory) => {
    const total = (memory?.totalOps ?? 0n) + 1n;
    return { result: total, update: update(CHIP, { totalOps: total, checkpoints: [checkpoint(Number(total))] }) };
  });
}

if (mode === 'forever') {
  for (;;) writeSync(1, `${appraiseOnce()}\n`); // writeSync: a line printed is a commit that returned
} else {
  writeSync(1, 'ready\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line !== 'go') continue;
    for (let i = 0; i < Number(count); i++) appraiseOnce();
    store.close();
    writeSync(1, 'done\n');
    process.exit(0);
  }
}
