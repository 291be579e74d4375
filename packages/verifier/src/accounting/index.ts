export {
  accountFleet,
  type AccountingOptions,
  type ChipContribution,
  type FleetAggregate,
  type FleetChips,
  type FleetReport,
  type ItemisedRun,
  type MissingChip,
  type MissingReason,
  type OpsBound,
  type RunStatus,
} from './account.js';
export { type AppraisedChip, type DisclosedWorkload, type FleetEvidence, type IssuedLicence } from './input.js';
export { fleetReportToJson, formatScientific, renderFleetReport, type FleetReportJson } from './render.js';
export { DEFAULT_THRESHOLDS, type Threshold } from './thresholds.js';
export { ueidHex } from './ueid.js';
export {
  accountLineage,
  cumulativeCompute,
  NOTICE_PERIOD_SECONDS,
  type ItemisedModel,
  type LineageFlag,
  type LineageOptions,
  type LineageReport,
  type MissingParentRule,
} from './lineage.js';
export { LineageAccumulator, type LineageStreamOptions } from './lineage-stream.js';
export { type DeclaredModel, type LineageChip, type LineageEvidence, type LineageWorkload } from './lineage-input.js';
export { lineageReportToJson, type ItemisedModelJson, type LineageReportJson } from './lineage-json.js';
