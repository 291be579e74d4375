/**
 * The parties around a chip that are not the chip: the manufacturer (root key, device certificates,
 * firmware manifests) and the licence authority (n issuers, threshold k). Deterministic given their
 * keys, so scenarios can become test vectors.
 */
import { encode } from '@hemkit/wire/cbor';
import { signSign, type CoseAlgorithm, type CosePublicKey } from '@hemkit/wire/cose';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import {
  deviceCertificateClaims,
  firmwareManifestClaims,
  licenceClaims,
  revocationClaims,
  signClaims,
  signingKey,
  type LicenceClaims,
  type RevocationClaims,
  type SigningKey,
} from '@hemkit/wire/messages';

export class Manufacturer {
  readonly key: SigningKey;

  constructor(
    readonly name: string,
    privateKey: Uint8Array,
    alg: CoseAlgorithm = -8,
    private readonly backend?: CryptoBackend,
  ) {
    this.key = signingKey(alg, privateKey, backend);
  }

  get publicKey(): CosePublicKey {
    return this.key.publicKey;
  }

  /** The device certificate for a chip that manufacture returned (specs/messages/device-certificate.md). */
  issueDeviceCertificate(chip: { ueid: Uint8Array; hwmodel: Uint8Array; deviceIdentityKey: CosePublicKey }, issuedAt: number): Uint8Array {
    return signClaims(
      deviceCertificateClaims,
      { iss: this.name, iat: issuedAt, ueid: chip.ueid, hwmodel: chip.hwmodel, cnf: { coseKey: chip.deviceIdentityKey } },
      this.key,
      this.backend,
    );
  }

  signFirmwareManifest(hwmodel: Uint8Array, measurement: Uint8Array, svn: number, issuedAt: number): Uint8Array {
    return signClaims(firmwareManifestClaims, { hwmodel, measurement, svn, iat: issuedAt }, this.key, this.backend);
  }
}

/** n licence issuers; any k of them together issue licences and revocations (COSE_Sign). */
export class LicenceAuthority {
  readonly issuers: readonly SigningKey[];

  constructor(
    privateKeys: readonly Uint8Array[],
    readonly threshold: number,
    alg: CoseAlgorithm = -8,
    private readonly backend?: CryptoBackend,
  ) {
    this.issuers = privateKeys.map((k) => signingKey(alg, k, backend));
  }

  get publicKeys(): CosePublicKey[] {
    return this.issuers.map((i) => i.publicKey);
  }

  /** Signs with the issuers at `signers` (indices); the chip decides whether that is enough. */
  issueLicence(claims: LicenceClaims, signers: readonly number[]): Uint8Array {
    return this.sign(encode(licenceClaims.toCbor(claims)), signers);
  }

  issueRevocation(claims: RevocationClaims, signers: readonly number[]): Uint8Array {
    return this.sign(encode(revocationClaims.toCbor(claims)), signers);
  }

  private sign(payload: Uint8Array, signers: readonly number[]): Uint8Array {
    return signSign(
      payload,
      signers.map((i) => {
        const issuer = this.issuers[i]!;
        return { alg: issuer.alg, privateKey: issuer.privateKey, kid: issuer.kid };
      }),
      this.backend ? { backend: this.backend } : {},
    );
  }
}
