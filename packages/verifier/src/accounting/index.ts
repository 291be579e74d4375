export {
  accountFleet,
  type AccountingOptions,
  type AppraisedChip,
  type ChipContribution,
  type DisclosedWorkload,
  type FlaggedWorkload,
  type FleetAggregate,
  type FleetChips,
  type FleetEvidence,
  type FleetReport,
  type UnreportedChip,
  type UnreportedReason,
} from './account.js';
export { fleetReportToJson, formatScientific, renderFleetReport, type FleetReportJson } from './render.js';
export { DEFAULT_THRESHOLDS, type Threshold } from './thresholds.js';
export { ueidHex } from './ueid.js';
