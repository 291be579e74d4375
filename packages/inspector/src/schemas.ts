/**
 * Each message family by its CDDL rule name (specs/cddl/hemkit.cddl), with the wire layer's parser
 * for it and the context its keys are named in: the page checks a message against its family's
 * schema (MESSAGE_MISSING_FIELD, MESSAGE_UNKNOWN_FIELD, MESSAGE_INVALID_FIELD: the layer after the
 * profile, encoding.md §13), for a signed message its payload's, for a picked vector its file's.
 */
import { CborTag, decode, decodeSign, decodeSign1, isHemkitError, TAG_COSE_SIGN, TAG_COSE_SIGN1, type CborValue } from '@hemkit/wire';
import {
  attestationKeyCertificateClaims,
  logKeyCertificateClaims,
  attestationReportClaims,
  checkpointClaims,
  counters,
  deviceCertificateClaims,
  evidenceBundle,
  firmwareManifestClaims,
  licenceClaims,
  licenceRequestClaims,
  licenceState,
  logEntry,
  logEntryOpening,
  logHead,
  parseRequest,
  parseResponse,
  revocationClaims,
  issuerSetUpdateClaims,
  workloadDescriptor,
  type RecordType,
} from '@hemkit/wire/messages';
import type { FamilyId } from './family.js';
import type { Context } from './names.js';

interface Schema {
  parse(value: CborValue): unknown;
  readonly context: Context;
}

const claims = (type: RecordType<unknown>): Schema => ({ parse: (v) => type.parse(v, type.name), context: 'claims' });
const plain = (type: RecordType<unknown>, context: Context): Schema => ({ parse: (v) => type.parse(v, type.name), context });

/** The families of test-vectors/messages/, by rule name. */
export const SCHEMAS: Readonly<Record<string, Schema>> = {
  'attestation-report-claims': claims(attestationReportClaims),
  'checkpoint-claims': claims(checkpointClaims),
  'device-certificate-claims': claims(deviceCertificateClaims),
  'attestation-key-certificate-claims': claims(attestationKeyCertificateClaims),
  'log-key-certificate-claims': claims(logKeyCertificateClaims),
  'firmware-manifest-claims': claims(firmwareManifestClaims),
  'licence-claims': claims(licenceClaims),
  'licence-request-claims': claims(licenceRequestClaims),
  'revocation-claims': claims(revocationClaims),
  'issuer-set-update-claims': claims(issuerSetUpdateClaims),
  counters: plain(counters, 'counters'),
  'licence-state': plain(licenceState, 'licence-state'),
  'log-head': plain(logHead, 'log-head'),
  'log-entry-opening': plain(logEntryOpening, 'opening'),
  'workload-descriptor': plain(workloadDescriptor, 'workload-descriptor'),
  'evidence-bundle': plain(evidenceBundle, 'bundle'),
  'log-entry': { parse: (v) => logEntry.parse(v, 'log-entry'), context: 'log-entry' },
  'module-request': { parse: parseRequest, context: 'module-message' },
  'module-response': { parse: parseResponse, context: 'module-message' },
};

/** The schema of a signed family's payload. */
const PAYLOAD_SCHEMA: Partial<Record<FamilyId, string>> = {
  'attestation-report': 'attestation-report-claims',
  checkpoint: 'checkpoint-claims',
  'device-certificate': 'device-certificate-claims',
  'attestation-key-certificate': 'attestation-key-certificate-claims',
  'log-key-certificate': 'log-key-certificate-claims',
  'firmware-manifest': 'firmware-manifest-claims',
  licence: 'licence-claims',
  'licence-request': 'licence-request-claims',
  revocation: 'revocation-claims',
  'issuer-set-update': 'issuer-set-update-claims',
};

export type SchemaVerdict = { readonly schema: string } & ({ readonly valid: true } | { readonly valid: false; readonly code: string; readonly message: string });

/**
 * `value` (decoded from `bytes`) checked against the schema named `rule`, or, without one, the
 * schema of the recognised signed family's payload. Undefined when no schema applies.
 */
export function checkSchema(bytes: Uint8Array, value: CborValue, family: FamilyId, rule?: string): SchemaVerdict | undefined {
  const name = rule ?? PAYLOAD_SCHEMA[family];
  const schema = name === undefined ? undefined : SCHEMAS[name];
  if (name === undefined || schema === undefined) return undefined;
  try {
    schema.parse(rule === undefined ? payloadOf(bytes, value) : value);
    return { schema: name, valid: true };
  } catch (e) {
    if (!isHemkitError(e)) throw e;
    return { schema: name, valid: false, code: e.code, message: e.message };
  }
}

/** The decoded payload of a COSE_Sign1 or COSE_Sign (family recognition already decoded it once). */
function payloadOf(bytes: Uint8Array, value: CborValue): CborValue {
  const m = value instanceof CborTag && value.tag === TAG_COSE_SIGN ? decodeSign(bytes) : value instanceof CborTag && value.tag === TAG_COSE_SIGN1 ? decodeSign1(bytes) : undefined;
  if (m?.payload === undefined || m.payload === null) return null;
  return decode(m.payload);
}
