// One entry point for integrations, the CLI and the bot: facts in, findings out. The bot judges a
// settlement through judgeSettlement, the CLI through checkFacts, with the same readers, so the two
// tell the same truth about the same reception (tests/e2e/settlement.test.ts feeds one through both).
// Facts are untrusted: anything missing or of the wrong type becomes a `form` finding naming its
// path, and then nothing is judged.
import { type CheckOptions, checkRequest } from './check-request.js';
import { checkPlan } from './check-plan.js';
import { checkSettlement } from './check-settlement.js';
import { type Finding, finding } from './finding.js';
import type { Policy } from '../policy/policy-schema.js';
import { readPlan } from './read-plan.js';
import { type ReceptionRequest, readRequest } from './read-request.js';
import { readSettlement } from './read-settlement.js';

/** The shape of facts.json: `{ request, plan?, settlement? }`. */
export interface Facts {
  request: unknown;
  plan?: unknown;
  settlement?: unknown;
}

/** Which part of the facts a finding is about: what the bot shows at submission, on the plan, at settlement. */
export type Stage = 'request' | 'plan' | 'settlement';
export type StagedFinding = Finding & { stage: Stage };

const staged = (stage: Stage, list: Finding[]): StagedFinding[] => list.map((f) => ({ ...f, stage }));

/**
 * Judges every part present. The request is judged as at its submission, except 先审批、后接待:
 * with a settlement the visit is necessarily past, and whether it was approved first was asked
 * when the request was filed.
 */
export function checkFacts(facts: unknown, policy: Policy, now: Date, opts: CheckOptions = {}): StagedFinding[] {
  if (facts === null || typeof facts !== 'object' || Array.isArray(facts)) {
    return staged('request', [finding('form', 'block', '事实数据应为JSON对象：{"request": {…}, "plan": {…}, "settlement": {…}}', 'facts')]);
  }
  const f = facts as Record<string, unknown>;
  const request = readRequest(f.request);
  const plan = f.plan === undefined ? undefined : readPlan(f.plan);
  const hasSettlement = f.settlement !== undefined && f.settlement !== null;
  const settlement = hasSettlement ? readSettlement(f.settlement) : undefined;
  const unreadable = [
    ...staged('request', request.findings.filter((x) => x.severity === 'block')),
    ...staged('plan', plan?.findings ?? []),
    ...staged('settlement', settlement?.findings ?? []),
  ];
  // A wrong or missing value: named by its path, and nothing is judged.
  if (unreadable.length || !request.value) return unreadable;
  const r = request.value;
  const out: StagedFinding[] = staged('request', [...request.findings, ...checkRequest(r, policy, now, opts)]).filter(
    (x) => !(hasSettlement && x.rule === 'approval_first'),
  );
  if (plan?.value) out.push(...staged('plan', checkPlan(plan.value, policy, r)));
  if (settlement?.value) out.push(...staged('settlement', checkSettlement(settlement.value, r, policy, now, opts)));
  return out;
}

/**
 * The bot's settlement check: the request as approved and the settlement facts it gathered, read by
 * the same readers as facts.json. Read problems (which the bot's own facts never have) come back as
 * findings rather than an exception.
 */
export function judgeSettlement(request: unknown, settlement: unknown, policy: Policy, now: Date, opts: CheckOptions = {}): Finding[] {
  const r = readRequest(request);
  const s = readSettlement(settlement);
  if (!r.value || !s.value) return [...r.findings.filter((x) => x.severity === 'block'), ...s.findings];
  return checkSettlement(s.value, r.value, policy, now, opts);
}

/** The bot's plan check: the approved request and the plan facts it recorded (the meal task's form). */
export function judgePlan(request: unknown, plan: unknown, policy: Policy): Finding[] {
  const r = readRequest(request);
  const p = readPlan(plan);
  if (!r.value || !p.value) return [...r.findings.filter((x) => x.severity === 'block'), ...p.findings];
  return checkPlan(p.value, policy, r.value as ReceptionRequest);
}
