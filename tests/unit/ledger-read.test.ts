// Reading a historical ledger (导入台账): CSV in UTF-8, with a BOM and in GBK; XLSX with date cells;
// every kind of bad row named with its spreadsheet row number and column; duplicates; missing columns.
import ExcelJS from 'exceljs';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { buildLedgerImportCard, type LedgerReport } from '../../src/statistics/ledger-card.js';
import { describeProblem, LEDGER_COLUMNS, readLedgerFile, type LedgerFile } from '../../src/statistics/ledger-read.js';
import { createLedgerRoutes } from '../../src/statistics/ledger-routes.js';
import { buildLedgerTemplate } from '../../src/statistics/ledger-template.js';
import { KINDS, RANKS } from '../../src/rules/vocabulary.js';
import { csvText, encodeGbk, excelDate, GOOD_ROWS, HEADER, workbook } from '../fixtures/ledger-files.js';

const TODAY = '2026-06-30';
// The cell rules, read in this thread: the worker that reads files in the bot is tested in tests/e2e/security.test.ts.
const read = (name: string, bytes: Buffer) => readLedgerFile(name, bytes, { today: TODAY, inThisThread: true });
const lines = (f: LedgerFile) => f.problems.map(describeProblem);

/** One row with the good first row's values, some replaced. */
function rowWith(over: Partial<Record<(typeof HEADER)[number], string>>): string[] {
  return HEADER.map((h, i) => (h in over ? over[h]! : GOOD_ROWS[0][i]));
}

