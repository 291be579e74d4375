/**
 * The bound: "a 10^7-entry log must not need the whole tree in memory". A FileLogStore grows
 * from 10^5 to 10^6 entries while the process's memory (the JavaScript heap and the ArrayBuffers
 * outside it, after a full garbage collection) stays flat; the tree it wrote would take 64 MB.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { verifyConsistency, verifyInclusion } from '@hemkit/wire/merkle';
import { afterAll, describe, expect, it } from 'vitest';
import { FileLogStore } from '../../src/log/file.js';
import { hasher, removeDir, tempDir } from './support.js';

/**
 * A full collection, so that garbage does not pass for retained memory. vitest 4 starts its workers
 * without --expose-gc and offers no per-file switch; V8 accepts the flag at run time, and a new
 * context then has gc() on its global object.
 */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const dir = tempDir();
afterAll(() => removeDir(dir));

describe('FileLogStore memory', () => {
  it('stays flat while the log grows from 10^5 to 10^6 entries', () => {
    const gc = collector();
    const retained = (): number => {
      gc();
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const store = FileLogStore.open(dir, hasher);
    const entry = new Uint8Array(4);
    const view = new DataView(entry.buffer);
    const appendUpTo = (size: number): void => {
      for (let i = store.size; i < size; i++) {
        view.setUint32(0, i);
        store.append(entry);
      }
      store.flush();
    };
    appendUpTo(100_000);
    const proofAt100k = store.inclusionProof(54_321);
    const before = retained();
    appendUpTo(1_000_000);
    const after = retained();
    const growth = after - before;
    console.log(`retained memory grew by ${(growth / 1024).toFixed(0)} KiB from 10^5 to 10^6 entries`);
    expect(growth).toBeLessThan(4 * 2 ** 20);

    const onDisk = fs.readdirSync(dir).reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
    // 4 bytes of entry, 8 of offset and just under 2 hashes of 32 bytes per entry.
    expect(onDisk).toBeLessThan(1_000_000 * (4 + 8 + 2 * 32));

    const root = store.root();
    view.setUint32(0, 765_432);
    verifyInclusion(hasher, 765_432, 1_000_000, hasher.hashLeaf(entry), store.inclusionProof(765_432), root);
    verifyInclusion(hasher, 54_321, 100_000, store.leafHash(54_321), proofAt100k, store.root(100_000));
    verifyConsistency(hasher, 100_000, 1_000_000, store.consistencyProof(100_000), store.root(100_000), root);
    store.close();
  }, 120_000);
});
