import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPodiumSvg, buildRoundTableSvg, renderPodium, renderRoundTable } from '../../../src/rules/seating/render-seating.js';
import { layoutPodium, layoutRoundTable, type RoundTableLayout, SeatingError, sortBySeniority } from '../../../src/rules/seating/seating.js';

const people = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i + 1}` }));
const roleAt = (l: RoundTableLayout, seat: number) => l.seats[seat].role;
const seatOf = (l: RoundTableLayout, role: string) => l.seats.find((s) => s.role === role)?.seat;

describe('round table: 以右为上、面门为上、以近为上 (docs/protocol.md)', () => {
  it('seats 主陪 facing the door, 主宾 at his right, 副主宾 at his left, 副陪 opposite (10 seats)', () => {
    const l = layoutRoundTable(people('主', 5), people('客', 5));
    expect(l.seats).toHaveLength(10);
    expect(roleAt(l, 0)).toBe('主陪'); // top of the drawing, facing the door at the bottom
    expect(l.seats[0].person?.name).toBe('主1');
    expect(roleAt(l, 9)).toBe('主宾'); // host's right: he faces the door, so his right is the drawing's left
    expect(roleAt(l, 1)).toBe('副主宾');
    expect(roleAt(l, 5)).toBe('副陪'); // back to the door
    expect(roleAt(l, 4)).toBe('三宾'); // 副陪's right
    expect(roleAt(l, 6)).toBe('四宾'); // 副陪's left
    expect(l.serviceStartsAt).toBe(9);
  });

  it.each([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])('fills a table of %i with every person seated once and 主陪 facing the door', (n) => {
    const hosts = people('主', Math.floor(n / 2));
    const guests = people('客', n - hosts.length);
    const l = layoutRoundTable(hosts, guests);
    const names = l.seats.map((s) => s.person?.name);
    expect(new Set(names).size).toBe(n);
    expect(names).not.toContain(undefined);
    expect(roleAt(l, 0)).toBe('主陪');
    expect(seatOf(l, '主宾')).toBe(n - 1);
    expect(seatOf(l, '副主宾')).toBe(1);
    expect(seatOf(l, '副陪')).toBe(Math.ceil(n / 2));
    // angles go clockwise from the top, evenly
    expect(l.seats.map((s) => s.angle)).toEqual(Array.from({ length: n }, (_, i) => (360 * i) / n));
  });

  it('alternates hosts and guests around an even table of 12', () => {
    const l = layoutRoundTable(people('主', 6), people('客', 6));
    expect(l.seats.map((s) => s.side)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 'host' : 'guest')));
  });

  it('seats seniors nearer the host: 三陪 and 四陪 beside 主宾 and 副主宾 on a table of 12', () => {
    const l = layoutRoundTable(people('主', 5), people('客', 5), { seats: 12 });
    expect(roleAt(l, 10)).toBe('三陪');
    expect(roleAt(l, 2)).toBe('四陪');
  });

  it('fills guest seats with hosts when the hosts outnumber the guests (8 hosts, 2 guests)', () => {
    const l = layoutRoundTable(people('主', 8), people('客', 2));
    expect(seatOf(l, '主宾')).toBe(9);
    expect(seatOf(l, '副主宾')).toBe(1);
    expect(l.seats.filter((s) => s.side === 'host')).toHaveLength(8);
    expect(roleAt(l, 4)).toBe('三陪'); // 三宾's seat goes to the next host
  });

  it('fills host seats with guests when the guests outnumber the hosts (2 hosts, 8 guests)', () => {
    const l = layoutRoundTable(people('主', 2), people('客', 8));
    expect(roleAt(l, 0)).toBe('主陪');
    expect(roleAt(l, 5)).toBe('副陪');
    expect(l.seats.filter((s) => s.side === 'guest').map((s) => s.role)).toHaveLength(8);
    expect(l.seats.map((s) => s.role)).toContain('八宾');
  });

  it('leaves the least senior seats empty when there are fewer people than seats', () => {
    const l = layoutRoundTable(people('主', 3), people('客', 3), { seats: 8 });
    expect(l.seats.filter((s) => s.person === null).map((s) => s.seat)).toEqual([2, 6]);
  });

  it('refuses more people than seats, and an empty table', () => {
    expect(() => layoutRoundTable(people('主', 5), people('客', 5), { seats: 8 })).toThrow(SeatingError);
    expect(() => layoutRoundTable([], [])).toThrow('座次安排至少需要一人');
  });
});

describe('podium: 以左为上, seen from the podium (docs/protocol.md)', () => {
  const order = (n: number) => layoutPodium(people('领导', n)).seats.map((s) => s.number);

  it('puts No. 1 in the centre of an odd row, No. 2 at its left, No. 3 at its right', () => {
    expect(order(1)).toEqual([1]);
    expect(order(3)).toEqual([2, 1, 3]);
    expect(order(5)).toEqual([4, 2, 1, 3, 5]);
    expect(order(7)).toEqual([6, 4, 2, 1, 3, 5, 7]);
  });

  it('puts No. 1 left of the centre line and No. 2 right of it in an even row', () => {
    expect(order(2)).toEqual([1, 2]);
    expect(order(4)).toEqual([3, 1, 2, 4]);
    expect(order(6)).toEqual([5, 3, 1, 2, 4, 6]);
  });

  it('mirrors the positions as seen from the audience', () => {
    const seats = layoutPodium(people('领导', 4)).seats;
    const one = seats.find((s) => s.number === 1)!;
    expect(one.fromPodiumLeft).toBe(1);
    expect(one.fromAudienceLeft).toBe(2);
  });

  it('refuses an empty podium', () => {
    expect(() => layoutPodium([])).toThrow(SeatingError);
  });
});

describe('seniority (docs/protocol.md)', () => {
  it('orders by rank, then by the order the organiser gave', () => {
    const sorted = sortBySeniority([
      { name: '甲', rank: '县处级正职' },
      { name: '乙', rank: '厅局级副职' },
      { name: '丙', rank: '县处级正职' },
      { name: '丁', rank: '厅局级正职' },
    ]);
    expect(sorted.map((p) => p.name)).toEqual(['丁', '乙', '甲', '丙']);
  });
});

// Rendering a PNG with the CJK font takes a second alone and several on a busy machine.
describe('seating images', { timeout: 30_000 }, () => {
  const out = path.resolve(import.meta.dirname, '../../.artifacts');
  mkdirSync(out, { recursive: true });
  const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

  it('draws a round table of 12 with Chinese names and the door marked', () => {
    const hosts = ['王建国', '李明', '赵敏', '钱进', '孙立'].map((name) => ({ name }));
    const guests = ['张德华', '刘晓东', '陈静', '杨光', '周海', '吴芳'].map((name) => ({ name }));
    const l = layoutRoundTable(hosts, guests, { seats: 12 });
    const svg = buildRoundTableSvg(l);
    expect(svg).toContain('>门<');
    expect(svg).toContain('>张德华<');
    const png = renderRoundTable(l);
    expect(isPng(png)).toBe(true);
    writeFileSync(path.join(out, 'round-table-12.png'), png);
  });

  it('draws a podium of 6 stating that it faces the audience', () => {
    const l = layoutPodium(['张省长', '李副省长', '王秘书长', '赵厅长', '钱市长', '孙副市长'].map((name) => ({ name, title: '出席领导' })));
    const svg = buildPodiumSvg(l);
    expect(svg).toContain('面向观众');
    expect(svg).toContain('台下（观众席）');
    const png = renderPodium(l);
    expect(isPng(png)).toBe(true);
    writeFileSync(path.join(out, 'podium-6.png'), png);
  });

  it('escapes names so user text cannot break the drawing', () => {
    const svg = buildRoundTableSvg(layoutRoundTable([{ name: '<b>&' }], [{ name: '"x"' }]));
    expect(svg).toContain('&lt;b&gt;&amp;');
    expect(svg).not.toContain('<b>');
  });
});
