/** prove-inclusion: a signed receipt that one entry is in the log at a given size, with the entry. */
import { HemkitError } from '@hemkit/wire/errors';
import { signInclusionReceipt, type CMD } from '@hemkit/wire/messages';
import { attestationKey, type Work } from '../work.js';
import { ok, type CommandRequest, type CommandResponse } from './types.js';

export function proveInclusion(w: Work, request: CommandRequest<typeof CMD.proveInclusion>): CommandResponse<typeof CMD.proveInclusion> {
  const { logIndex, treeSize } = request.params;
  w.provisioned();
  w.withinLog(treeSize);
  if (logIndex >= treeSize) {
    throw new HemkitError('MODULE_INVALID_PARAMS', `log index ${logIndex} is not below tree size ${treeSize}`);
  }
  const path = w.env.log.inclusionProof(logIndex, treeSize);
  const root = w.env.log.root(treeSize);
  const receipt = signInclusionReceipt(attestationKey(w.state, w.env), { treeSize, leafIndex: logIndex, path }, root, w.env.backend);
  return ok(request, { receipt, entry: w.env.log.entry(logIndex) });
}
