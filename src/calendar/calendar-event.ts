// A reception as a calendar event in an accompanying leader's calendar (pure): what it says and when.
// The visit's dates make a whole-day event; when the itinerary (or the arrival time) gives the first
// time of the first day, the event starts then, in the unit's time zone.
import type { CalendarEvent, CalendarTime } from '../chat/messenger.js';
import { zonedInstant } from '../lib/working-time.js';
import { cut } from '../lib/text.js';
import type { FormFields } from '../reception/form-fields.js';
import { fieldOf } from '../reception/form-fields.js';

/** Where a timed visit that runs over several days (or has no timed itinerary) ends on its last day. */
export const DAY_ENDS = '18:00';

export interface EventFacts {
  code: string;
  form: FormFields;
  /** The reception's group chat, linked from the event when there is one. */
  chatId?: string;
  /** 主陪 or 陪同: how this person takes part. */
  role?: string;
  timeZone: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The Feishu link that opens a group chat (applink protocol: client/chat/open?openChatId=). */
export const chatLink = (chatId: string) => `https://applink.feishu.cn/client/chat/open?openChatId=${encodeURIComponent(chatId)}`;

type Stop = { site?: unknown; start?: unknown; end?: unknown };

/** The itinerary's stops with valid times, in order. */
function stopsOf(f: FormFields): { site: string; start: string; end: string }[] {
  const raw = Array.isArray(f.itinerary) ? (f.itinerary as Stop[]) : [];
  return raw.flatMap((s) => (typeof s?.start === 'string' && HHMM.test(s.start) ? [{ site: String(s.site ?? ''), start: s.start, end: typeof s.end === 'string' && HHMM.test(s.end) ? s.end : s.start }] : []));
}

/** The first time of the first day: the itinerary's first stop, else the arrival time; undefined when neither is known. */
export function firstTime(f: FormFields): string | undefined {
  const first = stopsOf(f)[0]?.start;
  if (first) return first;
  const arrive = fieldOf(f, 'arrive_time');
  return HHMM.test(arrive) ? arrive : undefined;
}

/** The event's start and end: whole days from arrival to departure, or from the first known time. */
export function eventTimes(f: FormFields, timeZone: string): { start: CalendarTime; end: CalendarTime } {
  const arrive = fieldOf(f, 'arrive_date').slice(0, 10);
  const departRaw = fieldOf(f, 'depart_date').slice(0, 10);
  const depart = DATE.test(departRaw) && departRaw >= arrive ? departRaw : arrive;
  const first = firstTime(f);
  if (!first) return { start: { date: arrive }, end: { date: depart } };
  const at = (date: string, hhmm: string) => ({ timestamp: String(Math.floor(zonedInstant(date, minutesOf(hhmm), timeZone).getTime() / 1000)), timezone: timeZone });
  const stops = stopsOf(f);
  // A one-day visit ends with its itinerary's last stop; otherwise at the end of the working day it leaves.
  let endTime = depart === arrive && stops.length ? stops[stops.length - 1].end : DAY_ENDS;
  if (depart === arrive && minutesOf(endTime) <= minutesOf(first)) endTime = minutesOf(first) + 60 < 24 * 60 ? hhmmOf(minutesOf(first) + 60) : '23:59';
  return { start: at(arrive, first), end: at(depart, endTime) };
}

const hhmmOf = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The event for one accompanying leader: summary 接待：单位（编号）, the visit's facts, the group's link. */
export function buildCalendarEvent(facts: EventFacts): CalendarEvent {
  const f = facts.form;
  const unit = cut(fieldOf(f, 'guest_unit'), 200);
  const arrive = fieldOf(f, 'arrive_date').slice(0, 10);
  const depart = fieldOf(f, 'depart_date').slice(0, 10);
  const lead = [fieldOf(f, 'lead_name'), fieldOf(f, 'lead_title')].filter(Boolean).join('');
  const count = Number(f.guest_count);
  const first = firstTime(f);
  const stop = stopsOf(f)[0];
  const lines = [
    `来访单位：${unit}`,
    lead ? `带队领导：${cut(lead, 100)}` : '',
    Number.isFinite(count) && count > 0 ? `来访人数：${count}人` : '',
    `接待编号：${facts.code}`,
    `来访日期：${!depart || depart === arrive ? arrive : `${arrive}至${depart}`}`,
    first ? `首项安排：${first}${stop?.site ? ` ${cut(stop.site, 100)}` : '到达'}` : '',
    facts.role ? `您的安排：${facts.role}` : '',
    facts.chatId ? `接待工作群：${chatLink(facts.chatId)}` : '',
    '本日程由接待助手按审批结果生成，接待变更时随之更新，接待撤回或取消时自动删除。',
  ];
  return { summary: `接待：${unit}（${facts.code}）`, description: lines.filter(Boolean).join('\n'), ...eventTimes(f, facts.timeZone) };
}

/** Two events say the same and fall at the same time. */
export function sameEvent(a: CalendarEvent | null | undefined, b: CalendarEvent): boolean {
  return !!a && a.summary === b.summary && a.description === b.description && timeKey(a.start) === timeKey(b.start) && timeKey(a.end) === timeKey(b.end);
}

const timeKey = (t: CalendarTime) => ('date' in t ? `date:${t.date}` : `at:${t.timestamp}@${t.timezone}`);
