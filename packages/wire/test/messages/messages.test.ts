import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { decode, encode, type CborMapKey, type CborValue } from '../../src/cbor/index.js';
import { createMerkleHasher, inclusionProof, consistencyProof, merkleRoot } from '../../src/merkle/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import {
  CMD,
  counters,
  EVENT,
  keyThumbprint,
  licenceClaims,
  logEntry,
  openClaims,
  parseRequest,
  parseResponse,
  encodeRequest,
  encodeResponse,
  renderSignedNote,
  noteOrigin,
  openSignedNote,
  signClaims,
  signConsistencyReceipt,
  signInclusionReceipt,
  signingKey,
  checkpointClaims,
  verifyConsistencyReceipt,
  verifyInclusionReceipt,
  ReceiptSignatures,
  workloadCommitment,
  commitmentHasher,
  modelStateCommitment,
  ZERO_COUNTERS,
  logDomain,
  logOrigin,
  type LogEntry,
} from '../../src/messages/index.js';
import { expectCode, fromHex, hex } from '../support/expect-code.js';

const roundTrip = <T>(type: { toCbor(v: T): CborValue; parse(v: CborValue, p: string): T }, value: T): T =>
  type.parse(decode(encode(type.toCbor(value))), 'test');

describe('counters: exact integers to 2^128-1', () => {
  it.each([0n, 2n ** 32n, 2n ** 53n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 128n - 1n])('round-trips total-ops %s', (n) => {
    const c = { ...ZERO_COUNTERS, totalOps: n, opsByPrecision: new Map([[6 as const, n]]) };
    expect(roundTrip(counters, c)).toEqual(c);
  });

  it('writes 2^64-1 as major type 0 and 2^64 as the first bignum', () => {
    const bytes = (n: bigint) => hex(encode(counters.toCbor({ ...ZERO_COUNTERS, totalOps: n })));
    expect(bytes(2n ** 64n - 1n)).toContain('011bffffffffffffffff');
    expect(bytes(2n ** 64n)).toContain('01c249010000000000000000');
  });

  it('MESSAGE_INVALID_FIELD: a counter of 2^128 or a negative one', () => {
    const map = counters.toCbor(ZERO_COUNTERS);
    expectCode(() => counters.parse(new Map(map).set(1, 2n ** 128n), 'c'), 'MESSAGE_INVALID_FIELD');
    expectCode(() => counters.parse(new Map(map).set(1, -1), 'c'), 'MESSAGE_INVALID_FIELD');
  });

  it('MESSAGE_UNKNOWN_FIELD and MESSAGE_MISSING_FIELD: maps are closed and complete', () => {
    const map = counters.toCbor(ZERO_COUNTERS);
    expectCode(() => counters.parse(new Map(map).set(99, 0), 'c'), 'MESSAGE_UNKNOWN_FIELD');
    const missing = new Map<CborMapKey, CborValue>(map);
    missing.delete(5);
    expectCode(() => counters.parse(missing, 'c'), 'MESSAGE_MISSING_FIELD');
    expectCode(() => counters.parse([1], 'c'), 'MESSAGE_INVALID_FIELD');
  });
});

describe('licence claims', () => {
  const claims = {
    licenceId: new Uint8Array(16).fill(1),
    ueid: new Uint8Array(17).fill(2),
    sequenceNumber: 3,
    notBefore: 1_800_000_000,
    expiry: 1_800_086_400,
    opsQuota: 10n ** 24n,
    maxClusterSize: 1024,
    precisionClasses: [4, 6] as const,
  };

  it('round-trips with optional fields present and absent', () => {
    expect(roundTrip(licenceClaims, claims)).toEqual(claims);
    const full = { ...claims, issuedAt: 1_799_999_000, maxInterconnectBandwidth: 10 ** 12, chipChallenge: new Uint8Array(32).fill(9) };
    expect(roundTrip(licenceClaims, full)).toEqual(full);
  });

  it('MESSAGE_INVALID_FIELD: precision classes unsorted, unknown, or a licence id of the wrong size', () => {
    const map = licenceClaims.toCbor(claims);
    expectCode(() => licenceClaims.parse(new Map(map).set(-72021, [6, 4]), 'l'), 'MESSAGE_INVALID_FIELD');
    expectCode(() => licenceClaims.parse(new Map(map).set(-72021, [42]), 'l'), 'MESSAGE_INVALID_FIELD');
    expectCode(() => licenceClaims.parse(new Map(map).set(7, new Uint8Array(15)), 'l'), 'MESSAGE_INVALID_FIELD');
  });
});

