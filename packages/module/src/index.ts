/**
 * @hemkit/module: the simulated on-chip secure module. The firmware core is pure (firmware/); the
 * adapters bind it to memory (in-process), to files and processes (device/), and the factory and
 * the operator's evidence collection sit around it.
 */
export { handle, handleBytes, bootChip, enterRollbackState, enterTamperState, FACTORY_FIRMWARE, FACTORY_SVN, SIM_PEAK_OPS_PER_SECOND } from './firmware/chip.js';
export type { CommandRequest, CommandResponse } from './firmware/chip.js';
export type { ModuleEnv, FirmwareLog, LogRun } from './firmware/env.js';
export type { ChipState, ActiveLicence } from './firmware/state.js';
export {
  DEFAULT_POLICY,
  throttledBaselinePolicy,
  USAGE_ONLY_POLICY,
  WEIGHT_SCALE,
  WIDTH_WEIGHTS,
  type Admission,
  type FirmwarePolicy,
  type ThrottledBaselineOptions,
  type WorkloadContext,
  type WorkloadParams,
} from './firmware/policy/index.js';
export { InProcessChip, ManualClock, seededRandom, type Exchange } from './in-process.js';
export { FirmwareSignerSet, LicenceAuthority, Manufacturer } from './factory.js';
export { collectEvidence, type CollectOptions, type CommandPort, type WorkloadSecrets } from './evidence.js';
export { MemoryLogStore, type LogStore } from './log/index.js';
export { Device, serveDevice } from './device/index.js';
