import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildSettlementWorkbook } from '../../src/settlement/settlement-xlsx.js';
import { amountInCapitals, renderSettlementPage } from '../../src/settlement/settlement-print.js';
import { exportLinks } from '../../src/settlement/settlement-routes.js';
import { signLink, verifyLink } from '../../src/lib/signed-link.js';
import { sampleReport } from '../fixtures/settlement-report.js';

async function readBack(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  return wb;
}

/** Every row of a sheet as plain values (merged cells read as their master's value), 1-based columns. */
function rows(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    out[n] = [];
    row.eachCell({ includeEmpty: true }, (cell, c) => (out[n][c] = cell.value));
  });
  return Array.from(out, (r) => r ?? []);
}

const rowStarting = (all: unknown[][], ...cells: unknown[]) => all.find((r) => cells.every((c, i) => r[i + 1] === c));

describe('settlement workbook', () => {
  it('has the three sheets, in order', async () => {
    const wb = await readBack(await buildSettlementWorkbook(sampleReport()));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['接待清单', '费用明细', '单据']);
  });

  it('writes every expense line with its amount in yuan, exact to the fen, formatted #,##0.00', async () => {
    const report = sampleReport();
    const ws = (await readBack(await buildSettlementWorkbook(report))).getWorksheet('费用明细')!;
    const all = rows(ws);
    expect(all[2].slice(1)).toEqual(['序号', '类别', '金额(元)', '人数', '收款单位', '发票号', '支付方式', '明细', '说明']);
    for (const line of report.lines) {
      const r = rowStarting(all, line.no, line.category)!;
      expect(r, `line ${line.no}`).toBeDefined();
      expect(r[3]).toBe(line.amountFen / 100);
      expect(Math.round((r[3] as number) * 100)).toBe(line.amountFen);
      expect(r[4]).toBe(line.persons ?? '');
      expect(r[5]).toBe(line.payee);
      expect(r[6]).toBe(line.invoiceNo ?? '');
      expect(r[7]).toBe(line.payment);
      expect(r[8]).toBe(line.items ?? '');
      expect(r[9]).toBe(line.reason ?? '');
    }
    expect(ws.getCell('C3').numFmt).toBe('#,##0.00');
  });

  it('totals the lines in a 合计 row, then by category, persons and per person', async () => {
    const report = sampleReport();
    const all = rows((await readBack(await buildSettlementWorkbook(report))).getWorksheet('费用明细')!);
    const total = rowStarting(all, '合计')!;
    expect(total[3]).toBe(2580.8);
    expect(Math.round((total[3] as number) * 100)).toBe(report.totals.totalFen);
    expect(total[5]).toBe('大写：贰仟伍佰捌拾元捌角整');
    expect(rowStarting(all, 1, '餐费', 1000.1)).toBeDefined();
    expect(rowStarting(all, 2, '住宿费', 1280.5)).toBeDefined();
    expect(rowStarting(all, 3, '交通费', 300.2)).toBeDefined();
    expect(rowStarting(all, '接待人数', '接待人数', 5)).toBeDefined();
    expect(rowStarting(all, '人均(元)', '人均(元)', 516.16)).toBeDefined();
  });

  it('writes the reception list: facts, guests, activities, accompanying people, signatures and audits', async () => {
    const report = sampleReport();
    const all = rows((await readBack(await buildSettlementWorkbook(report))).getWorksheet('接待清单')!);
    expect(all[1][1]).toBe('公务接待清单');
    expect(rowStarting(all, '接待单位', '某某高新区管委会')![5]).toBe('编号');
    expect(rowStarting(all, '接待单位', '某某高新区管委会')![6]).toBe('JD-2026-0001');
    expect(rowStarting(all, '来访单位', '省发展和改革委员会')![6]).toBe(3);
    expect(rowStarting(all, '带队领导', '张伟', '职务', '处长', '级别', '县处级正职')).toBeDefined();
    expect(rowStarting(all, '接待类型', '公务', '公函文号', '发改函〔2026〕12号')).toBeDefined();
    expect(rowStarting(all, '接待日期', '2026-03-10 至 2026-03-11')).toBeDefined();
    for (const [i, g] of report.guests.entries()) expect(rowStarting(all, i + 1, g.name, g.name, g.title)).toBeDefined();
    for (const [i, a] of report.activities.entries()) expect(rowStarting(all, i + 1, a.time, a.place, a.place, a.activity)).toBeDefined();
    expect(rowStarting(all, '陪同人员', '刘洋、陈静（共2人）')).toBeDefined();
    expect(rowStarting(all, '费用合计(元)', 2580.8, '大写', '贰仟伍佰捌拾元捌角整')).toBeDefined();
    // Times in the unit's zone (UTC+8).
    expect(rowStarting(all, '经办人', '赵敏', '赵敏', '2026-03-12 10:15', '2026-03-12 10:15', '已签')).toBeDefined();
    expect(rowStarting(all, '证明人', '孙强', '孙强', '2026-03-12 14:40', '2026-03-12 14:40', '已签')).toBeDefined();
    expect(rowStarting(all, '审批人', '周建国', '周建国', '2026-03-02 11:20', '2026-03-02 11:20', '已审批')).toBeDefined();
    expect(rowStarting(all, '接待办审核', '吴丽', '2026-03-13 09:05', '2026-03-13 09:05', '三单齐全')).toBeDefined();
    expect(rowStarting(all, '财务审核', '郑华', '2026-03-13 16:30')).toBeDefined();
  });

  it('lists the documents with the line each one supports', async () => {
    const all = rows((await readBack(await buildSettlementWorkbook(sampleReport()))).getWorksheet('单据')!);
    expect(all[2].slice(1)).toEqual(['序号', '种类', '名称', '对应费用']);
    expect(rowStarting(all, 1, '发票', '机关食堂餐费发票.jpg', '第1笔 餐费 960.10元')).toBeDefined();
    expect(rowStarting(all, 4, '公函', '发改函〔2026〕12号.pdf', '')).toBeDefined();
  });

  it('is set up for A4 printing, one page wide', async () => {
    const wb = await readBack(await buildSettlementWorkbook(sampleReport()));
    for (const ws of wb.worksheets) {
      expect(ws.pageSetup.paperSize).toBe(9);
      expect(ws.pageSetup.fitToWidth).toBe(1);
    }
    expect(wb.getWorksheet('费用明细')!.pageSetup.orientation).toBe('landscape');
  });

  it('keeps unsigned and unaudited settlements readable', async () => {
    const report = sampleReport({ handler: { name: '赵敏' }, second: undefined, approver: undefined, audits: [], documents: [], settledAt: undefined, stateLabel: '填报中' });
    const all = rows((await readBack(await buildSettlementWorkbook(report))).getWorksheet('接待清单')!);
    expect(rowStarting(all, '经办人', '赵敏', '赵敏', '', '', '未签')).toBeDefined();
    expect(rowStarting(all, '财务审核', '（未审核）')).toBeDefined();
  });
});

