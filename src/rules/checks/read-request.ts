// The request (接待审批单, docs/contracts.md §2.1) as the engine sees it, and a reader that turns
// untrusted input (form values, facts.json) into it: every missing or impossible value
// becomes a `block` finding naming its field, never an exception.
import { parseDate } from './dates.js';
import { type Finding, finding } from './finding.js';
import {
  KINDS,
  type Kind,
  LODGING_TYPES,
  type LodgingType,
  PURPOSES,
  type Purpose,
  RANKS,
  type Rank,
} from '../vocabulary.js';

export interface ReceptionRequest {
  guest_unit: string;
  lead_name: string;
  lead_title: string;
  lead_rank: Rank;
  guest_count: number;
  kind: Kind;
  purpose: Purpose;
  purpose_detail: string;
  /** YYYY-MM-DD */
  arrive_date: string;
  /** YYYY-MM-DD, not before arrive_date */
  depart_date: string;
  /** Empty: no letter. */
  letter_no: string;
  working_meal: '是' | '否';
  accompany_count: number;
  lodging: LodgingType;
  rooms: number;
  vehicles: number;
  notes: string;
  // Extras beyond the form (all optional).
  /** A recorded phone notice (电话记录单) stands in for the letter, where the policy allows it (R4). */
  phone_notice?: boolean;
  /** The host unit pays the lodging (R7: normally the guests' own unit pays). */
  lodging_paid_by_host?: boolean;
  /** The guests are from a unit in the same city (同城接待). */
  same_city?: boolean;
  /** Working meals the host arranges during the visit (R8); 1 when working_meal is 是 and this is absent. */
  meal_count?: number;
  /** Banquets during a foreign guests' stay (外事). */
  banquet_count?: number;
  // From the office's library (docs/places.md), all optional.
  /** HH:MM of arrival: the itinerary's start (09:00 when absent). */
  arrive_time?: string;
  /** 考察线路: a route of the library, by name. */
  route?: string;
  /** 住宿宾馆 / 用餐餐厅: a 定点 hotel or restaurant of the library, by name. */
  hotel?: string;
  restaurant?: string;
  /** Their agreed prices (元) as the library held them at submission. */
  hotel_price?: number;
  restaurant_price?: number;
  /** The timed itinerary built from the route at submission. */
  itinerary?: ItineraryStop[];
}

/** One stop of a timed itinerary (点位介绍): times HH:MM, the travel before it, what it shows. */
export interface ItineraryStop {
  site: string;
  start: string;
  end: string;
  minutes: number;
  /** Minutes of travel from the stop before (0 for the first). */
  travel: number;
  explainer?: string;
  summary?: string;
  address?: string;
  /** 1 = Monday … 7 = Sunday: days the site is closed (from the library). */
  closed?: number[];
}

const LABELS: Record<string, string> = {
  guest_unit: '来访单位',
  lead_name: '带队领导',
  lead_title: '职务',
  lead_rank: '级别',
  guest_count: '来访人数',
  kind: '接待类型',
  purpose: '事由',
  arrive_date: '到达日期',
  depart_date: '离开日期',
  accompany_count: '陪餐人数',
  rooms: '房间数',
  vehicles: '用车数',
  meal_count: '工作餐次数',
  banquet_count: '宴请次数',
  phone_notice: '电话记录单',
  lodging_paid_by_host: '接待单位支付住宿费',
  same_city: '同城接待',
  arrive_time: '到达时间',
  route: '考察线路',
  hotel: '住宿宾馆',
  restaurant: '用餐餐厅',
};

const form = (message: string, field: string): Finding => finding('form', 'block', message, field);

function str(raw: Record<string, unknown>, key: string, out: Finding[], required: boolean): string {
  const v = raw[key];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (required) out.push(form(`请填写${LABELS[key]}`, key));
    return '';
  }
  if (typeof v !== 'string' && typeof v !== 'number') {
    out.push(form(`${LABELS[key] ?? key}应为文字`, key));
    return '';
  }
  return String(v).trim();
}

/** Integers may arrive as numbers or as the strings a form posts. */
function int(raw: Record<string, unknown>, key: string, out: Finding[], min: number, max: number, fallback?: number): number {
  const v = raw[key];
  if (v === undefined || v === null || v === '') {
    if (fallback !== undefined) return fallback;
    out.push(form(`请填写${LABELS[key]}`, key));
    return NaN;
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    out.push(form(`${LABELS[key]}应为${min}至${max}之间的整数，现为「${String(v)}」`, key));
    return NaN;
  }
  return n;
}

function oneOf<T extends string>(raw: Record<string, unknown>, key: string, list: readonly T[], out: Finding[]): T | undefined {
  const v = str(raw, key, out, true);
  if (!v) return undefined;
  if ((list as readonly string[]).includes(v)) return v as T;
  out.push(form(`${LABELS[key]}「${v}」无效，应为：${list.join('、')}`, key));
  return undefined;
}

/** A yes/no extra: true, false, 是, 否 (or "true"/"false" as a form posts them); anything else is named. */
function flag(raw: Record<string, unknown>, key: string, out: Finding[]): boolean | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (v === true || v === '是' || v === 'true') return true;
  if (v === false || v === '否' || v === 'false') return false;
  out.push(form(`${LABELS[key]}应为「是」或「否」，现为「${String(v)}」`, key));
  return undefined;
}

/** An optional name of the library (at most 50 characters); undefined when empty. */
function short(raw: Record<string, unknown>, key: string, out: Finding[]): string | undefined {
  const v = str(raw, key, out, false);
  if (!v) return undefined;
  if (v.length > 50) out.push(form(`${LABELS[key]}不超过50字`, key));
  return v;
}

