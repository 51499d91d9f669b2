import { describe, expect, it } from 'vitest';
import { buildChecklist } from '../../../src/rules/checks/checklist.js';
import { needsExtraApproval } from '../../../src/rules/checks/extra-approval.js';
import type { Finding } from '../../../src/rules/checks/finding.js';
import { sortFindings } from '../../../src/rules/checks/finding.js';
import { buildStandardsText } from '../../../src/rules/policy/standards-text.js';
import { statisticsCategory } from '../../../src/rules/policy/statistics-category.js';
import { buildRequest, policy, policyWith } from './build.js';

const reason: Finding = { rule: 'R7', severity: 'reason', message: '…', field: 'lodging' };
const info: Finding = { rule: 'R8', severity: 'info', message: '…' };

describe('the extra approval level (docs/contracts.md §2.2)', () => {
  it('is not needed for an ordinary 县处级 visit with no findings', () => {
    expect(needsExtraApproval([info], policy, buildRequest())).toEqual({ required: false, reasons: [] });
  });

  it('is needed when any finding asks for a written reason (R7)', () => {
    expect(needsExtraApproval([reason], policy, buildRequest())).toEqual({ required: true, reasons: ['有1项须说明理由的事项（住宿）'] });
  });

  it('is needed for a 省部级副职 lead but not a 厅局级正职 one (approval.extra_level.min_rank)', () => {
    expect(needsExtraApproval([], policy, buildRequest({ lead_rank: '省部级副职' })).required).toBe(true);
    expect(needsExtraApproval([], policy, buildRequest({ lead_rank: '厅局级正职' })).required).toBe(false);
  });

  it('is needed from 50 guests, not at 49 (approval.extra_level.min_guest_count)', () => {
    expect(needsExtraApproval([], policy, buildRequest({ guest_count: 49 })).required).toBe(false);
    expect(needsExtraApproval([], policy, buildRequest({ guest_count: 50 })).reasons).toEqual(['来访50人（50人及以上）']);
  });

  it('is needed for large events (approval.extra_level.kinds)', () => {
    expect(needsExtraApproval([], policy, buildRequest({ kind: '大型活动' })).reasons).toEqual(['接待类型为大型活动']);
  });

  it('ignores reason findings where the policy says so (approval.extra_level.on_reason_findings)', () => {
    const p = policyWith(['on_reason_findings: true', 'on_reason_findings: false']);
    expect(needsExtraApproval([reason], p, buildRequest()).required).toBe(false);
  });
});

describe('findings order', () => {
  it('puts blocks first, then reasons, then info, keeping the check order within each', () => {
    const block: Finding = { rule: 'R4', severity: 'block', message: 'b' };
    expect(sortFindings([info, reason, block])).toEqual([block, reason, info]);
  });
});

describe('statistics categories (docs/contracts.md §2.5)', () => {
  it.each([
    ['公务', '省部级正职', '省部级及以上'],
    ['公务', '省部级副职', '省部级及以上'],
    ['公务', '厅局级正职', '厅局级'],
    ['公务', '厅局级副职', '厅局级'],
    ['公务', '县处级正职', '其他'],
    ['外事', '省部级正职', '外宾接待'],
    ['商务', '其他', '客商接待'],
    ['大型活动', '厅局级正职', '大型活动'],
    ['指导', '县处级副职', '指导接待'],
  ] as const)('counts a %s visit led by %s as %s', (kind, rank, category) => {
    expect(statisticsCategory(policy, kind, rank)).toBe(category);
  });
});

