/**
 * Crypto backend rates: each noble figure is printed as the baseline, and the node figure measured
 * right after it in the same run as a ratio to it. About 11 s in all.
 */

import { SIGNATURE_SCHEMES, nobleBackend, type CryptoBackend, type SignatureScheme } from '../src/crypto/index.js';
import { createNodeBackend, isBackendAvailable } from '../src/crypto/node-entry.js';
import { formatRate, measure, report, type Measurement } from './harness.js';

const SECONDS = 0.5;

/** The size of a typical COSE Sig_structure that hemkit signs. */
const MESSAGE = new Uint8Array(160).fill(0x2a);
const OTHER_MESSAGE = new Uint8Array(160).fill(0x2b);

const PRIVATE_KEYS: Readonly<Record<SignatureScheme, Uint8Array>> = {
  ed25519: new Uint8Array(32).fill(0x11),
  'p256-sha256': new Uint8Array(32).fill(0x22),
  'p384-sha384': new Uint8Array(48).fill(0x33),
};

function baseline(m: Measurement): void {
  console.log(`  ${m.name.padEnd(46)} ${formatRate(m.opsPerSecond).padStart(10)}`);
}

function compare(
  node: CryptoBackend | undefined,
  label: string,
  run: (backend: CryptoBackend) => () => unknown,
): void {
  const noble = measure(`noble ${label}`, run(nobleBackend), SECONDS);
  baseline(noble);
  if (node !== undefined) report(measure(`node ${label}`, run(node), SECONDS), noble);
}

export async function benchCrypto(): Promise<void> {
  // The bench runs on Node (20.16+), where node:crypto is always there: its absence is a fault of
  // the bench, not a reason to print half the comparison (the core entry's isBackendAvailable
  // knows noble only since the node backend moved to @hemkit/wire/crypto/node).
  if (!isBackendAvailable('node')) throw new Error('node:crypto is not available to the bench');
  const node: CryptoBackend | undefined = createNodeBackend();
  console.log('crypto backends (node:crypto as a ratio to noble in the same run)');

  for (const scheme of SIGNATURE_SCHEMES) {
    const privateKey = PRIVATE_KEYS[scheme];
    const publicKey = nobleBackend.publicKey(scheme, privateKey);
    const signature = nobleBackend.sign(scheme, privateKey, MESSAGE);
    compare(node, `${scheme} verify`, (b) => () => b.verify(scheme, publicKey, MESSAGE, signature));
    // The node backend signs ECDSA with noble (RFC 6979), so its ECDSA sign ratio is about 1.
    compare(node, `${scheme} sign`, (b) => () => b.sign(scheme, privateKey, MESSAGE));
  }

  // The node backend re-asks noble whenever OpenSSL refuses an Ed25519 signature (node.ts says why),
  // so refusals run at noble's rate: the figure to plan for when many signatures are bad.
  const publicKey = nobleBackend.publicKey('ed25519', PRIVATE_KEYS.ed25519);
  const signature = nobleBackend.sign('ed25519', PRIVATE_KEYS.ed25519, MESSAGE);
  compare(node, 'ed25519 verify, a bad signature', (b) => () =>
    b.verify('ed25519', publicKey, OTHER_MESSAGE, signature),
  );

  const merkleNode = new Uint8Array(65).fill(0x01);
  compare(node, 'sha256 of a 65-byte Merkle node', (b) => () => b.sha256(merkleNode));
}
