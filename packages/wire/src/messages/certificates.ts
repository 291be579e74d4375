/** Device and attestation-key certificates (specs/messages/device-certificate.md). */
import { CLAIM, cnfKey, firmwareMeasurement, hwmodel, oemid, ueid } from './common.js';
import { field, optional, record, text, time, uint } from './schema.js';
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
 * A firmware manifest, signed by the manufacturer root key: the only thing a chip accepts as a
 * firmware update (the simulation represents the image by its measurement).
 */
export const firmwareManifestClaims = signedType(
  record('firmware-manifest-claims', {
    hwmodel: field(CLAIM.hwmodel, hwmodel),
    measurement: field(CLAIM.measurement, firmwareMeasurement),
    svn: field(CLAIM.svn, uint),
    iat: field(CLAIM.iat, time),
  }),
  TYP.firmwareManifest,
);
export type FirmwareManifestClaims = ReturnType<typeof firmwareManifestClaims.parse>;
