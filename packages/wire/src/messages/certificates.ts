/** Device and attestation-key certificates (specs/messages/device-certificate.md). */
import { CLAIM, cnfKey, firmwareMeasurement, hwmodel, oemid, publicKey, ueid } from './common.js';
import { arrayOf, field, mapOf, oneOf, optional, record, text, time, uint, type WireType } from './schema.js';
import { signedType, TYP } from './typed.js';

/** Signed by the manufacturer root key: binds a chip's UEID, OEM and model to its device identity key. */
export const deviceCertificateClaims = signedType(
  record('device-certificate-claims', {
    iss: field(CLAIM.iss, text),
    iat: field(CLAIM.iat, time),
    exp: optional(CLAIM.exp, time),
    ueid: field(CLAIM.ueid, ueid),
    oemid: field(CLAIM.oemid, oemid),
    hwmodel: field(CLAIM.hwmodel, hwmodel),
    cnf: field(CLAIM.cnf, cnfKey),
  }),
  TYP.deviceCertificate,
);
export type DeviceCertificateClaims = ReturnType<typeof deviceCertificateClaims.parse>;

/** Signed by the device identity key: binds the firmware-derived attestation key to the firmware. */
export const attestationKeyCertificateClaims = signedType(
  record('attestation-key-certificate-claims', {
    ueid: field(CLAIM.ueid, ueid),
    iat: optional(CLAIM.iat, time),
    measurement: field(CLAIM.measurement, firmwareMeasurement),
    svn: field(CLAIM.svn, uint),
    cnf: field(CLAIM.cnf, cnfKey),
  }),
  TYP.attestationKeyCertificate,
);
export type AttestationKeyCertificateClaims = ReturnType<typeof attestationKeyCertificateClaims.parse>;

/**
 * The kinds of firmware update (module-commands.md §4.1, RFD 025): each has its own threshold of
 * firmware signers on a chip provisioned with a signer set. The registry is closed in v1.
 */
export const FIRMWARE_KIND = { securityPatch: 1, featureUpdate: 2, governancePolicy: 3 } as const;
export type FirmwareKind = (typeof FIRMWARE_KIND)[keyof typeof FIRMWARE_KIND];
export const firmwareKind: WireType<FirmwareKind> = oneOf('firmware-kind', Object.values(FIRMWARE_KIND));

/** The most firmware signers a chip holds (module-commands.md §4.1): a bound on its storage and its verification work. */
export const MAX_FIRMWARE_SIGNERS = 16;

/**
 * The firmware signers a chip is provisioned with (module-commands.md §4.1): n keys, and for each
 * kind of update it admits, the threshold k of distinct signers. A kind absent from the map is one the
 * chip never installs.
 */
export const firmwareSigners = record('firmware-signers', {
  keys: field(1, arrayOf(publicKey, { min: 1, max: MAX_FIRMWARE_SIGNERS })),
  thresholds: field(2, mapOf(firmwareKind, uint)),
});
export type FirmwareSigners = ReturnType<typeof firmwareSigners.parse>;

/**
 * A firmware manifest: the only thing a chip accepts as a firmware update (the simulation represents
 * the image by its measurement). A COSE_Sign1 by the manufacturer root key on a chip with no
 * firmware-signer set; a COSE_Sign by k of the n provisioned firmware signers, k set by the update's
 * kind, on a chip with one (module-commands.md §4.1). The kind is a uint on the wire so that a chip
 * can name an unknown one in its refusal (FIRMWARE_KIND_UNKNOWN).
 */
export const firmwareManifestClaims = signedType(
  record('firmware-manifest-claims', {
    hwmodel: field(CLAIM.hwmodel, hwmodel),
    measurement: field(CLAIM.measurement, firmwareMeasurement),
    svn: field(CLAIM.svn, uint),
    iat: field(CLAIM.iat, time),
    firmwareKind: optional(CLAIM.firmwareKind, uint),
  }),
  TYP.firmwareManifest,
);
export type FirmwareManifestClaims = ReturnType<typeof firmwareManifestClaims.parse>;
