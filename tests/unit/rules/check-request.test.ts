import { describe, expect, it } from 'vitest';
import { checkRequest } from '../../../src/rules/checks/check-request.js';
import type { Finding } from '../../../src/rules/checks/finding.js';
import { maxAccompany } from '../../../src/rules/policy/standards.js';
import { buildRequest, now, policy, policyWith } from './build.js';

const check = (overrides: Parameters<typeof buildRequest>[0], p = policy) => checkRequest(buildRequest(overrides), p, now);
const byRule = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);

it('finds nothing wrong with an ordinary official visit', () => {
  expect(check({})).toEqual([]);
});

describe('R8: accompanying diners and the one working meal', () => {
  it.each([
    [10, 3],
    [11, 3],
    [12, 4],
    [30, 10],
    [31, 10],
    [1, 3],
  ])('allows %i guests at most %i accompanying diners (R8)', (guests, max) => {
    expect(maxAccompany(guests, policy)).toBe(max);
    expect(check({ guest_count: guests, accompany_count: max, rooms: 1 })).toEqual([]);
    expect(byRule(check({ guest_count: guests, accompany_count: max + 1, rooms: 1 }), 'R8')).toEqual([
      {
        rule: 'R8',
        severity: 'block',
        message: `来访${guests}人，陪餐最多${max}人，现为${max + 1}人（工作餐和陪餐规定）`,
        field: 'accompany_count',
      },
    ]);
  });

  it('blocks 5 accompanying diners for 12 guests with the numbers in the message（工作餐和陪餐规定）', () => {
    expect(check({ guest_count: 12, accompany_count: 5 })[0].message).toBe('来访12人，陪餐最多4人，现为5人（工作餐和陪餐规定）');
  });

  it('does not count accompanying diners when no working meal is arranged (R8)', () => {
    expect(check({ working_meal: '否', accompany_count: 6 })).toEqual([
      { rule: 'R8', severity: 'info', message: '未安排工作餐，陪餐人数6人不予计算（工作餐和陪餐规定）', field: 'accompany_count' },
    ]);
  });

  it('allows one working meal per visit and blocks a second (R8)', () => {
    expect(check({ meal_count: 1 })).toEqual([]);
    expect(check({ meal_count: 2 })).toEqual([
      { rule: 'R8', severity: 'block', message: '每次来访只可安排工作餐1次，现安排2次（工作餐和陪餐规定）', field: 'meal_count' },
    ]);
  });

  it('allows up to two banquets for foreign guests and asks a reason for a third (foreign.max_banquets_per_stay)', () => {
    expect(check({ kind: '外事', banquet_count: 2 })).toEqual([]);
    expect(check({ kind: '外事', banquet_count: 3 })).toEqual([
      expect.objectContaining({ rule: 'foreign.max_banquets_per_stay', severity: 'reason', field: 'banquet_count' }),
    ]);
  });
});

describe('R4: no letter, no reception', () => {
  it('blocks an official visit without a letter when the policy accepts no phone notice (R4)', () => {
    expect(check({ letter_no: '' })).toEqual([
      { rule: 'R4', severity: 'block', message: '公务接待须有派出单位公函，未填写公函文号，不予接待（公函规定）', field: 'letter_no' },
    ]);
  });

  it('accepts a recorded phone notice instead of the letter where the policy allows it (R4)', () => {
    const p = policyWith(['phone_notice_allowed: false', 'phone_notice_allowed: true']);
    expect(check({ letter_no: '', phone_notice: true }, p)).toEqual([expect.objectContaining({ rule: 'R4', severity: 'info' })]);
    expect(check({ letter_no: '' }, p)).toEqual([expect.objectContaining({ rule: 'R4', severity: 'reason' })]);
  });

  it('asks for a reason when a business visit has no invitation (R4)', () => {
    expect(check({ kind: '商务', purpose: '招商洽谈', letter_no: '' })).toEqual([
      { rule: 'R4', severity: 'reason', message: '商务接待未提供邀请函或商务考察函，须说明理由并报分管领导审批（公函规定）', field: 'letter_no' },
    ]);
  });

  it('lets a business visit with an invitation through (R4)', () => {
    expect(check({ kind: '商务', purpose: '招商洽谈', letter_no: '邀请函2026-08' })).toEqual([]);
  });
});

