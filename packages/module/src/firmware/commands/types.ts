/**
 * The module's requests and responses as discriminated unions over the command id: a request for
 * command C carries C's params, a response to it C's result. Each handler in this folder takes its
 * own request variant and returns its own response variant.
 */
import { COMMANDS, STATUS_OK, type CommandId, type ModuleRequest, type ResultOf } from '@hemkit/wire/messages';

/** A request whose params are those of its own command; with no argument, the union over all commands. */
export type CommandRequest<C extends CommandId = CommandId> = { [K in C]: ModuleRequest<K> }[C];

/** A successful response carrying its own command's result; with no argument, the union over all commands. */
export type CommandResponse<C extends CommandId = CommandId> = {
  [K in C]: { readonly command: K; readonly requestId: number; readonly status: typeof STATUS_OK; readonly result: ResultOf<K> };
}[C];

/** The successful response to a request: same command and request id, and the command's result. */
export function ok<C extends CommandId>(request: ModuleRequest<C>, result: ResultOf<C>): CommandResponse<C> {
  return { command: request.command, requestId: request.requestId, status: STATUS_OK, result };
}

/**
 * Whether a decoded request is one of the variants. The wire layer's parseRequest reads the params
 * with the schema of the request's own command (COMMANDS[command].params), so every request it
 * returns is; its declared type, ModuleRequest, does not pair the two. This is the one place where
 * that pairing enters the types.
 */
export function isCommandRequest(request: ModuleRequest): request is CommandRequest {
  return Object.hasOwn(COMMANDS, request.command);
}
