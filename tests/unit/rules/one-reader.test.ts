// The facts reader keeps every documented fact and judges a settlement as the bot does (issue 17,
// point 4 and "Bad input"): invoice facts on settlement lines, no 先审批、后接待 on a past visit,
// a value of the wrong type named by its path with nothing judged.
import { describe, expect, it } from 'vitest';
import { checkFacts, judgeSettlement } from '../../../src/rules/checks/check-facts.js';
import { buildLine, buildRequest, policy } from './build.js';

const afterVisit = new Date('2026-12-03T02:00:00Z');
const request = buildRequest();
const documents = ['发票', '公函', '接待清单'];

describe('settlement facts read from facts.json', () => {
  it('keep invoice_attached: a line whose invoice is not attached is refused (R15)', () => {
    const found = checkFacts({ request, settlement: { lines: [buildLine({ invoice_no: '04400001', invoice_attached: false })], documents } }, policy, afterVisit);
    expect(found).toEqual([expect.objectContaining({ stage: 'settlement', rule: 'R15', field: 'settlement.lines[0].invoice', message: expect.stringContaining('未附发票') })]);
  });

  it('keep invoice_no and invoice_used_in: an invoice already reimbursed is refused, naming it (R15)', () => {
    const found = checkFacts({ request, settlement: { lines: [buildLine({ invoice_no: '04400001', invoice_used_in: 'JD-2026-0007' })], documents } }, policy, afterVisit);
    expect(found).toEqual([expect.objectContaining({ rule: 'R15', message: '第1笔餐费400元的发票号04400001已在JD-2026-0007的结算中使用，同一发票不得重复报销（报销单据规定）' })]);
  });

  it('do not raise 先审批、后接待 on a settlement, whose visit is necessarily past', () => {
    expect(checkFacts({ request, settlement: { lines: [buildLine()], documents } }, policy, afterVisit)).toEqual([]);
    expect(checkFacts({ request }, policy, afterVisit)).toEqual([expect.objectContaining({ rule: 'approval_first' })]);
  });

  it('are judged the same by the CLI path (checkFacts) and the bot path (judgeSettlement)', () => {
    const settlement = { lines: [buildLine({ payment: '现金', items: '家常菜、茅台', amount: 600 })], documents: ['发票'] };
    const cli = checkFacts({ request, settlement }, policy, afterVisit).filter((f) => f.stage === 'settlement').map(({ stage: _, ...f }) => f);
    expect(cli.length).toBe(4);
    expect(cli).toEqual(judgeSettlement(request, settlement, policy, afterVisit));
  });
});

describe('a value of the wrong type', () => {
  it('is named by its path and nothing is judged', () => {
    const found = checkFacts({ request, settlement: { lines: [buildLine({ payment: '现金' }), { ...buildLine(), invoice_attached: 'yes' }], documents } }, policy, afterVisit);
    expect(found).toEqual([
      { stage: 'settlement', rule: 'form', severity: 'block', message: '第2笔费用的是否附发票应为 true 或 false，现为「yes」', field: 'settlement.lines[1].invoice_attached' },
    ]);
  });

  it('in the request, a yes/no extra that is neither, is named and nothing is judged', () => {
    const found = checkFacts({ request: { ...request, accompany_count: 9, same_city: 'maybe' } }, policy, afterVisit);
    expect(found).toEqual([expect.objectContaining({ stage: 'request', rule: 'form', field: 'same_city', message: '同城接待应为「是」或「否」，现为「maybe」' })]);
  });

  it('in the plan, a meal of the wrong type is named by its path', () => {
    expect(checkFacts({ request, plan: { meals: [{ menu: '家常菜', diners: '8' }] } }, policy, afterVisit)).toEqual([
      expect.objectContaining({ stage: 'plan', rule: 'form', field: 'plan.meals[0].diners' }),
    ]);
  });
});

describe('the request form records a second meal, banquets and same-city status', () => {
  it('reads empty inputs as not given, and 是 for 同城单位 (the card posts strings)', async () => {
    const { readRequest } = await import('../../../src/rules/checks/read-request.js');
    const posted = { ...request, guest_count: '5', accompany_count: '3', rooms: '3', vehicles: '1', meal_count: '', banquet_count: '', same_city: '否' };
    expect(readRequest(posted).value).toMatchObject({ same_city: false });
    expect(readRequest(posted).value).not.toHaveProperty('meal_count');
    const second = checkFacts({ request: { ...posted, meal_count: '2', same_city: '是' } }, policy, new Date('2026-11-20T02:00:00Z'));
    expect(second.map((f) => f.rule)).toEqual(['R8', 'same_city.banned']);
  });

  it('shows the counts and same-city status on the form card', async () => {
    const { buildRequestFormCard } = await import('../../../src/request/request-form-card.js');
    const text = JSON.stringify(buildRequestFormCard({ values: { same_city: '是', meal_count: '2' } }));
    for (const label of ['同城单位', '工作餐次数', '外宾宴请次数（外事）']) expect(text).toContain(label);
    expect(text).toContain('"initial_option":"是"');
  });
});
