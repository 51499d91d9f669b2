// Calendar v4 as the bot uses it, faked from Feishu's documented fields (server-docs/calendar-v4):
// the app's primary calendar (POST calendars/primary), events in it (create with idempotency_key,
// patch, delete) and attendees added to them. Required fields and value rules are checked as the
// documentation states them; a refusal answers Feishu's code for it.
import { randomUUID } from 'node:crypto';
import { fail, ok, type Reply } from './http-util.js';
import type { MiscCtx } from './misc-routes.js';
import type { Store } from './store.js';

export const FAKE_PRIMARY_CALENDAR = 'feishu.cn_fakebotprimary@group.calendar.feishu.cn';
const BOT_OPEN_ID = 'ou_fake_bot';
const INVALID = 190002; // invalid parameters in request

type Time = { date?: string; timestamp?: string; timezone?: string };

export interface FakeCalendarEvent {
  event_id: string;
  organizer_calendar_id: string;
  summary: string;
  description: string;
  start_time: Time;
  end_time: Time;
  vchat?: unknown;
  visibility: string;
  attendee_ability: string;
  free_busy_status: string;
  status: 'confirmed' | 'cancelled';
  create_time: string;
  idempotency_key?: string;
  /** Users added as attendees (open ids), in order. */
  attendees: string[];
  /** Bot notifications Feishu would have sent the attendees: on being added, on a change, on deletion. */
  notified: { what: 'added' | 'updated' | 'deleted'; to: string[] }[];
  deleted: boolean;
}

interface CalendarState {
  events: Map<string, FakeCalendarEvent>;
  /** calendar_id + idempotency_key → event_id. */
  keys: Map<string, string>;
}

const states = new WeakMap<Store, CalendarState>();
export function calendarState(store: Store): CalendarState {
  let s = states.get(store);
  if (!s) states.set(store, (s = { events: new Map(), keys: new Map() }));
  return s;
}

const USER_ID_TYPES = ['open_id', 'union_id', 'user_id'];
const VC_TYPES = ['vc', 'third_party', 'no_meeting'];

/** A time_info as documented: `date` (RFC 3339 date, whole-day) or `timestamp` (seconds), never both; an IANA `timezone`. */
function checkTime(name: string, t: unknown): string | undefined {
  if (typeof t !== 'object' || t === null) return `${name} is required`;
  const { date, timestamp, timezone } = t as Time;
  if (date !== undefined && timestamp !== undefined) return `${name}: date and timestamp cannot both be set`;
  if (date === undefined && timestamp === undefined) return `${name}: date or timestamp is required`;
  if (date !== undefined && !(typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)))) return `${name}.date must be an RFC 3339 date`;
  if (timestamp !== undefined && !(typeof timestamp === 'string' && /^\d{1,12}$/.test(timestamp))) return `${name}.timestamp must be a string of seconds`;
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: String(timezone) });
    } catch {
      return `${name}.timezone must be an IANA time zone`;
    }
  }
  return undefined;
}

/** start_time and end_time together: the same kind, the end not before the start. */
function checkSpan(start: Time, end: Time): string | undefined {
  if ((start.date === undefined) !== (end.date === undefined)) return 'start_time and end_time must both be dates or both timestamps';
  if (start.date !== undefined) return end.date! < start.date ? 'end_time is before start_time' : undefined;
  return Number(end.timestamp) < Number(start.timestamp) ? 'end_time is before start_time' : undefined;
}

/** The fields create and patch share, as documented; `required` for create's start and end. */
function checkContent(b: Record<string, unknown>, required: boolean): string | undefined {
  if (b.summary !== undefined && (typeof b.summary !== 'string' || b.summary.length > 1000)) return 'summary: a string of at most 1000 characters';
  if (b.description !== undefined && (typeof b.description !== 'string' || b.description.length > 40960)) return 'description: a string of at most 40960 characters';
  if (b.need_notification !== undefined && typeof b.need_notification !== 'boolean') return 'need_notification must be a boolean';
  for (const k of ['start_time', 'end_time']) {
    if (b[k] === undefined && !required) continue;
    const problem = checkTime(k, b[k]);
    if (problem) return problem;
  }
  const vc = (b.vchat as { vc_type?: unknown } | undefined)?.vc_type;
  if (vc !== undefined && !VC_TYPES.includes(String(vc))) return 'vchat.vc_type must be vc, third_party or no_meeting';
  if (b.attendee_ability !== undefined && !['none', 'can_see_others', 'can_invite_others', 'can_modify_event'].includes(String(b.attendee_ability))) return 'attendee_ability';
  if (b.free_busy_status !== undefined && !['busy', 'free'].includes(String(b.free_busy_status))) return 'free_busy_status';
  if (b.visibility !== undefined && !['default', 'public', 'private'].includes(String(b.visibility))) return 'visibility';
  return undefined;
}

