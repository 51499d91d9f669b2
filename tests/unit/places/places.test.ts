// The library's pure parts: reading rows, the timed itinerary, and the rules that read the library.
import { describe, expect, it } from 'vitest';
import { checkSettlement } from '../../../src/rules/checks/check-settlement.js';
import { checkLibraryChoices } from '../../../src/rules/checks/check-places.js';
import { buildItinerary, closedWeekdays } from '../../../src/places/itinerary.js';
import { itineraryLines } from '../../../src/reception/reception-cards.js';
import { parseStops, readPlaceRows } from '../../../src/places/places-read.js';
import { PLACE_COLUMNS, readPlacesTable, type PlaceColumn } from '../../../src/places/places-file.js';
import { buildLine, buildRequest, buildSettlement, now, policy } from '../rules/build.js';

const row = (n: number, cells: Partial<Record<PlaceColumn, string>>) => ({ row: n, cells: Object.fromEntries(PLACE_COLUMNS.map((c) => [c, cells[c] ?? ''])) as Record<PlaceColumn, string> });

describe('reading the library file', () => {
  it('reads a route\'s sites in order with the travel between them', () => {
    expect(parseStops('汉江博物馆→瀛湖（车程30分钟）→ 香溪洞(车程 15 分钟)')).toEqual({ value: [{ site: '汉江博物馆', travel: 0 }, { site: '瀛湖', travel: 30 }, { site: '香溪洞', travel: 15 }] });
    expect(parseStops('汉江博物馆→瀛湖(车程-5分钟)')).toEqual({ error: '“瀛湖”的车程不能为负数' });
  });

  it('names every bad row by row and column: unknown kind, negative minutes, a price with three decimals, a route over a site nowhere', () => {
    const { entries, problems } = readPlaceRows(
      [
        row(2, { 类型: '景点', 名称: 'A' }),
        row(3, { 类型: '点位', 名称: 'B', 时长分钟: '-10' }),
        row(4, { 类型: '宾馆', 名称: 'C', 协议价: '380.555' }),
        row(5, { 类型: '线路', 名称: 'D', 包含点位: 'B→E(车程5分钟)' }),
        row(6, { 类型: '餐厅', 名称: 'F', 协议价: '40' }),
      ],
      new Set(),
    );
    expect(problems.map((p) => `${p.row} ${p.column}`)).toEqual(['2 类型', '3 时长分钟', '4 协议价', '5 包含点位']);
    expect(problems[1].message).toBe('不能为负数（-10）');
    expect(problems[2].message).toContain('两位小数');
    expect(problems[3].message).toContain('“E”不在本文件或点位库中');
    expect(entries.map((e) => e.name)).toEqual(['F']);
    expect(entries[0].priceFen).toBe(4000);
  });

  it('reads an .xlsx workbook (the first sheet not named 说明) and an explainer\'s sites listed with 、', async () => {
    const { excel } = await import('../../../src/lib/xlsx-style.js');
    const wb = new (excel().Workbook)();
    wb.addWorksheet('说明').addRow(['填写说明']);
    const ws = wb.addWorksheet('点位库');
    ws.addRow([...PLACE_COLUMNS]);
    ws.addRow(['点位', '汉江博物馆', '', '汉江流域历史文明', '历史文明与自然风光之路', 50]);
    ws.addRow(['讲解员', '陈静', '', '', '', null, '', '', '13800000002', '', '汉江博物馆、瀛湖']);
    const table = await readPlacesTable(Buffer.from(await wb.xlsx.writeBuffer()), '点位库.xlsx');
    if (!('rows' in table)) throw new Error(table.error);
    expect(table.rows.map((r) => [r.row, r.cells.类型, r.cells.名称, r.cells.时长分钟])).toEqual([[2, '点位', '汉江博物馆', '50'], [3, '讲解员', '陈静', '']]);
    const { entries, problems } = readPlaceRows(table.rows, new Set(['瀛湖']));
    expect(problems).toEqual([]);
    expect(entries[1].stops).toEqual([{ site: '汉江博物馆', travel: 0 }, { site: '瀛湖', travel: 0 }]);
  });

  it('refuses a file whose columns are not exactly the template\'s, and one over the row limit', async () => {
    const header = PLACE_COLUMNS.join(',');
    expect(await readPlacesTable(Buffer.from(`${header.replace('协议价', '价格')}\n点位,A`), 'a.csv')).toMatchObject({ error: expect.stringContaining('“价格”不是导入模板的列') });
    const many = `${header}\n${Array.from({ length: 11 }, (_, i) => `点位,S${i}`).join('\n')}`;
    expect(await readPlacesTable(Buffer.from(many), 'a.csv', { maxRows: 10 })).toEqual({ error: '数据超过每次10行的上限，请分批导入' });
    expect(await readPlacesTable(Buffer.from(many), 'a.csv', { maxBytes: 100 })).toMatchObject({ error: expect.stringContaining('超过') });
    const ok = await readPlacesTable(Buffer.from(`\ufeff${header}\n点位,甲,,,,40\n\n点位,乙`), 'a.csv');
    expect('rows' in ok && ok.rows.map((r) => [r.row, r.cells.名称, r.cells.时长分钟])).toEqual([[2, '甲', '40'], [4, '乙', '']]);
  });
});

