// Checks a settlement (结算) against the request and the policy: documents (R15), payment
// (R16), what was bought (R9, R12, R14), meal standard and diners (local, R8), lodging (R7),
// the reimbursement deadline (local) and the annual budget (R13).
import type { CheckOptions } from './check-request.js';
import { addMonths, daysBetween, todayIn } from './dates.js';
import { cite, type Finding, finding } from './finding.js';
import type { Policy } from '../policy/policy-schema.js';
import type { ReceptionRequest } from './read-request.js';
import type { Settlement, SettlementLine } from './read-settlement.js';
import { checkMealCosts, type MealCost } from './meal-costs.js';
import { checkHotelLine } from './check-places.js';
import { maxAccompany } from '../policy/standards.js';
import { alcoholRule, alcoholWords, findWords, quote, r9Words } from './words.js';

const yuan = (n: number) => `${Math.round(n * 100) / 100}元`;

export function checkSettlement(
  s: Settlement,
  r: ReceptionRequest,
  policy: Policy,
  now: Date,
  opts: CheckOptions = {},
): Finding[] {
  return [
    ...checkDocuments(s, r, policy),
    ...s.lines.flatMap((line, i) => checkLine(line, i, r, policy)),
    ...checkMealCosts(mealCosts(s, r), r, policy),
    ...checkMealCount(s, r, policy),
    ...checkDeadline(r, policy, now, opts.timeZone),
    ...checkBudget(s, policy),
  ];
}

/**
 * R15: the documents the policy names (三单) must all be attached. A visit of a kind that may come
 * without an invitation (R4, letter.invitation_kinds, e.g. 商务) which the supervising leader
 * approved without one has no letter to attach: the approval form (接待审批单) stands in for it.
 */
function checkDocuments(s: Settlement, r: ReceptionRequest, policy: Policy): Finding[] {
  let missing = policy.settlement.required_documents.filter((d) => !s.documents.includes(d));
  const out: Finding[] = [];
  if (missing.includes('公函') && s.approved_without_letter && policy.letter.invitation_kinds.includes(r.kind)) {
    missing = missing.filter((d) => d !== '公函');
    const names = policy.business.letter_names.join('或');
    out.push(finding('R4', 'info', `${r.kind}接待未提供${names}，已经分管领导审批同意，以接待审批单代替公函 (R4)`, 'settlement.documents'));
  }
  if (missing.length) out.unshift(finding('R15', 'block', `结算缺少${missing.join('、')}，单据不全不予报销 (R15)`, 'settlement.documents'));
  return out;
}

/** The meal lines' cost per person, for the standard (meal-costs.ts). */
function mealCosts(s: Settlement, r: ReceptionRequest): MealCost[] {
  return s.lines.flatMap((line, i) => {
    if (line.category !== '餐费') return [];
    const persons = line.persons ?? r.guest_count + r.accompany_count;
    return [{ each: line.amount / persons, date: line.date, banquet: line.banquet, host: line.host, what: `第${i + 1}笔${line.category}${yuan(line.amount)}，${persons}人用餐`, field: `settlement.lines[${i}].amount` }];
  });
}

function checkLine(line: SettlementLine, i: number, r: ReceptionRequest, policy: Policy): Finding[] {
  const out: Finding[] = [];
  const at = `settlement.lines[${i}]`;
  const n = `第${i + 1}笔${line.category}${yuan(line.amount)}`;
  const w = policy.banned_words;

  // R16: official card or transfer; cash only with a written reason and an extra approval.
  if (line.payment === '现金') {
    if (!policy.settlement.cash_allowed_with_reason) {
      out.push(finding('R16', 'block', `${n}以现金支付：应使用公务卡或银行转账结算 (R16)`, `${at}.payment`));
    } else if (!line.reason) {
      out.push(finding('R16', 'block', `${n}以现金支付，未写明理由：应使用公务卡或转账；确需现金的须写明理由并经负责人审批 (R16)`, `${at}.payment`));
    } else {
      out.push(finding('R16', 'reason', `${n}以现金支付，理由：${line.reason}；须经负责人审批 (R16)`, `${at}.payment`));
    }
  }

  // R15: each line's invoice is attached, and no invoice is reimbursed twice.
  if (line.invoice_attached === false) {
    out.push(finding('R15', 'block', `${n}未附发票：请将发票图片或文件发送给接待助手，并注明对应的费用 (R15)`, `${at}.invoice`));
  }
  if (line.invoice_used_in) {
    out.push(finding('R15', 'block', `${n}的发票号${line.invoice_no ?? ''}已在${line.invoice_used_in}的结算中使用，同一发票不得重复报销 (R15)`, `${at}.invoice_no`));
  }

  // R12: no gifts; no tourism, entertainment or fitness; R9: no luxury dishes, cigarettes, clubs.
  if (line.category === '礼品') {
    out.push(finding('R12', 'block', `${n}：不得赠送礼金、有价证券、纪念品和土特产 (R12)`, `${at}.category`));
  }
  const r12 = findWords(line.items, [...w.activities, ...(line.category === '礼品' ? [] : w.gifts)]);
  if (r12.length) out.push(finding('R12', 'block', `${n}含${quote(r12)}：不得列支与公务无关的游览、娱乐、健身及礼品费用 (R12)`, `${at}.items`));
  const r9 = [...r9Words(line.items, policy), ...findWords(line.items, w.venues)];
  if (r9.length) out.push(finding('R9', 'block', `${n}含${quote(r9)}：工作餐不得提供高档菜肴、野生动物、高档酒和香烟，不得在私人会所、高消费场所安排 (R9)`, `${at}.items`));
  const drink = alcoholWords(line.items, policy);
  if (drink.length) out.push(finding('meals.alcohol_allowed', 'block', `${n}含${quote(drink)}：${alcoholRule(policy)} (本地规定)`, `${at}.items`));
  // R14: the guests' own travel, meeting or training costs are never reception costs.
  const r14 = findWords(line.items, w.not_reception_costs);
  if (r14.length) out.push(finding('R14', 'block', `${n}含${quote(r14)}：来访人员的差旅、会议、培训费用不得列入接待费 (R14)`, `${at}.items`));

  if (line.category === '餐费') out.push(...checkMealLine(line, at, n, r, policy));
  if (line.category === '住宿' && !r.lodging_paid_by_host && policy.lodging.host_pays_needs_reason) {
    const why = line.reason ? `，理由：${line.reason}` : '';
    out.push(finding('R7', 'reason', `${n}由接待单位支付住宿费${why}；住宿费原则上由派出单位按差旅规定支付，须说明理由 (R7)`, `${at}.category`));
  }
  out.push(...checkHotelLine(line, at, n, r));
  return out;
}

