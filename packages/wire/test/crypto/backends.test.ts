import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { sha512 } from '@noble/hashes/sha2.js';
import * as nodeCrypto from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SIGNATURE_SCHEMES, getBackend as getCoreBackend, isBackendAvailable as isCoreBackendAvailable, nobleBackend, type CryptoBackend, type SignatureScheme } from '../../src/crypto/index.js';
import { createNodeBackend, getBackend, isBackendAvailable } from '../../src/crypto/node-entry.js';
import { HemkitError } from '../../src/errors.js';
import { expectCode, fromHex, hex } from '../support/expect-code.js';
import { concatBytes as concat } from '../../src/bytes.js';
import { loadNodeCrypto, nodeDigest } from '../../src/crypto/node-types.js';

const nodeBackend = createNodeBackend();
const BACKENDS: readonly CryptoBackend[] = [nobleBackend, nodeBackend];
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Fixed private keys, one per scheme, so that every signature below is reproducible. */
const PRIVATE_KEYS: Readonly<Record<SignatureScheme, Uint8Array>> = {
  ed25519: fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
  'p256-sha256': fromHex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721'),
  'p384-sha384': fromHex(
    '6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d896d5724e4c70a825f872c9ea60d2edf5',
  ),
};

const ORDER: Readonly<Record<'p256-sha256' | 'p384-sha384', bigint>> = {
  'p256-sha256': p256.Point.Fn.ORDER,
  'p384-sha384': p384.Point.Fn.ORDER,
};

function bigToBytes(value: bigint, length: number): Uint8Array {
  return fromHex(value.toString(16).padStart(length * 2, '0'));
}

function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= 0x01;
  return copy;
}

/** The outcome of a call as a string, so that two backends can be compared exactly. */
function outcome(fn: () => unknown): string {
  try {
    const value = fn();
    return value instanceof Uint8Array ? `bytes ${hex(value)}` : `value ${String(value)}`;
  } catch (e) {
    return e instanceof HemkitError ? `refused ${e.code}` : `raw exception ${String(e)}`;
  }
}

describe.each(BACKENDS.map((backend) => ({ backend, name: backend.name })))('the $name backend', ({ backend }) => {
  describe.each(SIGNATURE_SCHEMES.map((scheme) => ({ scheme })))('$scheme', ({ scheme }) => {
    const privateKey = PRIVATE_KEYS[scheme];
    const message = text('hemkit round trip');

    it('verifies its own signature', () => {
      const publicKey = backend.publicKey(scheme, privateKey);
      expect(backend.verify(scheme, publicKey, message, backend.sign(scheme, privateKey, message))).toBe(true);
    });

    it('signs deterministically: the same key and message give the same bytes', () => {
      expect(hex(backend.sign(scheme, privateKey, message))).toBe(hex(backend.sign(scheme, privateKey, message)));
    });

    it('returns false for a changed message, a changed signature, or a signature of the wrong length', () => {
      const publicKey = backend.publicKey(scheme, privateKey);
      const signature = backend.sign(scheme, privateKey, message);
      expect(backend.verify(scheme, publicKey, flipBit(message, 0), signature)).toBe(false);
      expect(backend.verify(scheme, publicKey, message, flipBit(signature, 5))).toBe(false);
      expect(backend.verify(scheme, publicKey, message, flipBit(signature, signature.length - 5))).toBe(false);
      expect(backend.verify(scheme, publicKey, message, signature.subarray(1))).toBe(false);
      expect(backend.verify(scheme, publicKey, message, concat(signature, new Uint8Array(1)))).toBe(false);
      expect(backend.verify(scheme, publicKey, message, new Uint8Array(0))).toBe(false);
    });

    it('returns plain Uint8Arrays, not Buffers', () => {
      for (const bytes of [
        backend.sign(scheme, privateKey, message),
        backend.publicKey(scheme, privateKey),
        backend.sha256(message),
        backend.sha384(message),
      ]) {
        expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
      }
    });
  });

  it('verifies ECDSA signatures with high S (RFC 9053 §2.1 sets no low-S rule)', () => {
    for (const scheme of ['p256-sha256', 'p384-sha384'] as const) {
      const publicKey = backend.publicKey(scheme, PRIVATE_KEYS[scheme]);
      const low = backend.sign(scheme, PRIVATE_KEYS[scheme], text('high S'));
      const size = low.length / 2;
      const s = BigInt(`0x${hex(low.subarray(size))}`);
      const high = concat(low.subarray(0, size), bigToBytes(ORDER[scheme] - s, size));
      expect(backend.verify(scheme, publicKey, text('high S'), high)).toBe(true);
    }
  });

  it('returns false for ECDSA r or s equal to 0 or to n (SEC 1 §4.1.4 step 1)', () => {
    for (const scheme of ['p256-sha256', 'p384-sha384'] as const) {
      const publicKey = backend.publicKey(scheme, PRIVATE_KEYS[scheme]);
      const good = backend.sign(scheme, PRIVATE_KEYS[scheme], text('range'));
      const size = good.length / 2;
      const [r, s] = [good.subarray(0, size), good.subarray(size)];
      for (const bad of [new Uint8Array(size), bigToBytes(ORDER[scheme], size)]) {
        expect(backend.verify(scheme, publicKey, text('range'), concat(bad, s))).toBe(false);
        expect(backend.verify(scheme, publicKey, text('range'), concat(r, bad))).toBe(false);
      }
    }
  });

  it('returns false for an Ed25519 signature whose S is S + L (RFC 8032 §5.1.7: S must be below L)', () => {
    const publicKey = backend.publicKey('ed25519', PRIVATE_KEYS.ed25519);
    const good = backend.sign('ed25519', PRIVATE_KEYS.ed25519, text('malleable'));
    const s = BigInt(`0x${hex(good.subarray(32).slice().reverse())}`) + ed25519.Point.Fn.ORDER;
    const sPlusL = bigToBytes(s, 32).reverse();
    expect(backend.verify('ed25519', publicKey, text('malleable'), concat(good.subarray(0, 32), sPlusL))).toBe(false);
  });
});

