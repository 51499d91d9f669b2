// The printable reception list (公务接待清单, R5) as one self-contained HTML page: inline CSS, no
// script, nothing fetched. Every value from the report is escaped: guest names, places and notes
// are typed by people. Also the amount in Chinese capitals (大写), which the spreadsheet uses too.
import { formatFen } from '../lib/money.js';
import type { ReportSignature, SettlementReport } from './settlement-report.js';
import { zonedParts } from '../lib/working-time.js';

export interface ExportOptions {
  /** The unit's time zone, for signature and audit times (ISO in the report). Default Asia/Shanghai. */
  timeZone?: string;
}

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const PLACES = ['', '拾', '佰', '仟'];
const SECTIONS = ['', '万', '亿'];

/**
 * Fen in Chinese capital numerals as finance writes them on vouchers: 128050 → 壹仟贰佰捌拾元伍角整,
 * 100000101 → 壹佰万零壹元零壹分, 1 → 壹分, 0 → 零元整. Integer arithmetic only; one 零 stands for
 * any run of zeros between two written digits (also across 万 and 亿), 零 before the 分 when the
 * 角 is zero, 整 after 元 or 角. Amounts from 1万亿元 up are refused.
 */
export function amountInCapitals(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`amountInCapitals: ${fen} is not a whole number of fen`);
  if (fen < 0) return `负${amountInCapitals(-fen)}`;
  const yuan = Math.floor(fen / 100);
  if (yuan >= 1e12) throw new RangeError(`amountInCapitals: ${fen} fen is out of range`);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;

  let int = '';
  if (yuan > 0) {
    const digits = String(yuan);
    let zero = false;
    let sectionHasDigit = false;
    for (let i = 0; i < digits.length; i++) {
      const pos = digits.length - 1 - i;
      const d = Number(digits[i]);
      if (d === 0) zero = int !== '';
      else {
        if (zero) int += '零';
        int += DIGITS[d] + PLACES[pos % 4];
        zero = false;
        sectionHasDigit = true;
      }
      if (pos % 4 === 0) {
        if (sectionHasDigit) int += SECTIONS[pos / 4];
        sectionHasDigit = false;
      }
    }
    int += '元';
  }

  if (jiao === 0 && cents === 0) return yuan > 0 ? `${int}整` : '零元整';
  if (jiao === 0) return `${int}${yuan > 0 ? '零' : ''}${DIGITS[cents]}分`;
  return `${int}${DIGITS[jiao]}角${cents === 0 ? '整' : `${DIGITS[cents]}分`}`;
}

/** An ISO instant as "YYYY-MM-DD HH:mm" in the unit's time zone; anything unreadable as it was given. */
export function formatLocalTime(iso: string | undefined, timeZone = 'Asia/Shanghai'): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const p = zonedParts(at, timeZone);
  return `${p.date} ${String(Math.floor(p.minutes / 60)).padStart(2, '0')}:${String(p.minutes % 60).padStart(2, '0')}`;
}

/** "2026-03-10 至 2026-03-12", or the one date of a one-day visit. */
export function visitDates(report: Pick<SettlementReport, 'arriveDate' | 'departDate'>): string {
  return !report.departDate || report.departDate === report.arriveDate ? report.arriveDate : `${report.arriveDate} 至 ${report.departDate}`;
}

/** The second signer's title on the form: the role they signed as, 证明人 by default. */
export const secondRole = (report: SettlementReport): string => report.second?.signature?.role || report.second?.role || '证明人';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes a value for text and quoted attributes. */
export const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

