/**
 * Which hemkit message some bytes are, and where the spec defines it. Signed messages name their
 * family in the protected `typ` header (specs/cose.md §7.2), receipts by their verifiable data
 * structure (RFC 9942, specs/messages/receipts.md); unsigned ones are told by their schema, the same
 * parsers the verifier and the module use. A C2SP signed note is text (checkpoint.md §2).
 */
import { CborTag, decode, decodeSign, decodeSign1, isHemkitError, readTyp, TAG_COSE_SIGN, TAG_COSE_SIGN1, type CborValue } from '@hemkit/wire';
import { evidenceBundle, HEADER_VDP, HEADER_VDS, logEntry, parseRequest, parseResponse, TYP, VDP_CONSISTENCY, VDP_INCLUSION, workloadDescriptor } from '@hemkit/wire/messages';
import type { Context } from './names.js';

export type FamilyId =
  | 'evidence-bundle'
  | 'attestation-report'
  | 'checkpoint'
  | 'licence'
  | 'licence-request'
  | 'revocation'
  | 'issuer-set-update'
  | 'device-certificate'
  | 'attestation-key-certificate'
  | 'log-key-certificate'
  | 'firmware-manifest'
  | 'appraisal-result'
  | 'inclusion-receipt'
  | 'consistency-receipt'
  | 'log-entry'
  | 'workload-descriptor'
  | 'module-request'
  | 'module-response'
  | 'signed-note'
  | 'cose-sign1'
  | 'cose-sign'
  | 'cbor';

export interface SpecSection {
  /** Path under specs/. */
  readonly document: string;
  /** The heading's anchor, as Markdown renderers derive it. */
  readonly anchor: string;
  readonly title: string;
}

export interface Family {
  readonly id: FamilyId;
  readonly title: string;
  readonly spec: SpecSection;
  /** How the top of the message is named (names.ts). */
  readonly context: Context;
  /** A COSE message whose signatures a given key can check (receipts sign a detached root, which the walk recomputes). */
  readonly signed: boolean;
}

const section = (document: string, anchor: string, title: string): SpecSection => ({ document, anchor, title });

