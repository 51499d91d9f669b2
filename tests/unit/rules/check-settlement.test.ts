import { describe, expect, it } from 'vitest';
import { checkSettlement } from '../../../src/rules/checks/check-settlement.js';
import type { Finding } from '../../../src/rules/checks/finding.js';
import type { Policy } from '../../../src/rules/policy/policy-schema.js';
import type { ReceptionRequest } from '../../../src/rules/checks/read-request.js';
import type { Settlement } from '../../../src/rules/checks/read-settlement.js';
import { buildLine, buildRequest, buildSettlement, policy, policyWith } from './build.js';

/** A week after the visit: well inside the 2-month reimbursement deadline. */
const afterVisit = new Date('2026-12-03T02:00:00Z');

function check(s: Partial<Settlement>, r: Partial<ReceptionRequest> = {}, p: Policy = policy, at = afterVisit): Finding[] {
  return checkSettlement(buildSettlement(s), buildRequest(r), p, at);
}
const line = buildLine;

it('finds nothing wrong with a complete settlement paid by official card', () => {
  expect(check({})).toEqual([]);
});

describe('R15: the three documents', () => {
  it('blocks a settlement missing the letter and the reception list (R15)', () => {
    expect(check({ documents: ['发票'] })).toEqual([
      { rule: 'R15', severity: 'block', message: '结算缺少公函、接待清单，单据不全不予报销（报销单据规定）', field: 'settlement.documents' },
    ]);
  });

  it('uses the documents the policy names: Sichuan asks for the approval form and the menu (R15)', () => {
    const sichuan = policyWith(['required_documents: [发票, 公函, 接待清单]', 'required_documents: [接待审批单, 菜单原件, 发票]']);
    expect(check({ documents: ['接待审批单', '菜单原件', '发票'] }, {}, sichuan)).toEqual([]);
    expect(check({}, {}, sichuan)[0].message).toBe('结算缺少接待审批单、菜单原件，单据不全不予报销（报销单据规定）');
  });
});

describe('R16: payment', () => {
  it('blocks cash without a written reason (R16)', () => {
    expect(check({ lines: [line({ payment: '现金' })] })).toEqual([
      expect.objectContaining({ rule: 'R16', severity: 'block', field: 'settlement.lines[0].payment' }),
    ]);
  });

  it('lets cash with a written reason go on to the extra approval (R16)', () => {
    expect(check({ lines: [line({ payment: '现金', reason: '对方餐厅不受理公务卡' })] })).toEqual([
      {
        rule: 'R16',
        severity: 'reason',
        message: '第1笔餐费400元以现金支付，理由：对方餐厅不受理公务卡；须经负责人审批（结算方式规定）',
        field: 'settlement.lines[0].payment',
      },
    ]);
  });

  it('blocks cash even with a reason where the policy allows no cash (R16)', () => {
    const strict = policyWith(['cash_allowed_with_reason: true', 'cash_allowed_with_reason: false']);
    expect(check({ lines: [line({ payment: '现金', reason: '急需' })] }, {}, strict)).toEqual([
      expect.objectContaining({ rule: 'R16', severity: 'block' }),
    ]);
  });

  it('accepts bank transfer (R16)', () => {
    expect(check({ lines: [line({ payment: '转账' })] })).toEqual([]);
  });
});

describe('R9, R12, R14: what was bought', () => {
  it('blocks a gift line (R12)', () => {
    expect(check({ lines: [line(), line({ category: '礼品', amount: 300, items: '纪念品' })] })).toEqual([
      expect.objectContaining({ rule: 'R12', severity: 'block', field: 'settlement.lines[1].category' }),
    ]);
  });

  it('blocks sightseeing tickets booked as 其他 (R12)', () => {
    expect(check({ lines: [line(), line({ category: '其他', amount: 600, items: '景区游览门票' })] })).toEqual([
      expect.objectContaining({ rule: 'R12', severity: 'block', message: expect.stringContaining('「游览」') }),
    ]);
  });

  it('blocks luxury dishes and cigarettes on the meal bill (R9)', () => {
    expect(check({ lines: [line({ items: '家常菜、海参、香烟' })] })).toEqual([
      expect.objectContaining({ rule: 'R9', severity: 'block', message: expect.stringContaining('「海参」、「香烟」') }),
    ]);
  });

  it('blocks alcohol on the meal bill where the policy allows none (meals.alcohol_allowed)', () => {
    expect(check({ lines: [line({ items: '家常菜、啤酒' })] })).toEqual([
      expect.objectContaining({ rule: 'meals.alcohol_allowed', severity: 'block' }),
    ]);
    const relaxed = policyWith(['alcohol_allowed: false', 'alcohol_allowed: true']);
    expect(check({ lines: [line({ items: '家常菜、啤酒' })] }, {}, relaxed)).toEqual([]);
  });

  it("blocks the guests' own train tickets booked as reception cost (R14)", () => {
    expect(check({ lines: [line(), line({ category: '其他', amount: 1200, items: '返程高铁票' })] })).toEqual([
      expect.objectContaining({ rule: 'R14', severity: 'block', field: 'settlement.lines[1].items' }),
    ]);
  });
});