describe('the timed itinerary (安康: 点位介绍 in the handbook)', () => {
  const sites = new Map([
    ['高新区产业园', { name: '高新区产业园', minutes: 40, explainer: '王丽', summary: '新材料产业集群', address: '创业大道1号' }],
    ['汉江博物馆', { name: '汉江博物馆', minutes: 50, explainer: null, summary: '汉江流域历史文明（每周一闭馆）', address: null }],
  ]);
  it('times each site from the arrival, with the travel between and the explainer', () => {
    const it = buildItinerary([{ site: '高新区产业园', travel: 0 }, { site: '汉江博物馆', travel: 25 }], sites, '09:30', () => '陈静');
    expect(itineraryLines(it)).toEqual(['09:30—10:10 高新区产业园（讲解：王丽）', '车程约25分钟', '10:35—11:25 汉江博物馆（讲解：陈静）']);
    expect(it[1].closed).toEqual([1]);
  });
  it('reads the closed days a description names', () => {
    expect(closedWeekdays('每周一闭馆')).toEqual([1]);
    expect(closedWeekdays('周一、周二闭馆')).toEqual([1, 2]);
    expect(closedWeekdays('全年开放')).toEqual([]);
  });
});

describe('rules that read the library', () => {
  it('新余 "宾馆公务接待收费标准": a settlement line at the 定点 hotel above its agreed price raises R7', () => {
    const r = buildRequest({ hotel: '北湖宾馆', hotel_price: 380, rooms: 2, arrive_date: '2026-11-25', depart_date: '2026-11-26', lodging_paid_by_host: true });
    const over = checkSettlement(buildSettlement({ lines: [buildLine({ category: '住宿', amount: 900, persons: 2 })] }), r, policy, now).filter((f) => f.message.includes('协议价'));
    expect(over.map((f) => [f.rule, f.severity])).toEqual([['R7', 'reason']]);
    expect(over[0].message).toContain('北湖宾馆住宿2间1晚，每间每晚450元，超过该定点宾馆协议价380元');
    const within = checkSettlement(buildSettlement({ lines: [buildLine({ category: '住宿', amount: 760, persons: 2 })] }), r, policy, now);
    expect(within.filter((f) => f.message.includes('协议价'))).toEqual([]);
  });
  it('lodging without a 定点 hotel, a restaurant above the meal standard, and a site closed that day are findings', () => {
    const closed = [{ site: '汉江博物馆', start: '09:00', end: '09:50', minutes: 50, travel: 0, closed: [3] }];
    const f = checkLibraryChoices(buildRequest({ lodging: '标准间', restaurant: '江景酒楼', restaurant_price: 500, arrive_date: '2026-11-25', itinerary: closed }), policy, { hasHotels: true });
    expect(f.map((x) => x.field)).toEqual(['hotel', 'restaurant', 'route']);
    expect(f[0].message).toContain('未选择定点宾馆');
    expect(f[1].message).toContain('江景酒楼的协议价500元/人·餐，超过');
    expect(f[2].message).toContain('汉江博物馆周三闭馆（2026-11-25为周三）');
  });
});
