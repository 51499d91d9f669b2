import { describe, expect, it } from 'vitest';
import type { CardElement } from '../../src/cards/card.js';
import { escapeMd } from '../../src/cards/elements.js';
import { buildHelpCard, COMMANDS } from '../../src/commands/help-card.js';
import { buildRequestFormCard } from '../../src/request/request-form-card.js';
import { RANKS } from '../../src/rules/vocabulary.js';

/** Every element of a card, depth first, through forms and columns. */
function walk(elements: CardElement[]): CardElement[] {
  return elements.flatMap((el) => [
    el,
    ...walk((el.elements as CardElement[]) ?? []),
    ...walk(((el.columns as CardElement[]) ?? []).flatMap((c) => (c.elements as CardElement[]) ?? [])),
  ]);
}

describe('the help card', () => {
  it('lists every command of docs/contracts.md §3 and 手册 (issue 5) with an example', () => {
    const card = buildHelpCard({ unit: '某某高新区管委会' });
    const text = JSON.stringify(card);
    for (const c of ['帮助', '新建接待', '我的接待', '待办', '查看', '撤回', '结算', '统计', '公开', '导出', '标准', '代理', '手册']) expect(text).toContain(c);
    expect(text).toContain('例：新建接待 明天下午3点');
    expect(COMMANDS.length).toBeGreaterThanOrEqual(13);
    expect(card.schema).toBe('2.0');
  });
});

describe('the request form card', () => {
  const card = buildRequestFormCard({});
  const all = walk(card.body.elements);
  const named = new Map(all.filter((e) => typeof e.name === 'string').map((e) => [e.name as string, e]));

  it('carries every docs/contracts.md §2.1 field name inside one form', () => {
    const forms = card.body.elements.filter((e) => e.tag === 'form');
    expect(forms).toHaveLength(1);
    for (const name of ['guest_unit', 'lead_name', 'lead_title', 'lead_rank', 'guest_count', 'kind', 'purpose', 'purpose_detail', 'arrive_date', 'depart_date', 'letter_no', 'working_meal', 'accompany_count', 'lodging', 'rooms', 'vehicles', 'notes']) {
      expect(named.has(name), name).toBe(true);
    }
  });

  it('offers the Chinese words themselves as select values', () => {
    const values = (name: string) => ((named.get(name)!.options as { value: string }[]) ?? []).map((o) => o.value);
    expect(values('kind')).toEqual(['公务', '商务', '外事', '大型活动', '指导']);
    expect(values('purpose')).toEqual(['出席会议', '考察调研', '执行任务', '学习交流', '检查指导', '请示汇报', '招商洽谈']);
    expect(values('lead_rank')).toEqual([...RANKS]);
    expect(values('working_meal')).toEqual(['是', '否']);
    expect(values('lodging')).toEqual(['不安排', '标准间', '普通套间']);
  });

  it('uses date pickers for the dates and a submit button with a callback', () => {
    expect(named.get('arrive_date')!.tag).toBe('date_picker');
    expect(named.get('depart_date')!.tag).toBe('date_picker');
    const submit = all.find((e) => e.form_action_type === 'submit')!;
    expect(submit.behaviors).toEqual([{ type: 'callback', value: { action: 'request.submit' } }]);
  });

  it('gives every interactive component a unique non-empty name (Feishu error 200530 otherwise)', () => {
    const names = all.filter((e) => ['input', 'select_static', 'date_picker', 'button'].includes(e.tag)).map((e) => e.name);
    expect(names.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('shows a problem under its field and keeps what was typed', () => {
    const c = buildRequestFormCard({ values: { guest_unit: '省发改委', guest_count: 'abc' }, errors: { guest_count: '来访人数应为1至500之间的整数' } });
    const els = walk(c.body.elements);
    expect(els.find((e) => e.name === 'guest_unit')!.default_value).toBe('省发改委');
    expect(JSON.stringify(c)).toContain('来访人数应为1至500之间的整数');
  });
});

describe('escapeMd', () => {
  it('renders an injected mention of everyone as harmless text', () => {
    const out = escapeMd('<at id=all></at>');
    expect(out).not.toContain('<');
    expect(out).toBe('&#60;at id=all&#62;&#60;/at&#62;');
  });

  it('neutralises links and emphasis in user text', () => {
    expect(escapeMd('[点我](http://evil)')).not.toMatch(/\[|\]|\(|\)/);
    expect(escapeMd('**加粗**')).toBe('&#42;&#42;加粗&#42;&#42;');
  });

  it('leaves ordinary Chinese text alone', () => {
    expect(escapeMd('省发改委张处长一行5人')).toBe('省发改委张处长一行5人');
  });
});
