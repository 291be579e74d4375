/**
 * A scenario's trace as a module session vector (test-vectors/module/*.json, hemkit-module-session/v1):
 * its commands with their exact bytes, its state-rollback and tamper events, and the log at the end. The shipped
 * scenarios under scenarios/ are the session vectors written as scenarios; a test runs each and
 * compares this rendering with the vector file byte for byte (specs/scenarios.md §6).
 */
import { toHex } from '@hemkit/wire/bytes';
import { HemkitError } from '@hemkit/wire/errors';
import { Manufacturer } from '../factory.js';
import { sessionVectorFile, type SessionEvent, type SessionStep, type SessionVector } from '../vectors/sessions.js';
import type { Scenario } from './format.js';
import type { Trace } from './trace.js';

/** Events with a place in a session vector; any other event has no rendering there. */
const VECTOR_EVENTS: ReadonlySet<string> = new Set(['clock', 'mark', 'state-rollback', 'tamper']);

export function sessionVectorOf(scenario: Scenario, trace: Trace): SessionVector {
  const steps: (SessionStep | SessionEvent)[] = [];
  trace.steps.forEach((step, i) => {
    const source = scenario.steps[i]!;
    if (source.do === 'command') {
      steps.push({ comment: step.comment, time: step.time, command: step.do, request: step.request!, response: step.response!, expect: step.expect });
    } else if (source.do === 'state-rollback') {
      steps.push({ comment: step.comment, time: step.time, event: 'state-rollback', reason: source.reason });
    } else if (source.do === 'rotate-issuers') {
      // The event signs an issuer-set update and sends it: in a session vector, the command it sent.
      steps.push({ comment: step.comment, time: step.time, command: 'updateIssuers', request: step.request!, response: step.response!, expect: step.expect });
    } else if (source.do === 'tamper') {
      steps.push({ comment: step.comment, time: step.time, event: 'tamper', ...(source.sensor !== undefined ? { sensor: source.sensor } : {}) });
    } else if (!VECTOR_EVENTS.has(source.do)) {
      throw new HemkitError('SCENARIO_STEP_NOT_APPLICABLE', `step ${i} ('${source.do}') has no form in a module session vector`);
    }
  });
  return {
    id: scenario.id,
    description: scenario.description,
    setup: {
      randomSeed: scenario.seed,
      startTime: scenario.startTime,
      manufacturerKey: toHex(scenario.manufacturer.key),
      oemid: toHex(new Manufacturer(scenario.manufacturer.name, scenario.manufacturer.key).oemid),
      issuerKeys: scenario.authority.keys.map(toHex),
      issuerThreshold: scenario.authority.threshold,
      replayDefence: scenario.chip.replayDefence,
      ...(scenario.policy ? { policy: scenario.policy } : {}),
    },
    steps,
    logEntries: trace.log,
  };
}

/** The session vector file text of a run: what `npm run vectors` writes for the same session. */
export function sessionVectorText(scenario: Scenario, trace: Trace): string {
  return sessionVectorFile(sessionVectorOf(scenario, trace));
}
