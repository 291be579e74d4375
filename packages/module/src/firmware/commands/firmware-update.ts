/** firmware-update: a manifest signed by the manufacturer for this model, at no lower SVN, is installed and booted. */
import { HemkitError } from '@hemkit/wire/errors';
import { firmwareManifestClaims, openClaims, type CMD } from '@hemkit/wire/messages';
import { boot, type Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';
import { bytesEqual } from '@hemkit/wire/bytes';

export function firmwareUpdate(w: Work, request: CommandRequest<typeof CMD.firmwareUpdate>): CommandResponse<typeof CMD.firmwareUpdate> {
  const policy = w.provisioned();
  let manifest;
  try {
    manifest = openClaims(firmwareManifestClaims, request.params.manifest, policy.manufacturerKey, w.env.backend);
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    throw new HemkitError('FIRMWARE_SIGNATURE_INVALID', `the firmware manifest does not verify under the manufacturer key: ${e.code}`, { cause: e });
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
