// The calendar port on Feishu's calendar v4 API, through the SDK's Client. The bot holds only a
// tenant_access_token, so it writes into its own primary calendar and makes each leader an attendee
// of the event, which puts the event into the leader's calendar.
import type * as lark from '@larksuiteoapi/node-sdk';
import { MessengerError, type CalendarEvent, type CalendarPort, type CalendarTime } from '../../chat/messenger.js';
import type { FeishuCall } from './call.js';

/** Calendar codes worth another try: internal error, rate limits (method, app, contended resource). */
const CALENDAR_RETRYABLE = new Set([190003, 190004, 190005, 190010]);
/** The event is not there any more: event not found, event deleted. */
const GONE = new Set([193001, 193003]);

type Res = { code?: number; msg?: string } | null | undefined;
type FeishuTime = { date?: string; timestamp?: string; timezone?: string };


const wire = (t: CalendarTime): FeishuTime => ('date' in t ? { date: t.date } : { timestamp: t.timestamp, timezone: t.timezone });
const fromWire = (t: FeishuTime | undefined): CalendarTime | undefined =>
  t?.date ? { date: t.date } : t?.timestamp ? { timestamp: t.timestamp, timezone: t.timezone ?? '' } : undefined;

/** The body fields an event's content is written with (create and patch). */
const content = (e: CalendarEvent) => ({ summary: e.summary, description: e.description, start_time: wire(e.start), end_time: wire(e.end) });

export function createFeishuCalendar(client: lark.Client, feishuCall: FeishuCall): CalendarPort {
  const call = <T extends Res>(what: string, fn: () => Promise<T>) => feishuCall(what, fn, CALENDAR_RETRYABLE);

  /** The call's answer, or `gone` when Feishu says the event no longer exists. */
  async function unlessGone(what: string, fn: () => Promise<Res>): Promise<{ gone?: boolean }> {
    try {
      await call(what, fn);
      return {};
    } catch (err) {
      if (err instanceof MessengerError && err.detail.platformCode !== undefined && GONE.has(err.detail.platformCode)) return { gone: true };
      throw err;
    }
  }

  return {
    async primaryCalendar() {
      const res = await call('primary calendar', () => client.calendar.calendar.primary({ params: { user_id_type: 'open_id' } }));
      const id = res?.data?.calendars?.[0]?.calendar?.calendar_id;
      if (!id) throw new MessengerError('primary calendar: no calendar_id', true);
      return id;
    },
    async createEvent(calendarId, event, idempotencyKey) {
      const res = await call('create calendar event', () =>
        client.calendar.calendarEvent.create({
          path: { calendar_id: calendarId },
          params: { idempotency_key: idempotencyKey, user_id_type: 'open_id' },
          // No video meeting: left empty, Feishu would make one when the first attendee is added.
          // Attendees are told when they are added, not here (there are none yet).
          data: { ...content(event), need_notification: false, vchat: { vc_type: 'no_meeting' }, attendee_ability: 'none', free_busy_status: 'busy' },
        }),
      );
      const e = res?.data?.event;
      if (!e?.event_id) throw new MessengerError('create calendar event: no event_id', true);
      // A create retried under the same key answers the event made the first time: what it says then.
      const start = fromWire(e.start_time);
      const end = fromWire(e.end_time);
      const made = start && end ? { summary: e.summary ?? '', description: e.description ?? '', start, end } : undefined;
      return { eventId: e.event_id, ...(made ? { event: made } : {}) };
    },
    async addAttendee(calendarId, eventId, personId) {
      await call('add calendar attendee', () =>
        client.calendar.calendarEventAttendee.create({
          path: { calendar_id: calendarId, event_id: eventId },
          params: { user_id_type: 'open_id' },
          data: { attendees: [{ type: 'user', user_id: personId, is_optional: false }], need_notification: true },
        }),
      );
    },
    updateEvent(calendarId, eventId, event) {
      return unlessGone('update calendar event', () =>
        client.calendar.calendarEvent.patch({ path: { calendar_id: calendarId, event_id: eventId }, params: { user_id_type: 'open_id' }, data: { ...content(event), need_notification: true } }),
      );
    },
    async deleteEvent(calendarId, eventId) {
      // Already gone (deleted in Feishu, or by an earlier attempt whose answer was lost): done.
      await unlessGone('delete calendar event', () => client.calendar.calendarEvent.delete({ path: { calendar_id: calendarId, event_id: eventId }, params: { need_notification: 'true' } }));
    },
  };
}
