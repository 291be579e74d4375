/**
 * The dispatcher: one handler a command, chosen by the request's command id. Exhaustive over the
 * union: a command added to the wire layer without a handler here does not compile.
 */
import { CMD, type CommandId } from '@hemkit/wire/messages';
import type { Work } from '../work.js';
import { applyRevocation } from './apply-revocation.js';
import { attest } from './attest.js';
import { checkpoint } from './checkpoint.js';
import { firmwareUpdate } from './firmware-update.js';
import { installLicence } from './install-licence.js';
import { proveConsistency } from './prove-consistency.js';
import { proveInclusion } from './prove-inclusion.js';
import { provision } from './provision.js';
import { readEntries } from './read-entries.js';
import { requestLicence } from './request-licence.js';
import { runWorkload } from './run-workload.js';
import { status } from './status.js';
import { updateIssuers } from './update-issuers.js';
import type { CommandRequest, CommandResponse } from './types.js';

export { manufacture, FACTORY_FIRMWARE, FACTORY_SVN } from './manufacture.js';
export { type CommandRequest, type CommandResponse } from './types.js';

/** Every command but manufacture: the ones a manufactured chip runs. */
export type ChipCommand = Exclude<CommandId, typeof CMD.manufacture>;

export function dispatch(w: Work, request: CommandRequest<ChipCommand>): CommandResponse<ChipCommand> {
  switch (request.command) {
    case CMD.provision:
      return provision(w, request);
    case CMD.installLicence:
      return installLicence(w, request);
    case CMD.requestLicence:
      return requestLicence(w, request);
    case CMD.applyRevocation:
      return applyRevocation(w, request);
    case CMD.runWorkload:
      return runWorkload(w, request);
    case CMD.attest:
      return attest(w, request);
    case CMD.checkpoint:
      return checkpoint(w, request);
    case CMD.proveInclusion:
      return proveInclusion(w, request);
    case CMD.proveConsistency:
      return proveConsistency(w, request);
    case CMD.status:
      return status(w, request);
    case CMD.firmwareUpdate:
      return firmwareUpdate(w, request);
    case CMD.updateIssuers:
      return updateIssuers(w, request);
    case CMD.readEntries:
      return readEntries(w, request);
    default: {
      const unhandled: never = request;
      throw new Error(`no handler for the request ${String(unhandled)}`);
    }
  }
}