describe('log entries', () => {
  const common = { index: 7, time: 1_800_000_000, bootCount: 2 };
  const d = new Uint8Array(32).fill(5);
  const lid = new Uint8Array(16).fill(6);
  const entries: LogEntry[] = [
    { ...common, kind: EVENT.boot, details: { firmwareMeasurement: d, svn: 3 } },
    { ...common, kind: EVENT.licenceInstalled, details: { licenceId: lid, licenceHash: d, sequenceNumber: 1 } },
    { ...common, kind: EVENT.licenceRejected, details: { licenceHash: d, reason: 'LICENCE_REPLAYED' } },
    { ...common, kind: EVENT.licenceExpired, details: { licenceId: lid } },
    { ...common, kind: EVENT.licenceExhausted, details: { licenceId: lid } },
    { ...common, kind: EVENT.workloadStarted, details: { workloadCommitment: d, precisionClass: 4, clusterSize: 8 } },
    { ...common, kind: EVENT.workloadFinished, details: { workloadCommitment: d, ops: 2n ** 70n } },
    { ...common, kind: EVENT.workloadRefused, details: { reason: 'WORKLOAD_OVER_QUOTA' } },
    { ...common, kind: EVENT.firmwareUpdated, details: { previousMeasurement: d, firmwareMeasurement: d, svn: 4 } },
    { ...common, kind: EVENT.tamperDetected, details: {} },
    { ...common, kind: EVENT.stateRollbackDetected, details: { reason: 'generation 3 < counter 5' } },
    { ...common, kind: EVENT.revocationApplied, details: { revocationId: lid, licenceIds: [lid] } },
  ];

  it.each(entries.map((e) => [e.kind, e] as const))('round-trips event kind %i', (_kind, entry) => {
    expect(roundTrip(logEntry, entry)).toEqual(entry);
  });

  it('refuses an unknown event kind, a missing kind, and details of another kind', () => {
    const map = logEntry.toCbor(entries[0]!) as Map<CborMapKey, CborValue>;
    expectCode(() => logEntry.parse(new Map(map).set(4, 99), 'e'), 'MESSAGE_INVALID_FIELD');
    const noKind = new Map(map);
    noKind.delete(4);
    expectCode(() => logEntry.parse(noKind, 'e'), 'MESSAGE_MISSING_FIELD');
    expectCode(() => logEntry.parse(new Map(map).set(4, EVENT.licenceExpired), 'e'), 'MESSAGE_UNKNOWN_FIELD');
  });

  it('commits to a workload with a salt: the same descriptor under another salt gives another commitment', () => {
    const descriptor = new TextEncoder().encode('{"model":"secret"}');
    const a = workloadCommitment(new Uint8Array(32).fill(1), descriptor);
    const b = workloadCommitment(new Uint8Array(32).fill(2), descriptor);
    expect(hex(a)).not.toBe(hex(b));
    const label = new TextEncoder().encode('hemkit/v1/workload-commitment');
    expect(hex(a)).toBe(hex(sha256(new Uint8Array([...label, 0, ...new Uint8Array(32).fill(1), ...descriptor]))));
  });
});

