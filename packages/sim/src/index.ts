/**
 * @hemkit/sim: a seeded fleet of honest and evading operators, driven through the real module,
 * verifier and lineage accounting (specs/verifier.md §6.2), scored against its own ground truth.
 */
export { simulate, type LineageCurve, type SimulationOptions, type SimulationResult, type StrategyScore } from './simulate.js';
export { generateFleet, STRATEGIES, CHIP_RATE, MIN_CHIPS, type Fleet, type Operator, type PlannedState, type Strategy } from './scenario.js';
export { lineageChart, type ChartThreshold } from './chart.js';
export { detectionTable, renderSimulation } from './render.js';
export { simulateParallel, type ParallelOptions } from './parallel.js';
export type { WorkerJob } from './worker.js';
