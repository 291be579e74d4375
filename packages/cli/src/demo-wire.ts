/**
 * `npm run demo`: a guided tour of the wire layer, the ground the secure module and the verifier
 * stand on. Every key is derived from a fixed label, so every run prints the same bytes.
 * (The module and the verifier are later issues; this tour shows what exists, never a placeholder.)
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  CborTag,
  cborMap,
  cosePublicKey,
  createMerkleHasher,
  decode,
  decodeSign1,
  encode,
  HemkitError,
  inclusionProof,
  consistencyProof,
  merkleRoot,
  nobleBackend,
  signSign,
  signSign1,
  toDiagnostic,
  verifyAllSignatures,
  verifyConsistency,
  verifyInclusion,
  verifySign1,
  type CborValue,
  type CoseAlgorithm,
} from '@hemkit/wire';
import { getBackend, isBackendAvailable } from '@hemkit/wire/crypto/node';
import { bold, cyan, dim, green, hexOf, red } from './output.js';

/** Where the tour prints (main passes its stdout). */
let out: (line: string) => void = (line) => console.log(line);

const utf8 = (s: string) => new TextEncoder().encode(s);
const seed = (label: string) => sha256(utf8(`hemkit demo key: ${label}`));

/** Claim names (RFC 9711 and specs/registries.md) for the keys the tour uses, so the output reads as claims. */
const CLAIM_NAMES: ReadonlyMap<CborValue, string> = new Map<CborValue, string>([
  [6, 'iat'],
  [10, 'eat_nonce'],
  [256, 'ueid'],
  [259, 'hwmodel'],
  [263, 'dbgstat'],
  [267, 'bootcount'],
  [-72001, 'counters (hemkit profile)'],
]);
const COUNTER_NAMES: ReadonlyMap<CborValue, string> = new Map<CborValue, string>([
  [1, 'total-ops, a 128-bit counter'],
  [5, 'workloads-run'],
]);

let checks = 0;
let caught = 0;

function step(title: string): void {
  out(`\n${bold(cyan(title))}`);
}

function ok(text: string): void {
  checks++;
  out(`  ${green('✓')} ${text}`);
}

/** Runs an attack that must be refused, and shows the code that refused it. */
function refused(what: string, attempt: () => unknown, expected: string): void {
  try {
    attempt();
  } catch (e) {
    if (e instanceof HemkitError && e.code === expected) {
      caught++;
      out(`  ${green('✓')} ${what}\n      ${red('refused')} ${bold(e.code)}: ${dim(e.message)}`);
      return;
    }
    throw e;
  }
  throw new Error(`demo: "${what}" was accepted; expected ${expected}`);
}

