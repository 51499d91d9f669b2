// Checks a request (接待审批单) before it is sent on: block stops it, reason asks for a
// written reason and the extra approval level, info is shown to approvers.
import { daysBetween, todayIn } from './dates.js';
import { cite, type Finding, finding } from './finding.js';
import type { Policy } from '../policy/policy-schema.js';
import type { ReceptionRequest } from './read-request.js';
import { allowedRooms, maxAccompany } from '../policy/standards.js';
import { alcoholRule, alcoholWords, findWords, quote, r9Words } from './words.js';

export interface CheckOptions {
  /** The unit's time zone, for "today" (TZ_NAME, docs/contracts.md §4). */
  timeZone?: string;
}

export function checkRequest(r: ReceptionRequest, policy: Policy, now: Date, opts: CheckOptions = {}): Finding[] {
  return [
    ...checkLetter(r, policy),
    ...checkTiming(r, now, opts.timeZone),
    ...checkWords(r, policy),
    ...checkMeals(r, policy),
    ...checkLodging(r, policy),
    ...checkOther(r, policy),
  ];
}

/**
 * R4: no letter, no reception (公务); 商务 needs an invitation or an investigation letter. 外事 rests
 * on its own document (外事批件 or 邀请函, foreign.documents), under the foreign-affairs rules.
 */
function checkLetter(r: ReceptionRequest, policy: Policy): Finding[] {
  if (r.letter_no) return [];
  if (r.kind === '外事') {
    const names = policy.foreign.documents.join('或');
    return [finding('foreign.documents', 'block', `外事接待须凭${names}，未填写文号，不予接待 ${cite('foreign.documents')}`, 'letter_no')];
  }
  const { required_kinds, phone_notice_allowed, invitation_kinds } = policy.letter;
  if (required_kinds.includes(r.kind)) {
    if (!phone_notice_allowed) {
      return [finding('R4', 'block', `${r.kind}接待须有派出单位公函，未填写公函文号，不予接待 (R4)`, 'letter_no')];
    }
    if (r.phone_notice) {
      return [finding('R4', 'info', '未收到公函，以电话记录单代替，请将电话记录单随审批单存档 (R4)', 'letter_no')];
    }
    return [
      finding('R4', 'reason', '未填写公函文号。按本地规定可凭电话记录单接待，请补充电话记录单并说明理由 (R4)', 'letter_no'),
    ];
  }
  if (invitation_kinds.includes(r.kind)) {
    const names = policy.business.letter_names.join('或');
    return [finding('R4', 'reason', `${r.kind}接待未提供${names}，须说明理由并报分管领导审批 (R4)`, 'letter_no')];
  }
  return [];
}

/** 先审批、后接待 (docs/reception-rules.md §4): a request filed after the arrival needs a reason. */
function checkTiming(r: ReceptionRequest, now: Date, timeZone?: string): Finding[] {
  const today = todayIn(now, timeZone);
  const late = daysBetween(r.arrive_date, today);
  if (late <= 0) return [];
  return [
    finding(
      'approval_first',
      'reason',
      `到达日期${r.arrive_date}已过${late}天，接待应先审批、后接待，补办审批须说明理由`,
      'arrive_date',
    ),
  ];
}

/** R6, R9, R12: what the free text asks for. Keyword matches ask for a reason; a person decides. */
function checkWords(r: ReceptionRequest, policy: Policy): Finding[] {
  const out: Finding[] = [];
  const w = policy.banned_words;
  for (const field of ['purpose_detail', 'notes'] as const) {
    const text = r[field];
    const welcome = findWords(text, w.welcome);
    if (welcome.length) out.push(finding('R6', 'reason', `${label(field)}含${quote(welcome)}：不得搞迎送仪式、悬挂横幅标语、铺设地毯或组织群众迎送 (R6)`, field));
    const dishes = [...r9Words(text, policy), ...findWords(text, w.venues)];
    if (dishes.length) out.push(finding('R9', 'reason', `${label(field)}含${quote(dishes)}：工作餐应为家常菜，不得提供高档菜肴、野生动物、高档酒和香烟，不得在私人会所和高消费场所安排 (R9)`, field));
    const r12 = findWords(text, [...w.activities, ...w.gifts]);
    if (r12.length) out.push(finding('R12', 'reason', `${label(field)}含${quote(r12)}：不得安排与公务无关的参观游览、娱乐健身活动，不得赠送礼金礼品和土特产 (R12)`, field));
    const drink = alcoholWords(text, policy);
    if (drink.length) out.push(finding('meals.alcohol_allowed', 'reason', `${label(field)}含${quote(drink)}：${alcoholRule(policy)} (本地规定)`, field));
  }
  return out;
}