describe('reading a CSV ledger', () => {
  it('reads good rows into normalised values, whatever their formatting', async () => {
    const f = await read('台账.csv', Buffer.from(csvText(GOOD_ROWS)));
    expect(f.format).toBe('csv');
    expect(f.encoding).toBe('UTF-8');
    expect(f.problems).toEqual([]);
    expect(f.fileProblem).toBe(false);
    expect(f.total).toBe(3);
    expect(f.rows.map((r) => r.row)).toEqual([2, 3, 4]);
    const [a, b, c] = f.rows;
    expect(a).toMatchObject({
      date: '2025-03-05',
      guestUnit: '省发展和改革委员会',
      leadName: '张伟',
      leadTitle: '处长',
      leadRank: '县处级正职',
      kind: '公务',
      guestCount: 5,
      purpose: '考察调研',
      purposeCategory: '考察调研',
      accompanyCount: 2,
      totalFen: 860_00,
      department: '招商局',
      letterNo: '省发改函〔2025〕12号',
    });
    expect(a.importKey).toMatch(/^[0-9a-f]{64}$/);
    // 2025/4/1, 公务接待, 12人, 1,280.50 and an empty letter number.
    expect(b).toMatchObject({ date: '2025-04-01', kind: '公务', guestCount: 12, totalFen: 1_280_50, letterNo: null, purpose: '调研产业园区', purposeCategory: '考察调研' });
    // 2025年5月20日, 陪餐人数 blank → 0, 费用合计 0 → 0 fen.
    expect(c).toMatchObject({ date: '2025-05-20', accompanyCount: 0, totalFen: 0, leadRank: '其他', purposeCategory: '招商洽谈' });
  });

  it('reads UTF-8 with a BOM and GBK (Excel in China) to the same rows', async () => {
    const text = csvText(GOOD_ROWS);
    const plain = await read('a.csv', Buffer.from(text));
    const bom = await read('a.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const gbk = await read('a.csv', encodeGbk(text));
    expect(bom.encoding).toBe('UTF-8');
    expect(gbk.encoding).toBe('GBK');
    for (const f of [bom, gbk]) {
      expect(f.problems).toEqual([]);
      expect(f.rows).toEqual(plain.rows);
    }
    // A BOM never sticks to the first column's name.
    expect(bom.fileProblem).toBe(false);
  });

  it('accepts columns in another order, extra columns, a title row and header spellings like 费用合计（元）', async () => {
    const header = ['序号', ...HEADER.slice().reverse()].map((h) => (h === '费用合计' ? '费用合计（元）' : h === '级别' ? ' 级别 *' : h));
    const rows = GOOD_ROWS.map((r, i) => [String(i + 1), ...r.slice().reverse()]);
    const text = `2025年接待台账,,,\r\n${csvText(rows, header)}`;
    const f = await read('a.csv', Buffer.from(text));
    expect(lines(f)).toEqual([]);
    expect(f.rows.map((r) => r.row)).toEqual([3, 4, 5]);
    expect(f.rows[1].totalFen).toBe(1_280_50);
  });

  it('skips blank lines but keeps the spreadsheet row numbers', async () => {
    const text = csvText([GOOD_ROWS[0], ['', '', ''], GOOD_ROWS[1], rowWith({ 级别: '处级' })]);
    const f = await read('a.csv', Buffer.from(text));
    expect(f.total).toBe(3);
    expect(f.rows.map((r) => r.row)).toEqual([2, 4]);
    expect(lines(f)).toEqual(['第5行 级别：“处级”不是有效级别，应写为“县处级正职”或“县处级副职”']);
  });

  it('names every bad value with its row and column', async () => {
    const rows = [
      rowWith({ 接待日期: '' }),
      rowWith({ 接待日期: '2025-02-30' }),
      rowWith({ 接待日期: '去年三月' }),
      rowWith({ 接待日期: '2026-07-01' }),
      rowWith({ 来访单位: '' }),
      rowWith({ 带队领导: ' ' }),
      rowWith({ 职务: '' }),
      rowWith({ 级别: '' }),
      rowWith({ 级别: '正处级' }),
      rowWith({ 接待类型: '考察' }),
      rowWith({ 来访人数: '五' }),
      rowWith({ 来访人数: '0' }),
      rowWith({ 来访人数: '501' }),
      rowWith({ 来访人数: '2.5' }),
      rowWith({ 事由: '' }),
      rowWith({ 陪餐人数: '-1' }),
      rowWith({ 陪餐人数: '两人' }),
      rowWith({ 费用合计: '' }),
      rowWith({ 费用合计: 'abc' }),
      rowWith({ 费用合计: '-5' }),
      rowWith({ 费用合计: '12.345' }),
      rowWith({ 承办部门: '' }),
      rowWith({ 来访单位: '单'.repeat(101) }),
    ];
    const f = await read('a.csv', Buffer.from(csvText(rows)));
    expect(f.rows).toEqual([]);
    expect(f.fileProblem).toBe(false);
    expect(f.total).toBe(rows.length);
    expect(f.badRows).toEqual(rows.map((_, i) => i + 2));
    expect(lines(f)).toEqual([
      '第2行 接待日期：未填写',
      '第3行 接待日期：“2025-02-30”不是有效日期（该日不存在）',
      '第4行 接待日期：“去年三月”不是有效日期，请按 2026-03-05、2026/3/5 或 2026年3月5日 填写',
      '第5行 接待日期：2026-07-01晚于今天，台账只能导入已发生的接待',
      '第6行 来访单位：未填写',
      '第7行 带队领导：未填写',
      '第8行 职务：未填写',
      '第9行 级别：未填写',
      `第10行 级别：“正处级”不是有效级别，应为：${RANKS.join('、')}之一`,
      `第11行 接待类型：“考察”不是有效接待类型，应为：${KINDS.join('、')}之一`,
      '第12行 来访人数：“五”不是整数',
      '第13行 来访人数：须在1至500之间（填写为0）',
      '第14行 来访人数：须在1至500之间（填写为501）',
      '第15行 来访人数：“2.5”不是整数',
      '第16行 事由：未填写',
      '第17行 陪餐人数：不能为负数（-1）',
      '第18行 陪餐人数：“两人”不是整数',
      '第19行 费用合计：未填写（无费用请填0）',
      '第20行 费用合计：金额“abc”不是有效数字，请按“1280”或“1280.50”填写，最多两位小数',
      '第21行 费用合计：金额不能为负数（-5）',
      '第22行 费用合计：金额“12.345”不是有效数字，请按“1280”或“1280.50”填写，最多两位小数',
      '第23行 承办部门：未填写',
      '第24行 来访单位：超过100字（101字）',
    ]);
  });

  it('names every problem of one row', async () => {
    const f = await read('a.csv', Buffer.from(csvText([GOOD_ROWS[0], rowWith({ 级别: '处级', 来访人数: '0', 费用合计: '' })])));
    expect(f.badRows).toEqual([3]);
    expect(lines(f)).toEqual([
      '第3行 级别：“处级”不是有效级别，应写为“县处级正职”或“县处级副职”',
      '第3行 来访人数：须在1至500之间（填写为0）',
      '第3行 费用合计：未填写（无费用请填0）',
    ]);
    expect(f.rows).toHaveLength(1);
  });

  it('names a row that repeats an earlier one, however it is formatted', async () => {
    const again = rowWith({ 接待日期: '2025/3/5', 费用合计: '860.00', 来访单位: ' 省发展和改革委员会 ' });
    const f = await read('a.csv', Buffer.from(csvText([GOOD_ROWS[0], GOOD_ROWS[1], again, GOOD_ROWS[1]])));
    expect(lines(f)).toEqual(['第4行与第2行重复', '第5行与第3行重复']);
    expect(f.rows.map((r) => r.row)).toEqual([2, 3]);
    expect(f.badRows).toEqual([4, 5]);
  });

  it('names each missing column, and a column given twice, as a problem of the file', async () => {
    const header = HEADER.filter((h) => h !== '级别' && h !== '费用合计');
    const f = await read('a.csv', Buffer.from(csvText([GOOD_ROWS[0].slice(0, 10)], header)));
    expect(f.fileProblem).toBe(true);
    expect(f.rows).toEqual([]);
    expect(lines(f)).toEqual(['第1行 级别：缺少“级别”列，请按导入模板添加该列', '第1行 费用合计：缺少“费用合计”列，请按导入模板添加该列']);

    const twice = await read('a.csv', Buffer.from(csvText([[...GOOD_ROWS[0], '3']], [...HEADER, '来访人数'])));
    expect(twice.fileProblem).toBe(true);
    expect(lines(twice)).toEqual(['第1行 来访人数：此列出现了两次（第G列和第M列），请只保留一列']);
  });

  it('refuses files it cannot read as a whole, saying why', async () => {
    const cases: [string, Buffer, RegExp][] = [
      ['a.csv', Buffer.from('姓名,电话\n张三,1\n'), /^未找到表头/],
      ['a.csv', Buffer.from(csvText([])), /^表头下没有数据行/],
      ['a.csv', Buffer.alloc(0), /文件是空的/],
      ['a.csv', Buffer.from(`${HEADER.join(',')}\n"2025-03-05,省,`), /不是有效的CSV（第2行附近引号不配对）/],
      ['a.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), /旧版Excel（\.xls）/],
      ['发票.pdf', Buffer.from('%PDF-1.4'), /不是台账表格/],
      ['a.xlsx', Buffer.from('PK\u0003\u0004 not really a zip'), /无法按Excel工作簿/],
    ];
    const many = await readLedgerFile('a.csv', Buffer.from(csvText(GOOD_ROWS)), { maxRows: 2, inThisThread: true });
    expect(many.fileProblem).toBe(true);
    expect(lines(many)).toEqual(['共3行数据，超过每次2行的上限，请分批导入']);
    for (const [name, bytes, re] of cases) {
      const f = await read(name, bytes);
      expect(f.fileProblem, name).toBe(true);
      expect(f.rows).toEqual([]);
      expect(lines(f).join('\n'), name).toMatch(re);
    }
  });
});

describe('reading an XLSX ledger', () => {
  it('reads date cells, number cells, rich text and formulas; the same content has the same key as in CSV', async () => {
    const bytes = await workbook(
      [
        [excelDate('2025-03-05'), '省发展和改革委员会', '张伟', '处长', '县处级正职', '公务', 5, '考察调研', 2, 860, '招商局', '省发改函〔2025〕12号'],
        ['2025/4/1', { richText: [{ text: '市商务' }, { text: '局', font: { bold: true } }] }, '李明', '局长', '厅局级正职', '公务接待', 12, '调研产业园区', 4, { formula: '1000+280.5', result: 1280.5 }, '经济发展局', null],
        [45797, '某某科技有限公司', 'John Smith', '总经理', '其他', '商务', 3, '招商洽谈', null, 0, '招商局', null],
      ],
      { title: '2025年接待台账' },
    );
    const f = await read('台账.xlsx', bytes);
    expect(lines(f)).toEqual([]);
    expect(f.format).toBe('xlsx');
    expect(f.rows.map((r) => r.row)).toEqual([3, 4, 5]);
    expect(f.rows.map((r) => r.date)).toEqual(['2025-03-05', '2025-04-01', '2025-05-20']);
    expect(f.rows[1]).toMatchObject({ guestUnit: '市商务局', totalFen: 1_280_50, guestCount: 12 });
    const csv = await read('a.csv', Buffer.from(csvText(GOOD_ROWS)));
    expect(f.rows.map((r) => r.importKey)).toEqual(csv.rows.map((r) => r.importKey));
  });

  it('names bad cells of a workbook by their row numbers', async () => {
    const bytes = await workbook([
      [excelDate('2025-03-05'), '省发展和改革委员会', '张伟', '处长', '县处级正职', '公务', 5, '考察调研', 2, 860, '招商局', null],
      [excelDate('2025-03-06'), '市发改委', '王五', '主任', '处级', '公务', 5.5, '考察调研', 2, 860.123, '招商局', null],
      [excelDate('2025-03-05'), '省发展和改革委员会', '张伟', '处长', '县处级正职', '公务', 5, '考察调研', 2, 860, '招商局', null],
    ]);
    const f = await read('a.xlsx', bytes);
    expect(lines(f)).toEqual([
      '第3行 级别：“处级”不是有效级别，应写为“县处级正职”或“县处级副职”',
      '第3行 来访人数：“5.5”不是整数',
      '第3行 费用合计：金额860.123超过两位小数',
      '第4行与第2行重复',
    ]);
  });

  it('names missing columns of a workbook', async () => {
    const f = await read('a.xlsx', await workbook([[excelDate('2025-03-05'), '省', '张伟']], { header: HEADER.slice(0, 11) }));
    expect(f.fileProblem).toBe(true);
    expect(lines(f)).toEqual(['第1行 公函文号：缺少“公函文号”列，请按导入模板添加该列']);
  });
});

describe('the template', () => {
  it('has the header, an example row that is refused as it is, and a 说明 sheet with the allowed values', async () => {
    const bytes = await buildLedgerTemplate();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['接待台账', '说明']);
    const sheet = wb.getWorksheet('接待台账')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(LEDGER_COLUMNS.map((c) => c.name));
    expect(sheet.getCell('A2').value).toBeInstanceOf(Date);
    const help = wb.getWorksheet('说明')!;
    const helpText = JSON.stringify(help.getSheetValues());
    for (const word of [...RANKS, ...KINDS, ...LEDGER_COLUMNS.map((c) => c.name)]) expect(helpText).toContain(word);

    const f = await read('模板.xlsx', bytes);
    expect(lines(f)).toEqual(['第2行是导入模板中的示例行，请删除后再导入']);
    // Filled in: the example replaced by a real row.
    sheet.getRow(2).values = [excelDate('2025-03-05'), '省发展和改革委员会', '张伟', '处长', '县处级正职', '公务', 5, '考察调研', 2, 860, '招商局', '省发改函〔2025〕12号'];
    const filled = await read('模板.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(lines(filled)).toEqual([]);
    expect(filled.rows).toHaveLength(1);
  });

  it('is served at GET /ledger/template.xlsx', async () => {
    const app = express();
    app.use(createLedgerRoutes());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/ledger/template.xlsx`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''");
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.readUInt32BE(0)).toBe(0x504b0304);
      expect((await fetch(`http://127.0.0.1:${port}/ledger/other.xlsx`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});

describe('the import card', () => {
  const report = (over: Partial<LedgerReport>): LedgerReport => ({
    fileName: '台账.csv',
    format: 'csv',
    encoding: 'GBK',
    fileProblem: false,
    total: 10,
    toImport: 10,
    alreadyImported: 0,
    bad: 0,
    unmatchedPurpose: 0,
    problems: [],
    problemCount: 0,
    badRows: [],
    ...over,
  });
  const actions = (c: unknown) => [...JSON.stringify(c).matchAll(/"action":"([a-z.]+)"/g)].map((m) => m[1]);
  const labels = (c: unknown) => [...JSON.stringify(c).matchAll(/"tag":"button","text":\{"tag":"plain_text","content":"([^"]+)"/g)].map((m) => m[1]);

  it('offers 确认导入 only without bad rows, 跳过错误行并导入 only with good and bad rows, and 取消 always', () => {
    expect(labels(buildLedgerImportCard({ importId: 1, report: report({}), state: 'previewed' }))).toEqual(['确认导入', '取消']);
    const problems = Array.from({ length: 25 }, (_, i) => ({ row: i + 2, column: '级别', message: '“处级”不是有效级别' }));
    const mixed = buildLedgerImportCard({ importId: 1, report: report({ toImport: 5, bad: 25, problems, problemCount: 25 }), state: 'previewed' });
    expect(labels(mixed)).toEqual(['跳过错误行并导入', '取消']);
    const text = JSON.stringify(mixed);
    expect(text).toContain('第21行 级别');
    expect(text).not.toContain('第27行 级别');
    expect(text).toContain('另有 5 行错误未列出');
    expect(labels(buildLedgerImportCard({ importId: 1, report: report({ toImport: 0, bad: 3, problems: problems.slice(0, 3) }), state: 'previewed' }))).toEqual(['取消']);
    expect(labels(buildLedgerImportCard({ importId: 1, report: report({ toImport: 0, alreadyImported: 10 }), state: 'previewed' }))).toEqual(['取消']);
    const done = buildLedgerImportCard({ importId: 1, report: report({ imported: 10 }), state: 'imported', outcome: '已导入 10 行' });
    expect(actions(done)).toEqual([]);
    expect(JSON.stringify(done)).toContain('已导入 10 行');
  });

  it('says how many of the rows already imported are receptions the bot holds', () => {
    const c = buildLedgerImportCard({ importId: 1, report: report({ total: 3, toImport: 2, alreadyImported: 1, alreadyInBot: 1 }), state: 'previewed' });
    expect(JSON.stringify(c.body)).toContain('共 3 行：可导入 2 行，已导入过 1 行（其中 1 行为接待助手中已有的接待），错误 0 行');
    const older = buildLedgerImportCard({ importId: 1, report: report({ total: 3, toImport: 2, alreadyImported: 1 }), state: 'previewed' });
    expect(JSON.stringify(older.body)).toContain('共 3 行：可导入 2 行，已导入过 1 行，错误 0 行');
  });

  it('escapes what the file says', () => {
    const c = buildLedgerImportCard({ importId: 1, report: report({ fileName: '<at id=all></at>.csv', bad: 1, toImport: 0, problems: [{ row: 2, column: '来访单位', message: '“<at id=all>”' }] }), state: 'previewed' });
    // Markdown carries it as entities (the summary is plain text).
    expect(JSON.stringify(c.body)).not.toContain('<at');
    expect(JSON.stringify(c.body)).toContain('&#60;at id=all&#62;');
  });
});
