import { describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { buildHandbookCard } from '../../src/plan/handbook-card.js';
import { greetingText, guestsFor, hostsFor, MAX_TABLE_SEATS, seatingCharts } from '../../src/plan/handbook.js';
import { loadOrg } from '../../src/org/org.js';
import { defaultPolicyPath, loadPolicy, parsePolicy } from '../../src/rules/policy/load-policy.js';
import { layoutRoundTable } from '../../src/rules/seating/seating.js';
import { readFileSync } from 'node:fs';

const org = loadOrg(bundled.org);
const policy = loadPolicy(defaultPolicyPath());
const names = (xs: { name: string }[]) => xs.map((x) => x.name);

describe('the handbook', () => {
  it('seats hosts by seniority: supervising leader, department head, office director, requester', () => {
    expect(names(hostsFor(org, { requester: 'ou_staff1', department: '招商局' }))).toEqual(['陈副主任', '李建国', '赵敏', '王小明']);
  });

  it('names each person once when the office director is also the department head', () => {
    expect(names(hostsFor(org, { requester: 'ou_office2', department: '办公室' }))).toEqual(['陈副主任', '赵敏', '钱进']);
  });

  it('lists the lead guest then 随行人员1…n up to the guest count', () => {
    expect(names(guestsFor({ lead_name: '周涛', lead_title: '副局长', guest_count: 3 }))).toEqual(['周涛', '随行人员1', '随行人员2']);
  });

  it('seats the accompanying diners and the guests at the working-meal table, the lead guest as 主宾', () => {
    const hosts = hostsFor(org, { requester: 'ou_staff1', department: '招商局' });
    const charts = seatingCharts(hosts, { lead_name: '周涛', guest_count: 5, working_meal: '是', accompany_count: 3 });
    expect(names(charts.round!.hosts)).toEqual(['陈副主任', '李建国', '赵敏']);
    const layout = layoutRoundTable(charts.round!.hosts, charts.round!.guests);
    expect(layout.seats.find((s) => s.role === '主陪')?.person?.name).toBe('陈副主任');
    expect(layout.seats.find((s) => s.role === '主宾')?.person?.name).toBe('周涛');
  });

  it('caps the table at 16 seats and counts the guests left for another table', () => {
    const hosts = hostsFor(org, { requester: 'ou_staff1', department: '招商局' });
    const charts = seatingCharts(hosts, { lead_name: '周涛', guest_count: 30, working_meal: '是', accompany_count: 4 });
    expect(charts.round!.hosts.length + charts.round!.guests.length).toBe(MAX_TABLE_SEATS);
    expect(charts.round!.omitted).toBe(30 - 12);
  });

  it('draws no table without a working meal; the podium puts the lead guest first, then 主陪', () => {
    const hosts = hostsFor(org, { requester: 'ou_staff1', department: '招商局' });
    const charts = seatingCharts(hosts, { lead_name: '周涛', guest_count: 2, working_meal: '否' });
    expect(charts.round).toBeUndefined();
    expect(names(charts.podium)).toEqual(['周涛', '陈副主任', '随行人员1', '李建国', '赵敏', '王小明']);
  });

  it('prepares the greeting for guests at or above the policy rank, with contact, phone and room type', () => {
    const f = { lead_name: '周涛', lead_title: '副局长', lead_rank: '厅局级副职', lodging: '标准间' };
    const text = greetingText(policy, org, f, { name: '王小明', phone: '13800000001' });
    expect(text).toContain('尊敬的周涛副局长');
    expect(text).toContain('王小明，电话：13800000001');
    expect(text).toContain('标准间');
    expect(greetingText(policy, org, { ...f, lead_rank: '县处级正职' }, { name: '王小明' })).toBeUndefined();
  });

  it('defaults the greeting rank to 厅局级副职 and the repeat-visit window to 90 days when the policy omits them', () => {
    const text = readFileSync(defaultPolicyPath(), 'utf8').replace(/^\s+(greeting_min_rank|repeat_visit_days):.*$/gm, '');
    const p = parsePolicy(text);
    expect(p.plan.greeting_min_rank).toBe('厅局级副职');
    expect(p.plan.repeat_visit_days).toBe(90);
  });

  it('escapes user text on the handbook card', () => {
    const card = buildHandbookCard({
      code: 'JD-2026-0001', guestUnit: '<at id=all></at>', leadLine: '周涛', guestCount: '2', dates: '2026-05-01', purpose: '考察调研',
      contacts: [{ role: '经办人', name: '王小明' }], vehicles: '1辆', lodging: '不安排住宿', meals: '不安排工作餐', notes: '**粗体**', meetings: [], seating: [],
    });
    const json = JSON.stringify(card.body);
    expect(json).not.toContain('<at id=all>');
    expect(json).not.toContain('**粗体**');
    expect(json).toContain('未登记');
  });
});
