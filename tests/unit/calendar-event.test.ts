// A reception as an accompanying leader's calendar event (src/calendar/calendar-event.ts): what it
// says and when it falls, from the visit's dates, the itinerary and the arrival time.
import { describe, expect, it } from 'vitest';
import { buildCalendarEvent, chatLink, eventTimes, sameEvent } from '../../src/calendar/calendar-event.js';
import { idempotencyKey } from '../../src/calendar/calendar-delivery.js';

const TZ = 'Asia/Shanghai';
const form = (over: Record<string, unknown> = {}) => ({
  guest_unit: '省发展和改革委员会', lead_name: '张伟', lead_title: '处长', guest_count: 5, arrive_date: '2026-05-11', depart_date: '2026-05-11', ...over,
});
const at = (date: string, hhmm: string, zone = '+08:00') => String(Date.parse(`${date}T${hhmm}:00${zone}`) / 1000);

describe('the calendar event of a reception', () => {
  it('says 接待：单位（编号） and, in Chinese, the unit, the lead guest, the count, the code, the dates, the leader’s part and the group’s link', () => {
    const e = buildCalendarEvent({ code: 'JD-2026-0007', form: form({ depart_date: '2026-05-12' }), chatId: 'oc_abc', role: '主陪', timeZone: TZ });
    expect(e.summary).toBe('接待：省发展和改革委员会（JD-2026-0007）');
    expect(e.description.split('\n')).toEqual([
      '来访单位：省发展和改革委员会',
      '带队领导：张伟处长',
      '来访人数：5人',
      '接待编号：JD-2026-0007',
      '来访日期：2026-05-11至2026-05-12',
      '您的安排：主陪',
      '接待工作群：https://applink.feishu.cn/client/chat/open?openChatId=oc_abc',
      '本日程由接待助手按审批结果生成，接待变更时随之更新，接待撤回或取消时自动删除。',
    ]);
  });

  it('leaves the link out when the reception has no group chat', () => {
    expect(buildCalendarEvent({ code: 'JD-2026-0007', form: form(), timeZone: TZ }).description).not.toContain('接待工作群');
    expect(chatLink('oc_1')).toBe('https://applink.feishu.cn/client/chat/open?openChatId=oc_1');
  });

  it('is a whole-day event over the visit’s dates (the last day included) when no time is known', () => {
    expect(eventTimes(form(), TZ)).toEqual({ start: { date: '2026-05-11' }, end: { date: '2026-05-11' } });
    expect(eventTimes(form({ depart_date: '2026-05-13' }), TZ)).toEqual({ start: { date: '2026-05-11' }, end: { date: '2026-05-13' } });
  });

  it('starts at the itinerary’s first stop on the first day and, for a one-day visit, ends with its last stop', () => {
    const itinerary = [
      { site: '园区展厅', start: '09:40', end: '10:10', minutes: 30, travel: 0 },
      { site: '企业车间', start: '10:25', end: '11:05', minutes: 40, travel: 15 },
    ];
    const f = form({ arrive_time: '09:40', route: '园区线', itinerary });
    expect(eventTimes(f, TZ)).toEqual({ start: { timestamp: at('2026-05-11', '09:40'), timezone: TZ }, end: { timestamp: at('2026-05-11', '11:05'), timezone: TZ } });
    expect(buildCalendarEvent({ code: 'JD-2026-0007', form: f, timeZone: TZ }).description).toContain('首项安排：09:40 园区展厅');
  });

  it('starts at the arrival time when there is no itinerary, and a stay of several days ends at 18:00 on the day the guests leave', () => {
    const f = form({ arrive_time: '14:00', depart_date: '2026-05-12' });
    expect(eventTimes(f, TZ)).toEqual({ start: { timestamp: at('2026-05-11', '14:00'), timezone: TZ }, end: { timestamp: at('2026-05-12', '18:00'), timezone: TZ } });
    expect(buildCalendarEvent({ code: 'JD-2026-0007', form: f, timeZone: TZ }).description).toContain('首项安排：14:00到达');
  });

  it('never ends before it starts: a one-day visit arriving after 18:00 with no itinerary lasts an hour', () => {
    expect(eventTimes(form({ arrive_time: '19:30' }), TZ).end).toEqual({ timestamp: at('2026-05-11', '20:30'), timezone: TZ });
  });

  it('reads the times in the unit’s time zone (TZ_NAME)', () => {
    expect(eventTimes(form({ arrive_time: '09:00' }), 'Europe/Berlin').start).toEqual({ timestamp: at('2026-05-11', '09:00', '+02:00'), timezone: 'Europe/Berlin' });
  });

  it('ignores an arrival time that is not HH:MM, and keeps the event whole-day', () => {
    expect(eventTimes(form({ arrive_time: '上午' }), TZ)).toEqual({ start: { date: '2026-05-11' }, end: { date: '2026-05-11' } });
  });

  it('is the same event only when its words and times are', () => {
    const a = buildCalendarEvent({ code: 'JD-2026-0007', form: form(), timeZone: TZ });
    expect(sameEvent(a, { ...a })).toBe(true);
    expect(sameEvent(a, { ...a, end: { date: '2026-05-12' } })).toBe(false);
    expect(sameEvent(a, { ...a, description: `${a.description}。` })).toBe(false);
    expect(sameEvent(null, a)).toBe(false);
  });

  it('is created under a key Feishu accepts (32 to 128 characters) that changes with the reception, the person and the generation', () => {
    const k = idempotencyKey(42, 'ou_leader1', 1);
    expect(k.length).toBeGreaterThanOrEqual(32);
    expect(k.length).toBeLessThanOrEqual(128);
    expect(idempotencyKey(42, 'ou_leader1', 1)).toBe(k);
    expect(new Set([k, idempotencyKey(43, 'ou_leader1', 1), idempotencyKey(42, 'ou_head1', 1), idempotencyKey(42, 'ou_leader1', 2)]).size).toBe(4);
  });
});
