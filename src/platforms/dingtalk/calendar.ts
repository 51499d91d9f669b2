// The calendar port on DingTalk's calendar 1.0. Unlike Feishu, an internal app may write into a
// person's own primary calendar (path users/{unionId}/calendars/primary) with its app token: the
// leader is the event's organiser, so there is no attendee to add, and moving or deleting it is done
// as them too. The calendar id kept for an event names the person (`primary:<staffId>`), so the later
// calls know whose calendar it is.
import { MessengerError, type CalendarEvent, type CalendarPort, type CalendarTime } from '../../chat/messenger.js';
import { zonedParts } from '../../lib/working-time.js';
import type { DingTalkApi } from './api.js';

type DtTime = { date?: string; dateTime?: string; timeZone?: string };
type DtEvent = { id?: string; summary?: string; description?: string; start?: DtTime; end?: DtTime; isAllDay?: boolean };

const PREFIX = 'primary:';
const staffOf = (calendarId: string) => {
  if (!calendarId.startsWith(PREFIX)) throw new MessengerError(`calendar: ${calendarId} is not a DingTalk calendar id`, false);
  return calendarId.slice(PREFIX.length);
};

const dayAfter = (date: string, days = 1) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** An instant (epoch seconds) as ISO-8601 with the zone's offset there and then: 2026-05-12T09:30:00+08:00. */
export function isoInZone(epochSeconds: number, timeZone: string): string {
  const at = new Date(epochSeconds * 1000);
  const p = zonedParts(at, timeZone);
  const local = Date.UTC(Number(p.date.slice(0, 4)), Number(p.date.slice(5, 7)) - 1, Number(p.date.slice(8, 10))) + p.minutes * 60_000 + p.seconds * 1000;
  const offset = Math.round((local - at.getTime()) / 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${p.date}T${pad(Math.floor(p.minutes / 60))}:${pad(p.minutes % 60)}:${pad(p.seconds)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * An event as DingTalk's body has it. A whole-day event's end is the day after its last day (DingTalk
 * wants T+1, the port gives the last day); a timed one is ISO-8601 with its time zone.
 */
export function dingTalkTimes(e: Pick<CalendarEvent, 'start' | 'end'>): { start: DtTime; end: DtTime; isAllDay: boolean } {
  if ('date' in e.start) {
    const last = 'date' in e.end ? e.end.date : e.start.date;
    return { start: { date: e.start.date }, end: { date: dayAfter(last) }, isAllDay: true };
  }
  const end = 'timestamp' in e.end ? e.end : e.start;
  return {
    start: { dateTime: isoInZone(Number(e.start.timestamp), e.start.timezone), timeZone: e.start.timezone },
    end: { dateTime: isoInZone(Number(end.timestamp), end.timezone), timeZone: end.timezone },
    isAllDay: false,
  };
}

/** The event DingTalk answers, in the port's terms (a whole day's end back to its last day). */
export function fromDingTalk(e: DtEvent): CalendarEvent | undefined {
  const time = (t: DtTime | undefined, end: boolean): CalendarTime | undefined =>
    t?.date ? { date: end ? dayAfter(t.date, -1) : t.date } : t?.dateTime ? { timestamp: String(Math.floor(Date.parse(t.dateTime) / 1000)), timezone: t.timeZone ?? '' } : undefined;
  const start = time(e.start, false);
  const end = time(e.end, true);
  return start && end ? { summary: e.summary ?? '', description: e.description ?? '', start, end } : undefined;
}

const isGone = (err: unknown) => err instanceof MessengerError && err.detail.status === 404;

export function createDingTalkCalendar(api: DingTalkApi): CalendarPort {
  const events = async (calendarId: string) => `/v1.0/calendar/users/${encodeURIComponent(await api.unionIdOf(staffOf(calendarId)))}/calendars/primary/events`;
  const body = (e: CalendarEvent) => ({ summary: e.summary.slice(0, 2048), description: e.description.slice(0, 5000), ...dingTalkTimes(e) });
  return {
    personal: true,
    async primaryCalendar(personId) {
      if (!personId) throw new MessengerError('calendar: DingTalk writes into a person\'s own calendar; name the person', false);
      return `${PREFIX}${personId}`;
    },
    async createEvent(calendarId, event, idempotencyKey) {
      // x-client-token: the same key within a day answers the event made the first time.
      const made = await api.request<DtEvent>('create calendar event', 'POST', await events(calendarId), body(event), { 'x-client-token': idempotencyKey }).catch((err: unknown) => {
        // idempotencyProcessing: the first request with this key is still being handled; ask again shortly.
        if (err instanceof MessengerError && /idempotencyProcessing/.test(err.message)) throw new MessengerError(err.message, true, { retryAfterMs: 1000 });
        throw err;
      });
      if (!made.id) throw new MessengerError('create calendar event: no id', true);
      const answered = fromDingTalk(made);
      return { eventId: made.id, ...(answered ? { event: answered } : {}) };
    },
    async addAttendee() {
      // The event is in the leader's own calendar, as its organiser: nothing to add.
    },
    async updateEvent(calendarId, eventId, event) {
      try {
        await api.request('update calendar event', 'PUT', `${await events(calendarId)}/${encodeURIComponent(eventId)}`, { id: eventId, ...body(event) });
        return {};
      } catch (err) {
        if (isGone(err)) return { gone: true };
        throw err;
      }
    },
    async deleteEvent(calendarId, eventId) {
      try {
        await api.request('delete calendar event', 'DELETE', `${await events(calendarId)}/${encodeURIComponent(eventId)}?pushNotification=true`);
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    },
  };
}