const CSS = `
@page { size: A4; margin: 15mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #e9e9e9; color: #000;
  font-family: "FangSong", "仿宋", "STFangsong", "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", serif;
  font-size: 10.5pt; line-height: 1.4; }
.sheet { width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 15mm; background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.25); }
h1 { margin: 0 0 4mm; padding-left: .35em; text-align: center; font-size: 20pt; letter-spacing: .35em; font-weight: bold;
  font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimHei", "黑体", "Noto Serif CJK SC", "Source Han Serif SC", serif; }
.meta { display: flex; justify-content: space-between; gap: 6mm; margin-bottom: 2mm; }
.meta .code { white-space: nowrap; }
h2 { margin: 3.5mm 0 1.2mm; font-size: 11pt; font-weight: bold; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 0.75pt solid #000; padding: 1mm 1.5mm; vertical-align: middle; overflow-wrap: anywhere; word-break: break-word; }
th { font-weight: bold; text-align: center; background: #f2f2f2; }
td.label { font-weight: bold; text-align: center; background: #f7f7f7; }
td.c { text-align: center; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.empty { color: #666; text-align: center; }
table.costs { font-size: 9.5pt; }
table.costs th, table.costs td { padding: 1mm 1.2mm; }
td.invoice { font-size: 8.5pt; }
tr.total td { font-weight: bold; }
.note { color: #333; font-size: 9pt; }
.signs { margin-top: 5mm; display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 4mm; }
.sign .who { font-weight: bold; }
.sign .line { display: inline-block; min-width: 28mm; border-bottom: 0.75pt solid #000; padding: 0 1mm; }
.sign .when { margin-top: 1.5mm; font-size: 9.5pt; }
.closing { display: flex; justify-content: space-between; align-items: flex-end; gap: 6mm; margin-top: 3mm; }
.audits { align-self: flex-start; font-size: 9.5pt; }
.audits div + div { margin-top: 1mm; }
/* Room for a 42 mm round seal over the unit's date. */
.seal { flex: none; width: 56mm; height: 34mm; display: flex; flex-direction: column; justify-content: flex-end; align-items: center; gap: 1.5mm; }
.footer { margin-top: 3mm; padding-top: 1mm; border-top: 0.5pt solid #999; color: #555; font-size: 7.5pt; overflow-wrap: anywhere; }
@media print {
  body { background: #fff; }
  .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
  body { font-size: 10pt; line-height: 1.3; }
  h1 { font-size: 18pt; margin-bottom: 3mm; }
  h2 { margin: 2.5mm 0 1mm; }
  th, td { padding-top: 0.7mm; padding-bottom: 0.7mm; }
  .signs { margin-top: 4mm; }
  .seal { height: 30mm; }
  tr, .signs, .closing { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
`;

/** One signer: the role, the name on a line, and the date they signed (a blank line when they have not). */
function signCell(role: string, name: string | undefined, when: string, note = ''): string {
  return `<div class="sign"><div><span class="who">${esc(role)}：</span><span class="line">${esc(name ?? '')}</span></div><div class="when">日期：${when ? esc(when) : '<span class="line"></span>'}${note ? ` <span class="note">${esc(note)}</span>` : ''}</div></div>`;
}

const signed = (name: string | undefined, sig: ReportSignature | undefined, tz: string): [string | undefined, string, string] => [name, sig ? formatLocalTime(sig.at, tz) : '', name && !sig ? '（未签）' : ''];

const emptyRow = (cols: number, text: string) => `<tr><td class="empty" colspan="${cols}">${esc(text)}</td></tr>`;

