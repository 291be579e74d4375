/** apply-revocation: revoked licence ids are recorded; revoking the active licence locks the chip. */
import { LOCK, type CMD } from '@hemkit/wire/messages';
import { checkRevocation } from '../licence.js';
import { appendBounded, LIST_BOUNDS } from '../state.js';
import type { Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';
import { bytesEqual } from '@hemkit/wire/bytes';

export function applyRevocation(w: Work, request: CommandRequest<typeof CMD.applyRevocation>): CommandResponse<typeof CMD.applyRevocation> {
  w.notRefusing();
  const claims = checkRevocation(w.state, w.provisioned(), request.params.revocation, w.env);
  const ids = claims.revokedLicences;
  const active = w.state.licence;
  const hitsActive = active !== undefined && ids.some((id) => bytesEqual(id, active.licenceId));
  w.state = {
    ...w.state,
    // Bounded lists: the oldest ids are forgotten when full (module-commands.md §4).
    revokedLicences: appendBounded(w.state.revokedLicences, ids, LIST_BOUNDS.revokedLicences),
    appliedRevocations: appendBounded(w.state.appliedRevocations, [claims.revocationId], LIST_BOUNDS.appliedRevocations),
    ...(hitsActive ? { lockState: LOCK.licenceRevoked } : {}),
  };
  return ok(request, { logIndex: w.log(12, { revocationId: claims.revocationId, licenceIds: ids }) });
}
