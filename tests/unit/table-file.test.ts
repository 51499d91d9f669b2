// The bounded table-file reader (src/lib/table-file): each limit refused when first crossed, naming
// it, whatever the zip's directory claims; in this thread and in the worker.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, readTable, readTableFile, type TableLimits } from '../../src/lib/table-file/index.js';
import { csvText, GOOD_ROWS } from '../fixtures/ledger-files.js';
import { deflatedZeros, entryOf, sheetXml, workbookEntries, zip, manyRows } from '../fixtures/hostile-files.js';

const KB = 1024;
const small: TableLimits = { ...DEFAULT_LIMITS, maxInflatedBytes: 1024 * KB, maxEntryBytes: 600 * KB, maxEntries: 20, maxRows: 50, maxRecordChars: 4 * KB };
const goodSheet = () => entryOf('xl/worksheets/sheet1.xml', sheetXml(GOOD_ROWS));

describe('reading a workbook under limits', () => {
  it('reads a workbook within every limit into rows of values', async () => {
    const got = await readTable(zip(workbookEntries(goodSheet())), small);
    expect(got.ok).toBe(true);
    if (got.ok) expect(got.sheets[0].rows.map((r) => r.cells[1])).toEqual(['来访单位', ...GOOD_ROWS.map((r) => r[1])]);
  });

  it('stops a part whose directory says 100 bytes the moment it inflates past the part limit', async () => {
    const { deflated, crc } = await deflatedZeros(64 * 1024 * 1024);
    const liar = { name: 'xl/media/image1.png', deflated, crc, size: 64 * 1024 * 1024, declared: 100 };
    const got = await readTable(zip([...workbookEntries(goodSheet()), liar]), small);
    expect(got).toMatchObject({ ok: false, limit: 'entry' });
    if (!got.ok) expect(got.message).toBe('文件中的部件“xl/media/image1.png”解压后超过0.6MB的上限，未予读取；请删除其中的图片等内容后另存为.xlsx或.csv');
  });

  it('refuses parts that are each within their limit but together inflate past the file limit', async () => {
    const parts = [1, 2, 3].map((i) => entryOf(`xl/media/image${i}.png`, Buffer.alloc(500 * KB)));
    expect(await readTable(zip([...workbookEntries(goodSheet()), ...parts]), small)).toMatchObject({ ok: false, limit: 'inflated', message: expect.stringContaining('文件解压后超过1MB的上限') });
    // Lying about their sizes changes nothing.
    const liars = parts.map((p) => ({ ...p, declared: 10 }));
    expect(await readTable(zip([...workbookEntries(goodSheet()), ...liars]), small)).toMatchObject({ ok: false, limit: 'inflated' });
  });

  it('refuses more parts than the limit before inflating any', async () => {
    const parts = Array.from({ length: 30 }, (_, i) => entryOf(`xl/media/p${i}.png`, 'x'));
    expect(await readTable(zip([...workbookEntries(goodSheet()), ...parts]), small)).toMatchObject({ ok: false, limit: 'entries', message: '文件内含部件超过20个的上限，不是正常的Excel工作簿，未予读取' });
  });

  it('counts the rows of a sheet as it inflates and stops past the row limit', async () => {
    const got = await readTable(zip(workbookEntries(entryOf('xl/worksheets/sheet1.xml', sheetXml(manyRows(60))))), small);
    expect(got).toMatchObject({ ok: false, limit: 'rows', message: '数据超过每次50行的上限，请分批导入' });
  });

  it('refuses a file over the size limit without reading it', async () => {
    expect(await readTable(Buffer.alloc(11 * 1024 * 1024), DEFAULT_LIMITS)).toMatchObject({ ok: false, limit: 'bytes', message: '文件大小11MB，超过10MB的上限，请拆分后分批导入' });
  });

  it('calls a damaged zip unreadable', async () => {
    expect(await readTable(Buffer.from('PK\u0003\u0004 not a zip'), small)).toMatchObject({ ok: false, message: expect.stringContaining('无法按Excel工作簿') });
  });
});

describe('reading a CSV under limits', () => {
  it('refuses the first record longer than the limit, naming its line', async () => {
    const row = [...GOOD_ROWS[0]];
    row[1] = 'x'.repeat(5 * KB);
    expect(await readTable(Buffer.from(csvText([GOOD_ROWS[1], row])), small)).toMatchObject({ ok: false, limit: 'record', message: '第3行超过4096个字符的上限，不是有效的表格内容，未予读取' });
  });

  it('counts rows with a value, not blank lines, against the row limit', async () => {
    const blanks = `${csvText(GOOD_ROWS)}${'\r\n'.repeat(200)}`;
    expect(await readTable(Buffer.from(blanks), small)).toMatchObject({ ok: true });
    const many = csvText([...manyRows(50)]);
    expect(await readTable(Buffer.from(many), small)).toMatchObject({ ok: false, limit: 'rows' });
  });
});

describe('reading in a worker thread', () => {
  it('gives the same rows as in this thread, and the same refusal', async () => {
    const book = zip(workbookEntries(goodSheet()));
    expect(await readTableFile(book, small)).toEqual(await readTable(book, small));
    const rows = zip(workbookEntries(entryOf('xl/worksheets/sheet1.xml', sheetXml(manyRows(60)))));
    expect(await readTableFile(rows, small)).toEqual(await readTable(rows, small));
  }, 30_000);
});
