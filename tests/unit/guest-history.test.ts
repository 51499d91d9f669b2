import { describe, expect, it } from 'vitest';
import { buildReceptionStatusCard } from '../../src/reception/reception-cards.js';
import { describeHistory, nameKey, type Visit } from '../../src/request/guest-history.js';

const policy = { plan: { group_chat: true, greeting_min_rank: '厅局级副职' as const, reapproval_level: 2, repeat_visit_days: 90 } };
const visit = (o: Partial<Visit> = {}): Visit => ({ code: 'JD-2026-0001', unit: '省生态环境厅', leadName: '孙立', leadTitle: '处长', purpose: '检查指导', arriveDate: '2026-03-01', guestCount: 4, ...o });
const form = (o: Record<string, unknown> = {}) => ({ guest_unit: '省生态环境厅', lead_name: '孙立', purpose: '考察调研', arrive_date: '2026-05-01', ...o });

describe('guest history', () => {
  it('compares names with full-width forms folded and spaces dropped', () => {
    expect(nameKey(' 省生态 环境厅（二处）')).toBe(nameKey('省生态环境厅(二处)'));
  });

  it('lists the unit’s earlier visits with code, date, headcount and purpose, and the recorded restrictions', () => {
    const h = describeHistory(form(), [visit()], [], { unit: '清真饮食' }, policy);
    expect(h.lines).toEqual(['省生态环境厅此前来访1次：JD-2026-0001（2026-03-01，4人，检查指导）', '饮食禁忌及偏好（客史）：清真饮食']);
    expect(h.notes).toBe('清真饮食');
  });

  it('names the lead guest’s visits with another unit, and falls back to the person’s notes', () => {
    const h = describeHistory(form({ guest_unit: '市生态环境局' }), [], [visit()], { person: '不吃辣' }, policy);
    expect(h.lines[0]).toBe('孙立曾于2026-03-01以省生态环境厅处长身份来访（JD-2026-0001）');
    expect(h.notes).toBe('不吃辣');
  });

  it('flags an inspection visit by the same unit within the window as an info finding with the earlier code and date', () => {
    const [f] = describeHistory(form(), [visit()], [], {}, policy).findings;
    expect(f).toMatchObject({ rule: 'plan.repeat_visit_days', severity: 'info' });
    expect(f.message).toContain('2026-03-01');
    expect(f.message).toContain('JD-2026-0001');
    expect(f.message).toContain('相隔61天');
  });

  it('does not flag a visit outside the window, or one that is not an inspection', () => {
    expect(describeHistory(form({ arrive_date: '2026-06-30' }), [visit()], [], {}, policy).findings).toEqual([]);
    expect(describeHistory(form({ purpose: '招商洽谈' }), [visit()], [], {}, policy).findings).toEqual([]);
    expect(describeHistory(form(), [visit({ purpose: '出席会议' })], [], {}, policy).findings).toEqual([]);
  });

  it('shows the history on the status card with user text escaped', () => {
    const card = buildReceptionStatusCard(
      { code: 'JD-2026-0002', requesterName: '王小明', department: '招商局', form: form(), findings: [], extraLevel: [], steps: [], history: ['饮食禁忌及偏好（客史）：<at id=all></at>'] },
      { title: 't', outcome: 'o', template: 'blue' },
    );
    const json = JSON.stringify(card);
    expect(json).toContain('客史档案');
    expect(json).not.toContain('<at id=all>');
  });
});
