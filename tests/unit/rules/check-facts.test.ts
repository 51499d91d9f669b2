import { describe, expect, it } from 'vitest';
import { checkFacts } from '../../../src/rules/checks/check-facts.js';
import { readRequest } from '../../../src/rules/checks/read-request.js';
import { buildLine, buildRequest, now, policy } from './build.js';

const ok = buildRequest();

describe('facts with missing or impossible values become findings, never exceptions', () => {
  it('checks a valid request and settlement together', () => {
    const facts = { request: { ...ok, accompany_count: 4 }, settlement: { lines: [buildLine({ payment: '现金' })], documents: ['发票'] } };
    expect(checkFacts(facts, policy, now).map((f) => f.rule)).toEqual(['R8', 'R15', 'R16']);
  });

  it.each([null, 42, 'text', []])('answers %j with one finding', (facts) => {
    expect(checkFacts(facts, policy, now)).toEqual([expect.objectContaining({ rule: 'form', severity: 'block', field: 'facts' })]);
  });

  it('names every missing required field of the request, in the order of the form', () => {
    const fields = checkFacts({ request: {} }, policy, now).map((f) => f.field);
    expect(fields).toEqual(['guest_unit', 'lead_name', 'lead_title', 'lead_rank', 'guest_count', 'kind', 'purpose', 'arrive_date', 'depart_date']);
  });

  it('refuses impossible values: 0 guests, a rank not on the list, 2026-02-30', () => {
    const findings = checkFacts(
      { request: { ...ok, guest_count: 0, lead_rank: '处长', arrive_date: '2026-02-30', depart_date: '2026-02-01' } },
      policy,
      now,
    );
    expect(findings.map((f) => [f.field, f.message])).toEqual([
      ['lead_rank', expect.stringContaining('级别「处长」无效，应为：国家级正职')],
      ['guest_count', '来访人数应为1至500之间的整数，现为「0」'],
      ['arrive_date', '到达日期「2026-02-30」不是有效日期，格式应为YYYY-MM-DD'],
    ]);
  });

  it('refuses a departure before the arrival', () => {
    expect(checkFacts({ request: { ...ok, depart_date: '2026-11-24' } }, policy, now)).toEqual([
      expect.objectContaining({ field: 'depart_date', message: '离开日期2026-11-24早于到达日期2026-11-25' }),
    ]);
  });

  it('refuses a purpose outside official activities (R1)', () => {
    expect(checkFacts({ request: { ...ok, purpose: '旅游度假' } }, policy, now)).toEqual([
      expect.objectContaining({ rule: 'R1', severity: 'block', field: 'purpose', message: expect.stringContaining('事由「旅游度假」不属于公务活动范围') }),
    ]);
  });

  it('accepts form values as posted by Feishu: numbers as text and dates with +0800', () => {
    const read = readRequest({ ...ok, guest_count: '12', accompany_count: '4', rooms: '6', arrive_date: '2026-11-25 +0800', depart_date: '2026-11-26 +0800' });
    expect(read.findings).toEqual([]);
    expect(read.value).toMatchObject({ guest_count: 12, arrive_date: '2026-11-25' });
  });

  it('names the bad settlement line and field', () => {
    const facts = { request: ok, settlement: { lines: [buildLine(), { category: '烟酒', amount: -5, payment: '支付宝' }], documents: ['发票', '公函', '接待清单'] } };
    expect(checkFacts(facts, policy, now).map((f) => f.field)).toEqual([
      'settlement.lines[1].category',
      'settlement.lines[1].amount',
      'settlement.lines[1].payment',
    ]);
  });

  it('refuses a settlement that is not an object or has no lines', () => {
    expect(checkFacts({ request: ok, settlement: 'x' }, policy, now)).toEqual([expect.objectContaining({ field: 'settlement' })]);
    expect(checkFacts({ request: ok, settlement: {} }, policy, now)).toEqual([expect.objectContaining({ field: 'settlement.lines' })]);
  });

  it('checks a plan in the facts and refuses a malformed one, naming the value by its path', () => {
    expect(checkFacts({ request: ok, plan: { itinerary: [{ title: '景区游览' }] } }, policy, now)).toEqual([expect.objectContaining({ rule: 'R12' })]);
    expect(checkFacts({ request: ok, plan: { meals: [{ minutes: 'long' }] } }, policy, now)).toEqual([expect.objectContaining({ field: 'plan.meals[0].minutes' })]);
  });
});
