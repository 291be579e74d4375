/**
 * hemkit's normative schema, specs/cddl/hemkit.cddl, checked by the validator: it parses with
 * every name defined, hand-built and really signed messages match it, and each mutation of a
 * message fails at the field that was changed.
 */
import { describe, expect, it } from 'vitest';
import { CborTag, encode, type CborValue } from '@hemkit/wire/cbor';
import { HEADER_TYP, signSign, signSign1 } from '@hemkit/wire/cose';
import { TYP } from '@hemkit/wire/messages';
import { checkCbor, parseCddl, validate } from '../src/index.js';
import { expectCode, expectFailure, fromHex, readRepoFile } from './support.js';

const SPEC_PATH = 'specs/cddl/hemkit.cddl';
const spec = readRepoFile(SPEC_PATH);
const schema = parseCddl(spec);
const OK = { ok: true };

type Key = number | bigint | string;
const map = (...entries: [Key, CborValue][]): Map<Key, CborValue> => new Map(entries);
const bytes = (n: number, fill = 0xab): Uint8Array => new Uint8Array(n).fill(fill);
const without = (m: Map<Key, CborValue>, key: Key): Map<Key, CborValue> => {
  const copy = new Map(m);
  copy.delete(key);
  return copy;
};
const withEntry = (m: Map<Key, CborValue>, key: Key, value: CborValue): Map<Key, CborValue> => new Map(m).set(key, value);

// Key constants, as hemkit.cddl assigns them.
const CLAIM = {
  iss: 1, exp: 4, nbf: 5, iat: 6, cti: 7, cnf: 8, ueid: 256, bootcount: 267,
  counters: -72001, treeSize: -72005, rootHash: -72006, sequenceNumber: -72017, opsQuota: -72018,
  maxClusterSize: -72019, precisionClasses: -72021,
} as const;

const UEID = new Uint8Array([0x01, ...bytes(16, 0x11)]);
const SIGNER = { alg: -8, privateKey: new Uint8Array(32).fill(1), kid: new Uint8Array(32) } as const;
const typed = (typ: string) => ({ protectedHeaders: new Map([[HEADER_TYP, typ]]) });
const CHECKPOINT = typed(TYP.checkpoint);
const LICENCE = typed(TYP.licence);

function counters(totalOps: bigint | number): Map<Key, CborValue> {
  return map(
    [1, totalOps],
    [2, map([4, 1000], [8, 1n << 70n])],
    [3, 3600],
    [4, 0],
    [5, 2],
  );
}

function checkpointClaims(): Map<Key, CborValue> {
  return map(
    [CLAIM.ueid, UEID],
    [CLAIM.iat, 1767225600],
    [CLAIM.bootcount, 3],
    [CLAIM.treeSize, 42],
    [CLAIM.rootHash, bytes(32)],
    [CLAIM.counters, counters(1n << 64n)],
  );
}

function licenceClaims(): Map<Key, CborValue> {
  return map(
    [CLAIM.cti, bytes(16, 0x22)],
    [CLAIM.ueid, UEID],
    [CLAIM.sequenceNumber, 7],
    [CLAIM.nbf, 1767225600],
    [CLAIM.exp, 1798761600],
    [CLAIM.opsQuota, (1n << 100n) - 1n],
    [CLAIM.maxClusterSize, 1024],
    [CLAIM.precisionClasses, [2, 4, 8]],
  );
}

describe('specs/cddl/hemkit.cddl', () => {
  it('parses, every name it uses defined, its first rule the index of all messages', () => {
    expect(schema.root).toBe('hemkit-message');
    expect(schema.ruleNames.length).toBeGreaterThan(300);
  });

  it('redefines no prelude rule: its time type is epoch-time (an int), not the prelude\'s time (#6.1(number))', () => {
    expect(schema.warnings).toEqual([]);
    expect(schema.ruleNames).toContain('epoch-time');
    expect(schema.ruleNames).not.toContain('time');
    expect(validate(schema, 'epoch-time', 1_700_000_000)).toEqual(OK);
    // The prelude's time (tag 1) is not a hemkit time.
    expect(validate(schema, 'epoch-time', new CborTag(1, 1_700_000_000)).ok).toBe(false);
  });
});

