// Issue 17, point 8: the disclosure's fraction follows the policy's divisor, per-day standards sum
// the meals of a day, and the 省部级 checklist no longer promises a 标准间; the 用餐 task is marked
// so completing it asks for the meal.
import { describe, expect, it } from 'vitest';
import { buildChecklist } from '../../../src/rules/checks/checklist.js';
import { checkSettlement } from '../../../src/rules/checks/check-settlement.js';
import { buildStandardsText } from '../../../src/rules/policy/standards-text.js';
import { fraction } from '../../../src/rules/vocabulary.js';
import { buildDisclosureText } from '../../../src/statistics/disclosure.js';
import type { Statistics } from '../../../src/statistics/statistics.js';
import { buildLine, buildRequest, buildSettlement, bundledPolicyText, policy, policyWith } from './build.js';

const afterVisit = new Date('2026-12-03T02:00:00Z');
const stats: Statistics = {
  period: { from: '2026-01-01', to: '2026-12-31', label: '2026年' },
  basis: '',
  total: { batches: 1, persons: 5, fen: 40_000 },
  byCategory: [],
  byDepartment: [],
  byMonth: [],
  unsettled: 0,
  findings: { count: 0, receptions: 0 },
  budget: [],
};

describe('the disclosure and the standards follow the policy divisor', () => {
  it('writes 三分之一 for 3 and 四分之一 for a unit with a divisor of 4', () => {
    expect(fraction(3)).toBe('三分之一');
    expect(fraction(12)).toBe('十二分之一');
    const four = policyWith(['large_group_divisor: 3', 'large_group_divisor: 4']);
    const text = (p: typeof policy) => buildDisclosureText({ unit: '某单位', policy: p, stats, year: 2026, today: '2027-01-05' });
    expect(text(policy)).toContain('陪餐人数不超过来访人数的三分之一');
    expect(text(four)).toContain('陪餐人数不超过来访人数的四分之一');
    expect(text(four)).not.toContain('三分之一');
    expect(buildStandardsText(four)).toContain('不超过来访人数的1/4');
  });
});

describe('basis: per_day sums the meal lines of a day (Fujian: 150 元/人·天)', () => {
  const fujian = policyWith([/per_person:\n(\s+- \{[^\n]*\n)+/.exec(bundledPolicyText())![0], 'per_person:\n      - { max: 150 }\n'], ['basis: per_meal', 'basis: per_day']);
  const oneDay = buildRequest({ depart_date: '2026-11-25' });
  const check = (amounts: number[], dates?: string[]) =>
    checkSettlement(buildSettlement({ lines: amounts.map((amount, i) => buildLine({ amount, ...(dates ? { date: dates[i] } : {}) })) }), oneDay, fujian, afterVisit);

  it('passes two meals of one day at exactly 150 元/人 together (80 + 70) and flags 80 + 71', () => {
    expect(check([640, 560], ['2026-11-25', '2026-11-25'])).toEqual([expect.objectContaining({ rule: 'R8', severity: 'reason' })]);
    const over = check([640, 568], ['2026-11-25', '2026-11-25']);
    expect(over).toContainEqual(expect.objectContaining({ rule: 'meals.working_meal.per_person', message: expect.stringContaining('人均151元，超过县处级正职工作餐标准150元/人·天') }));
  });

  it('sums undated lines over the visit: each line below 150 but 151 together is over', () => {
    expect(check([640, 568]).map((f) => f.rule)).toContain('meals.working_meal.per_person');
  });
});

describe('the checklist', () => {
  it('no longer tells a 省部级 visit to book a 标准间', () => {
    const tasks = buildChecklist(policy, { kind: '公务', lead_rank: '省部级正职', arrive_date: '2026-11-25', lodging: '普通套间' });
    expect(tasks.map((t) => t.title).join()).not.toContain('标准间');
    expect(tasks.map((t) => t.title)).toContain('按审批单房型预订定点饭店客房');
  });

  it('marks the 用餐 task so completing it asks for the menu, diners and minutes', () => {
    const tasks = buildChecklist(policy, { kind: '公务', lead_rank: '县处级正职', arrive_date: '2026-11-25', working_meal: '是' });
    expect(tasks.filter((t) => t.form === 'meal').map((t) => t.title)).toEqual(['确定工作餐菜单（家常菜、不上酒）']);
  });
});
