/** `@hemkit/service`: the verification service (specs/service.md), as `hemkit serve` runs it. */
export { buildService, serviceRoutes, RESULT_JSON, RESULT_SIGNED, VERIFIER_ID, type ServiceOptions } from './app.js';
export { OPENAPI } from './openapi.js';
export { PROBLEM_MEDIA_TYPE, problemType, type Problem } from './problem.js';
export { PostgresRateCounter, type PostgresRateCounterOptions, type RateCount, type SharedRateCounter } from './rate-limit.js';
export { describeStore, openStore, type StoreChoice } from './store.js';
export { runWorkers, type WorkersOptions } from './workers.js';
