/**
 * checkpoint: a signed checkpoint of the log's current head, its C2SP signed note under the chip's
 * log key, and the log-key certificate made at provisioning (specs/messages/checkpoint.md).
 */
import { checkpointClaims, renderSignedNote, signClaims, type CMD } from '@hemkit/wire/messages';
import { attestationKey, logIdentity, type Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function checkpoint(w: Work, request: CommandRequest<typeof CMD.checkpoint>): CommandResponse<typeof CMD.checkpoint> {
  const policy = w.provisioned();
  const s = w.state;
  const treeSize = w.env.log.size;
  const rootHash = w.env.log.root(treeSize);
  const bytes = signClaims(
    checkpointClaims,
    { ueid: s.ueid, issuedAt: s.lastTime, bootcount: s.bootcount, treeSize, rootHash, counters: s.counters },
    attestationKey(s, w.env),
    w.env.backend,
  );
  const log = logIdentity(s, w.env);
  const note = renderSignedNote(log.origin, treeSize, rootHash, log.key, w.env.backend);
  return ok(request, { checkpoint: bytes, note, logKeyCertificate: policy.logKeyCertificate });
}
