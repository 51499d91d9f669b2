// The leaders' calendars (FEISHU_CALENDAR_SYNC=on), end to end: approvals, changes and withdrawals
// through signed webhook deliveries into the real bot, the real SDK out to the fake Feishu, and
// assertions on the calendar v4 calls on the wire (method, path, query and body, as Feishu documents
// them) and on the events the leaders' calendars then hold.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropLeaderCalendars } from '../../src/calendar/calendar-sync.js';
import { enqueue } from '../../src/chat/outbox.js';
import { calendarEvents, outbox, receptions } from '../../src/db/schema/index.js';
import { loadOrg } from '../../src/org/org.js';
import { bundled } from '../../src/config.js';
import { FAKE_PRIMARY_CALENDAR, startFakeFeishu, type FakeFeishu, type RecordedRequest } from '../fake-feishu/index.js';
import { buttonValue, shanghaiDate, startHarness, validForm, webhookClient, type CardJson, type WebhookClient } from './approval-harness.js';
import { startBot } from './start-bot.js';
import type { App } from '../../src/app.js';

const STAFF1 = 'ou_staff1'; // 王小明, 招商局: files the requests
const CHAIN = ['ou_head1', 'ou_office1', 'ou_leader1'];
// For a 县处级正职 guest with 3 accompanying diners the org proposes 陈副主任 (主陪), 李建国 and 赵敏 (陪同).
const LEADERS = ['ou_leader1', 'ou_head1', 'ou_office1'];
const CAL = '/open-apis/calendar/v4/calendars';
const EVENTS = `${CAL}/${FAKE_PRIMARY_CALENDAR}/events`;

type Client = WebhookClient & { fake: FakeFeishu; bot: App; close(): Promise<void> };

async function start(env: Record<string, string>): Promise<Client> {
  const fake = await startFakeFeishu();
  const bot = await startBot({ baseUrl: fake.url, mode: 'webhook', env });
  return { ...webhookClient(fake, bot), fake, bot, close: async () => (await bot.close(), await fake.close()) };
}

let h: Client;
beforeAll(async () => {
  h = await start({ FEISHU_CALENDAR_SYNC: 'on' });
});
afterAll(async () => {
  await h?.close();
});

/** Files `form` and has the chain approve it; the reception's code. */
async function approved(form = validForm()): Promise<string> {
  const { code } = await h.submit(STAFF1, form);
  for (const who of CHAIN) expect((await h.act(who, code!, 'approve')).toast?.content).toBe('已同意');
  await h.settle();
  return code!;
}

/** The calendar v4 requests after request number `from`, in order. */
const calendarCalls = (from = 0, fake = h.fake) => fake.requests.filter((r) => r.seq > from && r.path.startsWith(CAL));
const mark = () => h.fake.requests.length;
const creates = (calls: RecordedRequest[]) => calls.filter((r) => r.method === 'POST' && r.path === EVENTS);
const eventsOf = (code: string) => h.fake.calendarEvents().filter((e) => e.summary.includes(code));
const live = (code: string) => eventsOf(code).filter((e) => !e.deleted);
const attendeesOf = (code: string) => live(code).flatMap((e) => e.attendees).sort();
const body = (r: RecordedRequest) => r.body as Record<string, unknown>;
const eventIdIn = (r: RecordedRequest) => decodeURIComponent(r.path.split('/events/')[1]?.split('/')[0] ?? '');
const at = (date: string, hhmm: string) => String(Date.parse(`${date}T${hhmm}:00+08:00`) / 1000);

async function change(code: string, form: Record<string, unknown>) {
  await h.say(STAFF1, `变更 ${code}`);
  const msg = h.cardsTo(STAFF1).at(-1)!;
  const answer = await h.tap(STAFF1, msg.message_id, buttonValue(msg.content as CardJson, { action: 'request.change' }), { formValue: form });
  expect(answer.toast?.content).toBe('已变更');
  await h.settle();
}

