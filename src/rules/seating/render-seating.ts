// Draws seating layouts as PNG images with Chinese names. Builds an SVG (pure, testable),
// then rasterises it with resvg and the bundled Noto Sans SC font (an npm package, so a
// clean `npm ci` is enough: no system font needed). Every drawing says which way it faces.
import { createRequire } from 'node:module';
import type * as ResvgModule from '@resvg/resvg-js';
import { onFirstUse } from '../../lib/on-first-use.js';
import { DIRECTION_WORDS, layoutPodium, podiumOrder, type PodiumDirection, type PodiumLayout } from './podium.js';
import { layoutRoundTable, type RoundTableLayout } from './round-table.js';
import type { SeatingCustom, SeatPerson } from './seat-people.js';

const FONT_FAMILY = 'Noto Sans SC';
/** In a browser (the place-card page) the bundled font may be missing: the usual Chinese fonts follow. */
const FONT_STACK = `${FONT_FAMILY}, 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif`;

export function cjkFontPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Long names are shortened so they stay inside their seat. */
function fit(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

function text(x: number, y: number, size: number, content: string, fill = '#222'): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" text-anchor="middle" dominant-baseline="central" font-family="${FONT_STACK}" fill="${fill}">${esc(content)}</text>`;
}

const COLORS = { host: '#dbe9f7', guest: '#fbe3d4', empty: '#f2f2f2' };

export function buildRoundTableSvg(layout: RoundTableLayout, title = '工作餐座次图'): string {
  const W = 900;
  const H = 960;
  const cx = W / 2;
  const cy = 470;
  const tableR = 210;
  const seatR = 300;
  const r = Math.min(54, Math.floor((Math.PI * seatR) / layout.seats.length) - 4);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    text(cx, 40, 30, title),
    text(cx, 80, 17, `以右为上、面门为上、以近为上${layout.custom === 'shandong' ? '（鲁式：三陪与主陪夹坐主宾）' : ''}｜主陪面向门，服务从主宾开始`, '#555'),
    `<circle cx="${cx}" cy="${cy}" r="${tableR}" fill="#fdf8ee" stroke="#b08d57" stroke-width="3"/>`,
    text(cx, cy - 16, 22, '圆桌'),
    text(cx, cy + 18, 16, `${layout.seats.length}人桌${layout.custom === 'shandong' ? '（鲁式）' : ''}`, '#666'),
  ];
  for (const s of layout.seats) {
    const a = (s.angle * Math.PI) / 180;
    const x = cx + seatR * Math.sin(a);
    const y = cy - seatR * Math.cos(a);
    const fill = s.side ? COLORS[s.side] : COLORS.empty;
    const stroke = s.role === '主陪' || s.role === '主宾' ? '#b03a2e' : '#888';
    parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="${fill}" stroke="${stroke}" stroke-width="2"/>`);
    if (s.person) {
      parts.push(text(x, y - r * 0.3, Math.max(12, Math.round(r * 0.3)), s.role, '#8a2b1f'));
      const size = Math.max(13, Math.round(r * 0.34));
      parts.push(text(x, y + r * 0.25, size, fit(s.person.name, Math.max(4, Math.floor((1.8 * r) / size)))));
    } else {
      parts.push(text(x, y, 14, '空位', '#999'));
    }
  }
  const doorY = cy + seatR + 90;
  parts.push(
    `<rect x="${cx - 70}" y="${doorY - 22}" width="140" height="44" fill="#6b4f2a" rx="4"/>`,
    text(cx, doorY, 22, '门', '#ffffff'),
    text(cx, doorY + 48, 16, '图的下方为门；主陪坐于正对门的位置。蓝色为主方，橙色为客方。', '#555'),
  );
  parts.push('</svg>');
  return parts.join('\n');
}

export function buildPodiumSvg(layout: PodiumLayout, title = '主席台座次图'): string {
  const n = layout.seats.length;
  const cell = 118;
  const W = Math.max(900, n * cell + 120);
  const H = 520;
  const x0 = (W - n * cell) / 2;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    text(W / 2, 40, 30, title),
    text(W / 2, 80, 17, `${DIRECTION_WORDS[layout.direction]}（以台上就座者面向观众的左右为准）；本图为从观众席看向主席台`, '#555'),
    `<rect x="${x0 - 30}" y="130" width="${n * cell + 60}" height="40" fill="#c9a86a" rx="4"/>`,
    text(W / 2, 150, 18, '主席台（背景墙一侧）', '#3b2a10'),
    text(x0 - 10, 205, 15, '台上右侧', '#777'),
    text(x0 + n * cell + 10, 205, 15, '台上左侧', '#777'),
  ];
  for (const s of layout.seats) {
    const x = x0 + s.fromAudienceLeft * cell + cell / 2;
    const lead = s.number === 1;
    parts.push(
      `<rect x="${(x - cell / 2 + 6).toFixed(1)}" y="230" width="${cell - 12}" height="120" fill="${lead ? '#fbe3d4' : '#eef3f8'}" stroke="${lead ? '#b03a2e' : '#8899aa'}" stroke-width="2" rx="6"/>`,
      text(x, 262, 26, String(s.number), '#8a2b1f'),
      text(x, 306, 20, fit(s.person.name, 5)),
    );
    if (s.person.title) parts.push(text(x, 334, 13, fit(s.person.title, 8), '#666'));
  }
  if (n % 2 === 0) parts.push(`<line x1="${W / 2}" y1="215" x2="${W / 2}" y2="365" stroke="#bbb" stroke-dasharray="6 6"/>`);
  parts.push(
    text(W / 2, 410, 22, '↓ 面向观众 ↓'),
    `<rect x="${W / 2 - 160}" y="440" width="320" height="44" fill="#eeeeee" rx="4"/>`,
    text(W / 2, 462, 18, '台下（观众席）', '#444'),
    '</svg>',
  );
  return parts.join('\n');
}

/** resvg (a native addon), loaded with the first chart: an instance that never draws one does not carry it. */
const resvgLib = onFirstUse<typeof ResvgModule>('@resvg/resvg-js');

export function renderSvgToPng(svg: string): Buffer {
  const resvg = new (resvgLib().Resvg)(svg, {
    font: { fontFiles: [cjkFontPath()], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}

export function renderRoundTable(layout: RoundTableLayout, title?: string): Buffer {
  return renderSvgToPng(buildRoundTableSvg(layout, title));
}

export function renderPodium(layout: PodiumLayout, title?: string): Buffer {
  return renderSvgToPng(buildPodiumSvg(layout, title));
}

/** A seating chart to draw later: plain data, so it can wait in an outbox row. */
export type ChartSpec =
  | { kind: 'round'; hosts: SeatPerson[]; guests: SeatPerson[]; custom: SeatingCustom; title: string; seats?: number }
  /** `people` in order of seniority; with `guests`/`hosts` instead, podiumOrder decides it. */
  | { kind: 'podium'; people: SeatPerson[]; title: string; direction?: PodiumDirection; guests?: SeatPerson[]; hosts?: SeatPerson[] };

/** Lays out and renders a chart spec as PNG. Rendering takes a tenth of a second or more, so it runs when the message is delivered, never inside a transaction or a callback. */
export function renderChart(spec: ChartSpec): Buffer {
  return spec.kind === 'round'
    ? renderRoundTable(layoutRoundTable(spec.hosts, spec.guests, { custom: spec.custom, seats: spec.seats }), spec.title)
    : renderPodium(layoutPodium(spec.guests && spec.hosts ? podiumOrder(spec.guests, spec.hosts) : spec.people, { direction: spec.direction }), spec.title);
}
