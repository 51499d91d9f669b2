// The ledger import card: the dry run of a file sent after 导入台账 (counts, up to 20 bad rows by
// number), with 确认导入 / 跳过错误行并导入 / 取消 while it waits, and the outcome without buttons after.
import type { Card, CardElement } from '../cards/card.js';
import { button, card, escapeMd, hr, md } from '../cards/elements.js';
import { summaryLine } from './ledger-import.js';
import { describeProblem, type LedgerProblem } from './ledger-read.js';

/** What ledger_imports.report holds: the dry run (and, once imported, the outcome). */
export interface LedgerReport {
  fileName: string;
  format: 'xlsx' | 'csv';
  encoding?: string;
  fileProblem: boolean;
  total: number;
  toImport: number;
  alreadyImported: number;
  /** Of those, rows for receptions the bot already holds (filed and approved in chat). */
  alreadyInBot?: number;
  bad: number;
  unmatchedPurpose: number;
  /** The first problems (at most REPORT_PROBLEMS), and how many there are in all. */
  problems: LedgerProblem[];
  problemCount: number;
  badRows: number[];
  imported?: number;
  skippedBad?: number;
}

export const REPORT_PROBLEMS = 200;
const SHOWN_ROWS = 20;

export type LedgerCardState = 'previewed' | 'imported' | 'cancelled' | 'failed';

const row = (...buttons: CardElement[]): CardElement => ({
  tag: 'column_set',
  flex_mode: 'none',
  horizontal_spacing: '8px',
  columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
});

/** The bad rows, one line each (a row's problems joined), the first 20 of them. */
function badRowLines(r: LedgerReport): string[] {
  const byRow = new Map<number, LedgerProblem[]>();
  for (const p of r.problems) byRow.set(p.row, [...(byRow.get(p.row) ?? []), p]);
  const lines = [...byRow.entries()].slice(0, SHOWN_ROWS).map(([n, ps]) =>
    n === 0 ? `- ${escapeMd(ps.map((p) => p.message).join('；'))}` : `- ${escapeMd(describeProblem(ps[0]))}${ps.slice(1).map((p) => `；${escapeMd(p.column ? `${p.column}：${p.message}` : p.message)}`).join('')}`,
  );
  const more = (r.fileProblem ? byRow.size : r.bad) - Math.min(byRow.size, SHOWN_ROWS);
  if (more > 0) lines.push(`- 另有 ${more} 行错误未列出`);
  return lines;
}

export function buildLedgerImportCard(opts: { importId: number; report: LedgerReport; state: LedgerCardState; outcome?: string }): Card {
  const { report: r, state, importId } = opts;
  const elements: CardElement[] = [md(`文件：**${escapeMd(r.fileName)}**${r.format === 'csv' ? `（CSV，${escapeMd(r.encoding ?? 'UTF-8')}编码）` : ''}`)];
  if (r.fileProblem) {
    elements.push(md(`**文件无法导入**\n${badRowLines(r).join('\n')}`), md('请按导入模板修改后，重新发送“导入台账”。'));
  } else {
    elements.push(md(summaryLine({ ...r, alreadyInBot: r.alreadyInBot ?? 0 })));
    if (r.bad) elements.push(md(`**错误行**\n${badRowLines(r).join('\n')}`));
    if (r.unmatchedPurpose) elements.push(md(`提示：${r.unmatchedPurpose} 行的事由未写明规定类别（出席会议、考察调研等），将按原文导入。`));
  }
  if (state === 'previewed') {
    const buttons: CardElement[] = [];
    if (r.toImport && !r.bad) {
      elements.push(md(`确认后导入 ${r.toImport} 行。`));
      buttons.push(button({ text: '确认导入', type: 'primary', name: 'import', value: { action: 'ledger.import', importId, skipBad: false } }));
    } else if (r.toImport && r.bad) {
      elements.push(md(`有错误行时默认不导入任何数据。可改正后重新发送“导入台账”，或跳过错误行，只导入正确的 ${r.toImport} 行。`));
      buttons.push(
        button({
          text: '跳过错误行并导入',
          type: 'primary',
          name: 'import_skip',
          value: { action: 'ledger.import', importId, skipBad: true },
          confirm: { title: '跳过错误行', text: `将跳过 ${r.bad} 行错误，导入 ${r.toImport} 行。确定吗？` },
        }),
      );
    } else if (r.bad) {
      elements.push(md('没有可导入的正确行。请改正后重新发送“导入台账”。'));
    } else {
      elements.push(md('文件中的记录均已导入过，无需再次导入。'));
    }
    buttons.push(button({ text: '取消', name: 'cancel', value: { action: 'ledger.cancel', importId } }));
    elements.push(hr(), row(...buttons));
  } else if (opts.outcome) {
    elements.push(hr(), md(`**${escapeMd(opts.outcome)}**`));
  }
  const title = state === 'imported' ? '台账导入完成' : state === 'cancelled' ? '台账导入已取消' : state === 'failed' ? '台账导入未成功' : '台账导入预览';
  const template = state === 'imported' ? 'green' : state === 'previewed' ? (r.bad ? 'orange' : 'blue') : 'grey';
  return card({ title, template, summary: `${title}：${r.fileName}`, elements });
}
