// The calendar port on the official SDK against the fake Feishu's calendar v4 (as Feishu documents it):
// what each call carries, what the fake refuses, and how the answers become what the outbox expects.
import * as lark from '@larksuiteoapi/node-sdk';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerError, type CalendarEvent, type CalendarPort } from '../../src/chat/messenger.js';
import { createFeishuMessenger } from '../../src/platforms/feishu/messenger.js';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET, FAKE_PRIMARY_CALENDAR, startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';

let fake: FakeFeishu;
let calendar: CalendarPort;
let client: lark.Client;
const KEY = 'jiedai-1-1-0123456789abcdef0123456789abcdef';
const event: CalendarEvent = { summary: '接待：某单位（JD-2026-0001）', description: '来访单位：某单位', start: { date: '2026-05-11' }, end: { date: '2026-05-12' } };

beforeAll(async () => {
  fake = await startFakeFeishu({ checkUserText: false });
  const messenger = createFeishuMessenger({ appId: DEFAULT_APP_ID, appSecret: DEFAULT_APP_SECRET, baseUrl: fake.url, log: pino({ level: 'silent' }), timeoutMs: 2000 });
  calendar = messenger.calendar!;
  client = messenger.client;
});
afterAll(async () => {
  await fake?.close();
});

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(() => undefined, (e: unknown) => e as MessengerError);
  return err && { retryable: err.retryable, code: err.detail.platformCode, status: err.detail.status };
};

describe('the Feishu calendar port', () => {
  it('finds the bot’s primary calendar, creates an event there once per idempotency key, and adds the leader', async () => {
    const calendarId = await calendar.primaryCalendar();
    expect(calendarId).toBe(FAKE_PRIMARY_CALENDAR);
    const a = await calendar.createEvent(calendarId, event, KEY);
    const b = await calendar.createEvent(calendarId, { ...event, summary: '另一个标题' }, KEY);
    expect(b.eventId).toBe(a.eventId);
    expect(b.event).toEqual(event); // what the event made the first time says
    expect(fake.calendarEvents().filter((e) => e.idempotency_key === KEY)).toHaveLength(1);
    await calendar.addAttendee(calendarId, a.eventId, 'ou_leader1');
    await calendar.addAttendee(calendarId, a.eventId, 'ou_leader1');
    expect(fake.calendarEvents().find((e) => e.event_id === a.eventId)?.attendees).toEqual(['ou_leader1']);
  });

  it('moves an event and deletes it; an event already gone counts as deleted, and a move of it says so', async () => {
    const calendarId = await calendar.primaryCalendar();
    const { eventId } = await calendar.createEvent(calendarId, event, `${KEY}-move`);
    const moved = { ...event, start: { timestamp: '1778463000', timezone: 'Asia/Shanghai' }, end: { timestamp: '1778493600', timezone: 'Asia/Shanghai' } };
    expect(await calendar.updateEvent(calendarId, eventId, moved)).toEqual({});
    expect(fake.calendarEvents().find((e) => e.event_id === eventId)).toMatchObject({ start_time: moved.start, end_time: moved.end });
    await calendar.deleteEvent(calendarId, eventId);
    await calendar.deleteEvent(calendarId, eventId); // 193003 event is deleted: done
    expect(await calendar.updateEvent(calendarId, eventId, event)).toEqual({ gone: true });
    const del = fake.requests.filter((r) => r.method === 'DELETE');
    expect(del.map((r) => [r.query.need_notification, r.status])).toEqual([['true', 200], ['true', 403]]);
  });

  it('a rate limit or an internal error is retried; a refused field is not', async () => {
    const calendarId = await calendar.primaryCalendar();
    fake.inject({ route: `POST /open-apis/calendar/v4/calendars/:calendar_id/events`, fault: { code: 190004, status: 429, msg: 'method rate limited' } });
    expect(await refusal(calendar.createEvent(calendarId, event, `${KEY}-rl`))).toMatchObject({ retryable: true, status: 429 });
    fake.inject({ route: `POST /open-apis/calendar/v4/calendars/:calendar_id/events`, fault: { code: 190003, msg: 'internal service error' } });
    expect(await refusal(calendar.createEvent(calendarId, event, `${KEY}-ie`))).toEqual({ retryable: true, code: 190003, status: undefined });
    expect(await refusal(calendar.addAttendee(calendarId, 'no-such-event_0', 'ou_leader1'))).toMatchObject({ retryable: false, code: 193001, status: 404 });
  });
});

describe('the fake’s calendar v4 refuses what Feishu documents as invalid (190002)', () => {
  const create = (data: Record<string, unknown>, key?: string) =>
    client.request({ method: 'POST', url: `/open-apis/calendar/v4/calendars/${FAKE_PRIMARY_CALENDAR}/events`, params: key ? { idempotency_key: key } : {}, data }).then(
      (r: { code?: number }) => r.code,
      (e: { response?: { data?: { code?: number } } }) => e.response?.data?.code,
    );
  const day = { date: '2026-05-11' };

  it('an idempotency key shorter than 32 characters, start and end missing, date and timestamp together, a whole day ending at an instant, an end before the start', async () => {
    expect(await create({ summary: 'x', start_time: day, end_time: day }, 'short')).toBe(190002);
    expect(await create({ summary: 'x', end_time: day })).toBe(190002);
    expect(await create({ summary: 'x', start_time: { date: '2026-05-11', timestamp: '1778463000' }, end_time: day })).toBe(190002);
    expect(await create({ summary: 'x', start_time: day, end_time: { timestamp: '1778463000' } })).toBe(190002);
    expect(await create({ summary: 'x', start_time: { date: '2026-05-12' }, end_time: day })).toBe(190002);
    expect(await create({ summary: 'x', start_time: day, end_time: day, vchat: { vc_type: 'zoom' } })).toBe(190002);
    expect(await create({ summary: 'x', start_time: day, end_time: day })).toBe(0);
  });

  it('the primary calendar asked with user_id_type=user_id by an app, and an event in a calendar that is not the bot’s', async () => {
    const code = (p: Promise<{ code?: number }>) => p.then((r) => r.code, (e: { response?: { data?: { code?: number } } }) => e.response?.data?.code);
    expect(await code(client.calendar.calendar.primary({ params: { user_id_type: 'user_id' } }))).toBe(190002);
    expect(await code(client.calendar.calendarEvent.create({ path: { calendar_id: 'someone_else@group.calendar.feishu.cn' }, data: { start_time: day, end_time: day } }))).toBe(191000);
  });
});
