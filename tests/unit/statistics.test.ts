import { describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { buildStatisticsCard } from '../../src/statistics/statistics-card.js';
import { parsePeriod, type Statistics } from '../../src/statistics/statistics.js';
import { loadPolicy } from '../../src/rules/policy/load-policy.js';
import { statisticsCategory } from '../../src/rules/policy/statistics-category.js';
import { KINDS, RANKS, type Kind } from '../../src/rules/vocabulary.js';

const policy = loadPolicy(bundled.policy);
// Monday 2026-11-23, 10:00 in Shanghai.
const now = new Date('2026-11-23T02:00:00Z');
const tz = 'Asia/Shanghai';
const period = (args: string) => parsePeriod(args, now, tz);

describe('the statistics category of a reception', () => {
  // The bundled policy's mapping, written out: kind first (外事, 大型活动, 指导, 商务), then the lead's rank.
  const expected = (kind: Kind, rank: string): string => {
    if (kind === '外事') return '外宾接待';
    if (kind === '大型活动') return '大型活动';
    if (kind === '指导') return '指导接待';
    if (kind === '商务') return '客商接待';
    if (['国家级正职', '国家级副职', '省部级正职', '省部级副职'].includes(rank)) return '省部级及以上';
    if (['厅局级正职', '厅局级副职'].includes(rank)) return '厅局级';
    return '其他';
  };
  for (const kind of KINDS) {
    it(`puts every rank of a ${kind} reception in its category`, () => {
      for (const rank of RANKS) expect(`${rank}:${statisticsCategory(policy, kind, rank)}`).toBe(`${rank}:${expected(kind, rank)}`);
    });
  }
});

describe('the period of 统计', () => {
  it('reads a year, this year, last year, this month and last month', () => {
    expect(period('2026')).toEqual({ from: '2026-01-01', to: '2026-12-31', label: '2026年' });
    expect(period('')).toMatchObject({ label: '2026年' });
    expect(period('本年')).toMatchObject({ label: '2026年' });
    expect(period('去年')).toEqual({ from: '2025-01-01', to: '2025-12-31', label: '2025年' });
    expect(period('本月')).toEqual({ from: '2026-11-01', to: '2026-11-30', label: '2026年11月' });
    expect(period('上月')).toEqual({ from: '2026-10-01', to: '2026-10-31', label: '2026年10月' });
  });

  it('reads month ranges written the ways offices write them', () => {
    expect(period('2026-01 至 2026-06')).toEqual({ from: '2026-01-01', to: '2026-06-30', label: '2026年1月至6月' });
    expect(period('2026年1月至6月')).toMatchObject({ from: '2026-01-01', to: '2026-06-30' });
    expect(period('2025-11到2026-02')).toEqual({ from: '2025-11-01', to: '2026-02-28', label: '2025年11月至2026年2月' });
    expect(period('２０２６年２月')).toEqual({ from: '2026-02-01', to: '2026-02-28', label: '2026年2月' });
  });

  it('takes January of the next year as last month', () => {
    expect(parsePeriod('上月', new Date('2026-01-15T02:00:00Z'), tz)).toMatchObject({ from: '2025-12-01', to: '2025-12-31' });
  });

  it('refuses a period that does not parse, a future one and a reversed range, saying why', () => {
    expect(period('明年吧')).toMatchObject({ error: expect.stringContaining('未能识别统计期间') });
    expect(period('2027')).toMatchObject({ error: '统计期间2027年尚未开始，无法统计。' });
    expect(period('2026-12')).toMatchObject({ error: expect.stringContaining('尚未开始') });
    expect(period('2026-06 至 2026-01')).toMatchObject({ error: expect.stringContaining('晚于结束月份') });
    expect(period('2026-13')).toMatchObject({ error: expect.stringContaining('未能识别') });
  });
});

describe('the statistics card', () => {
  const stats: Statistics = {
    period: { from: '2026-01-01', to: '2026-12-31', label: '2026年' },
    basis: '统计口径：测试',
    total: { batches: 70, persons: 1153, fen: 12_345_678 },
    byCategory: [
      { category: '省部级及以上', batches: 7, persons: 63, fen: 1_000_000 },
      { category: '厅局级', batches: 20, persons: 235, fen: 0 },
    ],
    byDepartment: [{ department: '招商局<at id=all></at>', batches: 70, persons: 1153, fen: 12_345_678 }],
    byMonth: [
      { month: '2026-01', batches: 30, persons: 500, fen: 5_000_000 },
      { month: '2026-02', batches: 40, persons: 653, fen: 7_345_678 },
    ],
    unsettled: 3,
    findings: { count: 4, receptions: 2 },
    budget: [{ year: 2026, annualFen: 80_000_000, usedFen: 12_345_678 }],
  };

  it('states the totals the way offices write them, with the breakdowns, the budget and two charts', () => {
    const card = buildStatisticsCard(stats);
    const text = JSON.stringify(card);
    expect(text).toContain('共接待 70 批次 1153 人');
    expect(text).toContain('费用合计 123,456.78元');
    expect(text).toContain('其中 3 批次尚未结算');
    expect(text).toContain('省部级及以上：7 批次 63 人，费用 10,000.00元');
    expect(text).toContain('已使用 123,456.78元（15.4%）');
    expect(text).toContain('须说明理由或违反规定的事项 4 项，涉及 2 批次');
    const charts = card.body.elements.filter((e) => e.tag === 'chart');
    expect(charts.map((c) => (c.chart_spec as { type: string }).type)).toEqual(['pie', 'bar']);
    expect(text).not.toContain('<at id=all>');
  });
});
