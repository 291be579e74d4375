/**
 * The parties around a chip that are not the chip: the manufacturer (root key, device certificates,
 * firmware manifests) and the licence authority (n issuers, threshold k). Deterministic given their
 * keys, so scenarios can become test vectors.
 */
import type { CoseAlgorithm, CosePublicKey } from '@hemkit/wire/cose';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import {
  deviceCertificateClaims,
  keyThumbprint,
  firmwareManifestClaims,
  issuerSetUpdateClaims,
  licenceClaims,
  revocationClaims,
  signClaims,
  signingKey,
  signStatement,
  type FirmwareManifestClaims,
  type FirmwareSigners,
  type IssuerSetUpdateClaims,
  type LicenceClaims,
  type RevocationClaims,
  type SigningKey,
} from '@hemkit/wire/messages';

export class Manufacturer {
  readonly key: SigningKey;
  /**
   * The manufacturer's OEM id (RFC 9711 §4.2.3, random form: device-certificate.md §1.1), which
   * scopes its hardware models. A real OEM draws it once and keeps it across root keys; a simulated
   * one given none takes the first 16 bytes of its root key's thumbprint, as unpredictable as a
   * random draw and the same on every run.
   */
  readonly oemid: Uint8Array;

  constructor(
    readonly name: string,
    privateKey: Uint8Array,
    alg: CoseAlgorithm = -8,
    private readonly backend?: CryptoBackend,
    oemid?: Uint8Array,
  ) {
    this.key = signingKey(alg, privateKey, backend);
    if (oemid !== undefined && oemid.length !== 16) throw new RangeError(`an OEM id is 16 bytes, not ${oemid.length}`);
    this.oemid = oemid ?? keyThumbprint(this.key.publicKey).slice(0, 16);
  }

  get publicKey(): CosePublicKey {
    return this.key.publicKey;
  }

  /** The device certificate for a chip that manufacture returned (specs/messages/device-certificate.md). */
  issueDeviceCertificate(chip: { ueid: Uint8Array; hwmodel: Uint8Array; deviceIdentityKey: CosePublicKey }, issuedAt: number): Uint8Array {
    return signClaims(
      deviceCertificateClaims,
      { iss: this.name, iat: issuedAt, ueid: chip.ueid, oemid: this.oemid, hwmodel: chip.hwmodel, cnf: { coseKey: chip.deviceIdentityKey } },
      this.key,
      this.backend,
    );
  }

  /** A COSE_Sign1 manifest, as a chip with no firmware-signer set takes (module-commands.md §4.1); the kind is optional there. */
  signFirmwareManifest(hwmodel: Uint8Array, measurement: Uint8Array, svn: number, issuedAt: number, kind?: number): Uint8Array {
    return signClaims(firmwareManifestClaims, { hwmodel, measurement, svn, iat: issuedAt, ...(kind !== undefined ? { firmwareKind: kind } : {}) }, this.key, this.backend);
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
    return signStatement(licenceClaims, claims, this.signers(signers), this.backend);
  }

  issueRevocation(claims: RevocationClaims, signers: readonly number[]): Uint8Array {
    return signStatement(revocationClaims, claims, this.signers(signers), this.backend);
  }

  /** An issuer-set update (licence.md §5a), signed by the issuers at `signers`: k of them must be in the chip's current set. */
  issueIssuerSetUpdate(claims: IssuerSetUpdateClaims, signers: readonly number[]): Uint8Array {
    return signStatement(issuerSetUpdateClaims, claims, this.signers(signers), this.backend);
  }

  private signers(indices: readonly number[]): SigningKey[] {
    return indices.map((i) => {
      const issuer = this.issuers[i];
      if (issuer === undefined) throw new RangeError(`no issuer ${i}: the authority has ${this.issuers.length}`);
      return issuer;
    });
  }
}

/**
 * n firmware signers with a threshold per kind of update (module-commands.md §4.1, RFD 025): what a
 * chip is provisioned with, and the COSE_Sign manifests any of them sign together.
 */
export class FirmwareSignerSet {
  readonly signers: readonly SigningKey[];

  constructor(
    privateKeys: readonly Uint8Array[],
    readonly thresholds: FirmwareSigners['thresholds'],
    alg: CoseAlgorithm = -8,
    private readonly backend?: CryptoBackend,
  ) {
    this.signers = privateKeys.map((k) => signingKey(alg, k, backend));
  }

  /** The provision parameter `firmwareSigners`. */
  get provisioned(): FirmwareSigners {
    return { keys: this.signers.map((s) => s.publicKey), thresholds: this.thresholds };
  }

  /**
   * A manifest signed by the signers at `indices` (repeats allowed: the chip counts a signer once) and
   * by any `outsiders`, keys not in the set; the chip decides whether that is enough for the kind.
   */
  signManifest(claims: FirmwareManifestClaims, indices: readonly number[], outsiders: readonly SigningKey[] = []): Uint8Array {
    const chosen = indices.map((i) => {
      const signer = this.signers[i];
      if (signer === undefined) throw new RangeError(`no firmware signer ${i}: the set has ${this.signers.length}`);
      return signer;
    });
    return signStatement(firmwareManifestClaims, claims, [...chosen, ...outsiders], this.backend);
  }
}
