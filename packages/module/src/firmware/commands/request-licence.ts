/** request-licence: a signed request with a fresh single-use challenge, the counters and licence state. */
import { licenceRequestClaims, signClaims, type CMD } from '@hemkit/wire/messages';
import { attestationKey, licenceStateOf, type Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function requestLicence(w: Work, request: CommandRequest<typeof CMD.requestLicence>): CommandResponse<typeof CMD.requestLicence> {
  w.notRefusing();
  w.provisioned();
  const challenge = w.env.random(32);
  w.state = { ...w.state, pendingChallenge: challenge };
  const s = w.state;
  const licenceRequest = signClaims(
    licenceRequestClaims,
    {
      ueid: s.ueid,
      chipChallenge: challenge,
      issuedAt: s.lastTime,
      bootcount: s.bootcount,
      counters: s.counters,
      ...(s.highestSequence !== undefined ? { sequenceNumber: s.highestSequence } : {}),
      ...(licenceStateOf(s) ? { licenceState: licenceStateOf(s)! } : {}),
    },
    attestationKey(s, w.env),
    w.env.backend,
  );
  return ok(request, { licenceRequest });
}
