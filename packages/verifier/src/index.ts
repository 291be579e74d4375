export { appraise, appraiseAsync, CHECKS, type AsyncAppraisalInputs, type Appraisal, type CheckId, type CheckResult, type CheckStatus, type TrustTier, type TrustworthinessVector } from './appraise.js';
export type { AppraisalInputs, VerifiedChain, DisclosedWorkload, OpenedModelStates } from './checks/context.js';
export { chainKey } from './checks/evidence-checks.js';
export * from './inputs.js';
export { CHECK_STATUS_NUMBER, resultClaims, resultTerms, resultToJson, signResult, EAR_PROFILE, type ResultTerms, type VerifierIdentity } from './result.js';
export { toAppraisedChip, toLineageWorkloads } from './fleet.js';
export { trustworthinessVector, VECTOR_CLAIMS, type VectorClaim } from './ar4si.js';
export { readResult, type ReadResultOptions, type ReceivedAppraisal, type ReceivedCheck, type ReceivedResult, type ReceivedTier } from './read-result.js';
