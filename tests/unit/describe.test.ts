import { describe, expect, it } from 'vitest';
import { parseDescription } from '../../src/request/describe.js';

const TZ = 'Asia/Shanghai';
// Noon in Shanghai on each day (04:00 UTC).
const SUN = new Date('2026-11-22T04:00:00Z'); // Sunday 2026-11-22
const MON = new Date('2026-11-23T04:00:00Z'); // Monday 2026-11-23
const WED = new Date('2026-11-25T04:00:00Z'); // Wednesday 2026-11-25
// Still Sunday 11-22 in UTC, already Monday 2026-11-23 01:00 in Shanghai.
const EDGE = new Date('2026-11-22T17:00:00Z');

const dates = (text: string, now: Date, tz = TZ) => {
  const p = parseDescription(text, now, tz);
  return { arrive: p.arrive_date, depart: p.depart_date };
};
const arrive = (text: string, now: Date, tz = TZ) => parseDescription(text, now, tz).arrive_date;

describe('parseDescription: relative days', () => {
  it('reads 今天, 明天, 后天 and 大后天 from the unit’s calendar day', () => {
    expect(arrive('今天', SUN)).toBe('2026-11-22');
    expect(arrive('明天', SUN)).toBe('2026-11-23');
    expect(arrive('后天', SUN)).toBe('2026-11-24');
    expect(arrive('大后天', SUN)).toBe('2026-11-25');
  });

  it('counts 今天 and 明天 in Shanghai when UTC is still the previous day', () => {
    expect(arrive('今天', EDGE)).toBe('2026-11-23');
    expect(arrive('明天', EDGE)).toBe('2026-11-24');
    expect(arrive('大后天', EDGE)).toBe('2026-11-26');
  });

  it('counts in a zone behind UTC when UTC is already the next day', () => {
    const nySunEvening = new Date('2026-11-23T03:00:00Z'); // Sunday 22:00 in New York
    expect(arrive('今天', nySunEvening, 'America/New_York')).toBe('2026-11-22');
    expect(arrive('下周二', nySunEvening, 'America/New_York')).toBe('2026-11-24');
  });

  it('gives the same dates whatever the server’s own time zone is', () => {
    const before = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Shanghai']) {
        process.env.TZ = tz;
        expect(arrive('今天', EDGE)).toBe('2026-11-23');
        expect(arrive('明天', EDGE)).toBe('2026-11-24');
        expect(arrive('下周二', EDGE)).toBe('2026-12-01');
        expect(arrive('11月25日', EDGE)).toBe('2026-11-25');
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('sets depart_date to arrive_date when one date is given', () => {
    expect(dates('明天', SUN)).toEqual({ arrive: '2026-11-23', depart: '2026-11-23' });
  });
});

describe('parseDescription: weekdays with Monday as the first day of the week', () => {
  it('reads 下周二 on a Sunday as two days later', () => {
    expect(arrive('下周二', SUN)).toBe('2026-11-24');
  });

  it('reads 下周二 on a Monday as eight days later', () => {
    expect(arrive('下周二', MON)).toBe('2026-12-01');
  });

  it('reads 下周二 at 01:00 Monday in Shanghai (Sunday in UTC) as eight days later', () => {
    expect(arrive('下周二', EDGE)).toBe('2026-12-01');
  });

  it('reads 下星期二, 下礼拜二 and 下个周二 like 下周二', () => {
    for (const t of ['下星期二', '下礼拜二', '下个周二', '下个星期二']) expect(arrive(t, MON)).toBe('2026-12-01');
  });

  it('reads 下周日 on a Wednesday as the Sunday of next week', () => {
    expect(arrive('下周日', WED)).toBe('2026-12-06');
  });

  it('reads 下下周二 as two weeks on', () => {
    expect(arrive('下下周二', MON)).toBe('2026-12-08');
  });

  it('reads 本周五 and 这周五 as the Friday of the current week', () => {
    expect(arrive('本周五', MON)).toBe('2026-11-27');
    expect(arrive('这周五', MON)).toBe('2026-11-27');
    expect(arrive('本周五', WED)).toBe('2026-11-27');
  });

  it('reads 这周日 on a Wednesday as the coming Sunday, the end of this week', () => {
    expect(arrive('这周日', WED)).toBe('2026-11-29');
  });

  it('reads 本周五 on a Sunday as the Friday just gone, since that week began on Monday', () => {
    expect(arrive('本周五', SUN)).toBe('2026-11-20');
  });

  it('reads a bare 周三 or 星期三 as the coming Wednesday', () => {
    expect(arrive('周三', SUN)).toBe('2026-11-25');
    expect(arrive('星期三', MON)).toBe('2026-11-25');
    expect(arrive('礼拜三', EDGE)).toBe('2026-11-25');
  });

  it('reads a bare weekday that is today as today', () => {
    expect(arrive('周三', WED)).toBe('2026-11-25');
  });

  it('reads a bare 周日 on a Wednesday as the coming Sunday, never the one before', () => {
    expect(arrive('周日', WED)).toBe('2026-11-29');
    expect(arrive('星期天', WED)).toBe('2026-11-29');
  });
});

describe('parseDescription: calendar dates', () => {
  it('reads 11月25日 and 11月25号 as this year', () => {
    expect(arrive('11月25日', SUN)).toBe('2026-11-25');
    expect(arrive('11月25号', SUN)).toBe('2026-11-25');
  });

  it('reads Chinese numerals in dates', () => {
    expect(arrive('十一月二十五号', SUN)).toBe('2026-11-25');
  });

  it('keeps a month/day less than a month past in this year (a reception recorded afterwards)', () => {
    expect(arrive('11月1日', SUN)).toBe('2026-11-01');
  });

  it('moves a month/day more than a month past to next year', () => {
    expect(arrive('1月5日', SUN)).toBe('2027-01-05');
    expect(arrive('10月1日', SUN)).toBe('2027-10-01');
  });

  it('reads 12月30日 said early in January as the December just gone', () => {
    expect(arrive('12月30日', new Date('2027-01-05T04:00:00Z'))).toBe('2026-12-30');
  });

  it('reads 2026年12月3日 with its year', () => {
    expect(dates('2026年12月3日', SUN)).toEqual({ arrive: '2026-12-03', depart: '2026-12-03' });
    expect(arrive('2025年12月3日', SUN)).toBe('2025-12-03');
  });

  it('reads 12/3 and 2026/12/3', () => {
    expect(arrive('12/3', SUN)).toBe('2026-12-03');
    expect(arrive('2027/1/8', SUN)).toBe('2027-01-08');
  });

  it('ignores impossible dates', () => {
    expect(arrive('2月30日', SUN)).toBeUndefined();
    expect(arrive('13/45', SUN)).toBeUndefined();
  });
});

describe('parseDescription: ranges', () => {
  it('reads 12月3日至5日, 12月3日-5日 and 12月3日到12月5日 as arrive and depart', () => {
    const want = { arrive: '2026-12-03', depart: '2026-12-05' };
    expect(dates('12月3日至5日', SUN)).toEqual(want);
    expect(dates('12月3日-5日', SUN)).toEqual(want);
    expect(dates('12月3日到12月5日', SUN)).toEqual(want);
    expect(dates('12月3日至12月5日', SUN)).toEqual(want);
    expect(dates('12月3日~5号', SUN)).toEqual(want);
  });

  it('carries a day-only range end across the month end', () => {
    expect(dates('11月30日至2日', SUN)).toEqual({ arrive: '2026-11-30', depart: '2026-12-02' });
    expect(dates('1月30日-2日', new Date('2027-01-10T04:00:00Z'))).toEqual({ arrive: '2027-01-30', depart: '2027-02-02' });
  });

  it('reads a range across a month end with both months named', () => {
    expect(dates('11月29日到12月2日', SUN)).toEqual({ arrive: '2026-11-29', depart: '2026-12-02' });
  });

  it('carries a range across the year end into the next year', () => {
    expect(dates('12月30日到1月2日', SUN)).toEqual({ arrive: '2026-12-30', depart: '2027-01-02' });
    expect(dates('12月31日至2日', SUN)).toEqual({ arrive: '2026-12-31', depart: '2027-01-02' });
    expect(dates('12/30-1/2', SUN)).toEqual({ arrive: '2026-12-30', depart: '2027-01-02' });
  });

  it('reads weekday and relative-day ranges', () => {
    expect(dates('下周二至周四', SUN)).toEqual({ arrive: '2026-11-24', depart: '2026-11-26' });
    expect(dates('明天到后天', SUN)).toEqual({ arrive: '2026-11-23', depart: '2026-11-24' });
  });

  it('leaves depart_date out when two dates are named without a range between them', () => {
    expect(dates('明天来，后天走', SUN)).toEqual({ arrive: '2026-11-23', depart: undefined });
  });
});

describe('parseDescription: arrival time', () => {
  it('reads 下午3点, 上午9点半 and 15:30', () => {
    expect(parseDescription('下午3点', SUN, TZ).arrive_time).toBe('15:00');
    expect(parseDescription('上午9点半', SUN, TZ).arrive_time).toBe('09:30');
    expect(parseDescription('15:30', SUN, TZ).arrive_time).toBe('15:30');
    expect(parseDescription('晚上8点', SUN, TZ).arrive_time).toBe('20:00');
  });

  it('gives a time without a date when only a time is said', () => {
    expect(parseDescription('上午9点半', SUN, TZ)).toEqual({ arrive_time: '09:30', purpose_detail: '09:30到达' });
  });

  it('reads a date and time together, including after a weekday', () => {
    expect(parseDescription('周一上午9点半', SUN, TZ)).toMatchObject({ arrive_date: '2026-11-23', arrive_time: '09:30' });
    expect(parseDescription('明天15:30到', SUN, TZ)).toMatchObject({ arrive_date: '2026-11-23', arrive_time: '15:30' });
  });

  it('does not guess a time from a bare small hour such as 3点 (3 a.m. or p.m.?)', () => {
    expect(parseDescription('3点', SUN, TZ).arrive_time).toBeUndefined();
    expect(parseDescription('9点', SUN, TZ).arrive_time).toBe('09:00');
  });
});

describe('parseDescription: guests', () => {
  it('reads the issue’s example fully', () => {
    const text = '明天下午3点 省发改委张处长一行5人考察园区';
    expect(parseDescription(text, SUN, TZ)).toEqual({
      arrive_date: '2026-11-23',
      depart_date: '2026-11-23',
      arrive_time: '15:00',
      guest_unit: '省发改委',
      lead_name: '张',
      lead_title: '处长',
      lead_rank: '县处级正职',
      kind: '公务',
      guest_count: '5',
      purpose: '考察调研',
      purpose_detail: '15:00到达，考察园区',
    });
  });

  it('reads issue 18’s example: the full name, the rank a 省 unit’s 主任 holds, the kind, and no sentence in 活动安排', () => {
    expect(parseDescription('下周二省发改委张建国主任一行5人来考察调研', SUN, TZ)).toEqual({
      arrive_date: '2026-11-24',
      depart_date: '2026-11-24',
      guest_unit: '省发改委',
      lead_name: '张建国',
      lead_title: '主任',
      lead_rank: '厅局级正职',
      kind: '公务',
      guest_count: '5',
      purpose: '考察调研',
    });
  });

  it.each([
    ['国家发改委地区司王司长一行3人', { guest_unit: '国家发改委地区司', lead_title: '司长', lead_rank: '厅局级正职', kind: '公务' }],
    ['省交通运输厅李明副厅长一行', { lead_name: '李明', lead_rank: '厅局级副职' }],
    ['某市人民政府刘市长来访', { lead_title: '市长', lead_rank: '厅局级正职', kind: '公务' }],
    ['市商务局王局长', { lead_rank: '县处级正职' }],
    ['深圳某某科技有限公司陈总经理一行4人洽谈', { kind: '商务' }],
    ['德国巴伐利亚州代表团一行6人', { kind: '外事' }],
  ])('guesses rank and kind only where the words make them clear: %s', (text, expected) => {
    expect(parseDescription(text, SUN, TZ)).toMatchObject(expected);
  });

  it.each(['王主任一行', '某单位张局长', '日本某株式会社山本社长'])('leaves the rank (or the kind) empty when unclear: %s', (text) => {
    const p = parseDescription(text, SUN, TZ);
    expect(p.lead_rank).toBeUndefined();
    if (text.startsWith('日本')) expect(p.kind).toBeUndefined();
  });

  it('reads the issue’s example at the time-zone edge as the Shanghai tomorrow', () => {
    const p = parseDescription('明天下午3点 省发改委张处长一行5人考察园区', EDGE, TZ);
    expect(p.arrive_date).toBe('2026-11-24');
    expect(p.guest_unit).toBe('省发改委');
  });

  it('reads a full name before the title, with and without a unit', () => {
    expect(parseDescription('市商务局李明局长带队来访', SUN, TZ)).toMatchObject({
      guest_unit: '市商务局',
      lead_name: '李明',
      lead_title: '局长',
    });
    const p = parseDescription('李明局长', SUN, TZ);
    expect(p).toMatchObject({ lead_name: '李明', lead_title: '局长' });
    expect(p.guest_unit).toBeUndefined();
  });

  it('reads a name after the title', () => {
    expect(parseDescription('市商务局局长李明一行8人', SUN, TZ)).toMatchObject({
      guest_unit: '市商务局',
      lead_name: '李明',
      lead_title: '局长',
      guest_count: '8',
    });
  });

  it('reads deputy titles and units ending in 厅', () => {
    expect(parseDescription('省委办公厅张副处长等共8人检查指导', SUN, TZ)).toMatchObject({
      guest_unit: '省委办公厅',
      lead_name: '张',
      lead_title: '副处长',
      guest_count: '8',
      purpose: '检查指导',
    });
  });

  it('reads company, committee and compound-surname leads', () => {
    expect(parseDescription('XX集团王总经理一行十二人洽谈合作', SUN, TZ)).toMatchObject({
      guest_unit: 'XX集团',
      lead_name: '王',
      lead_title: '总经理',
      guest_count: '12',
      purpose: '招商洽谈',
    });
    expect(parseDescription('省人大常委会王主任', SUN, TZ)).toMatchObject({ guest_unit: '省人大常委会', lead_name: '王', lead_title: '主任' });
    expect(parseDescription('欧阳明华主任', SUN, TZ)).toMatchObject({ lead_name: '欧阳明华', lead_title: '主任' });
    expect(parseDescription('清华大学刘教授', SUN, TZ)).toMatchObject({ guest_unit: '清华大学', lead_name: '刘', lead_title: '教授' });
  });

  it('reads a unit and title without a name', () => {
    const p = parseDescription('国资委处长来访', SUN, TZ);
    expect(p).toMatchObject({ guest_unit: '国资委', lead_title: '处长' });
    expect(p.lead_name).toBeUndefined();
  });

  it('reads a unit with no person named', () => {
    const p = parseDescription('省发改委一行五人考察', SUN, TZ);
    expect(p).toMatchObject({ guest_unit: '省发改委', guest_count: '5', purpose: '考察调研' });
    expect(p.lead_name).toBeUndefined();
  });

  it('strips a leading verb from the unit', () => {
    expect(parseDescription('接待市商务局李明局长', SUN, TZ).guest_unit).toBe('市商务局');
  });

  it('leaves the lead out when the word before a title is not a name', () => {
    const p = parseDescription('请示局长', SUN, TZ);
    expect(p.lead_name).toBeUndefined();
    expect(p.lead_title).toBeUndefined();
  });
});

describe('parseDescription: guest count', () => {
  it.each([
    ['一行5人', '5'],
    ['一行五人', '5'],
    ['共8人', '8'],
    ['8人来访', '8'],
    ['十二人', '12'],
    ['二十人', '20'],
    ['一行一百零五人', '105'],
    ['一行三百五人', '350'],
    ['共计6位', '6'],
  ])('reads %s as %s', (text, count) => {
    expect(parseDescription(text, SUN, TZ).guest_count).toBe(count);
  });

  it.each(['二十多人', '十余人', '5-6人', '10人左右', '市第一人民医院'])('leaves an inexact or false count out: %s', (text) => {
    expect(parseDescription(text, SUN, TZ).guest_count).toBeUndefined();
  });
});

describe('parseDescription: purpose', () => {
  it.each([
    ['考察园区', '考察调研'],
    ['来调研', '考察调研'],
    ['检查工作', '检查指导'],
    ['指导工作', '检查指导'],
    ['招商', '招商洽谈'],
    ['洽谈项目', '招商洽谈'],
    ['参加会议', '出席会议'],
    ['交流经验', '学习交流'],
    ['学习', '学习交流'],
    ['汇报工作', '请示汇报'],
    ['执行任务', '执行任务'],
  ])('maps %s to %s', (text, purpose) => {
    expect(parseDescription(text, SUN, TZ).purpose).toBe(purpose);
  });

  it('leaves the purpose out when two different kinds are named', () => {
    expect(parseDescription('出席会议并考察园区', SUN, TZ).purpose).toBeUndefined();
  });

  it('does not take the purpose from the unit’s name', () => {
    expect(parseDescription('市招商局王局长一行', SUN, TZ).purpose).toBeUndefined();
  });
});

describe('parseDescription: nonsense and bad input', () => {
  it('returns nothing for empty or blank text', () => {
    expect(parseDescription('', SUN, TZ)).toEqual({});
    expect(parseDescription('   ', SUN, TZ)).toEqual({});
  });

  it.each(['asdf', '嗯嗯嗯', '三点水', '？？？', '😀🎉', '一二三'])('returns only purpose_detail for nonsense: %s', (text) => {
    expect(parseDescription(text, SUN, TZ)).toEqual({ purpose_detail: text });
  });

  it('never throws on an invalid date or time zone, and still reads the rest', () => {
    expect(parseDescription('今天 王局长', new Date('invalid'), TZ)).toEqual({
      lead_name: '王',
      lead_title: '局长',
      purpose_detail: '今天',
    });
    expect(parseDescription('今天', SUN, 'Not/AZone')).toEqual({ purpose_detail: '今天' });
    expect(() => parseDescription(undefined as unknown as string, SUN, TZ)).not.toThrow();
  });

  it('survives very long input', () => {
    const text = '明天 '.concat('考察'.repeat(5000));
    expect(parseDescription(text, SUN, TZ).arrive_date).toBe('2026-11-23');
  });
});