describe('counters and the counter type (uint up to 2^64-1, a 9..16-byte bignum beyond)', () => {
  it('2^64, which the encoder writes as tag 2, is a counter', () => {
    const encoded = encode(counters(1n << 64n));
    expect(Buffer.from(encoded).toString('hex')).toContain('01c249010000000000000000');
    expect(checkCbor(schema, encoded, 'counters')).toEqual(OK);
  });

  it('2^64-1, the largest major-type-0 integer, is a counter', () => {
    expect(validate(schema, 'counters', counters((1n << 64n) - 1n))).toEqual(OK);
  });

  it('2^128-1 (16 content bytes) is a counter; 2^128 (17 content bytes) is not a biguint-128', () => {
    expect(validate(schema, 'counters', counters((1n << 128n) - 1n))).toEqual(OK);
    expectFailure(
      validate(schema, 'counters', counters(1n << 128n)),
      'counters > total-ops (key 1) > biguint-128',
      'expected bstr .size (9..16), got byte string of 17 bytes',
    );
  });

  it('a negative total is not a counter', () => {
    expectFailure(validate(schema, 'counters', counters(-1)), 'counters > total-ops (key 1)', 'expected uint / biguint-128, got negative integer -1');
  });

  it('a precision class outside the registry is not a key of ops-by-precision', () => {
    const bad = withEntry(counters(1), 2, map([10, 1]));
    expectFailure(validate(schema, 'counters', bad), 'counters > ops-by-precision (key 2) > key 10', /the map is closed/);
  });

  it('the counters map is closed and its members required', () => {
    expectFailure(validate(schema, 'counters', withEntry(counters(1), 7, 0)), 'counters > key 7', /the map is closed/);
    expect(validate(schema, 'counters', withEntry(counters(1), 6, 5))).toEqual(OK); // memory-bytes (attestation-report.md §2), optional
    expectFailure(validate(schema, 'counters', without(counters(1), 3)), 'counters', 'missing counters.busy-chip-seconds => lifetime-count');
  });
});

describe('signed messages', () => {
  it('a checkpoint signed by @hemkit/wire (COSE_Sign1, EdDSA) is a checkpoint and a hemkit-message', () => {
    const message = signSign1(encode(checkpointClaims()), SIGNER, CHECKPOINT);
    expect(checkCbor(schema, message, 'checkpoint')).toEqual(OK);
    expect(checkCbor(schema, message)).toEqual(OK);
  });

  it('a checkpoint without its typ, or with a report\'s, is not a checkpoint (cose.md §7.2)', () => {
    expectFailure(checkCbor(schema, signSign1(encode(checkpointClaims()), SIGNER), 'checkpoint'), 'checkpoint > protected [0] > checkpoint-protected', 'missing header.typ ^ => typ.checkpoint');
    expectFailure(
      checkCbor(schema, signSign1(encode(checkpointClaims()), SIGNER, typed(TYP.attestationReport)), 'checkpoint'),
      'checkpoint > protected [0] > checkpoint-protected > typ (key 16)',
      /^expected "application\/vnd\.hemkit\.checkpoint\+cbor", got text "application\/vnd\.hemkit\.attestation-repor/,
    );
  });

  it('a checkpoint without its tree size fails inside the payload', () => {
    const message = signSign1(encode(without(checkpointClaims(), CLAIM.treeSize)), SIGNER, CHECKPOINT);
    expectFailure(checkCbor(schema, message, 'checkpoint'), 'checkpoint > payload [2] > checkpoint-claims', 'missing claim.tree-size => uint');
  });

  it('a checkpoint whose kid is not a 32-byte thumbprint fails in the protected header', () => {
    const message = signSign1(encode(checkpointClaims()), { ...SIGNER, kid: bytes(16) }, CHECKPOINT);
    expectFailure(
      checkCbor(schema, message, 'checkpoint'),
      'checkpoint > protected [0] > checkpoint-protected > kid (key 4)',
      'expected bstr .size 32, got byte string of 16 bytes',
    );
  });

  it('a checkpoint signed with an algorithm outside the profile table fails at alg', () => {
    const message = encode(new CborTag(18, [encode(map([1, -7], [4, bytes(32)], [16, TYP.checkpoint])), map(), encode(checkpointClaims()), bytes(64)]));
    expect(checkCbor(schema, message, 'checkpoint')).toEqual(OK);
    const es512 = encode(new CborTag(18, [encode(map([1, -36], [4, bytes(32)], [16, TYP.checkpoint])), map(), encode(checkpointClaims()), bytes(64)]));
    expectFailure(
      checkCbor(schema, es512, 'checkpoint'),
      'checkpoint > protected [0] > checkpoint-protected > alg (key 1)',
      'expected alg.eddsa / alg.ed25519 / alg.es256 / alg.esp256 / alg.es384 / alg.esp384, got negative integer -36',
    );
  });

  it('a licence signed k-of-n by @hemkit/wire (COSE_Sign, two issuers) is a licence', () => {
    const issuers = [SIGNER, { alg: -8, privateKey: new Uint8Array(32).fill(2), kid: bytes(32, 0x02) }] as const;
    const message = signSign(encode(licenceClaims()), issuers, LICENCE);
    expect(checkCbor(schema, message, 'licence')).toEqual(OK);
    expect(checkCbor(schema, message)).toEqual(OK);
  });

  it('a licence whose ops-quota is not a counter fails at licence-claims > ops-quota (key -72018)', () => {
    const message = signSign(encode(withEntry(licenceClaims(), CLAIM.opsQuota, 'unlimited')), [SIGNER], LICENCE);
    expectFailure(
      checkCbor(schema, message, 'licence'),
      'licence > payload [2] > licence-claims > ops-quota (key -72018)',
      'expected uint / biguint-128, got text "unlimited"',
    );
  });

  it('a licence with an empty precision-class list fails: at least one class', () => {
    const message = signSign(encode(withEntry(licenceClaims(), CLAIM.precisionClasses, [])), [SIGNER], LICENCE);
    expectFailure(checkCbor(schema, message, 'licence'), 'licence > payload [2] > licence-claims > precision-classes (key -72021)', /^missing \+ precision-class at \[0\]/);
  });

  it('checkCbor holds hemkit data to the encoding profile: unsorted map keys are refused before any rule is tried', () => {
    const canonical = fromHex('a5 0101 02a0 0300 0400 0500');
    const unsorted = fromHex('a5 02a0 0101 0300 0400 0500');
    expect(checkCbor(schema, canonical, 'counters')).toEqual(OK);
    expectCode(() => checkCbor(schema, unsorted, 'counters'), 'CBOR_UNSORTED_MAP_KEYS');
    expect(checkCbor(schema, unsorted, 'counters', { decoding: 'well-formed' })).toEqual(OK);
  });
});

