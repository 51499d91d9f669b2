// Rules that read the office's library (docs/places.md), pure: lodging at a non-定点 hotel or above
// its agreed price (R7), a 定点 restaurant whose agreed price per person is above the meal standard,
// and a site of the itinerary closed on the day it is visited.
import { cite, type Finding, finding } from './finding.js';
import { mealStandard } from '../policy/standards.js';
import type { Policy } from '../policy/policy-schema.js';
import type { ReceptionRequest } from './read-request.js';
import type { SettlementLine } from './read-settlement.js';
import { daysBetween } from './dates.js';

const WEEKDAY = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const weekdayOf = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const yuan = (n: number) => `${Math.round(n * 100) / 100}元`;

/** At the request: the hotel and restaurant chosen against the library, and the sites' closed days. */
export function checkLibraryChoices(r: ReceptionRequest, policy: Policy, library: { hasHotels: boolean }): Finding[] {
  const out: Finding[] = [];
  if (r.lodging && r.lodging !== '不安排' && library.hasHotels && !r.hotel) {
    out.push(finding('R7', 'reason', `安排住宿但未选择定点宾馆；住宿应安排在定点宾馆，按协议价结算，须说明理由 (R7)`, 'hotel'));
  }
  if (r.restaurant && r.restaurant_price !== undefined) {
    const std = mealStandard(policy, r.kind, r.lead_rank);
    if (std && std.unit === '元/人·餐' && r.restaurant_price > std.max) {
      out.push(finding(std.rule, policy.meals.working_meal.over_standard, `用餐餐厅${r.restaurant}的协议价${yuan(r.restaurant_price)}/人·餐，超过${r.lead_rank}${std.label}${std.max}${std.unit} ${cite(std.rule)}`, 'restaurant'));
    }
  }
  out.push(...checkClosedSites(r));
  return out;
}

/** A site of the itinerary the library marks closed on the visit's day (the first day of the visit). */
export function checkClosedSites(r: ReceptionRequest): Finding[] {
  if (!r.itinerary?.length || !r.arrive_date) return [];
  const day = weekdayOf(r.arrive_date);
  return r.itinerary
    .filter((s) => s.closed?.includes(day))
    .map((s) => finding('places.closed', 'reason', `考察点位${s.site}${WEEKDAY[day]}闭馆（${r.arrive_date}为${WEEKDAY[day]}），请调整日期或线路 (本地规定)`, 'route'));
}

/** At settlement: a 住宿 line at the 定点 hotel above its agreed price per room-night (R7). */
export function checkHotelLine(line: SettlementLine, at: string, n: string, r: ReceptionRequest): Finding[] {
  if (line.category !== '住宿' || !r.hotel || r.hotel_price === undefined) return [];
  const nights = Math.max(1, daysBetween(r.arrive_date, r.depart_date));
  const rooms = Math.max(1, r.rooms || 1);
  const each = line.amount / (nights * rooms);
  if (each <= r.hotel_price + 1e-9) return [];
  return [finding('R7', 'reason', `${n}：${r.hotel}住宿${rooms}间${nights}晚，每间每晚${yuan(each)}，超过该定点宾馆协议价${yuan(r.hotel_price)}，须说明理由 (R7)`, `${at}.amount`)];
}
