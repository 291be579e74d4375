/** install-licence: a licence that checks out unlocks the chip; a refused one is logged. */
import { HemkitError } from '@hemkit/wire/errors';
import { LOCK, type CMD } from '@hemkit/wire/messages';
import { checkLicence, licenceHash } from '../licence.js';
import type { Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function installLicence(w: Work, request: CommandRequest<typeof CMD.installLicence>): CommandResponse<typeof CMD.installLicence> {
  const { params } = request;
  w.notRefusing();
  const provisioning = w.provisioned();
  let accepted;
  try {
    accepted = checkLicence(w.state, provisioning, params.licence, w.env);
  } catch (e) {
    if (e instanceof HemkitError) w.log(3, { licenceHash: licenceHash(params.licence, w.env.backend), reason: e.code });
    throw e;
  }
  const c = accepted.claims;
  const replaced = w.state.licence;
  const remainingQuota = w.policy.initialQuota(c, replaced, w.state.lockState);
  const remainingMemoryQuota = w.policy.initialMemoryQuota(c, replaced, w.state.lockState);
  w.state = {
    ...w.state,
    licence: {
      licenceId: c.licenceId,
      sequenceNumber: c.sequenceNumber,
      notBefore: c.notBefore,
      expiry: c.expiry,
      opsQuota: c.opsQuota,
      remainingQuota,
      precisionClasses: c.precisionClasses,
      ...(c.maxClusterSize !== undefined ? { maxClusterSize: c.maxClusterSize } : {}),
      ...(c.maxInterconnectBandwidth !== undefined ? { maxInterconnectBandwidth: c.maxInterconnectBandwidth } : {}),
      ...(remainingMemoryQuota !== undefined ? { memoryQuota: c.memoryQuota ?? remainingMemoryQuota, remainingMemoryQuota } : {}),
    },
    // Either quota used up exhausts the licence (licence.md §1).
    lockState: remainingQuota === 0n || remainingMemoryQuota === 0n ? LOCK.licenceExhausted : LOCK.unlocked,
  };
  w.state = w.policy.rememberLicence(w.state, new Set(provisioning.replayDefence), c, accepted.hash);
  const logIndex = w.log(2, { licenceId: c.licenceId, licenceHash: accepted.hash, sequenceNumber: c.sequenceNumber });
  return ok(request, { licenceId: c.licenceId, logIndex });
}
