import { describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { buildDisclosureText, tenThousandYuan } from '../../src/statistics/disclosure.js';
import type { Statistics } from '../../src/statistics/statistics.js';
import { loadPolicy } from '../../src/rules/policy/load-policy.js';

const policy = loadPolicy(bundled.policy);
const stats = (over: Partial<Statistics> = {}): Statistics => ({
  period: { from: '2026-01-01', to: '2026-12-31', label: '2026年' },
  basis: '',
  total: { batches: 70, persons: 1153, fen: 61_234_500 },
  byCategory: [
    { category: '省部级及以上', batches: 7, persons: 63, fen: 0 },
    { category: '厅局级', batches: 20, persons: 235, fen: 0 },
    { category: '大型活动', batches: 14, persons: 560, fen: 0 },
    { category: '外宾接待', batches: 1, persons: 23, fen: 0 },
    { category: '客商接待', batches: 8, persons: 56, fen: 0 },
    { category: '指导接待', batches: 20, persons: 216, fen: 0 },
    { category: '其他', batches: 0, persons: 0, fen: 0 },
  ],
  byDepartment: [],
  byMonth: [],
  unsettled: 0,
  findings: { count: 0, receptions: 0 },
  budget: [{ year: 2026, annualFen: 80_000_000, usedFen: 61_234_500 }],
  ...over,
});

describe('the yearly disclosure', () => {
  it('writes money in 万元 with two decimals', () => {
    expect(tenThousandYuan(61_234_500)).toBe('61.23万元');
    expect(tenThousandYuan(0)).toBe('0.00万元');
    expect(tenThousandYuan(45_000)).toBe('0.05万元');
    expect(tenThousandYuan(44_999)).toBe('0.04万元');
  });

  it('publishes the rules and standards in force, the spending against the budget, and batches and persons by category', () => {
    const text = buildDisclosureText({ unit: '某某高新区管委会', policy, stats: stats(), year: 2026, today: '2027-01-05' });
    expect(text.split('\n')[0]).toBe('某某高新区管委会2026年度公务接待情况公开');
    expect(text).toContain('县处级60元/人·餐');
    expect(text).toContain('陪餐不超过3人');
    expect(text).toContain('公务接待经费预算80.00万元，全年实际支出61.23万元，占预算的76.5%');
    expect(text).toContain('2026年度共接待70批次1153人，其中：省部级及以上7批次63人，厅局级20批次235人，大型活动14批次560人，外宾接待1批次23人，客商接待8批次56人，指导接待20批次216人。');
    expect(text).not.toContain('其他0批次');
    expect(text).toContain('未发现超标准接待等问题');
    expect(text).toContain('所有接待事项均经审批并按规定结算');
    expect(text.trim().split('\n').at(-1)).toBe('2027年1月5日');
  });

  it('says the year is not over yet and what is still being settled', () => {
    const text = buildDisclosureText({ unit: '某单位', policy, stats: stats({ unsettled: 3, findings: { count: 2, receptions: 1 } }), year: 2026, today: '2026-11-23' });
    expect(text).toContain('2026年1月1日至11月23日共接待');
    expect(text).toContain('截至目前实际支出');
    expect(text).toContain('另有3批次接待尚未办结结算');
    expect(text).not.toContain('所有接待事项均经审批并按规定结算');
    expect(text).toContain('尚未办结结算的3批次，结算后一并归档');
    expect(text).toContain('需说明理由或纠正的事项2项（涉及1批次）');
  });
});