describe('unsigned hemkit messages', () => {
  const digest = bytes(32);

  it('a boot log entry is a log-entry; with another event kind its details no longer fit', () => {
    const boot = map([1, 0], [2, 1767225600], [3, 1], [4, 1], [5, map([11, digest], [12, 3])]);
    expect(validate(schema, 'log-entry', boot)).toEqual(OK);
    expect(validate(schema, 'log-entry', withEntry(boot, 4, 2)).ok).toBe(false);
  });

  it('an inclusion receipt: detached payload (nil) and a vdp map holding a bstr .cbor proof', () => {
    const proof = encode([8, 3, [digest, digest, digest]]);
    const receipt = (p: Uint8Array) =>
      new CborTag(18, [encode(map([1, -8], [4, digest], [395, 1])), map([396, map([-1, [p]])]), null, bytes(64)]);
    expect(validate(schema, 'inclusion-receipt', receipt(proof))).toEqual(OK);
    expectFailure(
      validate(schema, 'inclusion-receipt', receipt(encode([8, 3, [digest, bytes(31)]]))),
      'inclusion-receipt > unprotected [1] > vdp (key 396) > inclusion-proofs (key -1) > [0] > inclusion-proof-content > inclusion-path [2] > [1]',
      'expected bstr .size 32, got byte string of 31 bytes',
    );
  });

  it('a module request: the envelope picks the command, the request id is a 32-bit uint', () => {
    const attest = (id: number) => map([1, 7], [2, id], [3, map([1, bytes(32)])]);
    expect(validate(schema, 'module-request', attest(0xffffffff))).toEqual(OK);
    expect(validate(schema, 'module-request', attest(0x100000000)).ok).toBe(false);
    expect(validate(schema, 'attest-request', attest(0x100000000)).ok).toBe(false);
  });

  it('an attestation result: submods is a map of at least one appraisal keyed by text', () => {
    const claims = map(
      [265, 'tag:ietf.org,2026:rats/ear#04'],
      [6, 1767225600],
      [4, 1767226200],
      [1004, map([0, 'hemkit'], [1, '0.1.0'])],
      [266, map(['01aa', map([1000, 2], [1001, map([0, 2], [4, 2])])])],
    );
    expect(validate(schema, 'ear-claims', claims)).toEqual(OK);
    expectFailure(validate(schema, 'ear-claims', withEntry(claims, 266, map())), 'ear-claims > submods (key 266)', 'missing + tstr => ear-appraisal');
    const badTier = withEntry(claims, 266, map(['01aa', map([1000, 1])]));
    expectFailure(validate(schema, 'ear-claims', badTier), 'ear-claims > submods (key 266) > key "01aa" > ear-appraisal > ear-status (key 1000)', /^expected tier.none \/ tier.affirming/);
  });

  it('an attestation result: exp required, aud text, the policy ids as a list, raw evidence as a CMW record, unknown claims admitted, the nonce, each check\'s outcome as 0..3', () => {
    const check = (status: CborValue, code?: string) => map([1, 'freshness'], [2, status], ...(code ? ([[3, code]] as [Key, CborValue][]) : []), [4, 'detail']);
    const appraisal = (entries: [Key, CborValue][]) => map(['01aa', map([1000, 96], ...entries)]);
    const claims = (submod: Map<Key, CborValue>, top: [Key, CborValue][] = [[4, 1767226200]]) =>
      map([265, 'tag:ietf.org,2026:rats/ear#04'], [6, 1767225600], ...top, [1004, map([0, 'hemkit'], [1, '0.1.0'])], [266, submod]);
    const full = appraisal([[1003, ['hemkit/v1/default']], [10, bytes(16)], [-72049, [check(0), check(1, 'NONCE_WRONG_CHIP'), check(2), check(3)]]]);
    expect(validate(schema, 'ear-claims', claims(full, [[4, 1767226200], [3, 'relying-party-1']]))).toEqual(OK);
    // exp is required
    expectFailure(validate(schema, 'ear-claims', claims(full, [])), 'ear-claims', /claim.exp/);
    // aud is text
    expect(validate(schema, 'ear-claims', claims(full, [[4, 1767226200], [3, bytes(4)]])).ok).toBe(false);
    // the policy ids are a non-empty list (EAR -04), not one text string
    expect(validate(schema, 'ear-claims', claims(appraisal([[1003, 'hemkit/v1/default']]))).ok).toBe(false);
    expect(validate(schema, 'ear-claims', claims(appraisal([[1003, []]]))).ok).toBe(false);
    // raw evidence is a CMW record [type, value, ? ind], not a bare byte string
    expect(validate(schema, 'ear-claims', claims(full, [[4, 1767226200], [1002, ['application/vnd.hemkit.evidence+cbor', bytes(4), 4]]]))).toEqual(OK);
    expect(validate(schema, 'ear-claims', claims(full, [[4, 1767226200], [1002, bytes(4)]])).ok).toBe(false);
    // EAR's claims sets are open: unknown claims pass, at the top level, in an appraisal and in the vector
    expect(validate(schema, 'ear-claims', claims(appraisal([[1005, map(['x', 1])], [1001, map([0, 2], [9, 96])]]), [[4, 1767226200], [-80000, 'ext']]))).toEqual(OK);
    // but a known claim with a wrong value does not pass as an unknown one (the cuts)
    expect(validate(schema, 'ear-claims', claims(appraisal([[1001, map([0, 200])]]))).ok).toBe(false);
    // the outcome is one of the four integers, not the earlier passed: bool, nor a name
    for (const bad of [true, 4, 'pass']) expect(validate(schema, 'ear-claims', claims(appraisal([[-72049, [check(bad)]]]))).ok).toBe(false);
    // the nonce is a byte string of 8 to 64 bytes
    expect(validate(schema, 'ear-claims', claims(appraisal([[10, bytes(7)]]))).ok).toBe(false);
  });
});

