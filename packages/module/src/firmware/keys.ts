/**
 * DICE-style key derivation (specs/keys.md §3): the device identity key depends on the UDS only; the
 * attestation key on the UDS and the firmware measurement, so any change of firmware changes it.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { signingKey, type SigningKey } from '@hemkit/wire/messages';
import type { CoseAlgorithm } from '@hemkit/wire/cose';
import { nobleBackend, type CryptoBackend } from '@hemkit/wire/crypto';
import { hkdfExpand as expand, hkdfExtract as extract, type Sha256 } from './hkdf.js';
import { fromHex, toHex } from '@hemkit/wire/bytes';

const utf8 = (s: string) => new TextEncoder().encode(s);
const DEVICE_ID_SALT = utf8('hemkit/v1/dice/device-id');
const INFO_DEVICE_IDENTITY = utf8('hemkit/v1/key/device-identity');
const INFO_ATTESTATION = utf8('hemkit/v1/key/attestation');
const INFO_LOG_KEY = utf8('hemkit/v1/key/log');
const INFO_LOG_ID = utf8('hemkit/v1/log-id');

/** Group orders, for the FIPS 186-5 A.2.1 "extra random bits" reduction. */
const ORDERS: Record<string, bigint> = {
  p256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  p384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};

function curveOf(alg: CoseAlgorithm): 'ed25519' | 'p256' | 'p384' {
  if (alg === -8 || alg === -19) return 'ed25519';
  return alg === -7 || alg === -9 ? 'p256' : 'p384';
}

/** The SHA-256 the derivation runs on: the backend's, so that the cost meter counts it (scenarios.md §5.1). */
const sha256Of = (backend: CryptoBackend | undefined): Sha256 => {
  const b = backend ?? nobleBackend;
  return (data) => b.sha256(data);
};

/** Turns HKDF output into a private key: the seed itself for Ed25519; d = (c mod (n-1)) + 1 for ECDSA. */
function privateKeyFrom(sha256: Sha256, prk: Uint8Array, info: Uint8Array, alg: CoseAlgorithm): Uint8Array {
  const curve = curveOf(alg);
  if (curve === 'ed25519') return expand(sha256, prk, info, 32);
  const n = ORDERS[curve]!;
  const size = curve === 'p256' ? 32 : 48;
  const c = BigInt(`0x${toHex(expand(sha256, prk, info, size + 8))}`);
  const d = (c % (n - 1n)) + 1n;
  return fromHex(d.toString(16).padStart(size * 2, '0'));
}

export function deriveDeviceIdentityKey(uds: Uint8Array, alg: CoseAlgorithm, backend?: CryptoBackend): SigningKey {
  const sha256 = sha256Of(backend);
  return signingKey(alg, privateKeyFrom(sha256, extract(sha256, uds, DEVICE_ID_SALT), INFO_DEVICE_IDENTITY, alg), backend);
}

/**
 * The log key (specs/keys.md §3): Ed25519 whatever the chip's key algorithm (signed notes need it),
 * from the UDS only, so it outlives every firmware update and witnesses' pins of it stay valid.
 */
export function deriveLogKey(uds: Uint8Array, backend?: CryptoBackend): SigningKey {
  const sha256 = sha256Of(backend);
  return signingKey(-8, privateKeyFrom(sha256, extract(sha256, uds, DEVICE_ID_SALT), INFO_LOG_KEY, -8), backend);
}

/** The log id of the note origin: 16 bytes keyed by the UDS, so it reveals nothing of the UEID. */
export function deriveLogId(uds: Uint8Array, backend?: CryptoBackend): Uint8Array {
  const sha256 = sha256Of(backend);
  return expand(sha256, extract(sha256, uds, DEVICE_ID_SALT), INFO_LOG_ID, 16);
}

export function deriveAttestationKey(uds: Uint8Array, firmwareMeasurement: Uint8Array, alg: CoseAlgorithm, backend?: CryptoBackend): SigningKey {
  // CDI = HKDF-Extract(salt = fw, IKM = UDS): the firmware measurement salts the chip's secret.
  const sha256 = sha256Of(backend);
  return signingKey(alg, privateKeyFrom(sha256, extract(sha256, uds, firmwareMeasurement), INFO_ATTESTATION, alg), backend);
}

export { hkdf };
