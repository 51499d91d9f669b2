// 导出 end to end: signed webhook deliveries into the real bot, the workbook uploaded through the
// real SDK (im/v1/files) and sent as a file message; the uploaded bytes read back with exceljs. And
// the same in the local simulator, where the file is a chip with a download link.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ledgerEntries } from '../../src/db/schema/index.js';
import { buildMessageEvent, signedRequest } from '../fake-feishu/index.js';
import { shanghaiDate, startHarness, type Harness } from './approval-harness.js';
import { ENCRYPT_KEY, startBot } from './start-bot.js';

const XLSX_MAGIC = Buffer.from('PK\x03\x04', 'latin1');

describe('导出', () => {
  let h: Harness;
  const year = shanghaiDate(0).slice(0, 4);
  beforeAll(async () => {
    h = await startHarness();
    const base = { source: 'import', leadName: '张伟', leadTitle: '处长', leadRank: '厅局级正职', kind: '公务', guestCount: 6, purpose: '考察调研', accompanyCount: 2, department: '招商局', category: '厅局级', status: 'imported' };
    await h.bot.database.db.insert(ledgerEntries).values([
      { ...base, importKey: 'e2e-1', date: `${year}-01-12`, guestUnit: '省发展和改革委员会', totalFen: 1_280_50 },
      { ...base, importKey: 'e2e-2', date: `${year}-02-20`, guestUnit: '市商务局', guestCount: 4, totalFen: 96_35, category: '客商接待', kind: '商务' },
      { ...base, importKey: 'e2e-3', date: `${Number(year) - 1}-12-30`, guestUnit: '去年来访单位', totalFen: 9_999_00 },
    ]);
  }, 60_000);
  afterAll(async () => h?.close());

  const filesTo = (user: string) => h.messagesTo(user).filter((m) => m.msg_type === 'file');

  async function readUpload(fileKey: string) {
    const upload = h.fake.uploads().find((u) => u.key === fileKey);
    expect(upload).toBeDefined();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(upload!.bytes as unknown as ArrayBuffer);
    return { upload: upload!, wb };
  }

  it('sends the year as an .xlsx file to the reception office, read back with the seeded rows and exact totals', async () => {
    const before = filesTo('ou_office1').length;
    const answer = await h.ask('ou_office1', `导出 ${year}`);
    const files = filesTo('ou_office1').slice(before);
    expect(files).toHaveLength(1);
    // The acknowledgement comes before the file; the file goes to the person (open_id).
    expect(h.textsTo('ou_office1').some((t) => t.includes(`正在生成${year}年接待台账`) && t.includes('稍后以 Excel 文件发送'))).toBe(true);
    expect(answer.text ?? '').not.toContain('仅限');
    expect(files[0]).toMatchObject({ receive_id: 'ou_office1', receive_id_type: 'open_id' });
    const fileKey = (files[0].content as { file_key: string }).file_key;
    const { upload, wb } = await readUpload(fileKey);
    expect(upload).toMatchObject({ kind: 'file', type: 'xls', name: `接待台账-${year}年.xlsx` });
    expect(upload.bytes.subarray(0, 4).equals(XLSX_MAGIC)).toBe(true);

    expect(wb.worksheets.map((w) => w.name)).toEqual(['接待台账', '费用明细', '汇总']);
    const ledger = wb.getWorksheet('接待台账')!;
    expect(ledger.getCell(2, 1).value).toBe('接待日期');
    const units = [3, 4].map((r) => ledger.getCell(r, 3).value);
    expect(units).toEqual(['省发展和改革委员会', '市商务局']);
    expect(ledger.getCell(5, 1).value).toBeNull(); // last year's row is not in this year's file
    expect([3, 4].map((r) => Math.round(Number(ledger.getCell(r, 11).value) * 100))).toEqual([1_280_50, 96_35]);
    expect(ledger.getCell(3, 15).value).toBe('历史导入');

    const summary = wb.getWorksheet('汇总')!;
    let totalRow = 0;
    summary.eachRow((row, r) => {
      if (row.getCell(1).value === '合计') totalRow = r;
    });
    expect(totalRow).toBeGreaterThan(0);
    expect([2, 3].map((c) => summary.getCell(totalRow, c).value)).toEqual([2, 10]);
    expect(Math.round(Number(summary.getCell(totalRow, 4).value) * 100)).toBe(1_376_85);
  });

  it('asked in a group, answers there and sends the file one-to-one', async () => {
    const beforeFiles = filesTo('ou_fin1').length;
    const event = buildMessageEvent({ text: `@_user_1 导出 ${year}`, senderOpenId: 'ou_fin1', chatId: 'oc_office', chatType: 'group', mentions: [{ openId: 'ou_bot', name: '接待助手' }] });
    const req = signedRequest(event, { encryptKey: ENCRYPT_KEY });
    const res = await fetch(`${h.bot.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
    expect(res.status).toBe(200);
    await h.settle();
    const reply = h.fake.sent().find((m) => m.reply_to === event.event.message.message_id);
    expect((reply?.content as { text: string }).text).toContain('将单独发送给您');
    expect(h.fake.sent().filter((m) => m.chat_id === 'oc_office' && m.msg_type === 'file')).toHaveLength(0);
    const files = filesTo('ou_fin1').slice(beforeFiles);
    expect(files).toHaveLength(1);
    expect(files[0].receive_id).toBe('ou_fin1');
  });

  it('refuses someone outside the reception office and finance, and a period that has not begun', async () => {
    const uploads = h.fake.uploads().length;
    expect((await h.ask('ou_staff1', `导出 ${year}`)).text).toContain('仅限接待办和财务');
    expect((await h.ask('ou_office1', '导出 2099')).text).toBe('导出期间2099年尚未开始，无法导出。');
    expect((await h.ask('ou_office1', '导出 明年的')).text).toContain('可用写法：导出 2026');
    expect(filesTo('ou_staff1')).toHaveLength(0);
    expect(h.fake.uploads()).toHaveLength(uploads);
  });
});

describe('导出 in the local simulator', () => {
  let bot: App;
  beforeAll(async () => {
    bot = await startBot();
  }, 60_000);
  afterAll(async () => bot?.close());

  it('posts a file message with a download link that serves the workbook', async () => {
    const year = shanghaiDate(0).slice(0, 4);
    await bot.database.db.insert(ledgerEntries).values({
      source: 'import', importKey: 'sim-1', date: `${year}-01-12`, guestUnit: '省发展和改革委员会', leadName: '张伟', leadTitle: '处长', leadRank: '厅局级正职',
      kind: '公务', guestCount: 6, purpose: '考察调研', accompanyCount: 2, totalFen: 1_280_50, department: '招商局', category: '厅局级', status: 'imported',
    });
    const sent = await fetch(`${bot.url}/sim/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ou_office1', text: `导出 ${year}` }) });
    expect(sent.status).toBe(200);
    await bot.pipeline.idle();
    await bot.outbox.drain(15_000);
    const { messages } = (await (await fetch(`${bot.url}/sim/api/messages?user=ou_office1`)).json()) as { messages: { sender: string; msg_type: string; content: Record<string, unknown> }[] };
    const file = messages.find((m) => m.sender === 'bot' && m.msg_type === 'file');
    expect(file?.content).toMatchObject({ file_name: `接待台账-${year}年.xlsx`, url: expect.stringMatching(/^\/sim\/api\/files\/file_sim_/) });
    const download = await fetch(`${bot.url}${String(file!.content.url)}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('spreadsheetml');
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(file!.content.size);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.getWorksheet('接待台账')!.getCell(3, 3).value).toBe('省发展和改革委员会');
  });
});
