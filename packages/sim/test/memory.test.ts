/**
 * Issue 14's memory goal: what a simulation keeps grows with the accounting's input, not with the
 * evidence. Two fleet sizes are driven in one thread and the heap kept after a full GC is compared:
 * beyond the first 500 chips (which also warm the code: compiled code is most of what the first few
 * hundred chips add), each further chip may add at most MAX_BYTES_PER_CHIP. The ledger's own share
 * is about 0.3 KiB a chip (measured: 0.30–0.36 KiB from 500 to 3,000 chips); the rest of the bound
 * is room for the bounded caches (the firmware's key cache, cleared at 1,024 keys). Before the
 * ledger, each chip kept 3.5–6 KiB (its lineage and appraisal objects, each digest and UEID a typed
 * array of its own), which fails.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Interned, Ledger } from '../src/ledger.js';
import { generateFleet } from '../src/scenario.js';
import { driveRange } from '../src/simulate.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MAX_BYTES_PER_CHIP = 1024;
const SMALL = 500;
const LARGE = 2_000;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('the simulation\'s memory', () => {
  it(`keeps less than ${MAX_BYTES_PER_CHIP} bytes a chip beyond the first ${SMALL}, driving ${LARGE} chips`, () => {
    const fleet = generateFleet('memory', LARGE);
    const ledger = new Ledger(new Interned());
    driveRange(fleet, 0, SMALL, (r) => ledger.add(r));
    const small = heapAfterGc();
    driveRange(fleet, SMALL, LARGE, (r) => ledger.add(r));
    const large = heapAfterGc();
    expect(ledger.chips).toBe(LARGE);
    expect(ledger.lineageWorkloads).toBeGreaterThan(LARGE / 2); // the ledger holds the fleet's evidence, or the test measures nothing
    const perChip = (large - small) / (LARGE - SMALL);
    console.log(`heap kept per chip beyond ${SMALL}: ${perChip.toFixed(0)} bytes`);
    expect(perChip).toBeLessThan(MAX_BYTES_PER_CHIP);
  }, 600_000);
});