const view = (e: FakeCalendarEvent) => ({
  event_id: e.event_id,
  organizer_calendar_id: e.organizer_calendar_id,
  summary: e.summary,
  description: e.description,
  start_time: e.start_time,
  end_time: e.end_time,
  ...(e.vchat ? { vchat: e.vchat } : {}),
  visibility: e.visibility,
  attendee_ability: e.attendee_ability,
  free_busy_status: e.free_busy_status,
  status: e.status,
  create_time: e.create_time,
  event_organizer: { user_id: BOT_OPEN_ID, display_name: '接待助手' },
});

/** A path parameter as sent (the SDK percent-encodes the calendar id's @). */
const param = (ctx: MiscCtx, name: string) => decodeURIComponent(ctx.params[name] ?? '');

/** The event a path names in the calendar it names: 193001 unknown, 193003 deleted, 193002 another calendar's. */
function eventOf(ctx: MiscCtx): { event: FakeCalendarEvent } | { refused: Reply } {
  const e = calendarState(ctx.store).events.get(param(ctx, 'event_id'));
  if (!e) return { refused: fail(404, 193001, 'event not found') };
  if (e.organizer_calendar_id !== param(ctx, 'calendar_id')) return { refused: fail(403, 193002, 'no permission to operate event') };
  if (e.deleted) return { refused: fail(403, 193003, 'event is deleted') };
  return { event: e };
}

/** POST /calendar/v4/calendars/primary: the app's own primary calendar (user_id_type may not be user_id with an app token). */
export function primaryCalendar(ctx: MiscCtx): Reply {
  const t = ctx.query.user_id_type;
  if (t !== undefined && !USER_ID_TYPES.includes(t)) return fail(400, INVALID, 'invalid parameters in request: user_id_type');
  if (t === 'user_id') return fail(400, INVALID, 'invalid parameters in request: user_id_type cannot be user_id for an app');
  return ok({ calendars: [{ calendar: { calendar_id: FAKE_PRIMARY_CALENDAR, summary: '接待助手', permissions: 'private', type: 'primary', role: 'owner', is_deleted: false, is_third_party: false }, user_id: BOT_OPEN_ID }] });
}

/** POST /calendar/v4/calendars/:calendar_id/events: the same idempotency_key in the same calendar answers the first event. */
export function createEvent(ctx: MiscCtx): Reply {
  const s = calendarState(ctx.store);
  const calendarId = param(ctx, 'calendar_id');
  if (calendarId !== FAKE_PRIMARY_CALENDAR) return fail(404, 191000, 'calendar not found');
  const key = ctx.query.idempotency_key;
  if (key !== undefined && (key.length < 32 || key.length > 128)) return fail(400, INVALID, 'invalid parameters in request: idempotency_key length must be 32 to 128');
  if (ctx.query.user_id_type !== undefined && !USER_ID_TYPES.includes(ctx.query.user_id_type)) return fail(400, INVALID, 'invalid parameters in request: user_id_type');
  const seen = key ? s.keys.get(`${calendarId}|${key}`) : undefined;
  if (seen) {
    ctx.rec.duplicate = true;
    return ok({ event: view(s.events.get(seen)!) });
  }
  const b = ctx.body;
  const problem = checkContent(b, true) ?? checkSpan(b.start_time as Time, b.end_time as Time);
  if (problem) return fail(400, INVALID, `invalid parameters in request: ${problem}`);
  const e: FakeCalendarEvent = {
    event_id: `${randomUUID()}_0`,
    organizer_calendar_id: calendarId,
    summary: String(b.summary ?? ''),
    description: String(b.description ?? ''),
    start_time: b.start_time as Time,
    end_time: b.end_time as Time,
    vchat: b.vchat,
    visibility: String(b.visibility ?? 'default'),
    attendee_ability: String(b.attendee_ability ?? 'none'),
    free_busy_status: String(b.free_busy_status ?? 'busy'),
    status: 'confirmed',
    create_time: String(Math.floor(ctx.store.now() / 1000)),
    idempotency_key: key,
    attendees: [],
    notified: [],
    deleted: false,
  };
  s.events.set(e.event_id, e);
  if (key) s.keys.set(`${calendarId}|${key}`, e.event_id);
  return ok({ event: view(e) });
}

