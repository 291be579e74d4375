/**
 * firmware-update (module-commands.md §3, §4.1): a manifest for this model, at no lower SVN, signed as
 * the chip requires, is installed and booted. With no firmware-signer set the manufacturer root key
 * alone signs (a COSE_Sign1, every kind 1 of 1); with one, k of the n signers, k set by the kind.
 */
import { HemkitError } from '@hemkit/wire/errors';
import { FIRMWARE_KIND, firmwareManifestClaims, openClaims, type CMD, type FirmwareManifestClaims } from '@hemkit/wire/messages';
import { boot, type Work } from '../work.js';
import { checkFirmwareSigners } from '../firmware-signers.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';
import { bytesEqual } from '@hemkit/wire/bytes';

const KINDS: readonly number[] = Object.values(FIRMWARE_KIND);

export function firmwareUpdate(w: Work, request: CommandRequest<typeof CMD.firmwareUpdate>): CommandResponse<typeof CMD.firmwareUpdate> {
  const policy = w.provisioned();
  let manifest: FirmwareManifestClaims;
  if (policy.firmwareSigners !== undefined) {
    manifest = checkFirmwareSigners(request.params.manifest, policy.firmwareSigners, w.env.backend).claims;
  } else {
    try {
      manifest = openClaims(firmwareManifestClaims, request.params.manifest, policy.manufacturerKey, w.env.backend);
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      throw new HemkitError('FIRMWARE_SIGNATURE_INVALID', `the firmware manifest does not verify under the manufacturer key: ${e.code}`, { cause: e });
    }
    // §4.1: without a signer set every registered kind is 1 of 1 by the manufacturer; a kind is optional.
    if (manifest.firmwareKind !== undefined && !KINDS.includes(manifest.firmwareKind)) {
      throw new HemkitError('FIRMWARE_KIND_UNKNOWN', `the firmware manifest is of kind ${manifest.firmwareKind}; the registered kinds are ${KINDS.join(', ')}`);
    }
  }
  const s = w.state;
  if (!bytesEqual(manifest.hwmodel, s.hwmodel)) {
    throw new HemkitError('FIRMWARE_WRONG_MODEL', 'the firmware manifest is for another hardware model');
  }
  if (manifest.svn < s.svn) {
    throw new HemkitError('FIRMWARE_SVN_DOWNGRADE', `the manifest's SVN ${manifest.svn} is lower than the running SVN ${s.svn}`);
  }
  const logIndex = w.log(9, { previousMeasurement: s.firmwareMeasurement, firmwareMeasurement: manifest.measurement, svn: manifest.svn });
  w.state = { ...w.state, firmwareMeasurement: manifest.measurement, svn: manifest.svn };
  // The update completes with a reboot into the new firmware: a new attestation key (DICE).
  boot(w);
  return ok(request, { logIndex });
}