describe('amount in Chinese capitals', () => {
  it.each([
    [0, '零元整'],
    [1, '壹分'],
    [50, '伍角整'],
    [1_000, '壹拾元整'],
    [128_050, '壹仟贰佰捌拾元伍角整'],
    [168_032, '壹仟陆佰捌拾元叁角贰分'],
    [32_504, '叁佰贰拾伍元零肆分'],
    [1_640_902, '壹万陆仟肆佰零玖元零贰分'],
    [101_000, '壹仟零壹拾元整'],
    [10_000_000, '壹拾万元整'],
    [11_000_000, '壹拾壹万元整'],
    [100_000_101, '壹佰万零壹元零壹分'],
    [100_100_000, '壹佰万零壹仟元整'],
    [10_000_000_000, '壹亿元整'],
    [10_010_000_000, '壹亿零壹拾万元整'],
    [10_001_000_000, '壹亿零壹万元整'],
    [99_999_999_999_999, '玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'],
  ])('%i fen → %s', (fen, text) => {
    expect(amountInCapitals(fen)).toBe(text);
  });

  it('refuses fractions of a fen and amounts from 1万亿元 up', () => {
    expect(() => amountInCapitals(0.5)).toThrow(RangeError);
    expect(() => amountInCapitals(100_000_000_000_000)).toThrow(RangeError);
    expect(amountInCapitals(-128_050)).toBe('负壹仟贰佰捌拾元伍角整');
  });
});