/** 到达时间 as HH:MM ("9:30", "09:30", "9点30"); undefined when empty. */
function clockTime(raw: Record<string, unknown>, out: Finding[]): string | undefined {
  const v = str(raw, 'arrive_time', out, false).replace(/[：点]/, ':').replace(/分$/, '');
  if (!v) return undefined;
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(v);
  if (!m || Number(m[1]) > 23 || Number(m[2] ?? 0) > 59) {
    out.push(form(`到达时间「${v}」无效，请按“09:30”填写`, 'arrive_time'));
    return undefined;
  }
  return `${m[1].padStart(2, '0')}:${m[2] ?? '00'}`;
}

/** An agreed price in 元 (from the library at submission, or facts.json): not negative. */
function price(raw: Record<string, unknown>, key: string, out: Finding[]): number | undefined {
  const v = raw[key];
  if (absent(v)) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d{1,2})?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) {
    out.push(form(`${key === 'hotel_price' ? '宾馆协议价' : '餐厅协议价'}应为不小于0的金额，现为「${String(v)}」`, key));
    return undefined;
  }
  return n;
}

/** The stored timed itinerary: stops with a site and HH:MM times; anything else is named. */
function readItinerary(v: unknown, out: Finding[]): ItineraryStop[] | undefined {
  if (absent(v)) return undefined;
  const time = (t: unknown) => typeof t === 'string' && /^\d{2}:\d{2}$/.test(t);
  const count = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  const ok = Array.isArray(v) && v.every((s) => s && typeof s === 'object' && typeof s.site === 'string' && time(s.start) && time(s.end) && count(s.minutes) && count(s.travel));
  if (!ok) {
    out.push(form('行程（itinerary）应为点位及其时间的列表', 'itinerary'));
    return undefined;
  }
  return v as ItineraryStop[];
}

/** A form posts an empty input as ''; facts.json leaves it out. */
const absent = (v: unknown) => v === undefined || v === null || v === '';

export interface ReadResult<T> {
  value: T | null;
  findings: Finding[];
}

export function readRequest(input: unknown): ReadResult<ReceptionRequest> {
  const out: Finding[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { value: null, findings: [form('缺少接待审批单内容', 'request')] };
  }
  const raw = input as Record<string, unknown>;
  const guest_unit = str(raw, 'guest_unit', out, true);
  const lead_name = str(raw, 'lead_name', out, true);
  const lead_title = str(raw, 'lead_title', out, true);
  const lead_rank = oneOf(raw, 'lead_rank', RANKS, out);
  const guest_count = int(raw, 'guest_count', out, 1, 500);
  const kind = oneOf(raw, 'kind', KINDS, out);
  const purposeText = str(raw, 'purpose', out, true);
  const purpose = (PURPOSES as readonly string[]).includes(purposeText) ? (purposeText as Purpose) : undefined;
  if (purposeText && !purpose) {
    out.push(finding('R1', 'block', `事由「${purposeText}」不属于公务活动范围，事由应为：${PURPOSES.join('、')} (R1)`, 'purpose'));
  }
  const dates = ['arrive_date', 'depart_date'].map((key) => {
    const text = str(raw, key, out, true);
    const d = text ? parseDate(text) : null;
    if (text && !d) out.push(form(`${LABELS[key]}「${text}」不是有效日期，格式应为YYYY-MM-DD`, key));
    return d;
  });
  const [arrive, depart] = dates;
  if (arrive && depart && depart < arrive) {
    out.push(form(`离开日期${depart}早于到达日期${arrive}`, 'depart_date'));
  }
  const mealText = str(raw, 'working_meal', out, false) || '否';
  if (mealText !== '是' && mealText !== '否') out.push(form(`安排工作餐应为「是」或「否」，现为「${mealText}」`, 'working_meal'));
  const lodging = str(raw, 'lodging', out, false) || '不安排';
  if (!(LODGING_TYPES as readonly string[]).includes(lodging)) {
    out.push(form(`住宿「${lodging}」无效，应为：${LODGING_TYPES.join('、')}`, 'lodging'));
  }
  const request = {
    guest_unit,
    lead_name,
    lead_title,
    lead_rank,
    guest_count,
    kind,
    purpose,
    purpose_detail: str(raw, 'purpose_detail', out, false),
    arrive_date: arrive,
    depart_date: depart,
    letter_no: str(raw, 'letter_no', out, false),
    working_meal: mealText,
    accompany_count: int(raw, 'accompany_count', out, 0, 500, 0),
    lodging,
    rooms: int(raw, 'rooms', out, 0, 500, 0),
    vehicles: int(raw, 'vehicles', out, 0, 500, 0),
    notes: str(raw, 'notes', out, false),
    phone_notice: flag(raw, 'phone_notice', out),
    lodging_paid_by_host: flag(raw, 'lodging_paid_by_host', out),
    same_city: flag(raw, 'same_city', out),
    meal_count: absent(raw.meal_count) ? undefined : int(raw, 'meal_count', out, 0, 100),
    banquet_count: absent(raw.banquet_count) ? undefined : int(raw, 'banquet_count', out, 0, 100),
    arrive_time: clockTime(raw, out),
    route: short(raw, 'route', out),
    hotel: short(raw, 'hotel', out),
    restaurant: short(raw, 'restaurant', out),
    hotel_price: price(raw, 'hotel_price', out),
    restaurant_price: price(raw, 'restaurant_price', out),
    itinerary: readItinerary(raw.itinerary, out),
  };
  const blocked = out.some((f) => f.severity === 'block');
  for (const k of Object.keys(request) as (keyof typeof request)[]) if (request[k] === undefined) delete request[k];
  return { value: blocked ? null : (request as ReceptionRequest), findings: out };
}
