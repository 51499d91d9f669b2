// 新建接待 with a description, end to end through the fake Feishu: the form card the person receives
// is filled with what the words make clear (the full name, the rank a title holds at the unit's level,
// the kind, the time of arrival), and nothing else; the sentence itself does not land in 活动安排.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './approval-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The value a form card shows in field `name`: an input's default_value, a select's initial_option, a date's initial_date. */
function fieldValue(card: unknown, name: string): string | undefined {
  let found: string | undefined;
  const walk = (node: unknown) => {
    if (found !== undefined || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return node.forEach(walk);
    const o = node as Record<string, unknown>;
    if (o.name === name) {
      const v = o.default_value ?? o.initial_option ?? o.initial_date;
      found = typeof v === 'string' ? v : '';
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}

describe('新建接待 with a description', () => {
  it('fills 张建国, 主任, 厅局级正职, 公务, 5 and 考察调研 from “下周二省发改委张建国主任一行5人来考察调研”, and leaves 活动安排 empty', async () => {
    const { card } = await h.ask('ou_staff1', '新建接待 下周二省发改委张建国主任一行5人来考察调研');
    expect(fieldValue(card, 'guest_unit')).toBe('省发改委');
    expect(fieldValue(card, 'lead_name')).toBe('张建国');
    expect(fieldValue(card, 'lead_title')).toBe('主任');
    expect(fieldValue(card, 'lead_rank')).toBe('厅局级正职');
    expect(fieldValue(card, 'kind')).toBe('公务');
    expect(fieldValue(card, 'guest_count')).toBe('5');
    expect(fieldValue(card, 'purpose')).toBe('考察调研');
    expect(fieldValue(card, 'arrive_date')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(fieldValue(card, 'purpose_detail') ?? '').toBe('');
  });

  it('keeps the time of arrival and what the guests will do in 活动安排, and guesses no rank for a bare 处长 of a company', async () => {
    const { card } = await h.ask('ou_staff1', '新建接待 明天下午3点 某某科技有限公司刘经理一行3人参观生产线');
    expect(fieldValue(card, 'purpose_detail')).toBe('15:00到达，参观生产线');
    expect(fieldValue(card, 'kind')).toBe('商务');
    expect(fieldValue(card, 'lead_rank') ?? '').toBe('');
  });
});
