/**
 * Crash safety of the real device process: a child serving over stdio is killed with SIGKILL at
 * random points of a stream of commands, then restarted. After every restart, nothing it
 * acknowledged is lost and no counter has moved backwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@hemkit/wire/cbor';
import {
  CMD,
  encodeRequest,
  EVENT,
  logEntry,
  parseResponse,
  REPLAY,
  STATUS_OK,
  workloadCommitment,
  type CommandId,
  type ParamsOf,
  type ResultOf,
} from '@hemkit/wire/messages';
import { LicenceAuthority, Manufacturer } from '../../src/factory.js';
import { Device } from '../../src/device/index.js';
import { stdioClient } from '../../src/transport/index.js';
import { seededRandom } from '../../src/in-process.js';
import { seed, utf8 } from '../support/scenario.js';

const MAIN = join(import.meta.dirname, '../../src/device/main.ts');
const ROUNDS = 24;
const OPS = 1000n;
const descriptor = utf8('{"run":"kill-test"}');

let requestId = 0;
function request<C extends CommandId>(command: C, params: ParamsOf<C>): Uint8Array {
  return encode(encodeRequest({ command, requestId: ++requestId, params }));
}
function result<C extends CommandId>(command: C, bytes: Uint8Array): ResultOf<C> {
  const response = parseResponse(decode(bytes), command);
  if (response.status !== STATUS_OK) throw new Error(`${response.error.code}: ${response.error.message}`);
  return response.result;
}

/** Manufactures, provisions and licenses a chip in `dir`, in process. */
function setUp(dir: string): void {
  const device = Device.open(dir, { random: seededRandom('kill test') });
  const manufacturer = new Manufacturer('fab', seed('manufacturer'));
  const authority = new LicenceAuthority([seed('issuer-0'), seed('issuer-1')], 2);
  const hwmodel = utf8('hemkit-sim-a1');
  const made = result(CMD.manufacture, device.handle(request(CMD.manufacture, { hwmodel })));
  result(CMD.provision, device.handle(request(CMD.provision, {
    deviceCertificate: manufacturer.issueDeviceCertificate({ ...made, hwmodel }, 0),
    issuerKeys: authority.publicKeys,
    issuerThreshold: 2,
    replayDefence: [REPLAY.sequence],
    manufacturerKey: manufacturer.publicKey,
  })));
  const now = Math.floor(Date.now() / 1000);
  result(CMD.installLicence, device.handle(request(CMD.installLicence, {
    licence: authority.issueLicence(
      { licenceId: seed('lic').subarray(0, 16), ueid: made.ueid, sequenceNumber: 1, notBefore: now - 60, expiry: now + 86_400, opsQuota: 10n ** 30n, precisionClasses: [4] },
      [0, 1],
    ),
  })));
  device.close();
}

interface Acknowledged {
  readonly finishedIndex: number;
  readonly salt: Uint8Array;
  readonly remainingQuota: bigint;
}

describe('the device process under SIGKILL', () => {
  it(`loses no acknowledged entry and moves no counter backwards over ${ROUNDS} kills`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hemkit-kill-'));
    setUp(dir);
    const acknowledged: Acknowledged[] = [];
    let killsMidCommand = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawn(process.execPath, ['--conditions=@hemkit/source', '--import', 'tsx', MAIN, '--dir', dir], { stdio: ['pipe', 'pipe', 'inherit'] });
      const client = stdioClient(child);
      // Check what survived the previous kill before adding more.
      const status = result(CMD.status, await client.request(request(CMD.status, {})));
      const last = acknowledged[acknowledged.length - 1];
      if (last !== undefined) {
        expect(status.treeSize).toBeGreaterThan(last.finishedIndex);
        expect(status.licenceState!.remainingQuota).toBeLessThanOrEqual(last.remainingQuota);
        expect(status.counters.totalOps).toBeGreaterThanOrEqual(BigInt(acknowledged.length) * OPS);
      }
      for (const ack of acknowledged.slice(-3)) {
        const proof = result(CMD.proveInclusion, await client.request(request(CMD.proveInclusion, { logIndex: ack.finishedIndex, treeSize: status.treeSize })));
        const entry = logEntry.parse(decode(proof.entry), 'entry');
        expect(entry.kind).toBe(EVENT.workloadFinished);
        expect(entry.kind === EVENT.workloadFinished && Buffer.from(entry.details.workloadCommitment).equals(Buffer.from(workloadCommitment(ack.salt, descriptor)))).toBe(true);
      }
      // Now a stream of workloads, killed after a varied delay, usually mid-command. The clock starts at
      // the round's first acknowledged workload, so that every round adds at least one however loaded
      // the machine is (a kill before any would test nothing new).
      const killAfterMs = 20 + ((round * 37) % 120);
      let killer: ReturnType<typeof setTimeout> | undefined;
      try {
        for (;;) {
          const r = result(
            CMD.runWorkload,
            await client.request(request(CMD.runWorkload, { workloadDescriptor: descriptor, precisionClass: 4, ops: OPS })),
          );
          acknowledged.push({ finishedIndex: r.finishedIndex!, salt: r.salt!, remainingQuota: r.remainingQuota });
          killer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          if (round % 4 === 0) result(CMD.checkpoint, await client.request(request(CMD.checkpoint, {})));
        }
      } catch {
        killsMidCommand++; // the request in flight when the kill came was never acknowledged
      } finally {
        clearTimeout(killer);
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve).once('error', resolve));
        await client.close().catch(() => {});
      }
    }
    expect(killsMidCommand).toBe(ROUNDS);
    expect(acknowledged.length).toBeGreaterThan(ROUNDS);
    // A final restart: every acknowledged workload is counted, exactly or more (an unacknowledged
    // command may have completed before the kill; none may be lost).
    const device = Device.open(dir);
    const state = device.chipState!;
    expect(state.counters.totalOps).toBeGreaterThanOrEqual(BigInt(acknowledged.length) * OPS);
    expect(state.counters.totalOps % OPS).toBe(0n);
    expect(state.refusing).toBe(false);
    device.close();
  }, 180_000);
});
