export { appraise, CHECKS, type Appraisal, type CheckId, type CheckResult, type CheckStatus, type TrustTier, type TrustworthinessVector } from './appraise.js';
export type { AppraisalInputs, VerifiedChain, DisclosedWorkload, OpenedModelStates } from './checks/context.js';
export { chainKey } from './checks/evidence-checks.js';
export * from './inputs.js';
export { CHECK_STATUS_NUMBER, resultClaims, resultTerms, resultToJson, signResult, EAR_PROFILE, type ResultTerms, type VerifierIdentity } from './result.js';
export { toAppraisedChip, toLineageWorkloads } from './fleet.js';