/** POST …/events/:event_id/attendees: users (type user, user_id of user_id_type) joined to the event, each once. */
export function addAttendees(ctx: MiscCtx): Reply {
  const found = eventOf(ctx);
  if ('refused' in found) return found.refused;
  const ev = found.event;
  const idType = ctx.query.user_id_type ?? 'open_id';
  if (!USER_ID_TYPES.includes(idType)) return fail(400, INVALID, 'invalid parameters in request: user_id_type');
  const list = ctx.body.attendees;
  if (!Array.isArray(list) || list.length === 0 || list.length > 1000) return fail(400, INVALID, 'invalid parameters in request: attendees (1 to 1000)');
  const added: string[] = [];
  for (const a of list as { type?: unknown; user_id?: unknown }[]) {
    if (!['user', 'chat', 'resource', 'third_party'].includes(String(a?.type))) return fail(400, INVALID, 'invalid parameters in request: attendees.type');
    if (a.type !== 'user') return fail(400, INVALID, 'invalid parameters in request: the fake takes user attendees only');
    const id = String(a.user_id ?? '');
    if (idType === 'open_id' && !/^ou_/.test(id)) return fail(400, INVALID, 'invalid parameters in request: user_id is not an open_id');
    if (!ev.attendees.includes(id)) {
      ev.attendees.push(id);
      added.push(id);
    }
  }
  if (ctx.body.need_notification !== false && added.length) ev.notified.push({ what: 'added', to: added });
  return ok({ attendees: ev.attendees.map((id, i) => ({ type: 'user', attendee_id: `user_${i + 1}`, user_id: id, rsvp_status: 'needs_action', is_optional: false, is_organizer: false, is_external: false, display_name: id })) });
}

/** PATCH …/events/:event_id: the fields given are changed; the attendees are told when need_notification is true. */
export function patchEvent(ctx: MiscCtx): Reply {
  const found = eventOf(ctx);
  if ('refused' in found) return found.refused;
  const ev = found.event;
  const b = ctx.body;
  const start = (b.start_time as Time | undefined) ?? ev.start_time;
  const end = (b.end_time as Time | undefined) ?? ev.end_time;
  const problem = checkContent(b, false) ?? checkSpan(start, end);
  if (problem) return fail(400, INVALID, `invalid parameters in request: ${problem}`);
  Object.assign(ev, { start_time: start, end_time: end }, b.summary !== undefined ? { summary: b.summary } : {}, b.description !== undefined ? { description: b.description } : {});
  if (b.need_notification === true && ev.attendees.length) ev.notified.push({ what: 'updated', to: [...ev.attendees] });
  return ok({ event: view(ev) });
}

/** DELETE …/events/:event_id?need_notification=true|false: only the organizer's calendar may; the attendees are told by default. */
export function deleteEvent(ctx: MiscCtx): Reply {
  const n = ctx.query.need_notification;
  if (n !== undefined && n !== 'true' && n !== 'false') return fail(400, INVALID, 'invalid parameters in request: need_notification must be true or false');
  const found = eventOf(ctx);
  if ('refused' in found) return found.refused;
  const ev = found.event;
  ev.deleted = true;
  ev.status = 'cancelled';
  if (n !== 'false' && ev.attendees.length) ev.notified.push({ what: 'deleted', to: [...ev.attendees] });
  return ok({});
}

const CAL = '/open-apis/calendar/v4/calendars';
export const CALENDAR_ROUTES: { method: string; re: RegExp; handler: (ctx: MiscCtx) => Reply }[] = [
  { method: 'POST', re: new RegExp(`^${CAL}/primary$`), handler: primaryCalendar },
  { method: 'POST', re: new RegExp(`^${CAL}/(?<calendar_id>[^/]+)/events$`), handler: createEvent },
  { method: 'POST', re: new RegExp(`^${CAL}/(?<calendar_id>[^/]+)/events/(?<event_id>[^/]+)/attendees$`), handler: addAttendees },
  { method: 'PATCH', re: new RegExp(`^${CAL}/(?<calendar_id>[^/]+)/events/(?<event_id>[^/]+)$`), handler: patchEvent },
  { method: 'DELETE', re: new RegExp(`^${CAL}/(?<calendar_id>[^/]+)/events/(?<event_id>[^/]+)$`), handler: deleteEvent },
];