export function runWireDemo(write: (line: string) => void = (line) => console.log(line)): number {
  out = write;
  out(bold('hemkit — the wire layer under a compute-governance chip'));
  out(dim('deterministic CBOR · COSE signatures · RFC 9162 Merkle logs · typed errors'));

  // 1. A usage report, signed as the module's attestation key will sign it.
  step('1. A chip signs a usage report (COSE_Sign1, Ed25519)');
  const chip = { alg: -8 as CoseAlgorithm, privateKey: seed('chip attestation key') };
  const chipKey = cosePublicKey('ed25519', nobleBackend.publicKey('ed25519', chip.privateKey));
  const totalOps = 2n ** 64n + 123_456_789n; // past 2^64: about five hours at 10^15 operations a second
  const claims = cborMap([
    [10, utf8('verifier-nonce-0001')],
    [256, new Uint8Array([0x02, ...seed('ueid').subarray(0, 16)])],
    [259, 'hemkit-sim-a1'],
    [263, 2],
    [267, 3],
    [6, 1_795_000_000],
    [-72001, cborMap([[1, totalOps], [5, 12]])], // counters: total-ops, workloads-run (specs/messages/attestation-report.md)
  ]);
  const payload = encode(claims);
  const report = signSign1(payload, chip);
  out(`  ${report.length} bytes on the wire; the payload in diagnostic notation:`);
  const diag = toDiagnostic(decode(payload), {
    indent: 2,
    annotate: (path, key) =>
      path.length === 0 ? CLAIM_NAMES.get(key) : path[0] === -72001 ? COUNTER_NAMES.get(key) : undefined,
  });
  out(diag.replace(/^/gm, '    '));
  out(dim(`  the counter ${totalOps} is a bignum: ${hexOf(encode(totalOps))} (RFC 8949 §3.4.3)`));

  // 2. The verifier side: both crypto backends give the same answer.
  step('2. A verifier checks it');
  for (const name of ['noble', 'node'] as const) {
    if (!isBackendAvailable(name)) continue;
    const verified = verifySign1(report, chipKey, { backend: getBackend(name) });
    ok(`signature verifies with the ${name} backend; ${verified.payload.length}-byte payload decoded strictly`);
  }

  // 3. Tampering, each caught with its own stable code.
  step('3. Tampered copies are refused, each with a stable code');
  const tampered = report.slice();
  tampered[report.length - 70] ^= 0x01; // a byte inside the payload
  refused('one payload byte changed', () => verifySign1(tampered, chipKey), 'COSE_SIGNATURE_INVALID');
  const decoded = decodeSign1(report);
  const nonShortest = new Uint8Array([...payload.subarray(0, 1), 0x18, 0x06, ...payload.subarray(2)]);
  refused(
    'the payload re-encoded with a non-shortest head (a second encoding of the same claims)',
    () => decode(nonShortest),
    'CBOR_NON_SHORTEST_HEAD',
  );
  const forger = { alg: -8 as CoseAlgorithm, privateKey: seed('someone else') };
  refused('the same claims signed by another key', () => verifySign1(signSign1(payload, forger), chipKey), 'COSE_SIGNATURE_INVALID');
  refused(
    'alg moved out of the protected header',
    () =>
      decodeSign1(
        encode(new CborTag(18, [new Uint8Array(0), cborMap([[1, -8]]), payload, decoded.signature])),
      ),
    'COSE_MISSING_ALG',
  );
  refused('a report cut short in transit', () => decodeSign1(report.subarray(0, report.length - 10)), 'CBOR_TRUNCATED');

  // 4. A licence needs k of n issuers: COSE_Sign carries one signature per issuer.
  step('4. A licence signed by 2 of 3 issuers (COSE_Sign)');
  const issuers = ['issuer A', 'issuer B', 'issuer C'].map((label, i) => ({
    label,
    signer: { alg: -8 as CoseAlgorithm, privateKey: seed(label), kid: new Uint8Array([0xa0 + i]) },
    key: cosePublicKey('ed25519', nobleBackend.publicKey('ed25519', seed(label))),
  }));
  const licence = signSign(encode(cborMap([[1, 'licence-0007'], [2, 10n ** 24n]])), [issuers[0]!.signer, issuers[2]!.signer]);
  const { results } = verifyAllSignatures(licence, (s) => issuers.find((i) => i.signer.kid[0] === s.kid?.[0])?.key);
  const distinct = new Set(results.filter((r) => r.verified).map((r) => r.kid?.[0]));
  ok(`${distinct.size} distinct trusted issuers verified (${results.map((r) => issuers[r.kid![0]! - 0xa0]!.label).join(', ')}); threshold 2 met`);

  // 5. The workload log: an RFC 9162 Merkle tree with proofs.
  step('5. A workload log as an RFC 9162 Merkle tree');
  const hasher = createMerkleHasher(nobleBackend.sha256);
  const entries = Array.from({ length: 1000 }, (_, i) => encode(cborMap([[1, i], [2, `event ${i}`]])));
  const leaves = entries.map((e) => hasher.hashLeaf(e));
  const root = merkleRoot(hasher, leaves);
  const proof = inclusionProof(hasher, leaves, 417);
  verifyInclusion(hasher, 417, 1000, leaves[417]!, proof, root);
  ok(`entry 417 of 1000 is in the tree: ${proof.length} hashes prove it against root ${hexOf(root, 8)}`);
  const older = merkleRoot(hasher, leaves.slice(0, 600));
  const growth = consistencyProof(hasher, leaves, 600, 1000);
  verifyConsistency(hasher, 600, 1000, growth, older, root);
  ok(`the 1000-entry tree extends the 600-entry tree (${growth.length}-hash consistency proof): nothing rewritten`);
  const rewritten = hasher.hashLeaf(encode(cborMap([[1, 417], [2, 'a quieter event']])));
  refused('entry 417 rewritten after the fact', () => verifyInclusion(hasher, 417, 1000, rewritten, proof, root), 'MERKLE_ROOT_MISMATCH');
  const forkLeaves = [...leaves.slice(0, 599), rewritten];
  refused(
    'a fork: another history of the first 600 entries',
    () => verifyConsistency(hasher, 600, 1000, growth, merkleRoot(hasher, forkLeaves), root),
    'MERKLE_ROOT_MISMATCH',
  );

  out(`\n${bold('Summary')}: ${green(`${checks} checks passed`)}, ${green(`${caught} attacks refused`)} with their codes.`);
  out(dim('Next: the simulated secure module and the verifier build on these pieces (see README.md).'));
  return 0;
}
