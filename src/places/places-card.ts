// The library's cards: the import preview and outcome, and the listing (点位 / 线路) (pure).
import type { Card, CardElement } from '../cards/card.js';
import { button, card, escapeMd, hr, md } from '../cards/elements.js';
import { formatFen } from '../lib/money.js';
import type { PlaceKind } from '../db/schema/places.js';
import { describePlaceProblem, KIND_LABEL, type PlaceProblem } from './places-read.js';

/** What place_imports.report holds. */
export interface PlacesReport {
  fileName: string;
  /** The file could not be read as a whole (wrong columns, too large…). */
  fileError?: string;
  summary?: string;
  problems: PlaceProblem[];
  badRows: number;
  total: number;
}

const SHOWN = 20;

export function buildPlacesImportCard(opts: { importId: number; report: PlacesReport; state: 'previewed' | 'imported' | 'cancelled' | 'failed'; outcome?: string }): Card {
  const { report: r, state, importId } = opts;
  const elements: CardElement[] = [md(`文件：**${escapeMd(r.fileName)}**`)];
  if (r.fileError) elements.push(md(`**文件无法导入**\n${escapeMd(r.fileError)}`), md('请按导入模板修改后，重新发送“导入点位”。'));
  else {
    elements.push(md(escapeMd(r.summary ?? '')));
    if (r.problems.length) {
      const lines = r.problems.slice(0, SHOWN).map((p) => `- ${escapeMd(describePlaceProblem(p))}`);
      if (r.problems.length > SHOWN) lines.push(`- 另有 ${r.problems.length - SHOWN} 处错误未列出`);
      elements.push(md(`**错误行**\n${lines.join('\n')}`));
    }
  }
  if (state === 'previewed') {
    const buttons: CardElement[] = [];
    if (!r.badRows && !r.fileError) {
      elements.push(md(`确认后导入 ${r.total} 行；同一类型、同一名称的条目以本文件为准更新。`));
      buttons.push(button({ text: '确认导入', type: 'primary', name: 'import', value: { action: 'places.import', importId } }));
    } else elements.push(md('有错误行时不导入任何数据。请改正后重新发送“导入点位”。'));
    buttons.push(button({ text: '取消', name: 'cancel', value: { action: 'places.cancel', importId } }));
    elements.push(hr(), { tag: 'column_set', flex_mode: 'none', horizontal_spacing: '8px', columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })) });
  } else if (opts.outcome) elements.push(hr(), md(`**${escapeMd(opts.outcome)}**`));
  const title = state === 'imported' ? '点位库导入完成' : state === 'cancelled' ? '点位库导入已取消' : state === 'failed' ? '点位库导入未成功' : '点位库导入预览';
  const template = state === 'imported' ? 'green' : state === 'previewed' ? (r.badRows ? 'orange' : 'blue') : 'grey';
  return card({ title, template, summary: `${title}：${r.fileName}`, elements });
}

export interface ListedPlace {
  kind: PlaceKind;
  name: string;
  theme: string | null;
  minutes: number | null;
  address: string | null;
  summary: string | null;
  explainer: string | null;
  contact: string | null;
  phone: string | null;
  priceFen: number | null;
  stops: { site: string; travel: number }[] | null;
}

/** A route's total minutes: its sites' minutes and the travel between them. */
export const routeMinutes = (stops: { site: string; travel: number }[], minutesOf: (site: string) => number) =>
  stops.reduce((sum, s) => sum + s.travel + minutesOf(s.site), 0);

/** 点位 / 线路: the library by theme, with minutes. */
export function buildPlacesListCard(kind: 'site' | 'route', items: ListedPlace[], siteMinutes: Map<string, number>): Card {
  const title = kind === 'site' ? '点位库' : '考察线路';
  if (!items.length) return card({ title, template: 'grey', elements: [md(`${kind === 'site' ? '点位库' : '线路库'}中还没有条目。接待办可发送“导入点位”导入。`)] });
  const byTheme = new Map<string, ListedPlace[]>();
  for (const p of items) byTheme.set(p.theme ?? '未分主题', [...(byTheme.get(p.theme ?? '未分主题') ?? []), p]);
  const elements: CardElement[] = [];
  for (const [theme, ps] of byTheme) {
    const lines = ps.map((p) =>
      kind === 'site'
        ? `- ${escapeMd(p.name)}${p.minutes ? `（约${p.minutes}分钟）` : ''}${p.summary ? `：${escapeMd(p.summary)}` : ''}`
        : `- ${escapeMd(p.name)}（约${routeMinutes(p.stops ?? [], (s) => siteMinutes.get(s) ?? 0)}分钟）：${escapeMd((p.stops ?? []).map((s) => s.site).join(' → '))}`,
    );
    elements.push(md(`**${escapeMd(theme)}**\n${lines.join('\n')}`));
  }
  elements.push(md(`共 ${items.length} 个${kind === 'site' ? '点位' : '线路'}。发送“点位 名称”查看详情。`));
  return card({ title, template: 'turquoise', elements });
}

/** 点位 <名称>: one entry of each kind with that name. */
export function buildPlaceCard(found: ListedPlace[], name: string): Card {
  if (!found.length) return card({ title: '点位库', template: 'grey', elements: [md(`点位库中没有“${escapeMd(name)}”。发送“点位”查看全部点位，“线路”查看线路。`)] });
  const elements = found.map((p) => {
    const lines = [`**${KIND_LABEL[p.kind]}：${escapeMd(p.name)}**`];
    if (p.theme) lines.push(`主题：${escapeMd(p.theme)}`);
    if (p.address) lines.push(`地址：${escapeMd(p.address)}`);
    if (p.summary) lines.push(`简介：${escapeMd(p.summary)}`);
    if (p.minutes) lines.push(`参观时长：约${p.minutes}分钟`);
    if (p.stops?.length) lines.push(`${p.kind === 'route' ? '路线' : '讲解点位'}：${escapeMd(p.stops.map((s, i) => (i && s.travel ? `（车程${s.travel}分钟）→ ${s.site}` : i ? `→ ${s.site}` : s.site)).join(' '))}`);
    if (p.explainer) lines.push(`讲解员：${escapeMd(p.explainer)}`);
    if (p.contact || p.phone) lines.push(`联系人：${escapeMd([p.contact, p.phone].filter(Boolean).join(' '))}`);
    if (p.priceFen !== null) lines.push(`协议价：${formatFen(p.priceFen)}元${p.kind === 'hotel' ? '/标准间·晚' : p.kind === 'restaurant' ? '/人·餐' : ''}`);
    return md(lines.join('\n'));
  });
  return card({ title: escapeMd(name), template: 'turquoise', elements });
}