function label(field: 'purpose_detail' | 'notes'): string {
  return field === 'purpose_detail' ? '活动安排' : '备注';
}

/**
 * R8: one working meal per visit; accompanying diners within the formula. 外事 follows the
 * foreign-affairs standards instead (foreign.*): its banquets per stay, not R8.
 */
function checkMeals(r: ReceptionRequest, policy: Policy): Finding[] {
  const out: Finding[] = [];
  if (r.kind === '外事') {
    if (r.banquet_count !== undefined && r.banquet_count > policy.foreign.max_banquets_per_stay) {
      const rule = 'foreign.max_banquets_per_stay';
      out.push(finding(rule, 'reason', `外宾在访期间宴请最多${policy.foreign.max_banquets_per_stay}次，现为${r.banquet_count}次 ${cite(rule)}`, 'banquet_count'));
    }
    return out;
  }
  if (r.working_meal === '否') {
    if (r.accompany_count > 0) {
      out.push(finding('R8', 'info', `未安排工作餐，陪餐人数${r.accompany_count}人不予计算 (R8)`, 'accompany_count'));
    }
    return out;
  }
  const max = maxAccompany(r.guest_count, policy);
  if (r.accompany_count > max) {
    out.push(finding('R8', 'block', `来访${r.guest_count}人，陪餐最多${max}人，现为${r.accompany_count}人 (R8)`, 'accompany_count'));
  }
  const meals = r.meal_count ?? 1;
  const allowed = policy.meals.working_meal.max_per_visit;
  if (meals > allowed) {
    out.push(finding('R8', 'block', `每次来访只可安排工作餐${allowed}次，现安排${meals}次 (R8)`, 'meal_count'));
  }
  return out;
}

/** R7: room type by rank; lodging paid by the host needs a reason; rooms in line with the group. */
function checkLodging(r: ReceptionRequest, policy: Policy): Finding[] {
  const out: Finding[] = [];
  if (r.lodging === '不安排') {
    if (r.rooms > 0) out.push(finding('form', 'block', `住宿为「不安排」，房间数应为0，现为${r.rooms}间`, 'rooms'));
    return out;
  }
  if (r.rooms === 0) out.push(finding('form', 'block', `住宿为「${r.lodging}」，请填写房间数`, 'rooms'));
  const rooms = allowedRooms(policy, r.lead_rank);
  if (!rooms.includes(r.lodging)) {
    out.push(finding('R7', 'reason', `带队领导为${r.lead_rank}，住宿只可安排${rooms.join('、')}，现为${r.lodging}；普通套间限省部级 (R7)`, 'lodging'));
  }
  if (r.rooms > r.guest_count) {
    out.push(finding('R7', 'reason', `来访${r.guest_count}人，安排房间${r.rooms}间，房间数多于来访人数 (R7)`, 'rooms'));
  }
  if (r.lodging_paid_by_host && policy.lodging.host_pays_needs_reason) {
    out.push(finding('R7', 'reason', '住宿费原则上由派出单位按差旅规定支付，由接待单位支付须说明理由 (R7)', 'lodging_paid_by_host'));
  }
  return out;
}

/** Same-city reception (local) and shared vehicles (R10). */
function checkOther(r: ReceptionRequest, policy: Policy): Finding[] {
  const out: Finding[] = [];
  if (r.same_city && policy.same_city.banned) {
    out.push(finding('same_city.banned', 'block', '同城单位之间不得用公款相互接待 (本地规定)', 'same_city'));
  }
  if (r.vehicles > r.guest_count) {
    out.push(finding('R10', 'reason', `来访${r.guest_count}人，用车${r.vehicles}辆，车辆多于人数；应集中乘车、减少随行车辆 (R10)`, 'vehicles'));
  }
  return out;
}
