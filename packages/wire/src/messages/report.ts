/** The attestation report: an EAT (RFC 9711) signed by the attestation key (specs/messages/attestation-report.md). */
import { CLAIM, counters, hwmodel, licenceState, logHead, lockState, nonce, firmwareMeasurement, oemid, ueid } from './common.js';
import { field, literal, oneOf, optional, record, time, uint } from './schema.js';
import { signedType, TYP } from './typed.js';

export const HEMKIT_EAT_PROFILE = 'tag:hemkit.example,2026:eat-profile/v1';

/** RFC 9711 §4.2.9 debug status: 0 enabled … 4 disabled fully and permanently. */
export const debugStatus = oneOf('debug-status', [0, 1, 2, 3, 4] as const);

export const attestationReportClaims = signedType(
  record('attestation-report-claims', {
    nonce: field(CLAIM.eatNonce, nonce),
    ueid: field(CLAIM.ueid, ueid),
    oemid: field(CLAIM.oemid, oemid),
    hwmodel: field(CLAIM.hwmodel, hwmodel),
    measurement: field(CLAIM.measurement, firmwareMeasurement),
    dbgstat: field(CLAIM.dbgstat, debugStatus),
    bootcount: field(CLAIM.bootcount, uint),
    profile: field(CLAIM.eatProfile, literal(HEMKIT_EAT_PROFILE)),
    issuedAt: field(CLAIM.iat, time),
    svn: field(CLAIM.svn, uint),
    counters: field(CLAIM.counters, counters),
    logHead: field(CLAIM.logHead, logHead),
    licenceState: optional(CLAIM.licenceState, licenceState),
    lockState: field(CLAIM.lockState, lockState),
  }),
  TYP.attestationReport,
);
export type AttestationReportClaims = ReturnType<typeof attestationReportClaims.parse>;