describe('checklists (docs/plan.md): templates and tasks take conditions on the request', () => {
  const full = { lodging: '标准间', working_meal: '是', vehicles: 1, guest_count: 5 } as const;
  it('gives a 县处级 official visit with rooms, a meal and a car the basic list with deadlines relative to arrival, earliest first', () => {
    const tasks = buildChecklist(policy, { kind: '公务', lead_rank: '县处级正职', arrive_date: '2026-11-25', ...full });
    expect(tasks).toHaveLength(8);
    expect(tasks[0]).toEqual({ title: '核实公函及来访行程', owner: 'requester', due_date: '2026-11-22', due_time: '17:00', template: '公务接待基本清单' });
    expect(tasks.at(-1)).toMatchObject({ title: '填写接待清单并办理结算', due_date: '2026-11-30', closes_with: 'settlement' });
  });

  it('leaves out the hotel, the menu and the cars when the request arranges no rooms, no working meal and 0 vehicles', () => {
    const titles = buildChecklist(policy, { kind: '公务', lead_rank: '县处级正职', arrive_date: '2026-11-25', lodging: '不安排', working_meal: '否', vehicles: '0' }).map((t) => t.title);
    expect(titles).toHaveLength(5);
    expect(titles.join()).not.toMatch(/饭店|菜单|车辆/);
  });

  it('adds the greeting message for 厅局级 and above (the policy\'s greeting rank), with a room number only when rooms are booked', () => {
    const tasks = buildChecklist(policy, { kind: '公务', lead_rank: '厅局级副职', arrive_date: '2026-12-01', ...full });
    expect(tasks.map((t) => t.title)).toContain('发送温馨提示短信（联系人电话、房间号）');
    expect(tasks.find((t) => t.title.startsWith('发送温馨提示'))?.due_date).toBe('2026-11-30');
    const none = buildChecklist(policy, { kind: '公务', lead_rank: '厅局级副职', arrive_date: '2026-12-01', lodging: '不安排' }).map((t) => t.title);
    expect(none.filter((t) => t.startsWith('发送温馨提示'))).toEqual(['发送温馨提示短信（联系人电话）']);
    const lower = { ...policy, plan: { ...policy.plan, greeting_min_rank: '厅局级正职' as const } };
    expect(buildChecklist(lower, { kind: '公务', lead_rank: '厅局级副职', arrive_date: '2026-12-01', ...full }).some((t) => t.title.startsWith('发送温馨提示'))).toBe(false);
  });

  it('conditions on headcount and rank: min_guests, max_rank', () => {
    const p = { ...policy, checklists: [{ name: '大团', kinds: ['公务' as const], tasks: [{ title: '安排引导人员', owner: 'office_staff' as const, due_days: 0, due_time: '08:00', when: { min_guests: 30, max_rank: '县处级正职' as const } }] }] };
    expect(buildChecklist(p, { kind: '公务', lead_rank: '县处级正职', arrive_date: '2026-12-01', guest_count: 30 })).toHaveLength(1);
    expect(buildChecklist(p, { kind: '公务', lead_rank: '县处级正职', arrive_date: '2026-12-01', guest_count: 29 })).toHaveLength(0);
    expect(buildChecklist(p, { kind: '公务', lead_rank: '厅局级副职', arrive_date: '2026-12-01', guest_count: 30 })).toHaveLength(0);
  });

  it('never contains welcome ceremonies or gifts (R6, R12)', () => {
    const all = policy.checklists.flatMap((t) => t.tasks.map((x) => x.title)).join(' ');
    for (const w of [...policy.banned_words.welcome, ...policy.banned_words.gifts]) expect(all).not.toContain(w);
  });
});

describe('the 标准 command text', () => {
  const text = buildStandardsText(policy);

  it('states the meal standards by rank and the R8 formula', () => {
    expect(text).toContain('标准：国家级、省部级、厅局级 110元/人·餐；县处级 60元/人·餐；乡科级、其他 50元/人·餐（本地标准）');
    expect(text).toContain('陪餐：来访10人以内最多3人；超过10人的，不超过来访人数的1/3（工作餐和陪餐规定）');
  });

  it('states lodging, documents, payment and the deadline (R7, R15, R16)', () => {
    expect(text).toContain('- 国家级、省部级：标准间、普通套间（住宿规定）');
    expect(text).toContain('报销须附发票、公函、接待清单，单据不全不予报销（报销单据规定）');
    expect(text).toContain('确需现金的须写明理由并经负责人审批（结算方式规定）');
    expect(text).toContain('接待结束后2个月内报销');
  });

  it('says a phone notice may replace the letter where the policy allows it (R4)', () => {
    const p = policyWith(['phone_notice_allowed: false', 'phone_notice_allowed: true']);
    expect(buildStandardsText(p)).toContain('本地允许以电话记录单代替公函');
  });
});
