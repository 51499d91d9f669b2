/**
 * Pre-fills the reception request form (docs/contracts.md §2.1) from the free text after `新建接待`.
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
 *
 * Guests, count and purpose are read with small hand-written rules (no library covers them)
 * and are conservative: a field is left out rather than guessed. When more than one distinct
 * date is mentioned without a range between them, depart_date is left out.
 *
 * Pure: no I/O, never throws.
 */
import { fmt, readDates } from './describe-dates.js';
import { readCount, readGuests, readPurpose } from './describe-guests.js';
import { kindOf, rankOf } from './describe-rank.js';

export interface Prefill {
  /** 'YYYY-MM-DD' */
  arrive_date?: string;
  /** 'YYYY-MM-DD' */
  depart_date?: string;
  /** 'HH:mm' if a time was given */
  arrive_time?: string;
  guest_unit?: string;
  lead_name?: string;
  lead_title?: string;
  /** digits */
  guest_count?: string;
  /** one of the docs/contracts.md §2.1 purposes, when clearly implied */
  purpose?: string;
  /** 活动安排: the time of arrival and what is left once the fields above are read */
  purpose_detail?: string;
  /** the lead guest's rank, where the title and the unit's level make it clear */
  lead_rank?: string;
  /** 公务/商务/外事, where the unit or the words make it clear */
  kind?: string;
}

export function parseDescription(text: string, now: Date, timeZone: string): Prefill {
  const out: Prefill = {};
  if (typeof text !== 'string') return out;
  const trimmed = text.trim();
  if (!trimmed) return out;

  let stripped = trimmed;
  try {
    const dates = readDates(trimmed, now, timeZone);
    if (dates.arrive) out.arrive_date = fmt(dates.arrive);
    if (dates.depart) out.depart_date = fmt(dates.depart);
    if (dates.time) out.arrive_time = dates.time;
    stripped = dates.stripped;
  } catch {
    // dates stay empty; the rest may still be read
  }
  let said: string[] = [];
  try {
    const { said: words, ...guests } = readGuests(stripped);
    Object.assign(out, guests);
    said = words ?? [];
    const rank = rankOf(out.lead_title, out.guest_unit);
    if (rank) out.lead_rank = rank;
    const kind = kindOf(trimmed, out.guest_unit);
    if (kind) out.kind = kind;
  } catch {
    /* leave guests out */
  }
  // The unit's own name (招商局, 投资促进局) says nothing about the purpose.
  const withoutUnit = out.guest_unit ? stripped.split(out.guest_unit).join(' ') : stripped;
  try {
    const count = readCount(stripped);
    if (count !== undefined) out.guest_count = String(count);
  } catch {
    /* leave count out */
  }
  try {
    const purpose = readPurpose(withoutUnit);
    if (purpose) out.purpose = purpose;
  } catch {
    /* leave purpose out */
  }
  // With no date or time kept, nothing was read from the words chrono matched (三点水): they stay.
  const detail = activityOf(out.arrive_date || out.arrive_time ? stripped : trimmed, said, out.purpose);
  const at = out.arrive_time ? `${out.arrive_time}到达` : '';
  if (at || detail) out.purpose_detail = [at, detail].filter(Boolean).join('，');
  return out;
}

/**
 * 活动安排: what is left of the description once the date, the unit, the lead guest, the headcount
 * and a purpose word alone are taken out (考察园区, 参观展厅并座谈); empty when nothing is left.
 */
function activityOf(stripped: string, said: string[], purpose: string | undefined): string {
  let t = stripped;
  for (const w of [...said].sort((a, b) => b.length - a.length)) t = t.split(w).join(' ');
  t = t
    .replace(/一行\s*(?:共\s*)?[\d零〇一二两三四五六七八九十百千]*\s*[人位名]?/g, ' ')
    .replace(/(?:共(?:计)?\s*)?[\d零〇一二两三四五六七八九十百千]+\s*[人位名](?![次民])/g, ' ')
    .replace(/(?:^|\s)(?:来|到|赴|前来|莅临|来我[区市县单位]*|到访|来访)+/g, ' ')
    .replace(/[\s,，。、；;:：]+/g, ' ')
    .trim()
    .replace(/^(?:来|到|赴|前来|莅临|来我[区市县单位]*|到访|来访)+/, '')
    .trim();
  if (!t || t === purpose || /^(?:考察调研|考察|调研|来访|到访|一行)$/.test(t)) return '';
  return t.replace(/\s+/g, '，');
}

