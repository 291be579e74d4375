/**
 * The few node:crypto shapes the `node` backend and the node Merkle hasher use, declared here so that
 * the wire layer compiles without Node's type definitions, and node:crypto itself, reached through
 * process.getBuiltinModule (Node.js 20.16 and later) so that no module of the wire layer imports a
 * `node:` specifier: a browser bundle needs no Node shims, and reports the backend unavailable.
 */

/** The public JWK members the backend writes and reads (RFC 7517, RFC 8037). */
export interface JsonWebKey {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  /** The private part (RFC 8037 §2: an OKP key's seed); only ever written, for an import. */
  d?: string;
}

/** An opaque node:crypto KeyObject. */
export interface KeyObject {
  export(options: { format: 'jwk' }): JsonWebKey;
}

interface Hash {
  update(data: Uint8Array): Hash;
  digest(encoding: 'latin1'): string;
}

interface Ecdh {
  setPrivateKey(key: Uint8Array): void;
  getPublicKey(): Uint8Array;
}

export interface NodeCrypto {
  /** One-shot hash (Node 20.12+); absent before. */
  readonly hash?: (algorithm: string, data: Uint8Array, outputEncoding: 'latin1') => string;
  createHash(algorithm: string): Hash;
  createPublicKey(key: { key: JsonWebKey; format: 'jwk' } | KeyObject): KeyObject;
  createPrivateKey(key: { key: Uint8Array; format: 'der'; type: 'pkcs8' } | { key: JsonWebKey; format: 'jwk' }): KeyObject;
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  verify(
    algorithm: string | null,
    data: Uint8Array,
    key: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' },
    signature: Uint8Array,
  ): boolean;
  sign(algorithm: null, data: Uint8Array, key: KeyObject): Uint8Array;
  createECDH(curve: string): Ecdh;
}

/** node:crypto, or undefined where this runtime has none (a browser, or Node before 20.16). */
export function loadNodeCrypto(): NodeCrypto | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    const crypto = proc.getBuiltinModule('node:crypto') as NodeCrypto | undefined;
    return typeof crypto?.verify === 'function' ? crypto : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A digest function on node:crypto (one-shot `hash()` where present, else `createHash`) whose output
 * is a new plain Uint8Array. The digest is asked for as a latin1 string, one character a byte (Node's
 * latin1 maps byte b to U+00b, both ways), and copied into a small array: a Buffer digest is a
 * JavaScript object over memory outside V8's heap, made and freed through C++, and costs some four
 * times the hash itself in allocation and garbage collection (a verifier makes thousands per bundle),
 * whereas an array of 32 or 48 bytes lives on V8's heap.
 */
export function nodeDigest(nc: Pick<NodeCrypto, 'hash' | 'createHash'>): (algorithm: string, data: Uint8Array) => Uint8Array {
  const latin1 =
    typeof nc.hash === 'function'
      ? (algorithm: string, data: Uint8Array) => nc.hash!(algorithm, data, 'latin1')
      : (algorithm: string, data: Uint8Array) => nc.createHash(algorithm).update(data).digest('latin1');
  return (algorithm, data) => {
    const text = latin1(algorithm, data);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < out.length; i++) out[i] = text.charCodeAt(i);
    return out;
  };
}
