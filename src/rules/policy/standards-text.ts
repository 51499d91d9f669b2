// The answer to the `标准` command: the standards in force, written for a person
// (Feishu card markdown: bold headings and lines starting with "- ").
import type { PerPersonRow, Policy } from './policy-schema.js';
import { PURPOSES, RANKS } from '../vocabulary.js';
import { citedInChinese } from '../checks/finding.js';

/** 厅局级正职 + 厅局级副职 -> 厅局级; the full list of ranks -> 各级别. */
export function describeRanks(ranks: readonly string[] | undefined): string {
  if (!ranks || RANKS.every((r) => ranks.includes(r))) return '各级别';
  const out: string[] = [];
  for (const r of RANKS) {
    if (!ranks.includes(r)) continue;
    const level = r.replace(/(正职|副职)$/, '');
    if (r.endsWith('正职') && ranks.includes(`${level}副职`)) out.push(level);
    else if (r.endsWith('副职') && ranks.includes(`${level}正职`)) continue;
    else out.push(r);
  }
  return out.join('、');
}

function table(rows: readonly PerPersonRow[], unit: string): string {
  return rows.map((row) => `${describeRanks(row.ranks)} ${row.max}${unit}`).join('；');
}

export function buildStandardsText(policy: Policy): string {
  const m = policy.meals;
  const wm = m.working_meal;
  const unit = wm.basis === 'per_day' ? '元/人·天' : '元/人·餐';
  const a = policy.accompany;
  const w = policy.banned_words;
  const s = policy.settlement;
  const x = policy.approval.extra_level;
  const lines: string[] = [];
  const head = (t: string) => lines.push('', `**${t}**`);
  const item = (t: string) => lines.push(`- ${citedInChinese(t)}`);

  lines.push(`**接待标准**（${policy.name}，${policy.version}版）`);
  head('接待范围与审批');
  item(`接待范围限于公务活动：${PURPOSES.join('、')}；休假、探亲、旅游等活动不得列入公务接待 (R1)`);
  item('先审批、后接待，接待审批单经审批后方可安排');
  const phone = policy.letter.phone_notice_allowed ? '；本地允许以电话记录单代替公函' : '';
  item(`${policy.letter.required_kinds.join('、')}接待凭派出单位公函，无公函不予接待${phone} (R4)`);
  if (policy.letter.invitation_kinds.length) {
    item(`${policy.letter.invitation_kinds.join('、')}接待凭${policy.business.letter_names.join('或')}，无函须报分管领导审批 (R4)`);
  }

  head('工作餐');
  item(`每次来访可安排工作餐${wm.max_per_visit}次 (R8)`);
  item(`标准：${table(wm.per_person, unit)}（本地标准）`);
  item(`陪餐：来访${a.small_group_max_guests}人以内最多${a.small_group_max_diners}人；超过${a.small_group_max_guests}人的，不超过来访人数的1/${a.large_group_divisor} (R8)`);
  item(`供应家常菜，不得提供${w.dishes.slice(0, 6).join('、')}等，不得提供${w.premium_liquor.slice(0, 2).join('、')}等高档酒和香烟 (R9)`);
  item(
    m.alcohol_allowed === 'local_only'
      ? `酒水只上${m.local_alcohol.join('、')}（本地规定）`
      : m.alcohol_allowed
        ? '饮酒按本地规定从严掌握'
        : '工作餐不得饮酒（本地规定）',
  );
  if (m.max_minutes !== null) item(`用餐时间不超过${m.max_minutes}分钟（本地规定）`);
  if (m.venues.length) item(`地点：${m.venues.join('、')}；不得在${w.venues.join('、')}安排 (R9)`);

  head('住宿');
  for (const row of policy.lodging.rooms_by_rank) item(`${describeRanks(row.ranks)}：${row.rooms.join('、')} (R7)`);
  item(`安排在${policy.lodging.venues.join('、')}，执行协议价格，不额外配发洗漱用品 (R7)`);
  item('住宿费原则上由派出单位按差旅规定支付；由接待单位支付须说明理由 (R7)');

  head('迎送与活动');
  item('不得到机场、车站、码头和辖区边界迎送，不得跨地区迎送，不得张贴悬挂标语横幅、铺设迎宾地毯、组织群众迎送 (R6)');
  item('出行集中乘车，减少随行车辆 (R10)');
  item('不得安排与公务无关的参观游览、娱乐健身、专场文艺演出，不得赠送礼金、有价证券、纪念品和土特产 (R12)');
  if (policy.same_city.banned) item('同城单位之间不得用公款相互接待（本地规定）');

  head('外宾与客商');
  item(`外事接待凭${policy.foreign.documents.join('或')}，按外事接待标准执行，不适用国内工作餐次数和陪餐人数规定（外事接待规定）`);
  item(`外宾日常用餐：${table(policy.foreign.daily_meals, '元/人·天')}（本地标准）`);
  item(`外宾宴请：${policy.foreign.banquets.map((b) => `${b.host}主持${b.max}元/人`).join('；')}，在访期间最多${policy.foreign.max_banquets_per_stay}次（本地标准）`);
  item(policy.business.per_person ? `客商接待：${table(policy.business.per_person, unit)}（本地标准）` : '客商接待：参照公务接待标准执行');

  head('结算');
  item(`报销须附${s.required_documents.join('、')}，单据不全不予报销 (R15)`);
  item(`使用公务卡或银行转账结算，不得使用现金${s.cash_allowed_with_reason ? '；确需现金的须写明理由并经负责人审批' : ''} (R16)`);
  if (s.reimburse_within_months !== null) item(`接待结束后${s.reimburse_within_months}个月内报销，一事一结（本地规定）`);
  item('来访人员的差旅、会议、培训费用不得列入接待费，不得转嫁接待费用 (R14)');
  item(`年度接待经费预算${policy.budget.annual.toLocaleString('zh-CN')}元，单独列示、总额控制 (R13)`);

  const triggers: string[] = [];
  if (x.on_reason_findings) triggers.push('有须说明理由的事项');
  if (x.min_rank) triggers.push(`带队领导为${x.min_rank}及以上`);
  if (x.min_guest_count !== null) triggers.push(`来访${x.min_guest_count}人及以上`);
  if (x.kinds.length) triggers.push(`${x.kinds.join('、')}接待`);
  if (triggers.length) {
    head('加报主要领导审批');
    item(`${triggers.join('，或')}的，在三级审批后报主要领导审批`);
  }
  return lines.join('\n');
}
