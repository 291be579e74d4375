/**
 * The firmware workbench's scenario language (specs/scenarios.md): parse a scenario, run it on a
 * simulated part, get a trace with the cost of every step, and project the cost over a chip's life.
 * Pure: the caller reads the file and writes the trace.
 */
export { parseScenario, keyFromLabel, SCENARIO_FORMAT, type Scenario, type Step, type CommandStep, type EventStep } from './format.js';
export { runScenario, reencode, type Appraiser, type RunOptions } from './runner.js';
export { COST_FIELDS, ZERO_COST, type Cost } from './meter.js';
export { TRACE_FORMAT, type Json, type Trace, type TraceStep, type TracedEntry, type Transition } from './trace.js';
export { sessionVectorOf, sessionVectorText } from './session.js';
export {
  checkCostInputs,
  DEFAULT_LIMITS,
  DEFAULT_PATTERN,
  MEASURED_COMMANDS,
  MEASUREMENT_SCENARIO,
  measureCommands,
  projectCost,
  type CommandCost,
  type LimitUse,
  type MeasuredCommand,
  type Measurement,
  type PartLimits,
  type Projection,
  type WorkloadPattern,
} from './cost.js';
export { comparable, compareTraces, readTrace, type ComparableStep, type ComparableTrace, type StepDifference, type TraceComparison } from './compare.js';
export { asFirmwarePolicy, POLICY_HOOKS } from './policy.js';