describe('the accompanying leaders’ calendars', () => {
  it('on final approval each accompanying leader gets one event: made in the bot’s primary calendar under an idempotency key, then the leader added as attendee', async () => {
    const from = mark();
    const code = await approved();
    const calls = calendarCalls(from);
    const day = shanghaiDate(10);
    const group = h.fake.chats().find((c) => c.name?.startsWith(code))!;

    // The bot's own calendar, asked once (the app's identity may not ask for user_id).
    const primary = calls.filter((r) => r.path === `${CAL}/primary`);
    expect(primary.map((r) => [r.method, r.query.user_id_type])).toEqual([['POST', 'open_id']]);

    // One create per leader: the documented fields, a whole-day event on the visit's date, no video meeting.
    const made = creates(calls);
    expect(made).toHaveLength(3);
    const keys = made.map((r) => r.query.idempotency_key);
    expect(new Set(keys).size).toBe(3);
    for (const r of made) {
      expect(r.query.idempotency_key.length).toBeGreaterThanOrEqual(32);
      expect(r.query.idempotency_key.length).toBeLessThanOrEqual(128);
      expect(r.query.user_id_type).toBe('open_id');
      expect(r.status).toBe(200);
      expect(body(r)).toMatchObject({
        summary: `接待：省发展和改革委员会（${code}）`,
        start_time: { date: day },
        end_time: { date: day },
        need_notification: false,
        vchat: { vc_type: 'no_meeting' },
      });
      const text = String(body(r).description);
      for (const line of ['来访单位：省发展和改革委员会', '带队领导：张伟处长', '来访人数：5人', `接待编号：${code}`, `来访日期：${day}`]) expect(text).toContain(line);
      expect(text).toContain(`接待工作群：https://applink.feishu.cn/client/chat/open?openChatId=${group.chat_id}`);
    }
    expect(made.map((r) => String(body(r).description).match(/您的安排：(\S+)/)?.[1]).sort()).toEqual(['主陪', '陪同', '陪同']);

    // Each leader joins the event made for them, and is told.
    const joined = calls.filter((r) => r.method === 'POST' && r.path.endsWith('/attendees'));
    expect(joined).toHaveLength(3);
    const eventIds = made.map((r) => ((r.response as { data: { event: { event_id: string } } }).data.event.event_id));
    for (const r of joined) {
      expect(r.query.user_id_type).toBe('open_id');
      expect(eventIds).toContain(eventIdIn(r));
      expect(body(r)).toMatchObject({ attendees: [{ type: 'user', is_optional: false }], need_notification: true });
    }
    expect(joined.map((r) => (body(r).attendees as { user_id: string }[])[0].user_id).sort()).toEqual([...LEADERS].sort());
    expect(calls.filter((r) => r.method === 'PATCH' || r.method === 'DELETE')).toEqual([]);

    // What the leaders' calendars hold: one event each, and each was notified.
    const events = eventsOf(code);
    expect(events.map((e) => e.attendees)).toEqual(expect.arrayContaining(LEADERS.map((id) => [id])));
    expect(events.every((e) => e.notified.length === 1 && e.notified[0].what === 'added')).toBe(true);
    expect(h.textsTo(STAFF1)).toContain(`您提交的接待申请${code}（省发展和改革委员会）已审批通过。`);
  }, 90_000);

  it('a create whose answer was lost is sent again under the same idempotency key and makes no second event', async () => {
    const lost = h.fake.inject({ route: `POST ${CAL}/:calendar_id/events`, fault: { answerLost: true } });
    const from = mark();
    const code = await approved();
    expect(lost.hits).toBe(1);
    const made = creates(calendarCalls(from));
    expect(made).toHaveLength(4);
    const first = made.find((r) => r.fault)!;
    const again = made.filter((r) => r.query.idempotency_key === first.query.idempotency_key);
    expect(again).toHaveLength(2);
    expect(again[1].duplicate).toBe(true);
    expect(eventsOf(code)).toHaveLength(3);
    expect(attendeesOf(code)).toEqual([...LEADERS].sort());
  }, 90_000);

  it('a 变更 of the dates moves every leader’s event (PATCH with the new times, the leader told); nothing is made or deleted', async () => {
    const code = await approved();
    const ids = live(code).map((e) => e.event_id).sort();
    const from = mark();
    const arrive = shanghaiDate(12);
    const depart = shanghaiDate(13);
    await change(code, validForm({ arrive_date: `${arrive} +0800`, depart_date: `${depart} +0800`, arrive_time: '09:30' }));
    const calls = calendarCalls(from);
    expect(calls.map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PATCH']);
    expect(calls.map(eventIdIn).sort()).toEqual(ids);
    for (const r of calls) {
      expect(r.status).toBe(200);
      expect(body(r)).toMatchObject({
        start_time: { timestamp: at(arrive, '09:30'), timezone: 'Asia/Shanghai' },
        end_time: { timestamp: at(depart, '18:00'), timezone: 'Asia/Shanghai' },
        need_notification: true,
      });
      expect(String(body(r).description)).toContain(`来访日期：${arrive}至${depart}`);
      expect(String(body(r).description)).toContain('首项安排：09:30到达');
    }
    expect(live(code).map((e) => e.event_id).sort()).toEqual(ids);
    expect(live(code).every((e) => e.notified.at(-1)?.what === 'updated')).toBe(true);
  }, 90_000);

  it('a 变更 that takes a 陪同 out deletes their event; one that brings them back makes them a new event', async () => {
    const code = await approved();
    const office1 = live(code).find((e) => e.attendees.includes('ou_office1'))!;
    let from = mark();
    await change(code, validForm({ accompany_count: '2' }));
    let calls = calendarCalls(from);
    expect(calls.map((r) => [r.method, eventIdIn(r), r.query.need_notification])).toEqual([['DELETE', office1.event_id, 'true']]);
    expect(attendeesOf(code)).toEqual(['ou_head1', 'ou_leader1']);
    expect(h.fake.calendarEvents().find((e) => e.event_id === office1.event_id)?.notified.at(-1)).toEqual({ what: 'deleted', to: ['ou_office1'] });

    from = mark();
    await change(code, validForm({ accompany_count: '3' }));
    calls = calendarCalls(from);
    expect(calls.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(calls[0].query.idempotency_key).not.toBe(office1.idempotency_key);
    expect((body(calls[1]).attendees as { user_id: string }[])[0].user_id).toBe('ou_office1');
    expect(attendeesOf(code)).toEqual([...LEADERS].sort());
    expect(eventsOf(code)).toHaveLength(4); // the deleted one and its successor
  }, 90_000);

  it('陪同 JD-… by the office: the new 主陪 gets an event, the one now 陪同 has theirs rewritten, those no longer named lose theirs', async () => {
    const code = await approved();
    const leader1 = live(code).find((e) => e.attendees.includes('ou_leader1'))!;
    const from = mark();
    await h.say('ou_office1', `陪同 ${code} @_user_1 @_user_2`, [
      { openId: 'ou_leader2', name: '吴副主任', key: '@_user_1' },
      { openId: 'ou_leader1', name: '陈副主任', key: '@_user_2' },
    ]);
    const calls = calendarCalls(from);
    expect(calls.map((r) => r.method).sort()).toEqual(['DELETE', 'DELETE', 'PATCH', 'POST', 'POST']);
    const patch = calls.find((r) => r.method === 'PATCH')!;
    expect(eventIdIn(patch)).toBe(leader1.event_id);
    expect(String(body(patch).description)).toContain('您的安排：陪同');
    const made = creates(calls)[0];
    expect(String(body(made).description)).toContain('您的安排：主陪');
    expect(attendeesOf(code)).toEqual(['ou_leader1', 'ou_leader2']);
  }, 90_000);

  it('a reception that no longer goes ahead (withdrawn, cancelled) loses every leader’s event; 撤回 before approval makes no calendar call', async () => {
    // The state set directly, as a withdrawal after approval would set it (取消接待 itself: cancel.test.ts).
    const code = await approved();
    const db = h.bot.database.db;
    const org = loadOrg(bundled.org);
    const config = { feishu: { calendarSync: true } } as never;
    let from = mark();
    await db.transaction(async (tx) => {
      const [r] = await tx.update(receptions).set({ state: 'withdrawn' }).where(eq(receptions.code, code)).returning();
      await dropLeaderCalendars({ tx, org, config, enqueue: (a) => enqueue(tx, a) }, r);
    });
    h.bot.outbox.kick();
    await h.settle();
    const calls = calendarCalls(from);
    expect(calls.map((r) => [r.method, r.query.need_notification])).toEqual([['DELETE', 'true'], ['DELETE', 'true'], ['DELETE', 'true']]);
    expect(live(code)).toEqual([]);
    const rows = await db.select().from(calendarEvents).innerJoin(receptions, eq(receptions.id, calendarEvents.receptionId)).where(eq(receptions.code, code));
    expect(rows.map((x) => [x.calendar_events.eventId, x.calendar_events.generation])).toEqual([[null, 2], [null, 2], [null, 2]]);

    from = mark();
    const { code: pending } = await h.submit(STAFF1, validForm());
    await h.say(STAFF1, `撤回 ${pending}`);
    expect(h.textsTo(STAFF1)).toContain(`接待申请${pending}已撤回。`);
    expect(calendarCalls(from)).toEqual([]);
  }, 90_000);

  it('Feishu’s calendar answering 500: the approval completes at once, the events appear after the bot retries', async () => {
    const failing = h.fake.inject({ route: /^(POST|PATCH|DELETE) \/open-apis\/calendar\//, times: 4, fault: { status: 500 } });
    const from = mark();
    const code = await approved();
    expect(failing.hits).toBe(4);
    const calls = calendarCalls(from);
    expect(calls.filter((r) => r.status === 500).length).toBe(4);
    const told = h.fake.requests.find((r) => r.seq > from && r.path === '/open-apis/im/v1/messages' && JSON.stringify(r.body).includes(`${code}（省发展和改革委员会）已审批通过`))!;
    const firstCreated = creates(calls).find((r) => r.status === 200)!;
    expect(told.seq).toBeLessThan(firstCreated.seq);
    expect(eventsOf(code)).toHaveLength(3);
    expect(attendeesOf(code)).toEqual([...LEADERS].sort());
    const rows = await h.bot.database.db.select().from(outbox).where(eq(outbox.op, 'calendar'));
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  }, 90_000);
});

describe('with FEISHU_CALENDAR_SYNC off (the default)', () => {
  it('an approval makes no calendar call', async () => {
    const off = await startHarness();
    try {
      const { code } = await off.submit(STAFF1, validForm());
      for (const who of CHAIN) expect((await off.act(who, code!, 'approve')).toast?.content).toBe('已同意');
      await off.settle();
      expect(off.textsTo(STAFF1)).toContain(`您提交的接待申请${code}（省发展和改革委员会）已审批通过。`);
      expect(calendarCalls(0, off.fake)).toEqual([]);
    } finally {
      await off.close();
    }
  }, 90_000);
});
