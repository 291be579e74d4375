/** The attestation report: an EAT (RFC 9711) signed by the attestation key (specs/messages/attestation-report.md). */
import { CLAIM, counters, hwmodel, licenceState, logHead, lockState, nonce, firmwareMeasurement, oemid, ueid } from './common.js';
import { field, literal, oneOf, optional, record, time, uint } from './schema.js';
import { signedType, TYP } from './typed.js';

/**
 * The hemkit EAT profile identifier (RFC 9711 §4.3.2) while v1 is a draft: a UUID URN (RFC 9562),
 * which needs no domain, so none the project does not control is borrowed. It names the draft
 * profile only; frozen v1 gets another identifier (specs/messages/attestation-report.md §5.1).
 */
export const HEMKIT_EAT_PROFILE = 'urn:uuid:5a3742ef-7de2-44df-88ec-c68a49b784a8';

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
