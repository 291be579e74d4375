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
