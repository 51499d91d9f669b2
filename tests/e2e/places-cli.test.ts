// The library tool as the office runs it: `npm run --silent places -- …` against the bot's own
// database from the environment (a temporary PGlite DATA_DIR, or PostgreSQL with test:pg).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { places } from '../../src/db/schema/index.js';
import { PLACE_COLUMNS } from '../../src/places/places-file.js';
import { useToolDatabase } from './tool-harness.js';

const tool = useToolDatabase('jd-places-cli-');
const placesTool = (...args: string[]) => tool.run('npm', ['run', '--silent', 'places', '--', ...args]);
const file = (name: string, text: string) => {
  const p = path.join(tool.dir, name);
  writeFileSync(p, text);
  return p;
};
const csv = (rows: string[][]) => [PLACE_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\n');

async function library() {
  const { tdb } = tool;
  const d = tdb ? tdb.main : await createDatabase({ dataDir: tool.dataDir });
  try {
    return await d.db.select().from(places).orderBy(asc(places.kind), asc(places.name));
  } finally {
    if (!tdb) await d.close();
  }
}

const SITE = ['点位', '汉江博物馆', '江北大道12号', '汉江流域历史文明', '历史文明与自然风光之路', '50', '陈静', '赵强', '0915-3210003', '', ''];
const ROUTE = ['线路', '历史文明与自然风光之路', '', '', '历史文明与自然风光之路', '', '', '', '', '', '汉江博物馆→瀛湖(车程30分钟)'];
const LAKE = ['点位', '瀛湖', '瀛湖镇', '山水风光', '历史文明与自然风光之路', '60', '陈静', '', '', '', ''];
const HOTEL = ['宾馆', '北湖宾馆', '北湖路6号', '', '', '', '', '张华', '0790-6220001', '380', ''];

describe('the library tool (安康 "工业经济之路、历史文明与自然风光之路、红色教育之路": themed routes)', () => {
  it('serves the template with exactly the documented columns, and the template imports', async () => {
    const t = await placesTool('template');
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout.replace(/^\ufeff/, '').split(/\r?\n/)[0]).toBe('类型,名称,地址,简介,主题,时长分钟,讲解员,联系人,电话,协议价,包含点位');
    const r = await placesTool('import', file('模板.csv', t.stdout), '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('共 7 行：点位 3、线路 1、讲解员 1、宾馆 1、餐厅 1；新增 7，更新 0，未变 0');
    expect(r.stdout).toContain('试运行：未导入任何数据。');
    expect(await library()).toEqual([]);
  }, 60_000);

  it('bad rows are named by row and column and nothing is imported while one is bad', async () => {
    const p = file('bad.csv', csv([SITE, ['线路', '红色教育之路', '', '', '', '', '', '', '', '', '汉江博物馆→烈士陵园(车程10分钟)'], ['点位', '瀛湖', '', '', '', '-5', '', '', '', '', ''], ['宾馆', '江北宾馆', '', '', '', '', '', '', '', '380.555', '']]));
    const r = await placesTool('import', p);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('第3行 包含点位：“烈士陵园”不在本文件或点位库中，请先导入该点位');
    expect(r.stdout).toContain('第4行 时长分钟：不能为负数（-5）');
    expect(r.stdout).toMatch(/第5行 协议价：.*两位小数/);
    expect(r.stdout).toContain('有 3 行错误，未导入任何数据。');
    expect(await library()).toEqual([]);
  }, 60_000);

  it('a file with an unknown column is refused as a whole', async () => {
    const p = file('cols.csv', `${PLACE_COLUMNS.join(',')},备注\n${SITE.join(',')},x`);
    const r = await placesTool('import', p);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('第1行 表头：“备注”不是导入模板的列');
    expect(r.stdout).toContain('未导入任何数据。');
  }, 60_000);

  it('imports, and importing the same file again changes nothing (idempotent by name and kind)', async () => {
    const p = file('lib.csv', csv([SITE, LAKE, ROUTE, HOTEL]));
    const first = await placesTool('import', p);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('新增 4，更新 0，未变 0');
    const again = await placesTool('import', p);
    expect(again.stdout).toContain('新增 0，更新 0，未变 4');
    const rows = await library();
    expect(rows.map((r) => `${r.kind}:${r.name}`)).toEqual(['hotel:北湖宾馆', 'route:历史文明与自然风光之路', 'site:汉江博物馆', 'site:瀛湖']);
    expect(rows.find((r) => r.kind === 'route')!.stops).toEqual([{ site: '汉江博物馆', travel: 0 }, { site: '瀛湖', travel: 30 }]);
    expect(rows.find((r) => r.kind === 'hotel')!.priceFen).toBe(38000);
    // A later file naming only a route over sites already in the library.
    const more = await placesTool('import', file('more.csv', csv([['线路', '短线', '', '', '', '', '', '', '', '', '瀛湖']])));
    expect(more.code, more.stdout).toBe(0);
  }, 90_000);
});
