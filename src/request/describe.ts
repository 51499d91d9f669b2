/**
 * Pre-fills the reception request form (SPEC §2.1) from the free text after `新建接待`.
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
import type * as Chrono from 'chrono-node';
import { onFirstUse } from '../lib/on-first-use.js';

/** chrono-node, loaded at the first 新建接待 with text: 0.2 s of start-up and 14 MB an idle instance need not pay. */
const chrono = onFirstUse<typeof Chrono>('chrono-node');

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
  /** one of the SPEC §2.1 purposes, when clearly implied */
  purpose?: string;
  /** the original description */
  purpose_detail?: string;
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
  try {
    Object.assign(out, readGuests(stripped));
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
  out.purpose_detail = trimmed;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Calendar helpers: plain dates, arithmetic in UTC so no time zone can interfere.

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function fmt(p: Ymd): string {
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
// Chinese numerals (up to 9999), e.g. 五, 十二, 二十五, 一百零五, 两百, 三百五 (= 350).

const DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const CN_NUM = '[零〇一二两三四五六七八九十百千]';

function chineseNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (!new RegExp(`^${CN_NUM}+$`).test(s)) return undefined;
  let total = 0;
  let digit: number | undefined;
  let lastUnit = 10_000;
  let zeroSeen = false;
  for (const ch of s) {
    if (ch in DIGIT) {
      if (digit !== undefined) return undefined; // two digits in a row: not a number word
      digit = DIGIT[ch];
      if (digit === 0) {
        zeroSeen = true;
        digit = undefined;
      }
    } else {
      const u = UNIT[ch]!;
      if (u >= lastUnit) return undefined;
      total += (digit ?? (u === 10 && total === 0 ? 1 : NaN)) * u;
      if (Number.isNaN(total)) return undefined;
      digit = undefined;
      lastUnit = u;
      zeroSeen = false;
    }
  }
  if (digit !== undefined) {
    // 三百五 means 350, 两千三 means 2300; after 零 or without a unit it is the ones digit.
    total += !zeroSeen && lastUnit > 10 && lastUnit < 10_000 ? (digit * lastUnit) / 10 : digit;
  }
  return total;
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

interface DateResult {
  arrive?: Ymd;
  depart?: Ymd;
  time?: string;
  /** the text with every date and time expression blanked out */
  stripped: string;
}

function readDates(text: string, now: Date, timeZone: string): DateResult {
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

// ---------------------------------------------------------------------------------------------
// Guests: unit, lead, title

const BASE_TITLES = [
  '部长', '厅长', '局长', '处长', '科长', '股长', '主任', '书记', '市长', '县长', '区长', '省长', '州长',
  '镇长', '乡长', '司长', '总经理', '董事长', '院长', '校长', '秘书长', '主席', '所长', '站长', '行长',
  '会长', '理事长', '馆长', '台长', '社长', '厂长', '组长', '团长', '队长', '署长', '总裁', '经理',
  '总监', '总工程师', '总会计师', '检察长', '庭长', '关长', '督察长', '政委', '司令员', '参谋长',
];
const TITLES = [
  ...BASE_TITLES,
  ...BASE_TITLES.map((t) => `副${t}`),
  ...BASE_TITLES.map((t) => `常务副${t}`),
  '党委书记', '党委副书记', '党组书记', '党组副书记', '纪委书记',
  '一级巡视员', '二级巡视员', '巡视员', '副巡视员', '一级调研员', '二级调研员', '三级调研员', '四级调研员',
  '调研员', '副调研员', '教授', '副教授', '研究员', '副研究员', '委员', '常委', '主任科员', '副主任科员',
  '首席执行官', '首席代表', '总代表',
].sort((a, b) => b.length - a.length);
const TITLE_RE = new RegExp(TITLES.join('|'), 'g');

const SINGLE_SURNAMES = new Set(
  [...('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由')],
);
const COMPOUND_SURNAMES = [
  '欧阳', '司马', '诸葛', '上官', '夏侯', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒',
  '令狐', '端木', '轩辕', '呼延', '南宫', '独孤', '西门', '澹台', '万俟', '钟离', '申屠',
];

/**
 * 1–3 Han characters starting with a known surname (2–4 with a compound surname), and no
 * unit-ending character after the surname (so 省委办公厅张 never splits as 省委办 + 公厅张).
 */
function looksLikeName(s: string): boolean {
  if (!/^\p{Script=Han}+$/u.test(s)) return false;
  if ([...s.slice(1)].some((c) => UNIT_CHARS.has(c))) return false;
  if (COMPOUND_SURNAMES.some((c) => s.startsWith(c))) return s.length >= 2 && s.length <= 4;
  return s.length >= 1 && s.length <= 3 && SINGLE_SURNAMES.has(s[0]!);
}

const UNIT_SUFFIXES = [
  '委员会', '管委会', '办公室', '办公厅', '政府', '集团', '公司', '中心', '大学', '学院', '协会', '商会',
  '银行', '医院', '党校', '研究院', '研究所', '电视台', '报社', '代表团', '考察团', '调研组', '检查组',
  '委', '局', '厅', '部', '办', '院', '校', '署', '所', '会', '处', '科', '站', '行', '社', '台', '馆', '队',
  '团', '室', '组', '厂', '司', '府',
];
const UNIT_CHARS = new Set(UNIT_SUFFIXES.filter((x) => x.length === 1));
/** Places as units (江苏省, 浦东新区): only with a name of at least three characters. */
const PLACE_SUFFIXES = ['省', '市', '县', '区', '州', '镇', '乡', '旗'];
const LEADING_FILLER = /^(?:接待|迎接|欢迎|来自|陪同|安排|邀请|负责|由|请|为|是|与)+/;

function asUnit(s: string): string | undefined {
  const u = s.replace(LEADING_FILLER, '');
  if (u.length < 2 || u.length > 30) return undefined;
  if (UNIT_SUFFIXES.some((x) => u.endsWith(x))) return u;
  if (u.length >= 3 && PLACE_SUFFIXES.some((x) => u.endsWith(x))) return u;
  return undefined;
}

/** The run of Han letters and Latin letters ending just before `end`. */
function runBefore(text: string, end: number): string {
  const m = /[\p{Script=Han}A-Za-z]+$/u.exec(text.slice(0, end));
  return m ? m[0] : '';
}

const NAME_AFTER = /^(\p{Script=Han}{2,4}?)(?=一行|等|同志|带队|带领|率|及|和|一起|$|[\s,，。、；;:：!！?？()（）])/u;

/** Words that follow a title and start with a surname character but are not names (来访, 一行…). */
const NOT_A_NAME = /^(?:来|到|莅|带|率|一|考察|调研|检查|指导|参加|出席|洽谈|汇报|交流|学习|陪同|同志|等|及|和|于|在|将|拟|前来|及其)/;

interface Guests {
  guest_unit?: string;
  lead_name?: string;
  lead_title?: string;
}

function readGuests(text: string): Guests {
  for (const m of text.matchAll(TITLE_RE)) {
    const title = m[0];
    const at = m.index!;
    const run = runBefore(text, at);
    // Splits of the run into [unit][name]: first those with a unit, then a bare name.
    let found: { unit?: string; name?: string } | undefined;
    for (const k of [2, 3, 1, 4, 0]) {
      if (k > run.length) continue;
      const name = run.slice(run.length - k);
      const prefix = run.slice(0, run.length - k);
      if (k > 0 && !looksLikeName(name)) continue;
      const unit = prefix ? asUnit(prefix) : undefined;
      if (prefix && unit) {
        found = { unit, name: name || undefined };
        break;
      }
    }
    if (!found && looksLikeName(run) && !asUnit(run)) found = { name: run };
    if (!found) continue;
    if (!found.name) {
      // 市商务局局长李明一行: the name after the title.
      const after = NAME_AFTER.exec(text.slice(at + title.length));
      if (after && looksLikeName(after[1]!) && !NOT_A_NAME.test(after[1]!)) found.name = after[1];
    }
    const g: Guests = { lead_title: title };
    if (found.unit) g.guest_unit = found.unit;
    if (found.name) g.lead_name = found.name;
    return g;
  }
  // No person named: a unit right before 一行/来访/… (省发改委一行5人).
  const m = /([\p{Script=Han}A-Za-z]+?)(?:一行|来访|到访|莅临|来我|代表团|考察团|调研组)/u.exec(text);
  if (m) {
    const unit = asUnit(m[1]!);
    if (unit) return { guest_unit: unit };
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Count

const NUM = `(\\d{1,3}|${CN_NUM}{1,6})`;
const COUNT_PATTERNS = [
  new RegExp(`一行\\s*(?:共\\s*)?${NUM}\\s*[人位名](?![次民])`),
  new RegExp(`共(?:计)?\\s*${NUM}\\s*[人位名](?![次民])`),
  new RegExp(`(?<![\\d零〇一二两三四五六七八九十百千\\-~～至到余多几第])${NUM}\\s*(?:人|位|名)(?![次民大社员事力才口均左右以多余])`),
];

function readCount(text: string): number | undefined {
  for (const re of COUNT_PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    // 5-6人, 二十多人, 十余人: not an exact count.
    const after = text.slice(m.index + m[0].length - 1);
    if (/^[人位名](?:左右|以上|以内|上下)/.test(after)) return undefined;
    const n = chineseNumber(m[1]!);
    return n !== undefined && n >= 1 && n <= 999 ? n : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Purpose

const PURPOSES: Array<[string, RegExp]> = [
  ['出席会议', /出席会议|会议|参会|开会|论坛|峰会|年会/],
  ['考察调研', /考察调研|考察|调研/],
  ['执行任务', /执行任务|执行.{0,4}任务/],
  ['学习交流', /学习交流|交流|学习|取经/],
  ['检查指导', /检查指导|检查|指导|督导|督查|督察/],
  ['请示汇报', /请示汇报|汇报|请示/],
  ['招商洽谈', /招商洽谈|招商|洽谈|签约/],
];

function readPurpose(text: string): string | undefined {
  const hits = PURPOSES.filter(([, re]) => re.test(text)).map(([name]) => name);
  return hits.length === 1 ? hits[0] : undefined; // two kinds named: not clearly implied
}
