/**
 * update-issuers: the licence issuers in force replace themselves (licence.md §5a). An update signed
 * by k of the CURRENT issuers, for this chip, with a higher sequence number and a well-formed new set,
 * becomes the set every later licence, revocation and update is checked against; it is logged as
 * issuers-updated. A refused update changes nothing and is not logged, as a refused revocation.
 */
import { checkIssuerSetUpdate, EVENT, type CMD } from '@hemkit/wire/messages';
import { currentIssuers } from '../licence.js';
import type { Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function updateIssuers(w: Work, request: CommandRequest<typeof CMD.updateIssuers>): CommandResponse<typeof CMD.updateIssuers> {
  w.notRefusing();
  const provisioning = w.provisioned();
  const accepted = checkIssuerSetUpdate(request.params.update, currentIssuers(w.state, provisioning), w.state.ueid, w.env.backend);
  // One state change, committed with the log entry like every command's (module-commands.md §4): a
  // power loss leaves either the old set and no entry, or the new set and its entry.
  w.state = {
    ...w.state,
    provisioning: { ...provisioning, issuerKeys: accepted.set.keys, issuerThreshold: accepted.set.threshold },
    issuerSetSequence: accepted.set.sequence,
  };
  const logIndex = w.log(EVENT.issuersUpdated, { issuerSetSequence: accepted.set.sequence, updateHash: accepted.hash });
  return ok(request, { logIndex });
}
