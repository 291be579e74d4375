/** The firmware policy interface, the default policy and the shipped alternatives (issue 11). */
export type { Admission, FirmwarePolicy, WorkloadContext, WorkloadParams } from './types.js';
export { DEFAULT_POLICY } from './default.js';
export { throttledBaselinePolicy, WEIGHT_SCALE, WIDTH_WEIGHTS, type ThrottledBaselineOptions } from './examples/throttled-baseline.js';
export { USAGE_ONLY_POLICY } from './examples/usage-only.js';
