// 外事 by its own rules (issue 17, point 1): the foreign-affairs document instead of the domestic
// letter, banquets against the banquet standard of their host (元/人 per banquet), other meals summed
// per day against the foreign daily standard, and neither R8's diners formula nor its one meal.
import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../../src/rules/checks/check-plan.js';
import { checkRequest } from '../../../src/rules/checks/check-request.js';
import { checkSettlement } from '../../../src/rules/checks/check-settlement.js';
import type { SettlementLine } from '../../../src/rules/checks/read-settlement.js';
import { buildLine, buildRequest, buildSettlement, now, policy } from './build.js';

const afterVisit = new Date('2026-12-03T02:00:00Z');
const foreign = buildRequest({ kind: '外事', lead_rank: '其他', letter_no: '外批〔2026〕3号', guest_count: 5, accompany_count: 3 });
const settle = (lines: Partial<SettlementLine>[], r = foreign) => checkSettlement(buildSettlement({ lines: lines.map((l) => buildLine(l)) }), r, policy, afterVisit);
const rules = (list: { rule: string }[]) => list.map((f) => f.rule);

describe('外事 requests', () => {
  it('are not held to the domestic diners formula: 5 foreign guests with 6 hosts at the table raise no R8', () => {
    expect(rules(checkRequest({ ...foreign, accompany_count: 6, meal_count: 3 }, policy, now))).not.toContain('R8');
  });

  it('need the 外事批件 or 邀请函: without its number the request is refused, citing 外事接待规定', () => {
    expect(checkRequest({ ...foreign, letter_no: '' }, policy, now)).toEqual([
      { rule: 'foreign.documents', severity: 'block', message: '外事接待须凭外事批件或邀请函，未填写文号，不予接待（外事接待规定）', field: 'letter_no' },
    ]);
  });

  it('ask a reason for a third banquet during the stay (foreign.max_banquets_per_stay: 2)', () => {
    expect(checkRequest({ ...foreign, banquet_count: 2 }, policy, now)).toEqual([]);
    expect(checkRequest({ ...foreign, banquet_count: 3 }, policy, now)).toEqual([expect.objectContaining({ rule: 'foreign.max_banquets_per_stay', severity: 'reason' })]);
  });
});

describe('外事 banquets against the banquet standard of their host', () => {
  it('passes a banquet hosted by a minister at exactly 400 元/人 and asks a reason at 401 元/人 (plan)', () => {
    const banquet = (cost: number) => checkPlan({ meals: [{ banquet: true, host: '部长级', cost_per_person: cost }] }, policy, foreign);
    expect(banquet(400)).toEqual([]);
    expect(banquet(401)).toEqual([
      {
        rule: 'foreign.banquets',
        severity: 'reason',
        message: '第1次用餐，为外宾宴请，人均401元，超过部长级主持的宴请标准400元/人（外事接待规定）',
        field: 'plan.meals[0].cost_per_person',
      },
    ]);
  });

  it('passes a bureau-hosted banquet at exactly 300 元/人 and flags one yuan over (settlement, 8 diners)', () => {
    expect(settle([{ amount: 2400, banquet: true, host: '司局级及以下' }])).toEqual([]);
    expect(settle([{ amount: 2408, banquet: true, host: '司局级及以下' }])).toEqual([
      expect.objectContaining({ rule: 'foreign.banquets', message: expect.stringContaining('人均301元，超过司局级及以下主持的宴请标准300元/人') }),
    ]);
  });

  it('judges a 500 元/人 banquet by the banquet standard, not by the daily standard', () => {
    const found = settle([{ amount: 4000, banquet: true, host: '部长级' }]);
    expect(rules(found)).toEqual(['foreign.banquets']);
  });

  it('holds a banquet whose host is not named to the lowest banquet standard, and says so', () => {
    expect(settle([{ amount: 2408, banquet: true }])[0].message).toContain('未写明主持人级别，按司局级及以下主持');
  });

  it('asks a reason for a third banquet line (foreign.max_banquets_per_stay)', () => {
    const b = { amount: 800, banquet: true, host: '部长级' };
    expect(rules(settle([b, b]))).toEqual([]);
    expect(rules(settle([b, b, b]))).toEqual(['foreign.max_banquets_per_stay']);
  });

  it('raises no R8 for more diners or several meal lines of foreign guests', () => {
    expect(rules(settle([{ amount: 800, persons: 12 }, { amount: 800, persons: 12 }]))).not.toContain('R8');
    expect(rules(checkPlan({ meals: [{ diners: 12 }, { diners: 12 }] }, policy, foreign))).not.toContain('R8');
  });
});

describe('外事 daily meals summed per day (foreign.daily_meals: 550 元/人·天)', () => {
  const oneDay = { ...foreign, depart_date: foreign.arrive_date };
  it('sums two meals of one day: 290 + 260 = 550 passes, 290 + 261 is over', () => {
    const day = '2026-11-25';
    expect(settle([{ amount: 2320, date: day }, { amount: 2080, date: day }], oneDay)).toEqual([]);
    expect(settle([{ amount: 2320, date: day }, { amount: 2088, date: day }], oneDay)).toEqual([
      expect.objectContaining({ rule: 'foreign.daily_meals', message: expect.stringContaining('2026-11-25用餐（第1笔餐费2320元，8人用餐、第2笔餐费2088元，8人用餐），人均551元') }),
    ]);
  });

  it('does not add meals of different days together', () => {
    expect(settle([{ amount: 4000, date: '2026-11-25' }, { amount: 4000, date: '2026-11-26' }])).toEqual([]);
  });

  it('holds meals without a date to the standard times the days of the visit (2 days: 1100 元/人)', () => {
    expect(settle([{ amount: 4400 }, { amount: 4400 }])).toEqual([]);
    expect(settle([{ amount: 4400 }, { amount: 4408 }])[0].message).toContain('在访2天用餐');
  });
});
