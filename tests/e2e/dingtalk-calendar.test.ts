// The leaders' calendars on DingTalk (DINGTALK_CALENDAR_SYNC=on), end to end through the fake
// DingTalk: on final approval each accompanying leader gets the visit in their own primary calendar
// (calendar 1.0, written as its organiser by unionId, under an x-client-token), moved on 变更. With
// the switch off nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validForm } from '../fixtures/request-form.js';
import { approveAs, buttonsOf, fileRequest, startDingTalkHarness, type DingTalkHarness } from '../fake-dingtalk/bot-harness.js';
import { unionIdOf } from '../fake-dingtalk/work-routes.js';

const CHAIN = ['ou_head1', 'ou_office1', 'ou_leader1'];
// For a 县处级正职 guest with 3 accompanying diners the org proposes 陈副主任 (主陪), 李建国 and 赵敏 (陪同).
const LEADERS = ['ou_leader1', 'ou_head1', 'ou_office1'];
const EVENTS = (staffId: string) => `/v1.0/calendar/users/${unionIdOf(staffId)}/calendars/primary/events`;
const shanghaiDate = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

describe('DingTalk: the accompanying leaders’ calendars', () => {
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness({ env: { DINGTALK_CALENDAR_SYNC: 'on' } });
  }, 60_000);
  afterAll(async () => h?.close());
  const calCalls = (from = 0) => h.fake.workCalls().slice(from).filter((c) => c.path.startsWith('/v1.0/calendar/'));

  async function approved(form = validForm()): Promise<string> {
    const code = await fileRequest(h, form);
    for (const who of CHAIN) await approveAs(h, who, code);
    return code;
  }

  let code: string;
  it('on final approval each accompanying leader gets one whole-day event in their own primary calendar, as its organiser, under an idempotency key', async () => {
    const from = h.fake.workCalls().length;
    code = await approved();
    const creates = calCalls(from).filter((c) => c.method === 'POST');
    expect(creates.map((c) => c.path).sort()).toEqual(LEADERS.map(EVENTS).sort());
    const day = shanghaiDate(10);
    for (const c of creates) {
      expect(c.clientToken).toMatch(/^jiedai-\d+-1-[0-9a-f]{32}$/);
      expect(c.body).toMatchObject({ summary: `接待：省发展和改革委员会（${code}）`, isAllDay: true, start: { date: day }, end: { date: shanghaiDate(11) } });
      expect(String(c.body.description)).toContain(`接待编号：${code}`);
    }
    expect(new Set(creates.map((c) => c.clientToken)).size).toBe(3);
    // No attendee call: the event is already in the leader's own calendar.
    expect(calCalls(from).filter((c) => c.path.endsWith('/attendees'))).toEqual([]);
    expect(h.fake.events().filter((e) => e.summary.includes(code)).map((e) => e.organizer).sort()).toEqual(LEADERS.map(unionIdOf).sort());
    // Nothing reaches 待办 when only the calendar switch is on.
    expect(h.fake.workCalls().filter((c) => c.path.startsWith('/v1.0/todo/'))).toEqual([]);
  });

  it('a 变更 of the dates moves every leader’s event (PUT with its id and the new days, as its organiser); nothing is made or deleted', async () => {
    const from = h.fake.workCalls().length;
    await h.say('ou_staff1', `变更 ${code}`);
    const card = h.messagesTo('ou_staff1').at(-1)!;
    const title = buttonsOf(card).find((b) => /变更/.test(b.title) && /^https?:/.test(b.url))!.title;
    const page = await h.openForm(card, title);
    const arrive = shanghaiDate(12);
    const depart = shanghaiDate(13);
    const submit = page.buttons.find((b) => /变更/.test(b))!;
    await h.submitForm(page, submit, validForm({ arrive_date: arrive, depart_date: depart }));
    await h.settle();
    const calls = calCalls(from);
    expect(calls.map((c) => c.method).sort()).toEqual(['PUT', 'PUT', 'PUT']);
    for (const c of calls) {
      const id = decodeURIComponent(c.path.split('/events/')[1]);
      expect(c.body).toMatchObject({ id, isAllDay: true, start: { date: arrive }, end: { date: shanghaiDate(14) } });
    }
    expect(h.fake.events().filter((e) => e.summary.includes(code) && !e.deleted).map((e) => e.start.date)).toEqual([arrive, arrive, arrive]);
  });
});
