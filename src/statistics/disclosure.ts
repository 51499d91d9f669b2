// 公开 <年>: the yearly disclosure of reception rules, standards, spending and numbers (R20, R21),
// as plain text an office can paste into its public notice.
import type { HandlerContext } from '../chat/context.js';
import { isLeader, isOffice } from '../org/access.js';
import type { MessageEvent } from '../chat/event.js';
import type { PerPersonRow, Policy } from '../rules/policy/policy-schema.js';
import { describeRanks } from '../rules/policy/standards-text.js';
import { fraction } from '../rules/vocabulary.js';
import { computeStatistics, parsePeriod, type Statistics } from './statistics.js';
import { localDate } from '../lib/working-time.js';

/** 1234567 fen → "1.23万元" (offices publish reception money in 万元, two decimals). */
export function tenThousandYuan(fen: number): string {
  const hundredths = Math.round(fen / 10_000); // 0.01万元 = 100元 = 10,000 fen; half up, in integers
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}万元`;
}

const rows = (table: readonly PerPersonRow[], unit: string) => table.map((r) => `${describeRanks(r.ranks)}${r.max}${unit}`).join('，');

export function buildDisclosureText(opts: { unit: string; policy: Policy; stats: Statistics; year: number; today: string }): string {
  const { unit, policy: p, stats: s, year, today } = opts;
  const complete = today > `${year}-12-31`;
  const asOf = complete ? `${year}年度` : `${year}年1月1日至${Number(today.slice(5, 7))}月${Number(today.slice(8, 10))}日`;
  const meal = p.meals.working_meal;
  const unitWord = meal.basis === 'per_day' ? '元/人·天' : '元/人·餐';
  const a = p.accompany;
  const budget = s.budget.find((b) => b.year === year) ?? { annualFen: Math.round(p.budget.annual * 100), usedFen: s.total.fen };
  const pct = budget.annualFen ? ((100 * budget.usedFen) / budget.annualFen).toFixed(1) : '0.0';
  const categories = s.byCategory.filter((c) => c.batches).map((c) => `${c.category}${c.batches}批次${c.persons}人`);
  const lines = [
    `${unit}${year}年度公务接待情况公开`,
    '',
    `根据《党政机关国内公务接待管理规定》和《党政机关厉行节约反对浪费条例》有关要求，现将本单位${asOf}公务接待有关情况公开如下：`,
    '',
    '一、接待制度和标准',
    `本单位严格执行先审批、后接待制度，公务接待凭派出单位公函安排，无公函不予接待；接待工作实行部门负责人、接待办和分管领导三级审批。现行标准：每次来访安排工作餐不超过${meal.max_per_visit}次，标准为${rows(meal.per_person, unitWord)}；来访${a.small_group_max_guests}人以内陪餐不超过${a.small_group_max_diners}人，超过${a.small_group_max_guests}人的陪餐人数不超过来访人数的${fraction(a.large_group_divisor)}；${p.meals.alcohol_allowed === 'local_only' ? `酒水只上${p.meals.local_alcohol.join('、')}；` : p.meals.alcohol_allowed ? '' : '工作餐不提供酒水；'}不提供高档菜肴、高档酒和香烟；住宿安排在${p.lodging.venues.join('、')}，执行协议价格；不安排迎送仪式，不安排与公务无关的参观游览和娱乐活动，不赠送礼金、有价证券、纪念品和土特产；接待费用使用公务卡或银行转账结算，报销时附${p.settlement.required_documents.join('、')}，一事一结。`,
    '',
    '二、接待经费支出情况',
    `${year}年度公务接待经费预算${tenThousandYuan(budget.annualFen)}，${complete ? '全年' : '截至目前'}实际支出${tenThousandYuan(budget.usedFen)}，占预算的${pct}%。${s.unsettled ? `另有${s.unsettled}批次接待尚未办结结算，费用未计入。` : ''}`,
    '',
    '三、接待批次和人数',
    `${asOf}共接待${s.total.batches}批次${s.total.persons}人${categories.length ? `，其中：${categories.join('，')}` : ''}。`,
    '',
    '四、监督管理',
    `${
      s.unsettled
        ? `所有接待事项均经审批；已办结结算的接待均按规定结算，接待清单、费用单据和审批材料已归档备查；尚未办结结算的${s.unsettled}批次，结算后一并归档。`
        : '所有接待事项均经审批并按规定结算，接待清单、费用单据和审批材料已归档备查。'
    }${s.findings.count ? `经系统对照接待标准检查，需说明理由或纠正的事项${s.findings.count}项（涉及${s.findings.receptions}批次），均已按规定说明理由或整改。` : '经系统对照接待标准检查，未发现超标准接待等问题。'}`,
    '',
    '特此公开。',
    '',
    unit,
    `${Number(today.slice(0, 4))}年${Number(today.slice(5, 7))}月${Number(today.slice(8, 10))}日`,
  ];
  return lines.join('\n');
}

/** 公开 2026 (or 公开 本年 / 去年): the reception office and the unit's leaders. */
export async function onDisclosureCommand(event: MessageEvent, ctx: HandlerContext, args: string): Promise<void> {
  const who = event.senderId;
  const o = ctx.org;
  if (!isOffice(o, who) && !isLeader(o, who)) {
    await ctx.say({ kind: 'text', text: '年度接待情况公开稿由接待办或单位领导生成。' });
    return;
  }
  const period = parsePeriod(args, ctx.now, ctx.config.timeZone);
  if ('error' in period) {
    await ctx.say({ kind: 'text', text: period.error.replace('统计', '公开') });
    return;
  }
  const year = Number(period.from.slice(0, 4));
  if (period.from !== `${year}-01-01` || period.to !== `${year}-12-31`) {
    await ctx.say({ kind: 'text', text: `公开按年度进行，请写明年份，例如：公开 ${year}` });
    return;
  }
  // A disclosure counts what has happened by its date: in the current year, visits that arrive after
  // today are not yet counted.
  const today = localDate(ctx.now, ctx.config.timeZone);
  const stats = await computeStatistics(ctx.tx, ctx.policy, { ...period, to: today < period.to ? today : period.to });
  const text = buildDisclosureText({ unit: ctx.org.unit, policy: ctx.policy, stats, year, today });
  // A draft for the person who may publish it, not yet for everyone in the group: asked in a group,
  // it goes to the asker one-to-one (as 统计 and 导出 do) and the group is told so.
  if (event.chatType === 'p2p') return void (await ctx.say({ kind: 'text', text }));
  await ctx.say({ kind: 'text', text: `${year}年度接待情况公开稿（草稿，尚未公开）已单独发送给您，请在与接待助手的单聊中查看。` });
  await ctx.send({ type: 'user', id: who }, { kind: 'text', text });
}
