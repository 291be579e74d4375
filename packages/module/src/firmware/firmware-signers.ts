/**
 * k-of-n firmware updates with a threshold per kind of update (specs/messages/module-commands.md
 * §4.1, RAND RFD 025). A chip provisioned with a firmware-signer set takes a manifest as a COSE_Sign
 * and counts the distinct listed signers whose signature verifies; the count must reach the
 * threshold of the manifest's kind. Unlike a licence's issuers (licence.md §6, where any unknown or
 * repeated signer refuses the licence), a signature by a key outside the set, a second signature by a
 * counted signer, or a signature that does not verify is not counted and refuses nothing by itself:
 * RFD 025's rule, which lets one manifest carry the signatures of several chips' signer sets.
 */
import { decodeSign, verifySignature } from '@hemkit/wire/cose';
import type { CryptoBackend } from '@hemkit/wire/crypto';
import { HemkitError } from '@hemkit/wire/errors';
import { expectTyp, firmwareManifestClaims, keyThumbprint, type FirmwareManifestClaims, type FirmwareSigners } from '@hemkit/wire/messages';
import { decode } from '@hemkit/wire/cbor';
import { toHex } from '@hemkit/wire/bytes';

/** A manifest that passed §4.1 steps 1 to 3: its claims, kind and the signers counted (thumbprints, hex). */
export interface SignedManifest {
  readonly claims: FirmwareManifestClaims;
  readonly kind: number;
  readonly signers: readonly string[];
}

/** §4.1 steps 1 to 3: decode, the kind has a threshold, at least that many distinct listed signers. */
export function checkFirmwareSigners(bytes: Uint8Array, set: FirmwareSigners, backend?: CryptoBackend): SignedManifest {
  let message;
  let claims: FirmwareManifestClaims;
  try {
    message = decodeSign(bytes);
    expectTyp(message, firmwareManifestClaims.typ, firmwareManifestClaims.name);
    if (message.payload === null) throw new HemkitError('COSE_PAYLOAD_MISSING', 'the payload is detached');
    claims = firmwareManifestClaims.parse(decode(message.payload), firmwareManifestClaims.name);
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    throw new HemkitError('FIRMWARE_SIGNATURE_INVALID', `the firmware manifest is not a COSE_Sign of manifest claims, as a chip with firmware signers takes: ${e.code}`, { cause: e });
  }
  if (claims.firmwareKind === undefined) throw new HemkitError('FIRMWARE_KIND_UNKNOWN', 'the firmware manifest names no kind; this chip sets a threshold per kind');
  const threshold = set.thresholds.get(claims.firmwareKind as never);
  if (threshold === undefined) {
    throw new HemkitError('FIRMWARE_KIND_UNKNOWN', `the firmware manifest is of kind ${claims.firmwareKind}; this chip takes kinds ${[...set.thresholds.keys()].join(', ')}`);
  }
  const listed = new Map(set.keys.map((key) => [toHex(keyThumbprint(key)), key]));
  const counted = new Set<string>();
  // Each listed signer's first signature is the one judged, so a manifest costs at most n
  // verifications however many signatures it carries.
  const judged = new Set<string>();
  const skipped = { unlisted: 0, repeated: 0, invalid: 0 };
  message.signatures.forEach((signature, index) => {
    const kid = signature.kid === undefined ? '' : toHex(signature.kid);
    const key = listed.get(kid);
    if (key === undefined) return void skipped.unlisted++;
    if (judged.has(kid)) return void skipped.repeated++;
    judged.add(kid);
    try {
      verifySignature(message, index, key, backend ? { backend } : {});
      counted.add(kid);
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      skipped.invalid++;
    }
  });
  if (counted.size < threshold) {
    throw new HemkitError(
      'FIRMWARE_TOO_FEW_SIGNATURES',
      `${counted.size} valid signature(s) by distinct firmware signers; kind ${claims.firmwareKind} needs ${threshold} of ${set.keys.length}` +
        ` (not counted: ${skipped.unlisted} by keys outside the set, ${skipped.repeated} repeated, ${skipped.invalid} invalid)`,
    );
  }
  return { claims, kind: claims.firmwareKind, signers: [...counted] };
}
