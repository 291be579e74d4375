/**
 * Every hash the firmware computes passes through its injected crypto backend, so the cost meter
 * counts it (specs/scenarios.md §5.1): the licence digest, workload and model-state commitments, the
 * HKDF of key derivation and the key thumbprints. The HKDF over the backend is RFC 5869's, byte for
 * byte the one of @noble/hashes.
 */
import { describe, expect, it } from 'vitest';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { nobleBackend } from '@hemkit/wire/crypto';
import { hkdfExpand, hkdfExtract } from '../../src/firmware/hkdf.js';
import { deriveAttestationKey, deriveDeviceIdentityKey, deriveLogId } from '../../src/firmware/keys.js';
import { licenceHash } from '../../src/firmware/licence.js';
import { Meter } from '../../src/scenario/meter.js';
import { parseScenario, runScenario } from '../../src/scenario/index.js';
import { licensed, run } from './support.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).map((_, i) => (i * 31 + fill) & 0xff);
const backend = nobleBackend;
const hashesOf = (f: (metered: typeof backend) => unknown): number => {
  const meter = new Meter();
  f(meter.backend(backend));
  return meter.totals.hashes;
};

describe('HKDF over the injected SHA-256 (RFC 5869)', () => {
  it.each([
    ['a short salt', 32, 24, 16, 32],
    ['a salt longer than a block, hashed first (RFC 2104 §2)', 32, 100, 5, 56],
    ['several output blocks', 17, 32, 0, 200],
  ])('equals @noble/hashes with %s', (_what, ikmLength, saltLength, infoLength, length) => {
    const [ikm, salt, info] = [bytes(ikmLength, 1), bytes(saltLength, 2), bytes(infoLength, 3)];
    const ours = hkdfExpand((d) => backend.sha256(d), hkdfExtract((d) => backend.sha256(d), ikm, salt), info, length);
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(hkdf(sha256, ikm, salt, info, length)).toString('hex'));
  });

  it('refuses an output longer than 255 blocks', () => {
    expect(() => hkdfExpand((d) => backend.sha256(d), bytes(32, 0), new Uint8Array(0), 255 * 32 + 1)).toThrow(RangeError);
  });
});

describe('the cost meter counts the firmware\'s hashes', () => {
  it('a licence digest is one hash', () => {
    expect(hashesOf((b) => licenceHash(bytes(50, 9), b))).toBe(1);
  });

  it('an Ed25519 key derivation is HKDF-Extract (2), one Expand block (2) and the key thumbprint (1)', () => {
    expect(hashesOf((b) => deriveAttestationKey(bytes(32, 4), bytes(32, 5), -8, b))).toBe(5);
    expect(hashesOf((b) => deriveDeviceIdentityKey(bytes(32, 4), -8, b))).toBe(5);
  });

  it('a P-256 key derivation expands two blocks (40 bytes): 2 + 4 + 1', () => {
    expect(hashesOf((b) => deriveAttestationKey(bytes(32, 4), bytes(32, 5), -9, b))).toBe(7);
  });

  it('the log id is HKDF-Extract and one Expand block, with no key', () => {
    expect(hashesOf((b) => deriveLogId(bytes(32, 4), b))).toBe(4);
  });

  it("a workload's model-state commitments appear in its step's cost: two parents and a produced state are three hashes more", () => {
    const costOf = (over: Record<string, unknown>) => {
      const t = runScenario(parseScenario(licensed([run('a', 5), run('b', 5, over)])));
      return t.steps[t.steps.length - 1]!.cost.hashes;
    };
    const plain = costOf({});
    const lineage = costOf({ parentStates: [{ sha256: 'base' }, { sha256: 'other' }], producedState: { sha256: 'tuned' } });
    expect(plain).toBeGreaterThan(0);
    expect(lineage - plain).toBe(3);
  });
});
