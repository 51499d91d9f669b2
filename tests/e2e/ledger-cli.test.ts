// The ledger tool as an operator runs it: `npx tsx src/cli/ledger.ts …` (and `npm run --silent
// ledger -- …`) against the bot's own database from the environment (a temporary PGlite DATA_DIR,
// or a fresh PostgreSQL database with npm run test:pg).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { ledgerEntries } from '../../src/db/schema/index.js';
import { readLedgerFile } from '../../src/statistics/ledger-read.js';
import { csvText, encodeGbk, excelDate, GOOD_ROWS, HEADER, workbook } from '../fixtures/ledger-files.js';
import { useToolDatabase } from './tool-harness.js';

const tool = useToolDatabase('jd-ledger-cli-');
const run = tool.run;
const ledger = (...args: string[]) => run('npx', ['tsx', 'src/cli/ledger.ts', ...args]);
const file = (name: string, bytes: Buffer | string) => {
  const p = path.join(tool.dir, name);
  writeFileSync(p, bytes);
  return p;
};

/** The ledger as the bot would read it (the tool has exited, so an embedded database is free). */
async function entries() {
  const { tdb } = tool;
  const d = tdb ? tdb.main : await createDatabase({ dataDir: tool.dataDir });
  try {
    return await d.db.select().from(ledgerEntries).orderBy(asc(ledgerEntries.date));
  } finally {
    if (!tdb) await d.close();
  }
}

const bad = (over: Record<string, string>) => HEADER.map((h, i) => over[h] ?? GOOD_ROWS[0][i]);

describe('the ledger tool', () => {
  it('writes the template', async () => {
    const out = path.join(tool.dir, '模板.xlsx');
    const r = await run('npm', ['run', '--silent', 'ledger', '--', 'template', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('已生成导入模板');
    const f = await readLedgerFile('模板.xlsx', readFileSync(out));
    expect(f.problems.map((p) => p.message)).toEqual(['是导入模板中的示例行，请删除后再导入']);
  }, 60_000);

  it('a GBK CSV with bad and duplicate rows: every one named, nothing imported, exit 1; a dry run says the same', async () => {
    const rows = [GOOD_ROWS[0], bad({ 级别: '处级', 来访单位: '某市发改委' }), GOOD_ROWS[1], GOOD_ROWS[0], bad({ 接待类型: '考察', 来访单位: '某县' }), GOOD_ROWS[2]];
    const p = file('台账-gbk.csv', encodeGbk(csvText(rows)));
    for (const args of [[], ['--dry-run']]) {
      const r = await ledger('import', p, ...args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toContain('文件：台账-gbk.csv（CSV，GBK编码）');
      expect(r.stdout).toContain('共 6 行：可导入 3 行，已导入过 0 行，错误 3 行');
      expect(r.stdout).toContain('第3行 级别：“处级”不是有效级别，应写为“县处级正职”或“县处级副职”');
      expect(r.stdout).toContain('第5行与第2行重复');
      expect(r.stdout).toContain('第6行 接待类型：“考察”不是有效接待类型');
      expect(r.stdout).toContain('有 3 行错误，未导入任何数据。请改正后重新导入，或加 --skip-bad 跳过错误行。');
    }
    expect(await entries()).toEqual([]);

    const dry = await ledger('import', p, '--dry-run', '--skip-bad');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('试运行：未导入任何数据；实际导入将写入 3 行（跳过 3 行错误）。');
    expect(await entries()).toEqual([]);

    const skip = await ledger('import', p, '--skip-bad');
    expect(skip.code, skip.stderr).toBe(0);
    expect(skip.stdout).toMatch(/已导入 3 行，跳过错误 3 行（批次 [0-9a-f]{12}）。/);
    expect((await entries()).map((e) => e.guestUnit)).toEqual(['省发展和改革委员会', '市商务局', '某某科技有限公司']);
  }, 120_000);

  it('imports a workbook with date cells; the same file again imports nothing new', async () => {
    const p = file(
      '2025.xlsx',
      await workbook([
        [excelDate('2025-03-05'), '省发展和改革委员会', '张伟', '处长', '县处级正职', '公务', 5, '考察调研', 2, 860, '招商局', '省发改函〔2025〕12号'],
        [excelDate('2025-07-09'), '省商务厅', '赵六', '副厅长', '厅局级副职', '公务', 6, '检查指导', 3, 1500, '招商局', null],
        [excelDate('2025-08-12'), '某大学', '钱七', '院长', '厅局级副职', '指导', 4, '学习交流', 0, 0, '办公室', null],
      ]),
    );
    const first = await run('npm', ['run', '--silent', 'ledger', '--', 'import', p]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('文件：2025.xlsx（Excel工作簿）');
    expect(first.stdout).toContain('共 3 行：可导入 2 行，已导入过 1 行，错误 0 行');
    expect(first.stdout).toMatch(/已导入 2 行（批次/);
    const again = await ledger('import', p);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('共 3 行：可导入 0 行，已导入过 3 行，错误 0 行');
    expect(again.stdout).toContain('没有需要导入的新记录。');
    const rows = await entries();
    expect(rows).toHaveLength(5);
    expect(rows.find((e) => e.guestUnit === '某大学')).toMatchObject({ date: '2025-08-12', kind: '指导', category: '指导接待', totalFen: 0, status: 'imported', source: 'import' });
  }, 120_000);

  it('a file with missing columns: each named, nothing imported, exit 1', async () => {
    const header = HEADER.filter((h) => h !== '级别' && h !== '承办部门');
    const p = file('缺列.csv', csvText([GOOD_ROWS[0].filter((_, i) => HEADER[i] !== '级别' && HEADER[i] !== '承办部门')], header));
    const r = await ledger('import', p, '--skip-bad');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('文件无法导入：');
    expect(r.stdout).toContain('第1行 级别：缺少“级别”列');
    expect(r.stdout).toContain('第1行 承办部门：缺少“承办部门”列');
    expect(r.stdout).toContain('未导入任何数据。');
  }, 60_000);

  it('answers bad arguments with the usage and exit status 2', async () => {
    for (const args of [['frob'], ['import'], ['import', 'a.csv', '--force'], ['import', path.join(tool.dir, 'none.csv')]]) {
      const r = await ledger(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.length).toBeGreaterThan(0);
    }
  }, 120_000);
});
