/**
 * The module's own figures: commands through the firmware core, and checkpoints signed per second
 * as a ratio to the bare signature rate of the same backend in the same run.
 */
import { getBackend } from '@hemkit/wire/crypto/node';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { CMD } from '@hemkit/wire/messages';
import { MemoryLogStore } from '../src/log/index.js';
import { measure, report } from '../../wire/bench/harness.js';
import { licensedBenchChip } from './chip.js';
import { benchCollect } from './collect.js';
import { benchLog } from './log.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

export async function benchModule(): Promise<void> {
  console.log('Secure module: commands through the firmware core (in memory, node:crypto)');
  const backend = getBackend('node');
  const hasher = createMerkleHasher((d) => backend.sha256(d));
  const chip = licensedBenchChip(new MemoryLogStore(hasher), backend, 'bench');
  const seedKey = new Uint8Array(32).fill(9);
  const message = new Uint8Array(200).fill(5);
  const bareSign = measure('bare Ed25519 sign (node)', () => backend.sign('ed25519', seedKey, message));
  const checkpoint = measure('checkpoint command (signed + C2SP note)', () => chip.send(CMD.checkpoint, {}));
  report(checkpoint, bareSign);
  console.log('    a checkpoint signs twice (the COSE checkpoint and the signed note), so 0.5 is the ceiling');
  const workload = { workloadDescriptor: utf8('{"run":"bench"}'), precisionClass: 4 as const, ops: 1000n };
  const run = measure('run-workload command (2 log entries, counters)', () => chip.send(CMD.runWorkload, workload));
  const leaf = measure('bare leaf hash ×2', () => {
    hasher.hashLeaf(message);
    hasher.hashLeaf(message);
  });
  report(run, leaf);
  console.log();
  await benchLog();
  console.log();
  await benchCollect();
}
