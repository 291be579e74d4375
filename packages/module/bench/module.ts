/**
 * The module's own figures: commands through the firmware core, and checkpoints signed per second
 * as a ratio to the bare signature rate of the same backend in the same run.
 */
import { getBackend } from '@hemkit/wire/crypto/node';
import { createMerkleHasher } from '@hemkit/wire/merkle';
import { CMD, REPLAY } from '@hemkit/wire/messages';
import { LicenceAuthority, Manufacturer } from '../src/factory.js';
import { InProcessChip, ManualClock, seededRandom } from '../src/in-process.js';
import { MemoryLogStore } from '../src/log/index.js';
import { measure, report } from '../../wire/bench/harness.js';
import { benchCollect } from './collect.js';
import { benchLog } from './log.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

export async function benchModule(): Promise<void> {
  console.log('Secure module: commands through the firmware core (in memory, node:crypto)');
  const backend = getBackend('node');
  const hasher = createMerkleHasher((d) => backend.sha256(d));
  const clock = new ManualClock(1_800_000_000);
  const chip = new InProcessChip({ log: new MemoryLogStore(hasher), now: clock.now, random: seededRandom('bench'), backend });
  const manufacturer = new Manufacturer('fab', new Uint8Array(32).fill(1));
  const authority = new LicenceAuthority([new Uint8Array(32).fill(2)], 1);
  const hwmodel = utf8('hemkit-sim-a1');
  const made = chip.send(CMD.manufacture, { hwmodel, uds: new Uint8Array(32).fill(3) });
  chip.send(CMD.provision, {
    deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, 0),
    issuerKeys: authority.publicKeys,
    issuerThreshold: 1,
    replayDefence: [REPLAY.sequence],
    manufacturerKey: manufacturer.publicKey,
  });
  chip.send(CMD.installLicence, {
    licence: authority.issueLicence(
      { licenceId: new Uint8Array(16), ueid: made.ueid, sequenceNumber: 1, notBefore: 0, expiry: 2_000_000_000, opsQuota: 2n ** 127n, precisionClasses: [4] },
      [0],
    ),
  });
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
