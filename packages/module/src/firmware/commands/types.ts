/**
 * The module's requests and responses as discriminated unions over the command id: a request for
 * command C carries C's params, a response to it C's result. Each handler in this folder takes its
 * own request variant and returns its own response variant. The unions are the wire layer's own
 * (ModuleRequest, ModuleOkResponse): parseRequest already returns the variant of the command it read.
 */
import { STATUS_OK, type CommandId, type ModuleOkResponse, type ModuleRequest, type ResultOf } from '@hemkit/wire/messages';

/** A request whose params are those of its own command; with no argument, the union over all commands. */
export type CommandRequest<C extends CommandId = CommandId> = ModuleRequest<C>;

/** A successful response carrying its own command's result; with no argument, the union over all commands. */
export type CommandResponse<C extends CommandId = CommandId> = ModuleOkResponse<C>;

/** The successful response to a request: same command and request id, and the command's result. */
export function ok<C extends CommandId>(request: ModuleRequest<C>, result: ResultOf<C>): CommandResponse<C> {
  return { command: request.command, requestId: request.requestId, status: STATUS_OK, result };
}