/** R8 diners at the table (the cost per person is mealCosts'). */
function checkMealLine(line: SettlementLine, at: string, n: string, r: ReceptionRequest, policy: Policy): Finding[] {
  const out: Finding[] = [];
  if (r.working_meal === '否' && r.kind !== '外事') {
    out.push(finding('R8', 'reason', `${n}：审批单未安排工作餐，结算却含餐费，须说明理由 (R8)`, `${at}.category`));
  }
  const persons = line.persons ?? r.guest_count + r.accompany_count;
  if (line.persons === undefined) {
    out.push(finding('form', 'info', `${n}未填写用餐人数，按审批单来访${r.guest_count}人、陪餐${r.accompany_count}人共${persons}人计算`, `${at}.persons`));
  }
  if (r.kind !== '外事') {
    const max = maxAccompany(r.guest_count, policy);
    const hosts = persons - r.guest_count;
    if (hosts > max) {
      out.push(finding('R8', 'block', `来访${r.guest_count}人，陪餐最多${max}人，${n}用餐${persons}人（陪餐${hosts}人）(R8)`, `${at}.persons`));
    }
  }
  return out;
}

/** R8: one working meal per visit; several meal lines need an explanation. */
function checkMealCount(s: Settlement, r: ReceptionRequest, policy: Policy): Finding[] {
  if (r.kind === '外事') return [];
  const meals = s.lines.filter((l) => l.category === '餐费').length;
  const allowed = policy.meals.working_meal.max_per_visit;
  if (meals <= allowed) return [];
  return [finding('R8', 'reason', `结算含餐费${meals}笔，每次来访只可安排工作餐${allowed}次，须说明理由 (R8)`, 'settlement.lines')];
}

/** Local: reimbursement within N months after the visit. */
function checkDeadline(r: ReceptionRequest, policy: Policy, now: Date, timeZone?: string): Finding[] {
  const months = policy.settlement.reimburse_within_months;
  if (months === null) return [];
  const rule = 'settlement.reimburse_within_months';
  const deadline = addMonths(r.depart_date, months);
  const left = daysBetween(todayIn(now, timeZone), deadline);
  if (left < 0) {
    return [finding(rule, policy.settlement.late_severity, `接待于${r.depart_date}结束，应在${months}个月内（${deadline}前）报销，已逾期${-left}天 ${cite(rule)}`, 'depart_date')];
  }
  if (left <= 7) {
    return [finding(rule, 'info', `报销期限为${deadline}，还剩${left}天 ${cite(rule)}`, 'depart_date')];
  }
  return [];
}

/** R13: reception spending is budgeted and capped. */
function checkBudget(s: Settlement, policy: Policy): Finding[] {
  if (s.spent_this_year === undefined) return [];
  const total = s.lines.reduce((sum, l) => sum + l.amount, 0);
  const after = s.spent_this_year + total;
  const { annual, warn_at_percent } = policy.budget;
  if (after > annual) {
    return [finding('R13', 'reason', `本年度接待费已支出${yuan(s.spent_this_year)}，本次${yuan(total)}，合计${yuan(after)}，超过年度预算${yuan(annual)} (R13)`, 'settlement.spent_this_year')];
  }
  if (after >= (annual * warn_at_percent) / 100) {
    const pct = Math.round((after / annual) * 1000) / 10;
    return [finding('R13', 'info', `本次结算后本年度接待费合计${yuan(after)}，已用年度预算${yuan(annual)}的${pct}% (R13)`, 'settlement.spent_this_year')];
  }
  return [];
}