describe('commitmentHasher', () => {
  it('gives workloadCommitment and modelStateCommitment, call after call, for inputs within and past its buffer', () => {
    const commitments = commitmentHasher();
    const results: [Uint8Array, string][] = [];
    for (const length of [0, 1, 24, 100, 447, 448, 449, 480, 2000, 24]) {
      const salt = new Uint8Array(32).fill(length & 0xff);
      const descriptor = Uint8Array.from({ length }, (_, i) => (i * 13 + length) & 0xff);
      const state = new Uint8Array(32).fill((length + 1) & 0xff);
      const workload = commitments.workload(salt, descriptor);
      expect(hex(workload)).toBe(hex(workloadCommitment(salt, descriptor)));
      expect(hex(commitments.modelState(salt, state))).toBe(hex(modelStateCommitment(salt, state)));
      results.push([workload, hex(workload)]);
    }
    // Each digest is the caller's: later calls do not change an earlier one.
    for (const [digest, seen] of results) expect(hex(digest)).toBe(seen);
  });

  it('copies a digest that shares its buffer, should a hash return its input', () => {
    const commitments = commitmentHasher((data) => data.subarray(0, 32));
    const first = commitments.workload(new Uint8Array(32).fill(1), new Uint8Array(4));
    const kept = hex(first);
    commitments.workload(new Uint8Array(32).fill(2), new Uint8Array(4));
    expect(hex(first)).toBe(kept);
  });
});

describe('signed messages and checkpoints', () => {
  const key = signingKey(-8, new Uint8Array(32).fill(7));

  it('signs claims with kid = the key thumbprint, and opens them only under that key', () => {
    const claims = { ueid: new Uint8Array(17), issuedAt: 1, bootcount: 1, treeSize: 0, rootHash: new Uint8Array(32), counters: ZERO_COUNTERS };
    const bytes = signClaims(checkpointClaims, claims, key);
    expect(openClaims(checkpointClaims, bytes, key.publicKey)).toEqual(claims);
    expect(hex(key.kid)).toBe(hex(keyThumbprint(key.publicKey)));
    expectCode(() => openClaims(checkpointClaims, bytes, signingKey(-8, new Uint8Array(32).fill(8)).publicKey), 'COSE_SIGNATURE_INVALID');
  });

  const origin = noteOrigin('example.com', fromHex('000102030405060708090a0b0c0d0e0f'));
  const exampleNote = renderSignedNote(origin, 42, sha256(new TextEncoder().encode('example root')), key);

  it('renders the signed note of specs/messages/checkpoint.md §2 byte for byte', () => {
    expect(exampleNote).toBe(
      'example.com/hemkit/000102030405060708090a0b0c0d0e0f\n42\ntWfAy7LoXCleat6TDluzSaS5vulInKp9a2ed1G6CpxE=\n\n' +
        '\u2014 example.com/hemkit/000102030405060708090a0b0c0d0e0f 7Gpd50xVNITQML0Z2G2NRZir+xWdwgBlaftaD9oO4eIMkmab2DDKs/lcfXjxQZlka4eglR2wqpwXR+A+wsAFAcw1MA0=\n',
    );
  });

  it('opens a note under its certified origin and log key, ignoring other signers\' lines (checkpoint.md §2.3)', () => {
    const head = openSignedNote(exampleNote, origin, key.publicKey.publicKey);
    expect(head.treeSize).toBe(42);
    expect(hex(head.rootHash)).toBe(hex(sha256(new TextEncoder().encode('example root'))));
    const witness = renderSignedNote(origin, 42, sha256(new TextEncoder().encode('example root')), signingKey(-8, new Uint8Array(32).fill(9))).split('\n\n')[1]!;
    const [body, logLine] = exampleNote.split('\n\n') as [string, string];
    // A cosigner's line first (another key under the same name): skipped, not a failure.
    expect(openSignedNote(`${body}\n\n${witness}${logLine}`, origin, key.publicKey.publicKey).treeSize).toBe(42);
  });

  it('refuses a note by another key, for another origin, or not of three lines, each with its code', () => {
    const other = signingKey(-8, new Uint8Array(32).fill(8));
    expectCode(() => openSignedNote(exampleNote, origin, other.publicKey.publicKey), 'NOTE_SIGNATURE_INVALID');
    expectCode(() => openSignedNote(renderSignedNote(origin, 42, new Uint8Array(32), other), origin, key.publicKey.publicKey), 'NOTE_SIGNATURE_INVALID');
    expectCode(() => openSignedNote(exampleNote.replace('\n42\n', '\n43\n'), origin, key.publicKey.publicKey), 'NOTE_SIGNATURE_INVALID');
    expectCode(() => openSignedNote(exampleNote, noteOrigin('example.org', new Uint8Array(16)), key.publicKey.publicKey), 'NOTE_MISMATCH');
    expectCode(() => openSignedNote(exampleNote.replace('\n42\n', '\n42\next\n'), origin, key.publicKey.publicKey), 'NOTE_MALFORMED');
    expectCode(() => openSignedNote(exampleNote.replace('\n42\n', '\n042\n'), origin, key.publicKey.publicKey), 'NOTE_MALFORMED');
    expectCode(() => openSignedNote(exampleNote.replace('\n\n', '\n'), origin, key.publicKey.publicKey), 'NOTE_MALFORMED');
    // The signature's last base64 digit has two unused bits: '0' (110100) and '1' (110101) decode alike.
    expectCode(() => openSignedNote(exampleNote.replace('MA0=', 'MA1='), origin, key.publicKey.publicKey), 'NOTE_MALFORMED');
  });
});

