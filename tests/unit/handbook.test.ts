import { describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { buildHandbookCard } from '../../src/plan/handbook-card.js';
import { greetingText } from '../../src/plan/handbook.js';
import { guestsFor, handbookSeating, hostsFor } from '../../src/plan/handbook-seating.js';
import { loadOrg } from '../../src/org/org.js';
import { defaultPolicyPath, loadPolicy, parsePolicy } from '../../src/rules/policy/load-policy.js';
import { readFileSync } from 'node:fs';

const org = loadOrg(bundled.org);
const policy = loadPolicy(defaultPolicyPath());
const names = (xs: { name: string }[]) => xs.map((x) => x.name);

describe('the handbook', () => {
  const chosen = { chief: 'ou_leader1', accompany: ['ou_head1', 'ou_office1'] };

  it('seats the 主陪, then the 陪同, then 陪餐人员k up to the accompanying diners', () => {
    expect(names(hostsFor(org, chosen, { working_meal: '是', accompany_count: 5 }))).toEqual(['陈副主任', '李建国', '赵敏', '陪餐人员1', '陪餐人员2']);
    expect(hostsFor(org, chosen, { working_meal: '否' })[0]).toEqual({ name: '陈副主任', title: '副主任', rank: '县处级正职' });
  });

  it('lists the lead guest with the form’s rank, then 随行人员1…n up to the guest count', () => {
    expect(guestsFor({ lead_name: '周涛', lead_title: '副局长', lead_rank: '县处级副职', guest_count: 3 })).toEqual([
      { name: '周涛', title: '副局长', rank: '县处级副职' },
      { name: '随行人员1' },
      { name: '随行人员2' },
    ]);
  });

  it('seats the 主陪 and the lead guest as 主宾 at a single working-meal table', () => {
    const f = { lead_name: '周涛', guest_count: 5, working_meal: '是', accompany_count: 3, kind: '公务' };
    const s = handbookSeating(policy, f, hostsFor(org, chosen, f), 'JD-2026-0001');
    expect(s.tables).toHaveLength(1);
    expect(s.captions[0]).toBe('工作餐座次图：10人桌，就座8人，主陪陈副主任，主宾周涛');
    expect(s.captions[1]).toBe('会议主席台座次图（6人，以左为上，国内活动按我国惯例）');
  });

  it('a 30-person 大型活动 takes several tables, the 主桌 first: “准确说叫桌次和席次安排”', () => {
    const f = { lead_name: '周涛', guest_count: 30, working_meal: '是', accompany_count: 10, kind: '大型活动' };
    const s = handbookSeating(policy, f, hostsFor(org, chosen, f), 'JD-2026-0001');
    expect(s.tables).toHaveLength(4);
    expect(s.captions.slice(0, 2)).toEqual(['第1桌（主桌）座次图：10人桌，就座10人，主陪陈副主任，主宾周涛', '第2桌（主桌右侧第一桌）座次图：10人桌，就座10人，主陪陪餐人员1，主宾随行人员7']);
    expect(s.captions[4]).toMatch(/^桌次：共4桌，主桌居中/);
    expect(s.charts.filter((c) => c.kind === 'round')).toHaveLength(4);
    // The podium: the three named hosts and as many lead guests, no 陪餐人员n.
    expect(s.captions[5]).toBe('会议主席台座次图（6人，以左为上，国内活动按我国惯例）');
  });

  it('a 外事 podium is 以右为上: “以右为上（遵循国际惯例…）”', () => {
    const f = { lead_name: 'John Smith', lead_rank: '厅局级正职', guest_count: 3, working_meal: '否', kind: '外事' };
    const s = handbookSeating(policy, f, hostsFor(org, chosen, f), 'JD-2026-0001');
    expect(s.tables).toBeUndefined();
    expect(s.podium.direction).toBe('right');
    expect(s.captions).toEqual(['会议主席台座次图（6人，以右为上，外事活动按国际惯例）']);
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