const FAMILIES: Readonly<Record<FamilyId, Omit<Family, 'id' | 'signed'>>> = {
  'evidence-bundle': { title: 'Evidence bundle', spec: section('verifier.md', '2-evidence-bundle', 'verifier.md §2 Evidence bundle'), context: 'bundle' },
  'attestation-report': { title: 'Attestation report', spec: section('messages/attestation-report.md', '1-structure', 'attestation-report.md §1 Structure'), context: 'any' },
  checkpoint: { title: 'Checkpoint', spec: section('messages/checkpoint.md', '1-cose-checkpoint', 'checkpoint.md §1 COSE checkpoint'), context: 'any' },
  licence: { title: 'Licence', spec: section('messages/licence.md', '1-licence', 'licence.md §1 Licence'), context: 'any' },
  'licence-request': { title: 'Licence request', spec: section('messages/licence.md', '4-licence-request', 'licence.md §4 Licence request'), context: 'any' },
  revocation: { title: 'Revocation', spec: section('messages/licence.md', '5-revocation', 'licence.md §5 Revocation'), context: 'any' },
  'issuer-set-update': {
    title: 'Issuer-set update',
    spec: section('messages/licence.md', '5a-issuer-set-update-rotation-and-revocation-of-issuers', 'licence.md §5a Issuer-set update'),
    context: 'any',
  },
  'device-certificate': { title: 'Device certificate', spec: section('messages/device-certificate.md', '1-device-certificate', 'device-certificate.md §1 Device certificate'), context: 'any' },
  'attestation-key-certificate': {
    title: 'Attestation-key certificate',
    spec: section('messages/device-certificate.md', '2-attestation-key-certificate', 'device-certificate.md §2 Attestation-key certificate'),
    context: 'any',
  },
  'log-key-certificate': {
    title: 'Log-key certificate',
    spec: section('messages/checkpoint.md', '21-the-log-key-and-its-certificate-decided', 'checkpoint.md §2.1 The log key and its certificate'),
    context: 'any',
  },
  'firmware-manifest': { title: 'Firmware manifest', spec: section('messages/device-certificate.md', '', 'device-certificate.md'), context: 'any' },
  'appraisal-result': { title: 'Attestation result', spec: section('messages/attestation-result.md', '1-cbor-form', 'attestation-result.md §1 CBOR form'), context: 'any' },
  'inclusion-receipt': { title: 'Inclusion receipt', spec: section('messages/receipts.md', '4-verifying-an-inclusion-receipt', 'receipts.md §4 Verifying an inclusion receipt'), context: 'any' },
  'consistency-receipt': { title: 'Consistency receipt', spec: section('messages/receipts.md', '5-verifying-a-consistency-receipt', 'receipts.md §5 Verifying a consistency receipt'), context: 'any' },
  'log-entry': { title: 'Log entry', spec: section('messages/log-entry.md', '1-entry-and-leaf', 'log-entry.md §1 Entry and leaf'), context: 'log-entry' },
  'workload-descriptor': { title: 'Workload descriptor', spec: section('messages/log-entry.md', '41-workload-descriptor', 'log-entry.md §4.1 Workload descriptor'), context: 'workload-descriptor' },
  'module-request': { title: 'Module request', spec: section('messages/module-commands.md', '1-envelope', 'module-commands.md §1 Envelope'), context: 'module-message' },
  'module-response': { title: 'Module response', spec: section('messages/module-commands.md', '1-envelope', 'module-commands.md §1 Envelope'), context: 'module-message' },
  'signed-note': { title: 'Signed note (C2SP checkpoint)', spec: section('messages/checkpoint.md', '2-signed-note-rendering', 'checkpoint.md §2 Signed-note rendering'), context: 'any' },
  'cose-sign1': { title: 'COSE_Sign1', spec: section('cose.md', '', 'cose.md'), context: 'any' },
  'cose-sign': { title: 'COSE_Sign', spec: section('cose.md', '', 'cose.md'), context: 'any' },
  cbor: { title: 'CBOR', spec: section('encoding.md', '', 'encoding.md (the profile)'), context: 'any' },
};

/** The spec section of the encoding profile's fault order, for strict-profile faults. */
export const PROFILE_FAULTS: SpecSection = section('encoding.md', '9-which-fault-is-reported', 'encoding.md §9 Which fault is reported');
/** The verifier's checks, for the appraisal view. */
export const APPRAISAL_CHECKS: SpecSection = section('verifier.md', '5-checks', 'verifier.md §5 Checks');
/** The normative CDDL, for a message checked against its family's schema. */
export const SCHEMA_SPEC: SpecSection = section('cddl/hemkit.cddl', '', 'cddl/hemkit.cddl');
/** The AR4SI trustworthiness vector an appraisal gives. */
export const TRUSTWORTHINESS_VECTOR: SpecSection = section('messages/attestation-result.md', '3-trustworthiness-vector', 'attestation-result.md §3 Trustworthiness vector');
/** The verification procedure, for signatures checked against given keys. */
export const COSE_VERIFICATION: SpecSection = section('cose.md', '9-verification-procedure', 'cose.md §9 Verification procedure');
/** Consistency proofs, for a bundle's consistency receipts. */
export const CONSISTENCY_PROOFS: SpecSection = section('merkle.md', '4-consistency-proofs-rfc-9162-214', 'merkle.md §4 Consistency proofs (RFC 9162 §2.1.4)');
/** Inclusion proofs, for the receipt walk. */
export const INCLUSION_PROOFS: SpecSection = section('merkle.md', '3-inclusion-proofs-rfc-9162-213', 'merkle.md §3 Inclusion proofs (RFC 9162 §2.1.3)');
/** Frontiers, for a bundle that proves its entries by one (verifier.md §2). */
export const FRONTIERS: SpecSection = section('merkle.md', '9-frontiers-compact-ranges-of-a-prefix', 'merkle.md §9 Frontiers');

