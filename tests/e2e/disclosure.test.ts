// 公开 <年> end to end: the disclosure counts what has happened by its date, and each sentence is
// true of the figures it sits with (a visit still to come is not counted; one not yet settled is not
// said to be settled).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate, startSettlementHarness, type SettlementHarness } from './settlement-harness.js';

describe('公开 on a date between visits', () => {
  let h: SettlementHarness;
  beforeAll(async () => {
    h = await startSettlementHarness();
  }, 60_000);
  afterAll(async () => h?.close());

  it('counts the visit already held, not the one arriving after the date, and says one is still being settled instead of "所有接待事项均经审批并按规定结算"', async () => {
    h.setDay(0);
    const held = shanghaiDate(3);
    const coming = shanghaiDate(6);
    // Both in the same year as the day the disclosure is asked (day 4).
    const year = shanghaiDate(4).slice(0, 4);
    if (held.slice(0, 4) !== year || coming.slice(0, 4) !== year) return; // the last days of December: the year changes in between
    const past = await h.approvedReception({ guest_unit: '已来访单位', guest_count: '4', arrive_date: `${held} +0800`, depart_date: `${held} +0800` });
    await h.approvedReception({ guest_unit: '未来访单位', guest_count: '7', arrive_date: `${coming} +0800`, depart_date: `${coming} +0800` });
    h.setDay(4);
    await h.say('ou_staff1', `结算 ${past}`); // the settlement is open, not settled

    const before = h.textsTo('ou_office1').length;
    await h.say('ou_office1', `公开 ${year}`);
    const text = h.textsTo('ou_office1').slice(before).find((t) => t.includes('年度公务接待情况公开')) ?? '';
    const today = shanghaiDate(4);
    expect(text).toContain(`${year}年1月1日至${Number(today.slice(5, 7))}月${Number(today.slice(8, 10))}日共接待`);
    const counted = /共接待(\d+)批次(\d+)人/.exec(text);
    expect(counted).not.toBeNull();
    // Every earlier test in this file's database is this one: exactly the held visit.
    expect([counted![1], counted![2]]).toEqual(['1', '4']);
    expect(text).toContain('另有1批次接待尚未办结结算，费用未计入。');
    expect(text).not.toContain('所有接待事项均经审批并按规定结算');
    expect(text).toContain('尚未办结结算的1批次，结算后一并归档');
  }, 120_000);
});
