/**
 * The dates and the time of arrival in a 新建接待 description.
 *
 * Dates use chrono-node 2.10.3's Simplified Chinese parser (`chrono.zh.hans`) where it is
 * right, and this module corrects it where it is wrong. Measured against chrono-node 2.10.3:
 *
 * - Time zone. The zh parsers compute 今天/明天/后天/大后天 from the reference instant in the
 *   *process's* time zone and ignore `ParsingReference.timezone`. At 2026-11-22T17:00Z (already
 *   Monday 11-23 in Shanghai) a UTC server read 今天 as 11-22. Fix: we hand chrono a reference
 *   Date whose process-local wall clock equals the unit's wall clock (noon of the unit's today),
 *   so its relative-day arithmetic happens on the unit's calendar day.
 * - Weeks. chrono's zh weekday parser has Sunday-first weeks and "nearest" semantics: on a Sunday
 *   下周二 gave +9 days (we want +2: the week starting tomorrow), on a Wednesday 这周日 gave the
 *   Sunday before, and a bare 周日 on a Wednesday gave the *past* Sunday. 本周五 is not
 *   recognised at all (it matched only 周五, and on a Sunday returned the Friday before).
 *   下下周二 was read as 下周二. Fix: every weekday expression is handled here, ignoring chrono:
 *   weeks start on Monday; 本周X/这周X = that day of the current week (even if already past);
 *   下周X = current week + 7 days (下下周 +14, 上周 -7); a bare 周X/星期X/礼拜X = the next such day,
 *   today included.
 * - Year of a month/day without a year (11月25日). chrono leaves the year implied. Rule here:
 *   the first occurrence of that month/day that is not more than 31 days in the past, so a
 *   reception a few weeks back can still be recorded, 1月5日 said in November means next January,
 *   and 12月30日 said on January 5 means the December just gone.
 * - Ranges. chrono reads 12月3日到12月5日 and 12月3日至12月5日 as ranges but not 12月3日至5日,
 *   12月3日-5日 or 12月3日~5日 (only the start); a day-only end is read here (same month, or the
 *   next month when the day is smaller: 11月30日至2日 ends on December 2). A range end whose year
 *   is implied gets the start's year, or the next one if it would fall before the start.
 * - 12/3 (month/day with a slash) and 2026/12/3 are not parsed by chrono; read here.
 * - Clock times: chrono reads a bare 3点 (and even the 三点 in 三点水) as 03:00. We keep a time
 *   only when 上午/下午/晚上… was said, it is written HH:mm, or the hour is 7 or later.
 *
 * Everything else (today/tomorrow words, 2026年12月3日, 11月25号, Chinese-numeral dates,
 * ISO dates, times with 上午/下午/半) comes from chrono unchanged.
 */
import type * as Chrono from 'chrono-node';
import { onFirstUse } from '../lib/on-first-use.js';
import { CN_NUM, chineseNumber } from './describe-numbers.js';

/** chrono-node, loaded at the first 新建接待 with text: 0.2 s of start-up and 14 MB an idle instance need not pay. */
const chrono = onFirstUse<typeof Chrono>('chrono-node');

// ---------------------------------------------------------------------------------------------
// Calendar helpers: plain dates, arithmetic in UTC so no time zone can interfere.

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

