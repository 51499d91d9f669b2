// 导入台账 end to end through the fake Feishu and the real SDK: the office asks, sends the ledger as a
// file message (downloaded by the outbox through the message-resource API), gets the dry run as a
// card, and imports from it; others are refused; the same file again imports nothing new.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerEntries, ledgerImports } from '../../src/db/schema/index.js';
import { buttonValues, hasButtons, titleOf } from './approval-harness.js';
import { cardText, startSettlementHarness, type SettlementHarness } from './settlement-harness.js';
import { csvText, encodeGbk, excelDate, GOOD_ROWS, HEADER, workbook } from '../fixtures/ledger-files.js';

const OFFICE = 'ou_office1';
const bad = (over: Record<string, string>) => HEADER.map((h, i) => over[h] ?? GOOD_ROWS[0][i]);
/** Three good rows, a bad rank and a repeated row: saved by Excel as GBK. */
const MIXED = encodeGbk(csvText([GOOD_ROWS[0], bad({ 级别: '处级', 来访单位: '某市发改委' }), GOOD_ROWS[1], GOOD_ROWS[0], GOOD_ROWS[2]]));

describe('导入台账', () => {
  let h: SettlementHarness;
  beforeAll(async () => {
    h = await startSettlementHarness();
  }, 60_000);
  afterAll(async () => h?.close());

  const entries = () => h.bot.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.source, 'import')).orderBy(asc(ledgerEntries.date));
  const previews = (user: string) => h.cardsTo(user).filter((m) => titleOf(m.content) === '台账导入预览');
  async function tapButton(user: string, card: { message_id: string; content: unknown }, action: string) {
    const value = buttonValues(card.content).find((v) => v.action === action);
    if (!value) throw new Error(`no ${action} button on:\n${cardText(card.content).slice(0, 400)}`);
    return h.tap(user, card.message_id, value);
  }

  it('previews a CSV with bad and repeated rows, then imports the good rows when told to skip the bad ones', async () => {
    const asked = await h.ask(OFFICE, '导入台账');
    expect(titleOf(asked.card)).toBe('导入历史接待台账');
    const how = cardText(asked.card);
    expect(how).toContain('/ledger/template.xlsx');
    const template = await fetch(`${h.bot.url}/ledger/template.xlsx`);
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toContain('spreadsheetml');
    expect(how).toContain('接待日期、来访单位、带队领导、职务、级别、接待类型、来访人数、事由、陪餐人数、费用合计、承办部门、公函文号');

    await h.sendDocument(OFFICE, { kind: 'file', name: '2025年接待台账.csv', data: MIXED });
    const preview = previews(OFFICE).at(-1)!;
    expect(preview).toBeDefined();
    const text = cardText(preview.content);
    expect(text).toContain('2025年接待台账.csv');
    expect(text).toContain('GBK');
    expect(text).toContain('共 5 行：可导入 3 行，已导入过 0 行，错误 2 行');
    expect(text).toContain('第3行 级别：“处级”不是有效级别，应写为“县处级正职”或“县处级副职”');
    expect(text).toContain('第5行与第2行重复');
    expect(buttonValues(preview.content).map((v) => v.action)).toEqual(['ledger.import', 'ledger.cancel']);
    expect(buttonValues(preview.content)[0]).toMatchObject({ skipBad: true });
    // A preview imports nothing.
    expect(await entries()).toEqual([]);

    // Only the person who sent the file may import it.
    const other = await h.tap('ou_office2', preview.message_id, buttonValues(preview.content)[0]);
    expect(other.toast?.type).toBe('error');
    expect(await entries()).toEqual([]);

    const done = await tapButton(OFFICE, preview, 'ledger.import');
    expect(done.toast).toEqual({ type: 'success', content: '已导入 3 行，跳过错误 2 行' });
    expect(titleOf(done.card?.data)).toBe('台账导入完成');
    expect(hasButtons(done.card?.data)).toBe(false);
    const rows = await entries();
    expect(rows.map((e) => [e.date, e.guestUnit, e.totalFen, e.category, e.status])).toEqual([
      ['2025-03-05', '省发展和改革委员会', 860_00, '其他', 'imported'],
      ['2025-04-01', '市商务局', 1_280_50, '厅局级', 'imported'],
      ['2025-05-20', '某某科技有限公司', 0, '客商接待', 'imported'],
    ]);

    // A second tap on the old card: already imported, nothing again.
    const again = await tapButton(OFFICE, preview, 'ledger.import');
    expect(again.toast?.type).toBe('info');
    expect(again.toast?.content).toContain('已导入');
    expect(hasButtons(again.card?.data)).toBe(false);
    expect(await entries()).toHaveLength(3);
    const [imp] = await h.bot.database.db.select().from(ledgerImports).where(eq(ledgerImports.requestedBy, OFFICE)).orderBy(asc(ledgerImports.id));
    expect(imp).toMatchObject({ status: 'imported', fileName: '2025年接待台账.csv', data: null });
  });

  it('the same file again imports nothing new: the preview says so and offers only 取消', async () => {
    await h.say(OFFICE, '导入台账');
    await h.sendDocument(OFFICE, { kind: 'file', name: '2025年接待台账.csv', data: MIXED });
    const preview = previews(OFFICE).at(-1)!;
    expect(cardText(preview.content)).toContain('共 5 行：可导入 0 行，已导入过 3 行，错误 2 行');
    expect(buttonValues(preview.content).map((v) => v.action)).toEqual(['ledger.cancel']);
    const cancelled = await tapButton(OFFICE, preview, 'ledger.cancel');
    expect(cancelled.toast?.content).toContain('已取消');
    expect(titleOf(cancelled.card?.data)).toBe('台账导入已取消');
    expect(await entries()).toHaveLength(3);
  });

  it('imports a workbook without bad rows with 确认导入', async () => {
    await h.say(OFFICE, '导入台账');
    const data = await workbook([
      [excelDate('2024-11-02'), '省商务厅', '赵六', '副厅长', '厅局级副职', '公务', 6, '检查指导', 3, 1500, '招商局', '省商函〔2024〕8号'],
      [excelDate('2024-12-15'), 'Global Trade Ltd.', 'Anna Berg', 'CEO', '其他', '外事', 2, '招商洽谈', 2, 980.5, '招商局', null],
    ]);
    await h.sendDocument(OFFICE, { kind: 'file', name: '2024.xlsx', data });
    const preview = previews(OFFICE).at(-1)!;
    expect(cardText(preview.content)).toContain('共 2 行：可导入 2 行，已导入过 0 行，错误 0 行');
    expect(buttonValues(preview.content).map((v) => v.action)).toEqual(['ledger.import', 'ledger.cancel']);
    const done = await tapButton(OFFICE, preview, 'ledger.import');
    expect(done.toast).toEqual({ type: 'success', content: '已导入 2 行' });
    expect((await entries()).filter((e) => e.date < '2025-01-01').map((e) => e.category)).toEqual(['厅局级', '外宾接待']);
  });

  it('names missing columns and imports nothing', async () => {
    await h.say(OFFICE, '导入台账');
    const header = HEADER.filter((x) => x !== '接待类型');
    await h.sendDocument(OFFICE, { kind: 'file', name: '缺列.csv', data: Buffer.from(csvText([GOOD_ROWS[0].filter((_, i) => HEADER[i] !== '接待类型')], header)) });
    const card = h.cardsTo(OFFICE).at(-1)!;
    expect(titleOf(card.content)).toBe('台账导入未成功');
    expect(cardText(card.content)).toContain('第1行 接待类型：缺少“接待类型”列');
    expect(hasButtons(card.content)).toBe(false);
    expect(await entries()).toHaveLength(5);
  });

  it('refuses 导入台账 to people outside the reception office, and does not take their files', async () => {
    const asked = await h.ask('ou_staff1', '导入台账');
    expect(asked.text).toContain('历史台账导入由接待办办理');
    const before = h.cardsTo('ou_staff1').length;
    await h.sendDocument('ou_staff1', { kind: 'file', name: '台账.csv', data: MIXED });
    expect(h.cardsTo('ou_staff1').length).toBe(before);
    expect(h.textsTo('ou_staff1').at(-1)).toContain('没有正在填报的结算');
    expect(await h.bot.database.db.select().from(ledgerImports).where(eq(ledgerImports.requestedBy, 'ou_staff1'))).toEqual([]);
  });

  it('a spreadsheet the office sends without 导入台账 first is answered with how', async () => {
    await h.sendDocument(OFFICE, { kind: 'file', name: '台账.csv', data: MIXED });
    expect(h.textsTo(OFFICE).at(-1)).toContain('请先发送“导入台账”');
    expect(await entries()).toHaveLength(5);
  });
});

