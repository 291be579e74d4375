/** checkpoint: a signed checkpoint of the log's current head (and a signed note for Ed25519 keys). */
import { checkpointClaims, renderSignedNote, signClaims, type CMD } from '@hemkit/wire/messages';
import { attestationKey, type Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function checkpoint(w: Work, request: CommandRequest<typeof CMD.checkpoint>): CommandResponse<typeof CMD.checkpoint> {
  w.provisioned();
  const s = w.state;
  const treeSize = w.env.log.size;
  const rootHash = w.env.log.root(treeSize);
  const key = attestationKey(s, w.env);
  const bytes = signClaims(
    checkpointClaims,
    { ueid: s.ueid, issuedAt: s.lastTime, bootcount: s.bootcount, treeSize, rootHash, counters: s.counters },
    key,
    w.env.backend,
  );
  const note = key.publicKey.scheme === 'ed25519' ? renderSignedNote(s.ueid, treeSize, rootHash, key, w.env.backend) : undefined;
  return ok(request, { checkpoint: bytes, ...(note ? { note } : {}) });
}