describe('RFC 9942 receipts', () => {
  const key = signingKey(-8, new Uint8Array(32).fill(7));
  const hasher = createMerkleHasher(nobleBackend.sha256);
  const leaves = Array.from({ length: 13 }, (_, i) => hasher.hashLeaf(new Uint8Array([i])));

  it('an inclusion receipt verifies for its leaf and recomputes the signed root', () => {
    const root = merkleRoot(hasher, leaves);
    const receipt = signInclusionReceipt(key, { treeSize: 13, leafIndex: 5, path: inclusionProof(hasher, leaves, 5) }, root);
    const ok = verifyInclusionReceipt(receipt, key.publicKey, leaves[5]!, hasher);
    expect(hex(ok.root)).toBe(hex(root));
    expectCode(() => verifyInclusionReceipt(receipt, key.publicKey, leaves[6]!, hasher), 'COSE_SIGNATURE_INVALID');
  });

  it('a memo of verified receipt signatures skips only the same bytes under the same key', () => {
    const root = merkleRoot(hasher, leaves);
    const receipts = [2, 5, 9].map((i) => signInclusionReceipt(key, { treeSize: 13, leafIndex: i, path: inclusionProof(hasher, leaves, i) }, root));
    const memo = new ReceiptSignatures(key.publicKey);
    for (const [n, i] of [2, 5, 9].entries()) expect(verifyInclusionReceipt(receipts[n]!, key.publicKey, leaves[i]!, hasher, undefined, memo).leafIndex).toBe(i);
    // a remembered signature does not vouch for another leaf: the root differs, so it is verified, and fails
    expectCode(() => verifyInclusionReceipt(receipts[0]!, key.publicKey, leaves[3]!, hasher, undefined, memo), 'COSE_SIGNATURE_INVALID');
    // nor for another key: a memo is scoped to the key it was made for
    const other = signingKey(-8, new Uint8Array(32).fill(8));
    expectCode(() => verifyInclusionReceipt(receipts[1]!, other.publicKey, leaves[5]!, hasher, undefined, memo), 'COSE_SIGNATURE_INVALID');
  });

  it('a consistency receipt leads from a trusted older root to the newer one', () => {
    const root1 = merkleRoot(hasher, leaves.slice(0, 6));
    const root2 = merkleRoot(hasher, leaves);
    const receipt = signConsistencyReceipt(key, { treeSize1: 6, treeSize2: 13, path: consistencyProof(hasher, leaves, 6, 13) }, root2);
    expect(hex(verifyConsistencyReceipt(receipt, key.publicKey, root1, hasher).root2)).toBe(hex(root2));
    const forked = merkleRoot(hasher, [hasher.hashLeaf(new Uint8Array([99])), ...leaves.slice(1, 6)]);
    expect(() => verifyConsistencyReceipt(receipt, key.publicKey, forked, hasher)).toThrow();
  });

  it('refuses a receipt for an empty path (RFC 9942 paths are non-empty)', () => {
    expectCode(() => signInclusionReceipt(key, { treeSize: 1, leafIndex: 0, path: [] }, leaves[0]!), 'MERKLE_PROOF_WRONG_LENGTH');
  });
});

