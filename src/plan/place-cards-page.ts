// The printable page of a reception's protocol (docs/protocol.md): the 座次表 of every table and the
// podium, a 席卡 (tent card, the name large on both faces) for every named seat, and a 手边单 (the
// day's itinerary on one card) for the lead guests. One self-contained A4 page: inline CSS and SVG,
// no script, nothing fetched; every value typed by people is escaped.
import { buildPodiumSvg, buildRoundTableSvg } from '../rules/seating/render-seating.js';
import { DIRECTION_WORDS, podiumOrder, type PodiumLayout, type SeatPerson, type TableLayout } from '../rules/seating/seating.js';

export interface PlaceCardsView {
  code: string;
  unit: string;
  guestUnit: string;
  dates: string;
  /** 主陪 with the reason, and the 陪同. */
  hosts: { chief: string; reason: string; accompany: string[] };
  tables: TableLayout[];
  podium: PodiumLayout;
  /** The 手边单's lines: dates, meetings, meals, lodging, vehicles. */
  itinerary: string[];
  /** "联系人：王小明 13800000001" */
  contact: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Placeholders (随行人员3, 陪餐人员1) have no name to print yet. */
export const isPlaceholder = (p: SeatPerson) => /^(随行人员|陪餐人员)\d+$/.test(p.name);

const CSS = `
@page { size: A4 portrait; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: 'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif; color: #222; background: #f4f4f4; }
.sheet { width: 210mm; margin: 0 auto; background: #fff; padding: 12mm; }
h1 { text-align: center; font-size: 22pt; margin: 0 0 4mm; letter-spacing: 2pt; }
h2 { font-size: 14pt; border-left: 4pt solid #b03a2e; padding-left: 3mm; margin: 8mm 0 3mm; }
.meta { display: flex; justify-content: space-between; font-size: 10.5pt; color: #444; margin-bottom: 3mm; }
.hosts { font-size: 11pt; line-height: 1.7; border: 1px solid #ccc; padding: 2mm 4mm; }
.chart { page-break-inside: avoid; break-inside: avoid; text-align: center; margin-bottom: 4mm; }
.chart svg { width: 100%; max-width: 160mm; height: auto; }
.chart .cap { font-size: 10.5pt; color: #444; }
.order { font-size: 10.5pt; color: #444; }
.cards { page-break-before: always; break-before: page; }
.tent { width: 186mm; height: 124mm; margin: 0 auto 6mm; border: 1px dashed #999; display: flex; flex-direction: column; page-break-inside: avoid; break-inside: avoid; }
.face { flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: center; overflow: hidden; }
.face.back { transform: rotate(180deg); border-bottom: 1px dashed #bbb; }
.face .name { font-size: 48pt; font-weight: 700; letter-spacing: 6pt; line-height: 1.15; max-width: 176mm; overflow-wrap: anywhere; text-align: center; }
.face .title { font-size: 14pt; color: #555; margin-top: 2mm; }
.fold { font-size: 8pt; color: #999; text-align: center; }
.hand { width: 120mm; min-height: 160mm; margin: 0 auto 6mm; border: 1px solid #b08d57; padding: 8mm; page-break-inside: avoid; break-inside: avoid; }
.hand h3 { text-align: center; margin: 0 0 4mm; font-size: 15pt; }
.hand .to { font-size: 12pt; margin-bottom: 3mm; }
.hand ul { padding-left: 5mm; margin: 0; font-size: 11pt; line-height: 1.8; }
.hand .contact { margin-top: 4mm; font-size: 11pt; }
.note { font-size: 9.5pt; color: #666; }
@media print { body { background: #fff; } .sheet { width: auto; padding: 0; margin: 0; } }
`;

function tentCard(p: SeatPerson): string {
  const face = (cls: string) => `<div class="face ${cls}"><div class="name">${esc(p.name)}</div>${p.title ? `<div class="title">${esc(p.title)}</div>` : ''}</div>`;
  return `<div class="tent">${face('back')}${face('front')}</div>`;
}

function handCard(v: PlaceCardsView, p: SeatPerson): string {
  return `<div class="hand"><h3>${esc(v.unit)}<br>接待日程</h3><div class="to">尊敬的${esc(p.name)}${p.title ? esc(p.title) : ''}：</div><ul>${v.itinerary.map((l) => `<li>${esc(l)}</li>`).join('')}</ul><div class="contact">${esc(v.contact)}</div></div>`;
}

export function renderPlaceCardsPage(v: PlaceCardsView): string {
  const several = v.tables.length > 1;
  const tables = v.tables
    .map((t) => {
      const title = several ? `第${t.table}桌（${t.place}）座次图` : '工作餐座次图';
      return `<div class="chart">${buildRoundTableSvg(t.layout, title)}</div>`;
    })
    .join('');
  const order = several
    ? `<p class="order">桌次：共${v.tables.length}桌。${v.tables.map((t) => `第${t.table}桌：${t.place}`).join('；')}。左右以主桌主陪面门而坐为准（以右为上、以近为上）。</p>`
    : '';
  // Table by table, each in order of seniority (the guest first at equal rank), then the podium.
  const byNumber = [...v.podium.seats].sort((a, b) => a.number - b.number).map((s) => s.person);
  const seated = [...v.tables.flatMap((t) => podiumOrder(t.guests, t.hosts).map((e) => e.person)), ...byNumber];
  const named = seated.filter((p, i) => !isPlaceholder(p) && seated.findIndex((q) => q.name === p.name && q.title === p.title) === i);
  const unnamed = new Set(seated.filter(isPlaceholder).map((p) => p.name)).size;
  const leads = v.podium.seats.filter((s) => s.side === 'guest' && !isPlaceholder(s.person)).map((s) => s.person);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>座次表、席卡和手边单 ${esc(v.code)}</title>
<style>${CSS}</style>
</head>
<body>
<main class="sheet">
<h1>座次表</h1>
<div class="meta"><div>${esc(v.unit)}接待${esc(v.guestUnit)}　${esc(v.dates)}</div><div>编号：${esc(v.code)}</div></div>
<div class="hosts">主陪：${esc(v.hosts.chief)}（${esc(v.hosts.reason)}）<br>陪同：${v.hosts.accompany.length ? v.hosts.accompany.map(esc).join('、') : '无'}</div>
${v.tables.length ? `<h2>工作餐${several ? `（共${v.tables.length}桌）` : ''}</h2>${order}${tables}` : ''}
<h2>会议主席台（${DIRECTION_WORDS[v.podium.direction]}）</h2>
<div class="chart">${buildPodiumSvg(v.podium)}</div>
<section class="cards">
<h2>席卡（共${named.length}张，沿虚线对折，两面均为姓名）</h2>
${unnamed ? `<p class="note">另有${unnamed}个座位的来宾或陪餐人员姓名尚未确定，确定后请补印席卡。</p>` : ''}
${named.map(tentCard).join('\n')}
</section>
<section class="cards">
<h2>手边单</h2>
${leads.map((p) => handCard(v, p)).join('\n') || '<p class="note">（无）</p>'}
</section>
</main>
</body>
</html>
`;
}