export function fmt(p: Ymd): string {
  return `${String(p.y).padStart(4, '0')}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

function toDays(p: Ymd): number {
  return Math.floor(Date.UTC(p.y, p.m - 1, p.d) / 86_400_000);
}

function fromDays(n: number): Ymd {
  const dt = new Date(n * 86_400_000);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

function addDays(p: Ymd, n: number): Ymd {
  return fromDays(toDays(p) + n);
}

function valid(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 9999) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** ISO weekday, Monday = 1 … Sunday = 7. */
function isoWeekday(p: Ymd): number {
  const w = new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay();
  return w === 0 ? 7 : w;
}

/** The unit's calendar day at `now`. Throws on an invalid zone or date (callers catch). */
function wallDate(now: Date, timeZone: string): Ymd {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const p = { y: get('year'), m: get('month'), d: get('day') };
  if (!valid(p.y, p.m, p.d)) throw new Error('bad date');
  return p;
}

/** Month/day without a year: the first occurrence not more than 31 days before today. */
function inferYear(m: number, d: number, today: Ymd): Ymd | undefined {
  const floor = toDays(today) - 31;
  for (let y = today.y - 1; y <= today.y + 8; y++) {
    if (valid(y, m, d) && toDays({ y, m, d }) >= floor) return { y, m, d };
  }
  return undefined;
}

/** A range end with an implied year: the start's year, or later if it would precede the start. */
function endAfter(m: number, d: number, start: Ymd): Ymd | undefined {
  for (let y = start.y; y <= start.y + 4; y++) {
    if (valid(y, m, d) && toDays({ y, m, d }) >= toDays(start)) return { y, m, d };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Dates

interface Mention {
  index: number;
  end: number;
  start: Ymd;
  /** set when the mention itself is a range */
  until?: Ymd;
}

const WEEKDAY_RE = /(上上|下下|上|下|本|这)?个?(?:周|星期|礼拜)([一二三四五六日天1-7])/g;
const WD: Record<string, number> = {
  一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7,
  '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7,
};
const WEEK_OFFSET: Record<string, number> = { 上上: -14, 上: -7, 本: 0, 这: 0, 下: 7, 下下: 14 };

const CONNECTOR = '(?:至|到|－|-|~|～|—|–)';
const DAY_NUM = `(\\d{1,2}|${CN_NUM}{1,3})`;
/** The end of a range after a start date: 至5日, -5日, 到12月5日, ~12月5号. */
const RANGE_TAIL = new RegExp(`^\\s*${CONNECTOR}\\s*(?:${DAY_NUM}\\s*月\\s*)?${DAY_NUM}\\s*[日号]`);
const RANGE_CONNECTOR = new RegExp(`^\\s*${CONNECTOR}\\s*`);
const SLASH_RE = /(?<![\d/.])(?:(\d{4})\/)?(\d{1,2})\/(\d{1,2})(?:\s*(?:至|到|－|-|~|～)\s*(?:(\d{1,2})\/)?(\d{1,2}))?(?![\d/])/g;

export interface DateResult {
  arrive?: Ymd;
  depart?: Ymd;
  time?: string;
  /** the text with every date and time expression blanked out */
  stripped: string;
}

export function readDates(text: string, now: Date, timeZone: string): DateResult {
  const today = wallDate(now, timeZone);
  const blanks: Array<[number, number]> = [];
  const mentions: Mention[] = [];

  // Weekday expressions: ours entirely (Monday-first weeks).
  const monday = addDays(today, 1 - isoWeekday(today));
  for (const m of text.matchAll(WEEKDAY_RE)) {
    const wd = WD[m[2]!]!;
    const q = m[1];
    let date: Ymd;
    if (q) {
      date = addDays(monday, WEEK_OFFSET[q]! + wd - 1);
    } else {
      date = addDays(today, (wd - isoWeekday(today) + 7) % 7);
    }
    mentions.push({ index: m.index!, end: m.index! + m[0].length, start: date });
    blanks.push([m.index!, m.index! + m[0].length]);
  }

  // 12/3, 2026/12/3, 12/3-5, 12/3-12/5.
  for (const m of text.matchAll(SLASH_RE)) {
    const month = Number(m[2]);
    const day = Number(m[3]);
    const start = m[1] ? (valid(Number(m[1]), month, day) ? { y: Number(m[1]), m: month, d: day } : undefined) : inferYear(month, day, today);
    if (!start) continue;
    let until: Ymd | undefined;
    if (m[5]) {
      const em = m[4] ? Number(m[4]) : month;
      until = endAfter(em, Number(m[5]), start);
      if (!m[4] && until && until.m !== start.m) until = undefined; // 12/30-5 is unclear
    }
    mentions.push({ index: m.index!, end: m.index! + m[0].length, start, until });
    blanks.push([m.index!, m.index! + m[0].length]);
  }

  // chrono, against a reference whose process-local wall clock is the unit's (noon of its today).
  const ref = new Date(today.y, today.m - 1, today.d, 12, 0, 0);
  const results = chrono().zh.hans.parse(text, ref);
  let time: string | undefined;
  const overlaps = (a: number, b: number) => mentions.some((x) => a < x.end && b > x.index);
  for (const r of results) {
    const rEnd = r.index + r.text.length;
    blanks.push([r.index, rEnd]);
    const s = r.start;
    if (time === undefined && s.isCertain('hour')) {
      const hour = s.get('hour') ?? -1;
      const minute = s.get('minute') ?? 0;
      if (hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && (s.isCertain('meridiem') || hour >= 7 || /[:：]/.test(r.text))) {
        time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
      }
    }
    if (s.isCertain('weekday') || overlaps(r.index, rEnd)) continue; // weekdays are ours
    if (!(s.isCertain('day') && s.isCertain('month'))) continue; // a bare 3号 is too vague
    const month = s.get('month')!;
    const day = s.get('day')!;
    const start = s.isCertain('year')
      ? valid(s.get('year')!, month, day) ? { y: s.get('year')!, m: month, d: day } : undefined
      : inferYear(month, day, today);
    if (!start) continue;
    let until: Ymd | undefined;
    const e = r.end;
    if (e && e.isCertain('day')) {
      const em = e.get('month')!;
      const ed = e.get('day')!;
      until = e.isCertain('year') && e.isCertain('month')
        ? valid(e.get('year')!, em, ed) ? { y: e.get('year')!, m: em, d: ed } : undefined
        : e.isCertain('month') ? endAfter(em, ed, start) : undefined;
    }
    let end = rEnd;
    if (!until) {
      // 12月3日至5日 / 12月3日-5日 / 12月3日~12月5号: chrono stops at the start date.
      const tail = RANGE_TAIL.exec(text.slice(rEnd));
      if (tail) {
        const em = tail[1] !== undefined ? chineseNumber(tail[1]) : undefined;
        const ed = chineseNumber(tail[2]!);
        if (ed !== undefined) {
          if (em !== undefined) until = endAfter(em, ed, start);
          else if (ed >= start.d) until = valid(start.y, start.m, ed) ? { y: start.y, m: start.m, d: ed } : undefined;
          else until = start.m === 12 ? { y: start.y + 1, m: 1, d: ed } : { y: start.y, m: start.m + 1, d: ed };
          if (until && !valid(until.y, until.m, until.d)) until = undefined;
        }
        if (until) {
          end = rEnd + tail[0].length;
          blanks.push([rEnd, end]);
        }
      }
    }
    mentions.push({ index: r.index, end, start, until });
  }

  mentions.sort((a, b) => a.index - b.index);
  const result: DateResult = { stripped: blank(text, blanks) };
  if (time) result.time = time;
  const first = mentions[0];
  if (!first) return result;
  result.arrive = first.start;
  if (first.until) {
    if (toDays(first.until) >= toDays(first.start)) result.depart = first.until;
    return result;
  }
  // 周二至周四, 明天到后天: a second mention right after a connector ends the range.
  const conn = RANGE_CONNECTOR.exec(text.slice(first.end));
  const next = mentions[1];
  if (conn && conn[0].trim() && next && next.index === first.end + conn[0].length) {
    if (toDays(next.start) >= toDays(first.start)) result.depart = next.start;
    return result;
  }
  const distinct = new Set(mentions.map((x) => toDays(x.start)));
  if (distinct.size === 1) result.depart = first.start; // one date: a one-day visit
  return result;
}

/** Replaces each span (UTF-16 offsets, as chrono reports them) with spaces of the same length. */
function blank(text: string, spans: Array<[number, number]>): string {
  return spans.reduce((t, [a, b]) => t.slice(0, a) + ' '.repeat(Math.max(0, b - a)) + t.slice(b), text);
}

