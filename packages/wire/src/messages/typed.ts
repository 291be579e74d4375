/**
 * Explicit typing of every signed family (specs/cose.md §7.2). One attestation key signs reports,
 * checkpoints and licence requests, and one manufacturer key signs certificates and manifests, so
 * the claims' map shapes alone must not be what tells one family from another: each family's
 * protected header names it in `typ` (RFC 9596), and a receiver refuses a message whose typ is not
 * the family it expects before it decodes the payload (RFC 8725 §3.11 gives the same advice for JWTs).
 */
import { decodeSign1, HEADER_TYP, readTyp, type CoseSign, type CoseSign1, type HeaderMap } from '../cose/index.js';
import { HemkitError } from '../errors.js';
import { readerOf, withReader, type RecordType } from './schema.js';

/** The typ of each signed family: media types in the vendor tree (registrations: specs/iana.md). */
export const TYP = {
  deviceCertificate: 'application/vnd.hemkit.device-certificate+cbor',
  attestationKeyCertificate: 'application/vnd.hemkit.attestation-key-certificate+cbor',
  logKeyCertificate: 'application/vnd.hemkit.log-key-certificate+cbor',
  firmwareManifest: 'application/vnd.hemkit.firmware-manifest+cbor',
  attestationReport: 'application/vnd.hemkit.attestation-report+cbor',
  checkpoint: 'application/vnd.hemkit.checkpoint+cbor',
  licenceRequest: 'application/vnd.hemkit.licence-request+cbor',
  licence: 'application/vnd.hemkit.licence+cbor',
  revocation: 'application/vnd.hemkit.revocation+cbor',
  issuerSetUpdate: 'application/vnd.hemkit.issuer-set-update+cbor',
  appraisalResult: 'application/vnd.hemkit.appraisal-result+cbor',
} as const;
export type Typ = (typeof TYP)[keyof typeof TYP];

/** A record type that travels signed: its claims, and the typ that names its family. */
export interface SignedType<T> extends RecordType<T> {
  readonly typ: Typ;
}

export function signedType<T>(type: RecordType<T>, typ: Typ): SignedType<T> {
  // The same parse, so the same fast reader (schema.ts: READ is keyed by the type object).
  const read = readerOf(type);
  const signed = { ...type, typ };
  return read === undefined ? signed : withReader(signed, read);
}

/** The protected headers (besides alg and kid) that type a message of `typ`'s family. */
export function typHeaders(typ: Typ): HeaderMap {
  return new Map([[HEADER_TYP, typ]]);
}

/** Refuses a decoded message unless its protected typ is exactly `typ`. */
export function expectTyp(message: CoseSign1 | CoseSign, typ: Typ, what: string): void {
  const found = readTyp(message.protectedHeaders, message.unprotectedHeaders);
  if (found !== typ) {
    throw new HemkitError(
      'COSE_TYPE_MISMATCH',
      found === undefined ? `${what}: no typ header; expected ${typ}` : `${what}: typ is ${String(found)}; expected ${typ}`,
    );
  }
}

/** Decodes a COSE_Sign1 and refuses it unless it is of `type`'s family (no signature check). */
export function decodeTypedSign1(bytes: Uint8Array, type: SignedType<unknown>): CoseSign1 {
  const message = decodeSign1(bytes);
  expectTyp(message, type.typ, type.name);
  return message;
}
