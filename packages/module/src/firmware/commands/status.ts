/** status: the chip's identity, lock state, counters, log size, boot count and SVN, unsigned. */
import type { CMD } from '@hemkit/wire/messages';
import { licenceStateOf, type Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function status(w: Work, request: CommandRequest<typeof CMD.status>): CommandResponse<typeof CMD.status> {
  const s = w.state;
  const licenceState = licenceStateOf(s);
  return ok(request, {
    ueid: s.ueid,
    lockState: s.lockState,
    counters: s.counters,
    treeSize: w.env.log.size,
    bootcount: s.bootcount,
    svn: s.svn,
    ...(licenceState ? { licenceState } : {}),
  });
}
