/**
 * The operator's cost of collecting an evidence bundle of 1,000 disclosed entries in the frontier form
 * (verifier.md §2): with read-entries (module-commands.md §3.1), against the former collection, which
 * sent one prove-inclusion an entry only to read the entry and kept the frontier of the first receipt.
 * Both run in the same process on the same chip, over the log the device reads through (VerifiedLog);
 * the chip's signatures are counted at its crypto backend.
 */
import { loadavg } from 'node:os';
import { decode, encode } from '@hemkit/wire/cbor';
import { getBackend } from '@hemkit/wire/crypto/node';
import { createMerkleHasher, frontierFromInclusionProof } from '@hemkit/wire/merkle';
import { attestationReportClaims, CMD, evidenceBundle, inclusionReceiptProof, peekClaims } from '@hemkit/wire/messages';
import { collectEvidence, type CommandPort } from '../src/evidence.js';
import { MemoryLogStore, VerifiedLog } from '../src/log/index.js';
import { licensedBenchChip } from './chip.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const DISCLOSED = 1000;

/** collectEvidence's frontier form as it was: one prove-inclusion (one signature) an entry. */
function formerCollect(chip: CommandPort, nonce: Uint8Array, knownTreeSize: number): Uint8Array {
  const { report, deviceCertificate, attestationKeyCertificate } = chip.send(CMD.attest, { nonce });
  const head = peekClaims(attestationReportClaims, report).claims.logHead.treeSize;
  const consistencyReceipts = [chip.send(CMD.proveConsistency, { treeSize1: knownTreeSize, treeSize2: head }).receipt];
  const entries = [];
  let frontier: Uint8Array[] = [];
  for (let index = knownTreeSize; index < head; index++) {
    const { receipt, entry } = chip.send(CMD.proveInclusion, { logIndex: index, treeSize: head });
    if (index === knownTreeSize) {
      const proof = inclusionReceiptProof(receipt);
      frontier = frontierFromInclusionProof(proof.leafIndex, proof.treeSize, proof.path);
    }
    entries.push({ entry });
  }
  return encode(evidenceBundle.toCbor({ report, deviceCertificate, attestationKeyCertificate, consistencyReceipts, entries, frontier }));
}

export async function benchCollect(): Promise<void> {
  console.log(`Operator: collecting a bundle of ${DISCLOSED} disclosed entries, frontier form (in memory, VerifiedLog, node:crypto)`);
  const node = getBackend('node');
  let signatures = 0;
  const backend = { ...node, sign: (...args: Parameters<typeof node.sign>) => (signatures++, node.sign(...args)) };
  const hasher = createMerkleHasher((d) => backend.sha256(d));
  const chip = licensedBenchChip(new VerifiedLog(new MemoryLogStore(hasher), hasher), backend, 'bench collect');
  for (let i = 0; i < DISCLOSED / 2 + 4; i++) chip.send(CMD.runWorkload, { workloadDescriptor: utf8(`{"run":${i}}`), precisionClass: 4, ops: 1000n });
  const known = chip.env.log.size - DISCLOSED;
  const nonce = new Uint8Array(16).fill(7);
  const { consistencyReceipts: _link, ...formerParts } = evidenceBundle.parse(decode(formerCollect(chip, nonce, known)), 'evidence-bundle');
  const after = collectEvidence(chip, { nonce, knownTreeSize: known });
  // The same bundle but for the consistency receipt, which the frontier now stands in for (verifier.md §5 note 10).
  if (Buffer.compare(encode(evidenceBundle.toCbor(formerParts)), after) !== 0) throw new Error('the two collections made different bundles');
  const signed = (collect: () => unknown): number => {
    const at = signatures;
    collect();
    return signatures - at;
  };
  const [signedBefore, signedAfter] = [signed(() => formerCollect(chip, nonce, known)), signed(() => collectEvidence(chip, { nonce, knownTreeSize: known }))];
  console.log(`  the same bundle but for the consistency receipt (${after.length} bytes, log of ${chip.env.log.size}); chip signatures per bundle: ${signedBefore} before, ${signedAfter} with read-entries (saved ${signedBefore - signedAfter})`);
  // Interleaved rounds, so that both see the same load; CPU time (process.cpuUsage) as well as wall time,
  // since a machine shared with other work distorts the second only.
  const former = () => formerCollect(chip, nonce, known);
  const reading = () => collectEvidence(chip, { nonce, knownTreeSize: known });
  for (let i = 0; i < 3; i++) (former(), reading());
  const rounds = { former: [] as [number, number][], reading: [] as [number, number][] };
  for (let i = 0; i < 15; i++) {
    for (const [name, collect] of [['former', former], ['reading', reading]] as const) {
      const cpu = process.cpuUsage();
      const wall = performance.now();
      collect();
      const used = process.cpuUsage(cpu);
      rounds[name].push([performance.now() - wall, (used.user + used.system) / 1000]);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [wallBefore, cpuBefore] = [median(rounds.former.map((r) => r[0])), median(rounds.former.map((r) => r[1]))];
  const [wallAfter, cpuAfter] = [median(rounds.reading.map((r) => r[0])), median(rounds.reading.map((r) => r[1]))];
  console.log(`  per bundle, median of 15 interleaved rounds: before ${wallBefore.toFixed(1)} ms wall, ${cpuBefore.toFixed(1)} ms CPU; with read-entries ${wallAfter.toFixed(1)} ms wall, ${cpuAfter.toFixed(1)} ms CPU`);
  console.log(`  before / after: ${(wallBefore / wallAfter).toFixed(1)}× wall, ${(cpuBefore / cpuAfter).toFixed(1)}× CPU; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
