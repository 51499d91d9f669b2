// A route of the library as a timed itinerary (pure): from the arrival time, each site with its
// minutes, the travel between, the explainer and what it shows (点位介绍, as 安康's handbook has it).
import type { ItineraryStop } from '../rules/checks/read-request.js';

export interface SiteFacts {
  name: string;
  minutes: number | null;
  explainer: string | null;
  summary: string | null;
  address: string | null;
}

/** Minutes a site takes when the library gives none. */
export const DEFAULT_SITE_MINUTES = 30;
export const DEFAULT_ARRIVE = '09:00';

const DAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };

/** "每周一闭馆", "周一、周二闭馆", "周一至周二闭馆": the closed weekdays a site's description names. */
export function closedWeekdays(summary: string | null): number[] {
  if (!summary) return [];
  const out = new Set<number>();
  for (const m of summary.matchAll(/((?:(?:每)?(?:周|星期)[一二三四五六日天][、，,和及至到]?)+)\s*(?:闭馆|休馆|闭园|不开放)/g)) {
    const days = [...m[1].matchAll(/[一二三四五六日天]/g)].map((d) => DAYS[d[0]]);
    if (/[至到]/.test(m[1]) && days.length === 2) for (let d = days[0]; d <= days[1]; d++) out.add(d);
    else days.forEach((d) => out.add(d));
  }
  return [...out].sort();
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The route's stops timed from `arrive` (HH:MM); a site missing from `sites` keeps its name and the default minutes. */
export function buildItinerary(stops: { site: string; travel: number }[], sites: Map<string, SiteFacts>, arrive = DEFAULT_ARRIVE, explainerOf?: (site: string) => string | undefined): ItineraryStop[] {
  let at = toMinutes(arrive);
  return stops.map((s, i) => {
    const site = sites.get(s.site);
    const travel = i === 0 ? 0 : s.travel;
    at += travel;
    const minutes = site?.minutes ?? DEFAULT_SITE_MINUTES;
    const stop: ItineraryStop = { site: s.site, start: hhmm(at), end: hhmm(at + minutes), minutes, travel };
    at += minutes;
    const explainer = site?.explainer ?? explainerOf?.(s.site);
    if (explainer) stop.explainer = explainer;
    if (site?.summary) stop.summary = site.summary;
    if (site?.address) stop.address = site.address;
    const closed = closedWeekdays(site?.summary ?? null);
    if (closed.length) stop.closed = closed;
    return stop;
  });
}