describe('the schema guards the vectors: a CDDL change that breaks a message makes CI fail', () => {
  it('renumbering counters.total-ops from 1 to 9 makes a conforming counters map fail', () => {
    const sample = counters(1n << 64n);
    expect(validate(schema, 'counters', sample)).toEqual(OK);
    const line = 'counters.total-ops = 1\n';
    expect(spec.split(line)).toHaveLength(2);
    const changed = parseCddl(spec.replace(line, 'counters.total-ops = 9\n'));
    expectFailure(validate(changed, 'counters', sample), 'counters', 'missing counters.total-ops => counter');
  });

  it('narrowing biguint-128 to 15 bytes makes a 2^128-1 counter fail', () => {
    const rule = 'biguint-128 = #6.2(bstr .size (9..16))';
    expect(spec).toContain(rule);
    const changed = parseCddl(spec.replace(rule, 'biguint-128 = #6.2(bstr .size (9..15))'));
    expectFailure(validate(changed, 'counters', counters((1n << 128n) - 1n)), 'counters > total-ops (key 1) > biguint-128');
  });
});

describe('the cuts in hemkit.cddl refuse badly typed headers that a wildcard would otherwise take', () => {
  it('refuses a text kid and an empty crit in a signer protected header', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { parseCddl, validate } = await import('../src/index.js');
    const { cborMap } = await import('@hemkit/wire/cbor');
    const schema = parseCddl(readFileSync(join(import.meta.dirname, '../../../specs/cddl/hemkit.cddl'), 'utf8'));
    const good = cborMap([[1, -8], [4, new Uint8Array(32)]]);
    expect(validate(schema, 'signer-protected-header', good).ok).toBe(true);
    expect(validate(schema, 'signer-protected-header', cborMap([[1, -8], [4, 'kid']])).ok).toBe(false);
    expect(validate(schema, 'signer-protected-header', cborMap([[1, -8], [4, new Uint8Array(32)], [2, []]])).ok).toBe(false);
  });
});