describe('the local meal standard and R8 at the table', () => {
  it('accepts exactly the standard and asks a reason one yuan above it (meals.working_meal.per_person)', () => {
    // 县处级: 60 元/人·餐; 8 diners
    expect(check({ lines: [line({ amount: 480 })] })).toEqual([]);
    expect(check({ lines: [line({ amount: 488 })] })).toEqual([
      {
        rule: 'meals.working_meal.per_person',
        severity: 'reason',
        message: '第1笔餐费488元，8人用餐，人均61元，超过县处级正职工作餐标准60元/人·餐（本地规定）',
        field: 'settlement.lines[0].amount',
      },
    ]);
  });

  it('uses the rank of the lead: 110 元 for 厅局级 (meals.working_meal.per_person)', () => {
    expect(check({ lines: [line({ amount: 880 })] }, { lead_rank: '厅局级副职' })).toEqual([]);
    expect(check({ lines: [line({ amount: 881 })] }, { lead_rank: '厅局级副职' })).toHaveLength(1);
  });

  it('refuses an over-standard meal outright where the policy says block (meals.working_meal.per_person)', () => {
    const strict = policyWith(['over_standard: reason', 'over_standard: block']);
    expect(check({ lines: [line({ amount: 600 })] }, {}, strict)[0].severity).toBe('block');
  });

  it('uses the foreign-guest table for 外事: 550 元 per person per day (foreign.daily_meals)', () => {
    const foreign = { kind: '外事' as const, lead_rank: '其他' as const, depart_date: '2026-11-25' };
    expect(check({ lines: [line({ amount: 4400 })] }, foreign)).toEqual([]);
    expect(check({ lines: [line({ amount: 4408 })] }, foreign)).toEqual([
      expect.objectContaining({ rule: 'foreign.daily_meals', message: expect.stringContaining('外宾用餐标准550元/人·天') }),
    ]);
  });

  it('uses the official standard for business guests when the policy gives none of their own (business.per_person)', () => {
    const business = { kind: '商务' as const, purpose: '招商洽谈' as const };
    expect(check({ lines: [line({ amount: 488 })] }, business)[0].rule).toBe('meals.working_meal.per_person');
  });

  it('blocks a meal with more accompanying diners than R8 allows (R8)', () => {
    // 5 guests -> at most 3 hosts: 8 diners fine, 9 not
    expect(check({ lines: [line({ persons: 9, amount: 450 })] })).toEqual([
      {
        rule: 'R8',
        severity: 'block',
        message: '来访5人，陪餐最多3人，第1笔餐费450元用餐9人（陪餐4人）（工作餐和陪餐规定）',
        field: 'settlement.lines[0].persons',
      },
    ]);
  });

  it('counts the request diners when a meal line gives no persons, and says so (R8)', () => {
    expect(check({ lines: [line({ persons: undefined })] })).toEqual([
      expect.objectContaining({ rule: 'form', severity: 'info', message: expect.stringContaining('共8人计算') }),
    ]);
  });

  it('asks a reason for a second meal line and for meals the request did not arrange (R8)', () => {
    expect(check({ lines: [line(), line({ amount: 200 })] })).toEqual([
      expect.objectContaining({ rule: 'R8', severity: 'reason', field: 'settlement.lines' }),
    ]);
    expect(check({}, { working_meal: '否', accompany_count: 0 })).toEqual([
      expect.objectContaining({ rule: 'R8', severity: 'reason', field: 'settlement.lines[0].category' }),
    ]);
  });
});

describe('R7: lodging paid by the host', () => {
  it('asks a reason for a lodging line the request did not say the host pays (R7)', () => {
    const rooms = line({ category: '住宿', amount: 900, persons: 5, items: '标准间3间' });
    expect(check({ lines: [rooms] })).toEqual([expect.objectContaining({ rule: 'R7', severity: 'reason' })]);
  });
});

describe('the reimbursement deadline (settlement.reimburse_within_months)', () => {
  const at = (iso: string) => new Date(`${iso}T02:00:00Z`);
  it('accepts a settlement on the last day: visit ended 2026-11-26, deadline 2027-01-26', () => {
    expect(check({}, {}, policy, at('2027-01-26'))).toEqual([
      expect.objectContaining({ severity: 'info', message: '报销期限为2027-01-26，还剩0天（本地规定）' }),
    ]);
  });

  it('asks a reason the day after the deadline', () => {
    expect(check({}, {}, policy, at('2027-01-27'))).toEqual([
      {
        rule: 'settlement.reimburse_within_months',
        severity: 'reason',
        message: '接待于2026-11-26结束，应在2个月内（2027-01-26前）报销，已逾期1天（本地规定）',
        field: 'depart_date',
      },
    ]);
  });

  it('says nothing more than a week before the deadline', () => {
    expect(check({}, {}, policy, at('2027-01-18'))).toEqual([]);
  });
});

describe('R13: the annual budget', () => {
  it('asks a reason when the settlement takes spending past the annual budget (R13)', () => {
    expect(check({ spent_this_year: 799_700 })).toEqual([
      expect.objectContaining({ rule: 'R13', severity: 'reason', message: expect.stringContaining('超过年度预算800000元') }),
    ]);
  });

  it('notes when spending reaches the warning share of the budget and accepts exactly the budget (R13)', () => {
    expect(check({ spent_this_year: 639_600 })).toEqual([expect.objectContaining({ rule: 'R13', severity: 'info' })]);
    expect(check({ spent_this_year: 799_600 })[0].severity).toBe('info');
    expect(check({ spent_this_year: 100_000 })).toEqual([]);
  });
});
