// One entry point for integrations and the CLI: facts.json in, findings out.
// Facts are untrusted: anything missing or impossible becomes a finding, never an exception.
import { type CheckOptions, checkRequest } from './check-request.js';
import { checkPlan, type PlanFacts } from './check-plan.js';
import { checkSettlement } from './check-settlement.js';
import { type Finding, finding } from './finding.js';
import type { Policy } from '../policy/policy-schema.js';
import { readRequest } from './read-request.js';
import { readSettlement } from './read-settlement.js';

/** The shape of facts.json: `{ request, plan?, settlement? }`. */
export interface Facts {
  request: unknown;
  plan?: PlanFacts;
  settlement?: unknown;
}

export function checkFacts(facts: unknown, policy: Policy, now: Date, opts: CheckOptions = {}): Finding[] {
  if (facts === null || typeof facts !== 'object' || Array.isArray(facts)) {
    return [finding('form', 'block', '事实数据应为JSON对象：{"request": {…}, "settlement": {…}}', 'facts')];
  }
  const f = facts as Record<string, unknown>;
  const out: Finding[] = [];
  const request = readRequest(f.request);
  out.push(...request.findings);
  if (request.value) out.push(...checkRequest(request.value, policy, now, opts));

  if (f.plan !== undefined) {
    const plan = readPlan(f.plan);
    if (plan) out.push(...checkPlan(plan, policy, request.value ?? undefined));
    else out.push(finding('form', 'block', '接待方案（plan）格式不正确：应含 tasks、itinerary、meals 列表', 'plan'));
  }

  if (f.settlement !== undefined && f.settlement !== null) {
    const settlement = readSettlement(f.settlement);
    out.push(...settlement.findings);
    if (settlement.value && request.value) {
      out.push(...checkSettlement(settlement.value, request.value, policy, now, opts));
    }
  }
  return out;
}

/** Plans come from our own code; here only the shape is confirmed so a bad file cannot crash a check. */
function readPlan(raw: unknown): PlanFacts | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const p = raw as Record<string, unknown>;
  const list = (v: unknown, need: (x: Record<string, unknown>) => boolean) =>
    v === undefined || (Array.isArray(v) && v.every((x) => x !== null && typeof x === 'object' && need(x as Record<string, unknown>)));
  const hasTitle = (x: Record<string, unknown>) => typeof x.title === 'string';
  const isMeal = (x: Record<string, unknown>) =>
    (x.menu === undefined || typeof x.menu === 'string' || (Array.isArray(x.menu) && x.menu.every((d) => typeof d === 'string'))) &&
    ['minutes', 'diners', 'cost_per_person'].every((k) => x[k] === undefined || typeof x[k] === 'number') &&
    ['title', 'venue'].every((k) => x[k] === undefined || typeof x[k] === 'string');
  if (!list(p.tasks, hasTitle) || !list(p.itinerary, hasTitle) || !list(p.meals, isMeal)) return null;
  return p as PlanFacts;
}