describe('R7: lodging', () => {
  it('asks for a reason when a 厅局级 lead is given an ordinary suite (R7)', () => {
    expect(check({ lead_rank: '厅局级正职', lodging: '普通套间' })).toEqual([
      {
        rule: 'R7',
        severity: 'reason',
        message: '带队领导为厅局级正职，住宿只可安排标准间，现为普通套间；普通套间限省部级（住宿规定）',
        field: 'lodging',
      },
    ]);
  });

  it('allows an ordinary suite for a 省部级副职 lead (R7)', () => {
    expect(check({ lead_rank: '省部级副职', lodging: '普通套间' })).toEqual([]);
  });

  it('asks for a reason when the host pays the lodging (R7)', () => {
    expect(byRule(check({ lodging_paid_by_host: true }), 'R7')).toEqual([
      expect.objectContaining({ severity: 'reason', field: 'lodging_paid_by_host' }),
    ]);
  });

  it('allows as many rooms as guests and asks a reason for more (R7)', () => {
    expect(check({ rooms: 5 })).toEqual([]);
    expect(check({ rooms: 6 })).toEqual([
      { rule: 'R7', severity: 'reason', message: '来访5人，安排房间6间，房间数多于来访人数（住宿规定）', field: 'rooms' },
    ]);
  });

  it('refuses rooms without lodging and lodging without rooms', () => {
    expect(check({ lodging: '不安排', rooms: 2 })).toEqual([expect.objectContaining({ rule: 'form', severity: 'block', field: 'rooms' })]);
    expect(check({ lodging: '标准间', rooms: 0 })).toEqual([expect.objectContaining({ rule: 'form', severity: 'block', field: 'rooms' })]);
  });
});

describe('R6, R9, R12: what the activity plan asks for', () => {
  it('asks a reason when the activity plan mentions a welcome at the airport or a banner (R6)', () => {
    expect(check({ purpose_detail: '安排机场迎送，悬挂欢迎横幅' })).toEqual([
      expect.objectContaining({ rule: 'R6', severity: 'reason', field: 'purpose_detail', message: expect.stringContaining('「机场迎送」、「欢迎横幅」') }),
    ]);
  });

  it('asks a reason when the notes ask for luxury dishes (R9)', () => {
    expect(check({ notes: '晚餐安排鲍鱼、海参' })).toEqual([expect.objectContaining({ rule: 'R9', severity: 'reason', field: 'notes' })]);
  });

  it('asks a reason when the activity plan includes sightseeing or gifts (R12)', () => {
    expect(check({ purpose_detail: '座谈后景区观光，赠送土特产' })).toEqual([
      expect.objectContaining({ rule: 'R12', severity: 'reason', message: expect.stringContaining('「观光」、「土特产」') }),
    ]);
  });

  it('asks a reason when the notes mention alcohol and the policy allows none (meals.alcohol_allowed)', () => {
    expect(check({ notes: '准备白酒两瓶' })).toEqual([expect.objectContaining({ rule: 'meals.alcohol_allowed', severity: 'reason' })]);
  });
});

describe('local rules and practice', () => {
  it('blocks a same-city reception where the policy bans it (same_city.banned)', () => {
    expect(check({ same_city: true })).toEqual([
      { rule: 'same_city.banned', severity: 'block', message: '同城单位之间不得用公款相互接待（本地规定）', field: 'same_city' },
    ]);
  });

  it('lets a same-city reception through where the policy does not ban it (same_city.banned)', () => {
    expect(check({ same_city: true }, policyWith(['banned: true', 'banned: false']))).toEqual([]);
  });

  it('accepts a request filed on the arrival day and asks a reason one day after (先审批、后接待)', () => {
    expect(check({ arrive_date: '2026-11-20', depart_date: '2026-11-20' })).toEqual([]);
    expect(check({ arrive_date: '2026-11-19', depart_date: '2026-11-20' })).toEqual([
      expect.objectContaining({ rule: 'approval_first', severity: 'reason', message: expect.stringContaining('已过1天') }),
    ]);
  });

  it('uses the unit time zone for today: 2026-11-20 00:30 in Beijing is already the 20th', () => {
    const lateEvening = new Date('2026-11-19T16:30:00Z');
    expect(checkRequest(buildRequest({ arrive_date: '2026-11-19', depart_date: '2026-11-19' }), policy, lateEvening)).toHaveLength(1);
  });

  it('asks a reason for more vehicles than guests (R10)', () => {
    expect(check({ vehicles: 5 })).toEqual([]);
    expect(check({ vehicles: 6 })).toEqual([expect.objectContaining({ rule: 'R10', severity: 'reason', field: 'vehicles' })]);
  });
});
