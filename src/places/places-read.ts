// The library file's rows into library entries, every problem named by row and column (pure).
import { parseYuan } from '../lib/money.js';
import type { PlaceKind, RouteStop } from '../db/schema/places.js';
import type { PlaceColumn, PlacesTableRow } from './places-file.js';

export const KIND_WORDS: Record<string, PlaceKind> = { 点位: 'site', 线路: 'route', 讲解员: 'explainer', 宾馆: 'hotel', 餐厅: 'restaurant' };
export const KIND_LABEL: Record<PlaceKind, string> = { site: '点位', route: '线路', explainer: '讲解员', hotel: '宾馆', restaurant: '餐厅' };

/** One library entry as the import writes it. */
export interface PlaceEntry {
  kind: PlaceKind;
  name: string;
  address: string | null;
  summary: string | null;
  theme: string | null;
  minutes: number | null;
  explainer: string | null;
  contact: string | null;
  phone: string | null;
  priceFen: number | null;
  stops: RouteStop[] | null;
}

export interface PlaceProblem {
  row: number;
  column?: PlaceColumn;
  message: string;
}

export const describePlaceProblem = (p: PlaceProblem) => `第${p.row}行${p.column ? ` ${p.column}` : ''}：${p.message}`;

const MAX_MINUTES = 24 * 60;

function minutesOf(s: string): { value: number | null } | { error: string } {
  if (!s) return { value: null };
  const t = s.replace(/分钟$/, '').trim();
  if (/^-/.test(t)) return { error: `不能为负数（${s}）` };
  if (!/^\d+$/.test(t)) return { error: `“${s.slice(0, 20)}”不是整数分钟` };
  const n = Number(t);
  if (n > MAX_MINUTES) return { error: `${n}分钟超过一天` };
  return { value: n };
}

function priceOf(s: string): { value: number | null } | { error: string } {
  if (!s) return { value: null };
  if (/^-/.test(s.trim())) return { error: `不能为负数（${s}）` };
  const got = parseYuan(s);
  return 'fen' in got ? { value: got.fen } : { error: got.error };
}

/** "红旗渠纪念馆→青年洞(车程20分钟)→分水岭（车程15分钟）" as stops; the first stop's travel is 0. */
export function parseStops(s: string): { value: RouteStop[] } | { error: string } {
  const parts = s.split(/\s*(?:→|->)\s*/).filter(Boolean);
  const stops: RouteStop[] = [];
  for (const [i, part] of parts.entries()) {
    const m = /^(.+?)\s*(?:[(（]\s*车程\s*(-?\d+)\s*分钟\s*[)）])?$/.exec(part.trim());
    if (!m) return { error: `“${part.slice(0, 20)}”无法识别` };
    const travel = m[2] === undefined ? 0 : Number(m[2]);
    if (travel < 0) return { error: `“${m[1]}”的车程不能为负数` };
    if (i === 0 && travel) return { error: `第一个点位“${m[1]}”前不应有车程` };
    stops.push({ site: m[1].trim(), travel });
  }
  if (!stops.length) return { error: '未填写（线路须列出所含点位，以“→”分隔）' };
  return { value: stops };
}

/**
 * Checks every row; `knownSites` are the site names already in the library (a route may name
 * them or a site of the same file). Rows with a problem are not among the entries.
 */
export function readPlaceRows(rows: PlacesTableRow[], knownSites: ReadonlySet<string>): { entries: (PlaceEntry & { row: number })[]; problems: PlaceProblem[] } {
  const problems: PlaceProblem[] = [];
  const entries: (PlaceEntry & { row: number })[] = [];
  const seen = new Map<string, number>();
  const fileSites = new Set(rows.filter((r) => r.cells.类型.trim() === '点位').map((r) => r.cells.名称.trim()));
  for (const { row, cells } of rows) {
    const mine: PlaceProblem[] = [];
    const bad = (column: PlaceColumn, message: string) => mine.push({ row, column, message });
    const kind = KIND_WORDS[cells.类型.trim()];
    if (!kind) bad('类型', cells.类型 ? `“${cells.类型.slice(0, 10)}”不是有效类型，应为点位、线路、讲解员、宾馆、餐厅之一` : '未填写');
    const name = cells.名称.trim();
    if (!name) bad('名称', '未填写');
    else if (name.length > 50) bad('名称', `超过50字（${name.length}字）`);
    for (const c of ['地址', '主题', '讲解员', '联系人', '电话'] as const) if (cells[c].length > 100) bad(c, `超过100字（${cells[c].length}字）`);
    if (cells.简介.length > 1000) bad('简介', `超过1000字（${cells.简介.length}字）`);
    if (cells.电话 && !/^[\d\s+\-()（）转]{5,30}$/.test(cells.电话)) bad('电话', `“${cells.电话.slice(0, 20)}”不是有效电话号码`);
    const minutes = minutesOf(cells.时长分钟);
    if ('error' in minutes) bad('时长分钟', minutes.error);
    const price = priceOf(cells.协议价);
    if ('error' in price) bad('协议价', price.error);
    else if ((kind === 'hotel' || kind === 'restaurant') && price.value === null) bad('协议价', kind === 'hotel' ? '定点宾馆须填写协议价（元/标准间·晚）' : '定点餐厅须填写协议价（元/人·餐）');
    let stops: RouteStop[] | null = null;
    if (kind === 'route' || (kind === 'explainer' && cells.包含点位)) {
      // An explainer's sites may also be listed as 甲、乙 or 甲，乙.
      const got = parseStops(kind === 'explainer' ? cells.包含点位.replace(/[、，,；;]/g, '→') : cells.包含点位);
      if ('error' in got) bad('包含点位', got.error);
      else {
        const missing = got.value.filter((s) => !fileSites.has(s.site) && !knownSites.has(s.site)).map((s) => s.site);
        if (missing.length) bad('包含点位', `${missing.map((m) => `“${m}”`).join('、')}不在本文件或点位库中，请先导入该点位`);
        stops = got.value;
      }
    } else if (cells.包含点位) bad('包含点位', `只有线路和讲解员填写此列`);
    if (kind && name) {
      const key = `${kind}|${name}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) mine.push({ row, column: '名称', message: `与第${earlier}行重复（同一类型、同一名称）` });
      else seen.set(key, row);
    }
    if (mine.length || !kind) {
      problems.push(...mine);
      continue;
    }
    const opt = (s: string) => s.trim() || null;
    entries.push({
      row,
      kind,
      name,
      address: opt(cells.地址),
      summary: opt(cells.简介),
      theme: opt(cells.主题),
      minutes: 'value' in minutes ? minutes.value : null,
      explainer: opt(cells.讲解员),
      contact: opt(cells.联系人),
      phone: opt(cells.电话),
      priceFen: 'value' in price ? price.value : null,
      stops,
    });
  }
  return { entries, problems };
}
