/**
 * The secure module's firmware logic: a deterministic state machine that takes a command and returns
 * a response, like a TPM or an SPDM responder (specs/messages/module-commands.md). Pure apart from
 * the injected environment: the same state, request, clock, entropy and log give the same result.
 * Each command's handler is in commands/, one file a command.
 *
 * Every refusal is a HemkitError with a stable code; refusals that matter for governance (licences,
 * workloads) are also logged, so the state changes even when the response is an error.
 */
import { decode, encode } from '@hemkit/wire/cbor';
import { HemkitError } from '@hemkit/wire/errors';
import { CMD, encodeResponse, LOCK, parseRequest, STATUS_ERROR, type ModuleRequest, type ModuleResponse } from '@hemkit/wire/messages';
import { dispatch, manufacture, type CommandRequest } from './commands/index.js';
import type { ModuleEnv } from './env.js';
import type { ChipState } from './state.js';
import { flushIfDue } from './aggregate.js';
import { boot, policyOf, Work } from './work.js';

export { FACTORY_FIRMWARE, FACTORY_SVN, type CommandRequest, type CommandResponse } from './commands/index.js';
export { attestationKey, deviceIdentityKey } from './work.js';

/**
 * The simulated part's datasheet peak: operations per second, all precision classes together. It is a
 * simulation's fast-forward (about 10^9 times a 2025 accelerator's dense BF16 rate), so that the
 * frontier-scale runs of the demo and the vectors fit in simulated seconds; verifiers take it as the
 * model's reference value (specs/verifier.md §3), which bounds reported usage by their own clock. The
 * tests of that bound use a realistic rate.
 */
export const SIM_PEAK_OPS_PER_SECOND = 10n ** 24n;

export interface Outcome {
  readonly state: ChipState | undefined;
  readonly response: ModuleResponse;
}

/** Decodes and executes one request; never throws for bad input, only for bugs. */
export function handleBytes(state: ChipState | undefined, request: Uint8Array, env: ModuleEnv): { state: ChipState | undefined; response: Uint8Array } {
  let parsed: ModuleRequest;
  try {
    parsed = parseRequest(decode(request));
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    return { state, response: encode(encodeResponse({ status: STATUS_ERROR, error: { code: e.code, message: e.message } })) };
  }
  const outcome = handle(state, parsed, env);
  return { state: outcome.state, response: encode(encodeResponse(outcome.response)) };
}

/** Executes one decoded request. */
export function handle(state: ChipState | undefined, request: CommandRequest, env: ModuleEnv): Outcome {
  const fail = (s: ChipState | undefined, e: HemkitError): Outcome => ({
    state: s,
    response: { command: request.command, requestId: request.requestId, status: STATUS_ERROR, error: { code: e.code, message: e.message } },
  });
  try {
    if (request.command === CMD.manufacture) {
      if (state !== undefined) throw new HemkitError('MODULE_ALREADY_MANUFACTURED', 'this chip already has an identity');
      return manufacture(env, request);
    }
    if (state === undefined) throw new HemkitError('MODULE_NOT_MANUFACTURED', 'the chip has no identity: manufacture it first');
    const now = env.now();
    if (now < state.lastTime) {
      throw new HemkitError('CLOCK_WENT_BACKWARDS', `time ${now} is earlier than ${state.lastTime}, the latest the chip has seen`);
    }
    const work = new Work({ ...state, lastTime: now }, env);
    // Small workloads aggregated before now are logged first: before the expiry they preceded, and
    // before a command that signs counters or changes the licence (log-entry.md §5).
    flushIfDue(work, request.command);
    work.state = expireLicence(work.state, env);
    try {
      const response = dispatch(work, request);
      return { state: work.state, response };
    } catch (e) {
      if (!(e instanceof HemkitError)) throw e;
      // Time and any entries logged before the refusal (licence-rejected, workload-refused) persist.
      return fail(work.state, e);
    }
  } catch (e) {
    if (!(e instanceof HemkitError)) throw e;
    return fail(state, e);
  }
}

/** Boots a manufactured and provisioned chip at the start of a device process. */
export function bootChip(state: ChipState, env: ModuleEnv): ChipState {
  const now = env.now();
  const w = new Work({ ...state, lastTime: Math.max(now, state.lastTime) }, env);
  if (state.provisioning !== undefined) boot(w);
  return w.state;
}

/**
 * Records a detected state rollback: logged, and the chip refuses to meter or unlock from then on
 * (its reports show lock state `rollback`). Called by the device adapter when its state store finds
 * a restored older copy.
 */
export function enterRollbackState(state: ChipState, env: ModuleEnv, reason: string): ChipState {
  const w = new Work({ ...state, lastTime: Math.max(env.now(), state.lastTime) }, env);
  w.state = { ...w.state, refusing: true, lockState: LOCK.rollback };
  w.log(11, { reason });
  return w.state;
}

/**
 * The tamper input (module-commands.md §4): a sensor of the part (an enclosure switch, a voltage or
 * clock-glitch detector, a light sensor under the lid) reports an attack. Logged as tamper-detected
 * with the sensor's name; the chip reports lock state `tamper` and refuses to meter or unlock from then
 * on, as after a rollback. A tamper after a rollback leaves the lock state `rollback`: the state
 * itself is already untrusted, and the first compromise is the one a report names. The entry is
 * written whatever the state, so a second sensor's signal is in the log too.
 */
export function enterTamperState(state: ChipState, env: ModuleEnv, sensor?: string): ChipState {
  const w = new Work({ ...state, lastTime: Math.max(env.now(), state.lastTime) }, env);
  w.state = { ...w.state, refusing: true, lockState: state.lockState === LOCK.rollback ? LOCK.rollback : LOCK.tamper };
  w.log(10, sensor === undefined ? {} : { sensor });
  return w.state;
}

/** A licence past its expiry (by the policy's rule) locks the chip at the first command after it, logged once. */
function expireLicence(s: ChipState, env: ModuleEnv): ChipState {
  if (s.licence === undefined || s.lockState !== LOCK.unlocked || !policyOf(env).hasExpired(s.licence, s.lastTime)) return s;
  const w = new Work({ ...s, lockState: LOCK.licenceExpired }, env);
  w.log(4, { licenceId: s.licence.licenceId });
  return w.state;
}
