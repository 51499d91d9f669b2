// The 统计 card: totals the way offices write them ("共接待 70 批次 1153 人"), the breakdowns, the
// budget, and charts (card JSON 2.0 `chart`, a VChart spec).
import { formatFen } from '../lib/money.js';
import type { Statistics } from './statistics.js';
import type { Card, CardElement } from '../cards/card.js';
import { card, escapeMd, hr, md } from '../cards/elements.js';

const money = (fen: number) => `${formatFen(fen)}元`;

function chart(spec: Record<string, unknown>): CardElement {
  return { tag: 'chart', aspect_ratio: '16:9', chart_spec: spec };
}

/** 接待总结 of the period: visits reviewed and the 需改进 themes most often named. */
export interface ReviewFigures {
  reviewed: number;
  improve: { theme: string; count: number }[];
}

export function buildStatisticsCard(s: Statistics, reviews?: ReviewFigures): Card {
  const t = s.total;
  const elements: CardElement[] = [
    md(`**共接待 ${t.batches} 批次 ${t.persons} 人**，费用合计 ${money(t.fen)}${s.unsettled ? `（其中 ${s.unsettled} 批次尚未结算，未计费用）` : ''}。`),
    md(
      `**按类别**\n${s.byCategory
        .map((c) => `- ${c.category}：${c.batches} 批次 ${c.persons} 人${c.fen ? `，费用 ${money(c.fen)}` : ''}`)
        .join('\n')}`,
    ),
  ];
  if (t.batches) {
    elements.push(
      chart({
        type: 'pie',
        title: { visible: true, text: '各类别批次' },
        data: { values: s.byCategory.filter((c) => c.batches).map((c) => ({ category: c.category, batches: c.batches })) },
        categoryField: 'category',
        valueField: 'batches',
        legends: { visible: true },
        label: { visible: true },
      }),
    );
  }
  if (s.byMonth.length > 1) {
    elements.push(
      hr(),
      md(`**按月**\n${s.byMonth.map((m) => `- ${m.month}：${m.batches} 批次 ${m.persons} 人，费用 ${money(m.fen)}`).join('\n')}`),
      chart({
        type: 'bar',
        title: { visible: true, text: '每月接待批次与人数' },
        data: { values: s.byMonth.flatMap((m) => [{ month: m.month.slice(5) + '月', type: '批次', value: m.batches }, { month: m.month.slice(5) + '月', type: '人数', value: m.persons }]) },
        xField: ['month', 'type'],
        yField: 'value',
        seriesField: 'type',
        legends: { visible: true },
      }),
    );
  }
  if (s.byDepartment.length) {
    const shown = s.byDepartment.slice(0, 15);
    elements.push(
      hr(),
      md(
        `**按承办部门**\n${shown.map((d) => `- ${escapeMd(d.department)}：${d.batches} 批次 ${d.persons} 人，费用 ${money(d.fen)}`).join('\n')}${
          s.byDepartment.length > shown.length ? `\n- 其余 ${s.byDepartment.length - shown.length} 个部门从略` : ''
        }`,
      ),
    );
  }
  elements.push(
    hr(),
    md(
      `**预算执行**\n${s.budget
        .map((b) => `- ${b.year}年度接待费预算 ${money(b.annualFen)}，已使用 ${money(b.usedFen)}（${b.annualFen ? ((100 * b.usedFen) / b.annualFen).toFixed(1) : '0.0'}%）${b.usedFen > b.annualFen ? '，**已超出年度预算 (R13)**' : ''}`)
        .join('\n')}`,
    ),
    md(`**规则检查**\n须说明理由或违反规定的事项 ${s.findings.count} 项，涉及 ${s.findings.receptions} 批次。`),
    ...(reviews ? [md(`**接待总结**\n已总结 ${reviews.reviewed} 批次${reviews.improve.length ? `；需改进事项较多的是：${reviews.improve.map((i) => `${i.theme}（${i.count}次）`).join('、')}` : ''}。`)] : []),
    md(`<font color='grey'>${escapeMd(s.basis)}</font>`),
  );
  return card({ title: `接待统计：${s.period.label}`, subtitle: `${s.period.from} 至 ${s.period.to}`, template: 'indigo', summary: `接待统计 ${s.period.label}`, elements });
}
