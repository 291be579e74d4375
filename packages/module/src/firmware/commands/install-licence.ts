/** install-licence: a licence that checks out unlocks the chip; a refused one is logged. */
import { HemkitError } from '@hemkit/wire/errors';
import { LOCK, type CMD } from '@hemkit/wire/messages';
import { checkLicence, licenceHash } from '../licence.js';
import type { Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function installLicence(w: Work, request: CommandRequest<typeof CMD.installLicence>): CommandResponse<typeof CMD.installLicence> {
  const { params } = request;
  w.notRefusing();
  const policy = w.provisioned();
  let accepted;
  try {
    accepted = checkLicence(w.state, policy, params.licence, w.env);
  } catch (e) {
    if (e instanceof HemkitError) w.log(3, { licenceHash: licenceHash(params.licence), reason: e.code });
    throw e;
  }
  const c = accepted.claims;
  w.state = {
    ...w.state,
    licence: {
      licenceId: c.licenceId,
      sequenceNumber: c.sequenceNumber,
      notBefore: c.notBefore,
      expiry: c.expiry,
      opsQuota: c.opsQuota,
      remainingQuota: c.opsQuota,
      precisionClasses: c.precisionClasses,
      ...(c.maxClusterSize !== undefined ? { maxClusterSize: c.maxClusterSize } : {}),
      ...(c.maxInterconnectBandwidth !== undefined ? { maxInterconnectBandwidth: c.maxInterconnectBandwidth } : {}),
    },
    lockState: c.opsQuota === 0n ? LOCK.licenceExhausted : LOCK.unlocked,
    highestSequence: Math.max(c.sequenceNumber, w.state.highestSequence ?? 0),
    appliedLicenceHashes: [...w.state.appliedLicenceHashes, accepted.hash],
  };
  // The challenge is single-use: answered once, it cannot admit a second licence.
  const { pendingChallenge: _answered, ...rest } = w.state;
  w.state = rest;
  const logIndex = w.log(2, { licenceId: c.licenceId, licenceHash: accepted.hash, sequenceNumber: c.sequenceNumber });
  return ok(request, { licenceId: c.licenceId, logIndex });
}