/** The whole page: A4 portrait, the facts, guests, activities, accompanying people, costs, signatures and the seal area. */
export function renderSettlementPage(report: SettlementReport, opts: ExportOptions = {}): string {
  const tz = opts.timeZone ?? 'Asia/Shanghai';
  const r = report;
  const t = r.totals;

  // Two guests a row, as the paper form has it: a delegation of twenty still fits the page.
  const guestCells = r.guests.map((g, i) => `<td class="c">${i + 1}</td><td>${esc(g.name)}</td><td>${esc(g.title)}</td>`);
  if (guestCells.length % 2) guestCells.push('<td></td><td></td><td></td>');
  let guests = '';
  for (let i = 0; i < guestCells.length; i += 2) guests += `<tr>${guestCells[i]}${guestCells[i + 1]}</tr>`;
  if (!guests) guests = emptyRow(6, '（无）');
  const activities = r.activities.length
    ? r.activities.map((a, i) => `<tr><td class="c">${i + 1}</td><td>${esc(a.time)}</td><td>${esc(a.place)}</td><td>${esc(a.activity)}</td></tr>`).join('')
    : emptyRow(4, '（无）');
  const lines = r.lines.length
    ? r.lines
        .map((l) => {
          const detail = [l.items, l.reason ? `说明：${l.reason}` : ''].filter(Boolean).map(esc).join('<br>');
          return `<tr><td class="c">${esc(l.no)}</td><td class="c">${esc(l.category)}</td><td>${detail}</td><td>${esc(l.payee)}</td><td class="c">${esc(l.payment)}</td><td class="invoice">${esc(l.invoiceNo ?? '')}</td><td class="c">${esc(l.persons ?? '')}</td><td class="num">${formatFen(l.amountFen)}</td></tr>`;
        })
        .join('')
    : emptyRow(8, '（无费用）');
  const byCategory = t.byCategory.map((c) => `${esc(c.category)} ${formatFen(c.amountFen)}元`).join('；');
  const accompany = r.accompany.length ? `${r.accompany.map(esc).join('、')}（共${r.accompany.length}人）` : '（无）';
  const audits = (['接待办审核', '财务审核'] as const)
    .map((stage) => {
      const a = r.audits.find((x) => x.stage === stage);
      return `<div>${stage}：${a ? `${esc(a.name)}　${esc(formatLocalTime(a.at, tz))}${a.comment ? `　意见：${esc(a.comment)}` : ''}` : '（未审核）'}</div>`;
    })
    .join('');

  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>公务接待清单 ${esc(r.code)}</title>
<style>${CSS}</style>
</head>
<body>
<main class="sheet">
<h1>公务接待清单</h1>
<div class="meta"><div>接待单位：${esc(r.unit)}${r.department ? `（${esc(r.department)}）` : ''}</div><div class="code">编号：${esc(r.code)}</div></div>
<table class="facts">
<colgroup><col style="width:13%"><col style="width:20%"><col style="width:13%"><col style="width:20%"><col style="width:13%"><col style="width:21%"></colgroup>
<tr><td class="label">来访单位</td><td colspan="3">${esc(r.guestUnit)}</td><td class="label">来访人数</td><td class="c">${esc(r.guestCount)}人</td></tr>
<tr><td class="label">带队领导</td><td>${esc(r.leadName)}</td><td class="label">职务</td><td>${esc(r.leadTitle)}</td><td class="label">级别</td><td>${esc(r.leadRank)}</td></tr>
<tr><td class="label">接待类型</td><td>${esc(r.kind)}</td><td class="label">公函文号</td><td colspan="3">${r.letterNo ? esc(r.letterNo) : '（无）'}</td></tr>
<tr><td class="label">接待事由</td><td colspan="5">${esc(r.purpose)}</td></tr>
<tr><td class="label">接待日期</td><td colspan="5">${esc(visitDates(r))}</td></tr>
</table>

<h2>来宾名单（共${r.guests.length}人）</h2>
<table class="guests">
<colgroup><col style="width:7%"><col style="width:14%"><col style="width:29%"><col style="width:7%"><col style="width:14%"><col style="width:29%"></colgroup>
<thead><tr><th>序号</th><th>姓名</th><th>职务</th><th>序号</th><th>姓名</th><th>职务</th></tr></thead>
<tbody>${guests}</tbody>
</table>

<h2>活动安排</h2>
<table class="activities">
<colgroup><col style="width:8%"><col style="width:24%"><col style="width:28%"><col style="width:40%"></colgroup>
<thead><tr><th>序号</th><th>时间</th><th>地点</th><th>内容</th></tr></thead>
<tbody>${activities}</tbody>
</table>

<h2>陪同人员</h2>
<table class="accompany"><tr><td>${accompany}</td></tr></table>

<h2>接待费用</h2>
<table class="costs">
<colgroup><col style="width:6.5%"><col style="width:9%"><col style="width:19.5%"><col style="width:16%"><col style="width:10%"><col style="width:20%"><col style="width:6.5%"><col style="width:12.5%"></colgroup>
<thead><tr><th>序号</th><th>类别</th><th>明细</th><th>收款单位</th><th>支付方式</th><th>发票号</th><th>人数</th><th>金额（元）</th></tr></thead>
<tbody>${lines}
<tr class="total"><td class="label" colspan="2">合计</td><td colspan="5">人民币（大写）：<span class="capitals">${esc(amountInCapitals(t.totalFen))}</span></td><td class="num total-figure">${formatFen(t.totalFen)}</td></tr>
<tr><td colspan="8" class="note">${byCategory ? `其中：${byCategory}。` : ''}接待人数${esc(t.persons)}人（含陪同），人均${formatFen(t.perPersonFen)}元。</td></tr>
</tbody>
</table>

<section class="signs">
${signCell('经办人', ...signed(r.handler.name, r.handler.signature, tz))}
${signCell(secondRole(r), ...signed(r.second?.name, r.second?.signature, tz))}
${signCell('审批人', r.approver, r.approvedAt ? formatLocalTime(r.approvedAt, tz) : '')}
</section>
<div class="closing">
<div class="audits">${audits}</div>
<div class="seal"><div>（单位盖章）</div><div>年　　月　　日</div></div>
</div>

<div class="footer">状态：${esc(r.stateLabel)}${r.settledAt ? `　结算时间：${esc(formatLocalTime(r.settledAt, tz))}` : ''}　校验码（SHA-256）：${esc(r.contentHash)}</div>
</main>
</body>
</html>
`;
}
