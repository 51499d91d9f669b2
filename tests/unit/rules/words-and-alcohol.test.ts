// R9 whatever the alcohol setting, local liquor only (赣州), and the words the seeds themselves use
// (issue 17, points 2 and 3). Every list is in the policy file.
import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../../src/rules/checks/check-plan.js';
import { checkRequest } from '../../../src/rules/checks/check-request.js';
import { checkSettlement } from '../../../src/rules/checks/check-settlement.js';
import type { Policy } from '../../../src/rules/policy/policy-schema.js';
import { buildLine, buildRequest, buildSettlement, now, policy, policyWith } from './build.js';

const afterVisit = new Date('2026-12-03T02:00:00Z');
const allowed = policyWith(['alcohol_allowed: false', 'alcohol_allowed: true']);
const ganzhou = policyWith(['alcohol_allowed: false', 'alcohol_allowed: local_only']);
const bill = (items: string, p: Policy = policy) => checkSettlement(buildSettlement({ lines: [buildLine({ items })] }), buildRequest(), p, afterVisit);
const menu = (items: string, p: Policy = policy) => checkPlan({ meals: [{ menu: items }] }, p, buildRequest());
const rules = (list: { rule: string }[]) => list.map((f) => f.rule);

describe('R9 holds whatever the local alcohol setting says', () => {
  it('refuses 茅台 and 中华烟 on the bill where the unit allows alcohol (alcohol_allowed: true)', () => {
    expect(bill('工作餐、茅台、中华烟', allowed)).toEqual([
      expect.objectContaining({ rule: 'R9', severity: 'block', message: expect.stringContaining('「茅台」、「中华烟」') }),
    ]);
  });

  it('refuses 茅台 on the menu of a plan where alcohol is allowed, and lets 啤酒 pass', () => {
    expect(rules(menu('家常菜、茅台', allowed))).toEqual(['R9']);
    expect(menu('家常菜、啤酒', allowed)).toEqual([]);
  });

  it('does not count 茅台 twice where alcohol is not allowed: R9 only', () => {
    expect(rules(bill('茅台'))).toEqual(['R9']);
  });
});

describe('赣州: "一律上地产酒" (alcohol_allowed: local_only)', () => {
  it('lets 地产酒 and 米酒 pass', () => {
    expect(bill('赣州家常菜、地产酒', ganzhou)).toEqual([]);
    expect(menu('家常菜、米酒', ganzhou)).toEqual([]);
  });

  it('refuses 红酒, saying only the local liquor is allowed', () => {
    expect(bill('家常菜、红酒', ganzhou)).toEqual([
      expect.objectContaining({ rule: 'meals.alcohol_allowed', severity: 'block', message: expect.stringContaining('「红酒」：本地规定只上地产酒、米酒、本地酒、农家酒（本地规定）') }),
    ]);
  });

  it('still refuses 五粮液 under R9', () => {
    expect(rules(bill('地产酒、五粮液', ganzhou))).toEqual(['R9']);
  });

  it('is refused by validate when misspelt, naming the three accepted values', () => {
    expect(() => policyWith(['alcohol_allowed: false', 'alcohol_allowed: sometimes'])).toThrow('meals.alcohol_allowed: expected true, false or local_only');
  });
});

describe("the seeds' own words", () => {
  it('新余: "组织接待人员列队欢迎，向来宾赠送鲜花" asks a reason under R6', () => {
    const found = checkRequest(buildRequest({ notes: '组织接待人员列队欢迎，向来宾赠送鲜花' }), policy, now);
    expect(found).toEqual([expect.objectContaining({ rule: 'R6', severity: 'reason', message: expect.stringContaining('「列队欢迎」、「鲜花」') })]);
  });

  it('安康: "温馨生活包（雨伞、充电宝、U盘、湿巾、富硒饮品）" in a task is refused under R12', () => {
    const found = checkPlan({ tasks: [{ title: '准备温馨生活包（雨伞、充电宝、U盘、湿巾、富硒饮品）' }] }, policy);
    expect(found).toEqual([expect.objectContaining({ rule: 'R12', severity: 'block' })]);
    for (const word of ['温馨生活包', '充电宝', 'U盘', '富硒饮品']) expect(found[0].message).toContain(`「${word}」`);
  });

  it('新余: "在入住的房间内放置小礼物" asks a reason under R12', () => {
    expect(rules(checkRequest(buildRequest({ notes: '在入住的房间内放置小礼物' }), policy, now))).toEqual(['R12']);
  });

  it('refuses 野生甲鱼 on the menu as protected wildlife (R9)', () => {
    expect(menu('野生甲鱼、家常豆腐')).toEqual([expect.objectContaining({ rule: 'R9', message: expect.stringContaining('「野生甲鱼」') })]);
  });

  it('refuses 软中华 on the bill as cigarettes (R9)', () => {
    expect(bill('软中华两条')).toEqual([expect.objectContaining({ rule: 'R9', message: expect.stringContaining('「软中华」') })]);
  });

  it('赣州: 地产酒 and 米酒 are alcohol where the unit allows none', () => {
    expect(bill('地产酒、米酒')).toEqual([
      expect.objectContaining({ rule: 'meals.alcohol_allowed', message: expect.stringContaining('「米酒」、「地产酒」：本地规定工作餐不得饮酒') }),
    ]);
  });

  it('reads its lists from the policy: a unit that adds 土鸡汤 to the dishes gets it refused', () => {
    const local = policyWith(['dishes: [鱼翅,', 'dishes: [土鸡汤, 鱼翅,']);
    expect(rules(menu('土鸡汤', local))).toEqual(['R9']);
    expect(menu('土鸡汤')).toEqual([]);
  });
});
