/** Licences, licence requests and revocations (specs/messages/licence.md). */
import {
  chipChallenge,
  CLAIM,
  counters,
  licenceId,
  licenceState,
  precisionClass,
  publicKey,
  revocationId,
  ueid,
} from './common.js';
import { arrayOf, counter, field, invalid, MISS, oneOf, optional, readerOf, record, time, uint, withReader, type WireType } from './schema.js';
import type { PrecisionClass } from './common.js';
import { signedType, TYP } from './typed.js';

/** Allowed precision classes: ascending and without duplicates, so each licence has one encoding. */
const precisionClasses = arrayOf(precisionClass, { min: 1 });
const readPrecisionClasses = readerOf(precisionClasses)!;
const precisionList: WireType<readonly PrecisionClass[]> = withReader<readonly PrecisionClass[], WireType<readonly PrecisionClass[]>>({
  description: '[+ precision-class] (ascending, distinct)',
  parse(value, path) {
    const list = precisionClasses.parse(value, path);
    for (let i = 1; i < list.length; i++) {
      if (list[i]! <= list[i - 1]!) throw invalid(path, 'precision classes must be ascending and distinct');
    }
    return list;
  },
  toCbor: (list) => [...list],
}, (c) => {
  // parse's list, ascending and distinct, or left to parse to refuse.
  const list = readPrecisionClasses(c);
  if (list === MISS) return MISS;
  for (let i = 1; i < list.length; i++) if (list[i]! <= list[i - 1]!) return MISS;
  return list;
});

export const licenceClaims = signedType(
  record('licence-claims', {
    licenceId: field(CLAIM.cti, licenceId),
    ueid: field(CLAIM.ueid, ueid),
    sequenceNumber: field(CLAIM.sequenceNumber, uint),
    notBefore: field(CLAIM.nbf, time),
    expiry: field(CLAIM.exp, time),
    issuedAt: optional(CLAIM.iat, time),
    opsQuota: field(CLAIM.opsQuota, counter),
    maxClusterSize: optional(CLAIM.maxClusterSize, uint),
    maxInterconnectBandwidth: optional(CLAIM.maxInterconnectBandwidth, uint),
    precisionClasses: field(CLAIM.precisionClasses, precisionList),
    chipChallenge: optional(CLAIM.chipChallenge, chipChallenge),
    minimumSvn: optional(CLAIM.minimumSvn, uint),
    // Bytes of memory transfer the licence admits over its life (licence.md §1); absent: unmetered.
    memoryQuota: optional(CLAIM.memoryQuota, counter),
  }),
  TYP.licence,
);
export type LicenceClaims = ReturnType<typeof licenceClaims.parse>;

export const licenceRequestClaims = signedType(
  record('licence-request-claims', {
    ueid: field(CLAIM.ueid, ueid),
    chipChallenge: field(CLAIM.chipChallenge, chipChallenge),
    issuedAt: field(CLAIM.iat, time),
    bootcount: field(CLAIM.bootcount, uint),
    counters: field(CLAIM.counters, counters),
    sequenceNumber: optional(CLAIM.sequenceNumber, uint),
    licenceState: optional(CLAIM.licenceState, licenceState),
  }),
  TYP.licenceRequest,
);
export type LicenceRequestClaims = ReturnType<typeof licenceRequestClaims.parse>;

export const revocationClaims = signedType(
  record('revocation-claims', {
    revocationId: field(CLAIM.cti, revocationId),
    ueid: field(CLAIM.ueid, ueid),
    revokedLicences: field(CLAIM.revokedLicences, arrayOf(licenceId, { min: 1 })),
    issuedAt: field(CLAIM.iat, time),
  }),
  TYP.revocation,
);
export type RevocationClaims = ReturnType<typeof revocationClaims.parse>;

/**
 * The most issuer keys a chip holds (licence.md §5a): the bound of the issuer set in the chip's state.
 * A larger set is refused when it is decoded, so the state never holds more.
 */
export const MAX_ISSUER_KEYS = 16;

/**
 * An issuer-set update (licence.md §5a): the issuers in force replace themselves, k of them signing,
 * with a new key set and threshold, under a per-chip sequence number that only goes up. Revoking an
 * issuer is an update whose new set leaves its key out.
 */
export const issuerSetUpdateClaims = signedType(
  record('issuer-set-update-claims', {
    ueid: field(CLAIM.ueid, ueid),
    issuerSetSequence: field(CLAIM.issuerSetSequence, uint),
    issuerKeys: field(CLAIM.issuerKeys, arrayOf(publicKey, { min: 1, max: MAX_ISSUER_KEYS })),
    issuerThreshold: field(CLAIM.issuerThreshold, uint),
    issuedAt: field(CLAIM.iat, time),
  }),
  TYP.issuerSetUpdate,
);
export type IssuerSetUpdateClaims = ReturnType<typeof issuerSetUpdateClaims.parse>;

/** Replay-defence modes, chosen by policy at provisioning (specs/messages/licence.md). */
export const REPLAY = { sequence: 1, hashLog: 2, challenge: 3 } as const;
export type ReplayMode = (typeof REPLAY)[keyof typeof REPLAY];
export const replayMode: WireType<ReplayMode> = oneOf('replay-mode', Object.values(REPLAY));
