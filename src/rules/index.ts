// The rules engine's public surface. Pure except loadPolicy (reads a file) and the seating renderer.
export * from './vocabulary.js';
export { type Policy, type ChecklistTemplate, type PerPersonRow, policySchema } from './policy/policy-schema.js';
export { PolicyError, defaultPolicyPath, loadPolicy, parsePolicy } from './policy/load-policy.js';
export { type Finding, type Severity, hasBlocking, ruleTopic, sortFindings } from './checks/finding.js';
export { type ReceptionRequest, type ReadResult, readRequest } from './checks/read-request.js';
export { type Settlement, type SettlementLine, readSettlement } from './checks/read-settlement.js';
export { type CheckOptions, checkRequest } from './checks/check-request.js';
export { type PlanFacts, type PlanMeal, checkPlan } from './checks/check-plan.js';
export { checkSettlement } from './checks/check-settlement.js';
export { type Facts, type Stage, type StagedFinding, checkFacts, judgePlan, judgeSettlement } from './checks/check-facts.js';
export { readPlan } from './checks/read-plan.js';
export { NATIONAL_WORDS, nationalFloor } from './policy/national-floor.js';
export { type ExtraApproval, needsExtraApproval } from './checks/extra-approval.js';
export { type MealStandard, allowedRooms, maxAccompany, mealStandard } from './policy/standards.js';
export { statisticsCategory } from './policy/statistics-category.js';
export { type ChecklistTask, buildChecklist } from './checks/checklist.js';
export { buildStandardsText, describeRanks } from './policy/standards-text.js';
export {
  type PodiumLayout,
  type PodiumSeat,
  type RoundSeat,
  type RoundTableLayout,
  type SeatPerson,
  type SeatingCustom,
  SeatingError,
  guestRole,
  hostRole,
  layoutPodium,
  layoutRoundTable,
  sortBySeniority,
} from './seating/seating.js';
export { buildPodiumSvg, buildRoundTableSvg, cjkFontPath, renderPodium, renderRoundTable } from './seating/render-seating.js';