describe('module command envelope', () => {
  it('round-trips a request and both kinds of response', () => {
    const request = { command: CMD.attest, requestId: 7, params: { nonce: new Uint8Array(16).fill(3) } };
    expect(parseRequest(decode(encode(encodeRequest(request))))).toEqual(request);
    const ok = { command: CMD.runWorkload, requestId: 8, status: 0 as const, result: { remainingQuota: 5n } };
    expect(parseResponse(decode(encode(encodeResponse(ok))))).toEqual(ok);
    const err = { command: CMD.runWorkload, requestId: 9, status: 1 as const, error: { code: 'WORKLOAD_OVER_QUOTA', message: 'no' } };
    expect(parseResponse(decode(encode(encodeResponse(err))))).toEqual(err);
  });

  it('refuses an unknown command, wrong params, and a request id that is not a uint', () => {
    expectCode(() => parseRequest(new Map<CborMapKey, CborValue>([[1, 99], [2, 1]])), 'MESSAGE_INVALID_FIELD');
    expectCode(() => parseRequest(new Map<CborMapKey, CborValue>([[1, CMD.attest], [2, 1], [3, new Map([[1, new Uint8Array(4)]])]])), 'MESSAGE_INVALID_FIELD');
    expectCode(() => parseRequest(new Map<CborMapKey, CborValue>([[1, CMD.attest], [2, -1]])), 'MESSAGE_INVALID_FIELD');
    // request-id = uint .size 4: 2^32-1 is the largest
    const attest = (id: number) => new Map<CborMapKey, CborValue>([[1, CMD.attest], [2, id], [3, new Map([[1, new Uint8Array(8)]])]]);
    expect(parseRequest(attest(2 ** 32 - 1)).requestId).toBe(2 ** 32 - 1);
    expectCode(() => parseRequest(attest(2 ** 32)), 'MESSAGE_INVALID_FIELD');
    expectCode(() => parseRequest(new Map<CborMapKey, CborValue>([[1, CMD.attest], [2, 1]])), 'MESSAGE_MISSING_FIELD');
  });

  it('reads a response as the variant of the command expected, and refuses one that answers another', () => {
    const ok = { command: CMD.runWorkload, requestId: 8, status: 0 as const, result: { remainingQuota: 5n } };
    const bytes = encodeResponse(ok);
    const typed = parseResponse(bytes, CMD.runWorkload);
    // The variant's own result type: no cast needed to read a run-workload field.
    expect(typed.status === 0 && typed.result.remainingQuota).toBe(5n);
    expectCode(() => parseResponse(bytes, CMD.attest), 'MESSAGE_INVALID_FIELD');
    // A refusal answers whatever was sent: the expected command does not apply to it.
    const err = { status: 1 as const, error: { code: 'CBOR_TRUNCATED', message: 'short' } };
    expect(parseResponse(encodeResponse(err), CMD.attest)).toEqual(err);
  });
});

describe('the lowercase DNS name of a log origin and log-domain (checkpoint.md §2.2)', () => {
  const id = 'ab'.repeat(16);
  it.each([
    ['a label of 64 characters', `${'a'.repeat(64)}.example`],
    ['a label starting with a hyphen', '-chip.example'],
    ['a label ending with a hyphen', 'chip-.example'],
    ['an empty label', 'chip..example'],
    ['a final dot', 'example.com.'],
    ['an underscore', 'log_1.example'],
    ['254 characters', `${`${'a'.repeat(63)}.`.repeat(3)}${'b'.repeat(62)}`],
  ])('MESSAGE_INVALID_FIELD: %s, as origin and as log-domain', (_name, domain) => {
    expectCode(() => logOrigin.parse(`${domain}/hemkit/${id}`, 'origin'), 'MESSAGE_INVALID_FIELD');
    expectCode(() => logDomain.parse(domain, 'log-domain'), 'MESSAGE_INVALID_FIELD');
  });
  it('accepts 63-character labels, a leading digit and 253 characters', () => {
    for (const domain of [`${'a'.repeat(63)}.0-x.example`, `${`${'a'.repeat(63)}.`.repeat(3)}${'b'.repeat(61)}`, 'hemkit.invalid']) {
      expect(logOrigin.parse(`${domain}/hemkit/${id}`, 'origin')).toBe(`${domain}/hemkit/${id}`);
      expect(logDomain.parse(domain, 'log-domain')).toBe(domain);
    }
  });
});
