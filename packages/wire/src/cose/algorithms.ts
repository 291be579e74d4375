/**
 * The COSE algorithm table of the hemkit profile (specs/cose.md §Algorithms).
 *
 * Only signature algorithms, each bound to one curve and one hash, so that a key and an alg either
 * match or do not. EdDSA (-8) is polymorphic in RFC 9053; hemkit reads it as Ed25519 only, which is
 * what RFC 9864 makes explicit with the fully specified ids -19, -9 and -51.
 */
import { HemkitError } from '../errors.js';
import type { SignatureScheme } from '../crypto/backend.js';
import type { CborValue } from '../cbor/index.js';

export type KeyType = 'OKP' | 'EC2';

export interface AlgorithmInfo {
  readonly id: number;
  readonly name: string;
  readonly scheme: SignatureScheme;
  readonly keyType: KeyType;
  /** COSE Elliptic Curves registry value (RFC 9053 §7.1): 1 P-256, 2 P-384, 6 Ed25519. */
  readonly curve: number;
  /** Signature length in bytes (RFC 9053 §2.1, §2.2). */
  readonly signatureLength: number;
}

const table: readonly AlgorithmInfo[] = [
  { id: -8, name: 'EdDSA', scheme: 'ed25519', keyType: 'OKP', curve: 6, signatureLength: 64 },
  { id: -19, name: 'Ed25519', scheme: 'ed25519', keyType: 'OKP', curve: 6, signatureLength: 64 },
  { id: -7, name: 'ES256', scheme: 'p256-sha256', keyType: 'EC2', curve: 1, signatureLength: 64 },
  { id: -9, name: 'ESP256', scheme: 'p256-sha256', keyType: 'EC2', curve: 1, signatureLength: 64 },
  { id: -35, name: 'ES384', scheme: 'p384-sha384', keyType: 'EC2', curve: 2, signatureLength: 96 },
  { id: -51, name: 'ESP384', scheme: 'p384-sha384', keyType: 'EC2', curve: 2, signatureLength: 96 },
];

export const ALGORITHMS: ReadonlyMap<number, AlgorithmInfo> = new Map(table.map((a) => [a.id, a]));

/** COSE alg ids hemkit accepts; the first of each scheme is what it emits by default. */
export type CoseAlgorithm = -8 | -19 | -7 | -9 | -35 | -51;

export const ALG_EDDSA = -8;
export const ALG_ED25519 = -19;
export const ALG_ES256 = -7;
export const ALG_ES384 = -35;

export function algorithmInfo(alg: CborValue | undefined): AlgorithmInfo {
  const info = typeof alg === 'number' ? ALGORITHMS.get(alg) : undefined;
  if (info === undefined) {
    const shown = typeof alg === 'string' ? JSON.stringify(alg) : String(alg);
    throw new HemkitError(
      'COSE_UNSUPPORTED_ALG',
      `alg ${shown} is not in the profile's table (${table.map((a) => `${a.id} ${a.name}`).join(', ')})`,
    );
  }
  return info;
}
