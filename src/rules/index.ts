// The rules engine's public surface. Pure except loadPolicy (reads a file) and the seating renderer.
export * from './vocabulary.js';
export { type Policy, type ChecklistTemplate, type PerPersonRow, policySchema } from './policy-schema.js';
export { PolicyError, defaultPolicyPath, loadPolicy, parsePolicy } from './load-policy.js';
export { type Finding, type Severity, hasBlocking, sortFindings } from './finding.js';
export { type ReceptionRequest, type ReadResult, readRequest } from './read-request.js';
export { type Settlement, type SettlementLine, readSettlement } from './read-settlement.js';
export { type CheckOptions, checkRequest } from './check-request.js';
export { type PlanFacts, type PlanMeal, checkPlan } from './check-plan.js';
export { checkSettlement } from './check-settlement.js';
export { type Facts, checkFacts } from './check-facts.js';
export { type ExtraApproval, needsExtraApproval } from './extra-approval.js';
export { type MealStandard, allowedRooms, maxAccompany, mealStandard } from './standards.js';
export { statisticsCategory } from './statistics-category.js';
export { type ChecklistTask, buildChecklist } from './checklist.js';
export { buildStandardsText, describeRanks } from './standards-text.js';
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
} from './seating.js';
export { buildPodiumSvg, buildRoundTableSvg, cjkFontPath, renderPodium, renderRoundTable } from './render-seating.js';