describe('known answers', () => {
  // RFC 8032 §7.1, TEST 1, TEST 2 and TEST 3.
  const RFC8032 = [
    {
      secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      message: '',
      signature:
        'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    },
    {
      secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
      public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      message: '72',
      signature:
        '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    },
    {
      secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
      public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
      message: 'af82',
      signature:
        '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
    },
  ];

  // RFC 6979 A.2.5 and A.2.6, message "sample". Both s values are above n/2, so hemkit's low-S
  // signature carries n - s; the RFC's own signature must still verify.
  const RFC6979 = [
    {
      scheme: 'p256-sha256',
      public:
        '04' +
        '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6' +
        '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
      r: 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
      s: 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
    },
    {
      scheme: 'p384-sha384',
      public:
        '04' +
        'ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64def8f0ea9055866064a254515480bc13' +
        '8015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1288b231c3ae0d4fe7344fd2533264720',
      r: '94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fabe46',
      s: '99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a38628ac8',
    },
  ] as const;

  describe.each(BACKENDS.map((backend) => ({ backend, name: backend.name })))('$name', ({ backend }) => {
    it('derives the RFC 8032 §7.1 public keys and signatures', () => {
      for (const v of RFC8032) {
        expect(hex(backend.publicKey('ed25519', fromHex(v.secret)))).toBe(v.public);
        expect(hex(backend.sign('ed25519', fromHex(v.secret), fromHex(v.message)))).toBe(v.signature);
        expect(backend.verify('ed25519', fromHex(v.public), fromHex(v.message), fromHex(v.signature))).toBe(true);
      }
    });

    it('signs RFC 6979 "sample" with the RFC\'s r and the low-S form of its s, and verifies the original', () => {
      for (const v of RFC6979) {
        const size = v.r.length / 2;
        expect(hex(backend.publicKey(v.scheme, PRIVATE_KEYS[v.scheme]))).toBe(v.public);
        const lowS = bigToBytes(ORDER[v.scheme] - BigInt(`0x${v.s}`), size);
        expect(hex(backend.sign(v.scheme, PRIVATE_KEYS[v.scheme], text('sample')))).toBe(v.r + hex(lowS));
        expect(backend.verify(v.scheme, fromHex(v.public), text('sample'), fromHex(v.r + v.s))).toBe(true);
      }
    });

    // FIPS 180-2 Appendix B.1 and D.1 ("abc"), and the empty message.
    it('hashes "abc" and the empty message to the FIPS 180 digests', () => {
      expect(hex(backend.sha256(text('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(hex(backend.sha384(text('abc')))).toBe(
        'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
      );
      expect(hex(backend.sha256(new Uint8Array(0)))).toBe(
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      );
      expect(hex(backend.sha384(new Uint8Array(0)))).toBe(
        '38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b',
      );
    });
  });
});

describe('the two backends agree', () => {
  it('derive identical public keys and sign byte-identically, for any key and message', () => {
    const seeds = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const messages = fc.uint8Array({ maxLength: 300 });
    fc.assert(
      fc.property(seeds, messages, (seed, message) => {
        const p256Key = p256.utils.randomSecretKey(concat(seed, seed.subarray(0, 16)));
        const p384Key = p384.utils.randomSecretKey(concat(seed, seed, seed.subarray(0, 8)));
        for (const [scheme, key] of [
          ['ed25519', seed],
          ['p256-sha256', p256Key],
          ['p384-sha384', p384Key],
        ] as const) {
          expect(hex(nodeBackend.publicKey(scheme, key))).toBe(hex(nobleBackend.publicKey(scheme, key)));
          const signature = nodeBackend.sign(scheme, key, message);
          expect(hex(signature)).toBe(hex(nobleBackend.sign(scheme, key, message)));
          expect(nobleBackend.verify(scheme, nodeBackend.publicKey(scheme, key), message, signature)).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('hash identically, including views into a larger buffer', () => {
    const big = nodeCrypto.randomBytes(1 << 20);
    const view = new Uint8Array(big.buffer, big.byteOffset + 3, 1000);
    for (const data of [new Uint8Array(big), view]) {
      expect(hex(nodeBackend.sha256(data))).toBe(hex(nobleBackend.sha256(data)));
      expect(hex(nodeBackend.sha384(data))).toBe(hex(nobleBackend.sha384(data)));
    }
  });

  it('give the same outcome for arbitrary keys and signatures, and never a raw exception', () => {
    const scheme = fc.constantFrom(...SIGNATURE_SCHEMES);
    const bytes = fc.uint8Array({ maxLength: 100 });
    fc.assert(
      fc.property(scheme, bytes, bytes, bytes, fc.boolean(), (scheme, key, message, signature, realKey) => {
        const publicKey = realKey ? nobleBackend.publicKey(scheme, PRIVATE_KEYS[scheme]) : key;
        const a = outcome(() => nobleBackend.verify(scheme, publicKey, message, signature));
        const b = outcome(() => nodeBackend.verify(scheme, publicKey, message, signature));
        expect(a).toBe(b);
        expect(a).toMatch(/^(value (true|false)|refused CRYPTO_INVALID_PUBLIC_KEY)$/);
      }),
      { numRuns: 300 },
    );
  });

  it('give the same outcome for signatures with every single bit flipped', () => {
    for (const scheme of SIGNATURE_SCHEMES) {
      const publicKey = nobleBackend.publicKey(scheme, PRIVATE_KEYS[scheme]);
      const signature = nobleBackend.sign(scheme, PRIVATE_KEYS[scheme], text('bits'));
      for (let bit = 0; bit < signature.length * 8; bit += 7) {
        const changed = signature.slice();
        changed[bit >> 3]! ^= 1 << (bit & 7);
        expect(nodeBackend.verify(scheme, publicKey, text('bits'), changed)).toBe(false);
        expect(nobleBackend.verify(scheme, publicKey, text('bits'), changed)).toBe(false);
      }
    }
  });
});

/**
 * RFC 8032 §5.1.7 lets a verifier check [8][S]B = [8]R + [8][k]A' (noble) or [S]B = R + [k]A' (OpenSSL).
 * The two differ only when R or A' has a small-order component; these signatures are built to have one,
 * so that the node backend's agreement with noble is tested where OpenSSL alone would refuse.
 */
describe('Ed25519 signatures that only the cofactored equation accepts', () => {
  const L = ed25519.Point.Fn.ORDER;
  // A point of order 8 (one of the eight small-order points of edwards25519).
  const T = ed25519.Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'));
  const { scalar: a, pointBytes: A } = ed25519.utils.getExtendedPublicKey(PRIVATE_KEYS.ed25519);
  const le = (bytes: Uint8Array): bigint => BigInt(`0x${hex(bytes.slice().reverse())}`);
  const toLe = (n: bigint): Uint8Array => bigToBytes(n, 32).reverse();
  const challenge = (R: Uint8Array, pk: Uint8Array, m: Uint8Array): bigint => le(sha512(concat(R, pk, m))) % L;
  const r = 0x1234567890abcdef1234567890abcdef1234567890abcdefn;

  function opensslVerifies(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    const key = nodeCrypto.createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
    return nodeCrypto.verify(null, message, key, signature);
  }

  it('uses a point of order exactly 8', () => {
    expect(T.double().double().is0()).toBe(false);
    expect(T.double().double().double().is0()).toBe(true);
  });

  it('both backends accept a signature whose R has a small-order component', () => {
    const message = text('mixed-order R');
    const R = ed25519.Point.BASE.multiply(r).add(T).toBytes();
    const S = (r + challenge(R, A, message) * a) % L;
    const signature = concat(R, toLe(S));
    expect(opensslVerifies(A, message, signature)).toBe(false);
    expect(nobleBackend.verify('ed25519', A, message, signature)).toBe(true);
    expect(nodeBackend.verify('ed25519', A, message, signature)).toBe(true);
  });

  it('both backends accept a signature under a public key with a small-order component', () => {
    const mixedKey = ed25519.Point.BASE.multiply(a % L).add(T).toBytes();
    const R = ed25519.Point.BASE.multiply(r).toBytes();
    let message = text('mixed-order A 0');
    for (let i = 1; challenge(R, mixedKey, message) % 8n === 0n; i++) message = text(`mixed-order A ${i}`);
    const S = (r + challenge(R, mixedKey, message) * a) % L;
    const signature = concat(R, toLe(S));
    expect(opensslVerifies(mixedKey, message, signature)).toBe(false);
    expect(nobleBackend.verify('ed25519', mixedKey, message, signature)).toBe(true);
    expect(nodeBackend.verify('ed25519', mixedKey, message, signature)).toBe(true);
  });
});

describe('the node backend', () => {
  it('stays correct when its public-key cache is smaller than the working set', () => {
    const backend = createNodeBackend({ publicKeyCacheSize: 2 });
    const seeds = Array.from({ length: 5 }, (_, i) => new Uint8Array(32).fill(i + 1));
    const keys = seeds.map((seed) => backend.publicKey('ed25519', seed));
    const signatures = seeds.map((seed) => backend.sign('ed25519', seed, text('cache')));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < seeds.length; i++) {
        expect(backend.verify('ed25519', keys[i]!, text('cache'), signatures[i]!)).toBe(true);
        expect(backend.verify('ed25519', keys[i]!, text('cache'), signatures[(i + 1) % 5]!)).toBe(false);
      }
    }
  });

  it.each(['ed25519', 'p256-sha256'] as const)('verifies %s under the new key when a public-key array is rewritten in place', (scheme) => {
    const backend = createNodeBackend();
    const privateKeys = [new Uint8Array(32).fill(3), new Uint8Array(32).fill(4)];
    const [a, b] = privateKeys.map((k) => nobleBackend.publicKey(scheme, k));
    const [sigA, sigB] = privateKeys.map((k) => nobleBackend.sign(scheme, k, text('rewritten')));
    const key = a!.slice();
    expect(backend.verify(scheme, key, text('rewritten'), sigA!)).toBe(true);
    expect(backend.verify(scheme, key, text('rewritten'), sigA!)).toBe(true); // found by the array
    key.set(b!);
    expect(backend.verify(scheme, key, text('rewritten'), sigA!)).toBe(false);
    expect(backend.verify(scheme, key, text('rewritten'), sigB!)).toBe(true);
  });

  it('returns digests as plain Uint8Arrays over memory of their own', () => {
    const first = nodeBackend.sha256(text('a'));
    const second = nodeBackend.sha384(text('b'));
    for (const d of [first, second]) {
      expect(Object.getPrototypeOf(d)).toBe(Uint8Array.prototype);
      expect(d.byteOffset).toBe(0);
      expect(d.buffer.byteLength).toBe(d.length);
    }
    expect(hex(first)).toBe(hex(nobleBackend.sha256(text('a'))));
    expect(hex(second)).toBe(hex(nobleBackend.sha384(text('b'))));
  });

  it('gives noble\'s digests, every byte value among them, by hash() and by the createHash fallback', () => {
    // The digest crosses from node:crypto as latin1 text (node-types.ts nodeDigest): one character a byte.
    const nc = loadNodeCrypto()!;
    const fallback = nodeDigest({ createHash: (a) => nc.createHash(a) });
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const data = Uint8Array.from({ length: i }, (_, j) => (i * 31 + j * 7) & 0xff);
      const expected256 = nobleBackend.sha256(data);
      for (const b of expected256) seen.add(b);
      expect(hex(nodeBackend.sha256(data))).toBe(hex(expected256));
      expect(hex(fallback('sha256', data))).toBe(hex(expected256));
      expect(hex(nodeBackend.sha384(data))).toBe(hex(nobleBackend.sha384(data)));
      expect(hex(fallback('sha384', data))).toBe(hex(nobleBackend.sha384(data)));
    }
    expect(seen.size).toBe(256);
  });

  it('signs with the new key when a seed array is rewritten in place', () => {
    const seed = new Uint8Array(32).fill(7);
    nodeBackend.sign('ed25519', seed, text('first'));
    seed.fill(9);
    expect(hex(nodeBackend.sign('ed25519', seed, text('second')))).toBe(
      hex(nobleBackend.sign('ed25519', new Uint8Array(32).fill(9), text('second'))),
    );
    expect(hex(nodeBackend.publicKey('ed25519', seed))).toBe(hex(nobleBackend.publicKey('ed25519', seed)));
  });
});

describe('errors', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const ed25519Key = nobleBackend.publicKey('ed25519', PRIVATE_KEYS.ed25519);
  const p256Key = nobleBackend.publicKey('p256-sha256', PRIVATE_KEYS['p256-sha256']);
  const p384Key = nobleBackend.publicKey('p384-sha384', PRIVATE_KEYS['p384-sha384']);
  const P = 2n ** 255n - 19n;

  /** Public keys that each backend must refuse with CRYPTO_INVALID_PUBLIC_KEY, whatever the signature. */
  const BAD_PUBLIC_KEYS: readonly [string, SignatureScheme, unknown][] = [
    ['ed25519, 31 bytes', 'ed25519', ed25519Key.subarray(1)],
    ['ed25519, 33 bytes', 'ed25519', concat(ed25519Key, new Uint8Array(1))],
    ['ed25519, a hex string', 'ed25519', hex(ed25519Key)],
    ['ed25519, y = p (RFC 8032 §5.1.3 requires y < p)', 'ed25519', toLittleEndian(P)],
    ['ed25519, y = p + 1, a non-canonical identity', 'ed25519', toLittleEndian(P + 1n)],
    ['ed25519, x = 0 with the sign bit set (RFC 8032 §5.1.3 step 4)', 'ed25519', withSignBit(toLittleEndian(1n))],
    ['ed25519, y with no x on the curve', 'ed25519', toLittleEndian(firstYOffCurve())],
    ['ed25519, the identity (small order)', 'ed25519', toLittleEndian(1n)],
    ['ed25519, the point of order 2', 'ed25519', toLittleEndian(P - 1n)],
    [
      'ed25519, a point of order 8',
      'ed25519',
      fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'),
    ],
    ['p256, compressed (33 bytes)', 'p256-sha256', p256.getPublicKey(PRIVATE_KEYS['p256-sha256'], true)],
    ['p256, 64 bytes without the 0x04 prefix', 'p256-sha256', p256Key.subarray(1)],
    ['p256, prefix 0x06 (hybrid form)', 'p256-sha256', concat(Uint8Array.of(0x06), p256Key.subarray(1))],
    ['p256, the SEC 1 encoding of infinity (0x00)', 'p256-sha256', Uint8Array.of(0x00)],
    ['p256, (0, 0)', 'p256-sha256', concat(Uint8Array.of(0x04), new Uint8Array(64))],
    ['p256, off the curve', 'p256-sha256', flipBit(p256Key, 64)],
    [
      'p256, x = p',
      'p256-sha256',
      concat(Uint8Array.of(0x04), bigToBytes(p256.Point.Fp.ORDER, 32), p256Key.subarray(33)),
    ],
    ['p256, a P-384 key', 'p256-sha256', p384Key],
    ['p384, off the curve', 'p384-sha384', flipBit(p384Key, 96)],
    ['p384, a P-256 key', 'p384-sha384', p256Key],
    ['p384, null', 'p384-sha384', null],
  ];

  function toLittleEndian(n: bigint): Uint8Array {
    return bigToBytes(n, 32).reverse();
  }

  function withSignBit(bytes: Uint8Array): Uint8Array {
    const copy = bytes.slice();
    copy[31]! |= 0x80;
    return copy;
  }

  function firstYOffCurve(): bigint {
    for (let y = 2n; ; y++) {
      try {
        ed25519.Point.fromBytes(toLittleEndian(y));
      } catch {
        return y;
      }
    }
  }

  describe.each(BACKENDS.map((backend) => ({ backend, name: backend.name })))('$name', ({ backend }) => {
    it.each(BAD_PUBLIC_KEYS)('CRYPTO_INVALID_PUBLIC_KEY: %s', (_, scheme, publicKey) => {
      const signature = nobleBackend.sign(scheme, PRIVATE_KEYS[scheme], text('m'));
      expectCode(
        () => backend.verify(scheme, publicKey as Uint8Array, text('m'), signature),
        'CRYPTO_INVALID_PUBLIC_KEY',
      );
      expectCode(
        () => backend.verify(scheme, publicKey as Uint8Array, text('m'), new Uint8Array(0)),
        'CRYPTO_INVALID_PUBLIC_KEY',
      );
    });

    const BAD_PRIVATE_KEYS: readonly [string, SignatureScheme, unknown][] = [
      ['ed25519, 31 bytes', 'ed25519', new Uint8Array(31)],
      ['ed25519, 64 bytes (seed and public key together)', 'ed25519', new Uint8Array(64)],
      ['ed25519, a hex string', 'ed25519', hex(PRIVATE_KEYS.ed25519)],
      ['p256, 31 bytes', 'p256-sha256', new Uint8Array(31)],
      ['p256, zero (SEC 1 §3.2.1: d in [1, n-1])', 'p256-sha256', new Uint8Array(32)],
      ['p256, n', 'p256-sha256', bigToBytes(ORDER['p256-sha256'], 32)],
      ['p256, 2^256 - 1', 'p256-sha256', new Uint8Array(32).fill(0xff)],
      ['p256, a P-384 key', 'p256-sha256', PRIVATE_KEYS['p384-sha384']],
      ['p384, n', 'p384-sha384', bigToBytes(ORDER['p384-sha384'], 48)],
      ['p384, a P-256 key', 'p384-sha384', PRIVATE_KEYS['p256-sha256']],
      ['p384, undefined', 'p384-sha384', undefined],
    ];

    it.each(BAD_PRIVATE_KEYS)('CRYPTO_INVALID_PRIVATE_KEY: %s', (_, scheme, privateKey) => {
      expectCode(() => backend.sign(scheme, privateKey as Uint8Array, text('m')), 'CRYPTO_INVALID_PRIVATE_KEY');
      expectCode(() => backend.publicKey(scheme, privateKey as Uint8Array), 'CRYPTO_INVALID_PRIVATE_KEY');
    });

    it('CRYPTO_INVALID_MESSAGE: a message or data that is not a Uint8Array, such as a string', () => {
      for (const scheme of SIGNATURE_SCHEMES) {
        const key = nobleBackend.publicKey(scheme, PRIVATE_KEYS[scheme]);
        const signature = nobleBackend.sign(scheme, PRIVATE_KEYS[scheme], text('m'));
        const notBytes = 'm' as unknown as Uint8Array;
        expectCode(() => backend.verify(scheme, key, notBytes, signature), 'CRYPTO_INVALID_MESSAGE');
        expectCode(() => backend.sign(scheme, PRIVATE_KEYS[scheme], notBytes), 'CRYPTO_INVALID_MESSAGE');
      }
      expectCode(() => backend.sha256('abc' as unknown as Uint8Array), 'CRYPTO_INVALID_MESSAGE');
      expectCode(() => backend.sha384([1, 2, 3] as unknown as Uint8Array), 'CRYPTO_INVALID_MESSAGE');
    });

    it('CRYPTO_UNSUPPORTED_ALGORITHM: a scheme outside SignatureScheme, in verify, sign and publicKey', () => {
      for (const scheme of ['ed448', 'P-256', 'toString', ''] as unknown as SignatureScheme[]) {
        expectCode(
          () => backend.verify(scheme, ed25519Key, text('m'), new Uint8Array(64)),
          'CRYPTO_UNSUPPORTED_ALGORITHM',
        );
        expectCode(() => backend.sign(scheme, PRIVATE_KEYS.ed25519, text('m')), 'CRYPTO_UNSUPPORTED_ALGORITHM');
        expectCode(() => backend.publicKey(scheme, PRIVATE_KEYS.ed25519), 'CRYPTO_UNSUPPORTED_ALGORITHM');
      }
    });
  });

  it('CRYPTO_BACKEND_UNAVAILABLE: a backend name other than noble and node', () => {
    expectCode(() => getBackend('webcrypto' as never), 'CRYPTO_BACKEND_UNAVAILABLE');
    expectCode(() => getCoreBackend('webcrypto' as never), 'CRYPTO_BACKEND_UNAVAILABLE');
  });

  it('the portable core (@hemkit/wire/crypto) serves noble only, and points at the node entry for node', () => {
    expect(getCoreBackend()).toBe(nobleBackend);
    expect(getCoreBackend('noble')).toBe(nobleBackend);
    expect(isCoreBackendAvailable('noble')).toBe(true);
    expect(isCoreBackendAvailable('node')).toBe(false);
    const error = expectCode(() => getCoreBackend('node'), 'CRYPTO_BACKEND_UNAVAILABLE');
    expect(error.message).toContain('@hemkit/wire/crypto/node');
  });

  it('CRYPTO_BACKEND_UNAVAILABLE: the node backend where node:crypto cannot be reached', () => {
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined);
    expect(isBackendAvailable('node')).toBe(false);
    expect(isBackendAvailable('noble')).toBe(true);
    expectCode(() => createNodeBackend(), 'CRYPTO_BACKEND_UNAVAILABLE');
  });

  it('getBackend gives noble by default and one shared node instance', () => {
    expect(getBackend()).toBe(nobleBackend);
    expect(getBackend('node').name).toBe('node');
    expect(getBackend('node')).toBe(getBackend('node'));
    expect(isBackendAvailable('node')).toBe(true);
  });
});

describe('the node backend\'s Ed25519 key import', () => {
  // The backend imports a seed as a private OKP JWK with an empty `x` (node.ts, ed25519FromJwk): ten
  // times cheaper than PKCS #8. Should a Node release refuse that shape, the backend falls back to
  // DER and stays correct but slow; this says so.
  it('is the raw JWK path on this Node: the key it gives is the seed\'s', () => {
    const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const key = nodeCrypto.createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(seed).toString('base64url'), x: '' }, format: 'jwk' });
    const x = nodeCrypto.createPublicKey(key).export({ format: 'jwk' }).x!;
    expect(hex(Buffer.from(x, 'base64url'))).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'); // RFC 8032 §7.1, TEST 1
  });
});