describe('printable page', () => {
  it('is a whole page with the list, the total in figures and capitals, the signers and the seal area', () => {
    const html = renderSettlementPage(sampleReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // The approver's line carries the date of the final approval, as the signers' lines do.
    expect(html).toMatch(/审批人：<\/span><span class="line">周建国<\/span><\/div><div class="when">日期：2026-03-02 11:20/);
    expect(html).toContain('@page { size: A4; margin: 15mm; }');
    for (const text of ['公务接待清单', '编号：JD-2026-0001', '省发展和改革委员会', '发改函〔2026〕12号', '李娜', '高新区产业园', '刘洋、陈静', '2,580.80', '贰仟伍佰捌拾元捌角整', '经办人', '证明人', '审批人', '周建国', '（单位盖章）', '2026-03-12 10:15']) {
      expect(html).toContain(text);
    }
  });

  it('loads nothing and runs nothing', () => {
    const html = renderSettlementPage(sampleReport());
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import|https?:/i);
  });

  it('escapes what people typed: a script and an @all in a guest name stay text', () => {
    const hostile = '<script>alert(1)</script><at id=all></at>"\'&';
    const html = renderSettlementPage(
      sampleReport({
        guests: [{ name: hostile, title: '<b>处长</b>' }],
        activities: [{ time: '9:00', place: '<img src=x onerror=alert(1)>', activity: 'a & b' }],
        lines: [{ ...sampleReport().lines[0], payee: '</td></tr></table><script>x()</script>', reason: '<iframe>' }],
        contentHash: '"><script>',
      }),
    );
    expect(html).not.toMatch(/<script|<at |<img|<iframe|<b>/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;at id=all&gt;&lt;/at&gt;&quot;&#39;&amp;');
    expect(html).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;');
    expect(html).toContain('a &amp; b');
  });
});

describe('signed links', () => {
  const secret = 'test-secret-0123456789';
  const now = new Date('2026-03-14T00:00:00Z');
  const path = '/settlements/JD-2026-0001/print';
  const split = (link: string) => {
    const [p, q] = link.split('?');
    return { p, q: new URLSearchParams(q) };
  };

  it('signs path, expiry and HMAC in the query', () => {
    const link = signLink(secret, path, new Date('2026-03-17T00:00:00Z'));
    expect(link).toMatch(/^\/settlements\/JD-2026-0001\/print\?exp=1773705600&sig=[A-Za-z0-9_-]{43}$/);
    const { p, q } = split(link);
    expect(verifyLink(secret, p, q, now)).toBe('ok');
    expect(verifyLink(secret, p, Object.fromEntries(q), now)).toBe('ok');
  });

  it('refuses another path, a changed signature, a changed expiry and another secret', () => {
    const { q } = split(signLink(secret, path, new Date('2026-03-17T00:00:00Z')));
    expect(verifyLink(secret, '/settlements/JD-2026-0002/print', q, now)).toBe('invalid');
    expect(verifyLink(secret, '/settlements/JD-2026-0001/list.xlsx', q, now)).toBe('invalid');
    const sig = q.get('sig')!;
    for (const i of [0, 20, 42]) {
      const tampered = sig.slice(0, i) + (sig[i] === 'A' ? 'B' : 'A') + sig.slice(i + 1);
      expect(verifyLink(secret, path, new URLSearchParams({ exp: q.get('exp')!, sig: tampered }), now)).toBe('invalid');
    }
    expect(verifyLink(secret, path, new URLSearchParams({ exp: String(Number(q.get('exp')) + 86_400), sig }), now)).toBe('invalid');
    expect(verifyLink('another-secret-0123456789', path, q, now)).toBe('invalid');
    expect(verifyLink(secret, path, new URLSearchParams({ exp: q.get('exp')! }), now)).toBe('invalid');
    expect(verifyLink(secret, path, new URLSearchParams(), now)).toBe('invalid');
    expect(verifyLink(secret, path, { exp: [q.get('exp')], sig }, now)).toBe('invalid');
  });

  it('expires at exp', () => {
    const expiresAt = new Date('2026-03-17T00:00:00Z');
    const { q } = split(signLink(secret, path, expiresAt));
    expect(verifyLink(secret, path, q, new Date(expiresAt.getTime() - 1000))).toBe('ok');
    expect(verifyLink(secret, path, q, expiresAt)).toBe('expired');
    expect(verifyLink(secret, path, q, new Date(expiresAt.getTime() + 86_400_000))).toBe('expired');
  });

  it('exportLinks gives full URLs for both exports, 72 hours by default', () => {
    const links = exportLinks(secret, 'https://jiedai.example.gov.cn/', 'JD-2026-0001', now);
    expect(links.xlsx).toMatch(/^https:\/\/jiedai\.example\.gov\.cn\/settlements\/JD-2026-0001\/list\.xlsx\?exp=1773705600&sig=/);
    expect(links.print).toMatch(/^https:\/\/jiedai\.example\.gov\.cn\/settlements\/JD-2026-0001\/print\?exp=1773705600&sig=/);
    const url = new URL(links.print);
    expect(verifyLink(secret, url.pathname, url.searchParams, now)).toBe('ok');
  });
});
