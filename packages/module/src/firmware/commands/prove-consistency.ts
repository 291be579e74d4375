/** prove-consistency: a signed receipt that the log at one size extends the log at a smaller one. */
import { HemkitError } from '@hemkit/wire/errors';
import { signConsistencyReceipt, type CMD } from '@hemkit/wire/messages';
import { attestationKey, type Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function proveConsistency(w: Work, request: CommandRequest<typeof CMD.proveConsistency>): CommandResponse<typeof CMD.proveConsistency> {
  const { treeSize1, treeSize2 } = request.params;
  w.provisioned();
  w.withinLog(treeSize2);
  if (treeSize1 < 1 || treeSize1 >= treeSize2) {
    throw new HemkitError('MODULE_INVALID_PARAMS', `a consistency receipt needs 0 < size1 < size2 (got ${treeSize1}, ${treeSize2})`);
  }
  const path = w.env.log.consistencyProof(treeSize1, treeSize2);
  const root = w.env.log.root(treeSize2);
  const receipt = signConsistencyReceipt(attestationKey(w.state, w.env), { treeSize1, treeSize2, path }, root, w.env.backend);
  return ok(request, { receipt });
}