const SIGNED: ReadonlySet<FamilyId> = new Set([
  'attestation-report',
  'checkpoint',
  'licence',
  'licence-request',
  'revocation',
  'issuer-set-update',
  'device-certificate',
  'attestation-key-certificate',
  'log-key-certificate',
  'firmware-manifest',
  'appraisal-result',
  'cose-sign1',
  'cose-sign',
]);

export const familyOf = (id: FamilyId): Family => ({ id, ...FAMILIES[id], signed: SIGNED.has(id) });

const BY_TYP: ReadonlyMap<string, FamilyId> = new Map([
  [TYP.deviceCertificate, 'device-certificate'],
  [TYP.attestationKeyCertificate, 'attestation-key-certificate'],
  [TYP.logKeyCertificate, 'log-key-certificate'],
  [TYP.firmwareManifest, 'firmware-manifest'],
  [TYP.attestationReport, 'attestation-report'],
  [TYP.checkpoint, 'checkpoint'],
  [TYP.licenceRequest, 'licence-request'],
  [TYP.licence, 'licence'],
  [TYP.revocation, 'revocation'],
  [TYP.issuerSetUpdate, 'issuer-set-update'],
  [TYP.appraisalResult, 'appraisal-result'],
]);

const typFamily = (typ: string | number | undefined): FamilyId | undefined => (typeof typ === 'string' ? BY_TYP.get(typ) : undefined);

const parses = (fn: () => unknown): boolean => {
  try {
    fn();
    return true;
  } catch (e) {
    if (isHemkitError(e)) return false;
    throw e;
  }
};

/** The family of a value the strict decoder accepted, from the bytes it came from. */
export function recogniseCbor(bytes: Uint8Array, value: CborValue): Family {
  if (value instanceof CborTag && value.tag === TAG_COSE_SIGN1) {
    try {
      const m = decodeSign1(bytes);
      const vds = m.protectedHeaders.get(HEADER_VDS);
      const vdp = m.unprotectedHeaders.get(HEADER_VDP);
      if (vds !== undefined && vdp instanceof Map) return familyOf(vdp.has(VDP_CONSISTENCY) ? 'consistency-receipt' : vdp.has(VDP_INCLUSION) ? 'inclusion-receipt' : 'cose-sign1');
      return familyOf(typFamily(readTyp(m.protectedHeaders, m.unprotectedHeaders)) ?? 'cose-sign1');
    } catch (e) {
      if (!isHemkitError(e)) throw e;
      return familyOf('cose-sign1');
    }
  }
  if (value instanceof CborTag && value.tag === TAG_COSE_SIGN) {
    try {
      const m = decodeSign(bytes);
      return familyOf(typFamily(readTyp(m.protectedHeaders, m.unprotectedHeaders)) ?? 'cose-sign');
    } catch (e) {
      if (!isHemkitError(e)) throw e;
      return familyOf('cose-sign');
    }
  }
  if (parses(() => evidenceBundle.parse(value, 'evidence-bundle'))) return familyOf('evidence-bundle');
  if (parses(() => logEntry.parse(value, 'log-entry'))) return familyOf('log-entry');
  if (parses(() => parseRequest(value))) return familyOf('module-request');
  if (parses(() => parseResponse(value))) return familyOf('module-response');
  if (parses(() => workloadDescriptor.parse(value, 'workload-descriptor'))) return familyOf('workload-descriptor');
  return familyOf('cbor');
}

/** The CBOR value of `bytes`, or the strict decoder's fault. */
export function decodeStrict(bytes: Uint8Array): { value: CborValue } | { fault: { code: string; message: string; offset: number | undefined } } {
  try {
    return { value: decode(bytes) };
  } catch (e) {
    if (!isHemkitError(e)) throw e;
    return { fault: { code: e.code, message: e.message, offset: e.offset } };
  }
}
